// event_type "dns": one DNS message (query or response) over UDP or TCP, with Suricata's EVE v2
// field names (docs/EVENTS.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace medtap::events {

// RR type mnemonics (IANA "Resource Record (RR) TYPEs"); "" for the ones without a name here,
// which the writer prints as the number.
inline std::string_view dnsTypeName(uint16_t type) {
  switch (type) {
    case 1:
      return "A";
    case 2:
      return "NS";
    case 5:
      return "CNAME";
    case 6:
      return "SOA";
    case 10:
      return "NULL";
    case 11:
      return "WKS";
    case 12:
      return "PTR";
    case 13:
      return "HINFO";
    case 15:
      return "MX";
    case 16:
      return "TXT";
    case 17:
      return "RP";
    case 24:
      return "SIG";
    case 25:
      return "KEY";
    case 28:
      return "AAAA";
    case 29:
      return "LOC";
    case 33:
      return "SRV";
    case 35:
      return "NAPTR";
    case 39:
      return "DNAME";
    case 41:
      return "OPT";
    case 43:
      return "DS";
    case 44:
      return "SSHFP";
    case 46:
      return "RRSIG";
    case 47:
      return "NSEC";
    case 48:
      return "DNSKEY";
    case 50:
      return "NSEC3";
    case 51:
      return "NSEC3PARAM";
    case 52:
      return "TLSA";
    case 64:
      return "SVCB";
    case 65:
      return "HTTPS";
    case 99:
      return "SPF";
    case 249:
      return "TKEY";
    case 250:
      return "TSIG";
    case 251:
      return "IXFR";
    case 252:
      return "AXFR";
    case 255:
      return "ANY";
    case 256:
      return "URI";
    case 257:
      return "CAA";
    default:
      return {};
  }
}

// RCODE mnemonics (RFC 1035 4.1.1, RFC 2136, RFC 6895), as Suricata prints them.
inline std::string_view dnsRcodeName(uint8_t rcode) {
  switch (rcode) {
    case 0:
      return "NOERROR";
    case 1:
      return "FORMERR";
    case 2:
      return "SERVFAIL";
    case 3:
      return "NXDOMAIN";
    case 4:
      return "NOTIMP";
    case 5:
      return "REFUSED";
    case 6:
      return "YXDOMAIN";
    case 7:
      return "YXRRSET";
    case 8:
      return "NXRRSET";
    case 9:
      return "NOTAUTH";
    case 10:
      return "NOTZONE";
    default:
      return {};
  }
}

struct DnsQuestion {
  std::string rrname;  // presentation form without the final dot; "<root>" for the root
  uint16_t rrtype = 0;
};

struct DnsAnswer {
  std::string rrname;
  uint16_t rrtype = 0;
  uint32_t ttl = 0;
  std::string rdata;  // A/AAAA address, CNAME/PTR/NS/MX/SOA(mname)/SRV target name, TXT text
};

struct DnsMessage {
  static constexpr std::string_view kEventType = "dns";
  uint16_t id = 0;
  uint16_t flags = 0;  // the header's second word (QR, opcode, AA, TC, RD, RA, Z, rcode)
  uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;
  std::vector<DnsQuestion> questions;  // as many as parsed (at most the analyzer's limit)
  std::vector<DnsAnswer> answers;      // answer section records parsed (at most the limit)

  bool qr() const { return (flags & 0x8000) != 0; }
  uint8_t opcode() const { return static_cast<uint8_t>((flags >> 11) & 0xF); }
  bool aa() const { return (flags & 0x0400) != 0; }
  bool tc() const { return (flags & 0x0200) != 0; }
  bool rd() const { return (flags & 0x0100) != 0; }
  bool ra() const { return (flags & 0x0080) != 0; }
  uint8_t rcode() const { return static_cast<uint8_t>(flags & 0xF); }
};

}  // namespace medtap::events
