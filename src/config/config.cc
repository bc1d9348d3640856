// The medtap.yaml loader. yaml-cpp parses the text into a node tree (it throws on syntax errors,
// which is fine here: this is start-up, not the data path, STYLE.md 7); the loader then walks
// the tree against the key table (config_keys.h), collecting every problem with its place.
#include "config/config.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>

#include "config/config_keys.h"
#include "config/value_parse.h"

namespace medtap::config {

namespace {

struct Place {
  int line = 0;  // 1-based; 0 when unknown
  int column = 0;
};

Place placeOf(const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

Place placeOf(const YAML::Node& node) {
  return placeOf(node.Mark());
}

std::string quoted(std::string_view s) {
  return quoteForMessage(s);
}

std::string describeNode(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return quoted(node.Scalar());
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

std::string_view expectedValue(ValueKind kind) {
  switch (kind) {
    case ValueKind::Count:
      return "a whole number";
    case ValueKind::Size:
      return "a size such as 16MiB";
    case ValueKind::Duration:
      return "a duration such as 30s";
    case ValueKind::Bool:
      return "true or false";
    case ValueKind::Text:
      return "a string";
    case ValueKind::FileName:
      return "a file name";
    case ValueKind::BpfFilter:
      return "a filter expression";
    case ValueKind::NetworkList:
      return "a list of CIDR networks such as [10.0.0.0/8]";
    case ValueKind::PathList:
      return "a list of file paths such as [/etc/medtap/feed.intel]";
  }
  return "a value";
}

// The next path component under `prefix` ("" for the top level) of every key, in table order,
// without repeats: the keys a mapping at `prefix` may hold.
std::vector<std::string_view> childrenOf(std::string_view prefix) {
  std::vector<std::string_view> out;
  for (const KeySpec& k : keySpecs()) {
    std::string_view rest = k.path;
    if (!prefix.empty()) {
      if (rest.size() <= prefix.size() || rest.substr(0, prefix.size()) != prefix ||
          rest[prefix.size()] != '.') {
        continue;
      }
      rest.remove_prefix(prefix.size() + 1);
    }
    std::string_view child = rest.substr(0, rest.find('.'));
    if (std::find(out.begin(), out.end(), child) == out.end()) out.push_back(child);
  }
  return out;
}

bool isSection(std::string_view path) {
  for (const KeySpec& k : keySpecs()) {
    if (k.path.size() > path.size() && k.path.substr(0, path.size()) == path &&
        k.path[path.size()] == '.') {
      return true;
    }
  }
  return false;
}

std::string joined(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// "unknown key 'max_flow' in flow; did you mean 'max_flows'?", else a key of that name in another
// section, else the list of what is allowed here.
std::string unknownKeyMessage(std::string_view name, std::string_view prefix) {
  auto allowed = childrenOf(prefix);
  std::string msg = prefix.empty() ? "unknown section " + quoted(name)
                                   : "unknown key " + quoted(name) + " in " + std::string(prefix);
  std::string_view near = closestMatch(name, allowed);
  if (!near.empty()) return msg + "; did you mean " + quoted(near) + "?";
  for (const KeySpec& k : keySpecs()) {
    std::string_view path = k.path;
    size_t dot = path.rfind('.');
    std::string_view leaf = dot == std::string_view::npos ? path : path.substr(dot + 1);
    if (leaf == name) return msg + "; did you mean " + std::string(path) + "?";
  }
  return msg + (prefix.empty() ? "; allowed sections: " : "; allowed keys: ") + joined(allowed);
}

// Counts the documents in a YAML stream, stopping at the second. Done with the event API rather
// than YAML::LoadAll because yaml-cpp 0.7's parser returns an empty document without consuming a
// stray flow indicator (a file that starts with ','): LoadAll then loops for ever, allocating a
// null document each turn, and YAML::Load returns null as if the file were empty. A document
// that starts where the previous one did is that case.
class DocumentMarks final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  YAML::Mark start;
};

struct DocumentScan {
  int documents = 0;   // 0, 1 or 2 (two means "more than one")
  YAML::Mark second;   // where the second document starts
  bool stuck = false;  // the parser did not move: a stray character at `second`
};

// Throws YAML::Exception on syntax errors, like YAML::Load.
DocumentScan scanDocuments(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentMarks marks;
  DocumentScan scan;
  if (!parser.HandleNextDocument(marks)) return scan;
  scan.documents = 1;
  int first_pos = marks.start.pos;
  if (!parser.HandleNextDocument(marks)) return scan;
  scan.documents = 2;
  scan.second = marks.start;
  scan.stuck = marks.start.pos == first_pos;
  return scan;
}

std::string_view charAt(std::string_view text, int pos) {
  if (pos < 0 || static_cast<size_t>(pos) >= text.size()) return "end of file";
  return text.substr(static_cast<size_t>(pos), 1);
}

struct Conflict {
  std::string_view key;  // the key the message is placed at
  std::string message;
};

std::vector<Conflict> findConflicts(const Config& config) {
  std::vector<Conflict> out;
  const auto& r = config.flows.reassembly;
  if (r.max_total_buffer_bytes < r.max_flow_buffer_bytes) {
    out.push_back({"flow.reassembly.max_total_buffer",
                   "flow.reassembly.max_total_buffer (" + formatSize(r.max_total_buffer_bytes) +
                       ") is below flow.reassembly.max_flow_buffer (" +
                       formatSize(r.max_flow_buffer_bytes) +
                       "); one flow could never use its buffer"});
  }
  const std::string& learn = config.detect.learn;
  if (!learn.empty() && learn != "off" && learn != "all") {
    auto d = parseDuration(learn);
    if (!d || d->ns <= 0) {
      out.push_back({"detect.learn",
                     "detect.learn: '" + learn + "' is neither off, all nor a duration (7d, 12h)"});
    }
  }
  const auto& syslog = config.outputs.syslog;
  if (syslog.format != "rfc5424" && syslog.format != "cef") {
    out.push_back({"outputs.syslog.format", "outputs.syslog.format " +
                                                quoteForMessage(syslog.format) +
                                                " is not one of rfc5424, cef"});
  }
  static constexpr std::string_view kFacilities[] = {
      "kern",   "user",   "mail",     "daemon", "auth",   "syslog", "lpr",    "news",
      "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "audit",  "alert",  "clock",
      "local0", "local1", "local2",   "local3", "local4", "local5", "local6", "local7"};
  if (std::find(std::begin(kFacilities), std::end(kFacilities), syslog.facility) ==
      std::end(kFacilities)) {
    out.push_back({"outputs.syslog.facility", "outputs.syslog.facility " +
                                                  quoteForMessage(syslog.facility) +
                                                  " is not a syslog facility (kern ... local7)"});
  }
  const std::string_view server = syslog.server;
  if (server.rfind("udp://", 0) != 0 && server.rfind("tcp://", 0) != 0 &&
      server.rfind("unix:///", 0) != 0) {
    out.push_back(
        {"outputs.syslog.server", "outputs.syslog.server " + quoteForMessage(syslog.server) +
                                      " is not udp://HOST:PORT, tcp://HOST:PORT or unix:///PATH"});
  }
  return out;
}

class Loader {
 public:
  explicit Loader(std::string_view name) : name_(name) {}

  void load(std::string_view text) {
    std::string owned(text);
    YAML::Node root;
    try {
      DocumentScan scan = scanDocuments(owned);
      if (scan.stuck) {
        addError(placeOf(scan.second), "YAML syntax error: unexpected " +
                                           quoteForMessage(charAt(owned, scan.second.pos)));
        return;
      }
      if (scan.documents > 1) {
        addError(placeOf(scan.second),
                 "more than one YAML document; medtap reads a single document");
      }
      root = YAML::Load(owned);
    } catch (const YAML::Exception& e) {
      addError(placeOf(e.mark), e.msg.empty() ? "YAML syntax error" : e.msg);
      return;
    }
    if (root.IsNull()) return;  // an empty file: all defaults
    if (!root.IsMap()) {
      addError(placeOf(root), "expected a mapping of sections (" + joined(childrenOf("")) +
                                  "), got " + describeNode(root));
      return;
    }
    walkSection(root, "");
    for (const Conflict& c : findConflicts(config_)) {
      auto it = places_.find(std::string(c.key));
      addError(it == places_.end() ? Place{} : it->second, c.message);
    }
  }

  Config& config() { return config_; }
  std::vector<ConfigError>& errors() { return errors_; }

 private:
  void addError(Place place, std::string message) {
    errors_.push_back({std::string(name_), place.line, place.column, oneLine(message)});
  }

  void walkSection(const YAML::Node& map, const std::string& prefix) {
    std::map<std::string, Place> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node key = it->first;  // a copy: the iterator hands out a temporary
      const YAML::Node value = it->second;
      Place key_place = placeOf(key);
      if (!key.IsScalar()) {
        addError(key_place, "keys must be plain names, got " + describeNode(key));
        continue;
      }
      const std::string& name = key.Scalar();
      std::string path = prefix.empty() ? name : prefix + "." + name;
      auto [first, inserted] = seen.emplace(name, key_place);
      if (!inserted) {
        addError(key_place,
                 path + " is set twice (first at line " + std::to_string(first->second.line) + ")");
        continue;
      }
      if (const KeySpec* spec = findKey(path)) {
        places_[path] = key_place;
        applyLeaf(*spec, key_place, value);
      } else if (isSection(path)) {
        if (value.IsNull()) continue;  // "flow:" with nothing under it: all defaults
        if (!value.IsMap()) {
          addError(placeOf(value), path + ": expected a mapping of " + joined(childrenOf(path)) +
                                       ", got " + describeNode(value));
          continue;
        }
        walkSection(value, path);
      } else {
        addError(key_place, unknownKeyMessage(name, prefix));
      }
    }
  }

  void applyLeaf(const KeySpec& spec, Place key_place, const YAML::Node& value) {
    std::string path(spec.path);
    if (spec.kind == ValueKind::NetworkList) {
      applyNetworkList(spec, key_place, value);
      return;
    }
    if (spec.kind == ValueKind::PathList) {
      applyPathList(spec, key_place, value);
      return;
    }
    if (value.IsNull()) {
      bool text = spec.kind == ValueKind::Text || spec.kind == ValueKind::FileName ||
                  spec.kind == ValueKind::BpfFilter;
      if (text && spec.min == 0) {
        (void)applyText(spec, "", config_);
        return;
      }
      addError(key_place, path + ": no value; remove the key to keep the default (" +
                              formatValue(spec, Config{}) + ")");
      return;
    }
    if (!value.IsScalar()) {
      addError(placeOf(value), path + ": expected " + std::string(expectedValue(spec.kind)) +
                                   ", got " + describeNode(value));
      return;
    }
    if (auto r = applyText(spec, value.Scalar(), config_); !r) {
      addError(placeOf(value), path + ": " + r.error());
    }
  }

  void applyNetworkList(const KeySpec& spec, Place key_place, const YAML::Node& value) {
    std::string path(spec.path);
    if (!value.IsSequence()) {
      Place place = value.IsNull() ? key_place : placeOf(value);
      addError(place, path + ": expected " + std::string(expectedValue(spec.kind)) + ", got " +
                          describeNode(value));
      return;
    }
    std::vector<IpNetwork> networks;
    bool all_good = true;
    for (const YAML::Node& item : value) {
      if (!item.IsScalar()) {
        addError(placeOf(item), path + ": expected a CIDR network, got " + describeNode(item));
        all_good = false;
        continue;
      }
      auto net = parseNetwork(item.Scalar());
      if (!net) {
        addError(placeOf(item), path + ": " + net.error());
        all_good = false;
        continue;
      }
      networks.push_back(net.value());
    }
    if (!all_good) return;
    if (auto r = applyNetworks(spec, std::move(networks), config_); !r) {
      addError(placeOf(value), path + ": " + r.error());
    }
  }

  void applyPathList(const KeySpec& spec, Place key_place, const YAML::Node& value) {
    std::string path(spec.path);
    if (!value.IsSequence()) {
      Place place = value.IsNull() ? key_place : placeOf(value);
      addError(place, path + ": expected " + std::string(expectedValue(spec.kind)) + ", got " +
                          describeNode(value));
      return;
    }
    std::vector<std::string> paths;
    for (const YAML::Node& item : value) {
      if (!item.IsScalar()) {
        addError(placeOf(item), path + ": expected a file path, got " + describeNode(item));
        return;
      }
      paths.push_back(item.Scalar());
    }
    if (auto r = applyPaths(spec, std::move(paths), config_); !r) {
      addError(placeOf(value), path + ": " + r.error());
    }
  }

  std::string_view name_;
  Config config_;
  std::vector<ConfigError> errors_;
  std::map<std::string, Place> places_;  // where each key was set, for conflicts between keys
};

std::string joinErrors(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const ConfigError& e : errors) {
    if (!out.empty()) out += '\n';
    out += e.format();
  }
  return out;
}

struct FileText {
  std::string text;
  std::vector<ConfigError> errors;
};

FileText readFile(const std::string& path) {
  FileText out;
  auto fail = [&](std::string message) {
    out.errors.push_back({path, 0, 0, std::move(message)});
    return out;
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) return fail("cannot open: " + std::string(std::strerror(errno)));
  char buf[16384];
  for (;;) {
    size_t n = std::fread(buf, 1, sizeof(buf), file.get());
    out.text.append(buf, n);
    if (out.text.size() > kMaxConfigFileBytes) {
      return fail("larger than " + formatSize(kMaxConfigFileBytes) +
                  "; this is not a configuration file");
    }
    if (n < sizeof(buf)) break;
  }
  if (std::ferror(file.get())) return fail("cannot read: " + std::string(std::strerror(errno)));
  return out;
}

}  // namespace

std::vector<IpNetwork> defaultHomeNetworks() {
  std::vector<IpNetwork> out;
  for (const char* text : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"}) {
    out.push_back(*IpNetwork::parse(text));
  }
  return out;
}

std::string ConfigError::format() const {
  if (line <= 0) return source + ": " + message;
  return source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

std::vector<ConfigError> checkConfigString(std::string_view text, std::string_view name) {
  Loader loader(name);
  loader.load(text);
  return std::move(loader.errors());
}

Result<Config> loadConfigString(std::string_view text, std::string_view name) {
  Loader loader(name);
  loader.load(text);
  if (!loader.errors().empty()) return Error{joinErrors(loader.errors())};
  return std::move(loader.config());
}

std::vector<ConfigError> checkConfigFile(const std::string& path) {
  FileText file = readFile(path);
  if (!file.errors.empty()) return file.errors;
  return checkConfigString(file.text, path);
}

Result<Config> loadConfigFile(const std::string& path) {
  FileText file = readFile(path);
  if (!file.errors.empty()) return Error{joinErrors(file.errors)};
  return loadConfigString(file.text, path);
}

Status setConfigValue(Config& config, std::string_view path, std::string_view text) {
  const KeySpec* spec = findKey(path);
  if (spec == nullptr) {
    std::vector<std::string_view> all;
    for (const KeySpec& k : keySpecs()) all.push_back(k.path);
    std::string msg = "unknown configuration key " + quoted(path);
    std::string_view near = closestMatch(path, all);
    if (!near.empty()) msg += "; did you mean " + std::string(near) + "?";
    return Error{msg};
  }
  if (auto r = applyText(*spec, text, config); !r) {
    return Error{oneLine(std::string(path) + ": " + r.error())};
  }
  return Ok{};
}

std::vector<std::string> checkConsistency(const Config& config) {
  std::vector<std::string> out;
  for (Conflict& c : findConflicts(config)) out.push_back(std::move(c.message));
  return out;
}

std::vector<ConfigSetting> listSettings(const Config& config) {
  std::vector<ConfigSetting> out;
  for (const KeySpec& k : keySpecs()) {
    out.push_back({k.path, kindName(k.kind), formatValue(k, config), k.help});
  }
  return out;
}

std::string formatSettings(const Config& config) {
  std::string out;
  for (const ConfigSetting& s : listSettings(config)) {
    out += s.path;
    out += ": ";
    out += s.value;
    out += '\n';
  }
  return out;
}

std::string formatYaml(const Config& config) {
  std::string out;
  std::vector<std::string_view> open;  // the sections the last key was written in
  for (const KeySpec& k : keySpecs()) {
    std::vector<std::string_view> parts;
    for (std::string_view rest = k.path; !rest.empty();) {
      size_t dot = rest.find('.');
      parts.push_back(rest.substr(0, dot));
      rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
    }
    std::string_view leaf = parts.back();
    parts.pop_back();
    // The table lists each section's keys together, so a section is opened once.
    size_t common = 0;
    while (common < open.size() && common < parts.size() && open[common] == parts[common]) {
      ++common;
    }
    open.resize(common);
    if (common == 0 && !out.empty()) out += '\n';
    for (size_t i = common; i < parts.size(); ++i) {
      out.append(2 * i, ' ');
      out += parts[i];
      out += ":\n";
      open.push_back(parts[i]);
    }
    out.append(2 * parts.size(), ' ');
    out += leaf;
    out += ": ";
    out += formatValue(k, config);
    out += '\n';
  }
  return out;
}

}  // namespace medtap::config
