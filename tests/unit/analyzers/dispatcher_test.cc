#include "analyzers/dispatcher.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"

namespace medtap::analyzers {
namespace {

using fixtures::makeFlow;
using fixtures::RecordingSink;

constexpr uint8_t kTcp = 6;
constexpr uint8_t kUdp = 17;
constexpr uint8_t kIcmp = 1;

// What the fake analyzers saw. Probes and factories are plain function pointers, so they report
// here; the fixture clears it before each test.
struct FakeLog {
  std::vector<std::string> calls;   // "feed O FAKE...", "gap R 100", "end O", "dgram O ..."
  std::vector<std::string> probes;  // analyzer names in the order they were asked
  int created = 0;
  int destroyed = 0;
};
FakeLog g_log;

char dirChar(Direction d) {
  return d == Direction::Originator ? 'O' : 'R';
}

// Records everything; emits an hl7 event per chunk carrying the chunk as control_id (so tests
// can see the flow header the dispatcher built); goes out of sync on "DESYNC".
class FakeStream : public StreamAnalyzer {
 public:
  FakeStream() { ++g_log.created; }
  ~FakeStream() override { ++g_log.destroyed; }
  FeedResult feed(AnalyzerContext& ctx, Direction dir, Bytes data, Timestamp ts) override {
    const std::string text(asChars(data));
    g_log.calls.push_back(std::string("feed ") + dirChar(dir) + " " + text);
    events::Hl7Message m;
    m.control_id = text;
    ctx.events.emit(events::Event{ts, ctx.flow, m});
    return text.find("DESYNC") != std::string::npos ? FeedResult::OutOfSync : FeedResult::Consumed;
  }
  void gap(AnalyzerContext&, Direction dir, uint64_t length, Timestamp) override {
    g_log.calls.push_back(std::string("gap ") + dirChar(dir) + " " + std::to_string(length));
  }
  void end(AnalyzerContext&, Direction dir, Timestamp) override {
    g_log.calls.push_back(std::string("end ") + dirChar(dir));
  }
};

class FakeDatagram : public DatagramAnalyzer {
 public:
  FakeDatagram() { ++g_log.created; }
  ~FakeDatagram() override { ++g_log.destroyed; }
  FeedResult feed(AnalyzerContext&, Direction dir, const decode::DecodedPacket& p) override {
    const std::string text(asChars(p.payload));
    g_log.calls.push_back(std::string("dgram ") + dirChar(dir) + " " + text);
    return text.find("DESYNC") != std::string::npos ? FeedResult::OutOfSync : FeedResult::Consumed;
  }
};

std::unique_ptr<StreamAnalyzer> makeFakeStream() {
  return std::make_unique<FakeStream>();
}
std::unique_ptr<DatagramAnalyzer> makeFakeDatagram() {
  return std::make_unique<FakeDatagram>();
}

ProbeResult prefixProbe(Bytes b, std::string_view magic) {
  const std::string_view text = asChars(b);
  if (text.size() >= magic.size())
    return text.starts_with(magic) ? ProbeResult::Yes : ProbeResult::No;
  return magic.starts_with(text) ? ProbeResult::Maybe : ProbeResult::No;
}

// "fake": the client opens with "FAKE"; the server side proves nothing either way.
ProbeResult probeFake(Bytes b, Direction dir) {
  g_log.probes.push_back("fake");
  const ProbeResult r = prefixProbe(b, "FAKE");
  return r == ProbeResult::No && dir == Direction::Responder ? ProbeResult::Maybe : r;
}
ProbeResult probeOther(Bytes b, Direction) {
  g_log.probes.push_back("other");
  return prefixProbe(b, "OTHR");
}
ProbeResult probeMaybe(Bytes, Direction) {
  return ProbeResult::Maybe;
}
ProbeResult probeYesAt16(Bytes b, Direction) {
  return b.size() >= 16 ? ProbeResult::Yes : ProbeResult::Maybe;
}
ProbeResult probeUdp(Bytes b, Direction) {
  return prefixProbe(b, "UDPF");
}

AnalyzerDef fakeDef() {
  return {"fake", Transport::Tcp, {}, &probeFake, &makeFakeStream, nullptr};
}
AnalyzerDef otherDef() {
  return {"other", Transport::Tcp, {9999}, &probeOther, &makeFakeStream, nullptr};
}
AnalyzerDef udpDef() {
  return {"udpfake", Transport::Udp, {}, &probeUdp, nullptr, &makeFakeDatagram};
}

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_log = {};
    registry_.add(fakeDef());
    registry_.add(otherDef());
    registry_.add(udpDef());
  }
  Dispatcher make(const DispatcherLimits& limits = {}) {
    return Dispatcher(registry_, sink_, anomalies_, phi_, limits);
  }
  static void data(Dispatcher& d, flow::Flow& f, Direction dir, std::string_view text,
                   int64_t t = 1) {
    d.onStreamData(f, dir, asBytes(text), Timestamp::fromSeconds(t));
  }
  static void datagram(Dispatcher& d, flow::Flow& f, Direction dir, std::string_view text) {
    decode::DecodedPacket p;
    p.payload = asBytes(text);
    d.onDatagram(f, dir, p);
  }

  Registry registry_;
  RecordingSink sink_;
  AnomalyCounters anomalies_;
  privacy::PhiTokenizer phi_ = privacy::PhiTokenizer::withSecret("test");
};

constexpr Direction O = Direction::Originator;
constexpr Direction R = Direction::Responder;
using Calls = std::vector<std::string>;

TEST_F(DispatcherTest, RecognisesFromTheFirstChunk) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kTcp, 40000, 80);
  data(d, f, O, "FAKE hello");
  EXPECT_EQ(f.app_proto, "fake");
  data(d, f, O, "more");
  data(d, f, R, "reply");
  EXPECT_EQ(g_log.calls, (Calls{"feed O FAKE hello", "feed O more", "feed R reply"}));
  EXPECT_EQ(g_log.created, 1);
  EXPECT_EQ(anomalies_.total(), 0u);
}

TEST_F(DispatcherTest, ProbesPortHintedAnalyzersFirst) {
  Dispatcher d = make();
  flow::Flow hinted = makeFlow(kTcp, 40000, 9999);
  data(d, hinted, O, "zzzz");
  EXPECT_EQ(g_log.probes, (Calls{"other", "fake"}));
  g_log.probes.clear();
  flow::Flow plain = makeFlow(kTcp, 40000, 80);
  data(d, plain, O, "zzzz");
  EXPECT_EQ(g_log.probes, (Calls{"fake", "other"}));
}

TEST_F(DispatcherTest, FirstYesWins) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kTcp, 40000, 9999);
  data(d, f, O, "OTHR");
  EXPECT_EQ(f.app_proto, "other");
  EXPECT_EQ(g_log.probes, (Calls{"other"}));  // later probes are not asked
}

TEST_F(DispatcherTest, BuffersWhileUndecidedAndFeedsEverythingOnce) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kTcp, 40000, 80);
  data(d, f, O, "F");
  data(d, f, O, "AK");
  EXPECT_EQ(f.app_proto, "");
  EXPECT_TRUE(g_log.calls.empty());
  data(d, f, O, "E and the rest");
  EXPECT_EQ(f.app_proto, "fake");
  EXPECT_EQ(g_log.calls, (Calls{"feed O FAKE and the rest"}));
}

TEST_F(DispatcherTest, ReplaysTheDirectionThatSpokeFirstFirst) {
  {
    Dispatcher d = make();
    flow::Flow f = makeFlow(kTcp, 40000, 80);
    data(d, f, O, "FA");
    data(d, f, R, "hi");
    data(d, f, O, "KE!");
    EXPECT_EQ(g_log.calls, (Calls{"feed O FAKE!", "feed R hi"}));
  }
  g_log = {};
  {
    Dispatcher d = make();
    flow::Flow f = makeFlow(kTcp, 40000, 80);
    data(d, f, R, "hi");
    data(d, f, O, "FAKE!");
    EXPECT_EQ(g_log.calls, (Calls{"feed R hi", "feed O FAKE!"}));
  }
}

TEST_F(DispatcherTest, DirectionThatEndedWhileProbingIsEndedAfterItsReplay) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kTcp, 40000, 80);
  data(d, f, R, "banner");
  d.onStreamEnd(f, R, Timestamp::fromSeconds(2));
  data(d, f, O, "FAKE");
  EXPECT_EQ(g_log.calls, (Calls{"feed R banner", "end R", "feed O FAKE"}));
  d.onFlowEnd(f, flow::EndReason::Shutdown, Timestamp::fromSeconds(3));
  EXPECT_EQ(g_log.calls.back(), "end O");  // R is not ended twice
  EXPECT_EQ(g_log.calls.size(), 4u);
}

TEST_F(DispatcherTest, GivesUpWhenEveryProbeSaysNo) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kTcp, 40000, 80);
  data(d, f, O, "GET / HTTP/1.1\r\n");
  EXPECT_EQ(f.app_proto, "");
  const size_t probes = g_log.probes.size();
  data(d, f, O, "FAKE");  // too late: the flow is unclassified for good
  EXPECT_EQ(f.app_proto, "");
  EXPECT_EQ(g_log.probes.size(), probes);  // and nothing is probed again
  EXPECT_EQ(g_log.created, 0);
  EXPECT_EQ(anomalies_.total(), 0u);  // an unknown protocol is not an anomaly
}

TEST_F(DispatcherTest, ANoIsFinalForTheFlow) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kTcp, 40000, 80);
  data(d, f, O, "OT");  // fake: No; other: Maybe
  g_log.probes.clear();
  data(d, f, O, "HR");
  EXPECT_EQ(f.app_proto, "other");
  EXPECT_EQ(g_log.probes, (Calls{"other"}));
}

TEST_F(DispatcherTest, ProbeWindowIsBoundedAndCounted) {
  registry_ = Registry();
  registry_.add({"maybe", Transport::Tcp, {}, &probeMaybe, &makeFakeStream, nullptr});
  DispatcherLimits limits;
  limits.probe_window = 16;
  Dispatcher d = make(limits);
  flow::Flow f = makeFlow(kTcp, 40000, 80);
  data(d, f, O, "0123456789");
  EXPECT_EQ(anomalies_.get(Anomaly::AnalyzerProbeLimit), 0u);
  data(d, f, O, "0123456789");
  EXPECT_EQ(anomalies_.get(Anomaly::AnalyzerProbeLimit), 1u);
  data(d, f, O, "0123456789");
  EXPECT_EQ(anomalies_.get(Anomaly::AnalyzerProbeLimit), 1u);
  EXPECT_EQ(f.app_proto, "");
  EXPECT_EQ(g_log.created, 0);
}

TEST_F(DispatcherTest, ABigFirstChunkIsProbedOnItsWindowOnly) {
  registry_ = Registry();
  registry_.add({"maybe", Transport::Tcp, {}, &probeMaybe, &makeFakeStream, nullptr});
  DispatcherLimits limits;
  limits.probe_window = 16;
  Dispatcher d = make(limits);
  flow::Flow f = makeFlow(kTcp, 40000, 80);
  data(d, f, O, std::string(1000, 'x'));
  EXPECT_EQ(anomalies_.get(Anomaly::AnalyzerProbeLimit), 1u);
}

TEST_F(DispatcherTest, YesAtTheEdgeOfTheWindowGetsEveryByte) {
  registry_ = Registry();
  registry_.add({"edge", Transport::Tcp, {}, &probeYesAt16, &makeFakeStream, nullptr});
  DispatcherLimits limits;
  limits.probe_window = 16;
  Dispatcher d = make(limits);
  flow::Flow f = makeFlow(kTcp, 40000, 80);
  data(d, f, O, "0123456789");
  data(d, f, O, "abcdefghij");
  EXPECT_EQ(f.app_proto, "edge");
  // The window (16 bytes) comes from the held copy, the rest straight from the chunk.
  EXPECT_EQ(g_log.calls, (Calls{"feed O 0123456789abcdef", "feed O ghij"}));
  EXPECT_EQ(anomalies_.total(), 0u);
}

TEST_F(DispatcherTest, GapBeforeRecognitionGivesUp) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kTcp, 40000, 80);
  data(d, f, O, "FA");
  d.onStreamGap(f, O, 100, Timestamp::fromSeconds(1));
  data(d, f, O, "KE");
  data(d, f, O, "FAKE");
  EXPECT_EQ(f.app_proto, "");
  EXPECT_EQ(g_log.created, 0);
}

TEST_F(DispatcherTest, GapAfterRecognitionGoesToTheAnalyzer) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kTcp, 40000, 80);
  data(d, f, O, "FAKE");
  d.onStreamGap(f, R, 100, Timestamp::fromSeconds(1));
  data(d, f, R, "after");
  EXPECT_EQ(g_log.calls, (Calls{"feed O FAKE", "gap R 100", "feed R after"}));
}

TEST_F(DispatcherTest, OutOfSyncDropsTheAnalyzerButKeepsAppProto) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kTcp, 40000, 80);
  data(d, f, O, "FAKE");
  data(d, f, O, "DESYNC");
  EXPECT_EQ(anomalies_.get(Anomaly::AnalyzerOutOfSync), 1u);
  EXPECT_EQ(g_log.destroyed, 1);
  EXPECT_EQ(f.app_proto, "fake");
  data(d, f, O, "more");
  d.onStreamEnd(f, O, Timestamp::fromSeconds(2));
  d.onFlowEnd(f, flow::EndReason::Timeout, Timestamp::fromSeconds(3));
  EXPECT_EQ(g_log.calls, (Calls{"feed O FAKE", "feed O DESYNC"}));
  EXPECT_EQ(f.app_proto, "fake");
}

TEST_F(DispatcherTest, OutOfSyncDuringReplayStopsTheReplay) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kTcp, 40000, 80);
  data(d, f, R, "DESYNC");
  data(d, f, O, "FAKE");
  EXPECT_EQ(g_log.calls, (Calls{"feed R DESYNC"}));
  EXPECT_EQ(anomalies_.get(Anomaly::AnalyzerOutOfSync), 1u);
}

TEST_F(DispatcherTest, FlowEndEndsOpenDirectionsOnceAndReleasesTheState) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kTcp, 40000, 80);
  data(d, f, O, "FAKE");
  d.onStreamEnd(f, O, Timestamp::fromSeconds(2));
  d.onStreamEnd(f, O, Timestamp::fromSeconds(2));  // repeated: ignored
  d.onFlowEnd(f, flow::EndReason::Timeout, Timestamp::fromSeconds(3));
  EXPECT_EQ(g_log.calls, (Calls{"feed O FAKE", "end O", "end R"}));
  EXPECT_EQ(f.app, nullptr);
  EXPECT_EQ(g_log.destroyed, 1);
  EXPECT_EQ(f.app_proto, "fake");
}

TEST_F(DispatcherTest, BothDirectionsEndingWhileProbingGivesUp) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kTcp, 40000, 80);
  data(d, f, O, "FA");
  d.onStreamEnd(f, O, Timestamp::fromSeconds(2));
  d.onStreamEnd(f, R, Timestamp::fromSeconds(2));
  d.onFlowEnd(f, flow::EndReason::Timeout, Timestamp::fromSeconds(3));
  EXPECT_EQ(f.app_proto, "");
  EXPECT_EQ(g_log.created, 0);
  EXPECT_EQ(f.app, nullptr);
}

TEST_F(DispatcherTest, FlowWithoutDataKeepsNoState) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kTcp, 40000, 80);
  d.onStreamEnd(f, O, Timestamp::fromSeconds(2));
  EXPECT_EQ(f.app, nullptr);
  d.onFlowEnd(f, flow::EndReason::Timeout, Timestamp::fromSeconds(3));
  EXPECT_EQ(f.app, nullptr);
}

TEST_F(DispatcherTest, EventsCarryTheFlowOriginatorToResponder) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kTcp, 40001, 80);
  f.key.vlan_count = 2;
  f.key.vlan = {100, 200};
  data(d, f, R, "FA", 5);  // the responder speaks first: still orig -> resp in the header
  data(d, f, O, "FAKE", 7);
  ASSERT_EQ(sink_.events.size(), 2u);
  for (const events::Event& e : sink_.events) {
    ASSERT_TRUE(e.flow);
    EXPECT_EQ(e.flow->id, f.id);
    EXPECT_EQ(e.flow->src_ip, f.orig_ip);
    EXPECT_EQ(e.flow->dest_ip, f.resp_ip);
    EXPECT_EQ(e.flow->src_port, 40001);
    EXPECT_EQ(e.flow->dest_port, 80);
    EXPECT_EQ(e.flow->proto, kTcp);
    EXPECT_EQ(e.flow->vlan_count, 2);
    EXPECT_EQ(e.flow->vlan[0], 100);
    EXPECT_EQ(e.flow->vlan[1], 200);
    EXPECT_EQ(e.flow->app_proto, "fake");
  }
  // Held bytes keep the time of the packet that brought them.
  EXPECT_EQ(sink_.events[0].ts, Timestamp::fromSeconds(5));
  EXPECT_EQ(sink_.events[1].ts, Timestamp::fromSeconds(7));
}

TEST_F(DispatcherTest, UdpRecognisesPerDatagram) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kUdp, 40000, 5000);
  datagram(d, f, O, "UD");  // Maybe
  EXPECT_EQ(f.app_proto, "");
  datagram(d, f, O, "UDPF one");
  EXPECT_EQ(f.app_proto, "udpfake");
  datagram(d, f, R, "two");
  EXPECT_EQ(g_log.calls, (Calls{"dgram O UDPF one", "dgram R two"}));
  datagram(d, f, R, "DESYNC");
  datagram(d, f, R, "three");
  EXPECT_EQ(anomalies_.get(Anomaly::AnalyzerOutOfSync), 1u);
  EXPECT_EQ(g_log.calls.size(), 3u);
}

TEST_F(DispatcherTest, UdpProbeLimit) {
  DispatcherLimits limits;
  limits.max_probe_datagrams = 3;
  Dispatcher d = make(limits);
  flow::Flow f = makeFlow(kUdp, 40000, 5000);
  for (int i = 0; i < 5; ++i) datagram(d, f, O, "U");
  EXPECT_EQ(anomalies_.get(Anomaly::AnalyzerProbeLimit), 1u);
  datagram(d, f, O, "UDPF");
  EXPECT_EQ(f.app_proto, "");
}

TEST_F(DispatcherTest, UdpGivesUpOnNo) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kUdp, 40000, 5000);
  datagram(d, f, O, "nope");
  datagram(d, f, O, "UDPF");
  EXPECT_EQ(f.app_proto, "");
  EXPECT_EQ(anomalies_.total(), 0u);
}

TEST_F(DispatcherTest, IcmpIsIgnored) {
  Dispatcher d = make();
  flow::Flow f = makeFlow(kIcmp, 0, 0);
  datagram(d, f, O, "UDPF");
  EXPECT_EQ(f.app, nullptr);
  EXPECT_EQ(f.app_proto, "");
}

// The real registry: HL7 found on a port nobody hints at, from content alone.
TEST(DispatcherWithRealRegistry, FindsHl7OnAnyPort) {
  Registry registry;
  registerAnalyzers(registry);
  RecordingSink sink;
  AnomalyCounters anomalies;
  const auto phi = privacy::PhiTokenizer::withSecret("test");
  Dispatcher d(registry, sink, anomalies, phi);
  flow::Flow f = makeFlow(kTcp, 51000, 40123);
  const std::string adt = fixtures::mllpFrame(fixtures::kAdtA01);
  d.onStreamData(f, O, asBytes(std::string_view(adt).substr(0, 2)), Timestamp::fromSeconds(1));
  d.onStreamData(f, O, asBytes(std::string_view(adt).substr(2)), Timestamp::fromSeconds(2));
  d.onStreamData(f, R, asBytes(fixtures::mllpFrame(fixtures::kAck)), Timestamp::fromSeconds(3));
  d.onFlowEnd(f, flow::EndReason::Shutdown, Timestamp::fromSeconds(4));
  EXPECT_EQ(f.app_proto, "hl7");
  const auto hl7 = sink.hl7();
  ASSERT_EQ(hl7.size(), 2u);
  EXPECT_EQ(hl7[0]->message_type, "ADT^A01");
  EXPECT_EQ(hl7[1]->message_type, "ACK^A01");
  EXPECT_EQ(sink.events[0].ts, Timestamp::fromSeconds(2));
  EXPECT_EQ(sink.events[0].flow->app_proto, "hl7");
  EXPECT_EQ(anomalies.total(), 0u);
}

TEST(DispatcherWithRealRegistry, LeavesOtherTrafficUnclassified) {
  Registry registry;
  registerAnalyzers(registry);
  RecordingSink sink;
  AnomalyCounters anomalies;
  const auto phi = privacy::PhiTokenizer::withSecret("test");
  Dispatcher d(registry, sink, anomalies, phi);
  flow::Flow f = makeFlow(kTcp, 51000, 2575);  // the HL7 port, but not HL7
  d.onStreamData(f, O, asBytes("SSH-2.0-OpenSSH_9.6\r\n"), Timestamp::fromSeconds(1));
  EXPECT_EQ(f.app_proto, "");
  EXPECT_TRUE(sink.events.empty());
}

}  // namespace
}  // namespace medtap::analyzers
