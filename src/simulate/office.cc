#include "simulate/office.h"

#include <algorithm>

#include "simulate/byte_writer.h"
#include "simulate/chatter.h"
#include "simulate/dns.h"
#include "simulate/https_visit.h"
#include "simulate/lpd.h"
#include "simulate/tcp_session.h"

namespace medtap::simulate {

namespace {

// What a sweep probes: remote access, web, file sharing, and the clinical ports of the ward.
constexpr uint16_t kScanPorts[] = {21,  22,  23,   80,   104,  111,  135,  139,  443,  445,
                                   511, 515, 2049, 2575, 3100, 3389, 4601, 8080, 9100, 11112};

}  // namespace

Workstation::Workstation(WardContext& ctx, Host& host, const DeviceProfile& profile, std::string id,
                         Rng rng, int number)
    : DeviceBehaviour(ctx, host, profile, std::move(id), rng), number_(number) {}

void Workstation::start(World& w, Timestamp t) {
  w.schedule(t + fromSeconds(rng_.exponential(20)), *this, kBrowse);
  if (!ctx_.printers.empty()) w.schedule(t + fromSeconds(rng_.exponential(600)), *this, kPrint);
  w.schedule(t + fromSeconds(rng_.exponential(60)), *this, kChatter);
}

void Workstation::onTimer(World& w, uint32_t tag) {
  switch (tag) {
    case kBrowse:
      browse(w);
      w.schedule(w.now() + fromSeconds(2 + rng_.exponential(35)), *this, kBrowse);
      break;
    case kPrint:
      print(w);
      w.schedule(w.now() + fromSeconds(60 + rng_.exponential(1200)), *this, kPrint);
      break;
    case kScanArp:
      scanArpStep(w);
      break;
    case kChatter: {
      const WardPlan& ward = ctx_.profiles->ward;
      const uint32_t mask = ~uint32_t{0} << (32 - ward.lan_prefix);
      chatter::windowsChatter(w.net(), rng_, host_, ward.lan_network | ~mask, w.now());
      w.truth().countFor(id_, "broadcast_chatter");
      w.schedule(w.now() + fromSeconds(5 + rng_.exponential(150)), *this, kChatter);
      break;
    }
    case kScanSyn:
      scanSynStep(w);
      break;
  }
}

void Workstation::browse(World& w) {
  if (ctx_.browsing.empty()) return;
  double pick = rng_.uniform(0, ctx_.browsing_weight);
  const WardContext::BrowseSite* site = &ctx_.browsing.back();
  for (const WardContext::BrowseSite& s : ctx_.browsing) {
    if ((pick -= s.weight) < 0) {
      site = &s;
      break;
    }
  }
  Timestamp at = w.now();
  // Windows caches answers for their TTL: about half the visits need a fresh lookup.
  if (rng_.chance(0.5))
    at = dnsLookup(w.net(), rng_, host_, *ctx_.infra, site->name, site->host->ip, at);
  HttpsVisit v;
  v.sni = site->name;
  v.kind = tls::ClientKind::Browser;
  v.requests = static_cast<int>(rng_.range(1, 6));
  v.loss = ctx_.lossBetween(host_, *site->host);
  httpsVisit(w, rng_, host_, *site->host, v, at + microseconds(rng_.range(50, 500)));
  w.truth().countFor(id_, "https_visits");
}

void Workstation::print(World& w) {
  Host& printer = *ctx_.printers[static_cast<size_t>(rng_.range(0, ctx_.printers.size() - 1))];
  const int first_bed = static_cast<int>(rng_.range(1, 8));
  const std::string doc =
      lpd::wardReport("Shift handover checklist", static_cast<int>(rng_.range(1, 4)), first_bed,
                      static_cast<int>(rng_.range(4, 12)));
  const std::string host_name = host_.name.substr(0, host_.name.find('.'));
  const auto steps = lpd::printJob("raw", host_name, "nurse" + std::to_string(number_),
                                   ++jobs_ % 1000, "Handover", doc);
  // RFC 1179 3.1: the client port comes from 721-731.
  const auto port = static_cast<uint16_t>(
      lpd::kFirstSourcePort + jobs_ % (lpd::kLastSourcePort - lpd::kFirstSourcePort + 1));
  TcpSession s(w.net(), w.frames(), rng_, host_, printer, lpd::kPort,
               ctx_.lossBetween(host_, printer), port);
  w.truth().notePort("lpd", lpd::kPort);
  Timestamp at = s.connect(w.now());
  for (const lpd::Step& step : steps) {
    const bool client = step.from == lpd::Step::From::Client;
    at = s.send(client ? Dir::ToServer : Dir::ToClient, bytesOf(step.bytes),
                at + microseconds(rng_.range(client ? 50 : 300, client ? 400 : 4000)),
                AckPolicy::Piggyback);
  }
  s.close(Dir::ToServer, at + milliseconds(rng_.range(1, 20)));
  w.truth().count("lpd.jobs");
  w.truth().countFor(id_, "print_jobs");
}

void Workstation::scanFrom(World& w, Timestamp at) {
  const WardPlan& ward = ctx_.profiles->ward;
  const uint32_t mask = ward.lan_prefix == 0 ? 0 : ~uint32_t{0} << (32 - ward.lan_prefix);
  sweep_next_ = (ward.lan_network & mask) + 1;
  sweep_last_ = (ward.lan_network | ~mask) - 1;
  scan_started_ = at;
  w.schedule(at, *this, kScanArp);
}

void Workstation::scanArpStep(World& w) {
  Timestamp at = w.now();
  for (size_t i = 0; i < kProbesPerStep && sweep_next_ <= sweep_last_; ++i, ++sweep_next_) {
    if (sweep_next_ == host_.ip) continue;
    if (w.net().arpProbe(host_, sweep_next_, at)) {
      live_.push_back(w.net().findByIp(sweep_next_));
    }
    ++probes_;
    at = at + microseconds(rng_.range(900, 1300));  // about a thousand probes a second
  }
  if (sweep_next_ <= sweep_last_) {
    w.schedule(at, *this, kScanArp);
    return;
  }
  TruthEvent e;
  e.at = scan_started_;
  e.scenario = "scan";
  e.action = "arp_sweep";
  e.device = id_;
  e.protocol = "arp";
  e.detail = {{"addresses", probes_}, {"live_hosts", live_.size()}};
  w.truth().addEvent(std::move(e));
  probe_next_ = 0;
  probes_ = 0;
  scan_started_ = at + milliseconds(rng_.range(200, 900));
  w.schedule(scan_started_, *this, kScanSyn);
}

void Workstation::scanSynStep(World& w) {
  constexpr size_t kPorts = std::size(kScanPorts);
  Timestamp at = w.now();
  const Timestamp step_start = at;
  for (size_t i = 0; i < kProbesPerStep && probe_next_ < live_.size() * kPorts;
       ++i, ++probe_next_) {
    Host& target = *live_[probe_next_ / kPorts];
    const uint16_t port = kScanPorts[probe_next_ % kPorts];
    const bool open = std::find(target.open_ports.begin(), target.open_ports.end(), port) !=
                      target.open_ports.end();
    const PortState state =
        open ? PortState::Open
             : (target.closed_ports == Host::ClosedPorts::Drop ? PortState::Filtered
                                                               : PortState::Closed);
    TcpSession probe(w.net(), w.frames(), rng_, host_, target, port, 0.0);
    probe.probe(at, state);
    ++probes_;
    at = at + microseconds(rng_.range(400, 800));
  }
  if (probe_next_ < live_.size() * kPorts) {
    w.schedule(later(at, step_start + microseconds(1)), *this, kScanSyn);
    return;
  }
  TruthEvent e;
  e.at = scan_started_;
  e.scenario = "scan";
  e.action = "syn_scan";
  e.device = id_;
  e.protocol = "tcp";
  nlohmann::ordered_json ports = nlohmann::ordered_json::array();
  for (uint16_t p : kScanPorts) ports.push_back(p);
  e.detail = {{"targets", live_.size()},
              {"ports", ports},
              {"probes", probes_},
              {"finished", formatIso8601(at)}};
  w.truth().addEvent(std::move(e));
}

void InterfaceEngine::feedEhr(Host& ehr, std::string ehr_id, uint16_t port, std::string application,
                              std::string facility) {
  ehr_ = std::make_unique<Hl7Link>(host_, ehr, port, ctx_.lossBetween(host_, ehr), rng_, id_,
                                   std::move(ehr_id));
  routed_.receiving_application = std::move(application);
  routed_.receiving_facility = std::move(facility);
}

void InterfaceEngine::onDelivered(World& w, const OruMessage& m, Timestamp at) {
  if (!ehr_) return;
  // The engine's channel rewrites the header (its own application, the EHR as receiver, a new
  // control id) and keeps the patient and the observations.
  const std::string receiving_app = routed_.receiving_application;
  const std::string receiving_fac = routed_.receiving_facility;
  routed_ = m;
  routed_.receiving_application = receiving_app;
  routed_.receiving_facility = receiving_fac;
  routed_.sending_application = profile_.hl7.application;
  routed_.sending_facility = profile_.hl7.facility;
  routed_.control_id = profile_.hl7.application + std::to_string(++routed_control_);
  routed_.device_code.clear();
  const Timestamp when = at + microseconds(rng_.range(2'000, 25'000));
  routed_.time = when;
  ehr_->exchange(w, routed_, when);
  w.truth().countFor(id_, "hl7_routed_to_ehr");
}

void InterfaceEngine::exfiltrateFrom(World& w, Host& drop, std::string drop_id, uint16_t port,
                                     std::vector<BedsideMonitor*> sources, Timestamp at) {
  drop_ = &drop;
  sources_ = std::move(sources);
  exfil_ =
      std::make_unique<Hl7Link>(host_, drop, port, ctx_.wan_loss, rng_, id_, std::move(drop_id));
  msg_.dialect = Hl7Dialect::Loinc;
  msg_.version = "2.5.1";
  msg_.sending_application = profile_.hl7.application;
  msg_.sending_facility = profile_.hl7.facility;
  msg_.receiving_application = "RCV";
  msg_.receiving_facility = "EXT";
  msg_.zone = Hl7Zone::Utc;
  msg_.unit = ctx_.unit;
  w.schedule(at, *this, kExfil);
}

void InterfaceEngine::onTimer(World& w, uint32_t tag) {
  if (tag != kExfil || sources_.empty()) return;
  Timestamp at = w.now();
  size_t sent = 0;
  for (BedsideMonitor* m : sources_) {
    if (!m->lastVitals()) continue;
    vitalsObservations(msg_.dialect, *m->lastVitals(), at, msg_.observations);
    msg_.patient = &m->patient();
    msg_.bed = m->bed();
    msg_.time = at;
    msg_.control_id = "X" + std::to_string(++control_);
    at = exfil_->exchange(w, msg_, at) + microseconds(rng_.range(100, 900));
    ++sent;
  }
  exfil_->close(at + milliseconds(rng_.range(10, 100)));
  if (first_ && sent > 0) {
    TruthEvent e;
    e.at = w.now();
    e.scenario = "phi-exfil";
    e.action = "hl7_to_internet";
    e.device = id_;
    e.peer_ip = ipToString(drop_->ip);
    e.peer_port = exfil_->port();
    e.protocol = "hl7";
    e.detail = {{"carries", "ORU^R01 with PID-3 id, PID-5 name, PID-7 birth date"},
                {"repeats_every_s", 180}};
    w.truth().addEvent(std::move(e));
    first_ = false;
  }
  w.truth().countFor(id_, "exfil_messages", sent);
  w.schedule(w.now() + jitter(180, 0.3), *this, kExfil);
}

}  // namespace medtap::simulate
