// HL7 v2 beyond the header: escape sequences, times, numbers, observations, patient tokens,
// acknowledgements, device ids, batches and declared delimiters. Synthetic messages only.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <string_view>

#include "analyzers/dispatcher.h"
#include "analyzers/hl7/hl7_analyzer.h"
#include "analyzers/hl7/hl7_escape.h"
#include "analyzers/hl7/hl7_message.h"
#include "analyzers/hl7/hl7_segments.h"
#include "sinks/eve_writer.h"
#include "test_support.h"

namespace medtap::analyzers::hl7 {
namespace {

using events::Hl7PhiField;
using events::Hl7ValueKind;

const EncodingCharacters kStandard{'|', '^', '~', '\\', '&', '\0'};

std::string unesc(std::string_view text, const EncodingCharacters& e = kStandard) {
  std::string out;
  unescape(text, e, out);
  return out;
}

std::string iso(std::string_view ts) {
  std::string out;
  return appendIsoTime(ts, out) ? out : "<raw>";
}

const privacy::PhiTokenizer& tokenizer() {
  static const auto phi = privacy::PhiTokenizer::withSecret("test");
  return phi;
}

struct Parsed {
  ParseStatus status{};
  events::Hl7Message msg;
  AnomalyCounters anomalies;
};

Parsed parse(std::string_view message, Hl7Limits limits = {}) {
  Parsed p;
  PatientTokens tokens(tokenizer());
  p.status = parseMessage(message, p.msg, p.anomalies, {.tokens = &tokens, .limits = limits});
  return p;
}

// An IHE PCD-01 style message from a monitor (synthetic).
const std::string kPcd01 =
    "MSH|^~\\&|MONITOR^0012345678ABCDEF^EUI-64|ICU|CIS|TESTHOSP|20250101120005||ORU^R01^ORU_R01|"
    "CTRL0003|P|2.6\r"
    "PID|1||0000003^^^TESTHOSP^MR||TEST^PATIENT^THREE||19700101|U\r"
    "PV1|1|I|ICU^1^1||||||||||||||||VISIT0001\r"
    "OBR|1|||69837-1^Vitals^LN\r"
    "OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.1|98|262688^MDC_DIM_PERCENT^MDC|||||F|||"
    "20250101120000+0100||||MONITOR^0012345678ABCDEF^EUI-64\r"
    "OBX|2|NM|8867-4^Heart rate^LN||72|/min^beats per minute^UCUM|||||F\r"
    "OBX|3|ST|8251-1^Note^LN||TEST PATIENT felt unwell||||||F\r"
    "NTE|1||TEST PATIENT comment\r"
    "OBX|4|SN|2345-7^Glucose^LN||>^100|mg/dL|||||F\r"
    "OBX|5|SN|11111-1^Ratio^LN||^1^:^128||||||F\r"
    "OBX|6|CWE|22222-2^Result^LN||260385009^Negative^SCT||||||F\r"
    "OBX|7|TS|33333-3^Time^LN||20250101113000||||||F\r"
    "OBX|8|NM|44444-4^Bad^LN||n/a||||||F\r";

// --- escape sequences ---

TEST(Unescape, DelimiterSequences) {
  EXPECT_EQ(unesc("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f"), "a|b^c&d~e\\f");
  EXPECT_EQ(unesc("plain"), "plain");
  EXPECT_EQ(unesc(""), "");
}

TEST(Unescape, HexBytes) {
  EXPECT_EQ(unesc("x\\X0D0A\\y"), "x\r\ny");
  EXPECT_EQ(unesc("\\X41\\"), "A");
  EXPECT_EQ(unesc("\\X4\\"), "\\X4\\");    // odd digit count: kept
  EXPECT_EQ(unesc("\\XZZ\\"), "\\XZZ\\");  // not hex: kept
}

TEST(Unescape, UnknownAndFormattingKeptLiterally) {
  EXPECT_EQ(unesc("a\\.br\\b"), "a\\.br\\b");
  EXPECT_EQ(unesc("\\Zlocal\\"), "\\Zlocal\\");
  EXPECT_EQ(unesc("\\C2842\\"), "\\C2842\\");
  EXPECT_EQ(unesc("\\H\\bold\\N\\"), "bold");  // highlighting carries no text
}

TEST(Unescape, UnterminatedIsKeptAndReported) {
  std::string out;
  EXPECT_EQ(unescape("a\\Fb", kStandard, out), EscapeStatus::Unterminated);
  EXPECT_EQ(out, "a\\Fb");
  out.clear();
  EXPECT_EQ(unescape("\\F\\x\\", kStandard, out), EscapeStatus::Unterminated);
  EXPECT_EQ(out, "|x\\");
}

TEST(Unescape, UsesTheDeclaredCharacters) {
  const EncodingCharacters odd{'!', '@', '#', '$', '%', '\0'};
  EXPECT_EQ(unesc("a$F$b$S$c$T$d$R$e$E$", odd), "a!b@c%d#e$");
  EXPECT_EQ(unesc("a\\F\\b", odd), "a\\F\\b");  // backslash is not this message's escape
  EXPECT_EQ(unesc("$P$", odd), "$P$");          // no truncation character declared
}

// --- times and numbers ---

TEST(IsoTime, EveryPrecision) {
  EXPECT_EQ(iso("2025"), "2025");
  EXPECT_EQ(iso("202501"), "2025-01");
  EXPECT_EQ(iso("20250102"), "2025-01-02");
  EXPECT_EQ(iso("2025010212"), "2025-01-02T12:00");
  EXPECT_EQ(iso("202501021234"), "2025-01-02T12:34");
  EXPECT_EQ(iso("20250102123456"), "2025-01-02T12:34:56");
  EXPECT_EQ(iso("20250102123456.25"), "2025-01-02T12:34:56.25");
  EXPECT_EQ(iso("20250102123456-0500"), "2025-01-02T12:34:56-05:00");
  EXPECT_EQ(iso("20250102123456.1+0100"), "2025-01-02T12:34:56.1+01:00");
}

TEST(IsoTime, RejectsOtherShapes) {
  for (std::string_view bad : {"", "202", "2025010", "2025-01-01", "20250102123456.", "x2025",
                               "20250102+01", "2025010212.5", "20250102123456.12345"}) {
    EXPECT_EQ(iso(bad), "<raw>") << bad;
  }
}

TEST(Number, ParsesHl7Numbers) {
  EXPECT_EQ(parseNumber("72"), 72.0);
  EXPECT_EQ(parseNumber("-3.5"), -3.5);
  EXPECT_EQ(parseNumber("+1.25"), 1.25);
  EXPECT_EQ(parseNumber(" 037 "), 37.0);
  EXPECT_EQ(parseNumber(".5"), 0.5);
  // Integers of up to 15 digits take a shortcut past from_chars; the values are the same.
  EXPECT_EQ(parseNumber("999999999999999"), 999999999999999.0);
  EXPECT_EQ(parseNumber("-120"), -120.0);
  EXPECT_EQ(parseNumber("+0"), 0.0);
  ASSERT_TRUE(parseNumber("-0"));
  EXPECT_TRUE(std::signbit(*parseNumber("-0")));                     // as from_chars gives it
  EXPECT_EQ(parseNumber("12345678901234567"), 12345678901234567.0);  // from_chars
  for (std::string_view bad :
       {"", ".", "-", "1e3", "inf", "nan", "1.2.3", "0x10", "--1", "+-1", "1-", "72 bpm"}) {
    EXPECT_FALSE(parseNumber(bad)) << bad;
  }
}

TEST(ValueType, Classes) {
  EXPECT_EQ(classifyValueType("NM"), ValueClass::Numeric);
  EXPECT_EQ(classifyValueType("SN"), ValueClass::Structured);
  EXPECT_EQ(classifyValueType("CWE"), ValueClass::Coded);
  EXPECT_EQ(classifyValueType("CE"), ValueClass::Coded);
  EXPECT_EQ(classifyValueType("DTM"), ValueClass::Time);
  EXPECT_EQ(classifyValueType("ID"), ValueClass::Plain);
  for (std::string_view t : {"ST", "TX", "FT", "ED", "PN", "XPN", "XAD", "CX", "", "ZZ"}) {
    EXPECT_EQ(classifyValueType(t), ValueClass::Withheld) << t;
  }
}

// --- observations ---

TEST(Observations, PcdMonitorMessage) {
  const Parsed p = parse(kPcd01);
  ASSERT_EQ(p.status, ParseStatus::Ok);
  const auto& obs = p.msg.observations;
  ASSERT_EQ(obs.size(), 8u);
  EXPECT_EQ(obs[0].id, "1");
  EXPECT_EQ(obs[0].code, "150456");
  EXPECT_EQ(obs[0].text, "MDC_PULS_OXIM_SAT_O2");
  EXPECT_EQ(obs[0].coding_system, "MDC");
  EXPECT_EQ(obs[0].sub_id, "1.1.1.1");
  EXPECT_EQ(obs[0].kind, Hl7ValueKind::Number);
  EXPECT_TRUE(obs[0].numeric_valid);
  EXPECT_EQ(obs[0].numeric, 98.0);
  EXPECT_EQ(obs[0].units, "262688");
  EXPECT_EQ(obs[0].status, "F");
  EXPECT_EQ(obs[0].time, "2025-01-01T12:00:00+01:00");
  EXPECT_EQ(obs[0].equipment, "MONITOR");
  EXPECT_EQ(obs[1].code, "8867-4");
  EXPECT_EQ(obs[1].units, "/min");
  EXPECT_EQ(obs[1].numeric, 72.0);
  // Free text is never copied.
  EXPECT_EQ(obs[2].kind, Hl7ValueKind::Withheld);
  EXPECT_EQ(obs[2].value, "");
  EXPECT_FALSE(obs[2].numeric_valid);
  EXPECT_EQ(obs[3].kind, Hl7ValueKind::Text);
  EXPECT_EQ(obs[3].value, ">100");
  EXPECT_FALSE(obs[3].numeric_valid);
  EXPECT_EQ(obs[4].value, "1:128");
  EXPECT_EQ(obs[5].value, "260385009");
  EXPECT_EQ(obs[6].value, "2025-01-01T11:30:00");
  EXPECT_EQ(obs[7].kind, Hl7ValueKind::Text);  // NM that does not parse: text kept
  EXPECT_EQ(obs[7].value, "n/a");
  EXPECT_FALSE(obs[7].numeric_valid);
}

TEST(Observations, StructuredNumberWithoutComparatorIsNumeric) {
  const Parsed p = parse("MSH|^~\\&|A||||||ORU^R01|1|P|2.5\rOBX|1|SN|X||^42.5\r");
  ASSERT_EQ(p.msg.observations.size(), 1u);
  EXPECT_EQ(p.msg.observations[0].kind, Hl7ValueKind::Number);
  EXPECT_EQ(p.msg.observations[0].numeric, 42.5);
}

TEST(Observations, BoundedWithAnomaly) {
  std::string m = "MSH|^~\\&|A||||||ORU^R01|1|P|2.5\r";
  for (int i = 1; i <= 5; ++i)
    m += "OBX|" + std::to_string(i) + "|NM|X||" + std::to_string(i) + "\r";
  const Parsed p = parse(m, Hl7Limits{.max_observations = 3});
  EXPECT_EQ(p.msg.observations.size(), 3u);
  EXPECT_EQ(p.msg.observations_dropped, 2u);
  EXPECT_EQ(p.anomalies.get(Anomaly::Hl7TooManyObservations), 1u);
  EXPECT_EQ(p.msg.segments.size(), 6u);  // segment names are still all there
}

TEST(Observations, ReusedOutputHasNoLeftovers) {
  events::Hl7Message msg;
  AnomalyCounters anomalies;
  ASSERT_EQ(parseMessage(kPcd01, msg, anomalies), ParseStatus::Ok);
  ASSERT_EQ(parseMessage(fixtures::kAck, msg, anomalies), ParseStatus::Ok);
  EXPECT_TRUE(msg.observations.empty());
  EXPECT_TRUE(msg.devices.empty());
  EXPECT_TRUE(msg.patient.empty());
  EXPECT_EQ(msg.sending_universal_id, "");
}

// --- patient ---

TEST(Patient, TokensAndFieldNamesOnly) {
  const Parsed p = parse(kPcd01);
  const auto& patient = p.msg.patient;
  EXPECT_EQ(patient.id, tokenizer().token("0000003"));
  EXPECT_EQ(patient.name, tokenizer().token("TEST^PATIENT^THREE"));
  EXPECT_EQ(patient.birth_date, tokenizer().token("19700101"));
  EXPECT_TRUE(patient.has(Hl7PhiField::Pid3));
  EXPECT_TRUE(patient.has(Hl7PhiField::Pid5));
  EXPECT_TRUE(patient.has(Hl7PhiField::Pid7));
  EXPECT_FALSE(patient.has(Hl7PhiField::Pid11));
  EXPECT_TRUE(patient.has(Hl7PhiField::Pv1Visit));
  EXPECT_TRUE(patient.has(Hl7PhiField::ObxFreeText));
  EXPECT_TRUE(patient.has(Hl7PhiField::NteFreeText));
}

TEST(Patient, NameTokenIgnoresDelimitersAndEscapes) {
  // The same person in a message with other delimiters and an escaped character.
  const Parsed a = parse("MSH|^~\\&|A||||||ADT^A01|1|P|2.5\rPID|1||ID1||O\\T\\BRIEN^TEST\r");
  const Parsed b = parse("MSH!@#$%!A!!!!!!ADT@A01!1!P!2.5\rPID!1!!ID1!!O&BRIEN@TEST\r");
  EXPECT_EQ(a.msg.patient.name, tokenizer().token("O&BRIEN^TEST"));
  EXPECT_EQ(b.msg.patient.name, a.msg.patient.name);
  EXPECT_EQ(b.msg.patient.id, a.msg.patient.id);
  EXPECT_EQ(b.msg.message_type, "ADT^A01");
}

TEST(Patient, SecondPidOnlyAddsFieldNames) {
  const Parsed p = parse(
      "MSH|^~\\&|A||||||ADT^A17|1|P|2.5\rPID|1||ID1||ONE^TEST\rPID|2||ID2||TWO^TEST||||||"
      "1 TEST ST\r");
  EXPECT_EQ(p.msg.patient.name, tokenizer().token("ONE^TEST"));
  EXPECT_TRUE(p.msg.patient.has(Hl7PhiField::Pid11));
}

TEST(Patient, NextOfKinFields) {
  const Parsed p = parse("MSH|^~\\&|A||||||ADT^A01|1|P|2.5\rNK1|1|KIN^TEST|SPO|1 TEST ST|555\r");
  EXPECT_TRUE(p.msg.patient.has(Hl7PhiField::Nk1Name));
  EXPECT_TRUE(p.msg.patient.has(Hl7PhiField::Nk1Address));
  EXPECT_TRUE(p.msg.patient.has(Hl7PhiField::Nk1Phone));
  EXPECT_EQ(p.msg.patient.name, "");
}

TEST(Patient, WithoutTokenizerOnlyFieldNames) {
  events::Hl7Message msg;
  AnomalyCounters anomalies;
  ASSERT_EQ(parseMessage(fixtures::kAdtA01, msg, anomalies), ParseStatus::Ok);
  EXPECT_EQ(msg.patient.name, "");
  EXPECT_TRUE(msg.patient.has(Hl7PhiField::Pid5));
}

// --- header, acknowledgement, devices ---

TEST(Header, SendingDeviceFromMsh3) {
  const Parsed p = parse(kPcd01);
  EXPECT_EQ(p.msg.sending_application, "MONITOR^0012345678ABCDEF^EUI-64");
  EXPECT_EQ(p.msg.sending_namespace_id, "MONITOR");
  EXPECT_EQ(p.msg.sending_universal_id, "0012345678ABCDEF");
  EXPECT_EQ(p.msg.sending_universal_id_type, "EUI-64");
  ASSERT_EQ(p.msg.devices.size(), 1u);
  EXPECT_EQ(p.msg.devices[0].source, "OBX-18");
  EXPECT_EQ(p.msg.devices[0].id, "MONITOR");
}

TEST(Header, AcknowledgementFields) {
  const Parsed p =
      parse("MSH|^~\\&|EHR||||||ACK^R01|ACK2|P|2.5\rMSA|AE|CTRL0003|Unknown field\\F\\x\r");
  EXPECT_EQ(p.msg.ack_code, "AE");
  EXPECT_EQ(p.msg.acknowledged_control_id, "CTRL0003");
  EXPECT_EQ(p.msg.ack_text, "Unknown field|x");
}

TEST(Header, PrtDeviceIdsDistinctAndBounded) {
  std::string m = "MSH|^~\\&|A||||||ORU^R01|1|P|2.8\r";
  for (int i = 0; i < 4; ++i) {
    m += "PRT|1|||||||||||||||PUMP" + std::to_string(i) + "\r";
    m += "PRT|1|||||||||||||||PUMP" + std::to_string(i) + "\r";  // repeated: kept once
  }
  const Parsed p = parse(m, Hl7Limits{.max_devices = 3});
  ASSERT_EQ(p.msg.devices.size(), 3u);
  EXPECT_EQ(p.msg.devices[2].source, "PRT-16");
  EXPECT_EQ(p.msg.devices[2].id, "PUMP2");
  EXPECT_EQ(p.anomalies.get(Anomaly::Hl7TooManyDevices), 2u);  // each dropped occurrence
}

// --- batches and the analyzer ---

struct AnalyzerRun {
  fixtures::RecordingSink sink;
  AnomalyCounters anomalies;
};

void runAnalyzer(std::string_view stream, AnalyzerRun& run, size_t chunk = 1 << 20) {
  flow::Flow f = fixtures::makeFlow(6, 40000, 2575);
  const events::FlowRef ref = Dispatcher::flowRef(f);
  AnalyzerContext ctx{ref, run.sink, run.anomalies, tokenizer()};
  Hl7Analyzer analyzer;
  for (size_t i = 0; i < stream.size(); i += chunk) {
    analyzer.feed(ctx, Direction::Originator, asBytes(stream.substr(i, chunk)), Timestamp{});
  }
  analyzer.end(ctx, Direction::Originator, Timestamp{});
}

const std::string kBatch =
    "FHS|^~\\&|GATEWAY|WARD7|CIS|TESTHOSP|20250101120000||FILE1||FCTRL1\r"
    "BHS|^~\\&|GATEWAY|WARD7|CIS|TESTHOSP|20250101120000||BATCH1||BCTRL1\r" +
    fixtures::kOruR01 + fixtures::kAdtA01 + "BTS|2\rFTS|1\r";

TEST(Batch, EveryMessageIsAnEventWithTheBatchHeader) {
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{1} << 20}) {
    AnalyzerRun run;
    runAnalyzer(fixtures::mllpFrame(kBatch), run, chunk);
    const auto hl7 = run.sink.hl7();
    ASSERT_EQ(hl7.size(), 2u) << chunk;
    EXPECT_EQ(hl7[0]->message_type, "ORU^R01");
    EXPECT_EQ(hl7[1]->message_type, "ADT^A01");
    EXPECT_EQ(hl7[1]->segments, (std::vector<std::string>{"MSH", "EVN", "PID", "PV1"}));
    for (const auto* m : hl7) {
      EXPECT_TRUE(m->batch.present);
      EXPECT_EQ(m->batch.file_control_id, "FCTRL1");
      EXPECT_EQ(m->batch.batch_control_id, "BCTRL1");
      EXPECT_EQ(m->batch.name, "BATCH1");
      EXPECT_EQ(m->batch.sending_application, "GATEWAY");
      EXPECT_EQ(m->batch.receiving_facility, "TESTHOSP");
    }
    EXPECT_EQ(run.sink.events[0].direction, events::Direction::ToServer);
    EXPECT_EQ(run.anomalies.total(), 0u);
  }
}

TEST(Batch, ProbeAcceptsFramedBatchHeaders) {
  EXPECT_EQ(probe(asBytes(fixtures::mllpFrame(kBatch)), Direction::Originator), ProbeResult::Yes);
  EXPECT_EQ(probe(asBytes(std::string_view("\x0b"
                                           "BH")),
                  Direction::Originator),
            ProbeResult::Maybe);
  EXPECT_EQ(probe(asBytes(std::string_view("\x0b"
                                           "BHX")),
                  Direction::Originator),
            ProbeResult::No);
}

TEST(Batch, AMessageAfterABatchHasNoBatch) {
  AnalyzerRun run;
  runAnalyzer(fixtures::mllpFrame(kBatch) + fixtures::mllpFrame(fixtures::kAck), run);
  const auto hl7 = run.sink.hl7();
  ASSERT_EQ(hl7.size(), 3u);
  EXPECT_FALSE(hl7[2]->batch.present);
}

// --- PHI never reaches the EVE line ---

TEST(Phi, RawValuesAbsentTokensPresentInEve) {
  AnalyzerRun run;
  runAnalyzer(fixtures::mllpFrame(kPcd01), run);
  ASSERT_EQ(run.sink.events.size(), 1u);
  std::string line;
  sinks::formatEve(run.sink.events[0], line);
  for (std::string_view raw :
       {"TEST^PATIENT", "PATIENT", "0000003", "19700101", "VISIT0001", "unwell", "comment"}) {
    EXPECT_EQ(line.find(raw), std::string::npos) << raw << " in " << line;
  }
  EXPECT_NE(line.find(tokenizer().token("TEST^PATIENT^THREE")), std::string::npos);
  EXPECT_NE(line.find(tokenizer().token("0000003")), std::string::npos);
  EXPECT_NE(line.find("\"PID-5\""), std::string::npos);
  EXPECT_NE(line.find("\"OBX-5 free text\""), std::string::npos);
  EXPECT_NE(line.find("\"value\":98,"), std::string::npos) << line;
  EXPECT_NE(line.find("\"universal_id_type\":\"EUI-64\""), std::string::npos);
}

}  // namespace
}  // namespace medtap::analyzers::hl7
