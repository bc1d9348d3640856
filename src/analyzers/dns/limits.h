// Layout constants and limits of the DNS analyzer, each with its source (STYLE.md 10).
#pragma once

#include <cstddef>
#include <cstdint>

namespace medtap::analyzers::dns {

// Header (RFC 1035 section 4.1.1): ID, flags, QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT.
constexpr size_t kHeaderSize = 12;
constexpr size_t kQuestionFixedSize = 4;  // QTYPE, QCLASS after the name (section 4.1.2)
constexpr size_t kRecordFixedSize = 10;   // TYPE, CLASS, TTL, RDLENGTH (section 4.1.3)
constexpr size_t kTcpLengthPrefix = 2;    // RFC 1035 section 4.2.2, RFC 7766 section 8

// Server ports: 53 (RFC 1035), 5353 mDNS (RFC 6762), 5355 LLMNR (RFC 4795). Hints only.
constexpr uint16_t kDnsPort = 53;
constexpr uint16_t kMdnsPort = 5353;
constexpr uint16_t kLlmnrPort = 5355;

// Names (RFC 1035 section 2.3.4): labels of at most 63 bytes, names of at most 255 bytes on the
// wire (length octets included). A 255-byte name holds at most 127 one-byte labels. Beyond these:
// dns_label_too_long, dns_name_too_long, dns_name_too_many_labels; the name is not used.
constexpr size_t kMaxLabelLength = 63;
constexpr size_t kMaxNameWireLength = 255;
constexpr size_t kMaxLabels = 127;
// Label length octet: top bits 11 mean a compression pointer (section 4.1.4); 01 and 10 are
// the obsolete extended label types (RFC 6891 section 5), which we do not follow.
constexpr uint8_t kPointerMask = 0xC0;

// Records parsed per message into the event: questions and answer-section records. A normal
// query has one question; the largest answer sets in the corpora (DnsTooManyResources, mDNS
// announcements) have a few dozen records. Beyond it: dns_too_many_records, the rest is counted
// in the header counts only. Authority and additional sections are counted, not parsed.
constexpr size_t kMaxQuestions = 8;
constexpr size_t kMaxAnswers = 64;

// TXT rdata bytes kept in the event (the character-strings concatenated). SPF and DKIM records
// run to a few hundred bytes; 1 KiB keeps them and bounds the event.
constexpr size_t kMaxTxtLength = 1024;

// Probe sanity bounds: a real query carries 1 question (RFC 9619), at most a few; real messages
// carry at most a few hundred records. A datagram claiming more is not DNS.
constexpr uint16_t kProbeMaxQuestions = 4;
constexpr uint16_t kProbeMaxRecords = 512;

// Largest DNS message over TCP: the 2-byte length prefix bounds it at 65535 (RFC 1035 4.2.2),
// so the framer's buffer never grows beyond that.
constexpr size_t kMaxTcpMessage = 65535;

}  // namespace medtap::analyzers::dns
