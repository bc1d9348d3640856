// The Contec stream after a gap: the block framer scans forward for a block header confirmed by
// the next block's header (blockStart), finds the blocks after the gap however the bytes are cut,
// and gives no phantom block on garbage or waveform-like bytes.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "../test_support.h"
#include "analyzers/contec_cms/block_framer.h"
#include "analyzers/contec_cms/contec_analyzer.h"
#include "analyzers/contec_cms/limits.h"

namespace medtap::analyzers::contec_cms {
namespace {

std::string block(uint8_t type, const std::string& payload) {
  const size_t length = payload.size() + 2;
  std::string out{static_cast<char>(length & 0xFF), static_cast<char>(length >> 8),
                  static_cast<char>(kMarker), static_cast<char>(type)};
  return out + payload;
}

struct Blocks final : BlockCallbacks {
  void onBlock(uint8_t type, Bytes payload) override {
    seen.push_back(std::to_string(type) + ":" + std::to_string(payload.size()));
  }
  void onAnomaly(Anomaly a) override { anomalies.add(a); }
  std::vector<std::string> seen;
  AnomalyCounters anomalies;
};

// Waveform-like payload: every byte value, so that 0x05 and known type bytes occur inside it.
std::string waveform(size_t size) {
  std::string p(size, '\0');
  for (size_t i = 0; i < size; ++i) p[i] = static_cast<char>((i * 7) & 0xFF);
  p[kTelemetryKindOffset] = 0x14;
  return p;
}

// Bed, ECG telemetry, end of cycle, bed, ECG, end of cycle; the gap is inside the first ECG.
struct GapStream {
  std::string before, after;
  std::vector<std::string> expected = {"69:4", "70:908", "71:0"};
  GapStream() {
    const std::string bed = block(0x45, std::string("\0\0\x07\xFF", 4));
    const std::string all = bed + block(0x46, waveform(908)) + block(0x47, "") + bed +
                            block(0x46, waveform(908)) + block(0x47, "");
    constexpr size_t kLostAt = 100, kLost = 50;
    before = all.substr(0, kLostAt);
    after = all.substr(kLostAt + kLost);
  }
};

TEST(ContecResync, BlocksAfterTheGapAreFound) {
  const GapStream s;
  Blocks b;
  BlockFramer framer;
  framer.feed(asBytes(s.before), b);
  framer.gap(b);
  EXPECT_EQ(framer.feed(asBytes(s.after), b), FeedResult::Consumed);
  // The first block after the gap is the end of cycle (confirmed by the bed header after it).
  std::vector<std::string> expected = {"71:0"};
  expected.insert(expected.end(), s.expected.begin(), s.expected.end());
  EXPECT_EQ(std::vector<std::string>(b.seen.begin() + 1, b.seen.end()), expected);
  EXPECT_EQ(b.anomalies.get(Anomaly::ContecResynced), 1u);
  EXPECT_EQ(b.anomalies.get(Anomaly::ContecTruncatedBlock), 1u);
}

TEST(ContecResync, SplitAnyWay) {
  const GapStream s;
  std::vector<std::string> whole;
  {
    Blocks b;
    BlockFramer framer;
    framer.feed(asBytes(s.before), b);
    framer.gap(b);
    framer.feed(asBytes(s.after), b);
    whole = b.seen;
  }
  for (size_t cut = 1; cut < s.after.size(); ++cut) {
    Blocks b;
    BlockFramer framer;
    framer.feed(asBytes(s.before), b);
    framer.gap(b);
    framer.feed(asBytes(s.after).first(cut), b);
    framer.feed(asBytes(s.after).subspan(cut), b);
    ASSERT_EQ(b.seen, whole) << cut;
  }
  Blocks b;
  BlockFramer framer;
  framer.feed(asBytes(s.before), b);
  framer.gap(b);
  for (char c : s.after) framer.feed(asBytes(std::string_view(&c, 1)), b);
  EXPECT_EQ(b.seen, whole);
}

// Seeded random bytes and the waveform pattern alone give no block; past the window the
// direction is given up.
TEST(ContecResync, GarbageGivesNoPhantomBlock) {
  std::mt19937 rng(11);
  std::string noise(kMaxResyncScan + kResyncLookahead + 1024, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  std::string wave;
  while (wave.size() < noise.size()) wave += waveform(4096);
  for (const std::string& garbage : {noise, wave}) {
    Blocks b;
    BlockFramer framer;
    framer.gap(b);
    for (size_t i = 0; i < garbage.size(); i += 1000) {
      framer.feed(asBytes(garbage).subspan(i, std::min<size_t>(1000, garbage.size() - i)), b);
    }
    EXPECT_TRUE(b.seen.empty());
    EXPECT_EQ(b.anomalies.get(Anomaly::ContecResynced), 0u);
    EXPECT_EQ(b.anomalies.get(Anomaly::ContecLostSync), 1u);
  }
}

TEST(ContecResync, BlockStartNeedsTheNextHeader) {
  const std::string end = block(0x47, "");
  EXPECT_EQ(blockStart(asBytes(end)), FrameCheck::NeedMore);
  EXPECT_EQ(blockStart(asBytes(end + end)), FrameCheck::Yes);
  EXPECT_EQ(blockStart(asBytes(end + std::string("\x02\x00\x05\x99", 4))),
            FrameCheck::No);  // unknown type
  EXPECT_EQ(blockStart(asBytes(std::string("\x02\x00\x06\x47", 4) + end)), FrameCheck::No);
}

// Through the analyzer: the bed number after the gap is reported.
TEST(ContecResync, AnalyzerReportsBlocksAfterTheGap) {
  const GapStream s;
  fixtures::RecordingSink sink;
  AnomalyCounters anomalies;
  const auto phi = privacy::PhiTokenizer::withSecret("test");
  events::FlowRef ref;
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  ContecAnalyzer a;
  a.feed(ctx, Direction::Originator, asBytes(s.before), {});
  const size_t before = sink.events.size();
  a.gap(ctx, Direction::Originator, 50, {});
  a.feed(ctx, Direction::Originator, asBytes(s.after), {});
  EXPECT_GT(sink.events.size(), before);
  EXPECT_EQ(anomalies.get(Anomaly::ContecResynced), 1u);
}

}  // namespace
}  // namespace medtap::analyzers::contec_cms
