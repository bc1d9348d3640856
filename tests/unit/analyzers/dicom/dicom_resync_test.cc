// DICOM after a gap over a PDU header: the framer scans forward for the next PDU (pduStart), finds
// the messages after the gap however the bytes are cut, gives no phantom message on garbage, and
// gives the direction up once the scan window is spent. A gap over a PDV header skips the rest of
// its PDU by length.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "../test_support.h"
#include "analyzers/dicom/dicom_analyzer.h"
#include "analyzers/dicom/pdu_framer.h"
#include "dicom_builders.h"

namespace medtap::analyzers::dicom {
namespace {

using build::Buf;

struct Session {
  fixtures::RecordingSink sink;
  AnomalyCounters anomalies;
  privacy::PhiTokenizer phi = privacy::PhiTokenizer::withSecret("dicom-test");
  events::FlowRef ref;
  AnalyzerContext ctx{ref, sink, anomalies, phi};
  DicomAnalyzer analyzer;

  void feed(Direction dir, std::string_view data) {
    analyzer.feed(ctx, dir, asBytes(data), Timestamp{});
  }
  // "A-ASSOCIATE-RQ", "P-DATA-TF C-ECHO-RQ 7", ...
  std::vector<std::string> events() const {
    std::vector<std::string> out;
    for (const auto& e : sink.events) {
      const auto& m = std::get<events::DicomMessage>(e.body);
      std::string s(m.pdu);
      if (!m.command.empty()) s += " " + std::string(m.command);
      if (m.message_id) s += " " + std::to_string(*m.message_id);
      out.push_back(s);
    }
    return out;
  }
};

const Buf kRq =
    build::associateRq("STORESCP", "MODALITY1",
                       {{1, std::string(build::kVerification), {std::string(build::kImplicitLe)}}});
const Buf kAc =
    build::associateAc("STORESCP", "MODALITY1", {{1, 0, std::string(build::kImplicitLe)}});

Buf echo(uint16_t id) {
  return build::pdata(build::fragments(1, true, build::cEchoRq(id), 1000));
}

// Four C-ECHO requests and a release; the gap takes the first request's header.
struct GapStream {
  Buf after = echo(1).substr(10) + echo(2) + echo(3) + echo(4) +
              build::pdu(PduType::ReleaseRq, build::fourBytes(0, 0, 0, 0));
  std::vector<std::string> expected = {"A-ASSOCIATE-RQ",        "A-ASSOCIATE-AC",
                                       "P-DATA-TF C-ECHO-RQ 2", "P-DATA-TF C-ECHO-RQ 3",
                                       "P-DATA-TF C-ECHO-RQ 4", "A-RELEASE-RQ"};
};

void start(Session& run) {
  run.feed(Direction::Originator, kRq);
  run.feed(Direction::Responder, kAc);
  run.analyzer.gap(run.ctx, Direction::Originator, 10, Timestamp{});
}

TEST(DicomResync, MessagesAfterTheGapAreFound) {
  const GapStream s;
  Session run;
  start(run);
  run.feed(Direction::Originator, s.after);
  EXPECT_EQ(run.events(), s.expected);
  EXPECT_EQ(run.anomalies.get(Anomaly::DicomResynced), 1u);
  EXPECT_EQ(run.anomalies.get(Anomaly::DicomLostSync), 0u);
}

TEST(DicomResync, SplitAnyWay) {
  const GapStream s;
  for (size_t cut = 1; cut < s.after.size(); ++cut) {
    Session run;
    start(run);
    run.feed(Direction::Originator, std::string_view(s.after).substr(0, cut));
    run.feed(Direction::Originator, std::string_view(s.after).substr(cut));
    ASSERT_EQ(run.events(), s.expected) << cut;
  }
  Session run;
  start(run);
  for (char c : s.after) run.feed(Direction::Originator, std::string_view(&c, 1));
  EXPECT_EQ(run.events(), s.expected);
}

// A gap over a PDV header inside a P-DATA-TF: the rest of that PDU is skipped by its length and
// the next PDU is read in sync, without a scan.
TEST(DicomResync, GapOverAPdvHeaderSkipsItsPdu) {
  const Buf two_pdvs =
      build::pdata({build::pdv(1, 0x01, "\x00\x00"), build::pdv(1, 0x03, std::string(40, 'x'))});
  Session run;
  run.feed(Direction::Originator, kRq);
  run.feed(Direction::Responder, kAc);
  run.feed(Direction::Originator, std::string_view(two_pdvs).substr(0, 14));  // the first PDV
  run.analyzer.gap(run.ctx, Direction::Originator, 4, Timestamp{});  // the second PDV's header
  run.feed(Direction::Originator, two_pdvs.substr(18) + echo(5));
  EXPECT_EQ(run.events().back(), "P-DATA-TF C-ECHO-RQ 5");
  EXPECT_EQ(run.anomalies.get(Anomaly::DicomResynced), 0u);
  EXPECT_EQ(run.anomalies.get(Anomaly::DicomLostSync), 0u);
}

// Seeded random bytes, and near-misses (PDU types with bad reserved bytes, lengths or PDV fields),
// give no message; past the window the direction is given up.
TEST(DicomResync, GarbageGivesNoPhantomMessage) {
  std::mt19937 rng(7);
  std::string noise(kMaxResyncScan + 4096, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  std::string near;
  for (int i = 0; near.size() < kMaxResyncScan + 4096; ++i) {
    near += std::string("\x04\x00\x00\x00\x00\x20\x00\x00\x00\x1e\x02\x00", 12);  // even context
    near += std::string("\x04\x01\x00\x00\x00\x20", 6);                           // reserved != 0
    near += std::string("\x05\x00\x00\x00\x00\x04\x00\x01\x00\x00", 10);          // release, junk
    near += std::string("\x01\x00\x00\x00\x00\x44\x00\x02", 8);                   // version 2
  }
  for (const std::string& garbage : {noise, near}) {
    Session run;
    start(run);
    for (size_t i = 0; i < garbage.size(); i += 1500) {
      run.feed(Direction::Originator, std::string_view(garbage).substr(i, 1500));
    }
    EXPECT_EQ(run.events().size(), 2u);  // the association only
    EXPECT_EQ(run.anomalies.get(Anomaly::DicomResynced), 0u);
    EXPECT_EQ(run.anomalies.get(Anomaly::DicomLostSync), 1u);
    run.feed(Direction::Originator, echo(9));  // given up: not looked at
    EXPECT_EQ(run.events().size(), 2u);
  }
}

TEST(DicomResync, PduStartChecks) {
  EXPECT_EQ(pduStart(asBytes(echo(1))), FrameCheck::Yes);
  EXPECT_EQ(pduStart(asBytes(kRq)), FrameCheck::Yes);
  EXPECT_EQ(pduStart(asBytes(std::string_view(kRq).substr(0, 7))), FrameCheck::NeedMore);
  EXPECT_EQ(pduStart(asBytes(build::pdu(PduType::Abort, build::fourBytes(0, 0, 2, 6)))),
            FrameCheck::Yes);
  EXPECT_EQ(pduStart(asBytes(build::pdu(PduType::Abort, build::fourBytes(0, 0, 3, 0)))),
            FrameCheck::No);
  EXPECT_EQ(pduStart(asBytes(build::pdu(PduType::AssociateRj, build::fourBytes(0, 1, 1, 1)))),
            FrameCheck::Yes);
  EXPECT_EQ(pduStart(asBytes(std::string("\x08\x00", 2))), FrameCheck::No);
  EXPECT_EQ(pduStart(asBytes(std::string(16, '\0'))), FrameCheck::No);
}

}  // namespace
}  // namespace medtap::analyzers::dicom
