#include "policy/policy.h"

#include <algorithm>

#include <fmt/format.h>

#include "detect/detector.h"

namespace medtap::policy {

namespace {

constexpr uint8_t kIpProtoIcmp = 1;
constexpr uint8_t kIpProtoTcp = 6;
constexpr uint8_t kIpProtoUdp = 17;
constexpr uint8_t kIpProtoIcmpV6 = 58;

bool contains(const std::vector<std::string>& values, std::string_view v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

bool isOffSite(const Endpoint& end, const std::vector<IpNetwork>& site_networks) {
  if (detect::inAny(site_networks, end.ip)) return false;
  return end.device == nullptr || end.device->locality != "local";
}

bool zoneMatches(const Zone& z, const Endpoint& end, const std::vector<IpNetwork>& site) {
  if (detect::inAny(z.networks, end.ip)) return true;
  if (z.off_site && isOffSite(end, site)) return true;
  if (end.device == nullptr) return false;
  const detect::AddressInfo& d = *end.device;
  if (contains(z.classes, d.device_class) || contains(z.devices, d.device_id)) return true;
  if (d.device == nullptr) return false;
  const std::vector<std::string>& tags = d.device->tags;
  return std::any_of(tags.begin(), tags.end(),
                     [&](const std::string& t) { return contains(z.tags, t); });
}

bool zoneNameMatches(const std::string& rule_zone, std::string_view zone) {
  return rule_zone.empty() || rule_zone == kAnyZone || rule_zone == zone;
}

bool protoMatches(Proto p, uint8_t ip_proto) {
  switch (p) {
    case Proto::Any:
      return true;
    case Proto::Tcp:
      return ip_proto == kIpProtoTcp;
    case Proto::Udp:
      return ip_proto == kIpProtoUdp;
    case Proto::Icmp:
      return ip_proto == kIpProtoIcmp || ip_proto == kIpProtoIcmpV6;
  }
  return false;
}

}  // namespace

const Zone* zoneOf(const Policy& policy, const Endpoint& end,
                   const std::vector<IpNetwork>& site_networks) {
  for (const Zone& z : policy.zones) {
    if (zoneMatches(z, end, site_networks)) return &z;
  }
  return nullptr;
}

std::string_view zoneName(const Zone* zone) {
  return zone == nullptr ? kUnzoned : std::string_view(zone->name);
}

bool matches(const FlowRule& rule, const FlowKey& flow) {
  if (!zoneNameMatches(rule.from, flow.from) || !zoneNameMatches(rule.to, flow.to)) return false;
  if (!protoMatches(rule.proto, flow.ip_proto)) return false;
  if (!rule.ports.empty() &&
      std::none_of(rule.ports.begin(), rule.ports.end(), [&](const PortRange& r) {
        return r.first <= flow.port && flow.port <= r.last;
      })) {
    return false;
  }
  return rule.app.empty() || flow.app.empty() || rule.app == flow.app;
}

Decision evaluate(const Policy& policy, const FlowKey& flow) {
  for (const FlowRule& r : policy.deny) {
    if (matches(r, flow)) return Decision{Verdict::Deny, &r, r.severity};
  }
  for (const FlowRule& r : policy.allow) {
    if (matches(r, flow)) return Decision{Verdict::Allow, &r, 0};
  }
  return Decision{policy.default_verdict, nullptr, policy.default_severity};
}

namespace {

// A device being identified may still change zone: wait for its class while the run goes on.
bool identified(const detect::AddressInfo* info) {
  return info != nullptr && info->device_class != "unknown";
}

}  // namespace

std::optional<detect::FlowPolicy::Judgement> PolicyJudge::judge(
    const detect::DeviceIndex& devices, const IpAddress& src, const IpAddress& dst,
    uint8_t ip_proto, uint16_t port, std::string_view app, bool final) const {
  const detect::AddressInfo* src_device = devices.find(src);
  const detect::AddressInfo* dst_device = devices.find(dst);
  if (!final && (!identified(src_device) || !identified(dst_device))) return std::nullopt;
  const std::string_view from = zoneName(zoneOf(*policy_, {src, src_device}, site_networks_));
  const std::string_view to = zoneName(zoneOf(*policy_, {dst, dst_device}, site_networks_));
  const Decision d = evaluate(*policy_, {from, to, ip_proto, port, app});
  Judgement j;
  j.allowed = d.verdict == Verdict::Allow;
  j.from_zone = from;
  j.to_zone = to;
  j.service = serviceName(ip_proto, port, app);
  if (d.rule != nullptr) {
    j.rule = d.rule->label;
  } else {
    j.rule = j.allowed ? "default: allow" : "default: deny";
  }
  j.severity = d.severity;
  return j;
}

std::string protoName(uint8_t ip_proto) {
  switch (ip_proto) {
    case kIpProtoTcp:
      return "tcp";
    case kIpProtoUdp:
      return "udp";
    case kIpProtoIcmp:
    case kIpProtoIcmpV6:
      return "icmp";
    default:
      return fmt::format("ip/{}", ip_proto);
  }
}

std::string serviceName(uint8_t ip_proto, uint16_t port, std::string_view app) {
  std::string out = protoName(ip_proto);
  if (ip_proto == kIpProtoTcp || ip_proto == kIpProtoUdp) out += fmt::format("/{}", port);
  if (!app.empty()) out += fmt::format(" {}", app);
  return out;
}

bool isLinkScoped(const IpAddress& ip) {
  const auto& b = ip.bytes();
  if (ip.family() == IpFamily::None) return true;
  if (ip.isV4()) {
    const uint32_t v = ip.v4HostOrder();
    return v == 0 || v == 0xFFFFFFFFu || (v >> 28) == 0xE;  // 0.0.0.0, broadcast, 224/4
  }
  if (b[0] == 0xFF) return true;                                             // ff00::/8 multicast
  return std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; });  // ::
}

}  // namespace medtap::policy
