#include "advisories/version_range.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "advisories/limits.h"

namespace medtap::advisories {

namespace {

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The next piece of a version: a run of digits or a run of anything else.
std::string_view nextPiece(std::string_view& s) {
  size_t n = 1;
  const bool digits = isDigit(s[0]);
  while (n < s.size() && isDigit(s[n]) == digits) ++n;
  std::string_view piece = s.substr(0, n);
  s.remove_prefix(n);
  return piece;
}

int compareNumbers(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a[0] == '0') a.remove_prefix(1);
  while (b.size() > 1 && b[0] == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

int compareText(std::string_view a, std::string_view b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return lower(a[i]) < lower(b[i]) ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

bool isUpper(Comparator op) {
  return op == Comparator::Less || op == Comparator::LessEqual;
}

bool isLower(Comparator op) {
  return op == Comparator::Greater || op == Comparator::GreaterEqual;
}

// Whether two versions are of one line, so that ordering them means something: both start with
// digits, or with the same letters ("CMS7.820" and "CMS7.900", not "smart3250" and "CMS7").
bool sameLine(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return false;
  const std::string_view pa = nextPiece(a), pb = nextPiece(b);
  if (isDigit(pa[0]) != isDigit(pb[0])) return false;
  return isDigit(pa[0]) || compareText(pa, pb) == 0;
}

bool satisfies(std::string_view version, const Constraint& c) {
  const int cmp = compareVersions(version, c.version);
  if (c.op != Comparator::Equal && c.op != Comparator::NotEqual && !sameLine(version, c.version)) {
    return false;
  }
  switch (c.op) {
    case Comparator::Equal:
      return cmp == 0;
    case Comparator::NotEqual:
      return cmp != 0;
    case Comparator::Less:
      return cmp < 0;
    case Comparator::LessEqual:
      return cmp <= 0;
    case Comparator::Greater:
      return cmp > 0;
    case Comparator::GreaterEqual:
      return cmp >= 0;
  }
  return false;
}

// A comparator at the front of `s` (spec: ">=", "<=", "!=", "<", ">", "="; none means "=").
Comparator takeComparator(std::string_view& s) {
  static constexpr std::pair<std::string_view, Comparator> kOps[] = {
      {">=", Comparator::GreaterEqual}, {"<=", Comparator::LessEqual}, {"!=", Comparator::NotEqual},
      {"<", Comparator::Less},          {">", Comparator::Greater},    {"=", Comparator::Equal}};
  for (const auto& [text, op] : kOps) {
    if (s.substr(0, text.size()) == text) {
      s.remove_prefix(text.size());
      return op;
    }
  }
  return Comparator::Equal;
}

bool hasSpace(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

VersionRange unreadable(std::string_view text, std::string note) {
  VersionRange r;
  r.text = std::string(text);
  r.certainty = RangeCertainty::Unreadable;
  r.note = std::move(note);
  return r;
}

VersionRange uncertain(std::string_view text, std::vector<Constraint> constraints, bool all,
                       std::string note) {
  VersionRange r;
  r.text = std::string(text);
  r.all = all;
  r.constraints = std::move(constraints);
  r.certainty = RangeCertainty::Uncertain;
  r.note = std::move(note);
  return r;
}

// "X and earlier", "versions prior to X", ...: the version and what the words say about it.
struct Phrase {
  std::string_view words;
  Comparator op;
  bool version_first;  // "X and earlier" rather than "prior to X"
};
constexpr Phrase kPhrases[] = {
    {" and earlier", Comparator::LessEqual, true},  {" and prior", Comparator::LessEqual, true},
    {" and older", Comparator::LessEqual, true},    {" and below", Comparator::LessEqual, true},
    {" and later", Comparator::GreaterEqual, true}, {" and newer", Comparator::GreaterEqual, true},
    {" and above", Comparator::GreaterEqual, true}, {"prior to ", Comparator::Less, false},
    {"before ", Comparator::Less, false},           {"earlier than ", Comparator::Less, false},
    {"up to ", Comparator::LessEqual, false}};

std::optional<Constraint> phrase(std::string_view text) {
  std::string low = lowered(text);
  for (const char* prefix : {"all versions ", "versions ", "version ", "all software versions "}) {
    if (low.rfind(prefix, 0) == 0) {
      low.erase(0, std::string_view(prefix).size());
      text.remove_prefix(std::string_view(prefix).size());
    }
  }
  for (const Phrase& p : kPhrases) {
    const size_t at = low.find(p.words);
    if (at == std::string::npos) continue;
    std::string_view version =
        p.version_first ? text.substr(0, at) : text.substr(at + p.words.size());
    if (!p.version_first && at != 0) continue;
    if (p.version_first && at + p.words.size() != low.size()) continue;
    version = trimmed(version);
    if (version.size() > 1 && lower(version[0]) == 'v' && isDigit(version[1])) {
      version.remove_prefix(1);
    }
    if (version.empty() || hasSpace(version)) return std::nullopt;
    return Constraint{p.op, std::string(version)};
  }
  return std::nullopt;
}

}  // namespace

int compareVersions(std::string_view a, std::string_view b) {
  while (!a.empty() && !b.empty()) {
    const std::string_view pa = nextPiece(a), pb = nextPiece(b);
    const bool da = isDigit(pa[0]), db = isDigit(pb[0]);
    const int cmp = da && db ? compareNumbers(pa, pb) : compareText(pa, pb);
    if (cmp != 0) return cmp;
  }
  return a.empty() == b.empty() ? 0 : (a.empty() ? -1 : 1);
}

Result<VersionRange> parseVers(std::string_view text) {
  std::string_view s = trimmed(text);
  if (s.substr(0, 5) != "vers:") return Error{"not a vers: string"};
  s.remove_prefix(5);
  const size_t slash = s.find('/');
  if (slash == std::string_view::npos || slash == 0) return Error{"vers: no <scheme>/"};
  VersionRange r;
  r.text = std::string(text);
  r.scheme = lowered(s.substr(0, slash));
  r.certainty = RangeCertainty::Exact;
  std::string_view rest = s.substr(slash + 1);
  std::string compact;  // spaces are not significant (spec: "remove all spaces and tabs")
  for (char c : rest) {
    if (c != ' ' && c != '\t') compact += c;
  }
  if (compact == "*") {
    r.all = true;
    return r;
  }
  std::string_view constraints = compact;
  while (!constraints.empty() || r.constraints.empty()) {
    const size_t bar = constraints.find('|');
    std::string_view item = constraints.substr(0, bar);
    constraints = bar == std::string_view::npos ? std::string_view{} : constraints.substr(bar + 1);
    if (r.constraints.size() >= kMaxVersConstraints) return Error{"vers: too many constraints"};
    const Comparator op = takeComparator(item);
    if (item.empty()) return Error{"vers: a constraint without a version"};
    if (item == "*") return Error{"vers: '*' must be the only constraint"};
    r.constraints.push_back(Constraint{op, std::string(item)});
    if (bar == std::string_view::npos) break;
  }
  std::stable_sort(r.constraints.begin(), r.constraints.end(),
                   [](const Constraint& a, const Constraint& b) {
                     return compareVersions(a.version, b.version) < 0;
                   });
  const Constraint* previous_range = nullptr;
  for (size_t i = 0; i < r.constraints.size(); ++i) {
    const Constraint& c = r.constraints[i];
    if (i > 0 && compareVersions(r.constraints[i - 1].version, c.version) == 0) {
      return Error{"vers: version " + c.version + " appears twice"};
    }
    if (c.op == Comparator::Equal || c.op == Comparator::NotEqual) continue;
    // Spec: bounds alternate; two lower (or two upper) bounds in a row are not a range.
    if (previous_range != nullptr && isUpper(previous_range->op) == isUpper(c.op)) {
      return Error{"vers: two " + std::string(isUpper(c.op) ? "upper" : "lower") +
                   " bounds in a row at " + c.version};
    }
    previous_range = &c;
  }
  return r;
}

VersionRange parseRange(std::string_view raw) {
  const std::string_view text = trimmed(raw);
  if (text.substr(0, 5) == "vers:") {
    auto vers = parseVers(text);
    if (vers) return std::move(vers.value());
    return unreadable(raw, vers.error());
  }
  const std::string low = lowered(text);
  if (low == "*" || low == "all" || low == "all versions" || low == "all software versions") {
    return uncertain(raw, {}, true, "free text: all versions");
  }
  if (text.empty()) return unreadable(raw, "empty range");
  if (low.find_first_of("|()") != std::string::npos) {
    return unreadable(raw, "free text with alternatives or conditions");
  }
  std::string_view s = text;
  const Comparator op = takeComparator(s);
  s = trimmed(s);
  if (s.size() != text.size() && !s.empty() && !hasSpace(s)) {
    return uncertain(raw, {Constraint{op, std::string(s)}}, false, "free text comparator");
  }
  if (auto c = phrase(text)) return uncertain(raw, {*c}, false, "free text phrase");
  return unreadable(raw, "free text");
}

InRange contains(const VersionRange& range, std::string_view version) {
  if (range.all) return InRange::Yes;
  if (range.certainty == RangeCertainty::Unreadable || range.constraints.empty()) {
    return InRange::Unknown;
  }
  std::vector<const Constraint*> bounds;
  for (const Constraint& c : range.constraints) {
    if (c.op == Comparator::Equal && satisfies(version, c)) return InRange::Yes;
    if (c.op == Comparator::NotEqual && !satisfies(version, c)) return InRange::No;
    if (isUpper(c.op) || isLower(c.op)) bounds.push_back(&c);
  }
  // Spec: walk the bounds pairwise; an upper bound first is open below, a lower bound last is
  // open above, and a lower bound followed by an upper one is an interval.
  for (size_t i = 0; i < bounds.size(); ++i) {
    const Constraint& c = *bounds[i];
    if (isUpper(c.op)) {
      if (i == 0 && satisfies(version, c)) return InRange::Yes;
      if (i > 0 && isLower(bounds[i - 1]->op) && satisfies(version, *bounds[i - 1]) &&
          satisfies(version, c)) {
        return InRange::Yes;
      }
    } else if (i + 1 == bounds.size() && satisfies(version, c)) {
      return InRange::Yes;
    }
  }
  return InRange::No;
}

}  // namespace medtap::advisories
