#include "policy/suggest.h"

#include <set>

#include <fmt/format.h>

namespace medtap::policy {

namespace {

// A zone for the devices that carry this tag, ahead of their class: the Contec CMS8000 family
// (CISA ICSMA-25-030-01) is the reason segmentation is on the agenda.
constexpr std::string_view kFamilyTag = "cms8000-family";
constexpr std::string_view kFamilyZone = "contec-monitors";
constexpr std::string_view kOffSiteZone = "off-site";

// A class or tag as a zone name (isName in the loader): other characters become '-'.
std::string zoneNameFor(std::string_view s) {
  std::string out(s.substr(0, kMaxNameLength));
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '-';
  }
  if (out.empty() || out == kAnyZone || out == kUnzoned || out == kOffSiteZone ||
      out == kFamilyZone) {
    out = "class-" + out;
  }
  return out;
}

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// The zones, in the order they are tried: off-site first (an internet host the inventory gave a
// class to stays off-site), then the CMS8000 family, then one zone per device class, sorted.
struct SuggestedZones {
  Policy policy;
  std::map<std::string, std::set<std::string>> devices;  // zone -> device ids
};

SuggestedZones zonesFor(const detect::DeviceIndex& devices) {
  SuggestedZones out;
  Zone off_site;
  off_site.name = kOffSiteZone;
  off_site.off_site = true;
  out.policy.zones.push_back(off_site);
  bool family = false;
  std::set<std::string> classes;
  for (const events::DeviceRecord& d : devices.devices()) {
    for (const auto& t : d.tags) family = family || t == kFamilyTag;
    classes.insert(d.device_class);
  }
  if (family) {
    Zone z;
    z.name = kFamilyZone;
    z.tags = {std::string(kFamilyTag)};
    out.policy.zones.push_back(z);
  }
  std::map<std::string, Zone> by_name;  // sorted by zone name
  for (const auto& c : classes) {
    Zone& z = by_name[zoneNameFor(c)];
    z.name = zoneNameFor(c);
    z.classes.push_back(c);
  }
  for (auto& [name, z] : by_name) out.policy.zones.push_back(std::move(z));
  return out;
}

struct RuleKey {
  std::string from, to;
  uint8_t ip_proto = 0;
  uint16_t port = 0;
  std::string app;
  friend auto operator<=>(const RuleKey&, const RuleKey&) = default;
};

struct RuleUse {
  uint64_t flows = 0;
  std::set<std::string> clients, servers;  // device ids, or addresses without a device
};

std::string deviceOf(const detect::DeviceIndex& devices, const IpAddress& ip) {
  const detect::AddressInfo* d = devices.find(ip);
  return d != nullptr ? d->device_id : "ip:" + ip.toString();
}

std::string ruleLine(const RuleKey& k) {
  std::string proto = protoName(k.ip_proto);
  std::string out = fmt::format("  - {{from: {}, to: {}", k.from, k.to);
  if (proto == "tcp" || proto == "udp") {
    out += fmt::format(", proto: {}, ports: [{}]", proto, k.port);
  } else if (proto == "icmp") {
    out += ", proto: icmp";
  }
  if (!k.app.empty()) out += fmt::format(", app: {}", k.app);
  return out + "}";
}

void writeList(std::string& out, std::string_view key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  std::string joined;
  for (const auto& v : values) joined += (joined.empty() ? "" : ", ") + v;
  out += fmt::format("    {}: [{}]\n", key, joined);
}

}  // namespace

void FlowLog::emit(const events::Event& e) {
  if (!e.flow || !std::holds_alternative<events::FlowRecord>(e.body)) return;
  const events::FlowRef& f = *e.flow;
  if (isLinkScoped(f.src_ip) || isLinkScoped(f.dest_ip)) return;
  ObservedFlow key{f.src_ip, f.dest_ip, f.proto, f.dest_port, std::string(f.app_proto)};
  auto it = flows_.find(key);
  if (it != flows_.end()) {
    ++it->second;
  } else if (flows_.size() < kMaxObservedFlows) {
    flows_.emplace(std::move(key), 1);
  } else {
    ++not_recorded_;
  }
}

void FlowLog::decide(const detect::DeviceIndex& devices, bool final, events::EventSink&) {
  if (final) devices_ = detect::DeviceIndex(devices.devices());
}

std::string suggestPolicy(const SuggestInput& in) {
  SuggestedZones zones = zonesFor(*in.devices);
  const Policy& policy = zones.policy;
  std::map<RuleKey, RuleUse> rules;
  for (const events::DeviceRecord& d : in.devices->devices()) {
    for (const events::DeviceAddress& a : d.addresses) {
      const Endpoint end{a.ip, in.devices->find(a.ip)};
      zones.devices[std::string(zoneName(zoneOf(policy, end, in.site_networks)))].insert(d.id);
    }
  }
  uint64_t total = 0;
  for (const auto& [f, count] : *in.flows) {
    const detect::AddressInfo* client = in.devices->find(f.client);
    const detect::AddressInfo* server = in.devices->find(f.server);
    RuleKey k{std::string(zoneName(zoneOf(policy, {f.client, client}, in.site_networks))),
              std::string(zoneName(zoneOf(policy, {f.server, server}, in.site_networks))),
              f.ip_proto, f.port, f.app};
    RuleUse& use = rules[k];
    use.flows += count;
    use.clients.insert(deviceOf(*in.devices, f.client));
    use.servers.insert(deviceOf(*in.devices, f.server));
    total += count;
  }

  std::string out;
  std::string names;
  for (const auto& n : in.capture_names) names += (names.empty() ? "" : " ") + n;
  out += "# medtap segmentation policy (docs/POLICY.md), suggested by `medtap policy suggest`\n";
  out += fmt::format("# from: {}\n", names);
  out += fmt::format("# {} in {} zones; {} seen, allowed by {}; nothing else is.\n",
                     plural(in.devices->devices().size(), "device", "devices"), policy.zones.size(),
                     plural(total, "flow", "flows"), plural(rules.size(), "rule", "rules"));
  out += "# A device belongs to the first zone that matches it, in this order.\n";
  out += "zones:\n";
  for (const Zone& z : policy.zones) {
    out += fmt::format("  - name: {}  # {}\n", z.name,
                       plural(zones.devices[z.name].size(), "device", "devices"));
    if (z.off_site)
      out += "    networks: [off-site]  # outside site.home_networks, not on this LAN\n";
    writeList(out, "tags", z.tags);
    writeList(out, "classes", z.classes);
  }
  out += "allow:\n";
  if (rules.empty()) out += "  []\n";
  for (const auto& [k, use] : rules) {
    out += fmt::format("  # {}, {} to {}\n", plural(use.flows, "flow", "flows"),
                       plural(use.clients.size(), "device", "devices"),
                       plural(use.servers.size(), "device", "devices"));
    out += ruleLine(k) + "\n";
  }
  out += "default: deny\n";
  return out;
}

}  // namespace medtap::policy
