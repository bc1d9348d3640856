#include "analyzers/dhcp/dhcp_analyzer.h"

#include <gtest/gtest.h>

#include <string>

#include "../test_support.h"
#include "analyzers/dispatcher.h"
#include "dhcp_builder.h"
#include "sinks/eve_writer.h"

namespace medtap::analyzers::dhcp {
namespace {

using testing::DhcpBuilder;

TEST(DhcpProbe, CookieDecides) {
  const auto ok = DhcpBuilder(1).option(53, {1}).end().build();
  EXPECT_EQ(probe(Bytes(ok), Direction::Originator), ProbeResult::Yes);
  auto bad = ok;
  bad[236] = 0;
  EXPECT_EQ(probe(Bytes(bad), Direction::Originator), ProbeResult::No);
  auto op = ok;
  op[0] = 3;
  EXPECT_EQ(probe(Bytes(op), Direction::Originator), ProbeResult::No);
  auto hops = ok;
  hops[3] = 17;
  EXPECT_EQ(probe(Bytes(hops), Direction::Originator), ProbeResult::No);
  EXPECT_EQ(probe(Bytes(ok).first(239), Direction::Originator), ProbeResult::No);
}

struct Harness {
  fixtures::RecordingSink sink;
  AnomalyCounters anomalies;
  privacy::PhiTokenizer phi = privacy::PhiTokenizer::withSecret("test");
  Registry registry;
  std::unique_ptr<Dispatcher> dispatcher;
  flow::Flow flow = fixtures::makeFlow(17, 68, 67);
  Harness() {
    registerAnalyzers(registry);
    dispatcher = std::make_unique<Dispatcher>(registry, sink, anomalies, phi);
  }
  void send(Direction dir, const std::vector<uint8_t>& payload, int64_t sec) {
    decode::DecodedPacket p;
    p.ts = Timestamp::fromSecNs(sec, 0);
    p.payload = Bytes(payload);
    dispatcher->onDatagram(flow, dir, p);
  }
};

TEST(DhcpAnalyzer, ExchangeThroughDispatcher) {
  Harness h;
  h.send(Direction::Originator, DhcpBuilder(1).option(53, {1}).option(12, "pump-7").end().build(),
         1);
  h.send(Direction::Responder,
         DhcpBuilder(2).yiaddr(0x0a000007).option(53, {5}).option(51, {0, 0, 1, 0}).end().build(),
         2);
  EXPECT_EQ(h.flow.app_proto, "dhcp");
  ASSERT_EQ(h.sink.events.size(), 2u);
  EXPECT_EQ(h.sink.events[0].direction, events::Direction::ToServer);
  EXPECT_EQ(h.sink.events[1].direction, events::Direction::ToClient);
  std::string line;
  sinks::formatEve(h.sink.events[1], line);
  EXPECT_NE(line.find("\"event_type\":\"dhcp\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"dhcp\":{\"type\":\"reply\",\"id\":305419896,"
                      "\"client_mac\":\"00:1b:2c:3d:4e:5f\",\"assigned_ip\":\"10.0.0.7\""),
            std::string::npos)
      << line;
  EXPECT_NE(line.find("\"dhcp_type\":\"ack\",\"lease_time\":256"), std::string::npos) << line;
  line.clear();
  sinks::formatEve(h.sink.events[0], line);
  EXPECT_NE(line.find("\"hostname\":\"pump-7\""), std::string::npos) << line;
}

TEST(DhcpAnalyzer, ParamsNamedAndRaw) {
  Harness h;
  h.send(Direction::Originator, DhcpBuilder(1).option(55, {1, 3, 6, 15, 121, 42}).end().build(), 1);
  ASSERT_EQ(h.sink.events.size(), 1u);
  std::string line;
  sinks::formatEve(h.sink.events[0], line);
  EXPECT_NE(line.find("\"params\":[\"subnet_mask\",\"router\",\"dns_server\",\"domain\","
                      "\"ntp_server\"],\"params_raw\":[1,3,6,15,121,42]"),
            std::string::npos)
      << line;
}

TEST(DhcpAnalyzer, BadDatagramsAreCountedNotFatal) {
  Harness h;
  h.send(Direction::Originator, DhcpBuilder(1).option(53, {1}).end().build(), 1);
  auto bad = DhcpBuilder(1).option(53, {3}).end().build();
  bad[237] = 0;
  h.send(Direction::Originator, bad, 2);
  h.send(Direction::Originator, std::vector<uint8_t>(20, 1), 3);
  h.send(Direction::Originator, DhcpBuilder(1).option(53, {3}).end().build(), 4);
  EXPECT_EQ(h.sink.events.size(), 3u);  // the header-only one included
  EXPECT_EQ(h.anomalies.get(Anomaly::DhcpBadMagicCookie), 1u);
  EXPECT_EQ(h.anomalies.get(Anomaly::DhcpTruncatedMessage), 1u);
  EXPECT_EQ(h.anomalies.get(Anomaly::AnalyzerOutOfSync), 0u);
}

}  // namespace
}  // namespace medtap::analyzers::dhcp
