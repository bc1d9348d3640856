// The threat-intelligence detector: each place an indicator can be seen (flow ends, DNS query and
// answer, TLS SNI, HTTP Host and URL) raises 9000301 about the local device, folded per device and
// indicator; no pack, no detector.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "detect/detectors.h"
#include "intel/pack.h"

namespace medtap::detect {
namespace {

IpAddress ip(const char* s) {
  return *IpAddress::parse(s);
}
Timestamp at(int64_t sec) {
  return Timestamp::fromSeconds(1764000000 + sec);
}

struct Collect final : events::EventSink {
  std::vector<events::AlertRecord> alerts;
  void emit(const events::Event& e) override {
    if (auto* a = std::get_if<events::AlertRecord>(&e.body)) alerts.push_back(*a);
  }
};

std::string evidence(const events::AlertRecord& a, std::string_view key) {
  for (const auto& [k, v] : a.evidence) {
    if (k == key) return v;
  }
  return "<none>";
}

events::FlowRef flow(const char* src, const char* dst, uint16_t port) {
  events::FlowRef f;
  f.id = 7;
  f.src_ip = ip(src);
  f.dest_ip = ip(dst);
  f.src_port = 40000;
  f.dest_port = port;
  f.proto = 6;
  return f;
}

DetectOptions withPack(std::string_view csv) {
  auto set = std::make_shared<intel::IndicatorSet>();
  auto r = intel::loadPack(csv, "site.csv", *set);
  EXPECT_TRUE(r.ok()) << r.error();
  DetectOptions o{{*IpNetwork::parse("10.0.0.0/8")}, set};
  return o;
}

constexpr std::string_view kPack =
    "indicator,type,description,severity,source\n"
    "medcloud-sync.net,domain,sync cloud,1,ACME\n"
    "203.0.113.0/24,subnet,,,\n"
    "update.example.com/pm,url,pm export,3,\n";

events::DeviceRecord device(const char* id, const char* addr) {
  events::DeviceRecord d;
  d.id = id;
  events::DeviceAddress a;
  a.ip = ip(addr);
  a.locality = "local";
  d.addresses.push_back(a);
  return d;
}

TEST(IntelDetector, EveryPlaceAnIndicatorIsSeenFoldsIntoOneAlertPerDevice) {
  Detectors detectors(withPack(kPack));
  events::DnsMessage query;
  query.questions.push_back({"Telemetry.Medcloud-Sync.NET", 1});
  detectors.emit(
      events::Event{at(1), flow("10.1.1.5", "10.1.0.10", 53), query, events::Direction::ToServer});
  events::DnsMessage answer;
  answer.flags = 0x8180;
  answer.answers.push_back({"telemetry.medcloud-sync.net", 1, 60, "203.0.113.77"});
  detectors.emit(
      events::Event{at(2), flow("10.1.1.5", "10.1.0.10", 53), answer, events::Direction::ToClient});
  events::TlsHandshake tls;
  tls.sni = "telemetry.medcloud-sync.net";
  detectors.emit(events::Event{at(3), flow("10.1.1.5", "203.0.113.77", 443), tls,
                               events::Direction::ToServer});
  events::FlowRecord record;
  record.start = at(3);
  detectors.emit(events::Event{at(9), flow("10.1.1.5", "203.0.113.77", 443), record});
  // Another device, the same indicator: its own alert.
  detectors.emit(events::Event{at(4), flow("10.1.1.6", "203.0.113.77", 443), tls,
                               events::Direction::ToServer});

  Collect out;
  DeviceIndex devices({device("mac:00:00:00:00:00:05", "10.1.1.5")});
  detectors.decide(devices, false, out);
  // 10.1.1.6 is not a known device yet: it waits.
  ASSERT_EQ(out.alerts.size(), 2u);
  const auto& domain =
      out.alerts[0].signature_id == 9000301 && evidence(out.alerts[0], "indicator_type") == "domain"
          ? out.alerts[0]
          : out.alerts[1];
  const auto& subnet = &domain == &out.alerts[0] ? out.alerts[1] : out.alerts[0];
  EXPECT_EQ(domain.signature, "MEDTAP Threat intelligence match: domain");
  EXPECT_EQ(domain.category, "threat-intel");
  EXPECT_EQ(domain.severity, 1);
  EXPECT_EQ(domain.device_id, "mac:00:00:00:00:00:05");
  EXPECT_EQ(evidence(domain, "indicator"), "medcloud-sync.net");
  EXPECT_EQ(evidence(domain, "pack"), "site.csv");
  EXPECT_EQ(evidence(domain, "source"), "ACME");
  EXPECT_EQ(evidence(domain, "description"), "sync cloud");
  EXPECT_EQ(evidence(domain, "seen_in"), "dns.answer, dns.query, tls.sni");
  EXPECT_EQ(domain.count, 3u);
  EXPECT_EQ(domain.first_seen, at(1));
  EXPECT_EQ(domain.last_seen, at(3));
  EXPECT_EQ(subnet.signature, "MEDTAP Threat intelligence match: subnet");
  EXPECT_EQ(subnet.severity, intel::kDefaultSeverity);
  EXPECT_EQ(evidence(subnet, "indicator"), "203.0.113.0/24");
  EXPECT_EQ(evidence(subnet, "seen_in"), "dns.answer, flow");
  EXPECT_EQ(evidence(subnet, "source"), "<none>");

  Collect last;
  detectors.decide(devices, true, last);
  // 10.1.1.6, by address: the SNI, and the server's address on the TLS event's flow.
  ASSERT_EQ(last.alerts.size(), 2u);
  for (const auto& a : last.alerts) {
    EXPECT_EQ(a.device_id, "ip:10.1.1.6");
    EXPECT_EQ(evidence(a, "seen_in"),
              evidence(a, "indicator_type") == "domain" ? "tls.sni" : "flow");
  }
}

TEST(IntelDetector, HttpHostAndUrl) {
  Detectors detectors(withPack(kPack));
  events::HttpTransaction http;
  http.hostname = "update.example.com";
  http.url = "/pm/firmware.bin";
  detectors.emit(events::Event{at(1), flow("10.1.1.5", "198.51.100.1", 80), http,
                               events::Direction::ToServer});
  http.url = "/pmx";
  detectors.emit(events::Event{at(2), flow("10.1.1.7", "198.51.100.1", 80), http,
                               events::Direction::ToServer});
  events::HttpTransaction proxied;
  proxied.url = "http://sub.medcloud-sync.net/x";
  detectors.emit(events::Event{at(3), flow("10.1.1.8", "10.1.0.3", 3128), proxied,
                               events::Direction::ToServer});
  Collect out;
  detectors.decide(DeviceIndex{}, true, out);
  ASSERT_EQ(out.alerts.size(), 2u);
  EXPECT_EQ(out.alerts[0].device_id, "ip:10.1.1.5");
  EXPECT_EQ(evidence(out.alerts[0], "seen_in"), "http.url");
  EXPECT_EQ(out.alerts[0].severity, 3);
  EXPECT_EQ(out.alerts[1].device_id, "ip:10.1.1.8");
  EXPECT_EQ(evidence(out.alerts[1], "seen_in"), "http.host");
}

TEST(IntelDetector, NoPackNoAlert) {
  Detectors detectors(DetectOptions{{*IpNetwork::parse("10.0.0.0/8")}});
  events::TlsHandshake tls;
  tls.sni = "telemetry.medcloud-sync.net";
  detectors.emit(events::Event{at(3), flow("10.1.1.5", "203.0.113.77", 443), tls,
                               events::Direction::ToServer});
  Collect out;
  detectors.decide(DeviceIndex{}, true, out);
  EXPECT_TRUE(out.alerts.empty());
}

}  // namespace
}  // namespace medtap::detect
