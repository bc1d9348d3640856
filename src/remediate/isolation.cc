#include "remediate/isolation.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include <fmt/format.h>

#include "detect/device_index.h"
#include "intel/builtin.h"
#include "inventory/facts.h"

namespace medtap::remediate {

namespace {

namespace fact = inventory::fact;

constexpr uint8_t kTcp = 6, kUdp = 17;

// Facts that name an application between two addresses: the fact's endpoint is one end, its value
// the other. Which of the two opened the TCP connection does not matter for naming the service.
struct AppSource {
  std::string_view source, app;
};
constexpr AppSource kAppSources[] = {
    {fact::kHl7SendsTo, "hl7"},     {fact::kContecStreamTo, "contec_cms"},
    {fact::kDicomStoreTo, "dicom"}, {fact::kDicomQueryTo, "dicom"},
    {fact::kLpdPrintsTo, "lpd"},    {fact::kNfsMountFrom, "nfs"},
};

// Peers a clinical flow is kept to without a policy: where a monitor's feed goes.
constexpr std::string_view kClinicalPeerClasses[] = {"central-station", "interface-engine", "pacs"};

struct AppSeen {
  uint64_t count = 0;
  Timestamp first, last;
};
using PairKey = std::pair<IpAddress, IpAddress>;  // ordered: the smaller address first
PairKey pairOf(const IpAddress& a, const IpAddress& b) {
  return a < b ? PairKey{a, b} : PairKey{b, a};
}
using AppsByPair = std::map<PairKey, std::map<std::string, AppSeen>>;

// "10.12.1.20 tcp/515" -> peer, protocol, port. False for anything else (ip/<n>, damage).
bool parseTalk(std::string_view value, IpAddress& peer, uint8_t& proto, uint16_t& port) {
  const size_t space = value.find(' ');
  if (space == std::string_view::npos) return false;
  auto ip = IpAddress::parse(value.substr(0, space));
  if (!ip) return false;
  std::string_view service = value.substr(space + 1);
  if (service.rfind("tcp/", 0) == 0) {
    proto = kTcp;
  } else if (service.rfind("udp/", 0) == 0) {
    proto = kUdp;
  } else {
    return false;
  }
  service.remove_prefix(4);
  if (service.empty() || service.size() > 5) return false;
  uint32_t n = 0;
  for (char c : service) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  if (n > 65535) return false;
  peer = *ip;
  port = static_cast<uint16_t>(n);
  return true;
}

// The application of a flow between two addresses on a port, from what the analyzers said about
// the pair; well-known ports first, since one pair may speak several (the CMS8000 mounts NFS from
// the same host it streams to).
std::string appFor(const std::map<std::string, AppSeen>* apps, uint8_t proto, uint16_t port) {
  auto has = [&](std::string_view app) { return apps != nullptr && apps->count(std::string(app)); };
  if (port == 111) return "rpc";
  if (port == 2049) return "nfs";
  if (proto == kUdp && port == 53) return "dns";
  if (proto == kUdp && port == 123) return "ntp";
  if (proto == kUdp && (port == 67 || port == 68)) return "dhcp";
  if (proto == kTcp && has("contec_cms") && port >= 515 && port <= 520) return "contec_cms";
  if (proto == kTcp && has("hl7")) return "hl7";
  if (proto == kTcp && has("dicom")) return "dicom";
  if (proto == kTcp && has("lpd")) return "lpd";
  if (proto == kTcp && has("contec_cms")) return "contec_cms";
  if (has("nfs")) return "nfs";  // mountd, on whatever port the portmapper gave it
  return "";
}

// The store's devices as the detectors' index, for zone matching: addresses with their locality.
detect::DeviceIndex indexOf(const std::vector<inventory::StoredDevice>& stored) {
  std::vector<events::DeviceRecord> records;
  records.reserve(stored.size());
  for (const auto& s : stored) records.push_back(inventory::deviceRecord(s));
  return detect::DeviceIndex(std::move(records));
}

bool selected(const inventory::StoredDevice& d, const Selection& s) {
  if (std::find(s.device_ids.begin(), s.device_ids.end(), d.id) != s.device_ids.end()) return true;
  return std::any_of(s.tags.begin(), s.tags.end(), [&](const std::string& t) {
    return std::find(d.tags.begin(), d.tags.end(), t) != d.tags.end();
  });
}

bool onSite(const IpAddress& ip, const std::vector<IpNetwork>& site) {
  return std::any_of(site.begin(), site.end(), [&](const IpNetwork& n) { return n.contains(ip); });
}

// Without a policy: the flows a monitor's care depends on, to the systems that receive them here,
// and the network services any host needs. Everything else is cut.
void decideWithoutPolicy(DeviceFlow& f, const std::vector<IpNetwork>& site) {
  const bool here = f.peer_on_lan || onSite(f.peer, site);
  const bool clinical_peer =
      std::find(std::begin(kClinicalPeerClasses), std::end(kClinicalPeerClasses), f.peer_class) !=
      std::end(kClinicalPeerClasses);
  if (here && clinical_peer && (f.app == "hl7" || f.app == "contec_cms" || f.app == "dicom")) {
    f.fate = Fate::Kept;
    f.reason = "clinical flow to its " + f.peer_class + " on this site";
  } else if (here && f.direction == Direction::Outbound &&
             (f.app == "dns" || f.app == "ntp" || f.app == "dhcp")) {
    f.fate = Fate::Kept;
    f.reason = "network service on this site";
  } else {
    f.fate = Fate::Cut;
    f.reason = !here          ? "peer off this site"
               : f.clinical() ? "not to a central station, interface engine or PACS"
                              : "not a clinical flow";
  }
}

void decideByPolicy(DeviceFlow& f, const policy::Policy& policy, const detect::DeviceIndex& index,
                    const std::vector<IpNetwork>& site) {
  const IpAddress& client = f.direction == Direction::Outbound ? f.local : f.peer;
  const IpAddress& server = f.direction == Direction::Outbound ? f.peer : f.local;
  const auto from = policy::zoneName(policy::zoneOf(policy, {client, index.find(client)}, site));
  const auto to = policy::zoneName(policy::zoneOf(policy, {server, index.find(server)}, site));
  const policy::Decision d = policy::evaluate(policy, {from, to, f.ip_proto, f.port, f.app});
  f.fate = d.verdict == policy::Verdict::Allow ? Fate::Kept : Fate::Cut;
  f.reason =
      fmt::format("policy {} ({} -> {})", d.rule != nullptr ? d.rule->label : "default", from, to);
}

int sortRank(const DeviceFlow& f) {
  return f.clinical() ? 0 : 1;
}

}  // namespace

bool DeviceFlow::clinical() const {
  return app == "hl7" || app == "contec_cms" || app == "dicom" || app == "lpd";
}

std::string Selection::describe() const {
  std::string out;
  for (const auto& t : tags) out += (out.empty() ? "tag " : ", tag ") + t;
  for (const auto& d : device_ids) out += (out.empty() ? "device " : ", device ") + d;
  return out.empty() ? "no device" : out;
}

std::string serviceLabel(uint8_t ip_proto, uint16_t port) {
  return fmt::format("{}/{}", ip_proto == kTcp ? "tcp" : ip_proto == kUdp ? "udp" : "ip", port);
}

std::string_view fateName(Fate fate) {
  return fate == Fate::Kept ? "kept" : "cut";
}
std::string_view directionName(Direction d) {
  return d == Direction::Outbound ? "to" : "from";
}

Result<Isolation> buildIsolation(const IsolationInput& in) {
  Isolation out;
  out.database = in.database;
  out.selection = in.selection.describe();
  out.from_policy = in.policy != nullptr;
  out.allowed_from = in.policy != nullptr ? "policy " + in.policy->source
                                          : "observed clinical flows (no --policy)";
  const detect::DeviceIndex index = indexOf(*in.devices);

  // Which selected device holds each address; the devices by id.
  std::map<IpAddress, size_t> owner;
  for (const auto& d : *in.devices) {
    if (!selected(d, in.selection)) continue;
    if (out.devices.size() >= kMaxSelectedDevices) {
      return Error{fmt::format("{} selects more than {} devices: narrow the selection",
                               out.selection, kMaxSelectedDevices)};
    }
    IsolatedDevice dev{d.id, d.vendor, d.model, d.device_class, d.tags, {}, {}, {}, 0};
    for (const auto& m : d.macs) {
      if (auto mac = MacAddress::parse(m)) dev.macs.push_back(*mac);
    }
    for (const auto& s : d.ips) {
      if (auto ip = IpAddress::parse(s)) dev.ips.push_back(*ip);
    }
    std::sort(dev.ips.begin(), dev.ips.end());
    out.devices.push_back(std::move(dev));
  }
  std::sort(out.devices.begin(), out.devices.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  for (size_t i = 0; i < out.devices.size(); ++i) {
    for (const auto& ip : out.devices[i].ips) owner.emplace(ip, i);
  }
  for (const auto& id : in.selection.device_ids) {
    if (std::none_of(out.devices.begin(), out.devices.end(), [&](auto& d) { return d.id == id; }))
      out.unknown_ids.push_back(id);
  }
  if (in.facts == nullptr) return out;

  // First pass: the applications each pair of addresses was seen speaking.
  AppsByPair apps;
  for (const auto& [key, facts] : in.facts->endpoints()) {
    for (const auto& [k, stats] : facts) {
      const std::string_view source = inventory::factSource(k);
      for (const AppSource& a : kAppSources) {
        if (source != a.source) continue;
        auto peer = IpAddress::parse(inventory::factValue(k));
        if (!peer || key.ip.family() == IpFamily::None) continue;
        AppSeen& seen = apps[pairOf(key.ip, *peer)][std::string(a.app)];
        if (seen.count == 0 || stats.first < seen.first) seen.first = stats.first;
        seen.last = std::max(seen.last, stats.last);
        seen.count += stats.count;
      }
    }
  }

  // Second pass: the connections, from the client's talks_to facts.
  using FlowKey = std::tuple<int, IpAddress, IpAddress, uint8_t, uint16_t>;
  std::vector<std::map<FlowKey, DeviceFlow>> flows(out.devices.size());
  auto record = [&](size_t dev, Direction dir, const IpAddress& local, const IpAddress& peer,
                    uint8_t proto, uint16_t port, const inventory::FactStats& stats) {
    auto& map = flows[dev];
    FlowKey key{static_cast<int>(dir), local, peer, proto, port};
    auto it = map.find(key);
    if (it == map.end()) {
      if (map.size() >= kMaxFlowsPerDevice) {
        ++out.devices[dev].flows_not_kept;
        return;
      }
      DeviceFlow f;
      f.direction = dir;
      f.local = local;
      f.peer = peer;
      f.ip_proto = proto;
      f.port = port;
      f.first = stats.first;
      it = map.emplace(key, std::move(f)).first;
    }
    DeviceFlow& f = it->second;
    if (stats.first < f.first) f.first = stats.first;
    f.last = std::max(f.last, stats.last);
    f.connections += stats.count;
  };
  for (const auto& [key, facts] : in.facts->endpoints()) {
    if (key.ip.family() == IpFamily::None) continue;
    for (const auto& [k, stats] : facts) {
      if (inventory::factSource(k) != fact::kTalksTo) continue;
      IpAddress peer;
      uint8_t proto = 0;
      uint16_t port = 0;
      if (!parseTalk(inventory::factValue(k), peer, proto, port)) continue;
      if (auto o = owner.find(key.ip); o != owner.end()) {
        record(o->second, Direction::Outbound, key.ip, peer, proto, port, stats);
      }
      if (auto o = owner.find(peer); o != owner.end() && !(peer == key.ip)) {
        record(o->second, Direction::Inbound, peer, key.ip, proto, port, stats);
      }
    }
  }

  const intel::IndicatorSet& contec = intel::contecPack();
  for (size_t i = 0; i < out.devices.size(); ++i) {
    IsolatedDevice& dev = out.devices[i];
    for (auto& [key, f] : flows[i]) {
      auto a = apps.find(pairOf(f.local, f.peer));
      const auto* pair_apps = a == apps.end() ? nullptr : &a->second;
      f.app = appFor(pair_apps, f.ip_proto, f.port);
      if (pair_apps != nullptr) {
        if (auto s = pair_apps->find(f.app); s != pair_apps->end()) {
          f.messages = s->second.count;
          f.last = std::max(f.last, s->second.last);
        }
      }
      if (const auto* info = index.find(f.peer)) {
        f.peer_id = info->device_id;
        f.peer_class = info->device_class;
        f.peer_on_lan = info->locality == "local";
      }
      f.indicator = contec.matchAddress(f.peer);
      if (f.indicator != nullptr) {
        // The rules drop the Contec network before anything else, whatever a policy allows.
        f.fate = Fate::Cut;
        f.reason = fmt::format("Contec indicator {} ({})", f.indicator->value, f.indicator->source);
      } else if (in.policy != nullptr) {
        decideByPolicy(f, *in.policy, index, in.site_networks);
      } else {
        decideWithoutPolicy(f, in.site_networks);
      }
      dev.flows.push_back(std::move(f));
    }
    std::stable_sort(dev.flows.begin(), dev.flows.end(), [](const auto& a, const auto& b) {
      return std::tuple(sortRank(a), a.peer, a.ip_proto, a.port, a.direction, a.local) <
             std::tuple(sortRank(b), b.peer, b.ip_proto, b.port, b.direction, b.local);
    });
  }
  return out;
}

}  // namespace medtap::remediate
