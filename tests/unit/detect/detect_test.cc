// The detectors decide by where the destination is: the Contec traffic through the router is
// severity 1, on the ward LAN severity 2; patient data off-site alerts, inside the site does not;
// repeats fold into one alert.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "detect/contec.h"
#include "detect/detectors.h"

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

events::FlowRef flow(const char* src, const char* dst, uint16_t port, std::string_view app) {
  events::FlowRef f;
  f.id = 1;
  f.src_ip = ip(src);
  f.dest_ip = ip(dst);
  f.src_port = 40000;
  f.dest_port = port;
  f.proto = 6;
  f.app_proto = app;
  return f;
}

events::DeviceRecord device(const char* id, const char* addr, std::string_view locality,
                            const char* cls = "unknown") {
  events::DeviceRecord d;
  d.id = id;
  d.device_class = cls;
  events::DeviceAddress a;
  a.ip = ip(addr);
  a.locality = locality;
  d.addresses.push_back(a);
  return d;
}

// An address that moved to another device belongs to the one listed last; the index hands out
// the whole record (tags, vendor) and keeps it valid when the index is moved.
TEST(DeviceIndexTest, AnAddressBelongsToTheDeviceListedLastAndCarriesItsRecord) {
  auto old_holder = device("mac:00:00:00:00:00:01", "10.1.2.3", "local", "workstation");
  auto monitor = device("mac:00:00:00:00:00:02", "10.1.2.3", "local", "patient-monitor");
  monitor.tags = {"cms8000-family"};
  DeviceIndex built({old_holder, monitor});
  const DeviceIndex index = std::move(built);
  const AddressInfo* info = index.find(ip("10.1.2.3"));
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->device_id, "mac:00:00:00:00:00:02");
  ASSERT_NE(info->device, nullptr);
  EXPECT_EQ(info->device->tags, std::vector<std::string>{"cms8000-family"});
  EXPECT_EQ(index.devices().size(), 2u);
  EXPECT_EQ(index.find(ip("10.1.2.4")), nullptr);
}

events::Event contecPatientRecord(const char* src, const char* dst, int64_t sec) {
  events::ContecCmsBlock b;
  b.block_name = "patient_record";
  b.patient = events::ContecPatient{"pt_aaaaaaaaaaaaaaaa", "pt_bbbbbbbbbbbbbbbb", "", "", ""};
  return events::Event{at(sec), flow(src, dst, 515, "contec_cms"), b, events::Direction::ToServer};
}

events::Event mountPm(const char* src, const char* dst) {
  events::RpcTransaction t;
  t.rpc.procedure_name = "MNT";
  t.mount_path = "/pm";
  return events::Event{at(0), flow(src, dst, 892, "rpc"), t, events::Direction::ToServer};
}

DetectOptions site() {
  return DetectOptions{{*IpNetwork::parse("10.0.0.0/8")}};
}

TEST(ContecDetections, ThroughTheRouterIsSeverityOneOnTheLanSeverityTwo) {
  for (const char* locality : {"routed", "local"}) {
    Detectors detectors(site());
    detectors.emit(mountPm("10.12.1.18", "202.114.4.119"));
    for (int i = 0; i < 50; ++i) {
      detectors.emit(contecPatientRecord("10.12.1.18", "202.114.4.119", 10 + i));
    }
    Collect out;
    DeviceIndex devices({device("mac:00:60:6e:00:00:01", "10.12.1.18", "local"),
                         device("ip:202.114.4.119", "202.114.4.119", locality)});
    detectors.decide(devices, false, out);
    ASSERT_EQ(out.alerts.size(), 2u) << locality;
    const bool routed = std::string_view(locality) == "routed";
    EXPECT_EQ(out.alerts[0].signature_id, routed ? 9000101u : 9000102u);
    EXPECT_EQ(out.alerts[1].signature_id, routed ? 9000111u : 9000112u);
    for (const auto& a : out.alerts) {
      EXPECT_EQ(a.severity, routed ? 1 : 2) << a.signature;
      EXPECT_EQ(a.device_id, "mac:00:60:6e:00:00:01");
    }
    EXPECT_EQ(out.alerts[1].count, 50u);
    EXPECT_EQ(out.alerts[1].first_seen, at(10));
    EXPECT_EQ(out.alerts[1].last_seen, at(59));
    EXPECT_EQ(out.alerts[0].cve, (std::vector<std::string_view>{"CVE-2025-0626", "CVE-2025-1204"}));
    EXPECT_EQ(out.alerts[1].cve, (std::vector<std::string_view>{"CVE-2025-0683"}));
    // Decided once: later occurrences raise nothing new.
    detectors.emit(contecPatientRecord("10.12.1.18", "202.114.4.119", 100));
    Collect again;
    detectors.decide(devices, true, again);
    EXPECT_TRUE(again.alerts.empty());
  }
}

TEST(ContecDetections, AnUnknownDestinationWaitsUntilTheEnd) {
  Detectors detectors(site());
  detectors.emit(mountPm("10.12.1.18", "202.114.4.119"));
  Collect out;
  detectors.decide(DeviceIndex{}, false, out);
  EXPECT_TRUE(out.alerts.empty());
  // No link layer, and outside the site's networks: counted as leaving the site.
  detectors.decide(DeviceIndex{}, true, out);
  ASSERT_EQ(out.alerts.size(), 1u);
  EXPECT_EQ(out.alerts[0].severity, 1);
}

TEST(ContecDetections, EvidenceCarriesTokensAndFieldNamesNeverValues) {
  Detectors detectors(site());
  detectors.emit(contecPatientRecord("10.12.1.18", "202.114.4.119", 0));
  Collect out;
  detectors.decide(DeviceIndex({device("ip:202.114.4.119", "202.114.4.119", "routed")}), true, out);
  ASSERT_EQ(out.alerts.size(), 1u);
  std::string all;
  for (const auto& [k, v] : out.alerts[0].evidence) all += std::string(k) + "=" + v + ";";
  EXPECT_NE(all.find("patient_tokens=pt_bbbbbbbbbbbbbbbb"), std::string::npos) << all;
  EXPECT_NE(all.find("destination_locality=routed"), std::string::npos) << all;
  EXPECT_NE(all.find("contec_host=Contec default CMS server"), std::string::npos) << all;
}

events::Event hl7WithPatient(const char* src, const char* dst) {
  events::Hl7Message m;
  m.message_type = "ORU^R01";
  m.patient.id = "pt_cccccccccccccccc";
  m.patient.add(events::Hl7PhiField::Pid3);
  m.patient.add(events::Hl7PhiField::Pid5);
  return events::Event{at(0), flow(src, dst, 2575, "hl7"), m, events::Direction::ToServer};
}

TEST(PhiExposure, OffSiteAlertsInsideTheSiteDoesNot) {
  Detectors detectors(site());
  detectors.emit(hl7WithPatient("10.12.1.10", "203.0.113.45"));  // the internet
  detectors.emit(hl7WithPatient("10.12.1.10", "10.1.5.20"));     // the EHR, routed but inside
  Collect out;
  detectors.decide(DeviceIndex({device("ip:203.0.113.45", "203.0.113.45", "routed"),
                                device("ip:10.1.5.20", "10.1.5.20", "routed")}),
                   true, out);
  ASSERT_EQ(out.alerts.size(), 1u);
  EXPECT_EQ(out.alerts[0].signature_id, 9000201u);
  EXPECT_EQ(out.alerts[0].severity, 1);
  std::string fields;
  for (const auto& [k, v] : out.alerts[0].evidence) {
    if (k == "phi_fields") fields = v;
  }
  EXPECT_EQ(fields, "PID-3, PID-5");
}

TEST(PhiExposure, APublicAddressOnThisLanIsNotOffSite) {
  Detectors detectors(site());
  detectors.emit(hl7WithPatient("10.12.1.10", "198.51.100.9"));
  Collect out;
  detectors.decide(DeviceIndex({device("mac:00:00:00:00:00:09", "198.51.100.9", "local")}), true,
                   out);
  EXPECT_TRUE(out.alerts.empty());
}

TEST(ContecPack, NamesTheTwoHardCodedHosts) {
  EXPECT_NE(contecHostName(ip("202.114.4.119")).find("CMS server"), std::string_view::npos);
  EXPECT_NE(contecHostName(ip("202.114.4.120")).find("HL7 server"), std::string_view::npos);
  EXPECT_EQ(contecHostName(ip("202.114.5.119")), "");
}

}  // namespace
}  // namespace medtap::detect
