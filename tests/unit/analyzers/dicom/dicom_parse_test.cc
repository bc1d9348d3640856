// The pure parse helpers of the DICOM analyzer: association PDUs, command sets, the data-set
// scanner and the probe.
#include <gtest/gtest.h>

#include <string>

#include "analyzers/dicom/association.h"
#include "analyzers/dicom/data_set_scanner.h"
#include "analyzers/dicom/dicom_analyzer.h"
#include "analyzers/dicom/dimse.h"
#include "dicom_builders.h"

namespace medtap::analyzers::dicom {
namespace {

Bytes bodyOf(const std::string& pdu) {
  return asBytes(pdu).subspan(kPduHeaderSize);
}

TEST(DicomTextField, TrimsPaddingAndCutsLongValues) {
  AnomalyCounters a;
  EXPECT_EQ(textField(asBytes(std::string_view("  STORESCP      ")), 16, a), "STORESCP");
  EXPECT_EQ(textField(asBytes(std::string_view("1.2.3\0", 6)), 64, a), "1.2.3");
  EXPECT_EQ(a.get(Anomaly::DicomLongField), 0u);
  EXPECT_EQ(textField(asBytes(std::string_view("ABCDEFGHIJKLMNOPQ")), 16, a), "ABCDEFGHIJKLMNOP");
  EXPECT_EQ(a.get(Anomaly::DicomLongField), 1u);
}

TEST(DicomAssociate, Request) {
  const std::string rq = build::associateRq(
      "PACS", "MODALITY",
      {{1,
        std::string(build::kSecondaryCapture),
        {std::string(build::kExplicitLe), std::string(build::kImplicitLe)}},
       {3, std::string(build::kVerification), {std::string(build::kImplicitLe)}}});
  events::DicomMessage m;
  AnomalyCounters a;
  ASSERT_EQ(parseAssociate(PduType::AssociateRq, bodyOf(rq), m, a), ParseStatus::Ok);
  EXPECT_EQ(m.pdu, "A-ASSOCIATE-RQ");
  EXPECT_EQ(m.protocol_version, 1);
  EXPECT_EQ(m.called_ae, "PACS");
  EXPECT_EQ(m.calling_ae, "MODALITY");
  EXPECT_EQ(m.application_context, build::kAppContext);
  EXPECT_EQ(m.abstract_syntaxes, (std::vector<std::string>{std::string(build::kSecondaryCapture),
                                                           std::string(build::kVerification)}));
  EXPECT_EQ(m.transfer_syntaxes, (std::vector<std::string>{std::string(build::kExplicitLe),
                                                           std::string(build::kImplicitLe)}));
  ASSERT_EQ(m.presentation_contexts.size(), 2u);
  EXPECT_EQ(m.presentation_contexts[1].id, 3);
  EXPECT_EQ(m.max_length, 16384u);
  EXPECT_EQ(m.implementation_class_uid, build::kImplUid);
  EXPECT_EQ(m.implementation_version_name, build::kImplVersion);
  EXPECT_EQ(a.total(), 0u);
}

TEST(DicomAssociate, Accept) {
  const std::string ac = build::associateAc(
      "PACS", "MODALITY", {{1, 0, std::string(build::kExplicitLe)}, {3, 3, std::string("")}});
  events::DicomMessage m;
  AnomalyCounters a;
  ASSERT_EQ(parseAssociate(PduType::AssociateAc, bodyOf(ac), m, a), ParseStatus::Ok);
  ASSERT_EQ(m.presentation_contexts.size(), 2u);
  EXPECT_EQ(m.presentation_contexts[0].result, 0);
  EXPECT_EQ(m.presentation_contexts[0].transfer_syntax, build::kExplicitLe);
  EXPECT_EQ(m.presentation_contexts[1].result, 3);
  EXPECT_EQ(m.max_length, 32768u);
}

// A cut inside the fixed part or an item is Malformed; a cut between items cannot be told from a
// shorter request (the PDU length decides) and parses: after the fixed part, after the
// application context and after the presentation context.
TEST(DicomAssociate, TruncatedAtEveryLengthNeverReadsPastTheEnd) {
  const std::string rq = build::associateRq(
      "PACS", "MODALITY",
      {{1, std::string(build::kVerification), {std::string(build::kImplicitLe)}}});
  const Bytes body = bodyOf(rq);
  size_t parsed = 0;
  for (size_t len = 0; len < body.size(); ++len) {
    events::DicomMessage m;
    AnomalyCounters a;
    if (parseAssociate(PduType::AssociateRq, body.first(len), m, a) == ParseStatus::Ok) ++parsed;
  }
  EXPECT_EQ(parsed, 3u);
}

TEST(DicomAssociate, RejectAndAbort) {
  events::DicomMessage rj;
  ASSERT_EQ(parseReject(asBytes(build::fourBytes(0, 1, 1, 3)), rj), ParseStatus::Ok);
  EXPECT_EQ(rj.pdu, "A-ASSOCIATE-RJ");
  EXPECT_EQ(*rj.result, 1);
  EXPECT_EQ(*rj.source, 1);
  EXPECT_EQ(*rj.reason, 3);
  events::DicomMessage ab;
  ASSERT_EQ(parseAbort(asBytes(build::fourBytes(0, 0, 2, 6)), ab), ParseStatus::Ok);
  EXPECT_EQ(*ab.source, 2);
  EXPECT_EQ(*ab.reason, 6);
  EXPECT_FALSE(ab.result);
  events::DicomMessage short_one;
  EXPECT_EQ(parseAbort(asBytes(std::string_view("\0\0", 2)), short_one), ParseStatus::Malformed);
}

TEST(DicomCommand, CStoreRequestAndResponse) {
  AnomalyCounters a;
  events::DicomMessage rq;
  ASSERT_EQ(parseCommandSet(asBytes(build::cStoreRq(7)), rq, a), ParseStatus::Ok);
  EXPECT_EQ(rq.command, "C-STORE-RQ");
  EXPECT_EQ(rq.command_field, 0x0001);
  EXPECT_EQ(rq.sop_class, build::kSecondaryCapture);
  EXPECT_EQ(*rq.message_id, 7);
  EXPECT_TRUE(rq.has_data_set);
  EXPECT_FALSE(rq.status);
  events::DicomMessage rsp;
  ASSERT_EQ(parseCommandSet(asBytes(build::cStoreRsp(7, 0xA700)), rsp, a), ParseStatus::Ok);
  EXPECT_EQ(rsp.command, "C-STORE-RSP");
  EXPECT_EQ(*rsp.message_id_responded, 7);
  EXPECT_EQ(*rsp.status, 0xA700);
  EXPECT_FALSE(rsp.has_data_set);
}

TEST(DicomCommand, Names) {
  EXPECT_EQ(commandName(0x0030), "C-ECHO-RQ");
  EXPECT_EQ(commandName(0x8020), "C-FIND-RSP");
  EXPECT_EQ(commandName(0x0021), "C-MOVE-RQ");
  EXPECT_EQ(commandName(0x0010), "C-GET-RQ");
  EXPECT_EQ(commandName(0x0140), "N-CREATE-RQ");
  EXPECT_EQ(commandName(0x8150), "N-DELETE-RSP");
  EXPECT_EQ(commandName(0x1234), "");
}

TEST(DicomCommand, Malformed) {
  AnomalyCounters a;
  const std::string set = build::cEchoRq(1);
  for (size_t len = 1; len < set.size(); ++len) {
    events::DicomMessage m;
    // Cut inside an element: malformed; cut between elements before CommandField: no command.
    const ParseStatus s = parseCommandSet(asBytes(set).first(len), m, a);
    if (s == ParseStatus::Ok) EXPECT_EQ(m.command, "C-ECHO-RQ") << len;
  }
  events::DicomMessage m;
  EXPECT_EQ(parseCommandSet(asBytes(build::implicitElement(0x0008, 0x0016, "1.2")), m, a),
            ParseStatus::Malformed);
}

struct ScanResult {
  std::string name, id;
  uint64_t anomalies = 0;
};

ScanResult scan(const std::string& data, DataSetEncoding enc, size_t chunk) {
  DataSetScanner s;
  AnomalyCounters a;
  s.reset(enc);
  for (size_t pos = 0; pos < data.size(); pos += chunk) {
    s.feed(asBytes(data).subspan(pos, std::min(chunk, data.size() - pos)), a);
  }
  s.finish(a);
  return {s.patientName(), s.patientId(), a.total()};
}

TEST(DicomDataSet, ExplicitAndImplicitAtEveryChunkSize) {
  const std::string ex = build::explicitDataSet(4096);
  const std::string im = build::implicitDataSet(4096);
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, size_t{100000}}) {
    for (auto [data, enc] :
         {std::pair{ex, DataSetEncoding::ExplicitLittle}, std::pair{ex, DataSetEncoding::Detect},
          std::pair{im, DataSetEncoding::ImplicitLittle}, std::pair{im, DataSetEncoding::Detect}}) {
      const ScanResult r = scan(data, enc, chunk);
      EXPECT_EQ(r.name, build::kPatientName) << chunk;
      EXPECT_EQ(r.id, build::kPatientId) << chunk;
      EXPECT_EQ(r.anomalies, 0u) << chunk;
    }
  }
}

TEST(DicomDataSet, NotScannedForBigEndianAndDeflate) {
  EXPECT_EQ(encodingOf("1.2.840.10008.1.2.2"), DataSetEncoding::NotScanned);
  EXPECT_EQ(encodingOf("1.2.840.10008.1.2.1.99"), DataSetEncoding::NotScanned);
  EXPECT_EQ(encodingOf("1.2.840.10008.1.2.4.50"), DataSetEncoding::ExplicitLittle);
  EXPECT_EQ(encodingOf("1.2.840.10008.1.2"), DataSetEncoding::ImplicitLittle);
  EXPECT_EQ(encodingOf("1.3.6.1.4.1.99"), DataSetEncoding::Detect);
  const ScanResult r = scan(build::explicitDataSet(16), DataSetEncoding::NotScanned, 1000);
  EXPECT_TRUE(r.name.empty());
}

TEST(DicomDataSet, LongNameIsCutAndCounted) {
  const std::string data = build::implicitElement(0x0010, 0x0010, std::string(1000, 'A')) +
                           build::implicitElement(0x0010, 0x0020, "ID01");
  const ScanResult r = scan(data, DataSetEncoding::ImplicitLittle, 5);
  EXPECT_EQ(r.name.size(), kMaxPatientFieldLength);
  EXPECT_EQ(r.id, "ID01");
  EXPECT_EQ(r.anomalies, 1u);
}

TEST(DicomDataSet, ElementCutByTheEndIsMalformed) {
  const std::string data = build::implicitElement(0x0008, 0x0016, "1.2.3.4.");
  const ScanResult r = scan(data.substr(0, data.size() - 2), DataSetEncoding::ImplicitLittle, 3);
  EXPECT_EQ(r.anomalies, 1u);
}

TEST(DicomDataSet, DeepNestingStops) {
  std::string data;
  for (int i = 0; i < 40; ++i) {
    build::le16(data, 0x0008);
    build::le16(data, 0x1140);
    build::le32(data, 0xFFFFFFFF);
  }
  const ScanResult r = scan(data, DataSetEncoding::ImplicitLittle, 9);
  EXPECT_EQ(r.anomalies, 1u);
}

TEST(DicomProbe, AssociateRequest) {
  const std::string rq = build::associateRq(
      "PACS", "MODALITY",
      {{1, std::string(build::kVerification), {std::string(build::kImplicitLe)}}});
  const Bytes b = asBytes(rq);
  EXPECT_EQ(probe(b, Direction::Originator), ProbeResult::Yes);
  for (size_t len = 0; len <= kPduHeaderSize + kAssociateFixedSize; ++len) {
    EXPECT_EQ(probe(b.first(len), Direction::Originator), ProbeResult::Maybe) << len;
  }
  std::string bad = rq;
  bad[7] = 2;  // protocol version
  EXPECT_EQ(probe(asBytes(bad), Direction::Originator), ProbeResult::No);
  bad = rq;
  bad[12] = '\x01';  // AE title not printable
  EXPECT_EQ(probe(asBytes(bad), Direction::Originator), ProbeResult::No);
  bad = rq;
  bad[74] = 0x20;  // first item not the application context
  EXPECT_EQ(probe(asBytes(bad), Direction::Originator), ProbeResult::No);
  EXPECT_EQ(probe(asBytes(std::string_view("GET / HTTP/1.1\r\n")), Direction::Originator),
            ProbeResult::No);
  EXPECT_EQ(
      probe(asBytes(build::pdu(PduType::AssociateRq, std::string(10, ' '))), Direction::Originator),
      ProbeResult::No);  // too short for an A-ASSOCIATE-RQ
}

}  // namespace
}  // namespace medtap::analyzers::dicom
