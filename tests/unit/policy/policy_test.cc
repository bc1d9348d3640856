// The segmentation policy: the loader's one-line errors at the marked place, the first zone that
// matches, deny before allow before the default, violations folded and waiting for the devices'
// identification, PHI on a flow the policy denies raising 9000201 through the same judge, and a
// suggested policy that loads back and allows what it was made from.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "detect/detectors.h"
#include "policy/loader.h"
#include "policy/policy_detector.h"
#include "policy/suggest.h"

namespace medtap::policy {
namespace {

IpAddress ip(const char* s) {
  return *IpAddress::parse(s);
}

const std::vector<IpNetwork> kSite = {*IpNetwork::parse("10.0.0.0/8")};

constexpr const char* kWard = R"(zones:
  - name: off-site
    networks: [off-site]
  - name: contec-monitors
    tags: [cms8000-family]
  - name: central
    classes: [central-station]
  - name: servers
    networks: [10.12.0.0/24]
allow:
  - {from: contec-monitors, to: central, proto: tcp, ports: [515, 6664], app: contec_cms}
  - {from: any, to: servers, proto: udp, ports: ["50-60"]}
deny:
  - {from: contec-monitors, to: off-site, severity: 1}
default: deny
)";

Policy ward() {
  auto p = loadPolicyText(kWard, "ward.yaml");
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error());
  return p.value();
}

std::string loadError(const std::string& text) {
  auto p = loadPolicyText(text, "p.yaml");
  EXPECT_FALSE(p.ok());
  return p.ok() ? "" : p.error();
}

TEST(PolicyLoader, ReadsZonesRulesAndDefault) {
  Policy p = ward();
  ASSERT_EQ(p.zones.size(), 4u);
  EXPECT_TRUE(p.zones[0].off_site);
  EXPECT_EQ(p.zones[1].tags, std::vector<std::string>{"cms8000-family"});
  ASSERT_EQ(p.allow.size(), 2u);
  EXPECT_EQ(p.allow[0].ports.size(), 2u);
  EXPECT_EQ(p.allow[1].ports[0].first, 50);
  EXPECT_EQ(p.allow[1].ports[0].last, 60);
  ASSERT_EQ(p.deny.size(), 1u);
  EXPECT_EQ(p.deny[0].severity, 1);
  EXPECT_EQ(p.deny[0].label, "deny[0] (ward.yaml:14)");
  EXPECT_EQ(p.default_verdict, Verdict::Deny);
}

TEST(PolicyLoader, ErrorsAreOneLineAtTheMarkedPlace) {
  EXPECT_EQ(loadError("zones:\n  - name: a\n    classes: [x]\nallow:\n  - {from: a, to: b}\n"),
            "p.yaml:5:19: `to: b` names no zone of this policy");
  EXPECT_EQ(loadError("zones:\n  - name: a\n    netwroks: [10.0.0.0/8]\n"),
            "p.yaml:3:5: unknown key `netwroks` in a zone (known: name, networks, classes, "
            "tags, devices)");
  EXPECT_EQ(loadError("zones:\n  - name: a\n    networks: [10.0.0.0/33]\n"),
            "p.yaml:3:16: `10.0.0.0/33` is not a network (CIDR, an address, or `off-site`)");
  EXPECT_EQ(loadError("zones:\n  - {name: a, classes: [x]}\nallow:\n  - {proto: tcp, ports: "
                      "[70000]}\n"),
            "p.yaml:4:26: `70000` is not a port (0-65535, or a range like 1024-2048)");
  EXPECT_EQ(loadError("zones:\n  - {name: a}\n"),
            "p.yaml:2:5: zone `a` matches nothing: give networks, classes, tags or devices");
  EXPECT_EQ(loadError("zones:\n  - {name: any, classes: [x]}\n"),
            "p.yaml:2:12: `any` is reserved: rules use it without defining it");
  EXPECT_EQ(loadError("zones:\n  - {name: a, classes: [x]}\n  - {name: a, tags: [y]}\n"),
            "p.yaml:3:12: zone `a` defined twice");
  EXPECT_EQ(loadError("zones:\n  - {name: a, classes: [x]}\nallow:\n  - {ports: [1]}\n"),
            "p.yaml:4:13: ports need `proto: tcp` or `proto: udp`");
  EXPECT_EQ(loadError("zones:\n  - {name: a, classes: [x]}\ndefault: maybe\n"),
            "p.yaml:3:10: default: deny or allow");
  EXPECT_EQ(loadError("just text"),
            "p.yaml:1:1: a policy is a mapping with `zones:`, `allow:` "
            "and `default:`");
  const std::string broken = loadError("zones: [\n  {name: a\n");
  EXPECT_EQ(broken.rfind("p.yaml:", 0), 0u);
  EXPECT_EQ(broken.find('\n'), std::string::npos);
  EXPECT_NE(loadError(std::string(kMaxPolicyFileBytes + 1, ' ')).find("larger than"),
            std::string::npos);
  EXPECT_NE(loadError(std::string(100000, '[')).find("p.yaml:"), std::string::npos);
}

TEST(PolicyZones, FirstZoneThatMatchesWins) {
  Policy p = ward();
  events::DeviceRecord family;
  family.tags = {"cms8000-family"};
  detect::AddressInfo contec{"mac:00:60:6e:00:00:01", "patient-monitor", "local", &family};
  detect::AddressInfo central{"mac:00:09:5c:00:00:01", "central-station", "local"};
  detect::AddressInfo routed_central{"ip:202.114.4.119", "central-station", "routed"};
  detect::AddressInfo lan_default{"mac:00:09:5c:00:00:02", "central-station", "local"};
  EXPECT_EQ(zoneName(zoneOf(p, {ip("10.12.1.19"), &contec}, kSite)), "contec-monitors");
  EXPECT_EQ(zoneName(zoneOf(p, {ip("10.12.1.15"), &central}, kSite)), "central");
  // Off-site comes first: an internet host the inventory called a central station stays off-site.
  EXPECT_EQ(zoneName(zoneOf(p, {ip("202.114.4.119"), &routed_central}, kSite)), "off-site");
  // The manual's default address on the ward LAN is not off-site (DOMAIN.md).
  EXPECT_EQ(zoneName(zoneOf(p, {ip("202.114.4.119"), &lan_default}, kSite)), "central");
  EXPECT_EQ(zoneName(zoneOf(p, {ip("203.0.113.9"), nullptr}, kSite)), "off-site");
  // A central station inside the servers' network: class comes first in this file's order.
  EXPECT_EQ(zoneName(zoneOf(p, {ip("10.12.0.5"), &central}, kSite)), "central");
  EXPECT_EQ(zoneName(zoneOf(p, {ip("10.12.0.6"), nullptr}, kSite)), "servers");
  EXPECT_EQ(zoneName(zoneOf(p, {ip("10.12.5.5"), nullptr}, kSite)), "unzoned");
}

TEST(PolicyEvaluate, DenyThenAllowThenDefault) {
  Policy p = ward();
  auto verdict = [&](std::string_view from, std::string_view to, uint8_t proto, uint16_t port,
                     std::string_view app) {
    return evaluate(p, {from, to, proto, port, app});
  };
  EXPECT_EQ(verdict("contec-monitors", "central", 6, 515, "contec_cms").verdict, Verdict::Allow);
  // No analyzer recognised the flow: zones, protocol and port decide.
  EXPECT_EQ(verdict("contec-monitors", "central", 6, 6664, "").verdict, Verdict::Allow);
  EXPECT_EQ(verdict("contec-monitors", "central", 6, 515, "hl7").verdict, Verdict::Deny);
  EXPECT_EQ(verdict("contec-monitors", "central", 17, 515, "").verdict, Verdict::Deny);
  EXPECT_EQ(verdict("unzoned", "servers", 17, 55, "").verdict, Verdict::Allow);
  EXPECT_EQ(verdict("unzoned", "servers", 17, 61, "").verdict, Verdict::Deny);
  Decision d = verdict("contec-monitors", "off-site", 6, 515, "contec_cms");
  EXPECT_EQ(d.verdict, Verdict::Deny);
  ASSERT_NE(d.rule, nullptr);
  EXPECT_EQ(d.severity, 1);
  d = verdict("central", "off-site", 6, 443, "tls");
  EXPECT_EQ(d.rule, nullptr);  // the default
  EXPECT_EQ(d.severity, 2);
  p.default_verdict = Verdict::Allow;
  EXPECT_EQ(verdict("central", "off-site", 6, 443, "tls").verdict, Verdict::Allow);
}

struct Collect final : events::EventSink {
  std::vector<events::AlertRecord> alerts;
  void emit(const events::Event& e) override {
    if (auto* a = std::get_if<events::AlertRecord>(&e.body)) alerts.push_back(*a);
  }
};

events::Event flowEvent(const char* src, const char* dst, uint8_t proto, uint16_t port,
                        std::string_view app, int64_t sec) {
  events::FlowRef f;
  f.id = static_cast<uint64_t>(sec);
  f.src_ip = ip(src);
  f.dest_ip = ip(dst);
  f.src_port = 40000;
  f.dest_port = port;
  f.proto = proto;
  f.app_proto = app;
  return events::Event{Timestamp::fromSeconds(1764000000 + sec), f, events::FlowRecord{}};
}

events::DeviceRecord device(const char* id, const char* addr, std::string_view locality,
                            const char* cls, std::vector<std::string> tags = {}) {
  events::DeviceRecord d;
  d.id = id;
  d.device_class = cls;
  d.tags = std::move(tags);
  events::DeviceAddress a;
  a.ip = ip(addr);
  a.locality = locality;
  d.addresses.push_back(a);
  return d;
}

std::string evidence(const events::AlertRecord& a, std::string_view key) {
  for (const auto& [k, v] : a.evidence) {
    if (k == key) return v;
  }
  return "";
}

TEST(PolicyDetector, FoldsViolationsAndWaitsForIdentification) {
  PolicyDetector det(std::make_shared<const Policy>(ward()), kSite);
  Collect out;
  for (int i = 0; i < 5; ++i)
    det.emit(flowEvent("10.12.1.19", "202.114.4.119", 6, 515, "contec_cms", i));
  det.emit(flowEvent("10.12.1.19", "10.12.1.15", 6, 515, "contec_cms", 6));  // allowed
  det.emit(flowEvent("10.12.1.15", "10.12.1.16", 17, 5000, "", 7));          // central -> ?
  det.emit(flowEvent("10.12.1.15", "255.255.255.255", 17, 67, "dhcp", 8));   // not judged
  const std::vector<events::DeviceRecord> early = {
      device("mac:00:60:6e:00:00:01", "10.12.1.19", "local", "patient-monitor", {"cms8000-family"}),
      device("mac:00:09:5c:00:00:01", "10.12.1.15", "local", "central-station"),
      device("ip:202.114.4.119", "202.114.4.119", "routed", "central-station"),
      device("mac:00:09:5c:00:00:02", "10.12.1.16", "local", "unknown")};
  det.decide(detect::DeviceIndex(early), false, out);
  ASSERT_EQ(out.alerts.size(), 1u);  // 10.12.1.16 not identified yet: waits
  const events::AlertRecord& a = out.alerts[0];
  EXPECT_EQ(a.signature_id, 9000501u);
  EXPECT_EQ(a.signature, "MEDTAP Segmentation policy violation: contec-monitors to off-site");
  EXPECT_EQ(a.category, "policy-violation");
  EXPECT_EQ(a.severity, 1);  // the deny rule says so
  EXPECT_EQ(a.count, 5u);
  EXPECT_EQ(a.device_id, "mac:00:60:6e:00:00:01");
  EXPECT_EQ(evidence(a, "from_zone"), "contec-monitors");
  EXPECT_EQ(evidence(a, "to_zone"), "off-site");
  EXPECT_EQ(evidence(a, "service"), "tcp/515 contec_cms");
  EXPECT_EQ(evidence(a, "rule"), "deny[0] (ward.yaml:14)");
  EXPECT_EQ(evidence(a, "destination"), "202.114.4.119:515");
  // Later flows of an alerted violation are not alerted again.
  det.emit(flowEvent("10.12.1.19", "202.114.4.119", 6, 515, "contec_cms", 9));
  det.decide(detect::DeviceIndex(early), true, out);
  ASSERT_EQ(out.alerts.size(), 2u);  // the end of the run decides the unidentified one
  EXPECT_EQ(out.alerts[1].severity, 2);
  EXPECT_EQ(evidence(out.alerts[1], "to_zone"), "unzoned");
  EXPECT_EQ(evidence(out.alerts[1], "rule"), "default: deny");
  ASSERT_EQ(det.violations().size(), 2u);
  EXPECT_EQ(det.violations()[0].count, 5u);
}

events::Event hl7WithPatient(const char* src, const char* dst, int64_t sec) {
  events::Hl7Message m;
  m.message_type = "ORU^R01";
  m.patient.id = "pt_cccccccccccccccc";
  m.patient.add(events::Hl7PhiField::Pid3);
  m.patient.add(events::Hl7PhiField::Pid5);
  events::Event e = flowEvent(src, dst, 6, 2575, "hl7", sec);
  e.body = m;
  e.direction = events::Direction::ToServer;
  return e;
}

constexpr const char* kHl7Ward = R"(zones:
  - name: monitors
    classes: [patient-monitor]
  - name: central
    classes: [central-station]
allow:
  - {from: monitors, to: central, proto: tcp, ports: [2575], app: hl7}
default: deny
)";

// The PHI exposure detector asks the policy detector's judge: the monitor's HL7 to its central
// station is allowed and raises nothing; the same HL7 to a workstation the policy does not list
// is patient data outside the allowed flows (9000201, severity 2), naming the zones and the rule.
TEST(PhiOutsideThePolicy, DeniedFlowWithPatientDataAlertsAllowedOneDoesNot) {
  auto p = loadPolicyText(kHl7Ward, "hl7.yaml");
  ASSERT_TRUE(p.ok()) << p.error();
  auto judge =
      std::make_shared<const PolicyJudge>(std::make_shared<const Policy>(p.value()), kSite);
  detect::DetectOptions options;
  options.site_networks = kSite;
  options.policy = judge;
  detect::Detectors detectors(options);
  detectors.emit(hl7WithPatient("10.12.2.15", "10.12.1.15", 1));  // the central station
  detectors.emit(hl7WithPatient("10.12.2.15", "10.12.1.40", 2));  // a workstation
  detectors.emit(hl7WithPatient("10.12.2.15", "10.12.1.40", 3));
  const std::vector<events::DeviceRecord> early = {
      device("mac:00:a0:9a:00:00:01", "10.12.2.15", "local", "patient-monitor"),
      device("mac:00:09:5c:00:00:01", "10.12.1.15", "local", "central-station"),
      device("mac:00:11:22:00:00:01", "10.12.1.40", "local", "unknown")};
  Collect out;
  detectors.decide(detect::DeviceIndex(early), false, out);
  EXPECT_TRUE(out.alerts.empty());  // the workstation is not identified yet: its zone may change
  std::vector<events::DeviceRecord> later = early;
  later[2].device_class = "workstation";
  detectors.decide(detect::DeviceIndex(later), false, out);
  ASSERT_EQ(out.alerts.size(), 1u);
  const events::AlertRecord& a = out.alerts[0];
  EXPECT_EQ(a.signature_id, 9000201u);
  EXPECT_EQ(a.category, "phi-exposure");
  EXPECT_EQ(a.severity, 2);
  EXPECT_EQ(a.count, 2u);
  EXPECT_EQ(a.device_id, "mac:00:a0:9a:00:00:01");
  EXPECT_EQ(evidence(a, "destination"), "10.12.1.40:2575");
  EXPECT_EQ(evidence(a, "from_zone"), "monitors");
  EXPECT_EQ(evidence(a, "to_zone"), "unzoned");
  EXPECT_EQ(evidence(a, "service"), "tcp/2575 hl7");
  EXPECT_EQ(evidence(a, "rule"), "default: deny");
  EXPECT_EQ(evidence(a, "policy"), "hl7.yaml");
  EXPECT_EQ(evidence(a, "phi_fields"), "PID-3, PID-5");
  EXPECT_EQ(evidence(a, "patient_tokens"), "pt_cccccccccccccccc");
  detectors.decide(detect::DeviceIndex(later), true, out);
  EXPECT_EQ(out.alerts.size(), 1u);  // the central station's feed is allowed
}

// Off the site, the PHI alert stays severity 1 whatever the policy says.
TEST(PhiOutsideThePolicy, OffSiteStaysSeverityOne) {
  auto p = loadPolicyText(kHl7Ward, "hl7.yaml");
  ASSERT_TRUE(p.ok()) << p.error();
  detect::DetectOptions options;
  options.site_networks = kSite;
  options.policy = std::make_shared<const PolicyJudge>(std::make_shared<const Policy>(*p), kSite);
  detect::Detectors detectors(options);
  detectors.emit(hl7WithPatient("10.12.2.15", "203.0.113.45", 1));
  Collect out;
  detectors.decide(detect::DeviceIndex(
                       {device("mac:00:a0:9a:00:00:01", "10.12.2.15", "local", "patient-monitor"),
                        device("ip:203.0.113.45", "203.0.113.45", "routed", "unknown")}),
                   true, out);
  ASSERT_EQ(out.alerts.size(), 1u);
  EXPECT_EQ(out.alerts[0].severity, 1);
  EXPECT_EQ(evidence(out.alerts[0], "rule"), "");
}

// A flood of distinct flows (a scan) stays within detect.policy_max_flows: decided flows are
// forgotten to make room, flows still waiting for their devices are not, and beyond them new flows
// are refused and counted.
TEST(PolicyDetector, AFloodOfDistinctFlowsStaysBounded) {
  PolicyDetector det(std::make_shared<const Policy>(ward()), kSite);
  det.setMaxFlows(100);
  Collect out;
  const std::vector<events::DeviceRecord> known = {
      device("mac:00:09:5c:00:00:01", "10.12.1.15", "local", "central-station")};
  // 10.12.1.15 is identified; the scanned addresses are not, so their flows wait.
  for (int i = 0; i < 10000; ++i) {
    const std::string dst = "10.13." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    det.emit(flowEvent("10.12.1.15", dst.c_str(), 6, static_cast<uint16_t>(1 + i % 1000), "", i));
    EXPECT_LE(det.flowsHeld(), 100u);
  }
  EXPECT_EQ(det.flowsRefused(), 9900u);
  det.decide(detect::DeviceIndex(known), false, out);
  EXPECT_TRUE(out.alerts.empty());  // all waiting
  det.decide(detect::DeviceIndex(known), true, out);
  EXPECT_EQ(out.alerts.size(), 100u);  // the end of the run decides those held
  // Decided flows make room for new ones.
  for (int i = 0; i < 500; ++i) {
    const std::string dst = "10.14." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    det.emit(flowEvent("10.12.1.15", dst.c_str(), 17, 53, "dns", i));
    EXPECT_LE(det.flowsHeld(), 100u);
  }
  EXPECT_EQ(det.flowsRefused(), 9900u + 400u);  // 100 fit once the decided 100 were forgotten
}

TEST(PolicySuggest, LeastPrivilegeLoadsBackAndAllowsWhatItSaw) {
  FlowLog log;
  Collect out;
  const std::vector<std::pair<const char*, const char*>> pairs = {
      {"10.12.1.19", "10.12.1.15"}, {"10.12.2.15", "10.12.1.15"}, {"10.12.2.16", "10.12.1.15"}};
  log.emit(flowEvent("10.12.1.19", "10.12.1.15", 6, 515, "contec_cms", 1));
  log.emit(flowEvent("10.12.2.15", "10.12.1.15", 6, 2575, "hl7", 2));
  log.emit(flowEvent("10.12.2.16", "10.12.1.15", 6, 2575, "hl7", 3));
  log.emit(flowEvent("10.12.2.16", "10.12.1.15", 6, 2575, "hl7", 4));
  log.emit(flowEvent("10.12.2.16", "224.0.0.252", 17, 5355, "dns", 5));  // not judged
  const std::vector<events::DeviceRecord> devices = {
      device("mac:00:60:6e:00:00:01", "10.12.1.19", "local", "patient-monitor", {"cms8000-family"}),
      device("mac:00:09:5c:00:00:01", "10.12.1.15", "local", "central-station"),
      device("mac:00:a0:9a:00:00:01", "10.12.2.15", "local", "patient-monitor"),
      device("mac:00:a0:9a:00:00:02", "10.12.2.16", "local", "patient-monitor")};
  log.decide(detect::DeviceIndex(devices), false, out);
  EXPECT_EQ(log.devices().devices().size(), 0u);  // only the run's end counts
  log.decide(detect::DeviceIndex(devices), true, out);
  const std::string text = suggestPolicy({&log.flows(), &log.devices(), kSite, {"ward.pcap"}});
  EXPECT_EQ(text, suggestPolicy({&log.flows(), &log.devices(), kSite, {"ward.pcap"}}));
  EXPECT_NE(text.find("  # 3 flows, 2 devices to 1 device\n"
                      "  - {from: patient-monitor, to: central-station, proto: tcp, ports: "
                      "[2575], app: hl7}\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("{from: contec-monitors, to: central-station, proto: tcp, ports: [515], "
                      "app: contec_cms}"),
            std::string::npos);
  EXPECT_EQ(text.find("5355"), std::string::npos);
  auto p = loadPolicyText(text, "suggested.yaml");
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->zones[0].name, "off-site");
  EXPECT_EQ(p->zones[1].name, "contec-monitors");
  ASSERT_EQ(p->allow.size(), 2u);

  PolicyDetector det(std::make_shared<const Policy>(p.value()), kSite);
  for (int i = 1; i <= 4; ++i) {
    det.emit(flowEvent(i == 1 ? "10.12.1.19" : "10.12.2.16", "10.12.1.15", 6, i == 1 ? 515 : 2575,
                       i == 1 ? "contec_cms" : "hl7", i));
  }
  det.emit(flowEvent("10.12.2.15", "10.12.1.15", 6, 22, "", 6));  // not seen: a violation
  det.decide(detect::DeviceIndex(devices), true, out);
  ASSERT_EQ(out.alerts.size(), 1u);
  EXPECT_EQ(evidence(out.alerts[0], "service"), "tcp/22");
  EXPECT_EQ(evidence(out.alerts[0], "rule"), "default: deny");
}

}  // namespace
}  // namespace medtap::policy
