#include "inventory/resolve.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "inventory/facts.h"

namespace medtap::inventory {

namespace {

// The addresses the Contec manuals give the central station (.119) and the HL7 server (.120)
// (../shared/DOMAIN.md).
const IpNetwork& contecDefaultNetwork() {
  static const IpNetwork net = *IpNetwork::parse("202.114.4.0/24");
  return net;
}

bool isLinkLocalV6(const IpAddress& ip) {
  const auto& b = ip.bytes();
  return ip.family() == IpFamily::V6 && b[0] == 0xfe && (b[1] & 0xc0) == 0x80;
}

struct MacUse {
  std::set<IpAddress> unbound_v4, unbound_v6, bound;
};

struct AddressUse {
  Timestamp first, last;
  bool any = false;
  bool local = false, routed = false;
  void see(const FactStats& s) {
    if (!any || s.first < first) first = s.first;
    if (!any || last < s.last) last = s.last;
    any = true;
  }
};

struct Building {
  std::set<MacAddress> macs;
  std::map<IpAddress, AddressUse> addresses;
  // source -> value -> stats, merged over the device's endpoints.
  std::map<std::string, std::map<std::string, FactStats>, std::less<>> facts;
  bool router = false;

  void add(std::string_view source, std::string_view value, const FactStats& s) {
    auto& slot = facts[std::string(source)][std::string(value)];
    slot.merge(s);
  }
  const std::map<std::string, FactStats>* of(std::string_view source) const {
    auto it = facts.find(source);
    return it == facts.end() ? nullptr : &it->second;
  }
};

bool hasBinding(const FactMap& facts) {
  for (const auto& [key, stats] : facts) {
    std::string_view source = factSource(key);
    if (source == fact::kArp || source == fact::kDhcpAck) return true;
  }
  return false;
}

// Behaviour: what the device's facts say it does, as "behavior" facts with the statistics of the
// facts behind them. One line per role; the rules give them meaning (data/fingerprints).
struct RoleDef {
  std::string_view role;
  std::string_view source;
  std::string_view value;  // "" any value
  size_t min_distinct;     // distinct values (peers) needed
};
constexpr RoleDef kRoles[] = {
    {"hl7-observation-sender", fact::kHl7ObservationsTo, "", 1},
    {"hl7-observation-receiver", fact::kHl7ObservationsFrom, "", 1},
    {"hl7-observation-receiver-many", fact::kHl7ObservationsFrom, "", 3},
    {"hl7-sender", fact::kHl7SendsTo, "", 1},
    {"hl7-receiver", fact::kHl7ReceivesFrom, "", 1},
    {"hl7-to-port-511", fact::kHl7ToPort, "511", 1},
    {"contec-stream-sender", fact::kContecStreamTo, "", 1},
    {"contec-stream-receiver", fact::kContecStreamFrom, "", 1},
    {"nfs-mount-client", fact::kNfsMount, "", 1},
    {"nfs-mount-pm", fact::kNfsMount, "/pm", 1},
    {"rpc-server", fact::kRpcServes, "", 1},
    {"dicom-store-scu", fact::kDicomStoreTo, "", 1},
    {"dicom-store-scp", fact::kDicomStoreFrom, "", 1},
    {"dicom-query-scu", fact::kDicomQueryTo, "", 1},
    {"lpd-client", fact::kLpdPrintsTo, "", 1},
    {"lpd-server", fact::kLpdPrintsFrom, "", 1},
    {"dhcp-server", fact::kDhcpServes, "", 1},
    {"dns-server", fact::kDnsServes, "", 1},
    {"dhcp-client", fact::kDhcpParams, "", 1},
    {"web-client", fact::kHttpUserAgent, "", 1},
    {"tls-client", fact::kTlsJa3, "", 1},
};

void deriveRoles(Building& b) {
  std::vector<std::pair<std::string, FactStats>> roles;
  for (const RoleDef& def : kRoles) {
    const auto* values = b.of(def.source);
    if (values == nullptr) continue;
    FactStats sum;
    size_t distinct = 0;
    for (const auto& [value, stats] : *values) {
      if (!def.value.empty() && value != def.value) continue;
      ++distinct;
      sum.merge(stats);
    }
    if (distinct >= def.min_distinct) roles.emplace_back(std::string(def.role), sum);
  }
  if (b.router) {
    FactStats s;
    for (const auto& [ip, use] : b.addresses) s.merge(FactStats{use.first, use.last, 1, 0});
    roles.emplace_back("router", s);
  }
  for (const auto& [ip, use] : b.addresses) {
    if (contecDefaultNetwork().contains(ip)) {
      roles.emplace_back("contec-default-address", FactStats{use.first, use.last, 1, 0});
    }
  }
  for (auto& [role, stats] : roles) b.add(fact::kBehavior, role, stats);
}

std::string describe(std::string_view source, std::string_view value, const FactStats& s) {
  std::string out;
  if (source == fact::kBehavior) {
    out = "behaviour: ";
    out += value;
  } else {
    out = std::string(source) + " \"" + std::string(value) + "\"";
  }
  out += ", seen " + std::to_string(s.count) + (s.count == 1 ? " time" : " times");
  return out;
}

struct Claim {
  double weight;
  const Rule* rule;
};

struct AttributeVote {
  std::map<std::string, std::vector<Claim>> by_value;
  static double score(const std::vector<Claim>& claims) {
    double miss = 1;
    for (const auto& c : claims) miss *= 1 - c.weight;
    return 1 - miss;
  }
  // The winner, its confidence and the conflicts. Ties go to the value first in order, so the
  // result is deterministic.
  std::string decide(std::string_view attribute, double& confidence,
                     std::vector<events::DeviceConflict>& conflicts) const {
    std::string best;
    double best_score = 0, total = 0;
    for (const auto& [value, claims] : by_value) {
      double s = score(claims);
      total += s;
      if (s > best_score) {
        best_score = s;
        best = value;
      }
    }
    confidence = total > 0 ? best_score * best_score / total : 0;
    for (const auto& [value, claims] : by_value) {
      if (value == best) continue;
      conflicts.push_back(
          events::DeviceConflict{std::string(attribute), best, value, best_score, score(claims)});
    }
    return best;
  }
};

struct Matched {
  const Rule* rule;
  std::vector<std::pair<const std::string*, const FactStats*>> facts;  // one per condition
  std::string firmware;
};

// The value of `source` that the condition matches first, with its capture groups.
const std::pair<const std::string, FactStats>* firstMatch(const Building& b, const Condition& c,
                                                          std::vector<std::string>& groups) {
  const auto* values = b.of(c.source);
  if (values == nullptr) return nullptr;
  for (const auto& entry : *values) {
    if (c.search(entry.first, &groups)) return &entry;
  }
  return nullptr;
}

events::DeviceRecord identify(const std::string& id, Building& b, const FingerprintDb& db,
                              const ResolveOptions& options) {
  events::DeviceRecord d;
  d.id = id;
  d.macs.assign(b.macs.begin(), b.macs.end());
  bool any_time = false;
  for (const auto& [ip, use] : b.addresses) {
    if (ip.family() == IpFamily::None) continue;
    d.ips.push_back(ip);
    events::DeviceAddress a;
    a.ip = ip;
    a.locality = use.local ? "local" : use.routed ? "routed" : "unknown";
    a.site = false;
    for (const IpNetwork& n : options.site_networks) a.site = a.site || n.contains(a.ip);
    a.first_seen = use.first;
    a.last_seen = use.last;
    d.addresses.push_back(a);
  }
  for (const auto& [source, values] : b.facts) {
    for (const auto& [value, s] : values) {
      if (!any_time || s.first < d.first_seen) d.first_seen = s.first;
      if (!any_time || d.last_seen < s.last) d.last_seen = s.last;
      any_time = true;
    }
  }
  for (const auto* source : {&fact::kDhcpHostname, &fact::kDhcpFqdn, &fact::kLpdHost}) {
    if (const auto* values = b.of(*source)) {
      for (const auto& [value, s] : *values) {
        if (std::find(d.hostnames.begin(), d.hostnames.end(), value) == d.hostnames.end()) {
          d.hostnames.push_back(value);
        }
      }
    }
  }
  if (const auto* roles = b.of(fact::kBehavior)) {
    for (const auto& [role, s] : *roles) d.roles.push_back(role);
  }

  std::vector<Matched> matched;
  for (const Rule& rule : db.rules()) {
    Matched m{&rule, {}, {}};
    bool all = true;
    for (size_t i = 0; i < rule.when.size() && all; ++i) {
      std::vector<std::string> groups;
      const auto* hit = firstMatch(b, rule.when[i], groups);
      if (hit == nullptr) {
        all = false;
        break;
      }
      m.facts.emplace_back(&hit->first, &hit->second);
      if (i == 0 && !rule.firmware.empty()) {
        m.firmware = rule.firmware;
        for (size_t g = groups.size(); g-- > 1;) {
          const std::string ref = "$" + std::to_string(g);
          for (size_t at; (at = m.firmware.find(ref)) != std::string::npos;) {
            m.firmware.replace(at, ref.size(), groups[g]);
          }
        }
      }
    }
    if (all) matched.push_back(std::move(m));
  }

  AttributeVote vendor, model, cls, firmware;
  std::set<std::string> tags;
  for (const Matched& m : matched) {
    const Rule& r = *m.rule;
    if (!r.vendor.empty()) vendor.by_value[r.vendor].push_back({r.weight, &r});
    if (!r.model.empty()) model.by_value[r.model].push_back({r.weight, &r});
    if (!r.device_class.empty()) cls.by_value[r.device_class].push_back({r.weight, &r});
    if (!m.firmware.empty()) firmware.by_value[m.firmware].push_back({r.weight, &r});
    tags.insert(r.tags.begin(), r.tags.end());
    std::string claims;
    auto claim = [&claims](std::string_view what, std::string_view v) {
      if (v.empty()) return;
      claims += (claims.empty() ? "" : ", ") + std::string(what) + "=" + std::string(v);
    };
    claim("vendor", r.vendor);
    claim("model", r.model);
    claim("class", r.device_class);
    claim("firmware", m.firmware);
    for (const auto& t : r.tags) claim("tag", t);
    for (size_t i = 0; i < m.facts.size(); ++i) {
      const auto& [value, stats] = m.facts[i];
      events::DeviceEvidence e;
      e.source = r.when[i].source;
      e.value = *value;
      e.detail = describe(e.source, e.value, *stats);
      e.rule = r.id;
      e.claims = claims;
      e.weight = r.weight;
      e.count = stats->count;
      e.flow_id = stats->flow_id;
      e.first_seen = stats->first;
      e.last_seen = stats->last;
      d.evidence.push_back(std::move(e));
    }
  }
  double vendor_conf = 0, model_conf = 0, class_conf = 0, firmware_conf = 0;
  d.vendor = vendor.decide("vendor", vendor_conf, d.conflicts);
  d.model = model.decide("model", model_conf, d.conflicts);
  std::string c = cls.decide("device_class", class_conf, d.conflicts);
  if (!c.empty()) d.device_class = c;
  d.firmware = firmware.decide("firmware", firmware_conf, d.conflicts);
  d.tags.assign(tags.begin(), tags.end());
  // The device's confidence: the mean over what is known of vendor and class, the two questions
  // an inventory must answer; a device nothing identified has none.
  double sum = 0;
  int n = 0;
  for (double v : {vendor_conf, class_conf}) {
    if (v > 0) {
      sum += v;
      ++n;
    }
  }
  d.confidence = n > 0 ? sum / n : 0;
  return d;
}

}  // namespace

std::string deviceIdOf(const MacAddress& mac) {
  return "mac:" + mac.toString();
}

std::string deviceIdOf(const IpAddress& ip) {
  return "ip:" + ip.toString();
}

std::vector<events::DeviceRecord> resolveDevices(const Observations& observations,
                                                 const FingerprintDb& fingerprints,
                                                 const OuiRegistry& oui,
                                                 const ResolveOptions& options) {
  const auto& endpoints = observations.endpoints();
  // Which MACs are routers': in front of addresses that ARP and DHCP do not give them.
  std::map<MacAddress, MacUse> macs;
  for (const auto& [key, facts] : endpoints) {
    if (!key.mac || key.ip.family() == IpFamily::None) continue;
    MacUse& use = macs[*key.mac];
    if (hasBinding(facts)) {
      use.bound.insert(key.ip);
    } else if (key.ip.isV4()) {
      use.unbound_v4.insert(key.ip);
    } else if (!isLinkLocalV6(key.ip)) {
      use.unbound_v6.insert(key.ip);
    }
  }
  std::set<MacAddress> routers;
  for (const auto& [mac, use] : macs) {
    // An address can be bound in one endpoint and seen unbound in another: bound wins.
    const std::set<IpAddress>& bound = use.bound;
    auto unbound = [&bound](const std::set<IpAddress>& s) {
      return static_cast<size_t>(std::count_if(
          s.begin(), s.end(), [&bound](const IpAddress& ip) { return bound.count(ip) == 0; }));
    };
    if (unbound(use.unbound_v4) >= options.limits.router_min_ipv4 ||
        unbound(use.unbound_v6) >= options.limits.router_min_ipv6) {
      routers.insert(mac);
    }
  }
  // Each address's own MACs (not routers'): where an address has exactly one, facts known only
  // by the address belong to that MAC's device.
  std::map<IpAddress, std::set<MacAddress>> own_macs;
  for (const auto& [key, facts] : endpoints) {
    if (key.mac && !routers.count(*key.mac) && key.ip.family() != IpFamily::None) {
      own_macs[key.ip].insert(*key.mac);
    }
  }

  std::map<std::string, Building> devices;
  for (const auto& [key, facts] : endpoints) {
    const bool router_mac = key.mac && routers.count(*key.mac) != 0;
    std::string id;
    bool local = false;
    if (key.mac && (!router_mac || key.ip.family() == IpFamily::None || hasBinding(facts))) {
      id = deviceIdOf(*key.mac);
      local = true;
    } else if (auto it = own_macs.find(key.ip); it != own_macs.end() && it->second.size() == 1) {
      id = deviceIdOf(*it->second.begin());
      local = true;
    } else {
      id = deviceIdOf(key.ip);
    }
    Building& b = devices[id];
    if (local && key.mac && !router_mac) b.macs.insert(*key.mac);
    if (router_mac && id == deviceIdOf(*key.mac)) {
      b.macs.insert(*key.mac);
      b.router = true;
    }
    if (key.ip.family() != IpFamily::None) {
      AddressUse& use = b.addresses[key.ip];
      for (const auto& [fact, stats] : facts) use.see(stats);
      if (local) use.local = true;
      if (router_mac && !local) use.routed = true;
    }
    for (const auto& [fact, stats] : facts) b.add(factSource(fact), factValue(fact), stats);
  }
  // Routers seen only as the MAC in front of others still are devices.
  for (const MacAddress& mac : routers) {
    Building& b = devices[deviceIdOf(mac)];
    b.macs.insert(mac);
    b.router = true;
  }

  std::vector<events::DeviceRecord> out;
  out.reserve(devices.size());
  for (auto& [id, b] : devices) {
    for (const MacAddress& mac : b.macs) {
      if (auto org = oui.lookup(mac)) {
        FactStats s;
        for (const auto& [ip, use] : b.addresses) s.merge(FactStats{use.first, use.last, 1, 0});
        if (s.count == 0) s.count = 1;
        b.add(fact::kOui, *org, s);
      }
    }
    for (const auto& [ip, use] : b.addresses) {
      b.add(fact::kAddress, ip.toString(), FactStats{use.first, use.last, 1, 0});
    }
    deriveRoles(b);
    out.push_back(identify(id, b, fingerprints, options));
  }
  return out;
}

}  // namespace medtap::inventory
