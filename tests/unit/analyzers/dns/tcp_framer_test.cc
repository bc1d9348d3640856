// Split-buffer tests of the DNS-over-TCP framer and analyzer: one byte at a time, many messages in
// one chunk, and a message split at every offset all give the same events.
#include "analyzers/dns/tcp_framer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../test_support.h"
#include "analyzers/dns/dns_analyzer.h"
#include "dns_builder.h"

namespace medtap::analyzers::dns {
namespace {

using testing::DnsBuilder;

class Recorder : public FramerCallbacks {
 public:
  void onMessage(Bytes m) override { messages.emplace_back(m.begin(), m.end()); }
  void onAnomaly(Anomaly a) override { anomalies.add(a); }
  std::vector<std::vector<uint8_t>> messages;
  AnomalyCounters anomalies;
};

std::vector<uint8_t> stream() {
  std::vector<uint8_t> s;
  DnsBuilder a(1, 0x0100);
  a.question("a.ward.test", 1);
  DnsBuilder b(2, 0x8180);
  b.question("a.ward.test", 1);
  b.answer(1, 5, {10, 1, 2, 3});
  DnsBuilder c(3, 0x0100);
  c.question("c.ward.test", 12);
  for (const auto& m : {a.tcp(), b.tcp(), c.tcp()}) s.insert(s.end(), m.begin(), m.end());
  return s;
}

std::vector<std::vector<uint8_t>> feedInChunks(const std::vector<uint8_t>& s,
                                               const std::vector<size_t>& cuts) {
  TcpFramer framer;
  Recorder rec;
  size_t prev = 0;
  for (size_t cut : cuts) {
    framer.feed(Bytes(s).subspan(prev, cut - prev), rec);
    prev = cut;
  }
  framer.feed(Bytes(s).subspan(prev), rec);
  framer.end(rec);
  EXPECT_EQ(rec.anomalies.total(), 0u);
  EXPECT_EQ(framer.bufferedBytes(), 0u);
  return rec.messages;
}

TEST(DnsTcpFramer, SameMessagesHoweverSplit) {
  const auto s = stream();
  const auto whole = feedInChunks(s, {});
  ASSERT_EQ(whole.size(), 3u);
  std::vector<size_t> every;
  for (size_t i = 1; i < s.size(); ++i) every.push_back(i);
  EXPECT_EQ(feedInChunks(s, every), whole);  // one byte at a time
  for (size_t cut = 1; cut < s.size(); ++cut) EXPECT_EQ(feedInChunks(s, {cut}), whole) << cut;
}

TEST(DnsTcpFramer, BadLengthGivesUp) {
  TcpFramer framer;
  Recorder rec;
  const std::vector<uint8_t> bad = {0, 4, 1, 2, 3, 4};
  EXPECT_EQ(framer.feed(Bytes(bad), rec), FeedResult::OutOfSync);
  EXPECT_EQ(rec.anomalies.get(Anomaly::DnsTcpBadLength), 1u);
  EXPECT_EQ(framer.feed(Bytes(bad), rec), FeedResult::OutOfSync);
}

TEST(DnsTcpFramer, GapAndEndInsideAMessage) {
  const auto s = stream();
  TcpFramer framer;
  Recorder rec;
  EXPECT_EQ(framer.feed(Bytes(s).first(20), rec), FeedResult::NeedMoreData);
  framer.gap(rec);
  EXPECT_EQ(rec.anomalies.get(Anomaly::DnsTcpTruncatedMessage), 1u);
  EXPECT_EQ(framer.feed(Bytes(s), rec), FeedResult::OutOfSync);
  EXPECT_EQ(framer.bufferedBytes(), 0u);

  TcpFramer other;
  Recorder rec2;
  other.feed(Bytes(s).first(1), rec2);
  other.end(rec2);
  EXPECT_EQ(rec2.anomalies.get(Anomaly::DnsTcpTruncatedMessage), 1u);
}

TEST(DnsTcpAnalyzer, EventsThroughTheAnalyzer) {
  const auto s = stream();
  fixtures::RecordingSink sink;
  AnomalyCounters anomalies;
  const auto phi = privacy::PhiTokenizer::withSecret("test");
  const events::FlowRef ref;
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  DnsTcpAnalyzer analyzer;
  for (size_t i = 0; i < s.size(); ++i) {
    analyzer.feed(ctx, Direction::Originator, Bytes(s).subspan(i, 1), Timestamp::fromSecNs(1, 0));
  }
  analyzer.end(ctx, Direction::Originator, Timestamp::fromSecNs(2, 0));
  ASSERT_EQ(sink.events.size(), 3u);
  const auto& answer = std::get<events::DnsMessage>(sink.events[1].body);
  EXPECT_EQ(answer.answers.at(0).rdata, "10.1.2.3");
  EXPECT_EQ(sink.events[1].direction, events::Direction::ToClient);
  EXPECT_EQ(anomalies.total(), 0u);
}

}  // namespace
}  // namespace medtap::analyzers::dns
