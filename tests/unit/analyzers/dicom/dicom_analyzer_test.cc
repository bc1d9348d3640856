// The DICOM analyzer on synthetic associations: association PDUs, C-ECHO and a C-STORE whose
// command and data set are fragmented across PDVs, P-DATA PDUs and TCP segments; split-buffer
// equivalence, gaps, malformed input, and no raw patient data in the EVE line.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzers/dicom/dicom_analyzer.h"
#include "analyzers/dispatcher.h"
#include "dicom_builders.h"
#include "flow/flow.h"
#include "sinks/eve_writer.h"

namespace medtap::analyzers::dicom {
namespace {

using build::Buf;

class Sink : public events::EventSink {
 public:
  void emit(const events::Event& e) override { events.push_back(e); }
  std::vector<events::Event> events;
};

const events::DicomMessage& dicomOf(const events::Event& e) {
  return std::get<events::DicomMessage>(e.body);
}

// One line per event with every field the tests care about.
std::string summary(const events::Event& e) {
  const auto& m = dicomOf(e);
  std::string s = std::string(m.pdu) + "|" + std::string(m.command) + "|" + m.sop_class + "|" +
                  m.calling_ae + ">" + m.called_ae + "|" + m.transfer_syntax + "|" +
                  m.patient_name_token + "|" + m.patient_id_token + "|" +
                  (e.direction == events::Direction::ToServer ? "ts" : "tc");
  if (m.message_id) s += "|id" + std::to_string(*m.message_id);
  if (m.status) s += "|st" + std::to_string(*m.status);
  return s;
}

struct Harness {
  flow::Flow flow;
  events::FlowRef ref = Dispatcher::flowRef(flow);
  Sink sink;
  AnomalyCounters anomalies;
  privacy::PhiTokenizer phi = privacy::PhiTokenizer::withSecret("dicom-test");
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  DicomAnalyzer analyzer;

  FeedResult feed(Direction dir, std::string_view data, size_t chunk = SIZE_MAX) {
    FeedResult r = FeedResult::Consumed;
    for (size_t pos = 0; pos < data.size(); pos += chunk) {
      const std::string_view part = data.substr(pos, chunk);
      r = analyzer.feed(ctx, dir, asBytes(part), Timestamp{static_cast<int64_t>(pos)});
    }
    return r;
  }
  std::vector<std::string> summaries() const {
    std::vector<std::string> out;
    for (const auto& e : sink.events) out.push_back(summary(e));
    return out;
  }
};

// An association: request, accept, C-ECHO, a C-STORE (command in two PDVs in two PDUs, data set
// in 700-byte PDVs, three per PDU), release.
struct Association {
  Buf rq, ac, orig_messages, resp_messages;
  Association(size_t pixel_bytes = 8192, std::string_view ts = build::kExplicitLe) {
    rq = build::associateRq(
        "STORESCP", "MODALITY1",
        {{1, std::string(build::kVerification), {std::string(build::kImplicitLe)}},
         {3,
          std::string(build::kSecondaryCapture),
          {std::string(build::kExplicitLe), std::string(build::kImplicitLe)}}});
    ac = build::associateAc("STORESCP", "MODALITY1",
                            {{1, 0, std::string(build::kImplicitLe)}, {3, 0, std::string(ts)}});
    orig_messages = build::pdata(build::fragments(1, true, build::cEchoRq(1), 1000));
    const auto cmd = build::fragments(3, true, build::cStoreRq(2), 40);
    for (const auto& f : cmd) orig_messages += build::pdata({f});
    const Buf data_set = ts == build::kExplicitLe ? build::explicitDataSet(pixel_bytes)
                                                  : build::implicitDataSet(pixel_bytes);
    const auto frags = build::fragments(3, false, data_set, 700);
    for (size_t i = 0; i < frags.size(); i += 3) {
      std::vector<Buf> group(frags.begin() + i, frags.begin() + std::min(i + 3, frags.size()));
      orig_messages += build::pdata(group);
    }
    orig_messages += build::pdu(PduType::ReleaseRq, build::fourBytes(0, 0, 0, 0));
    resp_messages =
        build::pdata(build::fragments(
            1, true,
            build::commandSet(build::implicitElement(0x0000, 0x0100, build::us(0x8030)) +
                              build::implicitElement(0x0000, 0x0120, build::us(1)) +
                              build::implicitElement(0x0000, 0x0800, build::us(0x0101)) +
                              build::implicitElement(0x0000, 0x0900, build::us(0))),
            1000)) +
        build::pdata(build::fragments(3, true, build::cStoreRsp(2, 0), 1000)) +
        build::pdu(PduType::ReleaseRp, build::fourBytes(0, 0, 0, 0));
  }
};

std::vector<std::string> runAssociation(const Association& a, size_t chunk, Harness& run) {
  EXPECT_NE(run.feed(Direction::Originator, a.rq, chunk), FeedResult::OutOfSync);
  run.feed(Direction::Responder, a.ac, chunk);
  EXPECT_EQ(run.feed(Direction::Originator, a.orig_messages, chunk), FeedResult::Consumed);
  EXPECT_EQ(run.feed(Direction::Responder, a.resp_messages, chunk), FeedResult::Consumed);
  run.analyzer.end(run.ctx, Direction::Originator, Timestamp{});
  run.analyzer.end(run.ctx, Direction::Responder, Timestamp{});
  return run.summaries();
}

TEST(DicomAnalyzer, WholeAssociation) {
  Harness run;
  const auto s = runAssociation(Association(), SIZE_MAX, run);
  const std::string name = run.phi.token(build::kPatientName);
  const std::string id = run.phi.token(build::kPatientId);
  const std::string sc(build::kSecondaryCapture);
  const std::string ex(build::kExplicitLe);
  const std::string im(build::kImplicitLe);
  EXPECT_EQ(s, (std::vector<std::string>{
                   "A-ASSOCIATE-RQ|||MODALITY1>STORESCP||||ts",
                   "A-ASSOCIATE-AC|||MODALITY1>STORESCP||||tc",
                   "P-DATA-TF|C-ECHO-RQ|1.2.840.10008.1.1|>|" + im + "|||ts|id1",
                   "P-DATA-TF|C-STORE-RQ|" + sc + "|>|" + ex + "|" + name + "|" + id + "|ts|id2",
                   "A-RELEASE-RQ|||>||||ts",
                   "P-DATA-TF|C-ECHO-RSP||>|" + im + "|||tc|st0",
                   "P-DATA-TF|C-STORE-RSP|" + sc + "|>|" + ex + "|||tc|st0",
                   "A-RELEASE-RP|||>||||tc",
               }));
  EXPECT_EQ(run.anomalies.total(), 0u);
  const auto& ac = dicomOf(run.sink.events[1]);
  ASSERT_EQ(ac.presentation_contexts.size(), 2u);
  EXPECT_EQ(ac.presentation_contexts[1].abstract_syntax, sc);
  EXPECT_EQ(ac.abstract_syntaxes, (std::vector<std::string>{"1.2.840.10008.1.1", sc}));
}

TEST(DicomAnalyzer, ImplicitDataSet) {
  Harness run;
  const auto s = runAssociation(Association(100, build::kImplicitLe), SIZE_MAX, run);
  ASSERT_EQ(s.size(), 8u);
  EXPECT_EQ(dicomOf(run.sink.events[3]).patient_name_token, run.phi.token(build::kPatientName));
  EXPECT_EQ(run.anomalies.total(), 0u);
}

TEST(DicomAnalyzer, SameEventsHoweverTheStreamIsCut) {
  const Association a(3000);
  Harness whole;
  const auto expected = runAssociation(a, SIZE_MAX, whole);
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{5}, size_t{13}, size_t{1460}}) {
    Harness run;
    EXPECT_EQ(runAssociation(a, chunk, run), expected) << chunk;
    EXPECT_EQ(run.anomalies.total(), 0u) << chunk;
  }
}

TEST(DicomAnalyzer, MessagesSplitAtEveryOffset) {
  const Association a(600);
  Harness whole;
  const auto expected = runAssociation(a, SIZE_MAX, whole);
  for (size_t cut = 1; cut < a.orig_messages.size(); ++cut) {
    Harness run;
    run.feed(Direction::Originator, a.rq);
    run.feed(Direction::Responder, a.ac);
    run.feed(Direction::Originator, std::string_view(a.orig_messages).substr(0, cut));
    run.feed(Direction::Originator, std::string_view(a.orig_messages).substr(cut));
    run.feed(Direction::Responder, a.resp_messages);
    run.analyzer.end(run.ctx, Direction::Originator, Timestamp{});
    run.analyzer.end(run.ctx, Direction::Responder, Timestamp{});
    ASSERT_EQ(run.summaries(), expected) << cut;
  }
}

TEST(DicomAnalyzer, GapInsidePixelDataKeepsSync) {
  const Association a(20000);
  Harness run;
  run.feed(Direction::Originator, a.rq);
  run.feed(Direction::Responder, a.ac);
  // Lose 100 bytes well inside the pixel data (the last PDVs of the data set).
  const size_t lost_at = a.orig_messages.size() - 8000;
  run.feed(Direction::Originator, std::string_view(a.orig_messages).substr(0, lost_at));
  run.analyzer.gap(run.ctx, Direction::Originator, 100, Timestamp{});
  run.feed(Direction::Originator, std::string_view(a.orig_messages).substr(lost_at + 100));
  const auto s = run.summaries();
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(dicomOf(run.sink.events[3]).command, "C-STORE-RQ");
  EXPECT_EQ(dicomOf(run.sink.events[3]).patient_id_token, run.phi.token(build::kPatientId));
  EXPECT_EQ(dicomOf(run.sink.events[4]).pdu, "A-RELEASE-RQ");
  EXPECT_EQ(run.anomalies.get(Anomaly::DicomLostSync), 0u);
}

// A gap over a PDU header: the framer scans for the next PDU (more in dicom_resync_test.cc).
TEST(DicomAnalyzer, GapOverAHeaderResyncs) {
  const Association a(100);
  Harness run;
  run.feed(Direction::Originator, a.rq);
  run.feed(Direction::Responder, a.ac);
  run.analyzer.gap(run.ctx, Direction::Originator, 10, Timestamp{});
  EXPECT_EQ(run.feed(Direction::Originator, a.orig_messages), FeedResult::Consumed);
  EXPECT_EQ(run.feed(Direction::Responder, a.resp_messages), FeedResult::Consumed);
  EXPECT_EQ(run.anomalies.get(Anomaly::DicomResynced), 1u);
  EXPECT_EQ(run.anomalies.get(Anomaly::DicomLostSync), 0u);
  EXPECT_EQ(run.sink.events.size(), 8u);  // RQ, AC, the three originator and three responder
}

TEST(DicomAnalyzer, EndInsideDataSetReportsWhatWasRead) {
  const Association a(20000);
  Harness run;
  run.feed(Direction::Originator, a.rq);
  run.feed(Direction::Responder, a.ac);
  run.feed(Direction::Originator, std::string_view(a.orig_messages).substr(0, 5000));
  run.analyzer.end(run.ctx, Direction::Originator, Timestamp{});
  ASSERT_EQ(run.sink.events.size(), 4u);
  EXPECT_EQ(dicomOf(run.sink.events[3]).patient_name_token, run.phi.token(build::kPatientName));
  EXPECT_EQ(run.anomalies.get(Anomaly::DicomTruncatedMessage), 1u);
  EXPECT_EQ(run.anomalies.get(Anomaly::DicomTruncatedPdu), 1u);
}

TEST(DicomAnalyzer, UnknownPduTypeIsOutOfSync) {
  Harness run;
  EXPECT_EQ(run.feed(Direction::Originator, std::string("\x09\x00\x00\x00\x00\x00", 6)),
            FeedResult::OutOfSync);
  EXPECT_EQ(run.anomalies.get(Anomaly::DicomUnknownPduType), 1u);
}

TEST(DicomAnalyzer, OversizedPduIsSkipped) {
  Harness run;
  const Buf big = build::pdu(PduType::AssociateRq, Buf(kMaxBufferedPduSize + 1, 'x'));
  const Buf release = build::pdu(PduType::ReleaseRq, build::fourBytes(0, 0, 0, 0));
  EXPECT_EQ(run.feed(Direction::Originator, big + release, 4096), FeedResult::Consumed);
  EXPECT_EQ(run.anomalies.get(Anomaly::DicomOversizedPdu), 1u);
  ASSERT_EQ(run.sink.events.size(), 1u);
  EXPECT_EQ(dicomOf(run.sink.events[0]).pdu, "A-RELEASE-RQ");
}

TEST(DicomAnalyzer, OversizedCommandIsDropped) {
  Harness run;
  const Buf huge = build::commandSet(build::implicitElement(0x0000, 0x0002, Buf(70000, '1')));
  Buf stream;
  for (const auto& f : build::fragments(1, true, huge, 16000)) stream += build::pdata({f});
  stream += build::pdata(build::fragments(1, true, build::cEchoRq(5), 1000));
  EXPECT_EQ(run.feed(Direction::Originator, stream), FeedResult::Consumed);
  EXPECT_EQ(run.anomalies.get(Anomaly::DicomOversizedCommand), 1u);
  ASSERT_EQ(run.sink.events.size(), 1u);
  EXPECT_EQ(*dicomOf(run.sink.events[0]).message_id, 5);
}

TEST(DicomAnalyzer, BadPdvLengthAndUnexpectedFragments) {
  Harness run;
  Buf bad_pdv;
  build::be32(bad_pdv, 1000);  // longer than the PDU
  bad_pdv += "\x01\x03";
  Buf stream = build::pdu(PduType::PData, bad_pdv);
  stream += build::pdata({build::pdv(1, kPdvLastBit, "data without a command")});
  stream += build::pdata(build::fragments(1, true, build::cEchoRq(9), 1000));
  EXPECT_EQ(run.feed(Direction::Originator, stream), FeedResult::Consumed);
  EXPECT_EQ(run.anomalies.get(Anomaly::DicomBadPdvLength), 1u);
  EXPECT_EQ(run.anomalies.get(Anomaly::DicomUnexpectedFragment), 1u);
  ASSERT_EQ(run.sink.events.size(), 1u);
  EXPECT_EQ(*dicomOf(run.sink.events[0]).message_id, 9);
}

TEST(DicomAnalyzer, RejectAndAbortEvents) {
  Harness run;
  run.feed(Direction::Responder, build::pdu(PduType::AssociateRj, build::fourBytes(0, 1, 1, 7)));
  run.feed(Direction::Originator, build::pdu(PduType::Abort, build::fourBytes(0, 0, 0, 0)));
  ASSERT_EQ(run.sink.events.size(), 2u);
  EXPECT_EQ(*dicomOf(run.sink.events[0]).reason, 7);
  EXPECT_EQ(dicomOf(run.sink.events[1]).pdu, "A-ABORT");
  std::string line;
  sinks::formatEve(run.sink.events[0], line);
  EXPECT_NE(line.find("\"dicom\":{\"pdu\":\"A-ASSOCIATE-RJ\",\"result\":1,\"source\":1,"
                      "\"reason\":7}"),
            std::string::npos)
      << line;
}

// DESIGN.md "Patient data": the raw name and id never reach the EVE line; their tokens do.
TEST(DicomAnalyzer, EveLineCarriesTokensNotPatientData) {
  Harness run;
  runAssociation(Association(64), SIZE_MAX, run);
  std::string all;
  for (const auto& e : run.sink.events) {
    sinks::formatEve(e, all);
    all += '\n';
  }
  EXPECT_EQ(all.find("TEST^PATIENT"), std::string::npos);
  EXPECT_EQ(all.find(build::kPatientId), std::string::npos);
  EXPECT_NE(all.find("\"patient\":{\"name\":\"" + run.phi.token(build::kPatientName) +
                     "\",\"id\":\"" + run.phi.token(build::kPatientId) + "\"}"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("\"command\":\"C-STORE-RQ\""), std::string::npos);
  EXPECT_NE(all.find("\"calling_ae\":\"MODALITY1\""), std::string::npos);
}

}  // namespace
}  // namespace medtap::analyzers::dicom
