// RPC over TCP after a gap: the record framer scans forward for the next record mark and RPC
// header (recordStart), across chunk boundaries, and finds the records after the gap however the
// bytes are cut; garbage gives no phantom record and the scan is bounded.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "../test_support.h"
#include "analyzers/rpc/record_marker.h"
#include "analyzers/rpc/rpc_analyzer.h"
#include "xdr_builder.h"

namespace medtap::analyzers::rpc {
namespace {

using testing::recordMarked;
using testing::Xdr;

struct Records final : RecordCallbacks {
  void onRecord(Bytes prefix, uint64_t length) override {
    records.emplace_back(asChars(prefix));
    lengths.push_back(length);
  }
  void onAnomaly(Anomaly a) override { anomalies.add(a); }
  std::vector<std::string> records;
  std::vector<uint64_t> lengths;
  AnomalyCounters anomalies;
};

// An NFSv3 WRITE call carrying `data` bytes of file content.
std::string writeCall(uint32_t xid, size_t data) {
  Xdr w;
  w.call(xid, kProgNfs, 3, 7).str(std::string(32, 'F')).u32(0).u32(0).u32(0).u32(1);
  w.str(std::string(data, 'D'));
  return w.out;
}
std::string lookupCall(uint32_t xid) {
  Xdr l;
  l.call(xid, kProgNfs, 3, 3).str(std::string(32, 'F')).str("after-gap.txt");
  return l.out;
}
std::string reply(uint32_t xid) {
  Xdr r;
  r.reply(xid).u32(0);
  return r.out;
}

// A WRITE, a LOOKUP in two fragments, a reply-shaped record: the gap falls inside the WRITE.
struct GapStream {
  std::string before, after;
  std::vector<std::string> expected;  // the records after the gap
  GapStream() {
    const std::string write = recordMarked(writeCall(1, 3000));
    const std::string lookup = lookupCall(2);
    const std::string tail = reply(3);
    const std::string all = write + recordMarked(lookup, 40) + recordMarked(tail);
    constexpr size_t kLostAt = 200, kLost = 100;
    before = all.substr(0, kLostAt);
    after = all.substr(kLostAt + kLost);
    expected = {lookup, tail};
  }
};

TEST(RpcResync, RecordsAfterTheGapAreFound) {
  const GapStream s;
  Records r;
  RecordFramer framer;
  framer.feed(asBytes(s.before), r);
  framer.gap(r);
  EXPECT_EQ(framer.feed(asBytes(s.after), r), FeedResult::Consumed);
  EXPECT_EQ(r.records, s.expected);
  EXPECT_EQ(r.anomalies.get(Anomaly::RpcResynced), 1u);
  EXPECT_EQ(r.anomalies.get(Anomaly::RpcTruncatedRecord), 1u);
  EXPECT_EQ(r.anomalies.get(Anomaly::RpcLostSync), 0u);
}

// The bytes after the gap cut at every offset, and fed one byte at a time: a candidate that
// straddles chunks is found from the carried bytes.
TEST(RpcResync, SplitAnyWay) {
  const GapStream s;
  for (size_t cut = 1; cut < s.after.size(); ++cut) {
    Records r;
    RecordFramer framer;
    framer.feed(asBytes(s.before), r);
    framer.gap(r);
    framer.feed(asBytes(s.after).first(cut), r);
    framer.feed(asBytes(s.after).subspan(cut), r);
    ASSERT_EQ(r.records, s.expected) << cut;
    EXPECT_EQ(r.anomalies.get(Anomaly::RpcResynced), 1u) << cut;
  }
  Records r;
  RecordFramer framer;
  framer.feed(asBytes(s.before), r);
  framer.gap(r);
  for (char c : s.after) framer.feed(asBytes(std::string_view(&c, 1)), r);
  EXPECT_EQ(r.records, s.expected);
}

// Seeded random bytes, and bytes full of near-misses (last-fragment marks, call and reply words,
// RPC version 2), give no record; the direction is given up once the window is spent.
TEST(RpcResync, GarbageGivesNoPhantomRecord) {
  std::mt19937 rng(4);
  std::string noise(256 << 10, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  Xdr near;
  for (int i = 0; i < 2000; ++i) {
    near.u32(0x80000040).u32(static_cast<uint32_t>(i)).u32(i % 2).u32(i % 3 == 0 ? 2 : 3);
    near.u32(0).u32(0x10000).u32(0x10000).u32(9).u32(500);
  }
  for (const std::string& garbage : {noise, near.out}) {
    Records r;
    RecordFramer framer(RecordLimits{.resync_window = 64 << 10});
    framer.gap(r);
    for (size_t i = 0; i < garbage.size(); i += 1000) {
      framer.feed(asBytes(garbage).subspan(i, std::min<size_t>(1000, garbage.size() - i)), r);
    }
    EXPECT_TRUE(r.records.empty());
    EXPECT_EQ(r.anomalies.get(Anomaly::RpcResynced), 0u);
    EXPECT_EQ(r.anomalies.get(Anomaly::RpcLostSync), garbage.size() > (64 << 10) ? 1u : 0u);
    // Given up: a valid record now is not looked at.
    framer.feed(asBytes(recordMarked(lookupCall(9))), r);
    if (garbage.size() > (64 << 10)) EXPECT_TRUE(r.records.empty());
  }
}

TEST(RpcResync, RecordStartChecks) {
  const std::string call = recordMarked(lookupCall(5));
  EXPECT_EQ(recordStart(asBytes(call)), FrameCheck::Yes);
  EXPECT_EQ(recordStart(asBytes(call).first(20)), FrameCheck::NeedMore);
  EXPECT_EQ(recordStart(asBytes(recordMarked(reply(5)))), FrameCheck::Yes);
  std::string bad_version = call;
  bad_version[15] = 3;  // rpcvers 3
  EXPECT_EQ(recordStart(asBytes(bad_version)), FrameCheck::No);
  std::string long_cred = call;
  long_cred[32] = 0x10;  // credential length 4096 (> 400)
  long_cred[33] = 0x00;
  long_cred[34] = 0x10;
  EXPECT_EQ(recordStart(asBytes(long_cred)), FrameCheck::No);
  EXPECT_EQ(recordStart(asBytes(std::string(64, '\0'))), FrameCheck::No);
}

// Through the analyzer: the call after the gap meets its reply.
TEST(RpcResync, AnalyzerMatchesTheCallAfterTheGap) {
  const GapStream s;
  fixtures::RecordingSink sink;
  AnomalyCounters anomalies;
  const auto phi = privacy::PhiTokenizer::withSecret("test");
  events::FlowRef ref;
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  RpcStreamAnalyzer a;
  a.feed(ctx, Direction::Originator, asBytes(s.before), {});
  a.gap(ctx, Direction::Originator, 100, {});
  a.feed(ctx, Direction::Originator, asBytes(s.after), {});
  a.feed(ctx, Direction::Responder, asBytes(recordMarked(reply(2))), {});
  ASSERT_FALSE(sink.events.empty());
  const auto* nfs = std::get_if<events::NfsOperation>(&sink.events[0].body);
  ASSERT_NE(nfs, nullptr);
  EXPECT_EQ(nfs->rpc.xid, 2u);
  EXPECT_EQ(anomalies.get(Anomaly::RpcResynced), 1u);
}

}  // namespace
}  // namespace medtap::analyzers::rpc
