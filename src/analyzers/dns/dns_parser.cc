#include "analyzers/dns/dns_parser.h"

#include <algorithm>
#include <string>

#include "analyzers/dns/dns_name.h"
#include "analyzers/dns/limits.h"
#include "core/address.h"

namespace medtap::analyzers::dns {

namespace {

constexpr uint16_t kTypeA = 1;
constexpr uint16_t kTypeNs = 2;
constexpr uint16_t kTypeCname = 5;
constexpr uint16_t kTypeSoa = 6;
constexpr uint16_t kTypePtr = 12;
constexpr uint16_t kTypeMx = 15;
constexpr uint16_t kTypeTxt = 16;
constexpr uint16_t kTypeAaaa = 28;
constexpr uint16_t kTypeSrv = 33;
constexpr uint16_t kTypeDname = 39;
constexpr size_t kMxPreferenceSize = 2;
constexpr size_t kSrvFixedSize = 6;  // priority, weight, port (RFC 2782)

// Opcodes in use (IANA "DNS OpCodes"): QUERY, IQUERY (obsolete), STATUS, NOTIFY, UPDATE, DSO.
bool opcodeKnown(uint8_t opcode) {
  return opcode <= 2 || (opcode >= 4 && opcode <= 6);
}

// Reads a name inside rdata; the name may point anywhere before it in the message.
bool rdataName(Bytes message, size_t offset, size_t rdata_end, std::string& out,
               AnomalyCounters& anomalies) {
  const NameResult r = readName(message, offset, out);
  if (r.status != NameStatus::Ok) {
    anomalies.add(nameAnomaly(r.status));
    out.clear();
    return false;
  }
  if (r.end > rdata_end) {
    anomalies.add(Anomaly::DnsTruncatedMessage);
    out.clear();
    return false;
  }
  return true;
}

void formatRdata(Bytes message, size_t off, size_t len, events::DnsAnswer& a,
                 AnomalyCounters& anomalies) {
  const Bytes rdata = message.subspan(off, len);
  const size_t end = off + len;
  a.rdata.clear();
  switch (a.rrtype) {
    case kTypeA:
      if (len == 4) IpAddress::v4(rdata).appendTo(a.rdata);
      break;
    case kTypeAaaa:
      if (len == 16) IpAddress::v6(rdata).appendTo(a.rdata);
      break;
    case kTypeNs:
    case kTypeCname:
    case kTypePtr:
    case kTypeDname:
    case kTypeSoa:  // the MNAME (RFC 1035 section 3.3.13)
      rdataName(message, off, end, a.rdata, anomalies);
      break;
    case kTypeMx:
      if (len > kMxPreferenceSize) {
        rdataName(message, off + kMxPreferenceSize, end, a.rdata, anomalies);
      }
      break;
    case kTypeSrv:
      if (len > kSrvFixedSize) rdataName(message, off + kSrvFixedSize, end, a.rdata, anomalies);
      break;
    case kTypeTxt: {
      // One or more <character-string>s (RFC 1035 section 3.3.14), concatenated.
      size_t pos = 0;
      while (pos < len && a.rdata.size() < kMaxTxtLength) {
        const size_t n = std::min<size_t>(rdata[pos], len - pos - 1);
        const size_t keep = std::min(n, kMaxTxtLength - a.rdata.size());
        a.rdata.append(asChars(rdata.subspan(pos + 1, keep)));
        pos += 1 + rdata[pos];
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace

ParseStatus parseMessage(Bytes message, events::DnsMessage& out, AnomalyCounters& anomalies) {
  out.questions.clear();
  out.answers.clear();
  if (message.size() < kHeaderSize) {
    anomalies.add(Anomaly::DnsTruncatedMessage);
    return ParseStatus::NotDns;
  }
  out.id = readBe16(message, 0);
  out.flags = readBe16(message, 2);
  out.qdcount = readBe16(message, 4);
  out.ancount = readBe16(message, 6);
  out.nscount = readBe16(message, 8);
  out.arcount = readBe16(message, 10);

  size_t pos = kHeaderSize;
  std::string name;
  const size_t questions = std::min<size_t>(out.qdcount, kMaxQuestions);
  for (size_t i = 0; i < questions; ++i) {
    const NameResult r = readName(message, pos, name);
    if (r.status != NameStatus::Ok) {
      anomalies.add(nameAnomaly(r.status));
      return ParseStatus::Ok;
    }
    if (r.end + kQuestionFixedSize > message.size()) {
      anomalies.add(Anomaly::DnsTruncatedMessage);
      return ParseStatus::Ok;
    }
    out.questions.push_back({name, readBe16(message, r.end)});
    pos = r.end + kQuestionFixedSize;
  }
  if (out.qdcount > kMaxQuestions) {
    anomalies.add(Anomaly::DnsTooManyRecords);
    return ParseStatus::Ok;  // where the answers start is unknown
  }
  const size_t answers = std::min<size_t>(out.ancount, kMaxAnswers);
  for (size_t i = 0; i < answers; ++i) {
    const NameResult r = readName(message, pos, name);
    if (r.status != NameStatus::Ok) {
      anomalies.add(nameAnomaly(r.status));
      return ParseStatus::Ok;
    }
    if (r.end + kRecordFixedSize > message.size()) {
      anomalies.add(Anomaly::DnsTruncatedMessage);
      return ParseStatus::Ok;
    }
    const size_t rdlength = readBe16(message, r.end + 8);
    const size_t rdata = r.end + kRecordFixedSize;
    if (rdata + rdlength > message.size()) {
      anomalies.add(Anomaly::DnsTruncatedMessage);
      return ParseStatus::Ok;
    }
    events::DnsAnswer& a = out.answers.emplace_back();
    a.rrname = name;
    a.rrtype = readBe16(message, r.end);
    a.ttl = readBe32(message, r.end + 4);
    formatRdata(message, rdata, rdlength, a, anomalies);
    pos = rdata + rdlength;
  }
  if (out.ancount > kMaxAnswers) anomalies.add(Anomaly::DnsTooManyRecords);
  return ParseStatus::Ok;
}

HeaderCheck checkHeader(Bytes message) {
  if (message.size() < kHeaderSize) return HeaderCheck::NeedMore;
  const uint16_t flags = readBe16(message, 2);
  const uint16_t qd = readBe16(message, 4);
  const uint16_t an = readBe16(message, 6);
  const uint16_t ns = readBe16(message, 8);
  const uint16_t ar = readBe16(message, 10);
  const bool response = (flags & 0x8000) != 0;
  if (!opcodeKnown(static_cast<uint8_t>((flags >> 11) & 0xF))) return HeaderCheck::NotDns;
  if (qd > kProbeMaxQuestions || an > kProbeMaxRecords || ns > kProbeMaxRecords ||
      ar > kProbeMaxRecords) {
    return HeaderCheck::NotDns;
  }
  // A query asks something; a message without a question must carry a record instead (an mDNS
  // announcement, an inverse query).
  if (qd == 0 && an == 0) return HeaderCheck::NotDns;
  std::string name;
  const NameResult r = readName(message, kHeaderSize, name);
  switch (r.status) {
    case NameStatus::Ok:
      break;
    case NameStatus::Truncated:
      return HeaderCheck::NeedMore;
    case NameStatus::PointerLoop:
    case NameStatus::ForwardPointer:
    case NameStatus::TooManyLabels:
    case NameStatus::TooLong:
      // Well-formed labels ending in a bad pointer, or too many of them: DNS built to hurt
      // parsers (CVE-style compression attacks), not random bytes. Claim it so it is counted.
      return response || qd > 0 ? HeaderCheck::Plausible : HeaderCheck::NotDns;
    case NameStatus::LabelTooLong:
      return HeaderCheck::NotDns;  // as likely a random byte as a DNS extended label type
  }
  const size_t fixed = qd > 0 ? kQuestionFixedSize : kRecordFixedSize;
  if (r.end + fixed > message.size()) return HeaderCheck::NeedMore;
  // QCLASS / CLASS: IN (1), CH (3), HS (4), ANY (255), with the mDNS unicast/cache-flush bit.
  const uint16_t cls = readBe16(message, r.end + 2) & 0x7FFF;
  if (cls != 1 && cls != 3 && cls != 4 && cls != 254 && cls != 255) return HeaderCheck::NotDns;
  return HeaderCheck::Plausible;
}

}  // namespace medtap::analyzers::dns
