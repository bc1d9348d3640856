#include "analyzers/hl7/hl7_analyzer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "analyzers/dispatcher.h"
#include "analyzers/hl7/hl7_header.h"
#include "analyzers/hl7/hl7_message.h"
#include "analyzers/hl7/limits.h"
#include "analyzers/hl7/raw_framer.h"
#include "test_support.h"

namespace medtap::analyzers::hl7 {
namespace {

using fixtures::kAck;
using fixtures::kAdtA01;
using fixtures::kOruR01;
using fixtures::mllpFrame;
using fixtures::RecordingSink;

constexpr Direction O = Direction::Originator;
constexpr Direction R = Direction::Responder;

ProbeResult probeText(std::string_view text) {
  return probe(asBytes(text), O);
}

TEST(Hl7Probe, RecognisesMllpAndBareHl7) {
  EXPECT_EQ(probeText("\x0bMSH|^~\\&|"), ProbeResult::Yes);
  EXPECT_EQ(probeText("\x0bMSH"), ProbeResult::Yes);
  EXPECT_EQ(probeText("\x0b\xEF\xBB\xBFMSH|"), ProbeResult::Yes);
  EXPECT_EQ(probeText("MSH|^~\\&|"), ProbeResult::Yes);
  EXPECT_EQ(probeText("MSH#"), ProbeResult::Yes);
  EXPECT_EQ(probeText("\xEF\xBB\xBFMSH|"), ProbeResult::Yes);
  EXPECT_EQ(probe(asBytes("\x0bMSH|"), R), ProbeResult::Yes);  // an ACK stream
}

TEST(Hl7Probe, MaybeWhileTooShortToTell) {
  for (std::string_view text : {"", "\x0b", "\x0bM", "\x0bMS", "M", "MS", "MSH", "\xEF",
                                "\xEF\xBB\xBF", "\x0b\xEF\xBB", "\xEF\xBB\xBFMS"}) {
    EXPECT_EQ(probeText(text), ProbeResult::Maybe) << ::testing::PrintToString(text);
  }
}

TEST(Hl7Probe, NoForOtherProtocols) {
  for (std::string_view text :
       {"GET / HTTP/1.1", "\x0bGET", "MSHA", "MSH ", "MSH\r", "\x16\x03\x01", "\x01\x00\x00\x00",
        "\x0b\x0bMSH", "PID|", "\xEF\xBB\xBFPID"}) {
    EXPECT_EQ(probeText(text), ProbeResult::No) << ::testing::PrintToString(text);
  }
}

class Hl7AnalyzerTest : public ::testing::Test {
 protected:
  FeedResult feed(Direction dir, std::string_view text, int64_t t = 1) {
    return analyzer_.feed(ctx_, dir, asBytes(text), Timestamp::fromSeconds(t));
  }
  std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto* m : sink_.hl7()) out.push_back(m->message_type);
    return out;
  }

  flow::Flow flow_ = fixtures::makeFlow(6, 40000, 2575);
  events::FlowRef ref_ = Dispatcher::flowRef(flow_);
  RecordingSink sink_;
  AnomalyCounters anomalies_;
  privacy::PhiTokenizer phi_ = privacy::PhiTokenizer::withSecret("test");
  AnalyzerContext ctx_{ref_, sink_, anomalies_, phi_};
  Hl7Analyzer analyzer_;
};

using Types = std::vector<std::string>;

TEST_F(Hl7AnalyzerTest, OneEventPerMllpMessageWithTheTimeOfTheCompletingPacket) {
  const std::string oru = mllpFrame(kOruR01);
  EXPECT_EQ(feed(O, mllpFrame(kAdtA01) + oru.substr(0, 30), 10), FeedResult::NeedMoreData);
  EXPECT_EQ(feed(R, mllpFrame(kAck), 11), FeedResult::Consumed);
  EXPECT_EQ(feed(O, oru.substr(30), 12), FeedResult::Consumed);
  ASSERT_EQ(types(), (Types{"ADT^A01", "ACK^A01", "ORU^R01"}));
  EXPECT_EQ(sink_.events[0].ts, Timestamp::fromSeconds(10));
  EXPECT_EQ(sink_.events[1].ts, Timestamp::fromSeconds(11));
  EXPECT_EQ(sink_.events[2].ts, Timestamp::fromSeconds(12));
  EXPECT_EQ(sink_.hl7()[1]->ack_code, "AA");
  EXPECT_EQ(sink_.hl7()[2]->length, kOruR01.size());
  ASSERT_TRUE(sink_.events[0].flow);
  EXPECT_EQ(sink_.events[0].flow->dest_port, 2575);
  EXPECT_EQ(anomalies_.total(), 0u);
}

TEST_F(Hl7AnalyzerTest, EventsCarryNoPatientData) {
  feed(O, mllpFrame(kAdtA01) + mllpFrame(kOruR01));
  ASSERT_EQ(sink_.hl7().size(), 2u);
  for (const auto* m : sink_.hl7()) {
    for (const std::string* s :
         {&m->message_type, &m->control_id, &m->version, &m->sending_application,
          &m->sending_facility, &m->receiving_application, &m->receiving_facility, &m->ack_code}) {
      EXPECT_EQ(s->find("PATIENT"), std::string::npos) << *s;
      EXPECT_EQ(s->find("19700101"), std::string::npos) << *s;
    }
  }
}

TEST_F(Hl7AnalyzerTest, BareHl7WithoutMllp) {
  // A message ends where the next one starts, so each is reported one message late.
  EXPECT_EQ(feed(O, kAdtA01.substr(0, 20), 1), FeedResult::NeedMoreData);
  EXPECT_EQ(feed(O, kAdtA01.substr(20) + kOruR01.substr(0, 20), 2), FeedResult::NeedMoreData);
  EXPECT_EQ(types(), (Types{"ADT^A01"}));
  feed(O, kOruR01.substr(20), 3);
  EXPECT_EQ(types(), (Types{"ADT^A01"}));
  feed(O, kAck, 4);
  EXPECT_EQ(types(), (Types{"ADT^A01", "ORU^R01"}));
  EXPECT_EQ(sink_.events[0].ts, Timestamp::fromSeconds(2));
  EXPECT_EQ(sink_.events[1].ts, Timestamp::fromSeconds(4));
  analyzer_.end(ctx_, O, Timestamp::fromSeconds(5));
  EXPECT_EQ(types(), (Types{"ADT^A01", "ORU^R01", "ACK^A01"}));
  EXPECT_EQ(sink_.events[2].ts, Timestamp::fromSeconds(5));
  EXPECT_EQ(anomalies_.total(), 0u);
}

TEST_F(Hl7AnalyzerTest, BareHl7WithBom) {
  feed(O, "\xEF\xBB\xBF" + kAdtA01);
  analyzer_.end(ctx_, O, Timestamp::fromSeconds(2));
  EXPECT_EQ(types(), (Types{"ADT^A01"}));
}

TEST_F(Hl7AnalyzerTest, EachDirectionHasItsOwnFraming) {
  feed(O, kAdtA01);          // bare
  feed(R, mllpFrame(kAck));  // MLLP
  analyzer_.end(ctx_, O, Timestamp::fromSeconds(2));
  analyzer_.end(ctx_, R, Timestamp::fromSeconds(2));
  EXPECT_EQ(types(), (Types{"ACK^A01", "ADT^A01"}));
  EXPECT_EQ(anomalies_.total(), 0u);
}

TEST_F(Hl7AnalyzerTest, RunOfUnparsableMessagesIsOutOfSync) {
  for (uint32_t i = 1; i < kMaxConsecutiveBadMessages; ++i) {
    ASSERT_EQ(feed(O, mllpFrame("not hl7")), FeedResult::Consumed) << i;
  }
  EXPECT_EQ(feed(O, mllpFrame("not hl7")), FeedResult::OutOfSync);
  EXPECT_EQ(anomalies_.get(Anomaly::Hl7MissingMsh), kMaxConsecutiveBadMessages);
}

TEST_F(Hl7AnalyzerTest, AGoodMessageResetsTheBadRun) {
  for (int round = 0; round < 3; ++round) {
    for (uint32_t i = 1; i < kMaxConsecutiveBadMessages; ++i) {
      ASSERT_NE(feed(O, mllpFrame("MSH||bad")), FeedResult::OutOfSync);
    }
    ASSERT_EQ(feed(O, mllpFrame(kAck)), FeedResult::Consumed);
  }
  EXPECT_EQ(sink_.hl7().size(), 3u);
  EXPECT_EQ(anomalies_.get(Anomaly::Hl7BadEncodingCharacters),
            3 * (kMaxConsecutiveBadMessages - 1));
}

TEST_F(Hl7AnalyzerTest, NonMllpGarbageIsOutOfSync) {
  FeedResult r = FeedResult::Consumed;
  for (int i = 0; i < 100 && r != FeedResult::OutOfSync; ++i) {
    r = feed(O, std::string(4096, 'z'));
  }
  EXPECT_EQ(r, FeedResult::OutOfSync);
  EXPECT_EQ(anomalies_.get(Anomaly::MllpMissingStartBlock), 1u);
}

TEST_F(Hl7AnalyzerTest, GapThenEnd) {
  const std::string adt = mllpFrame(kAdtA01);
  feed(O, adt.substr(0, 50));
  analyzer_.gap(ctx_, O, 20, Timestamp::fromSeconds(2));
  feed(O, adt.substr(70) + mllpFrame(kAck));
  feed(O, "\x0bMSH|^~\\&|cut");
  analyzer_.end(ctx_, O, Timestamp::fromSeconds(3));
  EXPECT_EQ(types(), (Types{"ACK^A01"}));
  EXPECT_EQ(anomalies_.get(Anomaly::MllpTruncatedMessage), 2u);
}

TEST_F(Hl7AnalyzerTest, GapBeforeAnyDataFollowsTheOtherDirectionsFraming) {
  feed(O, mllpFrame(kAdtA01));
  analyzer_.gap(ctx_, R, 100, Timestamp::fromSeconds(2));
  feed(R, "rest of a lost ack\x1c\r" + mllpFrame(kAck));
  EXPECT_EQ(types(), (Types{"ADT^A01", "ACK^A01"}));
  EXPECT_EQ(anomalies_.total(), 0u);
}

TEST_F(Hl7AnalyzerTest, EndAndGapOnAnUnusedDirectionAreHarmless) {
  analyzer_.end(ctx_, R, Timestamp::fromSeconds(1));
  EXPECT_EQ(feed(O, mllpFrame(kAck)), FeedResult::Consumed);
  EXPECT_EQ(feed(O, ""), FeedResult::Consumed);
  EXPECT_EQ(types(), (Types{"ACK^A01"}));
}

TEST(Hl7Register, AddsOneTcpAnalyzerNamedHl7) {
  Registry r;
  registerAnalyzer(r);
  ASSERT_EQ(r.analyzers().size(), 1u);
  const AnalyzerDef& def = r.analyzers()[0];
  EXPECT_EQ(def.name, "hl7");
  EXPECT_EQ(def.transport, Transport::Tcp);
  EXPECT_EQ(def.port_hints, (std::vector<uint16_t>{2575, 6661, 511, 4601, 3100}));
  ASSERT_NE(def.make_stream, nullptr);
  EXPECT_NE(def.make_stream(), nullptr);
  EXPECT_EQ(def.make_datagram, nullptr);
}

// --- real third-party message files through the whole analyzer ---

const std::string kTestData = std::string(MEDTAP_SHARED_DIR) + "/testdata";

// The messages of a file as the bare-HL7 framer cuts them.
std::vector<std::string> splitFile(const std::string& text) {
  fixtures::RecordingCallbacks cb;
  RawFramer framer;
  framer.feed(asBytes(text), cb);
  framer.end(cb);
  return cb.messages;
}

struct RunResult {
  std::vector<std::string> types;
  AnomalyCounters anomalies;
};

// Feeds `stream` to a fresh analyzer in chunks of `chunk` bytes, then ends it.
RunResult run(std::string_view stream, size_t chunk) {
  flow::Flow f = fixtures::makeFlow(6, 40000, 6661);
  const events::FlowRef ref = Dispatcher::flowRef(f);
  RecordingSink sink;
  RunResult result;
  const auto phi = privacy::PhiTokenizer::withSecret("test");
  AnalyzerContext ctx{ref, sink, result.anomalies, phi};
  Hl7Analyzer analyzer;
  for (size_t i = 0; i < stream.size(); i += chunk) {
    analyzer.feed(ctx, O, asBytes(stream.substr(i, chunk)), Timestamp::fromSeconds(1));
  }
  analyzer.end(ctx, O, Timestamp::fromSeconds(2));
  for (const auto* m : sink.hl7()) result.types.push_back(m->message_type);
  return result;
}

TEST(RealMessages, MessageCountsMatchSources) {
  // msgs= in SOURCES.md.
  const std::vector<std::pair<std::string, size_t>> files = {
      {"hapi-hl7v2/example_oml_o21.hl7", 13},
      {"nHapi/Parser/OML_O21_messages.txt", 7},
      {"hapi-hl7v2/messages.txt", 18},
  };
  for (const auto& [name, count] : files) {
    const std::string text = fixtures::readFile(kTestData + "/hl7_messages/" + name);
    size_t parsed = 0;
    for (const std::string& m : splitFile(text)) {
      events::Hl7Message msg;
      AnomalyCounters a;
      if (parseMessage(m, msg, a) == ParseStatus::Ok) ++parsed;
    }
    EXPECT_EQ(parsed, count) << name;
  }
}

// Every corpus file, framed as MLLP and fed in odd-sized chunks, gives the same message types
// as parsing its messages one by one; bare-HL7 files give them too without MLLP.
TEST(RealMessages, EveryFileThroughTheAnalyzer) {
  size_t files = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(kTestData + "/hl7_messages")) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string text = fixtures::readFile(entry.path().string());
    std::vector<std::string> want;
    std::string framed;
    for (const std::string& m : splitFile(text)) {
      events::Hl7Message msg;
      AnomalyCounters a;
      if (parseMessage(m, msg, a) != ParseStatus::Ok) continue;
      want.push_back(msg.message_type);
      framed += mllpFrame(m);
    }
    ASSERT_FALSE(want.empty()) << entry.path();
    for (size_t chunk : {size_t{1}, size_t{97}, size_t{1460}, framed.size()}) {
      const RunResult r = run(framed, chunk);
      EXPECT_EQ(r.types, want) << entry.path() << " chunk " << chunk;
      EXPECT_EQ(r.anomalies.get(Anomaly::MllpMissingStartBlock), 0u) << entry.path();
    }
    if (text.starts_with("MSH") || text.starts_with("\xEF\xBB\xBFMSH")) {
      EXPECT_EQ(run(text, 1460).types, want) << entry.path();
    }
  }
  EXPECT_GT(files, 150u);
}

TEST(RealMessages, FuzzCrashersThroughTheAnalyzer) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kTestData + "/hl7_fuzz")) {
    if (!entry.is_regular_file()) continue;
    const std::string text = fixtures::readFile(entry.path().string());
    for (size_t chunk : {size_t{1}, size_t{7}, size_t{4096}}) {
      run(text, chunk);
      run(mllpFrame(text), chunk);
    }
  }
}

}  // namespace
}  // namespace medtap::analyzers::hl7
