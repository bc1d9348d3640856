#include "intel/stix_pattern.h"

namespace medtap::intel {

namespace {

// A pattern with more terms than this is unsupported rather than read: one indicator is one
// threat, and a feed that ORs thousands of values into one pattern should be split.
constexpr size_t kMaxTerms = 4096;

class PatternReader {
 public:
  explicit PatternReader(std::string_view text) : s_(text) {}

  std::optional<std::vector<PatternTerm>> read() {
    std::vector<PatternTerm> terms;
    do {
      if (!take('[')) return std::nullopt;
      do {
        auto term = comparison();
        if (!term || terms.size() >= kMaxTerms) return std::nullopt;
        terms.push_back(std::move(*term));
      } while (keyword("OR"));
      if (!take(']')) return std::nullopt;
    } while (keyword("OR"));
    skipSpace();
    if (pos_ != s_.size()) return std::nullopt;
    return terms;
  }

 private:
  void skipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n')) {
      ++pos_;
    }
  }
  bool take(char c) {
    skipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // A word of letters, digits, '-', '_', ':' and '.' (an object path or a keyword).
  std::string_view word() {
    skipSpace();
    size_t start = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == ':' || c == '.';
      if (!ok) break;
      ++pos_;
    }
    return s_.substr(start, pos_ - start);
  }
  bool keyword(std::string_view k) {
    size_t saved = pos_;
    if (word() == k) return true;
    pos_ = saved;
    return false;
  }
  // A single-quoted string; '\'' and '\\' are the escapes (STIX 2.1 9.2, String).
  std::optional<std::string> string() {
    if (!take('\'')) return std::nullopt;
    std::string out;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '\'') return out;
      if (c == '\\') {
        if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '\\')) return std::nullopt;
        c = s_[pos_++];
      }
      out.push_back(c);
    }
    return std::nullopt;
  }
  std::optional<PatternTerm> comparison() {
    std::string_view path = word();
    std::optional<IndicatorType> type;
    bool address = false;
    if (path == "ipv4-addr:value" || path == "ipv6-addr:value") {
      type = IndicatorType::Addr;
      address = true;
    } else if (path == "domain-name:value") {
      type = IndicatorType::Domain;
    } else if (path == "url:value") {
      type = IndicatorType::Url;
    } else {
      return std::nullopt;
    }
    bool subset = false;
    if (!take('=')) {
      if (!address || !keyword("ISSUBSET")) return std::nullopt;
      subset = true;
    }
    auto value = string();
    if (!value) return std::nullopt;
    if (address && (subset || value->find('/') != std::string::npos)) {
      type = IndicatorType::Subnet;
    }
    return PatternTerm{*type, std::move(*value)};
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<std::vector<PatternTerm>> parseStixPattern(std::string_view pattern) {
  return PatternReader(pattern).read();
}

}  // namespace medtap::intel
