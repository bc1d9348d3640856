// The anomaly baseline: each kind of anomaly fires against what was learned and not against what
// was; scans need no baseline; one alert per device, kind and key; a noisy device is rate
// limited into one note; the store keeps a baseline across runs.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "detect/baseline_detector.h"
#include "detect/baseline_store.h"

namespace medtap::detect {
namespace {

IpAddress ip(const char* s) {
  return *IpAddress::parse(s);
}
Timestamp at(int64_t sec) {
  return Timestamp::fromSeconds(1764000000 + sec);
}
constexpr int64_t kHour = 3600;

struct Collect final : events::EventSink {
  std::vector<events::AlertRecord> alerts;
  void emit(const events::Event& e) override {
    if (auto* a = std::get_if<events::AlertRecord>(&e.body)) alerts.push_back(*a);
  }
  size_t count(uint32_t id) const {
    size_t n = 0;
    for (const auto& a : alerts) n += a.signature_id == id;
    return n;
  }
  const events::AlertRecord* find(uint32_t id, std::string_view device = {}) const {
    for (const auto& a : alerts) {
      if (a.signature_id == id && (device.empty() || a.device_id == device)) return &a;
    }
    return nullptr;
  }
};

std::string evidence(const events::AlertRecord& a, std::string_view key) {
  for (const auto& [k, v] : a.evidence) {
    if (k == key) return v;
  }
  return {};
}

// A finished flow: `pkts` each way (0 back: unanswered), `bytes` in all.
events::Event flow(const char* src, const char* dst, uint16_t port, std::string_view app,
                   int64_t start, int64_t end, uint64_t bytes = 2000, uint64_t pkts = 5,
                   uint8_t proto = 6) {
  events::FlowRef f;
  f.id = static_cast<uint64_t>(start) * 131 + port;
  f.src_ip = ip(src);
  f.dest_ip = ip(dst);
  f.src_port = 40000;
  f.dest_port = port;
  f.proto = proto;
  f.app_proto = app;
  events::FlowRecord r;
  r.pkts_toserver = pkts == 0 ? 1 : pkts;
  r.pkts_toclient = pkts;
  r.bytes_toserver = bytes / 2;
  r.bytes_toclient = bytes - bytes / 2;
  r.start = at(start);
  r.end = at(end);
  r.state = "closed";
  return events::Event{at(end), f, r};
}

events::DeviceRecord device(const char* id, const char* addr, std::string_view locality,
                            const char* cls) {
  events::DeviceRecord d;
  d.id = id;
  d.device_class = cls;
  events::DeviceAddress a;
  a.ip = ip(addr);
  a.locality = locality;
  d.addresses.push_back(a);
  return d;
}

// A ward: two monitors, the central station, a workstation, and internet hosts behind the router.
DeviceIndex ward() {
  std::vector<events::DeviceRecord> d = {
      device("mac:m1", "10.1.0.11", "local", "patient-monitor"),
      device("mac:m2", "10.1.0.12", "local", "patient-monitor"),
      device("mac:cs", "10.1.0.5", "local", "central-station"),
      device("mac:ws", "10.1.0.30", "local", "workstation"),
      device("ip:198.51.100.7", "198.51.100.7", "routed", "server"),
      device("ip:198.51.100.8", "198.51.100.8", "routed", "server"),
      device("ip:203.0.113.9", "203.0.113.9", "routed", "server"),
  };
  for (int i = 0; i < 20; ++i) {
    d.push_back(
        device("ip:x", ("203.0.113." + std::to_string(100 + i)).c_str(), "routed", "server"));
  }
  return DeviceIndex(d);
}

DetectOptions learnFor(int64_t seconds) {
  DetectOptions o;
  o.site_networks = {*IpNetwork::parse("10.0.0.0/8")};
  o.learn.mode = LearnWindow::Mode::For;
  o.learn.length = Duration::seconds(seconds);
  return o;
}

TEST(Baseline, NewExternalPeerAfterLearningOnly) {
  BaselineDetector d(learnFor(600));
  Collect out;
  d.emit(flow("10.1.0.11", "10.1.0.5", 515, "contec_cms", 0, 10));
  d.emit(flow("10.1.0.11", "198.51.100.7", 443, "tls", 20, 30));
  d.emit(flow("10.1.0.12", "198.51.100.8", 443, "tls", 40, 50));
  d.decide(ward(), false, out);
  EXPECT_TRUE(out.alerts.empty());
  // After learning: the known peer again, a peer the class knows, a peer nobody knew.
  d.emit(flow("10.1.0.11", "198.51.100.7", 443, "tls", 700, 710));
  d.emit(flow("10.1.0.11", "198.51.100.8", 443, "tls", 720, 730));
  d.emit(flow("10.1.0.11", "203.0.113.9", 8443, "tls", 740, 750));
  d.emit(flow("10.1.0.11", "10.1.0.12", 80, "", 760, 770));  // internal: the policy's business
  d.decide(ward(), true, out);
  ASSERT_EQ(out.count(9000401), 2u);
  for (const auto& a : out.alerts) {
    if (a.signature_id != 9000401) continue;
    EXPECT_EQ(a.device_id, "mac:m1");
    EXPECT_NE(a.severity, 1);
    const std::string dest = evidence(a, "destination");
    if (dest == "198.51.100.8:443") {
      EXPECT_EQ(a.severity, 3);  // another monitor talked to it while learning
      EXPECT_EQ(evidence(a, "new_for_class"), "no");
    } else {
      EXPECT_EQ(dest, "203.0.113.9:8443");
      EXPECT_EQ(a.severity, 2);
      EXPECT_EQ(a.first_seen, at(740));
      EXPECT_NE(evidence(a, "baseline").find("1 external peers learned over 10m00s"),
                std::string::npos)
          << evidence(a, "baseline");
    }
  }
}

TEST(Baseline, NewProtocolAndListeningPort) {
  BaselineDetector d(learnFor(600));
  Collect out;
  d.emit(flow("10.1.0.11", "10.1.0.5", 515, "contec_cms", 0, 10));
  d.emit(flow("10.1.0.5", "10.1.0.11", 80, "http", 20, 30));
  d.decide(ward(), false, out);
  d.emit(flow("10.1.0.11", "10.1.0.5", 2575, "hl7", 700, 710));  // new protocol for m1
  d.emit(flow("10.1.0.5", "10.1.0.11", 23, "", 720, 730));       // m1 answers on telnet
  d.emit(flow("10.1.0.5", "10.1.0.11", 80, "http", 740, 750));   // known
  d.decide(ward(), true, out);
  const auto* proto = out.find(9000402, "mac:m1");
  ASSERT_NE(proto, nullptr);
  EXPECT_EQ(evidence(*proto, "observed"), "hl7");
  const auto* port = out.find(9000403, "mac:m1");
  ASSERT_NE(port, nullptr);
  EXPECT_EQ(evidence(*port, "observed"), "tcp/23");
  EXPECT_EQ(port->severity, 2);
  // The central station learned nothing of hl7 either, nor of answering on 2575.
  EXPECT_EQ(out.count(9000402), 2u);
  EXPECT_EQ(out.count(9000403), 2u);
  EXPECT_EQ(evidence(*out.find(9000403, "mac:cs"), "observed"), "tcp/2575");
}

TEST(Baseline, VolumeSpikeSaysByHowMuch) {
  BaselineDetector d(learnFor(3 * kHour));
  Collect out;
  for (int h = 0; h < 3; ++h) {
    d.emit(flow("10.1.0.11", "10.1.0.5", 515, "contec_cms", h * kHour + 10, h * kHour + 3000,
                4'000'000));
  }
  d.emit(flow("10.1.0.11", "10.1.0.5", 515, "contec_cms", 3 * kHour + 10, 3 * kHour + 3000,
              4'500'000));  // an ordinary hour
  d.emit(flow("10.1.0.11", "10.1.0.5", 515, "contec_cms", 4 * kHour + 10, 4 * kHour + 3000,
              50'000'000));  // 12.5x
  d.decide(ward(), true, out);
  ASSERT_EQ(out.count(9000404), 2u);  // both ends of the stream
  const auto* a = out.find(9000404, "mac:m1");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(evidence(*a, "ratio"), "12.5x the learned hourly mean");
  EXPECT_EQ(a->first_seen, at(4 * kHour + 10));  // hours count from the run's first packet
  EXPECT_EQ(a->severity, 3);
}

// What the pipeline says of an open flow every 5 minutes (events/flow_record.h FlowProgress).
events::Event progress(const char* src, const char* dst, uint16_t port, int64_t since,
                       int64_t until, uint64_t bytes) {
  events::FlowRef f;
  f.id = 7;
  f.src_ip = ip(src);
  f.dest_ip = ip(dst);
  f.src_port = 40000;
  f.dest_port = port;
  f.proto = 6;
  f.app_proto = "hl7";
  events::FlowProgress p;
  p.bytes = bytes;
  p.pkts_toclient = 10;
  p.since = at(since);
  p.until = at(until);
  return events::Event{at(until), f, p};
}

// A central station's HL7 connection open the whole run, steady, reported every 5 minutes: the
// learned hours hold its bytes (they did not when flows counted only at their end), so the
// hours after learning are ordinary; ten times as much in one hour is still a spike.
void steadyStream(BaselineDetector& d, Collect& out, int64_t hours, int64_t spike_hour,
                  uint64_t per_5min) {
  constexpr int64_t kStep = 300;
  uint64_t sent = 0;
  int64_t last = 0;
  for (int64_t t = kStep; t <= hours * kHour; t += kStep) {
    const uint64_t bytes = (t - 1) / kHour == spike_hour ? 10 * per_5min : per_5min;
    d.emit(progress("10.1.0.5", "198.51.100.7", 2575, last, t, bytes));
    sent += bytes;
    last = t;
    d.decide(ward(), false, out);
  }
  // The flow's end: everything, of which `sent` was already reported.
  events::Event end =
      flow("10.1.0.5", "198.51.100.7", 2575, "hl7", 0, hours * kHour + 5, sent + 1000, 10);
  auto& rec = std::get<events::FlowRecord>(end.body);
  rec.progress_bytes = sent;
  rec.progress_until = at(last);
  d.emit(end);
  d.decide(ward(), true, out);
}

TEST(Baseline, OpenFlowIsCountedInTheHoursItRan) {
  BaselineDetector d(learnFor(3 * kHour));
  Collect out;
  steadyStream(d, out, 6, -1, 1'000'000);  // 12 MB an hour, for 6 hours
  EXPECT_EQ(out.count(9000404), 0u);
  const VolumeStats& v = d.baseline().devices.at("mac:cs").volume;
  EXPECT_EQ(v.hours, 3u);
  EXPECT_NEAR(v.mean, 12e6, 1.0);  // three equal hours
  EXPECT_NEAR(v.stddev(), 0.0, 1.0);
}

TEST(Baseline, OpenFlowTenTimesItsLearnedRateIsASpike) {
  BaselineDetector d(learnFor(3 * kHour));
  Collect out;
  steadyStream(d, out, 6, 4, 1'000'000);
  ASSERT_EQ(out.count(9000404), 1u);  // the station; the peer is not profiled (external)
  const auto* a = out.find(9000404, "mac:cs");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->first_seen, at(4 * kHour));
  // Raised while the hour runs, as soon as it is past 5x the learned mean (not at its end).
  EXPECT_GT(std::stod(evidence(*a, "ratio")), 5.0) << evidence(*a, "ratio");
}

TEST(Baseline, ActivityAtANewHourOnlyAfterADayOfLearning) {
  BaselineDetector d(learnFor(26 * kHour));
  Collect out;
  d.emit(flow("10.1.0.11", "10.1.0.5", 515, "contec_cms", 0, 10));  // the run starts at 16:00
  // Active 08:00-16:00 UTC every learned hour of that span (the epoch offset is 16:00 UTC).
  for (int64_t h = 0; h < 26; ++h) {
    const int64_t hod = (16 + h) % 24;
    if (hod >= 8 && hod < 16)
      d.emit(flow("10.1.0.30", "10.1.0.5", 80, "http", h * kHour + 5, h * kHour + 60));
  }
  d.emit(flow("10.1.0.30", "10.1.0.5", 80, "http", 27 * kHour + 5, 27 * kHour + 60));  // 19:00
  d.decide(ward(), true, out);
  const auto* a = out.find(9000405, "mac:ws");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(evidence(*a, "observed"), "active in UTC hour 19:00");
  EXPECT_EQ(out.count(9000405), 2u);  // and the station it reached
}

TEST(Baseline, ScanNeedsNoBaseline) {
  DetectOptions o;
  o.site_networks = {*IpNetwork::parse("10.0.0.0/8")};
  BaselineDetector d(o);  // learn off, nothing stored
  Collect out;
  for (int host = 0; host < 10; ++host) {
    for (uint16_t port : {21, 22, 23, 80, 443, 445, 515, 2575}) {
      const std::string dst = "10.1.1." + std::to_string(host + 1);
      d.emit(flow("10.1.0.30", dst.c_str(), port, "", 100, 101, 60, host % 2));
    }
  }
  // Ordinary traffic from another host raises nothing.
  for (int i = 0; i < 100; ++i) d.emit(flow("10.1.0.11", "10.1.0.5", 515, "", 100 + i, 200 + i));
  d.decide(ward(), true, out);
  ASSERT_EQ(out.count(9000410), 1u);
  EXPECT_EQ(out.alerts.size(), 1u);
  const auto* a = out.find(9000410);
  EXPECT_EQ(a->device_id, "mac:ws");
  EXPECT_EQ(a->severity, 2);
  EXPECT_EQ(evidence(*a, "observed"), "80 host:port probes to 10 hosts on 8 ports");
}

// A DNS query from `src` to the ward's resolver.
events::Event dnsQuery(const char* src, const char* name, int64_t t) {
  events::FlowRef f;
  f.id = static_cast<uint64_t>(t) * 17 + 53;
  f.src_ip = ip(src);
  f.dest_ip = ip("10.1.0.2");
  f.src_port = 50000;
  f.dest_port = 53;
  f.proto = 17;
  f.app_proto = "dns";
  events::DnsMessage m;
  m.id = 1;
  m.flags = 0x0100;
  m.qdcount = 1;
  m.questions.push_back({name, 1});
  return events::Event{at(t), f, m, events::Direction::ToServer};
}

TEST(Baseline, NewDnsNameOfAMedicalDevice) {
  DetectOptions o = learnFor(600);
  o.dns_allowlist.push_back(".Hospital.Example.");  // normalised: case and dots
  BaselineDetector d(o);
  Collect out;
  d.emit(dnsQuery("10.1.0.11", "central.hospital.example", 10));
  d.emit(dnsQuery("10.1.0.12", "ntp.vendor.example", 20));
  d.emit(dnsQuery("10.1.0.30", "www.news.example", 30));
  d.decide(ward(), false, out);
  d.emit(dnsQuery("10.1.0.11", "NTP.vendor.example", 700));      // the class asked: no alert
  d.emit(dnsQuery("10.1.0.11", "pacs.hospital.example", 710));   // allowlisted suffix
  d.emit(dnsQuery("10.1.0.11", "11.0.1.10.in-addr.arpa", 715));  // reverse lookup, allowlisted
  d.emit(dnsQuery("10.1.0.11", "c2.attacker.example", 720));     // new for device and class
  d.emit(dnsQuery("10.1.0.11", "c2.attacker.example", 730));     // once
  d.emit(dnsQuery("10.1.0.30", "www.other.example", 740));       // a workstation: never
  d.decide(ward(), true, out);
  ASSERT_EQ(out.count(9000412), 1u);
  const auto* a = out.find(9000412);
  EXPECT_EQ(a->device_id, "mac:m1");
  EXPECT_EQ(a->severity, 3);
  EXPECT_EQ(evidence(*a, "observed"), "c2.attacker.example");
  EXPECT_EQ(evidence(*a, "resolver"), "10.1.0.2");
  EXPECT_EQ(a->first_seen, at(720));
  EXPECT_NE(evidence(*a, "baseline").find("1 DNS names learned over 10m00s"), std::string::npos)
      << evidence(*a, "baseline");
  EXPECT_EQ(out.alerts.size(), 1u);
}

events::Event arpSweep(const char* sender, int64_t t, uint64_t targets, uint64_t unanswered) {
  events::ArpSweep s;
  s.sender_ip = ip(sender);
  s.first = at(t);
  s.last = at(t + 50);
  s.requests = targets + 3;
  s.targets = targets;
  s.unanswered = unanswered;
  s.lowest_target = ip("10.1.0.1");
  s.highest_target = ip("10.1.3.254");
  return events::Event{at(t + 50), std::nullopt, s};
}

TEST(Baseline, ArpSweepNeedsNoBaselineAndHonoursTheThresholds) {
  DetectOptions o;
  o.site_networks = {*IpNetwork::parse("10.0.0.0/8")};
  BaselineDetector d(o);  // learn off, nothing stored
  Collect out;
  d.emit(arpSweep("10.1.0.5", 100, 60, 40));     // under 64 addresses
  d.emit(arpSweep("10.1.0.12", 100, 200, 10));   // mostly answered: a busy host, not a sweep
  d.emit(arpSweep("10.1.0.30", 200, 512, 480));  // the sweep
  d.emit(arpSweep("10.1.0.30", 260, 512, 500));  // its next minute: the same alert
  d.decide(ward(), true, out);
  ASSERT_EQ(out.count(9000411), 1u);
  EXPECT_EQ(out.alerts.size(), 1u);
  const auto* a = out.find(9000411);
  EXPECT_EQ(a->device_id, "mac:ws");
  EXPECT_EQ(a->severity, 2);
  EXPECT_EQ(a->first_seen, at(200));
  EXPECT_EQ(evidence(*a, "observed"),
            "512 addresses ARP-requested in 0m50s, 480 of them never answered");
  EXPECT_EQ(evidence(*a, "targets"), "10.1.0.1 to 10.1.3.254");

  // A site that sets its own thresholds.
  o.arp_sweep_min_targets = 32;
  o.arp_sweep_min_unanswered = 8;
  BaselineDetector strict(o);
  Collect out2;
  strict.emit(arpSweep("10.1.0.5", 100, 60, 40));
  strict.decide(ward(), true, out2);
  EXPECT_EQ(out2.count(9000411), 1u);
}

TEST(Baseline, NoBaselineNoBaselineAlerts) {
  DetectOptions o;
  o.site_networks = {*IpNetwork::parse("10.0.0.0/8")};
  BaselineDetector d(o);
  Collect out;
  d.emit(flow("10.1.0.11", "203.0.113.9", 443, "tls", 700, 710));
  d.decide(ward(), true, out);
  EXPECT_TRUE(out.alerts.empty());
}

TEST(Baseline, OneAlertPerDeviceKindAndKey) {
  BaselineDetector d(learnFor(600));
  Collect out;
  d.emit(flow("10.1.0.11", "10.1.0.5", 515, "contec_cms", 0, 10));
  d.decide(ward(), false, out);
  d.emit(flow("10.1.0.11", "203.0.113.9", 443, "", 700, 710));
  d.decide(ward(), false, out);
  d.emit(flow("10.1.0.11", "203.0.113.9", 443, "", 800, 810));
  d.emit(flow("10.1.0.11", "203.0.113.9", 443, "", 900, 910));
  d.decide(ward(), true, out);
  EXPECT_EQ(out.count(9000401), 1u);
}

TEST(Baseline, NoisyDeviceIsRateLimitedIntoOneNote) {
  BaselineDetector d(learnFor(600));
  Collect out;
  d.emit(flow("10.1.0.11", "10.1.0.5", 515, "contec_cms", 0, 10));
  d.decide(ward(), false, out);
  for (int i = 0; i < 12; ++i) {
    const std::string dst = "203.0.113." + std::to_string(100 + i);
    d.emit(flow("10.1.0.11", dst.c_str(), 443, "", 700 + i, 710 + i));
  }
  d.decide(ward(), true, out);
  EXPECT_EQ(out.count(9000401), kMaxAnomalyAlertsPerDeviceHour);
  ASSERT_EQ(out.count(kSuppressedNoteId), 1u);
  const auto* note = out.find(kSuppressedNoteId);
  EXPECT_EQ(note->device_id, "mac:m1");
  EXPECT_EQ(evidence(*note, "suppressed"), std::to_string(12 - kMaxAnomalyAlertsPerDeviceHour));
}

TEST(Baseline, DeviceWithManyPeersHasNewPeerAlertsOff) {
  Baseline b;
  Profile& p = b.devices["mac:m1"];
  for (size_t i = 0; i <= kMaxPeersPerDevice; ++i) {
    p.learn(ProfileKind::Peer, "192.0.2." + std::to_string(i), kMaxPeersPerDevice);
  }
  EXPECT_TRUE(p.set(ProfileKind::Peer).overflowed);
  EXPECT_EQ(p.set(ProfileKind::Peer).values.size(), kMaxPeersPerDevice);
  DetectOptions o;
  o.site_networks = {*IpNetwork::parse("10.0.0.0/8")};
  BaselineDetector d(o);
  d.setBaseline(b);
  Collect out;
  d.emit(flow("10.1.0.11", "203.0.113.9", 443, "", 700, 710));
  d.decide(ward(), true, out);
  EXPECT_EQ(out.count(9000401), 0u);
}

TEST(Baseline, VolumeStatsMergeExactly) {
  VolumeStats all, a, b;
  for (double v : {1.0, 4.0, 9.0, 16.0, 25.0}) all.add(v);
  for (double v : {1.0, 4.0}) a.add(v);
  for (double v : {9.0, 16.0, 25.0}) b.add(v);
  a.merge(b);
  EXPECT_EQ(a.hours, all.hours);
  EXPECT_DOUBLE_EQ(a.mean, all.mean);
  EXPECT_NEAR(a.stddev(), all.stddev(), 1e-9);
}

std::string tempDb(const char* name) {
  auto path = std::filesystem::temp_directory_path() /
              (std::string("medtap_baseline_") + name + "_" + std::to_string(getpid()) + ".db");
  std::filesystem::remove(path);
  return path.string();
}

TEST(BaselineStore, RoundTripAndMergeAcrossRuns) {
  const std::string path = tempDb("roundtrip");
  Baseline b;
  Profile& m = b.devices["mac:m1"];
  m.learn(ProfileKind::Peer, "198.51.100.7", kMaxPeersPerDevice);
  m.learn(ProfileKind::Port, "tcp/515", kMaxPortsPerDevice);
  m.learn(ProfileKind::Protocol, "contec_cms", kMaxProtocolsPerDevice);
  m.learn(ProfileKind::DnsName, "time.example.org", kMaxDnsNamesPerDevice);
  m.set(ProfileKind::DnsName).overflowed = true;
  m.volume.add(1000);
  m.volume.add(3000);
  m.hours_of_day = 0x00FF00;
  m.learned_ns = 7200 * Timestamp::kNsPerSec;
  b.classes["patient-monitor"].learn(ProfileKind::Peer, "198.51.100.7", 4096);
  {
    auto store = BaselineStore::open(path);
    ASSERT_TRUE(store) << store.error();
    ASSERT_TRUE(store.value()->save(b));
  }
  auto store = BaselineStore::open(path);
  ASSERT_TRUE(store) << store.error();
  auto loaded = store.value()->load();
  ASSERT_TRUE(loaded) << loaded.error();
  const Profile& l = loaded->devices.at("mac:m1");
  for (size_t i = 0; i < kProfileKinds; ++i) {
    EXPECT_EQ(l.sets[i].values, m.sets[i].values);
    EXPECT_EQ(l.sets[i].overflowed, m.sets[i].overflowed);
  }
  EXPECT_EQ(l.volume.hours, 2u);
  EXPECT_DOUBLE_EQ(l.volume.mean, 2000);
  EXPECT_EQ(l.hours_of_day, 0x00FF00u);
  EXPECT_EQ(l.learned_ns, m.learned_ns);
  EXPECT_TRUE(loaded->classes.at("patient-monitor").knows(ProfileKind::Peer, "198.51.100.7"));

  // A second run learns on top: the detector loads the stored baseline and saves the merge.
  DetectOptions o = learnFor(600);
  o.baseline_database = path;
  {
    BaselineDetector d(o);
    Collect out;
    d.emit(flow("10.1.0.11", "203.0.113.9", 443, "tls", 0, 10));
    d.decide(ward(), true, out);
  }
  auto merged = store.value()->load();
  ASSERT_TRUE(merged) << merged.error();
  const Profile& mm = merged->devices.at("mac:m1");
  EXPECT_TRUE(mm.knows(ProfileKind::Peer, "198.51.100.7"));
  EXPECT_TRUE(mm.knows(ProfileKind::Peer, "203.0.113.9"));
  EXPECT_TRUE(mm.knows(ProfileKind::Protocol, "tls"));
  std::filesystem::remove(path);
}

TEST(BaselineStore, ARowMedtapDidNotWriteIsAnError) {
  const std::string path = tempDb("hostile");
  {
    auto store = BaselineStore::open(path);
    ASSERT_TRUE(store) << store.error();
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO baseline_values VALUES('device','mac:m1','bogus','x')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = BaselineStore::open(path);
  ASSERT_TRUE(store) << store.error();
  auto loaded = store.value()->load();
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("baseline_values row 1"), std::string::npos) << loaded.error();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace medtap::detect
