#include "detect/baseline_detector.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include <fmt/format.h>

#include "events/ends.h"

namespace medtap::detect {

namespace {

constexpr int64_t kHourNs = 3600 * Timestamp::kNsPerSec;
// Hour buckets one flow's bytes are spread over at most (a flow longer than a month is folded
// into its last buckets' share, which only lowers a spike).
constexpr int64_t kMaxFlowBuckets = 24 * 31;
// Learning buckets are folded into the profile once no flow is likely to add to them: an hour
// after they end (or at the end of the run).
constexpr int64_t kFoldAfterNs = kHourNs;
// Hours after learning are compared at every update while they may still grow (open flows report
// their bytes every few minutes, short ones when they end), then dropped.
constexpr int64_t kVolumeKeepNs = 3 * kHourNs;
// Scan windows are kept this long after they end: probe flows are reported when they time out.
constexpr int64_t kScanKeepNs = 10 * 60 * Timestamp::kNsPerSec;
// A DNS name longer than this is not one (RFC 1035: 253 characters in presentation form).
constexpr size_t kMaxDnsName = 253;

enum : uint32_t {
  kNewPeerId = 9000401,
  kNewProtocolId = 9000402,
  kNewPortId = 9000403,
  kVolumeSpikeId = 9000404,
  kNewHourId = 9000405,
  kScanId = 9000410,
  kArpSweepId = 9000411,
  kNewDnsNameId = 9000412,
};

// Addresses that are one host: not broadcast, multicast, loopback, link-local or unspecified.
bool unicast(const IpAddress& ip) {
  if (ip.family() == IpFamily::None) return false;
  if (ip.isV4()) {
    const uint32_t a = ip.v4HostOrder();
    const uint32_t top = a >> 24;
    return top != 0 && top != 127 && top < 224 && (a >> 16) != 0xA9FE;
  }
  const auto& b = ip.bytes();
  if (b[0] == 0xFF || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)) return false;
  return std::any_of(b.begin(), b.begin() + 15, [](uint8_t v) { return v != 0; });
}

int64_t floorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

std::string durationText(int64_t ns) {
  const int64_t s = ns / Timestamp::kNsPerSec;
  if (s >= 86400) return fmt::format("{}d{}h", s / 86400, s % 86400 / 3600);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
  return fmt::format("{}m{:02}s", s / 60, s % 60);
}

std::string bytesText(double b) {
  if (b >= 1e9) return fmt::format("{:.1f} GB", b / 1e9);
  if (b >= 1e6) return fmt::format("{:.1f} MB", b / 1e6);
  if (b >= 1e3) return fmt::format("{:.1f} KB", b / 1e3);
  return fmt::format("{:.0f} B", b);
}

std::string_view kindNoun(ProfileKind k) {
  switch (k) {
    case ProfileKind::Peer:
      return "external peers";
    case ProfileKind::Port:
      return "listening ports";
    case ProfileKind::Protocol:
      return "protocols";
    case ProfileKind::DnsName:
      return "DNS names";
  }
  return "";
}

}  // namespace

bool medicalClass(std::string_view device_class) {
  static constexpr std::string_view kMedical[] = {"patient-monitor", "central-station",
                                                  "infusion-pump",   "imaging-modality",
                                                  "ventilator",      "lab-analyzer"};
  return std::find(std::begin(kMedical), std::end(kMedical), device_class) != std::end(kMedical);
}

BaselineDetector::BaselineDetector(const DetectOptions& options) : options_(options) {
  // Suffixes compare as the names do: lower case, without the dots at either end.
  for (std::string& s : options_.dns_allowlist) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    while (!s.empty() && s.front() == '.') s.erase(s.begin());
    while (!s.empty() && s.back() == '.') s.pop_back();
  }
}

// A name equal to an allowed suffix or under it (label by label: "evil-local" is not ".local").
bool BaselineDetector::dnsAllowed(const std::string& name) const {
  std::string_view n = name;
  while (!n.empty() && n.back() == '.') n.remove_suffix(1);
  for (const std::string& s : options_.dns_allowlist) {
    if (s.empty()) continue;
    if (n == s) return true;
    if (n.size() > s.size() && n.ends_with(s) && n[n.size() - s.size() - 1] == '.') return true;
  }
  return false;
}

bool BaselineDetector::learning(Timestamp t) const {
  switch (options_.learn.mode) {
    case LearnWindow::Mode::Off:
      return false;
    case LearnWindow::Mode::All:
      return true;
    case LearnWindow::Mode::For:
      return t < origin_ + options_.learn.length;
  }
  return false;
}

BaselineDetector::Pending* BaselineDetector::pendingFor(const IpAddress& ip) {
  auto it = pending_.find(ip);
  if (it != pending_.end()) return &it->second;
  if (pending_.size() >= kMaxPendingAddresses) {
    ++dropped_;
    return nullptr;
  }
  return &pending_[ip];
}

void BaselineDetector::observe(const IpAddress& ip, bool learn, ProfileKind kind, std::string value,
                               Timestamp at, const events::FlowRef& flow, const IpAddress& peer,
                               uint16_t port) {
  Pending* p = pendingFor(ip);
  if (p == nullptr) return;
  auto& into = learn ? p->learn : p->detect;
  ObsKey key{kind, std::move(value)};
  auto it = into.find(key);
  if (it == into.end()) {
    if (into.size() >= kMaxPendingPerAddress) {
      ++dropped_;
      return;
    }
    it = into.emplace(std::move(key), Observation{at, flow, peer, port, 0}).first;
  }
  Observation& o = it->second;
  if (at < o.at) {
    o.at = at;
    o.flow = flow;
    o.peer = peer;
    o.port = port;
  }
  ++o.count;
}

void BaselineDetector::emit(const events::Event& e) {
  Timestamp t = e.ts;
  if (const auto* f = std::get_if<events::FlowRecord>(&e.body)) t = std::min(t, f->start);
  if (const auto* p = std::get_if<events::FlowProgress>(&e.body)) t = std::min(t, p->since);
  if (!started_ || t < origin_) {
    // The baseline's clock starts at the first packet; later events only move it back a little
    // (a flow reported at its end), before anything has been decided.
    if (!started_) origin_ = t;
    if (t < origin_ && pending_.empty()) origin_ = t;
    started_ = true;
  }
  now_ = std::max(now_, e.ts);
  if (const auto* s = std::get_if<events::ArpSweep>(&e.body)) {
    onArpSweep(*s);
    return;
  }
  if (!e.flow) return;
  if (const auto* f = std::get_if<events::FlowRecord>(&e.body)) {
    onFlow(e, *f);
    return;
  }
  if (const auto* p = std::get_if<events::FlowProgress>(&e.body)) {
    onFlowProgress(*e.flow, *p);
    return;
  }
  if (std::holds_alternative<events::AlertRecord>(e.body) ||
      std::holds_alternative<events::DeviceRecord>(e.body)) {
    return;
  }
  if (const auto* m = std::get_if<events::DnsMessage>(&e.body)) onDns(e, *m);
  onApplicationEvent(e);
}

// An application event says, as it happens, what its flow's record will say only when the flow
// ends: a stream open all day (HL7, the Contec stream) teaches its peers and protocol at once.
void BaselineDetector::onApplicationEvent(const events::Event& e) {
  const events::FlowRef& flow = *e.flow;
  const IpAddress &orig = flow.src_ip, &resp = flow.dest_ip;
  if (!unicast(orig) || !unicast(resp)) return;
  const bool learn = learning(e.ts);
  observe(orig, learn, ProfileKind::Peer, resp.toString(), e.ts, flow, resp, flow.dest_port);
  observe(resp, learn, ProfileKind::Peer, orig.toString(), e.ts, flow, orig, flow.dest_port);
  if (!flow.app_proto.empty()) {
    observe(orig, learn, ProfileKind::Protocol, std::string(flow.app_proto), e.ts, flow, resp,
            flow.dest_port);
    observe(resp, learn, ProfileKind::Protocol, std::string(flow.app_proto), e.ts, flow, orig,
            flow.dest_port);
  }
  if (e.direction == events::Direction::ToClient && (flow.proto == 6 || flow.proto == 17)) {
    observe(resp, learn, ProfileKind::Port,
            fmt::format("{}/{}", flow.proto == 6 ? "tcp" : "udp", flow.dest_port), e.ts, flow, orig,
            flow.dest_port);
  }
}

void BaselineDetector::onFlow(const events::Event& e, const events::FlowRecord& f) {
  const events::FlowRef& flow = *e.flow;
  const IpAddress &orig = flow.src_ip, &resp = flow.dest_ip;
  if (flow.proto == 6) noteScanProbe(flow, f);
  if (!unicast(orig)) return;
  const bool learn = learning(f.start);
  const bool answered = f.pkts_toclient > 0 && unicast(resp);
  observe(orig, learn, ProfileKind::Peer, resp.toString(), f.start, flow, resp, flow.dest_port);
  if (answered) {
    observe(resp, learn, ProfileKind::Peer, orig.toString(), f.start, flow, orig, flow.dest_port);
  }
  if (!flow.app_proto.empty()) {
    observe(orig, learn, ProfileKind::Protocol, std::string(flow.app_proto), f.start, flow, resp,
            flow.dest_port);
    if (answered) {
      observe(resp, learn, ProfileKind::Protocol, std::string(flow.app_proto), f.start, flow, orig,
              flow.dest_port);
    }
  }
  // Listening: the responder answered, and over TCP a connection carried something (a SYN
  // answered by a reset, or a scanner's half-open probe, is not a service in use).
  const bool listening =
      answered && (flow.proto == 17 || (flow.proto == 6 && f.pkts_toserver >= 2 &&
                                        f.pkts_toserver + f.pkts_toclient >= 4));
  if (listening) {
    observe(resp, learn, ProfileKind::Port,
            fmt::format("{}/{}", flow.proto == 6 ? "tcp" : "udp", flow.dest_port), f.start, flow,
            orig, flow.dest_port);
  }
  // What flow_progress events already counted is not counted again: the rest happened after.
  const Timestamp from = f.progress_bytes > 0 ? std::max(f.start, f.progress_until) : f.start;
  const double rest =
      f.progress_bytes < f.bytes_toserver + f.bytes_toclient
          ? static_cast<double>(f.bytes_toserver + f.bytes_toclient - f.progress_bytes)
          : 0.0;
  if (Pending* p = pendingFor(orig)) noteActivity(*p, from, f.end, rest, flow);
  if (answered) {
    if (Pending* p = pendingFor(resp)) noteActivity(*p, from, f.end, rest, flow);
  }
}

// An open flow's bytes since its last report, counted into the hours they passed in.
void BaselineDetector::onFlowProgress(const events::FlowRef& flow, const events::FlowProgress& p) {
  if (!unicast(flow.src_ip)) return;
  const double bytes = static_cast<double>(p.bytes);
  if (Pending* pend = pendingFor(flow.src_ip)) noteActivity(*pend, p.since, p.until, bytes, flow);
  if (p.pkts_toclient > 0 && unicast(flow.dest_ip)) {
    if (Pending* pend = pendingFor(flow.dest_ip)) {
      noteActivity(*pend, p.since, p.until, bytes, flow);
    }
  }
}

void BaselineDetector::noteActivity(Pending& p, Timestamp start, Timestamp end, double bytes,
                                    const events::FlowRef& flow) {
  if (!p.any_flow) p.any_flow = flow;
  if (end < start) end = start;
  // Bytes per hour: a flow's bytes spread evenly over the hours it lasted, so that a stream
  // open all day (HL7, the Contec stream) is not counted into the hour it ended in.
  const int64_t b0 = floorDiv((start - origin_).ns, kHourNs);
  int64_t b1 = floorDiv((end - origin_).ns, kHourNs);
  b1 = std::min(b1, b0 + kMaxFlowBuckets);
  const double span = static_cast<double>(std::max<int64_t>((end - start).ns, 1));
  for (int64_t b = b0; b <= b1; ++b) {
    const int64_t lo = std::max(start.ns, origin_.ns + b * kHourNs);
    const int64_t hi = std::min(end.ns, origin_.ns + (b + 1) * kHourNs);
    const double share = b0 == b1 ? 1.0 : static_cast<double>(std::max<int64_t>(hi - lo, 0)) / span;
    p.bytes[b] += bytes * share;
  }
  // Hours of the day (UTC) the device was active in.
  for (int64_t h = floorDiv(start.ns, kHourNs), n = 0; h * kHourNs <= end.ns && n < 24; ++h, ++n) {
    const Timestamp t{std::max(start.ns, h * kHourNs)};
    const int hour = static_cast<int>(((h % 24) + 24) % 24);
    if (learning(t)) {
      p.learn_hours |= uint32_t{1} << hour;
    } else {
      p.detect_hours.try_emplace(hour, Observation{t, flow, {}, 0, 1});
    }
  }
}

void BaselineDetector::onDns(const events::Event& e, const events::DnsMessage& m) {
  if (m.qr()) return;
  const events::Ends ends = events::endsOf(e);
  if (!unicast(ends.sender.ip)) return;
  for (const auto& q : m.questions) {
    if (q.rrname.empty() || q.rrname.size() > kMaxDnsName) continue;
    std::string name = q.rrname;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    observe(ends.sender.ip, learning(e.ts), ProfileKind::DnsName, std::move(name), e.ts, *e.flow,
            ends.receiver.ip, ends.receiver.port);
  }
}

// The analyzer reports windows from a floor (analyzers/arp/limits.h); the site's thresholds are
// applied here.
void BaselineDetector::onArpSweep(const events::ArpSweep& s) {
  if (s.targets < options_.arp_sweep_min_targets ||
      s.unanswered < options_.arp_sweep_min_unanswered) {
    return;
  }
  if (sweeps_.size() >= kMaxPendingSweeps) {
    ++dropped_;
    return;
  }
  sweeps_.push_back(s);
}

void BaselineDetector::noteScanProbe(const events::FlowRef& flow, const events::FlowRecord& f) {
  auto it = scans_.find(flow.src_ip);
  if (it == scans_.end()) {
    if (scans_.size() >= kMaxScanSources) {
      ++dropped_;
      return;
    }
    it = scans_.emplace(flow.src_ip, std::map<int64_t, ScanWindow>{}).first;
  }
  ScanWindow& w = it->second[floorDiv(f.start.ns, kScanWindowNs)];
  ++w.tcp_flows;
  // A probe: at most a SYN and a reset one way and one answer the other, so no data moved.
  const bool probe = f.pkts_toserver <= 2 && f.pkts_toclient <= 1;
  if (!probe) return;
  if (w.probe_flows == 0 || f.start < w.first_probe) {
    w.first_probe = f.start;
    w.probe_flow = flow;
  }
  ++w.probe_flows;
  if (f.pkts_toclient == 0) ++w.unanswered;
  if (w.probes.size() < kMaxScanProbeKeys) {
    w.probes.emplace(flow.dest_ip, flow.dest_port);
    w.hosts.insert(flow.dest_ip);
    w.ports.insert(flow.dest_port);
  }
}

bool BaselineDetector::profiled(const DeviceIndex& devices, const IpAddress& ip) const {
  const AddressInfo* info = devices.find(ip);
  return info != nullptr && (info->locality == "local" || inAny(options_.site_networks, ip));
}

bool BaselineDetector::external(const DeviceIndex& devices, const IpAddress& ip) const {
  if (!unicast(ip) || inAny(options_.site_networks, ip)) return false;
  const AddressInfo* info = devices.find(ip);
  return info == nullptr || info->locality != "local";
}

void BaselineDetector::decide(const DeviceIndex& devices, bool final, events::EventSink& out) {
  if (!loaded_) {
    loaded_ = true;
    if (!options_.baseline_database.empty()) {
      auto store = BaselineStore::open(options_.baseline_database);
      auto stored = store ? store.value()->load() : Result<Baseline>(Error{store.error()});
      if (!stored) {
        std::fprintf(stderr, "medtap: error: %s; the baseline is not kept\n",
                     stored.error().c_str());
      } else {
        baseline_.merge(stored.value());
        store_ = std::move(store.value());
      }
    }
    for (const auto& [id, p] : baseline_.devices) stored_learned_ns_[id] = p.learned_ns;
  }
  learnPending(devices, final);
  detectPending(devices, final, out);
  checkVolumes(final, out);
  checkScans(devices, final, out);
  checkArpSweeps(devices, final, out);
  limiter_.flushNotes(now_, final, out);
  if (dirty_ && store_) save();
}

void BaselineDetector::learnPending(const DeviceIndex& devices, bool final) {
  const int64_t span = options_.learn.mode == LearnWindow::Mode::Off
                           ? 0
                           : (options_.learn.mode == LearnWindow::Mode::All
                                  ? (now_ - origin_).ns
                                  : std::min((now_ - origin_).ns, options_.learn.length.ns));
  for (auto it = pending_.begin(); it != pending_.end();) {
    const AddressInfo* info = devices.find(it->first);
    if (info == nullptr && !final) {
      ++it;
      continue;
    }
    if (!profiled(devices, it->first)) {
      it = pending_.erase(it);
      continue;
    }
    Pending& p = it->second;
    const std::string& id = info->device_id;
    class_of_[id] = info->device_class;
    if (!p.learn.empty() || p.learn_hours != 0) {
      Profile& dev = baseline_.devices[id];
      Profile* cls =
          info->device_class == "unknown" ? nullptr : &baseline_.classes[info->device_class];
      for (const auto& [key, o] : p.learn) {
        if (key.first == ProfileKind::Peer && !external(devices, o.peer)) continue;
        dev.learn(key.first, key.second, profileCap(key.first, false));
        if (cls != nullptr) cls->learn(key.first, key.second, profileCap(key.first, true));
      }
      dev.hours_of_day |= p.learn_hours;
      if (cls != nullptr) cls->hours_of_day |= p.learn_hours;
      learned_this_run_.insert(id);
      dirty_ = true;
      p.learn.clear();
      p.learn_hours = 0;
    }
    Volume& v = volumes_[id];
    for (const auto& [b, bytes] : p.bytes) v.bytes[b] += bytes;
    p.bytes.clear();
    v.ip = it->first;
    if (p.any_flow) v.flow = *p.any_flow;
    ++it;
  }
  for (const auto& id : learned_this_run_) {
    baseline_.devices[id].learned_ns = stored_learned_ns_[id] + span;
  }
}

std::string BaselineDetector::learnedFor(const std::string& device_id) const {
  auto it = baseline_.devices.find(device_id);
  const int64_t ns = it == baseline_.devices.end() ? 0 : it->second.learned_ns;
  return durationText(ns);
}

void BaselineDetector::detectPending(const DeviceIndex& devices, bool final,
                                     events::EventSink& out) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    const AddressInfo* info = devices.find(it->first);
    if (info == nullptr && !final) {
      ++it;
      continue;
    }
    Pending& p = it->second;
    auto dev_it = baseline_.devices.find(info->device_id);
    if (dev_it == baseline_.devices.end()) {
      // Nothing learned about this device: nothing to compare with (a device new to the site is
      // the inventory's news, not an anomaly of every peer it has). While this run learns, what
      // it learned may still be reported late (a flow open since the start): wait for the end.
      if (final || options_.learn.mode == LearnWindow::Mode::Off) {
        it = pending_.erase(it);
      } else {
        ++it;
      }
      continue;
    }
    const Profile& dev = dev_it->second;
    auto cls_it = baseline_.classes.find(info->device_class);
    const Profile* cls = cls_it == baseline_.classes.end() ? nullptr : &cls_it->second;
    for (const auto& [key, o] : p.detect) {
      const auto& [kind, value] = key;
      // A DNS name alerts only for a medical device, and only when its class never asked either.
      const bool dns = kind == ProfileKind::DnsName;
      if (dns && (!medicalClass(info->device_class) || dnsAllowed(value))) continue;
      if (kind == ProfileKind::Peer && !external(devices, o.peer)) continue;
      if (dev.knows(kind, value) || dev.set(kind).overflowed) continue;
      const bool new_for_class = cls == nullptr || !cls->knows(kind, value);
      if (dns && (!new_for_class || (cls != nullptr && cls->set(kind).overflowed))) continue;
      events::AlertRecord a;
      a.category = "anomaly";
      a.severity = new_for_class && !dns ? 2 : 3;
      a.device_id = info->device_id;
      a.device_ip = it->first;
      a.count = o.count;
      a.first_seen = o.at;
      a.last_seen = o.at;
      const bool outbound = o.flow.src_ip == it->first;
      switch (kind) {
        case ProfileKind::Peer:
          a.signature_id = kNewPeerId;
          a.signature = "MEDTAP New external peer for a device";
          a.attack = {"T0885 Commonly Used Port", "T0869 Standard Application Layer Protocol"};
          a.evidence.emplace_back(outbound ? "destination" : "source",
                                  outbound ? fmt::format("{}:{}", value, o.port) : value);
          a.evidence.emplace_back(
              "destination_locality",
              std::string(devices.find(o.peer) != nullptr ? devices.find(o.peer)->locality
                                                          : std::string_view("unknown")));
          break;
        case ProfileKind::Protocol:
          a.signature_id = kNewProtocolId;
          a.signature = "MEDTAP New protocol for a device";
          a.evidence.emplace_back(
              "destination", fmt::format("{}:{}", o.flow.dest_ip.toString(), o.flow.dest_port));
          break;
        case ProfileKind::Port:
          a.signature_id = kNewPortId;
          a.signature = "MEDTAP New listening port on a device";
          a.evidence.emplace_back("client", o.peer.toString());
          break;
        case ProfileKind::DnsName:
          a.signature_id = kNewDnsNameId;
          a.signature = "MEDTAP New DNS name asked by a medical device";
          a.attack = {"T0869 Standard Application Layer Protocol"};
          a.evidence.emplace_back("resolver", o.peer.toString());
          break;
      }
      if (!o.flow.app_proto.empty()) {
        a.evidence.emplace_back("app_proto", std::string(o.flow.app_proto));
      }
      a.evidence.emplace_back("observed", value);
      a.evidence.emplace_back(
          "baseline",
          fmt::format("device {}: {} {} learned over {}{}", info->device_id,
                      dev.set(kind).values.size(), kindNoun(kind), learnedFor(info->device_id),
                      cls == nullptr ? std::string()
                                     : fmt::format("; class {}: {}", info->device_class,
                                                   cls->set(kind).values.size())));
      a.evidence.emplace_back("new_for_class", new_for_class ? "yes" : "no");
      raise(std::move(a), o.at, &o.flow, std::string(profileKindName(kind)) + ":" + value, out);
    }
    if (dev.learned_ns >= kMinLearnForHoursNs) {
      for (const auto& [hour, o] : p.detect_hours) {
        if ((dev.hours_of_day >> hour) & 1) continue;
        events::AlertRecord a;
        a.signature_id = kNewHourId;
        a.signature = "MEDTAP Device active at an hour of the day it never was while learning";
        a.category = "anomaly";
        a.severity = 3;
        a.device_id = info->device_id;
        a.device_ip = it->first;
        a.first_seen = a.last_seen = o.at;
        std::string hours;
        for (int h = 0; h < 24; ++h) {
          if ((dev.hours_of_day >> h) & 1) hours += (hours.empty() ? "" : ",") + std::to_string(h);
        }
        a.evidence.emplace_back("observed", fmt::format("active in UTC hour {:02}:00", hour));
        a.evidence.emplace_back("baseline", fmt::format("UTC hours {} learned over {}", hours,
                                                        learnedFor(info->device_id)));
        raise(std::move(a), o.at, &o.flow, "hour:" + std::to_string(hour), out);
      }
    }
    it = pending_.erase(it);
  }
}

void BaselineDetector::checkVolumes(bool final, events::EventSink& out) {
  const bool learns = options_.learn.mode != LearnWindow::Mode::Off;
  const bool learns_all = options_.learn.mode == LearnWindow::Mode::All;
  const int64_t learn_end = origin_.ns + options_.learn.length.ns;
  for (auto& [id, v] : volumes_) {
    auto dev_it = baseline_.devices.find(id);
    if (dev_it == baseline_.devices.end()) continue;
    Profile& dev = dev_it->second;
    for (const auto& [b, bytes] : v.bytes) {
      const int64_t start = origin_.ns + b * kHourNs, end = start + kHourNs;
      if (learns && (learns_all || end <= learn_end)) {
        if (v.folded.count(b) == 0 && (final || end + kFoldAfterNs <= now_.ns)) {
          dev.volume.add(bytes);
          auto cls = class_of_.find(id);
          if (cls != class_of_.end() && cls->second != "unknown") {
            baseline_.classes[cls->second].volume.add(bytes);
          }
          v.folded.insert(b);
          dirty_ = true;
        }
      }
    }
    if (learns_all || dev.volume.hours == 0) continue;
    const double mean = dev.volume.mean, sd = dev.volume.stddev();
    const double threshold =
        std::max({kSpikeFactor * mean, mean + kSpikeSigmas * sd, kSpikeMinBytes});
    for (const auto& [b, bytes] : v.bytes) {
      const int64_t start = origin_.ns + b * kHourNs;
      if ((learns && start < learn_end) || bytes <= threshold) continue;
      events::AlertRecord a;
      a.signature_id = kVolumeSpikeId;
      a.signature = "MEDTAP Hourly traffic volume far above the device's learned baseline";
      a.category = "anomaly";
      a.severity = 3;
      a.device_id = id;
      a.device_ip = v.ip;
      a.first_seen = Timestamp{start};
      a.last_seen = Timestamp{start + kHourNs};
      a.evidence.emplace_back("observed", bytesText(bytes) + " in the hour");
      a.evidence.emplace_back(
          "baseline", fmt::format("mean {}/h, stddev {}/h over {} learned hours", bytesText(mean),
                                  bytesText(sd), dev.volume.hours));
      a.evidence.emplace_back(
          "ratio", mean > 0 ? fmt::format("{:.1f}x the learned hourly mean", bytes / mean)
                            : std::string("no bytes learned"));
      a.evidence.emplace_back("window", formatIso8601(Timestamp{start}) + " + 1h");
      raise(std::move(a), Timestamp{start}, nullptr, "hour:" + std::to_string(b), out);
    }
  }
  pruneVolumes(learns, learns_all, learn_end);
}

// A live sensor runs for months: hours that are folded into the profile, or were compared and
// can no longer grow much, are dropped, so that each device keeps a few hours of buckets.
void BaselineDetector::pruneVolumes(bool learns, bool learns_all, int64_t learn_end) {
  for (auto& [id, v] : volumes_) {
    for (auto it = v.bytes.begin(); it != v.bytes.end();) {
      const int64_t b = it->first;
      const int64_t end = origin_.ns + (b + 1) * kHourNs;
      const bool learning_bucket = learns && (learns_all || end <= learn_end);
      const bool done = learning_bucket ? v.folded.count(b) != 0 : end + kVolumeKeepNs <= now_.ns;
      if (done) {
        it = v.bytes.erase(it);
      } else {
        ++it;
      }
    }
  }
}

void BaselineDetector::checkScans(const DeviceIndex& devices, bool final, events::EventSink& out) {
  for (auto src_it = scans_.begin(); src_it != scans_.end();) {
    const AddressInfo* info = devices.find(src_it->first);
    auto& windows = src_it->second;
    if (info != nullptr || final) {
      const ScanWindow* prev = nullptr;
      int64_t prev_b = 0;
      for (const auto& [b, w] : windows) {
        const ScanWindow* p = prev != nullptr && prev_b == b - 1 ? prev : nullptr;
        const size_t probes = w.probes.size() + (p ? p->probes.size() : 0);
        const uint64_t tcp = w.tcp_flows + (p ? p->tcp_flows : 0);
        const uint64_t probe_flows = w.probe_flows + (p ? p->probe_flows : 0);
        const uint64_t unanswered = w.unanswered + (p ? p->unanswered : 0);
        std::set<IpAddress> hosts = w.hosts;
        std::set<uint16_t> ports = w.ports;
        if (p) {
          hosts.insert(p->hosts.begin(), p->hosts.end());
          ports.insert(p->ports.begin(), p->ports.end());
        }
        prev = &w;
        prev_b = b;
        if (probes < kScanMinProbes ||
            static_cast<double>(probe_flows) < kScanMinProbeShare * static_cast<double>(tcp) ||
            (hosts.size() < kScanMinTargets && ports.size() < kScanMinTargets)) {
          continue;
        }
        const ScanWindow& first = p != nullptr && p->probe_flows > 0 ? *p : w;
        events::AlertRecord a;
        a.signature_id = kScanId;
        a.signature = "MEDTAP Network scan: one source probing many hosts or ports";
        a.category = "anomaly";
        a.severity = 2;
        a.attack = {"T0846 Remote System Discovery", "T0888 Remote System Information Discovery"};
        a.device_id = info != nullptr ? info->device_id : "ip:" + src_it->first.toString();
        a.device_ip = src_it->first;
        a.count = probe_flows;
        a.first_seen = first.first_probe;
        a.last_seen = Timestamp{(b + 1) * kScanWindowNs};
        a.evidence.emplace_back("observed",
                                fmt::format("{} host:port probes to {} hosts on {} ports", probes,
                                            hosts.size(), ports.size()));
        a.evidence.emplace_back(
            "unanswered", fmt::format("{} of {} probes had no answer; {} of {} TCP flows were "
                                      "probes",
                                      unanswered, probe_flows, probe_flows, tcp));
        a.evidence.emplace_back(
            "baseline",
            fmt::format("none needed: a scan is {}+ probes in {} with {:.0f}% of the "
                        "source's TCP flows probes",
                        kScanMinProbes, durationText(2 * kScanWindowNs), 100 * kScanMinProbeShare));
        a.evidence.emplace_back(
            "window", formatIso8601(first.first_probe) + " + " + durationText(2 * kScanWindowNs));
        const int64_t hour = floorDiv(first.first_probe.ns, kHourNs);
        raise(std::move(a), first.first_probe, &first.probe_flow, "scan:" + std::to_string(hour),
              out);
      }
    }
    // Windows whose probes have all been reported by now are done with.
    for (auto w = windows.begin(); w != windows.end();) {
      if (final || (w->first + 2) * kScanWindowNs + kScanKeepNs < now_.ns) {
        w = windows.erase(w);
      } else {
        ++w;
      }
    }
    src_it = windows.empty() ? scans_.erase(src_it) : std::next(src_it);
  }
}

void BaselineDetector::checkArpSweeps(const DeviceIndex& devices, bool final,
                                      events::EventSink& out) {
  for (auto it = sweeps_.begin(); it != sweeps_.end();) {
    const AddressInfo* info = devices.find(it->sender_ip);
    if (info == nullptr && !final) {
      ++it;
      continue;
    }
    const events::ArpSweep& s = *it;
    events::AlertRecord a;
    a.signature_id = kArpSweepId;
    a.signature = "MEDTAP ARP sweep: one host asking for many addresses of the LAN";
    a.category = "anomaly";
    a.severity = 2;
    a.attack = {"T0846 Remote System Discovery"};
    a.device_id = info != nullptr ? info->device_id : "ip:" + s.sender_ip.toString();
    a.device_ip = s.sender_ip;
    a.count = s.requests;
    a.first_seen = s.first;
    a.last_seen = s.last;
    a.evidence.emplace_back(
        "observed", fmt::format("{}{} addresses ARP-requested in {}, {} of them never answered",
                                s.targets, s.targets_capped ? "+" : "",
                                durationText((s.last - s.first).ns), s.unanswered));
    a.evidence.emplace_back("targets", fmt::format("{} to {}", s.lowest_target.toString(),
                                                   s.highest_target.toString()));
    a.evidence.emplace_back("sender_mac", s.sender_mac.toString());
    a.evidence.emplace_back(
        "baseline", fmt::format("none needed: a sweep is {}+ addresses requested within a minute, "
                                "{}+ of them unanswered",
                                options_.arp_sweep_min_targets, options_.arp_sweep_min_unanswered));
    a.evidence.emplace_back("window",
                            formatIso8601(s.first) + " + " + durationText((s.last - s.first).ns));
    const int64_t hour = floorDiv(s.first.ns, kHourNs);
    raise(std::move(a), s.first, nullptr, "arp-sweep:" + std::to_string(hour), out);
    it = sweeps_.erase(it);
  }
}

void BaselineDetector::raise(events::AlertRecord a, Timestamp at, const events::FlowRef* flow,
                             const std::string& key, events::EventSink& out) {
  if (!limiter_.admit(a.device_id, a.device_ip, a.signature_id, key, at)) return;
  out.emit(events::Event{at, flow != nullptr ? std::optional(*flow) : std::nullopt, std::move(a)});
}

void BaselineDetector::save() {
  if (auto s = store_->save(baseline_); !s) {
    std::fprintf(stderr, "medtap: error: %s\n", s.error().c_str());
    return;
  }
  dirty_ = false;
}

}  // namespace medtap::detect
