#include "policy/loader.h"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace medtap::policy {

namespace {

// Thrown inside this file only, caught in loadPolicyText: a problem and the node it is about.
struct Problem {
  YAML::Mark mark;
  std::string what;
};

[[noreturn]] void fail(const YAML::Node& at, std::string what) {
  throw Problem{at.Mark(), std::move(what)};
}

std::string scalar(const YAML::Node& n, std::string_view what, size_t max_length) {
  if (!n.IsScalar()) fail(n, fmt::format("{} must be a single value", what));
  const std::string& s = n.Scalar();
  if (s.empty()) fail(n, fmt::format("{} is empty", what));
  if (s.size() > max_length) fail(n, fmt::format("{} longer than {} characters", what, max_length));
  return s;
}

// Zone names: letters, digits, '-', '_', '.'; so that they read the same in YAML, alerts and
// the one-line violations of `policy check`.
bool isName(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// A list of values; a single value is a list of one.
std::vector<std::string> list(const YAML::Node& n, std::string_view what, size_t max_items) {
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(scalar(n, what, kMaxValueLength));
    return out;
  }
  if (!n.IsSequence()) fail(n, fmt::format("{} must be a list", what));
  if (n.size() > max_items) fail(n, fmt::format("{}: more than {} entries", what, max_items));
  for (const YAML::Node& v : n) out.push_back(scalar(v, what, kMaxValueLength));
  return out;
}

void checkKeys(const YAML::Node& map, std::initializer_list<std::string_view> known,
               std::string_view what) {
  for (const auto& kv : map) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string names;
      for (auto k : known) names += (names.empty() ? "" : ", ") + std::string(k);
      fail(kv.first, fmt::format("unknown key `{}` in {} (known: {})", key, what, names));
    }
  }
}

Zone parseZone(const YAML::Node& n) {
  if (!n.IsMap()) fail(n, "a zone must be a mapping with a name");
  checkKeys(n, {"name", "networks", "classes", "tags", "devices"}, "a zone");
  Zone z;
  z.line = n.Mark().line + 1;
  const YAML::Node name = n["name"];
  if (!name) fail(n, "a zone without a name");
  z.name = scalar(name, "the zone name", kMaxNameLength);
  if (!isName(z.name)) fail(name, "a zone name is letters, digits, '-', '_' and '.'");
  if (z.name == kAnyZone || z.name == kUnzoned) {
    fail(name, fmt::format("`{}` is reserved: rules use it without defining it", z.name));
  }
  if (const YAML::Node nets = n["networks"]) {
    const std::vector<std::string> texts = list(nets, "networks", kMaxZoneEntries);
    for (size_t i = 0; i < texts.size(); ++i) {
      if (texts[i] == kOffSite) {
        z.off_site = true;
        continue;
      }
      auto net = IpNetwork::parse(texts[i]);
      if (!net) {
        fail(nets.IsSequence() ? nets[i] : nets,
             fmt::format("`{}` is not a network (CIDR, an address, or `off-site`)", texts[i]));
      }
      z.networks.push_back(*net);
    }
  }
  if (const YAML::Node v = n["classes"]) z.classes = list(v, "classes", kMaxZoneEntries);
  if (const YAML::Node v = n["tags"]) z.tags = list(v, "tags", kMaxZoneEntries);
  if (const YAML::Node v = n["devices"]) z.devices = list(v, "devices", kMaxZoneEntries);
  if (z.networks.empty() && !z.off_site && z.classes.empty() && z.tags.empty() &&
      z.devices.empty()) {
    fail(n,
         fmt::format("zone `{}` matches nothing: give networks, classes, tags or devices", z.name));
  }
  return z;
}

uint16_t portNumber(const YAML::Node& at, std::string_view text) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v > 65535) {
    fail(at, fmt::format("`{}` is not a port (0-65535, or a range like 1024-2048)", text));
  }
  return static_cast<uint16_t>(v);
}

PortRange portRange(const YAML::Node& at, const std::string& text) {
  const size_t dash = text.find('-');
  if (dash == std::string::npos) {
    const uint16_t p = portNumber(at, text);
    return {p, p};
  }
  PortRange r{portNumber(at, std::string_view(text).substr(0, dash)),
              portNumber(at, std::string_view(text).substr(dash + 1))};
  if (r.first > r.last) fail(at, fmt::format("port range `{}` runs backwards", text));
  return r;
}

Proto protoOf(const YAML::Node& at, const std::string& text) {
  if (text == "any") return Proto::Any;
  if (text == "tcp") return Proto::Tcp;
  if (text == "udp") return Proto::Udp;
  if (text == "icmp") return Proto::Icmp;
  fail(at, fmt::format("proto `{}`: one of tcp, udp, icmp, any", text));
}

std::string zoneRef(const YAML::Node& map, std::string_view key,
                    const std::set<std::string>& zones) {
  const YAML::Node n = map[std::string(key)];
  if (!n) return std::string(kAnyZone);
  std::string name = scalar(n, key, kMaxNameLength);
  if (name != kAnyZone && name != kUnzoned && zones.count(name) == 0) {
    fail(n, fmt::format("`{}: {}` names no zone of this policy", key, name));
  }
  return name;
}

FlowRule parseRule(const YAML::Node& n, Verdict verdict, const std::set<std::string>& zones) {
  if (!n.IsMap())
    fail(n, "a rule must be a mapping like {from: a, to: b, proto: tcp, ports: [515]}");
  if (verdict == Verdict::Allow) {
    checkKeys(n, {"from", "to", "proto", "ports", "app"}, "an allow rule");
  } else {
    checkKeys(n, {"from", "to", "proto", "ports", "app", "severity"}, "a deny rule");
  }
  FlowRule r;
  r.verdict = verdict;
  r.line = n.Mark().line + 1;
  r.from = zoneRef(n, "from", zones);
  r.to = zoneRef(n, "to", zones);
  if (const YAML::Node p = n["proto"]) r.proto = protoOf(p, scalar(p, "proto", kMaxValueLength));
  if (const YAML::Node ports = n["ports"]) {
    if (r.proto != Proto::Tcp && r.proto != Proto::Udp) {
      fail(ports, "ports need `proto: tcp` or `proto: udp`");
    }
    const std::vector<std::string> texts = list(ports, "ports", kMaxPortsPerRule);
    for (size_t i = 0; i < texts.size(); ++i) {
      r.ports.push_back(portRange(ports.IsSequence() ? ports[i] : ports, texts[i]));
    }
  }
  if (const YAML::Node a = n["app"]) r.app = scalar(a, "app", kMaxValueLength);
  if (const YAML::Node s = n["severity"]) {
    const std::string text = scalar(s, "severity", kMaxValueLength);
    if (text != "1" && text != "2" && text != "3") fail(s, "severity: 1 (high), 2 or 3 (low)");
    r.severity = static_cast<uint8_t>(text[0] - '0');
  }
  return r;
}

void parseRules(const YAML::Node& root, std::string_view key, Verdict verdict,
                const std::set<std::string>& zones, Policy& p) {
  const YAML::Node list = root[std::string(key)];
  if (!list || list.IsNull()) return;
  if (!list.IsSequence()) fail(list, fmt::format("`{}:` must be a list of rules", key));
  auto& rules = verdict == Verdict::Allow ? p.allow : p.deny;
  for (const YAML::Node& n : list) {
    if (p.allow.size() + p.deny.size() >= kMaxRules) {
      fail(n, fmt::format("more than {} rules", kMaxRules));
    }
    FlowRule r = parseRule(n, verdict, zones);
    r.label = fmt::format("{}[{}] ({}:{})", key, rules.size(), p.source, r.line);
    rules.push_back(std::move(r));
  }
}

Policy parsePolicy(const YAML::Node& root, const std::string& name) {
  if (!root.IsMap()) fail(root, "a policy is a mapping with `zones:`, `allow:` and `default:`");
  checkKeys(root, {"zones", "allow", "deny", "default"}, "the policy");
  Policy p;
  p.source = name;
  const YAML::Node zones = root["zones"];
  if (!zones || !zones.IsSequence() || zones.size() == 0) {
    fail(zones ? zones : root, "no `zones:` list");
  }
  if (zones.size() > kMaxZones) fail(zones, fmt::format("more than {} zones", kMaxZones));
  std::set<std::string> names;
  for (const YAML::Node& n : zones) {
    Zone z = parseZone(n);
    if (!names.insert(z.name).second)
      fail(n["name"], fmt::format("zone `{}` defined twice", z.name));
    p.zones.push_back(std::move(z));
  }
  parseRules(root, "deny", Verdict::Deny, names, p);
  parseRules(root, "allow", Verdict::Allow, names, p);
  if (const YAML::Node d = root["default"]) {
    const std::string text = scalar(d, "default", kMaxValueLength);
    if (text == "deny") {
      p.default_verdict = Verdict::Deny;
    } else if (text == "allow") {
      p.default_verdict = Verdict::Allow;
    } else {
      fail(d, "default: deny or allow");
    }
  }
  return p;
}

std::string located(const std::string& name, const YAML::Mark& m, const std::string& what) {
  if (m.is_null()) return name + ": " + what;
  return fmt::format("{}:{}:{}: {}", name, m.line + 1, m.column + 1, what);
}

// One line, whatever yaml-cpp or the text put in a message.
std::string oneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

Result<Policy> loadPolicyText(std::string_view text, const std::string& name) {
  if (text.size() > kMaxPolicyFileBytes) {
    return Error{
        fmt::format("{}: larger than {} bytes; this is not a policy", name, kMaxPolicyFileBytes)};
  }
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    return parsePolicy(root, name);
  } catch (const Problem& p) {
    return Error{oneLine(located(name, p.mark, p.what))};
  } catch (const YAML::Exception& e) {
    return Error{oneLine(located(name, e.mark, e.msg))};
  }
}

Result<Policy> loadPolicyFile(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) return Error{path + ": cannot open: " + std::strerror(errno)};
  std::string text;
  char buf[16384];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), file.get())) > 0) {
    text.append(buf, n);
    if (text.size() > kMaxPolicyFileBytes) {
      return Error{
          fmt::format("{}: larger than {} bytes; this is not a policy", path, kMaxPolicyFileBytes)};
    }
  }
  if (std::ferror(file.get())) return Error{path + ": cannot read: " + std::strerror(errno)};
  return loadPolicyText(text, path);
}

}  // namespace medtap::policy
