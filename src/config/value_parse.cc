#include "config/value_parse.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <numeric>

namespace medtap::config {

namespace {

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = kKiB * 1024;
constexpr uint64_t kGiB = kMiB * 1024;

struct Unit {
  std::string_view name;
  uint64_t factor;
};

// Largest first, so that formatting picks the largest exact unit; within a magnitude the binary
// unit comes first, so it wins when both are exact.
constexpr std::array<Unit, 7> kSizeUnits{{
    {"GiB", kGiB},
    {"GB", 1'000'000'000},
    {"MiB", kMiB},
    {"MB", 1'000'000},
    {"KiB", kKiB},
    {"KB", 1'000},
    {"B", 1},
}};

constexpr int64_t kNsPerMs = 1'000'000;
constexpr int64_t kNsPerSec = Timestamp::kNsPerSec;

// Largest first, for the same reason.
constexpr std::array<Unit, 5> kDurationUnits{{
    {"d", 86'400 * kNsPerSec},
    {"h", 3'600 * kNsPerSec},
    {"m", 60 * kNsPerSec},
    {"s", kNsPerSec},
    {"ms", kNsPerMs},
}};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

std::string quoted(std::string_view s) {
  return quoteForMessage(s);
}

// Splits "16 MiB" into the number "16" and the unit "MiB". The number is the leading run of
// digits and '_' (and '.', '-', '+' so that the caller can name those mistakes precisely).
struct NumberAndUnit {
  std::string_view number;
  std::string_view unit;
};

NumberAndUnit splitNumber(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (isDigit(text[i]) || text[i] == '_' || text[i] == '.' ||
                             text[i] == '-' || text[i] == '+')) {
    ++i;
  }
  return {text.substr(0, i), trim(text.substr(i))};
}

// Digits with single '_' between them. Error text is about `what` ("a size", "a duration").
Result<uint64_t> parseDigits(std::string_view number, std::string_view whole,
                             std::string_view what) {
  if (number.empty()) return Error{quoted(whole) + " is not " + std::string(what)};
  if (number.front() == '-') return Error{quoted(whole) + " is negative"};
  if (number.find('.') != std::string_view::npos) {
    return Error{quoted(whole) + " has a fraction; use a whole number (a smaller unit if needed)"};
  }
  if (number.front() == '+') return Error{quoted(whole) + " is not " + std::string(what)};
  uint64_t value = 0;
  bool last_was_digit = false;
  for (char c : number) {
    if (c == '_') {
      if (!last_was_digit) return Error{quoted(whole) + " is not " + std::string(what)};
      last_was_digit = false;
      continue;
    }
    if (!isDigit(c)) return Error{quoted(whole) + " is not " + std::string(what)};
    auto digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
      return Error{quoted(whole) + " is too large"};
    }
    value = value * 10 + digit;
    last_was_digit = true;
  }
  if (!last_was_digit) return Error{quoted(whole) + " is not " + std::string(what)};
  return value;
}

std::string toLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string unknownSizeUnit(std::string_view text, std::string_view unit) {
  std::string msg = "unknown unit " + quoted(unit) + " in " + quoted(text) + "; ";
  std::string lower = toLower(unit);
  // The usual slips: a lower-case unit, or a bare K/M/G. Both the SI and the IEC unit are offered
  // where the text does not say which was meant.
  for (const Unit& u : kSizeUnits) {
    if (u.name.size() == 3 && lower == toLower(u.name)) {
      return msg + "units are case-sensitive: did you mean " + std::string(u.name) + "?";
    }
  }
  if (!lower.empty() && (lower[0] == 'k' || lower[0] == 'm' || lower[0] == 'g') &&
      (lower.size() == 1 || lower == std::string(1, lower[0]) + "b")) {
    char p = static_cast<char>(std::toupper(static_cast<unsigned char>(lower[0])));
    return msg + "did you mean " + std::string(1, p) + "iB (1024-based) or " + std::string(1, p) +
           "B (1000-based)?";
  }
  return msg + "use B, KB, KiB, MB, MiB, GB or GiB (KB = 1000 bytes, KiB = 1024 bytes)";
}

}  // namespace

Result<uint64_t> parseSize(std::string_view text) {
  text = trim(text);
  if (text.empty()) return Error{"empty size"};
  // Not a structured binding: clang 14 cannot capture those in the lambda below.
  NumberAndUnit split = splitNumber(text);
  std::string_view number = split.number;
  std::string_view unit = split.unit;
  auto n = parseDigits(number, text, "a size (a number with a unit such as KiB or MiB)");
  if (!n) return n;
  uint64_t factor = 1;
  if (!unit.empty()) {
    auto it = std::find_if(kSizeUnits.begin(), kSizeUnits.end(),
                           [&](const Unit& u) { return u.name == unit; });
    if (it == kSizeUnits.end()) return Error{unknownSizeUnit(text, unit)};
    factor = it->factor;
  }
  if (n.value() > std::numeric_limits<uint64_t>::max() / factor) {
    return Error{quoted(text) + " is too large"};
  }
  return n.value() * factor;
}

Result<Duration> parseDuration(std::string_view text) {
  text = trim(text);
  if (text.empty()) return Error{"empty duration"};
  // Not a structured binding: clang 14 cannot capture those in the lambda below.
  NumberAndUnit split = splitNumber(text);
  std::string_view number = split.number;
  std::string_view unit = split.unit;
  auto n = parseDigits(number, text, "a duration (a number with a unit such as s, m or h)");
  if (!n) return Error{n.error()};
  uint64_t factor = kNsPerSec;
  if (!unit.empty()) {
    auto it = std::find_if(kDurationUnits.begin(), kDurationUnits.end(),
                           [&](const Unit& u) { return u.name == unit; });
    if (it == kDurationUnits.end()) {
      return Error{"unknown unit " + quoted(unit) + " in " + quoted(text) +
                   "; use ms, s, m, h or d (a plain number is seconds)"};
    }
    factor = it->factor;
  }
  if (n.value() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / factor) {
    return Error{quoted(text) + " is too long"};
  }
  return Duration{static_cast<int64_t>(n.value() * factor)};
}

Result<uint64_t> parseCount(std::string_view text) {
  text = trim(text);
  if (text.empty()) return Error{"empty number"};
  return parseDigits(text, text, "a whole number");
}

Result<bool> parseBool(std::string_view text) {
  std::string lower = toLower(trim(text));
  if (lower == "true" || lower == "yes" || lower == "on") return true;
  if (lower == "false" || lower == "no" || lower == "off") return false;
  return Error{quoted(text) + " is not true or false"};
}

Result<IpNetwork> parseNetwork(std::string_view text) {
  text = trim(text);
  auto net = IpNetwork::parse(text);
  if (!net) {
    return Error{quoted(text) + " is not a CIDR network (such as 10.0.0.0/8 or fd00::/8)"};
  }
  // Mask the host bits and compare: a network must be written by its first address.
  auto bytes = net->address().bytes();
  int first = net->address().isV4() ? 96 : 0;
  for (int bit = first + net->prefixLength(); bit < 128; ++bit) {
    bytes[static_cast<size_t>(bit / 8)] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
  if (bytes != net->address().bytes()) {
    IpAddress base = net->address().isV4() ? IpAddress::v4(Bytes(bytes).subspan(12, 4))
                                           : IpAddress::v6(Bytes(bytes));
    return Error{quoted(text) + " has host bits set; the network is " + base.toString() + "/" +
                 std::to_string(net->prefixLength())};
  }
  return *net;
}

std::string formatSize(uint64_t bytes) {
  if (bytes == 0) return "0B";
  for (const Unit& u : kSizeUnits) {
    if (bytes % u.factor == 0) return std::to_string(bytes / u.factor) + std::string(u.name);
  }
  return std::to_string(bytes) + "B";  // not reached: "B" divides everything
}

std::string formatDuration(Duration d) {
  if (d.ns == 0) return "0s";
  for (const Unit& u : kDurationUnits) {
    if (d.ns % static_cast<int64_t>(u.factor) == 0) {
      return std::to_string(d.ns / static_cast<int64_t>(u.factor)) + std::string(u.name);
    }
  }
  return std::to_string(d.ns) + "ns";  // finer than the file can say; shown for completeness
}

std::string oneLine(std::string_view message) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(message.size());
  for (char c : message) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string quoteForMessage(std::string_view text) {
  bool cut = text.size() > kMaxQuotedChars;
  return "'" + oneLine(text.substr(0, kMaxQuotedChars)) + (cut ? "...'" : "'");
}

size_t editDistance(std::string_view a, std::string_view b) {
  a = a.substr(0, kMaxEditInput);
  b = b.substr(0, kMaxEditInput);
  // One row of the dynamic-programming table at a time.
  std::array<size_t, kMaxEditInput + 1> row{};
  std::iota(row.begin(), row.begin() + static_cast<ptrdiff_t>(b.size()) + 1, size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string_view closestMatch(std::string_view word, std::span<const std::string_view> candidates) {
  std::string lower = toLower(word);
  size_t allowed = std::min<size_t>(2, (lower.size() + 2) / 3);
  std::string_view best;
  size_t best_distance = allowed + 1;
  for (std::string_view c : candidates) {
    size_t d = editDistance(lower, toLower(c));
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace medtap::config
