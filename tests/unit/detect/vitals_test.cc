// Vital-sign integrity (docs/DETECTIONS.md 9000601-9000607): each check fires on what it is
// about and stays quiet on what real monitors do (paced rates, probe-off gaps, retransmissions,
// split and reordered delivery, central stations relaying every bed). Fake patients only.
#include "detect/vitals_integrity.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzers/hl7/hl7_analyzer.h"
#include "privacy/phi_tokenizer.h"
#include "vitals/parameters.h"

namespace medtap::detect {
namespace {

using V = VitalsIntegrityDetector;
constexpr int64_t kT0 = 1764000000;  // 2025-11-24T16:00:00Z

IpAddress ip(const char* s) {
  return *IpAddress::parse(s);
}

struct Collect final : events::EventSink {
  std::vector<events::AlertRecord> alerts;
  void emit(const events::Event& e) override {
    if (auto* a = std::get_if<events::AlertRecord>(&e.body)) alerts.push_back(*a);
  }
  std::vector<uint32_t> ids() const {
    std::vector<uint32_t> out;
    for (const auto& a : alerts) out.push_back(a.signature_id);
    return out;
  }
};

std::string two(int v) {
  return (v < 10 ? "0" : "") + std::to_string(v);
}

// "YYYYMMDDHHMMSS+0000" for kT0 + s (the same day: tests stay within hours).
std::string hl7Time(int64_t s) {
  const int64_t day = (kT0 + s) % 86400;
  return "20251124" + two(static_cast<int>(day / 3600)) + two(static_cast<int>(day / 60 % 60)) +
         two(static_cast<int>(day % 60)) + "+0000";
}

struct Vitals {
  int hr = 72, pr = 71, spo2 = 97, rr = 16;
  double temp = 36.9;
  bool probe_off = false;
};

// An IHE PCD-01 style ORU^R01 (MDC codes), as a bedside monitor sends it.
std::string oru(const std::string& control_id, int64_t obs_s, const Vitals& v,
                const std::string& bed = "07") {
  const std::string t = hl7Time(obs_s);
  std::string m = "MSH|^~\\&|MON^0011223344556677^EUI-64|ICU|CMS|ICU|" + t + "||ORU^R01^ORU_R01|" +
                  control_id + "|P|2.6\r";
  m += "PID|||SIM0000001^^^SIM^MR||Testname^Fake\r";
  m += "PV1||I|ICU^^" + bed + "\r";
  m += "OBR|1|" + control_id + "|" + control_id + "|182777000^monitoring^SCT|||" + t + "\r";
  m += "OBX|1|NM|147842^MDC_ECG_HEART_RATE^MDC|1.1.1.1|" + std::to_string(v.hr) +
       "|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||" + t + "\r";
  if (v.probe_off) {
    m += "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.2.1.1||262688^MDC_DIM_PERCENT^MDC|||||X|||" +
         t + "\r";
  } else {
    m += "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.2.1.1|" + std::to_string(v.spo2) +
         "|262688^MDC_DIM_PERCENT^MDC|||||R|||" + t + "\r";
    m += "OBX|3|NM|149530^MDC_PULS_OXIM_PULS_RATE^MDC|1.2.1.2|" + std::to_string(v.pr) +
         "|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R|||" + t + "\r";
  }
  m += "OBX|4|NM|151562^MDC_RESP_RATE^MDC|1.3.1.1|" + std::to_string(v.rr) +
       "|264928^MDC_DIM_RESP_PER_MIN^MDC|||||R|||" + t + "\r";
  char temp[16];
  std::snprintf(temp, sizeof temp, "%.1f", v.temp);
  m += "OBX|5|NM|150344^MDC_TEMP^MDC|1.4.1.1|" + std::string(temp) +
       "|268192^MDC_DIM_DEGC^MDC|||||R|||" + t + "\r";
  return "\x0b" + m + "\x1c\r";
}

// Feeds HL7 bytes through the real analyzer into the detector, as the pipeline does.
class VitalsTest : public ::testing::Test {
 protected:
  VitalsTest() {
    flow_.id = 7;
    flow_.src_ip = ip("10.1.2.12");
    flow_.dest_ip = ip("10.1.1.10");
    flow_.src_port = 40000;
    flow_.dest_port = 2575;
    flow_.proto = 6;
    flow_.app_proto = "hl7";
  }
  void send(const std::string& bytes, int64_t s, size_t chunk = 0,
            analyzers::hl7::Hl7Analyzer* analyzer = nullptr) {
    if (analyzer == nullptr) analyzer = &analyzer_;
    struct Fwd final : events::EventSink {
      V* d;
      void emit(const events::Event& e) override {
        events::Event copy = e;
        copy.direction = events::Direction::ToServer;
        d->emit(copy);
      }
    } fwd;
    fwd.d = &detector_;
    analyzers::AnalyzerContext ctx{flow_, fwd, anomalies_, phi_};
    const Timestamp ts = Timestamp::fromSeconds(kT0 + s);
    if (chunk == 0) chunk = bytes.size();
    for (size_t i = 0; i < bytes.size(); i += chunk) {
      const std::string_view part = std::string_view(bytes).substr(i, chunk);
      analyzer->feed(ctx, analyzers::Direction::Originator, asBytes(part), ts);
    }
  }
  std::vector<uint32_t> decide() {
    detector_.decide(DeviceIndex{}, true, out_);
    return out_.ids();
  }

  events::FlowRef flow_;
  AnomalyCounters anomalies_;
  privacy::PhiTokenizer phi_ = privacy::PhiTokenizer::withSecret("test");
  analyzers::hl7::Hl7Analyzer analyzer_;
  V detector_{DetectOptions{}};
  Collect out_;
};

// Slightly varying, believable vitals for message i.
Vitals normal(int i) {
  Vitals v;
  v.hr = 70 + (i * 7) % 5;
  v.pr = v.hr + (i % 3) - 1;
  v.spo2 = 96 + (i / 4) % 3;
  v.rr = 15 + (i / 3) % 3;
  v.temp = 36.8 + 0.1 * ((i / 50) % 2);
  return v;
}

TEST(VitalsParameters, BuiltinTableLoadsWithSources) {
  auto t = vitals::ParameterTable::load(vitals::embeddedParameterFiles());
  ASSERT_TRUE(t) << t.error();
  for (const char* name : {"heart_rate", "pulse_rate", "spo2", "resp_rate", "temperature",
                           "nibp_systolic", "nibp_diastolic", "nibp_mean", "etco2"}) {
    const vitals::Parameter* p = t->byName(name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_FALSE(p->range_source.empty()) << name;
    EXPECT_FALSE(p->change_source.empty()) << name;
    if (p->max_change_per_s > 0) {
      EXPECT_GT(p->max_excursion, 0) << name;
      EXPECT_FALSE(p->excursion_source.empty()) << name;
    }
  }
  EXPECT_EQ(t->byCode("150456")->name, "spo2");
  EXPECT_EQ(t->byCode("59408-5")->name, "spo2");
  EXPECT_EQ(t->byCode("8867-4")->name, "heart_rate");
  const vitals::Parameter& temp = *t->byName("temperature");
  EXPECT_NEAR(*t->canonical(temp, "[degF]", 98.6), 37.0, 0.01);
  EXPECT_NEAR(*t->canonical(temp, "266560", 212), 100.0, 0.01);
  EXPECT_FALSE(t->canonical(temp, "furlong", 1));
}

TEST(VitalsParameters, OneLineErrorsNameFileAndLine) {
  auto t = vitals::ParameterTable::load({{"bad.yaml",
                                          "parameters:\n"
                                          "  - name: x\n"
                                          "    codes: [{code: '1'}]\n"
                                          "    units: [{code: '%'}]\n"
                                          "    range: {min: 5, max: 1}\n"
                                          "    max_change_per_s: {value: 1}\n"}});
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().find("bad.yaml:2: `range` min not below max"), std::string::npos)
      << t.error();
  EXPECT_NE(t.error().find("bad.yaml:2: `range` has no source"), std::string::npos);
  EXPECT_NE(t.error().find("`max_change_per_s` has no source"), std::string::npos);
  auto broken = vitals::ParameterTable::load({{"b.yaml", "parameters: [ {"}});
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().find('\n'), std::string::npos);
  EXPECT_EQ(broken.error().rfind("b.yaml:", 0), 0u);
}

TEST_F(VitalsTest, CleanStreamWithProbeOffAndPacedRateIsQuiet) {
  for (int i = 0; i < 900; ++i) {  // 30 min, one message every 2 s
    Vitals v = normal(i);
    v.hr = 70;  // paced: the ECG rate never moves
    v.probe_off = i >= 300 && i < 345;
    send(oru("M" + std::to_string(i), 2 * i, v), 2 * i);
  }
  EXPECT_TRUE(decide().empty());
  EXPECT_GT(detector_.stats().artefacts, 0u);
}

TEST_F(VitalsTest, ImpossibleValueAlertsOncePerBedInPlainLanguage) {
  for (int i = 0; i < 10; ++i) {
    Vitals v = normal(i);
    if (i >= 5) v.spo2 = 103;
    send(oru("M" + std::to_string(i), 2 * i, v), 2 * i);
  }
  ASSERT_EQ(decide(), (std::vector<uint32_t>{9000601}));
  const auto& a = out_.alerts[0];
  EXPECT_EQ(a.category, "vitals-integrity");
  EXPECT_EQ(a.severity, 2);
  EXPECT_EQ(a.evidence[0].second,
            "Bed ICU/07, monitor 10.1.2.12: SpO2 reported 103 % at 16:00:10; impossible "
            "(possible: 0-100 %), check the patient and the monitor");
  EXPECT_EQ(detector_.stats().alerts_folded, 4u);
  for (const auto& [k, v] : a.evidence) EXPECT_EQ(v.find("Testname"), std::string::npos);
}

// One alert for trouble that goes on, but its flagged window covers all of it: the report
// shades the minutes the rate limit folded, not only the first reading.
TEST_F(VitalsTest, FoldedOccurrencesGrowTheFlaggedWindow) {
  for (int i = 0; i < 100; ++i) {
    Vitals v = normal(i);
    if (i >= 10) v.spo2 = 103;  // from 20 s to 198 s
    send(oru("M" + std::to_string(i), 2 * i, v), 2 * i);
  }
  auto flags = detector_.takeFlags();
  ASSERT_FALSE(flags.empty());
  EXPECT_EQ(flags.back().signature_id, 9000601u);
  EXPECT_EQ(flags.back().start, kT0 + 20);
  EXPECT_EQ(flags.back().end, kT0 + 198);
  EXPECT_TRUE(detector_.takeFlags().empty());  // written once, until it grows again
  EXPECT_EQ(decide(), (std::vector<uint32_t>{9000601}));
}

TEST_F(VitalsTest, JumpAndBackIsImpossibleChangeButAStepIsNot) {
  for (int i = 0; i < 20; ++i) {
    Vitals v = normal(i);
    if (i == 10) v.hr = 240;  // 72 -> 240 -> 72 within 2 s
    if (i >= 15) v.hr = 150;  // a sustained step (arrhythmia onset) is possible
    v.pr = v.hr;
    send(oru("M" + std::to_string(i), i, v), i);
  }
  EXPECT_EQ(decide(), (std::vector<uint32_t>{9000602}));
}

// HL7 ORU often comes every 10-60 s: the spike must stay visible there (the per-second change
// alone allows any value 15 s later), and a real rise spread over minutes must not look like one.
class VitalsSpacingTest : public VitalsTest, public ::testing::WithParamInterface<int> {};

TEST_P(VitalsSpacingTest, SpikeAndReturnAtWideSpacingFires) {
  const int dt = GetParam();
  for (int i = 0; i < 12; ++i) {
    Vitals v = normal(i);
    v.hr = i == 6 ? 240 : (i == 7 ? 66 : 65);  // 65 -> 240 -> 66
    v.pr = v.hr;
    send(oru("M" + std::to_string(i), dt * i, v), dt * i);
  }
  EXPECT_EQ(decide(), (std::vector<uint32_t>{9000602}));
  EXPECT_NE(out_.alerts[0].evidence[0].second.find("65 -> 240 -> 66"), std::string::npos)
      << out_.alerts[0].evidence[0].second;
}

TEST_P(VitalsSpacingTest, SlowRealRiseAndNoisyPlateauAreQuiet) {
  const int dt = GetParam();
  const int n = 5 * 60 / dt;  // HR 70 -> 140 over 5 min, then 10 min of a noisy plateau
  for (int i = 0; i <= n + 600 / dt; ++i) {
    Vitals v = normal(i);
    v.hr = i <= n ? 70 + 70 * i / n : 140 + (i % 3) * 4 - 4;
    v.pr = v.hr + (i % 2);
    v.spo2 = 94 + i % 4;
    v.rr = 18 + (i % 5) * 2;  // 18-26 /min breathing, unevenly counted
    send(oru("M" + std::to_string(i), dt * i, v), dt * i);
  }
  EXPECT_TRUE(decide().empty());
}

TEST_P(VitalsSpacingTest, AStepThatStaysIsNotASpike) {
  const int dt = GetParam();
  for (int i = 0; i < 12; ++i) {
    Vitals v = normal(i);
    if (i >= 6) v.hr = 190;  // a tachycardia that starts and stays
    v.pr = v.hr;
    send(oru("M" + std::to_string(i), dt * i, v), dt * i);
  }
  EXPECT_TRUE(decide().empty());
}

INSTANTIATE_TEST_SUITE_P(Spacing, VitalsSpacingTest, ::testing::Values(15, 60));

TEST_F(VitalsTest, SamplesFurtherApartThanTheSpikeWindowSayNothing) {
  for (int i = 0; i < 6; ++i) {
    Vitals v = normal(i);
    v.hr = i == 3 ? 240 : 65;
    v.pr = v.hr;
    send(oru("M" + std::to_string(i), 600 * i, v), 600 * i);  // ten minutes apart
  }
  EXPECT_TRUE(decide().empty());
}

TEST_F(VitalsTest, FrozenStreamAlertsAfterFiveMinutes) {
  const Vitals frozen = normal(3);
  for (int i = 0; i < 200; ++i) {
    send(oru("M" + std::to_string(i), 2 * i, i < 20 ? normal(i) : frozen), 2 * i);
  }
  EXPECT_EQ(decide(), (std::vector<uint32_t>{9000603}));
}

TEST_F(VitalsTest, ReplayedControlIdsAlertRetransmissionsDoNot) {
  std::vector<std::string> sent;
  for (int i = 0; i < 400; ++i) {
    sent.push_back(oru("M" + std::to_string(i), 2 * i, normal(i)));
    send(sent.back(), 2 * i);
    if (i == 100) send(sent[99], 2 * i + 1);  // resent after a lost ACK: not a replay
  }
  EXPECT_TRUE(decide().empty());
  for (int i = 0; i < 5; ++i) send(sent[i], 800 + 2 * i);  // 13 min later, byte for byte
  EXPECT_EQ(decide(), (std::vector<uint32_t>{9000604}));
}

TEST_F(VitalsTest, DisagreeingSensorsForMinutes) {
  for (int i = 0; i < 150; ++i) {
    Vitals v = normal(i);
    if (i >= 50) v.pr = 130;
    send(oru("M" + std::to_string(i), 2 * i, v), 2 * i);
  }
  EXPECT_EQ(decide(), (std::vector<uint32_t>{9000605}));
}

TEST_F(VitalsTest, ObservationTimeBackwardsAndAhead) {
  for (int i = 0; i < 50; ++i) send(oru("M" + std::to_string(i), 2 * i, normal(i)), 2 * i);
  send(oru("B1", 100 - 300, normal(50)), 102);  // timed 5 min in the past
  EXPECT_EQ(decide(), (std::vector<uint32_t>{9000606}));
}

TEST_F(VitalsTest, ObservationTimeAheadOfTheDeviceClock) {
  for (int i = 0; i < 50; ++i) send(oru("M" + std::to_string(i), 2 * i, normal(i)), 2 * i);
  send(oru("F1", 100 + 3600, normal(50)), 102);  // an hour ahead
  EXPECT_EQ(decide(), (std::vector<uint32_t>{9000606}));
}

TEST_F(VitalsTest, ADeviceClockThatIsSimplyWrongIsNotATimeAlert) {
  // Many monitors run hours off; the offset is learned, only changes count.
  for (int i = 0; i < 100; ++i) {
    send(oru("M" + std::to_string(i), 2 * i + 7200, normal(i)), 2 * i);
  }
  EXPECT_TRUE(decide().empty());
}

TEST_F(VitalsTest, SplitByteByByteAndReorderedDeliveryGivesNoReplayOrTimeAlert) {
  std::vector<std::string> msgs;
  for (int i = 0; i < 300; ++i) msgs.push_back(oru("M" + std::to_string(i), 2 * i, normal(i)));
  for (int i = 0; i < 300; ++i) {
    // Byte by byte for some, odd chunk sizes for others; neighbours swapped (two connections of
    // the same monitor interleaving) every tenth pair.
    const int j = (i % 10 == 0 && i + 1 < 300) ? i + 1 : (i % 10 == 1 ? i - 1 : i);
    send(msgs[j], 2 * i + 2, i % 3 == 0 ? 1 : 7);
  }
  EXPECT_TRUE(decide().empty());
  EXPECT_EQ(anomalies_.total(), 0u);
}

TEST_F(VitalsTest, TwoDevicesForOneBedButNotACentralStationRelay) {
  events::FlowRef monitor = flow_;
  events::FlowRef relay = flow_;  // the central station passes each bed on to the EMR
  relay.src_ip = flow_.dest_ip;
  relay.dest_ip = ip("10.9.9.9");
  relay.id = 8;
  events::FlowRef intruder = flow_;
  intruder.src_ip = ip("10.1.2.99");
  intruder.id = 9;
  analyzers::hl7::Hl7Analyzer relay_an, intruder_an;
  for (int i = 0; i < 200; ++i) {
    send(oru("M" + std::to_string(i), 2 * i, normal(i)), 2 * i);
    flow_ = relay;
    send(oru("R" + std::to_string(i), 2 * i, normal(i)), 2 * i + 1, 0, &relay_an);
    flow_ = monitor;
  }
  EXPECT_TRUE(decide().empty());
  for (int i = 200; i < 400; ++i) {
    send(oru("M" + std::to_string(i), 2 * i, normal(i)), 2 * i);
    flow_ = intruder;
    send(oru("X" + std::to_string(i), 2 * i, normal(i + 1)), 2 * i + 1, 0, &intruder_an);
    flow_ = monitor;
  }
  EXPECT_EQ(decide(), (std::vector<uint32_t>{9000607}));
}

// The Contec CMS stream names its bed in a bed-number block (and the patient record) once per
// connection; every later cycle on that flow is that bed's, whichever monitor sends it.
struct ContecFeed {
  events::FlowRef flow;
  void block(V& d, int64_t s, events::ContecCmsBlock b) const {
    events::Event e{Timestamp::fromSeconds(kT0 + s), flow, std::move(b)};
    e.direction = events::Direction::ToServer;
    d.emit(e);
  }
  void bed(V& d, int64_t s, uint8_t n) const {
    events::ContecCmsBlock b;
    b.block_name = "bed_number";
    b.bed = n;
    block(d, s, std::move(b));
  }
  void cycle(V& d, int64_t s, int hr, int spo2) const {
    events::ContecCmsBlock b;
    b.block_name = "cycle";
    b.vitals.hr = events::ContecVital{static_cast<double>(hr), true};
    b.vitals.pulse_rate = events::ContecVital{static_cast<double>(hr + 1), true};
    b.vitals.spo2 = events::ContecVital{static_cast<double>(spo2), true};
    b.vitals.rr = events::ContecVital{static_cast<double>(14 + s % 3), true};
    block(d, s, std::move(b));
  }
};

ContecFeed contecFlow(uint64_t id, const char* monitor) {
  ContecFeed f;
  f.flow.id = id;
  f.flow.src_ip = ip(monitor);
  f.flow.dest_ip = ip("10.1.1.20");
  f.flow.src_port = static_cast<uint16_t>(40000 + id);
  f.flow.dest_port = 515;
  f.flow.proto = 6;
  f.flow.app_proto = "contec_cms";
  return f;
}

std::string evidence(const events::AlertRecord& a, const char* key) {
  for (const auto& [k, v] : a.evidence)
    if (k == key) return v;
  return "";
}

TEST_F(VitalsTest, ContecCyclesAreAttributedToTheBedOfTheirFlow) {
  const ContecFeed bed3 = contecFlow(31, "10.1.2.31"), bed5 = contecFlow(32, "10.1.2.32");
  bed3.bed(detector_, 0, 3);
  bed5.bed(detector_, 0, 5);
  for (int i = 1; i < 60; ++i) {
    bed3.cycle(detector_, i, 70 + i % 4, 97);
    bed5.cycle(detector_, i, 80 + i % 3, i >= 30 ? 104 : 96);  // bed 5's stream is tampered
  }
  ASSERT_EQ(decide(), (std::vector<uint32_t>{9000601}));
  EXPECT_EQ(evidence(out_.alerts[0], "bed"), "contec-5");
  EXPECT_EQ(out_.alerts[0].device_ip, ip("10.1.2.32"));
  EXPECT_EQ(evidence(out_.alerts[0], "summary").rfind("Bed contec-5, monitor 10.1.2.32: SpO2", 0),
            0u)
      << evidence(out_.alerts[0], "summary");
  // The trend is kept per bed too.
  bool saw3 = false, saw5 = false;
  for (const auto& r : detector_.takeTrend()) {
    saw3 |= r.bed == "contec-3" && r.device == "10.1.2.31";
    saw5 |= r.bed == "contec-5" && r.device == "10.1.2.32";
    EXPECT_TRUE(r.bed == "contec-3" || r.bed == "contec-5") << r.bed;
  }
  EXPECT_TRUE(saw3 && saw5);
}

TEST_F(VitalsTest, TwoContecMonitorsClaimingOneBed) {
  const ContecFeed a = contecFlow(41, "10.1.2.41"), b = contecFlow(42, "10.1.2.42");
  a.bed(detector_, 0, 9);
  b.bed(detector_, 100, 4);
  for (int i = 1; i < 400; ++i) {
    if (i == 200) b.bed(detector_, i, 9);  // the second monitor now says it is at bed 9
    a.cycle(detector_, i, 70 + i % 4, 97);
    b.cycle(detector_, i, 75 + i % 4, 96);
  }
  ASSERT_EQ(decide(), (std::vector<uint32_t>{9000607}));
  EXPECT_EQ(evidence(out_.alerts[0], "bed"), "contec-9");
  EXPECT_GE(evidence(out_.alerts[0], "window_start"), std::string("2025-11-24T16:03:20"));
}

TEST_F(VitalsTest, StreamsAreBoundedAndEvictionCounted) {
  for (size_t i = 0; i < VitalsCaps::kMaxStreams + 10; ++i) {
    send(oru("M" + std::to_string(i), 2, normal(1), "B" + std::to_string(i)), 2);
  }
  EXPECT_EQ(detector_.stats().streams_evicted, 10u);
}

TEST_F(VitalsTest, TrendRowsPerMinute) {
  for (int i = 0; i < 90; ++i) send(oru("M" + std::to_string(i), 2 * i, normal(i)), 2 * i);
  auto rows = detector_.takeTrend();
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0].bed, "ICU/07");
  EXPECT_LE(rows[0].min, rows[0].mean);
  EXPECT_LE(rows[0].mean, rows[0].max);
}

}  // namespace
}  // namespace medtap::detect
