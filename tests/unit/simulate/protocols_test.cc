// The message builders: framing, lengths and the fields analyzers key on.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/bytes.h"
#include "simulate/byte_writer.h"
#include "simulate/contec_cms.h"
#include "simulate/dhcp.h"
#include "simulate/dicom_ul.h"
#include "simulate/dns.h"
#include "simulate/hl7_message.h"
#include "simulate/lpd.h"
#include "simulate/sim_time.h"
#include "simulate/sunrpc.h"
#include "simulate/tls.h"

namespace medtap::simulate {
namespace {

std::vector<std::string> segments(const std::string& framed) {
  std::vector<std::string> out;
  std::string body = framed.substr(1, framed.size() - 3);
  size_t from = 0;
  while (from < body.size()) {
    const size_t cr = body.find('\r', from);
    out.push_back(body.substr(from, cr - from));
    if (cr == std::string::npos) break;
    from = cr + 1;
  }
  return out;
}

std::vector<std::string> fields(const std::string& segment) {
  std::vector<std::string> out;
  size_t from = 0;
  for (;;) {
    const size_t bar = segment.find('|', from);
    out.push_back(segment.substr(from, bar - from));
    if (bar == std::string::npos) return out;
    from = bar + 1;
  }
}

OruMessage monitorMessage(Hl7Dialect dialect, const Patient& p) {
  OruMessage m;
  m.dialect = dialect;
  m.version = dialect == Hl7Dialect::Mdc ? "2.6" : "2.3.1";
  m.sending_application = "MX800^0009FBFFFE010203^EUI-64";
  m.sending_facility = "ICU";
  m.receiving_application = "PIC_iX";
  m.receiving_facility = "ICU";
  m.control_id = "MX-42";
  m.time = fromCivil(2025, 11, 25, 8, 0, 5);
  m.zone = dialect == Hl7Dialect::Mdc ? Hl7Zone::Utc : Hl7Zone::Omit;
  m.patient = &p;
  m.unit = "ICU";
  m.bed = 7;
  m.equipment = "0009FBFFFE010203";
  return m;
}

TEST(SimulateHl7MessageTest, PcdOruIsMllpFramedWithMdcObservations) {
  Rng rng(1);
  const Patient p = makePatient(rng, 7);
  OruMessage m = monitorMessage(Hl7Dialect::Mdc, p);
  m.device_code = "69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC";
  Vitals v;
  v.hr = 71;
  v.pr = 72;
  v.spo2 = 97;
  v.rr = 15;
  v.temp_c = 36.9;
  vitalsObservations(Hl7Dialect::Mdc, v, m.time, m.observations);
  std::string out;
  appendMllpOru(out, m);
  ASSERT_EQ(out.front(), kMllpStart);
  ASSERT_EQ(out.substr(out.size() - 2), std::string("\x1c\r"));
  EXPECT_EQ(out.find('\x0b', 1), std::string::npos);
  const auto segs = segments(out);
  ASSERT_GE(segs.size(), 9u);
  const auto msh = fields(segs[0]);
  EXPECT_EQ(msh[1], "^~\\&");
  EXPECT_EQ(msh[2], "MX800^0009FBFFFE010203^EUI-64");
  EXPECT_EQ(msh[6], "20251125080005+0000");
  EXPECT_EQ(msh[8], "ORU^R01^ORU_R01");
  EXPECT_EQ(msh[9], "MX-42");
  EXPECT_EQ(msh[11], "2.6");
  EXPECT_EQ(msh[20], "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO");
  EXPECT_EQ(segs[1].substr(0, 4), "PID|");
  EXPECT_NE(segs[1].find(p.mrn), std::string::npos);
  EXPECT_EQ(segs[2], "PV1||I|ICU^^07");
  EXPECT_EQ(segs[3].substr(0, 4), "OBR|");
  EXPECT_EQ(fields(segs[4])[3], "69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC");
  const auto hr = fields(segs[5]);
  EXPECT_EQ(hr[2], "NM");
  EXPECT_EQ(hr[3], "147842^MDC_ECG_HEART_RATE^MDC");
  EXPECT_EQ(hr[5], "71");
  EXPECT_EQ(hr[6], "264864^MDC_DIM_BEAT_PER_MIN^MDC");
  EXPECT_EQ(hr[18], "0009FBFFFE010203^EUI-64");
  EXPECT_EQ(fields(segs[6])[3], "150456^MDC_PULS_OXIM_SAT_O2^MDC");
  EXPECT_EQ(fields(segs[7])[3], "149530^MDC_PULS_OXIM_PULS_RATE^MDC");
}

TEST(SimulateHl7MessageTest, LoincDialectAndProbeOffAndNibp) {
  Rng rng(2);
  const Patient p = makePatient(rng, 3);
  OruMessage m = monitorMessage(Hl7Dialect::Loinc, p);
  Vitals v;
  v.hr = 88;
  v.spo2_valid = Validity::Invalid;  // probe off: no SpO2, no pulse rate
  v.rr = 20;
  v.temp_c = 37.2;
  v.nibp_fresh = true;
  v.nibp_sys = 121;
  v.nibp_dia = 79;
  v.nibp_time = m.time;
  vitalsObservations(Hl7Dialect::Loinc, v, m.time, m.observations);
  std::vector<std::string> codes;
  for (const Observation& o : m.observations) codes.push_back(o.code.substr(0, o.code.find('^')));
  EXPECT_EQ(codes, (std::vector<std::string>{"8867-4", "9279-1", "8310-5", "8480-6", "8462-4"}));
  std::string out;
  appendMllpOru(out, m);
  const auto msh = fields(segments(out)[0]);
  EXPECT_EQ(msh[6], "20251125080005");
  EXPECT_EQ(msh[8], "ORU^R01");
  EXPECT_EQ(msh.size(), 12u);  // no PCD-01 profile fields
}

TEST(SimulateHl7MessageTest, AckAnswersTheControlIdWithSwappedEndpoints) {
  Rng rng(3);
  const Patient p = makePatient(rng, 1);
  const OruMessage m = monitorMessage(Hl7Dialect::Mdc, p);
  std::string out;
  appendMllpAck(out, m, "ACK7", m.time);
  const auto segs = segments(out);
  ASSERT_EQ(segs.size(), 2u);
  const auto msh = fields(segs[0]);
  EXPECT_EQ(msh[2], "PIC_iX");
  EXPECT_EQ(msh[4], "MX800^0009FBFFFE010203^EUI-64");
  EXPECT_EQ(msh[8], "ACK^R01^ACK");
  EXPECT_EQ(segs[1], "MSA|AA|MX-42");
}

TEST(SimulateHl7MessageTest, EscapingAndEui64) {
  EXPECT_EQ(hl7Escape("a|b^c&d~e\\f"), "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f");
  const uint8_t mac[6] = {0x00, 0x09, 0xFB, 0x0A, 0x0B, 0x0C};
  EXPECT_EQ(eui64FromMac(mac), "0009FBFFFE0A0B0C");
}

// Walks Contec blocks: returns (type, payload) pairs; fails the test on bad framing.
std::vector<std::pair<uint8_t, std::string>> contecBlocks(const std::string& s) {
  std::vector<std::pair<uint8_t, std::string>> out;
  Bytes b = asBytes(s);
  size_t off = 0;
  while (off < b.size()) {
    EXPECT_LE(off + 4, b.size());
    const uint16_t len = readLe16(b, off);
    EXPECT_EQ(b[off + 2], contec::kMarker);
    EXPECT_GE(len, 2);
    EXPECT_LE(off + 2 + len, b.size());
    out.emplace_back(b[off + 3], s.substr(off + 4, len - 2u));
    off += 2u + len;
  }
  return out;
}

TEST(SimulateContecCmsTest, BlocksFollowTheReverseEngineeredLayout) {
  Rng rng(4);
  Patient p = makePatient(rng, 9);
  std::string s;
  contec::appendBedNumber(s, 9);
  contec::appendPatientRecord(s, p, 9, "ICU", fromCivil(2025, 11, 23, 10, 0, 0));
  Vitals v;
  v.hr = 77;
  v.rr = 16;
  v.spo2 = 96;
  v.pr = 78;
  v.temp_c = 36.8;
  contec::appendCycle(s, v, 5);
  const auto blocks = contecBlocks(s);
  ASSERT_GE(blocks.size(), 6u);
  EXPECT_EQ(blocks[0].first, 0x45);
  EXPECT_EQ(blocks[0].second, std::string("\x00\x00\x09\xff", 4));
  EXPECT_EQ(blocks[1].first, 0x3E);
  const std::string& rec = blocks[1].second;
  EXPECT_EQ(rec.substr(0, 3), "ICU");
  EXPECT_EQ(rec[34], 9);
  EXPECT_EQ(rec.substr(67, p.mrn.size()), p.mrn);
  EXPECT_EQ(rec[contec::kBloodTypeOffset], p.blood_type);
  EXPECT_EQ(rec.substr(contec::kDoctorOffset, p.doctor.size()), p.doctor);
  EXPECT_EQ(blocks[2].first, 0x46);
  EXPECT_EQ(blocks[2].second[2], 0x14);
  EXPECT_EQ(static_cast<uint8_t>(blocks[2].second[contec::kEcgVitalsOffset]), 77);
  EXPECT_EQ(blocks[2].second[contec::kEcgVitalsOffset + 1], 0);  // valid
  EXPECT_EQ(blocks[3].second[2], 0x15);
  EXPECT_EQ(static_cast<uint8_t>(blocks[3].second[contec::kPlethVitalsOffset]), 96);
  EXPECT_EQ(blocks.back().first, 0x47);
  EXPECT_TRUE(blocks.back().second.empty());
}

TEST(SimulateDicomUlTest, AssociationAndCStoreFitThePduLimits) {
  dicom::Association a;
  a.called_ae = "PACS_ARCHIVE";
  a.calling_ae = "CT_SOMATOM1";
  a.contexts.push_back(
      {1, "1.2.840.10008.5.1.4.1.1.2", {std::string(dicom::kExplicitVrLittleEndian)}});
  a.requestor_impl_uid = "1.3.12.2.1107.5.1.4";
  a.requestor_impl_version = "SIEMENS_CT_VA40";
  std::string rq;
  dicom::appendAssociateRq(rq, a);
  Bytes b = asBytes(rq);
  EXPECT_EQ(b[0], 0x01);
  EXPECT_EQ(readBe32(b, 2), rq.size() - 6);
  EXPECT_EQ(rq.substr(10, 16), "PACS_ARCHIVE    ");
  EXPECT_EQ(rq.substr(26, 16), "CT_SOMATOM1     ");
  EXPECT_NE(rq.find("1.3.12.2.1107.5.1.4"), std::string::npos);

  const std::string dataset(100'000, 'x');
  std::string stream;
  constexpr uint32_t kMaxPdu = 16384;
  dicom::appendCStoreRq(stream, 1, 9, "1.2.840.10008.5.1.4.1.1.2", "1.2.3.4", dataset, kMaxPdu);
  Bytes s = asBytes(stream);
  size_t off = 0, data = 0, pdus = 0;
  int last_flags = 0;
  while (off < s.size()) {
    ASSERT_EQ(s[off], 0x04);
    const uint32_t len = readBe32(s, off + 2);
    EXPECT_LE(len, kMaxPdu);
    const uint32_t pdv_len = readBe32(s, off + 6);
    EXPECT_EQ(pdv_len + 4, len);
    const uint8_t flags = s[off + 11];
    if (pdus == 0) {
      EXPECT_EQ(flags, 0x03);  // command, last fragment
    } else {
      data += pdv_len - 2;
      last_flags = flags;
      if (off + 6 + len < s.size()) {
        EXPECT_EQ(flags, 0x00);
      }
    }
    off += 6 + len;
    ++pdus;
  }
  EXPECT_EQ(data, dataset.size());
  EXPECT_EQ(last_flags, 0x02);
}

TEST(SimulateDhcpTest, ClientMessageCarriesTheIdentifyingOptions) {
  std::string out;
  DhcpFields f;
  f.xid = 0x11223344;
  MacAddress mac;
  mac.bytes = {0xF8, 0xC6, 0x78, 1, 2, 3};
  DhcpClientIdentity id{"ALARIS-00012345", "CareFusion Alaris PC", {1, 3, 6, 15}};
  appendDhcpClientMessage(out, f, mac, id);
  Bytes b = asBytes(out);
  EXPECT_GE(out.size(), 300u);
  EXPECT_EQ(readBe32(b, 236), 0x63825363u);
  EXPECT_EQ(std::string(out.begin() + 28, out.begin() + 34),
            std::string("\xf8\xc6\x78\x01\x02\x03", 6));
  EXPECT_NE(out.find(std::string("\x0c\x0f") + "ALARIS-00012345"), std::string::npos);
  EXPECT_NE(out.find(std::string("\x3c\x14") + "CareFusion Alaris PC"), std::string::npos);
  EXPECT_NE(out.find(std::string("\x37\x04\x01\x03\x06\x0f", 6)), std::string::npos);
}

TEST(SimulateDnsTest, AnswerPointsBackAtTheQuestion) {
  std::string q, r;
  appendDnsQuery(q, 0x1234, "ehr.hosp.internal", kDnsTypeA);
  appendDnsResponse(r, 0x1234, "ehr.hosp.internal", kDnsTypeA, 0x0A010514, 300);
  EXPECT_EQ(q.substr(12, 4),
            "\x03"
            "ehr");
  EXPECT_EQ(r.size(), q.size() + 16);
  Bytes b = asBytes(r);
  EXPECT_EQ(readBe16(b, 6), 1);
  EXPECT_EQ(readBe16(b, q.size()), 0xC00C);
  EXPECT_EQ(readBe32(b, r.size() - 4), 0x0A010514u);
}

TEST(SimulateSunRpcTest, XdrAndRecordMarking) {
  std::string s;
  rpc::appendOpaque(s, "/pm");
  EXPECT_EQ(s, std::string("\x00\x00\x00\x03/pm\x00", 8));
  std::string attrs;
  rpc::appendFattr3(attrs, {});
  EXPECT_EQ(attrs.size(), 84u);  // RFC 1813 2.6 fattr3
  std::string msg = "abcd";
  rpc::insertRecordMark(msg, 0);
  EXPECT_EQ(msg, std::string("\x80\x00\x00\x04"
                             "abcd",
                             8));
  std::string call;
  rpc::appendCallHeader(call, {7, rpc::kMountProgram, 3, 1, "(none)", 0});
  Bytes b = asBytes(call);
  EXPECT_EQ(readBe32(b, 12), rpc::kMountProgram);
  EXPECT_EQ(readBe32(b, 24), 1u);  // AUTH_UNIX
}

TEST(SimulateTlsTest, ClientHelloCarriesTheServerName) {
  Rng rng(5);
  std::string ch;
  tls::appendClientHello(ch, rng, "outlook.office365.com", tls::ClientKind::Browser);
  Bytes b = asBytes(ch);
  EXPECT_EQ(b[0], 22);
  EXPECT_EQ(readBe16(b, 3), ch.size() - 5);
  EXPECT_EQ(b[5], 1);
  EXPECT_EQ((uint32_t{b[6]} << 16 | readBe16(b, 7)), ch.size() - 9);
  EXPECT_NE(ch.find("outlook.office365.com"), std::string::npos);
  std::string data;
  tls::appendApplicationData(data, rng, 40'000);
  size_t records = 0;
  for (size_t off = 0; off < data.size(); off += 5 + readBe16(asBytes(data), off + 3)) {
    EXPECT_EQ(data[off], 23);
    ++records;
  }
  EXPECT_EQ(records, 3u);
}

TEST(SimulateLpdTest, JobFollowsRfc1179) {
  const auto steps = lpd::printJob("raw", "ICU-WS01", "nurse1", 7, "Handover", "%!PS\n");
  ASSERT_EQ(steps.size(), 10u);
  EXPECT_EQ(steps[0].bytes, "\x02raw\n");
  EXPECT_EQ(steps[2].bytes.substr(0, 1), "\x02");
  EXPECT_NE(steps[2].bytes.find(" cfA007ICU-WS01\n"), std::string::npos);
  EXPECT_EQ(steps[6].bytes,
            "\x03"
            "5 dfA007ICU-WS01\n");
  EXPECT_EQ(steps[8].bytes, std::string("%!PS\n\0", 6));
  for (size_t i = 1; i < steps.size(); i += 2) EXPECT_EQ(steps[i].bytes, std::string(1, '\0'));
}

TEST(SimulateSimTimeTest, CivilAndProtocolForms) {
  const Timestamp t = fromCivil(2025, 11, 25, 8, 0, 0) + Duration{123'456'789};
  std::string s;
  appendHl7Time(s, t, Hl7Zone::Utc);
  EXPECT_EQ(s, "20251125080000+0000");
  EXPECT_EQ(dicomDate(t), "20251125");
  EXPECT_EQ(dicomTime(t), "080000.123456");
  EXPECT_EQ(ntpTimestamp(Timestamp::fromSeconds(0)) >> 32, 2'208'988'800ULL);
  Timestamp parsed;
  ASSERT_TRUE(parseUtcTime("2025-11-25T08:00:00Z", parsed));
  EXPECT_EQ(parsed, fromCivil(2025, 11, 25, 8, 0, 0));
  EXPECT_FALSE(parseUtcTime("2025-11-25 08:00", parsed));
}

}  // namespace
}  // namespace medtap::simulate
