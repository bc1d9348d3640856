// JSON documents fetched by `advisories sync` (provider metadata, ROLIE feeds, recall exports),
// parsed with nlohmann-json within the nesting and size limits of limits.h: a hostile document is
// one error line naming it, never deep recursion or a huge tree.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "advisories/limits.h"
#include "core/result.h"

namespace medtap::advisories {

inline Result<nlohmann::json> parseJsonBounded(std::string_view text, std::string_view name) {
  if (text.size() > kMaxFileBytes) {
    return Error{std::string(name) + ": larger than " + std::to_string(kMaxFileBytes) + " bytes"};
  }
  struct TooDeep {};
  try {
    // The parser callback sees the depth of every value; deeper than the limit stops the parse
    // before the tree grows (the exception never leaves this function).
    auto depth_check = [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
      if (static_cast<size_t>(depth) > kMaxJsonDepth) throw TooDeep{};
      return true;
    };
    return nlohmann::json::parse(text.begin(), text.end(), depth_check);
  } catch (const TooDeep&) {
    return Error{std::string(name) + ": nested deeper than " + std::to_string(kMaxJsonDepth) +
                 " levels"};
  } catch (const nlohmann::json::parse_error& e) {
    return Error{std::string(name) + ": not JSON: at byte " + std::to_string(e.byte)};
  } catch (const nlohmann::json::exception& e) {  // a number too large for a double: 1e999
    return Error{std::string(name) + ": not JSON: " + e.what()};
  }
}

// A string member of an object; "" when absent or not a string.
inline std::string jsonString(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace medtap::advisories
