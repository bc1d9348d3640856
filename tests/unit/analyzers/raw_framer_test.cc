#include "analyzers/hl7/raw_framer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"

namespace medtap::analyzers::hl7 {
namespace {

using fixtures::kAck;
using fixtures::kAdtA01;
using fixtures::kOruR01;
using fixtures::RecordingCallbacks;

constexpr size_t npos = std::string_view::npos;

TEST(FindRawMessageStart, NeedsALineBreakBeforeMsh) {
  EXPECT_EQ(findRawMessageStart("MSH|a\rMSH|b", 0), 6u);
  EXPECT_EQ(findRawMessageStart("MSH|a\nMSH|b", 1), 6u);
  EXPECT_EQ(findRawMessageStart("MSH|a\r\nMSH|b", 1), 7u);
  EXPECT_EQ(findRawMessageStart("MSH|a|MSH|b", 1), npos);     // "MSH" inside a field
  EXPECT_EQ(findRawMessageStart("MSH|a\rOBX|MSH", 1), npos);  // not at a segment start
  EXPECT_EQ(findRawMessageStart("MSH|a\rMS", 1), npos);       // cut short
  EXPECT_EQ(findRawMessageStart("MSH|a\rMSH", 7), npos);      // starts before `from`
  EXPECT_EQ(findRawMessageStart("", 0), npos);
}

const std::vector<std::string> kMessages = {kAdtA01, kAck, kOruR01};

std::string stream() {
  return kAdtA01 + kAck + kOruR01;
}

TEST(RawFramer, MessagesEndAtTheNextMshOrTheEndOfTheStream) {
  RawFramer framer;
  RecordingCallbacks cb;
  EXPECT_EQ(framer.feed(asBytes(stream()), cb), FeedResult::NeedMoreData);
  EXPECT_EQ(cb.messages, (std::vector<std::string>{kAdtA01, kAck}));
  framer.end(cb);
  EXPECT_EQ(cb.messages, kMessages);
  EXPECT_EQ(cb.anomalies.total(), 0u);
}

TEST(RawFramer, SplitAtEveryOffsetGivesTheSameMessages) {
  const std::string s = stream();
  for (size_t cut = 0; cut <= s.size(); ++cut) {
    RawFramer framer;
    RecordingCallbacks cb;
    framer.feed(asBytes(std::string_view(s).substr(0, cut)), cb);
    framer.feed(asBytes(std::string_view(s).substr(cut)), cb);
    framer.end(cb);
    ASSERT_EQ(cb.messages, kMessages) << "cut at " << cut;
  }
}

TEST(RawFramer, OneByteAtATime) {
  const std::string s = stream();
  RawFramer framer;
  RecordingCallbacks cb;
  for (char c : s) framer.feed(asBytes(std::string_view(&c, 1)), cb);
  framer.end(cb);
  EXPECT_EQ(cb.messages, kMessages);
}

TEST(RawFramer, BlankTailIsNotAMessage) {
  RawFramer framer;
  RecordingCallbacks cb;
  framer.feed(asBytes(kAck), cb);
  framer.end(cb);
  framer.end(cb);
  EXPECT_EQ(cb.messages, std::vector<std::string>{kAck});
}

TEST(RawFramer, GapDropsThePartialMessageAndResyncsAtTheNextMsh) {
  RawFramer framer;
  RecordingCallbacks cb;
  framer.feed(asBytes(std::string_view(kAdtA01).substr(0, 50)), cb);
  framer.gap(cb);
  framer.feed(asBytes(kAdtA01.substr(80) + kAck), cb);
  framer.end(cb);
  EXPECT_EQ(cb.messages, std::vector<std::string>{kAck});
  EXPECT_EQ(cb.anomalies.get(Anomaly::Hl7TruncatedMessage), 1u);
}

TEST(RawFramer, MessageRightAfterAGapIsKept) {
  RawFramer framer;
  RecordingCallbacks cb;
  framer.feed(asBytes(kAdtA01), cb);
  framer.gap(cb);  // the gap ends exactly where the next message starts
  framer.feed(asBytes(kAck), cb);
  framer.end(cb);
  EXPECT_EQ(cb.messages, std::vector<std::string>{kAck});
  EXPECT_EQ(cb.anomalies.get(Anomaly::Hl7TruncatedMessage), 1u);
}

TEST(RawFramer, OversizedMessageIsDroppedAndTheNextOneKept) {
  RawFramer framer(200);
  RecordingCallbacks cb;
  const std::string big = "MSH|^~\\&|" + std::string(300, 'A') + "\r";
  const std::string s = big + kAck;
  for (size_t i = 0; i < s.size(); i += 16) {
    framer.feed(asBytes(std::string_view(s).substr(i, 16)), cb);
    ASSERT_LE(framer.bufferedBytes(), 200u + 16u);
  }
  framer.end(cb);
  EXPECT_EQ(cb.messages, std::vector<std::string>{kAck});
  EXPECT_EQ(cb.anomalies.get(Anomaly::Hl7OversizedMessage), 1u);
}

TEST(RawFramer, EndlessSkippingIsOutOfSync) {
  RawFramer framer(100);
  RecordingCallbacks cb;
  framer.gap(cb);
  EXPECT_EQ(framer.feed(asBytes(std::string(60, 'x')), cb), FeedResult::Consumed);
  EXPECT_EQ(framer.feed(asBytes(std::string(60, 'x')), cb), FeedResult::OutOfSync);
  EXPECT_EQ(framer.feed(asBytes(kAck), cb), FeedResult::OutOfSync);
}

}  // namespace
}  // namespace medtap::analyzers::hl7
