#include "simulate/ward.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "simulate/contec_monitor.h"
#include "simulate/imaging.h"
#include "simulate/monitors.h"
#include "simulate/office.h"

namespace medtap::simulate {

namespace {

std::string macString(const MacAddress& m) {
  return m.toString();
}

class Builder {
 public:
  Builder(World& w, const ProfileSet& ps, const SimulateOptions& opt, const ScenarioSet& sc,
          WardContext& ctx)
      : w_(w), ps_(ps), ward_(ps.ward), opt_(opt), sc_(sc), ctx_(ctx), rng_(w.rng().fork(0x3A7D)) {}

  Status build();

 private:
  MacAddress makeMac(const std::array<uint8_t, 3>& oui);
  Host& lanHost(const DeviceProfile& p, std::string name, uint32_t ip);
  Host& remoteHost(std::string name, uint32_t ip, double latency_ms, int hops, StackKind stack);
  uint32_t nextStatic() { return ward_.static_base + static_cast<uint32_t>(++static_used_ + 9); }
  uint32_t nextDhcp() { return ward_.dhcp_base + static_cast<uint32_t>(++dhcp_used_ + 9); }
  uint32_t addressFor(const DeviceProfile& p) {
    return p.addressing == Addressing::Dhcp ? nextDhcp() : nextStatic();
  }
  std::string hostname(const DeviceProfile& p, const Host& h, int n, int bed);
  void truth(const DeviceProfile& p, const Host& h, const std::string& id, int bed,
             const std::string& hostname);
  void truthRemote(const Host& h, const std::string& id, const std::string& vendor,
                   const std::string& model, const std::string& device_class,
                   std::vector<std::string> tags);
  Timestamp upAt() { return ctx_.start + Duration{rng_.range(0, 5'000'000'000)}; }
  template <typename B>
  B& activate(std::unique_ptr<B> b, BootMode mode, Timestamp at) {
    B& ref = w_.own(std::move(b));
    ref.activate(w_, at, mode);
    return ref;
  }
  BootMode dhcpBootMode(const DeviceProfile& p, Timestamp& at);
  std::vector<const DeviceProfile*> bedProfiles();
  // A vitals-tamper window in the truth: from `at` to `until` (or the end of the run).
  void vitalsWindow(const BedsideMonitor& m, const char* action, Timestamp at,
                    std::optional<Timestamp> until, nlohmann::ordered_json detail) {
    TruthEvent e;
    e.at = at;
    e.scenario = "vitals-tamper";
    e.action = action;
    e.device = m.id();
    e.protocol = "hl7";
    e.detail = {{"bed", m.bed()}};
    for (auto& [k, v] : detail.items()) e.detail[k] = v;
    if (until) e.detail["until"] = formatIso8601(*until);
    w_.truth().addEvent(std::move(e));
  }

  // A point within the nominal duration, rounded to the millisecond so the sidecar reads well.
  Timestamp scenarioTime(double fraction) {
    const auto ms =
        static_cast<int64_t>(static_cast<double>(ctx_.nominal.ns / 1'000'000) * fraction + 0.5);
    return ctx_.start + milliseconds(ms);
  }
  World& w_;
  const ProfileSet& ps_;
  const WardPlan& ward_;
  const SimulateOptions& opt_;
  const ScenarioSet& sc_;
  WardContext& ctx_;
  Rng rng_;
  int static_used_ = 0;
  int dhcp_used_ = 0;
  std::set<uint64_t> macs_;
};

MacAddress Builder::makeMac(const std::array<uint8_t, 3>& oui) {
  for (;;) {
    const uint64_t v = rng_.next();
    MacAddress m;
    m.bytes = {oui[0],
               oui[1],
               oui[2],
               static_cast<uint8_t>(v),
               static_cast<uint8_t>(v >> 8),
               static_cast<uint8_t>(v >> 16)};
    uint64_t key = 0;
    for (uint8_t b : m.bytes) key = key << 8 | b;
    if (macs_.insert(key).second) return m;
  }
}

Host& Builder::lanHost(const DeviceProfile& p, std::string name, uint32_t ip) {
  Host h;
  h.name = std::move(name);
  h.mac = makeMac(p.oui);
  h.ip = ip;
  h.site = Site::Lan;
  h.delay = microseconds(rng_.range(30, 120));
  h.link_bps = p.link_bps;
  h.stack = tcpStackFor(p.stack);
  h.ip_id = static_cast<uint16_t>(rng_.next());
  // Each host's ephemeral ports start somewhere in its range (it has been up for a while).
  h.next_port = static_cast<uint16_t>(rng_.range(h.stack.ephemeral_lo, h.stack.ephemeral_hi));
  h.closed_ports =
      p.stack == StackKind::Windows ? Host::ClosedPorts::Drop : Host::ClosedPorts::Reset;
  return w_.net().addHost(std::move(h));
}

Host& Builder::remoteHost(std::string name, uint32_t ip, double latency_ms, int hops,
                          StackKind stack) {
  Host h;
  h.name = std::move(name);
  h.mac = ctx_.router->mac;  // never on the wire: frames from it carry the router's MAC
  h.ip = ip;
  h.site = Site::Remote;
  h.hops = static_cast<uint8_t>(hops);
  h.delay = Duration{static_cast<int64_t>(latency_ms * 1e6)};
  h.link_bps = 200'000'000;
  h.stack = tcpStackFor(stack);
  h.ip_id = static_cast<uint16_t>(rng_.next());
  h.next_port = static_cast<uint16_t>(rng_.range(h.stack.ephemeral_lo, h.stack.ephemeral_hi));
  return w_.net().addHost(std::move(h));
}

std::string Builder::hostname(const DeviceProfile& p, const Host& h, int n, int bed) {
  // Patterns: {serial} eight digits, {mac6} the MAC's last three bytes, {n:02}, {bed:02}.
  std::string out;
  const std::string& pat = p.dhcp.hostname;
  for (size_t i = 0; i < pat.size();) {
    if (pat[i] != '{') {
      out += pat[i++];
      continue;
    }
    const size_t close = pat.find('}', i);
    const std::string key = pat.substr(i + 1, close - i - 1);
    char buf[32];
    if (key == "serial") {
      std::snprintf(buf, sizeof buf, "%08lld", static_cast<long long>(rng_.range(0, 99'999'999)));
    } else if (key == "mac6") {
      std::snprintf(buf, sizeof buf, "%02X%02X%02X", h.mac.bytes[3], h.mac.bytes[4],
                    h.mac.bytes[5]);
    } else if (key == "n:02") {
      std::snprintf(buf, sizeof buf, "%02d", n);
    } else if (key == "bed:02") {
      std::snprintf(buf, sizeof buf, "%02d", bed);
    } else {
      buf[0] = '\0';
    }
    out += buf;
    i = close == std::string::npos ? pat.size() : close + 1;
  }
  return out;
}

void Builder::truth(const DeviceProfile& p, const Host& h, const std::string& id, int bed,
                    const std::string& hostname) {
  TruthDevice d;
  d.id = id;
  d.ip = ipToString(h.ip);
  d.mac = macString(h.mac);
  d.vendor = p.vendor;
  d.model = p.model;
  d.device_class = p.device_class;
  d.hostname = hostname;
  d.firmware = p.firmware;
  d.profile = p.id;
  d.site = "lan";
  d.addressing = p.addressing == Addressing::Dhcp ? "dhcp" : "static";
  d.bed = bed;
  d.tags = p.tags;
  w_.truth().addDevice(std::move(d));
}

void Builder::truthRemote(const Host& h, const std::string& id, const std::string& vendor,
                          const std::string& model, const std::string& device_class,
                          std::vector<std::string> tags) {
  TruthDevice d;
  d.id = id;
  d.ip = ipToString(h.ip);
  d.mac = macString(ctx_.router->mac);
  d.vendor = vendor;
  d.model = model;
  d.device_class = device_class;
  d.hostname = h.name;
  d.profile = "";
  d.site = "remote";
  d.addressing = "static";
  d.tags = std::move(tags);
  w_.truth().addDevice(std::move(d));
}

BootMode Builder::dhcpBootMode(const DeviceProfile& p, Timestamp& at) {
  // A quarter of the DHCP devices are switched on during the capture (a pump brought to a bed,
  // a PC started), so the capture holds full DISCOVER-to-ACK exchanges.
  if (p.addressing == Addressing::Dhcp && rng_.chance(0.25)) {
    at = scenarioTime(rng_.uniform(0.005, 0.8));
    return BootMode::Boots;
  }
  at = upAt();
  return BootMode::AlreadyUp;
}

std::vector<const DeviceProfile*> Builder::bedProfiles() {
  // Apportion the beds among the monitor profiles by weight (largest remainder), then shuffle.
  std::vector<const DeviceProfile*> monitors = ps_.withRole("bedside-monitor");
  for (const DeviceProfile* p : ps_.withRole("contec-monitor")) monitors.push_back(p);
  double total = 0;
  for (const DeviceProfile* p : monitors) total += p->weight;
  std::vector<std::pair<double, size_t>> remainders;
  std::vector<int> counts(monitors.size(), 0);
  int assigned = 0;
  for (size_t i = 0; i < monitors.size(); ++i) {
    const double exact = opt_.beds * monitors[i]->weight / total;
    counts[i] = static_cast<int>(exact);
    assigned += counts[i];
    remainders.emplace_back(-(exact - counts[i]), i);
  }
  std::stable_sort(remainders.begin(), remainders.end());
  for (size_t k = 0; assigned < opt_.beds; ++k, ++assigned)
    counts[remainders[k % remainders.size()].second]++;
  std::vector<const DeviceProfile*> beds;
  for (size_t i = 0; i < monitors.size(); ++i)
    beds.insert(beds.end(), static_cast<size_t>(counts[i]), monitors[i]);
  for (size_t i = beds.size(); i > 1; --i)
    std::swap(beds[i - 1], beds[static_cast<size_t>(rng_.range(0, static_cast<int64_t>(i) - 1))]);
  // A Contec scenario needs a Contec monitor; a small ward may not have drawn one.
  if ((sc_.contec_backdoor || sc_.contec_lan_default || sc_.vitals_tamper) &&
      std::none_of(beds.begin(), beds.end(),
                   [](const DeviceProfile* p) { return p->role == "contec-monitor"; })) {
    const auto contec = ps_.withRole("contec-monitor");
    if (!contec.empty()) beds.back() = contec.front();
  }
  return beds;
}

Status Builder::build() {
  const uint32_t mask = ~uint32_t{0} << (32 - ward_.lan_prefix);
  ctx_.profiles = &ps_;
  ctx_.scenarios = sc_;
  ctx_.start = ward_.start;
  ctx_.nominal = opt_.duration;
  ctx_.unit = ward_.unit;
  ctx_.domain = ward_.domain;
  ctx_.lan_loss = ward_.loss_rate;
  ctx_.wan_loss = ward_.wan_loss_rate;
  ctx_.lease =
      DhcpLease{mask, ward_.router_ip, ward_.infra_ip, ward_.infra_ip, ward_.domain, ward_.lease_s};

  // Infrastructure.
  const DeviceProfile& router_p = *ps_.find(ward_.router);
  Host& router = lanHost(router_p, "gw", ward_.router_ip);
  router.open_ports = {22, 443};
  w_.net().setRouter(router);
  ctx_.router = &router;
  truth(router_p, router, "router", 0, "");
  activate(std::make_unique<PassiveDevice>(ctx_, router, router_p, "router", rng_.fork(1)),
           BootMode::AlreadyUp, ctx_.start);

  const DeviceProfile& infra_p = *ps_.find(ward_.infra_server);
  Host& infra = lanHost(infra_p, "dc01." + ward_.domain, ward_.infra_ip);
  infra.open_ports = {53, 88, 123, 135, 389, 445, 3389};
  ctx_.infra = &infra;
  truth(infra_p, infra, "infra-server", 0, "dc01");
  activate(std::make_unique<PassiveDevice>(ctx_, infra, infra_p, "infra-server", rng_.fork(2)),
           BootMode::AlreadyUp, ctx_.start);

  const DeviceProfile& ie_p = *ps_.find(ward_.interface_engine);
  Host& ie = lanHost(ie_p, "hl7-ie01", nextStatic());
  ie.open_ports = {22, 2575};
  ctx_.interface_engine = &ie;
  truth(ie_p, ie, "interface-engine", 0, "hl7-ie01");
  auto& engine =
      activate(std::make_unique<InterfaceEngine>(ctx_, ie, ie_p, "interface-engine", rng_.fork(3)),
               BootMode::AlreadyUp, upAt());
  ctx_.hl7_router = &engine;

  const DeviceProfile& pacs_p = *ps_.find(ward_.pacs);
  Host& pacs = lanHost(pacs_p, "pacs01", nextStatic());
  pacs.open_ports = {22, 104, 443, 11112};
  ctx_.pacs = &pacs;
  truth(pacs_p, pacs, "pacs", 0, "pacs01");
  activate(std::make_unique<PassiveDevice>(ctx_, pacs, pacs_p, "pacs", rng_.fork(4)),
           BootMode::AlreadyUp, ctx_.start);

  // Remote hosts: the data centre and the internet services the workstations use.
  std::map<std::string, Host*> remote;
  for (const RemoteHostPlan& r : ward_.remote_hosts) {
    Host& h = remoteHost(r.name, r.ip, r.latency_ms, r.hops, r.stack);
    h.open_ports = {443};
    remote[r.id] = &h;
    truthRemote(h, "remote-" + r.id, r.vendor, r.model, r.device_class, {});
  }
  if (!ward_.ehr_feed_host.empty()) {
    Host& ehr = *remote[ward_.ehr_feed_host];
    ehr.open_ports.push_back(ward_.ehr_feed_port);
    engine.feedEhr(ehr, "remote-" + ward_.ehr_feed_host, ward_.ehr_feed_port,
                   ward_.ehr_feed_application, ward_.ehr_feed_facility);
  }
  for (const auto& [id, weight] : ward_.browsing) {
    ctx_.browsing.push_back({remote[id], remote[id]->name, weight});
    ctx_.browsing_weight += weight;
  }

  // Modalities.
  int modality_n = 0;
  for (const std::string& mid : ward_.modalities) {
    const DeviceProfile& p = *ps_.find(mid);
    std::string kind = p.dicom.modality.empty() ? "modality" : p.dicom.modality;
    for (char& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string id = kind + "-" + std::to_string(++modality_n);
    Host& h = lanHost(p, id, nextStatic());
    h.open_ports = {22, 104};
    truth(p, h, id, 0, id);
    activate(std::make_unique<Modality>(ctx_, h, p, id, rng_.fork(100 + modality_n), pacs_p),
             BootMode::AlreadyUp, upAt());
  }

  // Printers and workstations.
  const DeviceProfile& printer_p = *ps_.find(ward_.printer);
  const int printers = std::max(ward_.min_printers, opt_.beds / ward_.beds_per_printer);
  for (int i = 1; i <= printers; ++i) {
    const uint32_t ip = addressFor(printer_p);
    Host& h = lanHost(printer_p, "", ip);
    h.name = hostname(printer_p, h, i, 0);
    h.open_ports = {80, 443, 515, 9100};
    ctx_.printers.push_back(&h);
    const std::string id = "printer-" + std::to_string(i);
    truth(printer_p, h, id, 0, h.name);
    auto dev = std::make_unique<PassiveDevice>(ctx_, h, printer_p, id, rng_.fork(200 + i));
    dev->setDhcpHostname(h.name);
    Timestamp at;
    const BootMode mode = dhcpBootMode(printer_p, at);
    activate(std::move(dev), mode, at);
  }
  const DeviceProfile& ws_p = *ps_.find(ward_.workstation);
  const int workstations =
      std::max(ward_.min_workstations,
               (opt_.beds + ward_.beds_per_workstation - 1) / ward_.beds_per_workstation);
  std::vector<Workstation*> ws;
  for (int i = 1; i <= workstations; ++i) {
    const uint32_t ip = addressFor(ws_p);
    Host& h = lanHost(ws_p, "", ip);
    const std::string short_name = hostname(ws_p, h, i, 0);
    h.name = short_name + "." + ward_.domain;
    h.open_ports = {135, 139, 445, 3389};
    const std::string id = "workstation-" + std::to_string(i);
    truth(ws_p, h, id, 0, short_name);
    auto dev = std::make_unique<Workstation>(ctx_, h, ws_p, id, rng_.fork(300 + i), i);
    dev->setDhcpHostname(short_name);
    Timestamp at;
    const BootMode mode = dhcpBootMode(ws_p, at);
    ws.push_back(&activate(std::move(dev), mode, at));
  }

  // Beds: a monitor and pumps at each.
  const std::vector<const DeviceProfile*> beds = bedProfiles();
  std::map<std::string, CentralStation*> centrals;
  std::vector<ContecMonitor*> contecs;
  std::set<const BedsideMonitor*> late;  // switched on during the capture
  Host* contec_central = nullptr;
  Host* contec_hl7 = nullptr;
  std::string contec_central_id;
  std::string contec_hl7_id;
  Host* backdoor_remote = nullptr;
  Host* backdoor_remote_hl7 = nullptr;
  std::vector<BedsideMonitor*> monitors;
  const std::vector<const DeviceProfile*> pumps = ps_.withRole("infusion-pump");
  double pump_budget = 0;
  int pump_n = 0;
  int contec_lan_n = 0;

  for (int bed = 1; bed <= static_cast<int>(beds.size()); ++bed) {
    const DeviceProfile& p = *beds[static_cast<size_t>(bed - 1)];
    char bed_id[32];
    std::snprintf(bed_id, sizeof bed_id, "bed%02d-monitor", bed);
    Rng patient_rng = rng_.fork(1000 + bed);
    Patient patient = makePatient(patient_rng, bed);
    const DeviceProfile& cs_p = *ps_.find(p.central_station);

    if (p.role == "contec-monitor") {
      if (contec_central == nullptr) {
        // The Contec central station PC: the manual's 202.114.4.119 (and .120 for HL7) in
        // contec-lan-default, otherwise an ordinary ward address, with HL7 to the engine.
        contec_central_id = "contec-central";
        const uint32_t ip = sc_.contec_lan_default ? ward_.contec_cms_ip : nextStatic();
        contec_central = &lanHost(cs_p, "contec-cms", ip);
        contec_central->open_ports = {515, 3389};
        truth(cs_p, *contec_central, contec_central_id, 0, "contec-cms");
        activate(std::make_unique<PassiveDevice>(ctx_, *contec_central, cs_p, contec_central_id,
                                                 rng_.fork(400)),
                 BootMode::AlreadyUp, ctx_.start);
        if (sc_.contec_lan_default) {
          Host second = *contec_central;  // the same NIC answering for .120 as well
          second.ip = ward_.contec_hl7_ip;
          second.open_ports = {511};
          contec_hl7 = &w_.net().addHost(std::move(second));
          contec_hl7_id = contec_central_id;
          w_.truth().addOtherIp(contec_central_id, ipToString(ward_.contec_hl7_ip));
        } else {
          contec_hl7 = &ie;
          contec_hl7_id = "interface-engine";
          if (std::find(ie.open_ports.begin(), ie.open_ports.end(), p.hl7.port) ==
              ie.open_ports.end()) {
            ie.open_ports.push_back(p.hl7.port);
          }
        }
        if (sc_.contec_backdoor && !sc_.contec_lan_default) {
          backdoor_remote = &remoteHost("", ward_.contec_cms_ip, ward_.contec_latency_ms,
                                        ward_.contec_hops, StackKind::Linux);
          backdoor_remote->open_ports = {111, 515, 892, 2049};
          backdoor_remote_hl7 = &remoteHost("", ward_.contec_hl7_ip, ward_.contec_latency_ms,
                                            ward_.contec_hops, StackKind::Linux);
          backdoor_remote_hl7->open_ports = {511};
          truthRemote(*backdoor_remote, "remote-" + ipToString(ward_.contec_cms_ip), "unknown",
                      "Contec CMS8000 hard-coded server", "server", {"icsma-25-030-01"});
          truthRemote(*backdoor_remote_hl7, "remote-" + ipToString(ward_.contec_hl7_ip), "unknown",
                      "Contec CMS8000 hard-coded HL7 server", "server", {"icsma-25-030-01"});
        }
      }
      const uint32_t ip = sc_.contec_lan_default ? ward_.contec_lan_monitor_base +
                                                       static_cast<uint32_t>(contec_lan_n++)
                                                 : nextStatic();
      Host& h = lanHost(p, "", ip);
      truth(p, h, bed_id, bed, "");
      ContecTargets t;
      t.cms = contec_central;
      t.cms_id = contec_central_id;
      t.hl7 = contec_hl7;
      t.hl7_id = contec_hl7_id;
      if (sc_.contec_backdoor) {
        t.backdoor = sc_.contec_lan_default ? contec_central : backdoor_remote;
        t.backdoor_id = sc_.contec_lan_default ? contec_central_id
                                               : "remote-" + ipToString(ward_.contec_cms_ip);
        t.backdoor_on_lan = sc_.contec_lan_default;
        if (!sc_.contec_lan_default) {
          t.leak_cms = backdoor_remote;
          t.leak_hl7 = backdoor_remote_hl7;
        }
      }
      auto dev = std::make_unique<ContecMonitor>(ctx_, h, p, bed_id, rng_.fork(500 + bed), bed,
                                                 std::move(patient), t);
      if (sc_.contec_backdoor) {
        // The backdoor acts at boot: these monitors are switched on during the capture.
        contecs.push_back(
            &activate(std::move(dev), BootMode::Boots,
                      ctx_.start + Duration{rng_.range(5'000'000'000, 90'000'000'000)}));
      } else {
        contecs.push_back(&activate(std::move(dev), BootMode::AlreadyUp, upAt()));
      }
    } else {
      CentralStation*& cs = centrals[cs_p.id];
      if (cs == nullptr) {
        const std::string id = "central-" + cs_p.id;
        Host& ch = lanHost(cs_p, "cs-" + cs_p.id.substr(0, cs_p.id.find('-')), nextStatic());
        ch.open_ports = {3389};
        truth(cs_p, ch, id, 0, ch.name);
        cs = &activate(
            std::make_unique<CentralStation>(ctx_, ch, cs_p, id, rng_.fork(600 + centrals.size())),
            BootMode::AlreadyUp, upAt());
      }
      Host& ch = cs->host();
      if (std::find(ch.open_ports.begin(), ch.open_ports.end(), p.hl7.port) ==
          ch.open_ports.end()) {
        ch.open_ports.push_back(p.hl7.port);
      }
      const uint32_t ip = addressFor(p);
      Host& h = lanHost(p, "", ip);
      const std::string name = p.addressing == Addressing::Dhcp ? hostname(p, h, bed, bed) : "";
      h.name = name;
      truth(p, h, bed_id, bed, name);
      auto dev = std::make_unique<BedsideMonitor>(ctx_, h, p, bed_id, rng_.fork(700 + bed), bed,
                                                  std::move(patient), ch, cs->id(), cs_p);
      if (!name.empty()) dev->setDhcpHostname(name);
      Timestamp at;
      const BootMode mode = dhcpBootMode(p, at);
      BedsideMonitor& m = activate(std::move(dev), mode, at);
      cs->addMonitor(m);
      monitors.push_back(&m);
      if (mode == BootMode::Boots) late.insert(&m);
    }

    // Pumps: pumps_per_bed on average, spread evenly over the beds.
    pump_budget += ward_.pumps_per_bed;
    for (; pump_budget >= 1.0 && !pumps.empty(); pump_budget -= 1.0) {
      const DeviceProfile& pp = *pumps[static_cast<size_t>(pump_n++) % pumps.size()];
      char pump_id[32];
      std::snprintf(pump_id, sizeof pump_id, "bed%02d-pump%d", bed, pump_n);
      Host& h = lanHost(pp, "", addressFor(pp));
      h.name = hostname(pp, h, pump_n, bed);
      truth(pp, h, pump_id, bed, h.name);
      auto dev = std::make_unique<InfusionPump>(ctx_, h, pp, pump_id, rng_.fork(800 + pump_n), bed);
      dev->setDhcpHostname(h.name);
      Timestamp at;
      const BootMode mode = dhcpBootMode(pp, at);
      activate(std::move(dev), mode, at);
    }
  }

  // Scenarios placed within the nominal duration.
  if (sc_.vitals_tamper && !monitors.empty()) {
    std::vector<BedsideMonitor*> pick = monitors;
    for (size_t i = pick.size(); i > 1; --i)
      std::swap(pick[i - 1], pick[static_cast<size_t>(rng_.range(0, static_cast<int64_t>(i) - 1))]);
    // Monitors up from the start first: a window must not begin before its monitor sends (a
    // replay needs messages recorded before it, two devices need the first one sending).
    std::stable_partition(pick.begin(), pick.end(),
                          [&](const BedsideMonitor* m) { return late.count(m) == 0; });
    const std::pair<Tamper, const char*> modes[] = {{Tamper::Freeze, "values_frozen"},
                                                    {Tamper::Replay, "messages_replayed"},
                                                    {Tamper::Impossible, "impossible_values"},
                                                    {Tamper::Spike, "values_spiking"},
                                                    {Tamper::Disagree, "sensors_disagree"}};
    for (size_t i = 0; i < std::size(modes) && i < pick.size(); ++i) {
      const Timestamp at = scenarioTime(0.3 + 0.15 * static_cast<double>(i));
      pick[i]->tamperFrom(w_, modes[i].first, at);
      TruthEvent e;
      e.at = at;
      e.scenario = "vitals-tamper";
      e.action = modes[i].second;
      e.device = pick[i]->id();
      e.protocol = "hl7";
      e.detail = {{"bed", pick[i]->bed()}};
      if (modes[i].first == Tamper::Replay)
        e.detail["replays_messages_from"] = formatIso8601(ctx_.start);
      w_.truth().addEvent(std::move(e));
    }
    // Observation times set back, then (more than the 15-minute alert interval later) ahead, on
    // one monitor; and a second monitor sending for a bed that already has one, for a while.
    std::vector<BedsideMonitor*> up;
    for (size_t i = std::size(modes); i < pick.size(); ++i) {
      if (late.count(pick[i]) == 0) up.push_back(pick[i]);
    }
    if (!up.empty()) {
      BedsideMonitor& m = *up[0];
      const Timestamp back = scenarioTime(0.2), ahead = scenarioTime(0.75);
      m.shiftTimesFrom(w_, back, ahead);
      vitalsWindow(m, "observation_time_backwards", back, ahead,
                   {{"shift_s", -BedsideMonitor::kTimeBack.ns / Timestamp::kNsPerSec}});
      vitalsWindow(m, "observation_time_ahead", ahead, std::nullopt,
                   {{"shift_s", BedsideMonitor::kTimeAhead.ns / Timestamp::kNsPerSec}});
    }
    if (!contecs.empty()) {
      // The Contec stream (TCP 515) of one monitor, tampered on the way: SpO2 above 100 %.
      ContecMonitor& c = *contecs.front();
      const Timestamp at = scenarioTime(0.35);
      c.impossibleValuesFrom(at);
      TruthEvent e;
      e.at = at;
      e.scenario = "vitals-tamper";
      e.action = "contec_impossible_values";
      e.device = c.id();
      e.protocol = "contec_cms";
      e.detail = {{"bed", c.bed()}};
      w_.truth().addEvent(std::move(e));
    }
    if (up.size() >= 3) {
      const BedsideMonitor& bed = *up[1];
      BedsideMonitor& second = *up[2];
      const Timestamp from = scenarioTime(0.25), until = scenarioTime(0.45);
      second.alsoSendForBed(bed, from, until);
      vitalsWindow(second, "second_device_for_bed", from, until,
                   {{"bed", bed.bed()}, {"monitored_by", bed.id()}});
    }
  }
  if (sc_.new_peer && !monitors.empty()) {
    BedsideMonitor& m =
        *monitors[static_cast<size_t>(rng_.range(0, static_cast<int64_t>(monitors.size()) - 1))];
    Host& peer = remoteHost(ward_.new_peer_name, ward_.new_peer_ip, ward_.new_peer_latency_ms,
                            ward_.new_peer_hops, StackKind::Linux);
    peer.open_ports = {443};
    truthRemote(peer, "remote-" + ipToString(peer.ip), "unknown", "internet host", "server",
                {"scenario-new-peer"});
    const Timestamp at = scenarioTime(0.5);
    m.talkToNewPeerFrom(w_, peer, ward_.new_peer_name, at);
    TruthEvent e;
    e.at = at;
    e.scenario = "new-peer";
    e.action = "first_contact";
    e.device = m.id();
    e.peer_ip = ipToString(peer.ip);
    e.peer_port = ward_.new_peer_port;
    e.protocol = "tls";
    e.detail = {{"sni", ward_.new_peer_name}, {"repeats_every_s", 300}};
    w_.truth().addEvent(std::move(e));
  }
  if (sc_.phi_exfil && !monitors.empty()) {
    Host& drop =
        remoteHost("", ward_.exfil_ip, ward_.exfil_latency_ms, ward_.exfil_hops, StackKind::Linux);
    drop.open_ports = {ward_.exfil_port};
    const std::string drop_id = "remote-" + ipToString(drop.ip);
    truthRemote(drop, drop_id, "unknown", "internet host", "server", {"scenario-phi-exfil"});
    engine.exfiltrateFrom(w_, drop, drop_id, ward_.exfil_port, monitors, scenarioTime(0.35));
  }
  if (sc_.scan && !ws.empty()) ws.front()->scanFrom(w_, scenarioTime(0.7));
  return Ok{};
}

}  // namespace

Status buildWard(World& w, const ProfileSet& profiles, const SimulateOptions& options,
                 const ScenarioSet& scenarios, WardContext& ctx) {
  Builder b(w, profiles, options, scenarios, ctx);
  return b.build();
}

}  // namespace medtap::simulate
