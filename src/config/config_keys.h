// The table of every key medtap.yaml accepts: its path, value type, allowed range, one-line
// meaning and the Config field it sets. The loader, setConfigValue, listSettings and the docs test
// all read this one table, so a key cannot be accepted without being listed (and documented).
// Internal to src/config.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.h"

namespace medtap::config {

enum class ValueKind : uint8_t {
  Count,        // whole number
  Size,         // bytes, with a unit
  Duration,     // time, with a unit
  Bool,         // true / false
  Text,         // string; min/max bound its length
  FileName,     // a file name without a folder ("eve.json"); min/max bound its length
  BpfFilter,    // string checked by libpcap's filter compiler; max bounds its length
  NetworkList,  // list of CIDR networks; max bounds the entries
  PathList,     // list of file paths; max bounds the entries
};

std::string_view kindName(ValueKind kind);

// The field a key sets. Integer fields of several widths share Count and Size: the key's range
// keeps the value within the field's type (checked by a unit test).
using FieldRef = std::variant<uint32_t*, int*, size_t*, bool*, std::string*, Duration*,
                              std::vector<IpNetwork>*, std::vector<std::string>*>;

struct KeySpec {
  std::string_view path;  // dotted: "flow.timeouts.tcp_new"
  ValueKind kind;
  // Inclusive range: the value for Count and Size, nanoseconds for Duration, the length for Text,
  // FileName and BpfFilter, the number of entries for NetworkList; unused for Bool.
  int64_t min;
  int64_t max;
  std::string_view help;
  FieldRef (*field)(Config&);
};

// Every key, in the order of the file (and of docs/CONFIG.md).
std::span<const KeySpec> keySpecs();

// The key with this exact path, or nullptr.
const KeySpec* findKey(std::string_view path);

// The value of the key's field in `config`, written as the file would write it.
std::string formatValue(const KeySpec& key, const Config& config);

// Parses `text` as the key's type, checks the range and sets the field. NetworkList takes a
// comma-separated list. Error: the message, without the key's path (the caller adds it).
Status applyText(const KeySpec& key, std::string_view text, Config& config);

// Checks a value already parsed against the key's range and sets the field (what applyText does
// after parsing; the YAML loader parses lists itself).
Status applyNetworks(const KeySpec& key, std::vector<IpNetwork> networks, Config& config);
// The same for a PathList: each path non-empty, at most 4096 characters.
Status applyPaths(const KeySpec& key, std::vector<std::string> paths, Config& config);

}  // namespace medtap::config
