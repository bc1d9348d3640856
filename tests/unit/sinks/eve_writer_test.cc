#include "sinks/eve_writer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

namespace medtap::sinks {
namespace {

events::FlowRef tcpFlow() {
  events::FlowRef f;
  f.id = 1234567;
  f.src_ip = *IpAddress::parse("10.1.2.12");
  f.dest_ip = *IpAddress::parse("202.114.4.119");
  f.src_port = 40001;
  f.dest_port = 515;
  f.proto = 6;
  f.app_proto = "hl7";
  return f;
}

TEST(Eve, FlowEventMatchesTheContract) {
  events::FlowRecord rec;
  rec.pkts_toserver = 5;
  rec.pkts_toclient = 4;
  rec.bytes_toserver = 700;
  rec.bytes_toclient = 300;
  rec.start = Timestamp::fromSecNs(1764064800, 0);
  rec.end = Timestamp::fromSecNs(1764064802, 22903000);
  rec.state = "closed";
  rec.reason = "timeout";
  events::Event e{rec.end, tcpFlow(), rec};
  std::string line;
  formatEve(e, line);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["timestamp"], "2025-11-25T10:00:02.022903+0000");
  EXPECT_EQ(j["event_type"], "flow");
  EXPECT_EQ(j["flow_id"], 1234567);
  EXPECT_EQ(j["src_ip"], "10.1.2.12");
  EXPECT_EQ(j["src_port"], 40001);
  EXPECT_EQ(j["dest_ip"], "202.114.4.119");
  EXPECT_EQ(j["dest_port"], 515);
  EXPECT_EQ(j["proto"], "TCP");
  EXPECT_EQ(j["app_proto"], "hl7");
  EXPECT_FALSE(j.contains("vlan"));
  EXPECT_EQ(j["flow"]["pkts_toserver"], 5);
  EXPECT_EQ(j["flow"]["bytes_toclient"], 300);
  EXPECT_EQ(j["flow"]["start"], "2025-11-25T10:00:00.000000+0000");
  EXPECT_EQ(j["flow"]["age"], 2);
  EXPECT_EQ(j["flow"]["state"], "closed");
  EXPECT_EQ(j["flow"]["reason"], "timeout");
}

TEST(Eve, VlanAndIcmpHaveNoPorts) {
  auto f = tcpFlow();
  f.proto = 1;
  f.app_proto = "";
  f.vlan_count = 2;
  f.vlan = {100, 200};
  events::Event e{Timestamp{0}, f, events::FlowRecord{}};
  std::string line;
  formatEve(e, line);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["proto"], "ICMP");
  EXPECT_EQ(j["vlan"], nlohmann::json::array({100, 200}));
  EXPECT_FALSE(j.contains("src_port"));
  EXPECT_FALSE(j.contains("app_proto"));
}

TEST(Eve, Hl7EventCarriesHeaderFieldsEscaped) {
  events::Hl7Message m;
  m.message_type = "ORU^R01";
  m.control_id = "MSG\"0001";
  m.version = "2.6";
  m.sending_application = "MONITOR^0012345678ABCDEF^EUI-64";
  m.segments = {"MSH", "PID", "OBR", "OBX"};
  m.length = 512;
  events::Event e{Timestamp{0}, tcpFlow(), m};
  std::string line;
  formatEve(e, line);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["event_type"], "hl7");
  EXPECT_EQ(j["hl7"]["message_type"], "ORU^R01");
  EXPECT_EQ(j["hl7"]["control_id"], "MSG\"0001");
  EXPECT_EQ(j["hl7"]["segments"].size(), 4u);
  EXPECT_FALSE(j["hl7"].contains("ack_code"));
}

TEST(EveWriter, WritesOneLinePerEventAndCountsByType) {
  std::string path = ::testing::TempDir() + "/eve_writer_test.json";
  {
    auto w = EveWriter::open(path);
    ASSERT_TRUE(w.ok()) << w.error();
    for (int i = 0; i < 3; ++i) (*w)->emit({Timestamp{i}, tcpFlow(), events::FlowRecord{}});
    (*w)->emit({Timestamp{9}, tcpFlow(), events::Hl7Message{}});
    EXPECT_EQ((*w)->eventsWritten(), 4u);
    EXPECT_EQ((*w)->eventsByType().at("flow"), 3u);
  }
  std::ifstream in(path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    EXPECT_NO_THROW((void)nlohmann::json::parse(line));
    ++n;
  }
  EXPECT_EQ(n, 4);
  std::remove(path.c_str());
}

TEST(EveWriter, UnwritablePathIsAOneLineError) {
  auto w = EveWriter::open("/nonexistent-dir/eve.json");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error(), "/nonexistent-dir/eve.json: No such file or directory");
}

}  // namespace
}  // namespace medtap::sinks
