// Helpers the pack parsers share. Internal to src/intel.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "intel/pack.h"

namespace medtap::intel::detail {

// "NAME:LINE: what".
inline Error placeError(std::string_view name, size_t line, std::string_view what) {
  return Error{std::string(name) + ":" + std::to_string(line) + ": " + std::string(what)};
}

// Counts a skipped indicator and remembers a few of its kinds for the warning.
inline void noteUnsupported(ParsedPack& pack, std::string_view kind) {
  constexpr size_t kKindsShown = 5;
  ++pack.unsupported;
  std::string k(kind.substr(0, 64));
  if (pack.unsupported_kinds.find(k) != std::string::npos) return;
  size_t shown = pack.unsupported_kinds.empty() ? 0 : 1;
  for (char c : pack.unsupported_kinds) shown += c == ',' ? 1 : 0;
  if (shown >= kKindsShown) return;
  pack.unsupported_kinds += (pack.unsupported_kinds.empty() ? "" : ", ") + k;
}

// Text for a message: control characters replaced, cut to `max` bytes.
inline std::string shown(std::string_view s, size_t max = 60) {
  std::string out;
  for (char c : s.substr(0, max)) {
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
  }
  if (s.size() > max) out += "...";
  return out;
}

// A value from the file in a message: shown, in single quotes.
inline std::string quotedValue(std::string_view s) {
  return "'" + shown(s) + "'";
}

// "1", "2", "3" to a severity; 0 when it is none of them.
inline uint8_t parseSeverity(std::string_view s) {
  return s == "1" ? 1 : s == "2" ? 2 : s == "3" ? 3 : 0;
}

}  // namespace medtap::intel::detail
