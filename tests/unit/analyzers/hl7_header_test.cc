#include "analyzers/hl7/hl7_header.h"
#include "analyzers/hl7/hl7_message.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "analyzers/hl7/byte_scan.h"
#include "analyzers/hl7/limits.h"
#include "analyzers/hl7/raw_framer.h"
#include "test_support.h"

namespace medtap::analyzers::hl7 {
namespace {

using fixtures::kAck;
using fixtures::kAdtA01;
using fixtures::kOruR01;

std::vector<std::string> segmentsOf(std::string_view message) {
  std::vector<std::string> out;
  SegmentReader reader(message);
  while (auto s = reader.next()) out.emplace_back(*s);
  return out;
}

struct Parsed {
  ParseStatus status;
  events::Hl7Message msg;
  AnomalyCounters anomalies;
};

Parsed parse(std::string_view message) {
  Parsed p;
  p.status = parseMessage(message, p.msg, p.anomalies);
  return p;
}

// --- helpers ---

TEST(SkipPreamble, SkipsBomAndWhitespace) {
  EXPECT_EQ(skipPreamble("MSH|"), 0u);
  EXPECT_EQ(skipPreamble("\xEF\xBB\xBFMSH|"), 3u);
  EXPECT_EQ(skipPreamble("\xEF\xBB\xBF \r\n\tMSH|"), 7u);
  EXPECT_EQ(skipPreamble("\r\nMSH|"), 2u);
  EXPECT_EQ(skipPreamble("\xEF\xBBMSH"), 0u);  // half a BOM is not one
  EXPECT_EQ(skipPreamble(""), 0u);
  EXPECT_EQ(skipPreamble("  "), 2u);
}

TEST(ParseEncodingCharacters, ReadsMsh1AndMsh2) {
  auto e = parseEncodingCharacters("MSH|^~\\&|APP");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->field, '|');
  EXPECT_EQ(e->component, '^');
  EXPECT_EQ(e->repetition, '~');
  EXPECT_EQ(e->escape, '\\');
  EXPECT_EQ(e->subcomponent, '&');
  EXPECT_EQ(e->truncation, '\0');
}

TEST(ParseEncodingCharacters, CustomCharactersAreNeverAssumed) {
  auto e = parseEncodingCharacters("MSH|$%*@|APP");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->field, '|');
  EXPECT_EQ(e->component, '$');
  EXPECT_EQ(e->repetition, '%');
  EXPECT_EQ(e->escape, '*');
  EXPECT_EQ(e->subcomponent, '@');

  e = parseEncodingCharacters("MSH#^~\\&#APP");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->field, '#');
  EXPECT_EQ(e->component, '^');

  e = parseEncodingCharacters("MSH^~|\\&^SENDING");  // '^' separates fields, '~' components
  ASSERT_TRUE(e);
  EXPECT_EQ(e->field, '^');
  EXPECT_EQ(e->component, '~');
  EXPECT_EQ(e->repetition, '|');
}

TEST(ParseEncodingCharacters, AcceptsShortAndV27Forms) {
  auto e = parseEncodingCharacters("MSH|^~\\&#|APP");  // v2.7 truncation character
  ASSERT_TRUE(e);
  EXPECT_EQ(e->truncation, '#');
  e = parseEncodingCharacters("MSH|^");  // only a component separator, segment ends
  ASSERT_TRUE(e);
  EXPECT_EQ(e->component, '^');
  EXPECT_EQ(e->repetition, '\0');
}

TEST(ParseEncodingCharacters, RejectsUnusableDelimiters) {
  EXPECT_FALSE(parseEncodingCharacters("MSH"));
  EXPECT_FALSE(parseEncodingCharacters("MSH|"));           // empty MSH-2
  EXPECT_FALSE(parseEncodingCharacters("MSH||APP"));       // empty MSH-2
  EXPECT_FALSE(parseEncodingCharacters("MSHA^~\\&A"));     // letter as field separator
  EXPECT_FALSE(parseEncodingCharacters("MSH1^~\\&1"));     // digit
  EXPECT_FALSE(parseEncodingCharacters("MSH ^~\\& "));     // space
  EXPECT_FALSE(parseEncodingCharacters("MSH\x01^~\\&"));   // control character
  EXPECT_FALSE(parseEncodingCharacters("MSH|^^\\&|"));     // repeated character
  EXPECT_FALSE(parseEncodingCharacters("MSH|^~\\&x|"));    // letter among them
  EXPECT_FALSE(parseEncodingCharacters("MSH|^~\\&#$|"));   // six characters
  EXPECT_FALSE(parseEncodingCharacters("MSH|^~\\\xC3|"));  // not ASCII
  EXPECT_FALSE(parseEncodingCharacters("PID|^~\\&|"));
}

TEST(SegmentReader, AcceptsCrLfAndCrlfAndSkipsEmptyLines) {
  const std::vector<std::string> want = {"MSH|x", "PID|y", "OBX|z"};
  EXPECT_EQ(segmentsOf("MSH|x\rPID|y\rOBX|z\r"), want);
  EXPECT_EQ(segmentsOf("MSH|x\nPID|y\nOBX|z\n"), want);
  EXPECT_EQ(segmentsOf("MSH|x\r\nPID|y\r\nOBX|z"), want);
  EXPECT_EQ(segmentsOf("MSH|x\r\n\r\nPID|y\n\rOBX|z\r\r"), want);  // mixed, with blank lines
  EXPECT_TRUE(segmentsOf("").empty());
  EXPECT_TRUE(segmentsOf("\r\n\r").empty());
}

TEST(SplitFields, FillsWhatFitsAndCountsEverything) {
  std::array<std::string_view, 3> out{"stale", "stale", "stale"};
  EXPECT_EQ(splitFields("MSA|AA|123|x|y", '|', out), 5u);
  EXPECT_EQ(out[0], "MSA");
  EXPECT_EQ(out[1], "AA");
  EXPECT_EQ(out[2], "123");
  out = {"stale", "stale", "stale"};
  EXPECT_EQ(splitFields("MSA", '|', out), 1u);
  EXPECT_EQ(out[0], "MSA");
  EXPECT_EQ(out[1], "");  // cleared
  EXPECT_EQ(out[2], "");
  EXPECT_EQ(splitFields("A||", '|', out), 3u);
  EXPECT_EQ(out[1], "");
}

TEST(Component, PicksTheNthPart) {
  EXPECT_EQ(component("ORU^R01^ORU_R01", '^', 0), "ORU");
  EXPECT_EQ(component("ORU^R01^ORU_R01", '^', 1), "R01");
  EXPECT_EQ(component("ORU^R01^ORU_R01", '^', 2), "ORU_R01");
  EXPECT_EQ(component("ORU^R01^ORU_R01", '^', 3), "");
  EXPECT_EQ(component("ACK", '^', 0), "ACK");
  EXPECT_EQ(component("ACK", '^', 1), "");
  EXPECT_EQ(component("", '^', 0), "");
}

TEST(Component, SeparatorsAcrossWordBoundaries) {
  // The scan reads eight bytes at a time: separators at, before and after a word's end.
  const std::string field = "1234567^89ABCDEF^^G^0123456789abcdef^";
  EXPECT_EQ(component(field, '^', 0), "1234567");
  EXPECT_EQ(component(field, '^', 1), "89ABCDEF");
  EXPECT_EQ(component(field, '^', 2), "");
  EXPECT_EQ(component(field, '^', 3), "G");
  EXPECT_EQ(component(field, '^', 4), "0123456789abcdef");
  EXPECT_EQ(component(field, '^', 5), "");
  EXPECT_EQ(component(field, '^', 6), "");
  // A NUL byte is text, also when it is looked for (a missing delimiter is '\0').
  EXPECT_EQ(component(std::string_view("a\0b", 3), '^', 0), std::string_view("a\0b", 3));
}

// Offsets of every `c` in `text` found by one block scanner of byte_scan.h.
template <typename Block, typename Mask>
std::vector<size_t> scanPositions(std::string_view text, char c, size_t block_bytes,
                                  Block (*load)(const char*, size_t), Mask (*matches)(Block, char),
                                  Mask (*first_bytes)(size_t), size_t (*first_match)(Mask)) {
  std::vector<size_t> out;
  for (size_t base = 0; base < text.size(); base += block_bytes) {
    const size_t n = text.size() - base;
    for (Mask m = matches(load(text.data() + base, n), c) & first_bytes(n); m != 0; m &= m - 1) {
      out.push_back(base + first_match(m));
    }
  }
  return out;
}

TEST(ByteScan, EveryImplementationFindsWhatALoopFinds) {
  // Delimiters, letters, NUL (the "no delimiter" value) and high bytes, at every length from
  // empty to past two SSE2 blocks; seeded.
  const std::string alphabet("|^~\\&aZ\0\x80\xff", 10);
  std::mt19937 rng(20251125);
  for (int round = 0; round < 3000; ++round) {
    std::string text(rng() % 40, ' ');
    for (char& ch : text) ch = alphabet[rng() % alphabet.size()];
    const char c = alphabet[rng() % alphabet.size()];
    std::vector<size_t> want;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == c) want.push_back(i);
    }
    EXPECT_EQ(scanPositions(text, c, swar::kBlockBytes, &swar::load, &swar::matches,
                            &swar::firstBytes, &swar::firstMatch),
              want);
#if defined(__SSE2__)
    EXPECT_EQ(scanPositions(text, c, sse2::kBlockBytes, &sse2::load, &sse2::matches,
                            &sse2::firstBytes, &sse2::firstMatch),
              want);
#endif
    EXPECT_EQ(findByte(text, c), want.empty() ? text.size() : want.front());
  }
}

EncodingCharacters standardEncoding() {
  return EncodingCharacters{'|', '^', '~', '\\', '&', '\0'};
}

TEST(SplitSegment, FieldsRepetitionsComponentsAndEscapes) {
  const std::string obx =
      "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC~2^x|1.2.1.1|98|%^percent|||||R|||"
      "20250101120000+0000||||0012345678ABCDEF^EUI-64|a\\S\\b";
  SplitSegment s;
  s.split(obx, standardEncoding());
  EXPECT_EQ(s.count(), 20u);
  EXPECT_EQ(s.field(0), "OBX");
  EXPECT_EQ(s.field(3), "150456^MDC_PULS_OXIM_SAT_O2^MDC~2^x");
  EXPECT_EQ(s.firstRepetition(3), "150456^MDC_PULS_OXIM_SAT_O2^MDC");
  EXPECT_EQ(s.component(3, 0), "150456");
  EXPECT_EQ(s.component(3, 1), "MDC_PULS_OXIM_SAT_O2");
  EXPECT_EQ(s.component(3, 2), "MDC");
  EXPECT_EQ(s.component(3, 3), "");  // "2^x" is the second repetition's
  EXPECT_EQ(s.component(5, 0), "98");
  EXPECT_EQ(s.component(5, 1), "");
  EXPECT_EQ(s.component(6, 1), "percent");
  EXPECT_EQ(s.field(7), "");
  EXPECT_EQ(s.component(14, 0), "20250101120000+0000");
  EXPECT_EQ(s.component(18, 0), "0012345678ABCDEF");
  EXPECT_EQ(s.field(19), "a\\S\\b");
  EXPECT_TRUE(s.escaped(19));
  EXPECT_FALSE(s.escaped(3));
  EXPECT_EQ(s.field(20), "");  // past the last field
  EXPECT_EQ(s.component(20, 0), "");
  EXPECT_FALSE(s.escaped(20));
}

TEST(SplitSegment, CountsFieldsBeyondThoseKept) {
  std::string zpd = "ZPD";
  for (int i = 0; i < 40; ++i) zpd += "|f" + std::to_string(i);
  SplitSegment s;
  s.split(zpd, standardEncoding());
  EXPECT_EQ(s.count(), 41u);
  EXPECT_EQ(s.field(SplitSegment::kMaxFields - 1), "f19");
  EXPECT_EQ(s.field(SplitSegment::kMaxFields), "");
  s.split("PID", standardEncoding());  // reused: nothing of the earlier segment remains
  EXPECT_EQ(s.count(), 1u);
  EXPECT_EQ(s.field(0), "PID");
  EXPECT_EQ(s.field(1), "");
}

TEST(SplitSegment, MissingDelimitersNeverSplit) {
  // MSH-2 "^": no repetition or escape character; '~', '\\' and NUL bytes are text.
  const EncodingCharacters e{'|', '^', '\0', '\0', '\0', '\0'};
  const std::string pid = std::string("PID|1|a~b^c\\E\\|") + '\0' + "x^y";
  SplitSegment s;
  s.split(pid, e);
  EXPECT_EQ(s.count(), 4u);
  EXPECT_EQ(s.firstRepetition(2), "a~b^c\\E\\");
  EXPECT_EQ(s.component(2, 0), "a~b");
  EXPECT_EQ(s.component(2, 1), "c\\E\\");
  EXPECT_FALSE(s.escaped(2));
  EXPECT_EQ(s.component(3, 0), std::string_view("\0x", 2));
  EXPECT_EQ(s.component(3, 1), "y");
}

TEST(IsSegmentName, ThreeUpperCaseLettersOrDigits) {
  EXPECT_TRUE(isSegmentName("MSH"));
  EXPECT_TRUE(isSegmentName("ZPD"));
  EXPECT_TRUE(isSegmentName("IN1"));
  EXPECT_FALSE(isSegmentName("1NX"));
  EXPECT_FALSE(isSegmentName("msh"));
  EXPECT_FALSE(isSegmentName("MS"));
  EXPECT_FALSE(isSegmentName("DOEJ"));
  EXPECT_FALSE(isSegmentName("// "));
  EXPECT_FALSE(isSegmentName(""));
}

TEST(MessageTypeText, JoinsCodeAndTriggerWithCaret) {
  EncodingCharacters caret{'|', '^', '~', '\\', '&'};
  EncodingCharacters dollar{'|', '$', '%', '*', '@'};
  EXPECT_EQ(messageTypeText("ORU^R01", caret), "ORU^R01");
  EXPECT_EQ(messageTypeText("ADT^A01^ADT_A01", caret), "ADT^A01");
  EXPECT_EQ(messageTypeText("ADT$A01$ADT_A01", dollar), "ADT^A01");
  EXPECT_EQ(messageTypeText("ADT^A01", dollar), "ADT^A01");  // '^' is data here: kept as is
  EXPECT_EQ(messageTypeText("ACK", caret), "ACK");
  EXPECT_EQ(messageTypeText("ACK^", caret), "ACK");
  EXPECT_EQ(messageTypeText("", caret), "");
}

TEST(CutField, NeverSplitsAUtf8Character) {
  EXPECT_EQ(cutField("abcdef", 10), "abcdef");
  EXPECT_EQ(cutField("abcdef", 3), "abc");
  EXPECT_EQ(cutField("ab\xC3\xA9z", 3), "ab");  // é would be cut in half
  EXPECT_EQ(cutField("ab\xC3\xA9z", 4), "ab\xC3\xA9");
  EXPECT_EQ(cutField("a\xE2\x82\xAC", 3), "a");  // €
  EXPECT_EQ(cutField("abc", 0), "");
}

// --- parseMessage ---

TEST(ParseMessage, ReadsTheHeaderOfAnAdt) {
  const Parsed p = parse(kAdtA01);
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.message_type, "ADT^A01");
  EXPECT_EQ(p.msg.control_id, "CTRL0001");
  EXPECT_EQ(p.msg.version, "2.5");
  EXPECT_EQ(p.msg.sending_application, "ADMIT");
  EXPECT_EQ(p.msg.sending_facility, "WARD7");
  EXPECT_EQ(p.msg.receiving_application, "EHR");
  EXPECT_EQ(p.msg.receiving_facility, "TESTHOSP");
  EXPECT_EQ(p.msg.segments, (std::vector<std::string>{"MSH", "EVN", "PID", "PV1"}));
  EXPECT_EQ(p.msg.ack_code, "");
  EXPECT_EQ(p.msg.length, kAdtA01.size());
  EXPECT_EQ(p.anomalies.total(), 0u);
}

TEST(ParseMessage, KeepsHdComponentsWhole) {
  const Parsed p = parse(kOruR01);
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.sending_application, "MONITOR^0012345678ABCDEF^EUI-64");
  EXPECT_EQ(p.msg.message_type, "ORU^R01");
  EXPECT_EQ(p.msg.version, "2.6");
  EXPECT_EQ(p.msg.segments, (std::vector<std::string>{"MSH", "PID", "OBR", "OBX", "OBX"}));
}

TEST(ParseMessage, ReadsTheAckCode) {
  const Parsed p = parse(kAck);
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.message_type, "ACK^A01");
  EXPECT_EQ(p.msg.ack_code, "AA");
  EXPECT_EQ(p.msg.segments, (std::vector<std::string>{"MSH", "MSA"}));
  // The first MSA counts; an application error ack reads AE.
  EXPECT_EQ(parse("MSH|^~\\&|||||||ACK|1|P|2.3\rMSA|AE|9\rMSA|AA|9").msg.ack_code, "AE");
}

TEST(ParseMessage, CustomEncodingCharacters) {
  const Parsed p = parse(
      "MSH|$%*@|LAB$1|SITE|||20250101||ORU$R01$ORU_R01|C1|P|2.5.1$$\r"
      "PID|1||X$$$Y||TEST$PATIENT\r"
      "OBX|1|NM|8867-4$HR$LN||60\r");
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.message_type, "ORU^R01");
  EXPECT_EQ(p.msg.sending_application, "LAB$1");
  EXPECT_EQ(p.msg.version, "2.5.1");
  EXPECT_EQ(p.msg.segments, (std::vector<std::string>{"MSH", "PID", "OBX"}));
}

TEST(ParseMessage, OtherFieldSeparator) {
  const Parsed p = parse("MSH#^~\\&#APP#FAC#RCV#RFAC#20250101##ADT^A08#C9#P#2.4\rEVN#A08\r");
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.sending_application, "APP");
  EXPECT_EQ(p.msg.receiving_facility, "RFAC");
  EXPECT_EQ(p.msg.message_type, "ADT^A08");
  EXPECT_EQ(p.msg.control_id, "C9");
  EXPECT_EQ(p.msg.version, "2.4");
  EXPECT_EQ(p.msg.segments, (std::vector<std::string>{"MSH", "EVN"}));
}

TEST(ParseMessage, EscapeSequencesAreKeptAsIs) {
  const Parsed p = parse("MSH|^~\\&|LAB\\F\\SYS|A\\T\\B|||||ORU^R01|X\\S\\1|P|2.5\r");
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.sending_application, "LAB\\F\\SYS");
  EXPECT_EQ(p.msg.sending_facility, "A\\T\\B");
  EXPECT_EQ(p.msg.control_id, "X\\S\\1");
}

TEST(ParseMessage, LineEndingsDoNotChangeTheResult) {
  std::string lf = kAdtA01, crlf;
  for (char& c : lf)
    if (c == '\r') c = '\n';
  for (char c : kAdtA01) {
    if (c == '\r')
      crlf += "\r\n";
    else
      crlf += c;
  }
  const Parsed cr = parse(kAdtA01);
  for (const std::string& variant : {lf, crlf}) {
    const Parsed p = parse(variant);
    ASSERT_EQ(p.status, ParseStatus::Ok);
    EXPECT_EQ(p.msg.segments, cr.msg.segments);
    EXPECT_EQ(p.msg.version, "2.5");  // no line-break residue in the last MSH field
    EXPECT_EQ(p.anomalies.total(), 0u);
  }
}

TEST(ParseMessage, BomAndLeadingWhitespace) {
  const Parsed p = parse("\xEF\xBB\xBF\r\n" + kAck);
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.message_type, "ACK^A01");
}

TEST(ParseMessage, MissingFieldsAreEmpty) {
  const Parsed p = parse("MSH|^~\\&|APP");
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.sending_application, "APP");
  EXPECT_EQ(p.msg.sending_facility, "");
  EXPECT_EQ(p.msg.message_type, "");
  EXPECT_EQ(p.msg.control_id, "");
  EXPECT_EQ(p.msg.version, "");
  EXPECT_EQ(p.msg.segments, std::vector<std::string>{"MSH"});
  EXPECT_EQ(p.anomalies.total(), 0u);
}

TEST(ParseMessage, MissingMsh) {
  for (std::string_view text : {"", "PID|1", "  \r\n", "msh|^~\\&|", "\x0bMSH|^~\\&"}) {
    const Parsed p = parse(text);
    EXPECT_EQ(p.status, ParseStatus::MissingMsh) << text;
    EXPECT_EQ(p.anomalies.get(Anomaly::Hl7MissingMsh), 1u);
  }
}

TEST(ParseMessage, BadEncodingCharacters) {
  for (std::string_view text : {"MSH", "MSH|", "MSH||A|B", "MSHA^~\\&A", "MSH\r|^~\\&"}) {
    const Parsed p = parse(text);
    EXPECT_EQ(p.status, ParseStatus::BadEncodingCharacters) << text;
    EXPECT_EQ(p.anomalies.get(Anomaly::Hl7BadEncodingCharacters), 1u);
  }
}

// A line break inside a field makes a "segment" out of field text, which may be a name: it is
// counted, never reported.
TEST(ParseMessage, BadSegmentNamesAreLeftOut) {
  const Parsed p = parse("MSH|^~\\&|A||||||ADT^A01|1|P|2.5\rPID|1||1||TEST\rPATIENT|X\rPV1|1\r");
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.segments, (std::vector<std::string>{"MSH", "PID", "PV1"}));
  EXPECT_EQ(p.anomalies.get(Anomaly::Hl7BadSegmentName), 1u);
}

TEST(ParseMessage, SegmentNamesAreCapped) {
  std::string m = "MSH|^~\\&|A||||||ORU^R01|1|P|2.5\r";
  for (size_t i = 0; i < kMaxSegments + 10; ++i) m += "OBX|1\r";
  m += "MSA|AR\r";
  const Parsed p = parse(m);
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.segments.size(), kMaxSegments);
  EXPECT_EQ(p.anomalies.get(Anomaly::Hl7TooManySegments), 1u);
  EXPECT_EQ(p.msg.ack_code, "AR");  // still found past the cap
}

TEST(ParseMessage, LongFieldsAreCut) {
  const std::string longer(kMaxHeaderFieldLength + 100, 'A');
  const Parsed p = parse("MSH|^~\\&|" + longer + "|" + longer + "|||||ADT^A01|1|P|2.5\r");
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.sending_application.size(), kMaxHeaderFieldLength);
  EXPECT_EQ(p.msg.sending_facility.size(), kMaxHeaderFieldLength);
  EXPECT_EQ(p.anomalies.get(Anomaly::Hl7LongField), 2u);
}

TEST(ParseMessage, TooManyFieldsInMsh) {
  const Parsed p =
      parse("MSH|^~\\&|A||||||ADT^A01|1|P|2.5" + std::string(kMaxFieldsPerSegment, '|'));
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.version, "2.5");
  EXPECT_EQ(p.anomalies.get(Anomaly::Hl7TooManyFields), 1u);
}

TEST(ParseMessage, ReusesTheOutputWithoutLeftovers) {
  events::Hl7Message msg;
  AnomalyCounters anomalies;
  ASSERT_EQ(parseMessage(kAck, msg, anomalies), ParseStatus::Ok);
  ASSERT_EQ(parseMessage(kAdtA01, msg, anomalies), ParseStatus::Ok);
  EXPECT_EQ(msg.ack_code, "");
  EXPECT_EQ(msg.segments.size(), 4u);
  EXPECT_EQ(msg.message_type, "ADT^A01");
}

// --- real third-party messages (../shared/testdata, see SOURCES.md) ---

const std::string kTestData = std::string(MEDTAP_SHARED_DIR) + "/testdata";

// The first message of a file: from its first MSH (after a BOM, or at a line start after
// comments) to the next MSH at a line start.
std::string_view firstMessage(std::string_view text) {
  size_t begin = skipPreamble(text);
  if (text.substr(begin, 3) != "MSH") begin = findRawMessageStart(text, 1);
  if (begin == std::string_view::npos) return {};
  const size_t end = findRawMessageStart(text, begin + 1);
  return text.substr(begin, end == std::string_view::npos ? end : end - begin);
}

std::vector<std::filesystem::path> filesUnder(const std::string& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Parsed parseFirst(const std::string& relative) {
  const std::string text = fixtures::readFile(kTestData + "/hl7_messages/" + relative);
  EXPECT_FALSE(text.empty()) << relative;
  return parse(firstMessage(text));
}

TEST(RealMessages, EveryFilesFirstHeaderParses) {
  const auto files = filesUnder(kTestData + "/hl7_messages");
  ASSERT_GT(files.size(), 150u);
  // Files whose MSH really lacks fields: a cut-down test message (MSH ends after MSH-3), and one
  // with a line break inside MSH-10 (so MSH-12 lands on a line that is not a segment).
  const std::set<std::string> incomplete = {"Hepatitis_V1_0_1_TM_TC02_HEP_B_ACUTE_MOD.hl7",
                                            "mdm-example.hl7"};
  for (const auto& path : files) {
    const std::string text = fixtures::readFile(path.string());
    const Parsed p = parse(firstMessage(text));
    EXPECT_EQ(p.status, ParseStatus::Ok) << path;
    if (!incomplete.contains(path.filename().string())) {
      EXPECT_FALSE(p.msg.message_type.empty()) << path;
      EXPECT_FALSE(p.msg.version.empty()) << path;
    }
    ASSERT_FALSE(p.msg.segments.empty()) << path;
    EXPECT_EQ(p.msg.segments[0], "MSH") << path;
  }
}

TEST(RealMessages, KnownValues) {
  Parsed p = parseFirst("hapi-hl7v2/ADT_A01.txt");  // CR endings, v2.4
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.sending_application, "system1");
  EXPECT_EQ(p.msg.sending_facility, "W");
  EXPECT_EQ(p.msg.receiving_application, "system2");
  EXPECT_EQ(p.msg.receiving_facility, "UHN");
  EXPECT_EQ(p.msg.message_type, "ADT^A01");
  EXPECT_EQ(p.msg.control_id, "22139243");
  EXPECT_EQ(p.msg.version, "2.4");
  ASSERT_GE(p.msg.segments.size(), 3u);
  EXPECT_EQ(p.msg.segments[1], "EVN");
  EXPECT_EQ(p.msg.segments[2], "PID");

  p = parseFirst("hapi-hl7v2/segmentfinder_a24.hl7");  // '^' separates fields, CRLF endings
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.sending_application, "SENDING");
  EXPECT_EQ(p.msg.sending_facility, "200M");
  EXPECT_EQ(p.msg.receiving_application, "RECEIVING");
  EXPECT_EQ(p.msg.message_type, "ADT^A24");
  EXPECT_EQ(p.msg.control_id, "2003582144");
  EXPECT_EQ(p.msg.version, "2.4");
  EXPECT_EQ(p.msg.segments, (std::vector<std::string>{"MSH", "EVN", "PID", "PID"}));

  p = parseFirst("FHIR-Converter/ADT01-23.hl7");  // UTF-8 BOM, LF endings
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.sending_application, "AccMgr");
  EXPECT_EQ(p.msg.message_type, "ADT^A01");
  EXPECT_EQ(p.msg.control_id, "599102");
  EXPECT_EQ(p.msg.version, "2.3");
  EXPECT_EQ(p.msg.segments[1], "EVN");

  p = parseFirst("hapi-hl7v2/messages.txt");  // starts with a comment block; ORU with MSA
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.sending_application, "RADIS1");
  EXPECT_EQ(p.msg.receiving_application, "DMCRES");
  EXPECT_EQ(p.msg.message_type, "ORU^R01");
  EXPECT_EQ(p.msg.version, "2.2");
  EXPECT_EQ(p.msg.ack_code, "AA");
}

TEST(RealMessages, BrokenHeadersGiveWhatIsThere) {
  Parsed p = parseFirst("data-exchange-hl7/Hepatitis_V1_0_1_TM_TC02_HEP_B_ACUTE_MOD.hl7");
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.sending_application, "SendAppName");
  EXPECT_EQ(p.msg.message_type, "");
  p = parseFirst("node-hl7-complete/valid/remote-operations/mdm-example.hl7");
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.message_type, "MDM^T04");
  EXPECT_EQ(p.msg.version, "");  // after the line break inside MSH-10
  // That line and others broken inside report text are not segments: counted, never reported.
  EXPECT_GE(p.anomalies.get(Anomaly::Hl7BadSegmentName), 1u);
  for (const std::string& name : p.msg.segments) EXPECT_TRUE(isSegmentName(name)) << name;
}

TEST(RealMessages, LargestMessageKeepsEverySegmentName) {
  const Parsed p = parseFirst("data-exchange-hl7/testFile.hl7");
  ASSERT_EQ(p.status, ParseStatus::Ok);
  EXPECT_EQ(p.msg.message_type, "ORU^R01");
  const auto obx = std::count(p.msg.segments.begin(), p.msg.segments.end(), "OBX");
  EXPECT_GT(obx, 800);
  EXPECT_EQ(p.anomalies.get(Anomaly::Hl7TooManySegments), 0u);
}

// AFL crashers for other HL7 parsers (nHapi): no crash, and any result is a named status.
TEST(RealMessages, FuzzCrashersDoNotCrash) {
  const auto files = filesUnder(kTestData + "/hl7_fuzz");
  ASSERT_GT(files.size(), 20u);
  for (const auto& path : files) {
    const std::string text = fixtures::readFile(path.string());
    const Parsed p = parse(text);
    if (p.status != ParseStatus::Ok) {
      EXPECT_GT(p.anomalies.total(), 0u) << path;
    }
  }
}

}  // namespace
}  // namespace medtap::analyzers::hl7
