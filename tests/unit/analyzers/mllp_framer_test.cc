#include "analyzers/hl7/mllp_framer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"

namespace medtap::analyzers::hl7 {
namespace {

using fixtures::kAck;
using fixtures::kAdtA01;
using fixtures::kOruR01;
using fixtures::mllpFrame;
using fixtures::RecordingCallbacks;

const std::vector<std::string> kMessages = {kAdtA01, kAck, kOruR01};

std::string stream() {
  return mllpFrame(kAdtA01) + mllpFrame(kAck) + mllpFrame(kOruR01);
}

FeedResult feedText(MllpFramer& framer, std::string_view text, RecordingCallbacks& cb) {
  return framer.feed(asBytes(text), cb);
}

TEST(MllpFramer, ManyMessagesInOneChunk) {
  MllpFramer framer;
  RecordingCallbacks cb;
  EXPECT_EQ(feedText(framer, stream(), cb), FeedResult::Consumed);
  EXPECT_EQ(cb.messages, kMessages);
  EXPECT_EQ(cb.anomalies.total(), 0u);
  EXPECT_EQ(framer.bufferedBytes(), 0u);
}

// A frame that arrives whole is handed out as a view into the caller's bytes, not copied.
TEST(MllpFramer, WholeFrameIsDeliveredWithoutCopy) {
  struct Check : FramerCallbacks {
    Bytes chunk;
    int in_chunk = 0;
    void onMessage(Bytes m) override {
      if (m.data() >= chunk.data() && m.data() + m.size() <= chunk.data() + chunk.size())
        ++in_chunk;
    }
    void onAnomaly(Anomaly) override {}
  } check;
  const std::string s = stream();
  check.chunk = asBytes(s);
  MllpFramer framer;
  framer.feed(check.chunk, check);
  EXPECT_EQ(check.in_chunk, 3);
}

TEST(MllpFramer, OneByteAtATime) {
  MllpFramer framer;
  RecordingCallbacks cb;
  const std::string s = stream();
  for (size_t i = 0; i < s.size(); ++i) {
    const FeedResult r = feedText(framer, s.substr(i, 1), cb);
    EXPECT_NE(r, FeedResult::OutOfSync);
  }
  EXPECT_EQ(cb.messages, kMessages);
  EXPECT_EQ(cb.anomalies.total(), 0u);
}

TEST(MllpFramer, SplitAtEveryOffsetGivesTheSameMessages) {
  const std::string s = stream();
  for (size_t cut = 0; cut <= s.size(); ++cut) {
    MllpFramer framer;
    RecordingCallbacks cb;
    feedText(framer, s.substr(0, cut), cb);
    feedText(framer, s.substr(cut), cb);
    framer.end(cb);
    ASSERT_EQ(cb.messages, kMessages) << "cut at " << cut;
    ASSERT_EQ(cb.anomalies.total(), 0u) << "cut at " << cut;
  }
}

TEST(MllpFramer, SplitInThreeAtManyOffsetsGivesTheSameMessages) {
  const std::string s = stream();
  for (size_t a = 0; a <= s.size(); a += 7) {
    for (size_t b = a; b <= s.size(); b += 5) {
      MllpFramer framer;
      RecordingCallbacks cb;
      feedText(framer, s.substr(0, a), cb);
      feedText(framer, s.substr(a, b - a), cb);
      feedText(framer, s.substr(b), cb);
      ASSERT_EQ(cb.messages, kMessages) << a << "," << b;
    }
  }
}

TEST(MllpFramer, ReportsNeedMoreDataWhileAFrameIsOpen) {
  MllpFramer framer;
  RecordingCallbacks cb;
  const std::string f = mllpFrame(kAck);
  EXPECT_EQ(feedText(framer, f.substr(0, 10), cb), FeedResult::NeedMoreData);
  EXPECT_EQ(framer.bufferedBytes(), 9u);  // the <SB> is not part of the message
  EXPECT_EQ(feedText(framer, f.substr(10), cb), FeedResult::Consumed);
  EXPECT_EQ(framer.bufferedBytes(), 0u);
  EXPECT_EQ(cb.messages, std::vector<std::string>{kAck});
}

TEST(MllpFramer, GarbageBetweenFramesIsSkippedAndCountedOncePerRun) {
  MllpFramer framer;
  RecordingCallbacks cb;
  const std::string s = "junk" + mllpFrame(kAdtA01) + "more junk\x01\x02" + mllpFrame(kAck);
  // Byte at a time, so that one run spans many feeds and is still counted once.
  for (char c : s) feedText(framer, std::string_view(&c, 1), cb);
  EXPECT_EQ(cb.messages, (std::vector<std::string>{kAdtA01, kAck}));
  EXPECT_EQ(cb.anomalies.get(Anomaly::MllpMissingStartBlock), 2u);
}

TEST(MllpFramer, LineBreaksBetweenFramesAreTolerated) {
  MllpFramer framer;
  RecordingCallbacks cb;
  feedText(framer, mllpFrame(kAdtA01) + "\n" + mllpFrame(kAck) + "\r\n", cb);
  EXPECT_EQ(cb.messages, (std::vector<std::string>{kAdtA01, kAck}));
  EXPECT_EQ(cb.anomalies.total(), 0u);
}

TEST(MllpFramer, MissingCarriageReturnAfterEndBlockStillDeliversTheMessage) {
  MllpFramer framer;
  RecordingCallbacks cb;
  const std::string s = "\x0b" + kAdtA01 + "\x1c" + mllpFrame(kAck);
  feedText(framer, s, cb);
  EXPECT_EQ(cb.messages, (std::vector<std::string>{kAdtA01, kAck}));
  EXPECT_EQ(cb.anomalies.get(Anomaly::MllpMissingEndBlock), 1u);
  EXPECT_EQ(cb.anomalies.get(Anomaly::MllpMissingStartBlock), 0u);
}

TEST(MllpFramer, MissingCarriageReturnFollowedByGarbage) {
  MllpFramer framer;
  RecordingCallbacks cb;
  feedText(framer, "\x0b" + kAck + "\x1cXYZ" + mllpFrame(kAck), cb);
  EXPECT_EQ(cb.messages.size(), 2u);
  EXPECT_EQ(cb.anomalies.get(Anomaly::MllpMissingEndBlock), 1u);
  EXPECT_EQ(cb.anomalies.get(Anomaly::MllpMissingStartBlock), 1u);
}

TEST(MllpFramer, StreamEndingAfterEndBlockCountsMissingCarriageReturn) {
  MllpFramer framer;
  RecordingCallbacks cb;
  feedText(framer, "\x0b" + kAck + "\x1c", cb);
  framer.end(cb);
  EXPECT_EQ(cb.messages.size(), 1u);
  EXPECT_EQ(cb.anomalies.get(Anomaly::MllpMissingEndBlock), 1u);
}

TEST(MllpFramer, OversizedFrameIsSkippedWithoutBufferingAndTheNextOneDelivered) {
  MllpLimits limits;
  limits.max_message_size = 100;
  MllpFramer framer(limits);
  RecordingCallbacks cb;
  const std::string big(250, 'A');
  const std::string s = mllpFrame("MSH|" + big) + mllpFrame(kAck.substr(0, 90));
  for (char c : s) {
    feedText(framer, std::string_view(&c, 1), cb);
    ASSERT_LE(framer.bufferedBytes(), limits.max_message_size);
  }
  EXPECT_EQ(cb.messages, std::vector<std::string>{kAck.substr(0, 90)});
  EXPECT_EQ(cb.anomalies.get(Anomaly::MllpOversizedMessage), 1u);
  EXPECT_EQ(cb.anomalies.total(), 1u);
}

TEST(MllpFramer, OversizedFrameInOneChunk) {
  MllpLimits limits;
  limits.max_message_size = 100;
  MllpFramer framer(limits);
  RecordingCallbacks cb;
  feedText(framer, mllpFrame(std::string(101, 'B')) + mllpFrame(std::string(100, 'C')), cb);
  EXPECT_EQ(cb.messages, std::vector<std::string>{std::string(100, 'C')});
  EXPECT_EQ(cb.anomalies.get(Anomaly::MllpOversizedMessage), 1u);
}

TEST(MllpFramer, GapMidMessageDropsItAndResyncsAtTheNextStartBlock) {
  MllpFramer framer;
  RecordingCallbacks cb;
  const std::string first = mllpFrame(kAdtA01);
  feedText(framer, first.substr(0, 40), cb);
  framer.gap(cb);
  // The bytes after the gap are the rest of some message: skipped quietly.
  feedText(framer, first.substr(60) + mllpFrame(kAck), cb);
  EXPECT_EQ(cb.messages, std::vector<std::string>{kAck});
  EXPECT_EQ(cb.anomalies.get(Anomaly::MllpTruncatedMessage), 1u);
  EXPECT_EQ(cb.anomalies.get(Anomaly::MllpMissingStartBlock), 0u);
  EXPECT_EQ(framer.bufferedBytes(), 0u);
}

TEST(MllpFramer, GapBetweenMessagesCountsNothing) {
  MllpFramer framer;
  RecordingCallbacks cb;
  feedText(framer, mllpFrame(kAdtA01), cb);
  framer.gap(cb);
  feedText(framer, mllpFrame(kAck), cb);
  EXPECT_EQ(cb.messages.size(), 2u);
  EXPECT_EQ(cb.anomalies.total(), 0u);
}

TEST(MllpFramer, EndInsideAFrameCountsTruncation) {
  MllpFramer framer;
  RecordingCallbacks cb;
  feedText(framer, mllpFrame(kAdtA01) + "\x0bMSH|^~\\&|partial", cb);
  framer.end(cb);
  EXPECT_EQ(cb.messages, std::vector<std::string>{kAdtA01});
  EXPECT_EQ(cb.anomalies.get(Anomaly::MllpTruncatedMessage), 1u);
  EXPECT_EQ(framer.bufferedBytes(), 0u);
}

TEST(MllpFramer, StartBlockInsideAFrameRestartsIt) {
  MllpFramer framer;
  RecordingCallbacks cb;
  feedText(framer, "\x0bMSH|^~\\&|cut short" + mllpFrame(kAck), cb);
  EXPECT_EQ(cb.messages, std::vector<std::string>{kAck});
  EXPECT_EQ(cb.anomalies.get(Anomaly::MllpTruncatedMessage), 1u);
}

TEST(MllpFramer, EmptyFramesAreSkipped) {
  MllpFramer framer;
  RecordingCallbacks cb;
  feedText(framer, "\x0b\x1c\r" + mllpFrame(kAck) + "\x0b\x1c\r", cb);
  EXPECT_EQ(cb.messages, std::vector<std::string>{kAck});
  EXPECT_EQ(cb.anomalies.total(), 0u);
}

TEST(MllpFramer, TooManyBytesOutsideFramesIsOutOfSyncForGood) {
  MllpLimits limits;
  limits.max_bytes_outside_frame = 1000;
  MllpFramer framer(limits);
  RecordingCallbacks cb;
  EXPECT_EQ(feedText(framer, std::string(600, 'x'), cb), FeedResult::Consumed);
  EXPECT_EQ(feedText(framer, std::string(600, 'x'), cb), FeedResult::OutOfSync);
  EXPECT_EQ(feedText(framer, mllpFrame(kAck), cb), FeedResult::OutOfSync);
  EXPECT_TRUE(cb.messages.empty());
}

TEST(MllpFramer, SkippingAfterAGapIsBoundedByTheMessageSize) {
  MllpLimits limits;
  limits.max_message_size = 100;
  limits.max_bytes_outside_frame = 10;
  MllpFramer framer(limits);
  RecordingCallbacks cb;
  framer.gap(cb);
  // The rest of a lost message may be long: no anomaly for skipping it.
  EXPECT_EQ(feedText(framer, std::string(100, 'x'), cb), FeedResult::Consumed);
  EXPECT_EQ(cb.anomalies.total(), 0u);
  EXPECT_EQ(feedText(framer, std::string(100, 'x'), cb), FeedResult::OutOfSync);
}

}  // namespace
}  // namespace medtap::analyzers::hl7
