// Whole runs of the simulator: determinism, the sidecar against the capture, the scenarios.
#include "simulate/simulate.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pcap_test_util.h"
#include "simulate/frame.h"

namespace medtap::simulate {
namespace {

using testing::readFile;
using testing::readPcap;
using testing::tcpView;

// The process id keeps two runs of these tests (two build folders, one machine) off each
// other's files: TempDir() is /tmp for both.
std::string tempPath(const std::string& name) {
  return ::testing::TempDir() + "simulate_run_test_" + std::to_string(getpid()) + "_" + name +
         ".pcap";
}

SimulateOptions smallWard(const std::string& name) {
  SimulateOptions o;
  o.beds = 8;
  o.duration = Duration::seconds(240);
  o.seed = 7;
  o.output = tempPath(name);
  return o;
}

nlohmann::json readTruth(const std::string& pcap) {
  std::ifstream in(truthPathFor(pcap));
  return nlohmann::json::parse(in);
}

void removeOutputs(const SimulateOptions& o) {
  std::remove(o.output.c_str());
  std::remove(truthPathFor(o.output).c_str());
}

TEST(SimulateRunTest, SameArgumentsSameBytesOtherSeedOtherBytes) {
  SimulateOptions a = smallWard("det_a");
  a.scenarios = {"contec-backdoor", "vitals-tamper", "phi-exfil", "new-peer", "scan"};
  SimulateOptions b = a;
  b.output = tempPath("det_b");
  SimulateOptions c = a;
  c.output = tempPath("det_c");
  c.seed = 8;
  ASSERT_TRUE(simulate(a).ok());
  ASSERT_TRUE(simulate(b).ok());
  ASSERT_TRUE(simulate(c).ok());
  const auto pa = readFile(a.output), pb = readFile(b.output), pc = readFile(c.output);
  EXPECT_GT(pa.size(), 100'000u);
  EXPECT_TRUE(pa == pb) << "same seed and options gave different captures";
  EXPECT_FALSE(pa == pc) << "a different seed gave the same capture";
  EXPECT_EQ(readFile(truthPathFor(a.output)), readFile(truthPathFor(b.output)));
  for (const auto& o : {a, b, c}) removeOutputs(o);
}

TEST(SimulateRunTest, CaptureIsTimeOrderedWithValidChecksums) {
  SimulateOptions o = smallWard("order");
  o.scenarios = {"contec-backdoor"};
  ASSERT_TRUE(simulate(o).ok());
  const auto recs = readPcap(o.output);
  ASSERT_GT(recs.size(), 1000u);
  for (size_t i = 1; i < recs.size(); ++i) ASSERT_LE(recs[i - 1].ts_us, recs[i].ts_us) << i;
  size_t checked = 0;
  for (const auto& r : recs) {
    Bytes f(r.bytes);
    ASSERT_GE(f.size(), kMinFrameBytes);
    if (readBe16(f, 12) != kEtherTypeIpv4) continue;
    const size_t ip_len = readBe16(f, 16);
    ASSERT_EQ(onesComplementSum(&r.bytes[14], 20), 0xFFFFu) << "IPv4 header checksum";
    const uint8_t proto = f[23];
    if (proto != kIpProtoTcp && proto != kIpProtoUdp) continue;
    const size_t l4 = ip_len - 20;
    const uint64_t pseudo = uint64_t{readBe16(f, 26)} + readBe16(f, 28) + readBe16(f, 30) +
                            readBe16(f, 32) + proto + l4;
    ASSERT_EQ(onesComplementSum(&r.bytes[34], l4, pseudo), 0xFFFFu) << "L4 checksum";
    ++checked;
  }
  EXPECT_GT(checked, 1000u);
  removeOutputs(o);
}

TEST(SimulateRunTest, SidecarCountsEveryHl7MessageInTheCapture) {
  SimulateOptions o = smallWard("hl7");
  auto summary = simulate(o);
  ASSERT_TRUE(summary.ok());
  const nlohmann::json truth = readTruth(o.output);
  std::set<int> hl7_ports;
  for (int p : truth["ports"]["hl7"]) hl7_ports.insert(p);
  ASSERT_FALSE(hl7_ports.empty());
  // Every MLLP frame starts with 0x0B, which HL7 text never contains; losses here happen before
  // the capture point, so each byte is on the wire once.
  uint64_t starts = 0;
  for (const auto& r : readPcap(o.output)) {
    auto v = tcpView(r.bytes);
    if (!v.ok || (hl7_ports.count(v.src_port) == 0 && hl7_ports.count(v.dst_port) == 0)) continue;
    for (uint8_t b : v.payload) starts += b == 0x0B;
  }
  EXPECT_GT(starts, 100u);
  EXPECT_EQ(starts, truth["counts"]["hl7.messages"].get<uint64_t>());
  EXPECT_EQ(starts, summary->hl7_messages);
  EXPECT_EQ(truth["counts"]["hl7.ORU^R01"], truth["counts"]["hl7.ACK"]);
  removeOutputs(o);
}

TEST(SimulateRunTest, SidecarListsTheWardAndNoPatientData) {
  SimulateOptions o = smallWard("devices");
  o.beds = 24;
  o.scenarios = {"contec-backdoor"};
  ASSERT_TRUE(simulate(o).ok());
  const nlohmann::json truth = readTruth(o.output);
  std::set<std::string> classes, vendors, ids;
  bool contec = false;
  for (const auto& d : truth["devices"]) {
    classes.insert(d["device_class"]);
    vendors.insert(d["vendor"]);
    EXPECT_TRUE(ids.insert(d["id"]).second) << "duplicate id " << d["id"];
    if (d["model"] == "CMS8000" || d["model"] == "MN-120") {
      contec = true;
      const std::string mac = d["mac"];
      EXPECT_NE(mac.substr(0, 8), "00:80:4c") << "CONTEC Japan's OUI";
      EXPECT_NE(mac.substr(0, 8), "74:6f:3d") << "Contec GmbH's OUI";
    }
  }
  EXPECT_TRUE(contec);
  for (const char* c :
       {"patient-monitor", "central-station", "interface-engine", "infusion-pump",
        "imaging-modality", "pacs", "workstation", "printer", "network-infrastructure", "server"}) {
    EXPECT_TRUE(classes.count(c)) << c;
  }
  for (const char* v : {"Philips", "GE Healthcare", "Mindray", "Nihon Kohden", "Draeger",
                        "Contec Medical Systems"}) {
    EXPECT_TRUE(vendors.count(v)) << v;
  }
  // The sidecar is an output: no patient identifiers (all synthetic ids start with SIM).
  const std::string text = truth.dump();
  EXPECT_EQ(text.find("SIM1"), std::string::npos);
  EXPECT_EQ(text.find("PID|"), std::string::npos);
  removeOutputs(o);
}

TEST(SimulateRunTest, EveryScenarioLeavesItsEventsInTheSidecar) {
  SimulateOptions o = smallWard("scenarios");
  o.beds = 12;
  o.duration = Duration::seconds(600);
  o.scenarios = {"contec-backdoor", "phi-exfil", "vitals-tamper", "scan", "new-peer"};
  ASSERT_TRUE(simulate(o).ok());
  const nlohmann::json truth = readTruth(o.output);
  std::map<std::string, std::set<std::string>> actions;
  for (const auto& s : truth["scenarios"]) {
    for (const auto& e : s["events"]) actions[s["name"]].insert(e["action"]);
  }
  const std::set<std::string> backdoor = actions["contec-backdoor"];
  for (const char* a : {"interface_up", "portmap_getport", "nfs_mount", "nfs_read",
                        "cms_stream_offsite", "hl7_offsite"}) {
    EXPECT_TRUE(backdoor.count(a)) << a;
  }
  EXPECT_TRUE(actions["phi-exfil"].count("hl7_to_internet"));
  EXPECT_EQ(actions["vitals-tamper"],
            (std::set<std::string>{"values_frozen", "messages_replayed", "impossible_values",
                                   "values_spiking", "sensors_disagree",
                                   "observation_time_backwards", "observation_time_ahead",
                                   "second_device_for_bed", "contec_impossible_values"}));
  EXPECT_TRUE(actions["scan"].count("arp_sweep"));
  EXPECT_TRUE(actions["scan"].count("syn_scan"));
  EXPECT_TRUE(actions["new-peer"].count("first_contact"));
  // The off-site stream really leaves through the router: frames to 202.114.4.119 carry the
  // router's MAC.
  const std::string router_mac = truth["network"]["router_mac"];
  bool seen = false;
  for (const auto& r : readPcap(o.output)) {
    auto v = tcpView(r.bytes);
    if (!v.ok || v.dst_ip != 0xCA720477 || v.dst_port != 515) continue;
    char mac[18];
    std::snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", r.bytes[0], r.bytes[1],
                  r.bytes[2], r.bytes[3], r.bytes[4], r.bytes[5]);
    EXPECT_EQ(mac, router_mac);
    seen = true;
  }
  EXPECT_TRUE(seen);
  removeOutputs(o);
}

TEST(SimulateRunTest, LanDefaultPutsTheCentralStationOnTheWard) {
  SimulateOptions o = smallWard("landefault");
  o.scenarios = {"contec-lan-default"};
  ASSERT_TRUE(simulate(o).ok());
  const nlohmann::json truth = readTruth(o.output);
  std::string pc_mac;
  for (const auto& d : truth["devices"]) {
    if (d["ip"] == "202.114.4.119") {
      EXPECT_EQ(d["site"], "lan");
      pc_mac = d["mac"];
    }
  }
  ASSERT_FALSE(pc_mac.empty());
  EXPECT_NE(pc_mac, truth["network"]["router_mac"]);
  removeOutputs(o);
}

TEST(SimulateRunTest, SizeKeepsGoingUntilTheFileIsBigEnough) {
  SimulateOptions o = smallWard("size");
  o.duration = Duration::seconds(10);
  o.size_bytes = 20'000'000;
  auto s = simulate(o);
  ASSERT_TRUE(s.ok());
  EXPECT_GE(s->bytes, o.size_bytes);
  EXPECT_LT(s->bytes, o.size_bytes + 16'000'000);  // stops within one image's worth
  EXPECT_EQ(s->stopped_by, "size");
  removeOutputs(o);
}

TEST(SimulateRunTest, BadOptionsAreRefusedWithAReason) {
  SimulateOptions o = smallWard("bad");
  o.scenarios = {"contec-bakdoor"};
  auto r = simulate(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("unknown scenario"), std::string::npos);
  o.scenarios.clear();
  o.beds = 0;
  EXPECT_FALSE(simulate(o).ok());
  o.beds = 4;
  o.output = "/nonexistent-dir/x.pcap";
  EXPECT_FALSE(simulate(o).ok());
}

}  // namespace
}  // namespace medtap::simulate
