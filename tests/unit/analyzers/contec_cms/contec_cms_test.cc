// The Contec central-station stream analyzer on synthetic streams. No real capture exists: the
// streams below follow the layout of the public scarito/cms reverse-engineered decoder as
// summarised in DOMAIN.md (unconfirmed for the CMS8000). Names and numbers are fake.
#include <gtest/gtest.h>

#include <bit>
#include <string>
#include <vector>

#include "../test_support.h"
#include "analyzers/contec_cms/blocks.h"
#include "analyzers/contec_cms/contec_analyzer.h"
#include "analyzers/contec_cms/limits.h"
#include "sinks/eve_writer.h"

namespace medtap::analyzers::contec_cms {
namespace {

void le16(std::string& s, uint16_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>(v >> 8));
}

std::string block(uint8_t type, const std::string& payload) {
  std::string out;
  le16(out, static_cast<uint16_t>(payload.size() + 2));
  out.push_back(static_cast<char>(kMarker));
  out.push_back(static_cast<char>(type));
  return out + payload;
}

void putText(std::string& p, size_t off, std::string_view text) {
  p.replace(off, text.size(), text);
}

std::string patientRecord() {
  std::string p(kPatientRecordSize, '\0');
  putText(p, kDepartmentOffset, "ICU-TEST");
  p[kRecordBedOffset] = 7;
  putText(p, kNameOffset, "TEST PATIENT");
  putText(p, kNumberOffset, "MRN0000042");
  putText(p, kAdmissionOffset, "2025 1  2  ");
  p[kHeightOffset] = static_cast<char>(0x06);  // 1798 mm
  p[kHeightOffset + 1] = static_cast<char>(0x07);
  p[kWeightOffset] = static_cast<char>(0xE8);  // 1000 = 100.0 kg
  p[kWeightOffset + 1] = static_cast<char>(0x03);
  putText(p, kBirthOffset, "1970 1  1  ");
  putText(p, kDoctorOffset, "DR TESTDOCTOR");
  return block(0x3E, p);
}

std::string telemetry(uint8_t kind, size_t size) {
  std::string p(size, '\0');
  p[kTelemetryKindOffset] = static_cast<char>(kind);
  return p;
}

std::string cycle() {
  std::string ecg = telemetry(0x14, kEcgVitalsOffset + 4);
  ecg[kEcgVitalsOffset] = 72;
  ecg[kEcgVitalsOffset + 2] = 16;
  std::string pleth = telemetry(0x15, kPlethVitalsOffset + 4);
  pleth[kPlethVitalsOffset] = 97;
  pleth[kPlethVitalsOffset + 2] = 71;
  pleth[kPlethVitalsOffset + 3] = 1;  // pulse rate invalid
  std::string nibp = telemetry(0x16, kNibpOffset + 8);
  nibp[kNibpOffset + 2] = 120;
  nibp[kNibpOffset + 4] = 80;
  nibp[kNibpOffset + 6] = 93;
  std::string temp = telemetry(0x17, kTemperatureOffset + 8);
  const uint32_t t1 = std::bit_cast<uint32_t>(36.5f);
  for (int i = 0; i < 4; ++i) temp[kTemperatureOffset + i] = static_cast<char>(t1 >> (8 * i));
  return block(0x46, ecg) + block(0x46, pleth) + block(0x46, nibp) + block(0x46, temp) +
         block(0x47, "");
}

std::string bed(uint8_t n) {
  return block(0x45, std::string("\0\0", 2) + static_cast<char>(n) + '\xFF');
}

std::string stream() {
  return bed(7) + patientRecord() + cycle() + bed(7) + cycle() +
         block(0x49, std::string("\x03\x00LEAD OFF", 10));
}

struct Harness {
  events::FlowRef ref;
  fixtures::RecordingSink sink;
  AnomalyCounters anomalies;
  privacy::PhiTokenizer phi = privacy::PhiTokenizer::withSecret("test");
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  ContecAnalyzer analyzer;
  Harness() { ref.app_proto = "contec_cms"; }
  std::vector<std::string> eve() const {
    std::vector<std::string> out;
    for (const auto& e : sink.events) {
      std::string line;
      sinks::formatEve(e, line);
      out.push_back(line);
    }
    return out;
  }
  void feed(const std::string& s, size_t chunk) {
    for (size_t i = 0; i < s.size(); i += chunk) {
      analyzer.feed(ctx, Direction::Originator,
                    asBytes(s).subspan(i, std::min(chunk, s.size() - i)), {});
    }
    analyzer.end(ctx, Direction::Originator, {});
  }
};

TEST(ContecProbe, RecognisesBlocksAndRejectsLpd) {
  const std::string s = stream();
  EXPECT_EQ(probe(asBytes(s), Direction::Originator), ProbeResult::Yes);
  EXPECT_EQ(probe(asBytes(s).first(3), Direction::Originator), ProbeResult::Maybe);
  EXPECT_EQ(probe(asBytes(std::string_view("\x02lp\n")), Direction::Originator), ProbeResult::No);
  EXPECT_EQ(probe(asBytes(std::string_view("\x06\x00\x05\x99", 4)), Direction::Originator),
            ProbeResult::No);  // unknown block type
}

TEST(ContecBlocks, FixedFieldTrimsPadding) {
  const std::string f("AB  \0\0xx", 8);
  EXPECT_EQ(fixedField(asBytes(f), 0, 8), "AB");
  EXPECT_EQ(fixedField(asBytes(f), 10, 4), "");
}

TEST(ContecAnalyzerTest, EventsPerRecordBedCycleAndError) {
  Harness h;
  h.feed(stream(), 1 << 20);
  std::vector<std::string_view> names;
  for (const auto& e : h.sink.events) {
    names.push_back(std::get<events::ContecCmsBlock>(e.body).block_name);
  }
  // The second bed block repeats bed 7: no event.
  EXPECT_EQ(names, (std::vector<std::string_view>{"bed_number", "patient_record", "cycle", "cycle",
                                                  "error"}));
  const auto& rec = std::get<events::ContecCmsBlock>(h.sink.events[1].body);
  EXPECT_EQ(rec.department, "ICU-TEST");
  EXPECT_EQ(rec.bed, 7);
  EXPECT_EQ(rec.height_mm, 1798);
  ASSERT_TRUE(rec.patient);
  EXPECT_EQ(rec.patient->name, h.phi.token("TEST PATIENT"));
  const auto& c = std::get<events::ContecCmsBlock>(h.sink.events[2].body);
  EXPECT_EQ(c.telemetry_blocks, 4u);
  ASSERT_TRUE(c.vitals.hr && c.vitals.spo2 && c.vitals.pulse_rate && c.vitals.temp1);
  EXPECT_EQ(c.vitals.hr->value, 72);
  EXPECT_EQ(c.vitals.rr->value, 16);
  EXPECT_EQ(c.vitals.spo2->value, 97);
  EXPECT_FALSE(c.vitals.pulse_rate->valid);
  EXPECT_EQ(c.vitals.nibp_sys->value, 120);
  EXPECT_EQ(c.vitals.nibp_mean->value, 93);
  EXPECT_FLOAT_EQ(static_cast<float>(c.vitals.temp1->value), 36.5f);
  const auto& err = std::get<events::ContecCmsBlock>(h.sink.events[4].body);
  EXPECT_EQ(err.error_code, 3u);
  EXPECT_EQ(err.error_text, "LEAD OFF");
  const auto eve = h.eve();
  EXPECT_NE(eve[2].find(R"("vitals":{"hr":72,"rr":16,"spo2":97,"pulse_rate":null)"),
            std::string::npos)
      << eve[2];
  EXPECT_EQ(h.anomalies.total(), 0u);
}

// Patient data leaves only as tokens (DESIGN.md): none of the synthetic values appear in EVE.
TEST(ContecAnalyzerTest, NoRawPatientDataInEve) {
  Harness h;
  h.feed(stream(), 1 << 20);
  std::string all;
  for (const auto& line : h.eve()) all += line;
  for (const char* raw :
       {"TEST PATIENT", "MRN0000042", "1970 1  1", "DR TESTDOCTOR", "2025 1  2"}) {
    EXPECT_EQ(all.find(raw), std::string::npos) << raw;
  }
  EXPECT_NE(all.find(h.phi.token("TEST PATIENT")), std::string::npos);
  EXPECT_NE(all.find(h.phi.token("MRN0000042")), std::string::npos);
}

TEST(ContecAnalyzerTest, SameEventsWhateverTheSplit) {
  Harness whole;
  whole.feed(stream(), 1 << 20);
  const auto expected = whole.eve();
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{5}, size_t{333}}) {
    Harness h;
    h.feed(stream(), chunk);
    EXPECT_EQ(h.eve(), expected) << chunk;
  }
  const std::string s = stream();
  for (size_t cut = 1; cut < s.size(); cut += 7) {
    Harness h;
    h.analyzer.feed(h.ctx, Direction::Originator, asBytes(s).first(cut), {});
    h.analyzer.feed(h.ctx, Direction::Originator, asBytes(s).subspan(cut), {});
    EXPECT_EQ(h.eve(), expected) << cut;
  }
}

TEST(ContecAnalyzerTest, MalformedInput) {
  Harness h;
  EXPECT_EQ(h.analyzer.feed(h.ctx, Direction::Originator,
                            asBytes(std::string_view("\xff\xff\x05\x46")), {}),
            FeedResult::OutOfSync);
  EXPECT_EQ(h.anomalies.get(Anomaly::ContecBadBlock), 1u);
  Harness shortb;
  shortb.feed(block(0x3E, "tiny") + block(0x46, std::string("\0\0\x14\0", 4)), 1 << 20);
  EXPECT_EQ(shortb.anomalies.get(Anomaly::ContecShortBlock), 2u);
  Harness cut;
  const std::string s = stream();
  cut.analyzer.feed(cut.ctx, Direction::Originator, asBytes(s).first(20), {});
  cut.analyzer.end(cut.ctx, Direction::Originator, {});
  EXPECT_EQ(cut.anomalies.get(Anomaly::ContecTruncatedBlock), 1u);
}

}  // namespace
}  // namespace medtap::analyzers::contec_cms
