// Limits of the TLS analyzer, each with the reason for its value (STYLE.md 10). Every limit has
// an anomaly counted when it is hit (core/anomaly.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace medtap::analyzers::tls {

// Record layer (RFC 8446 section 5.1 / RFC 5246 section 6.2).
constexpr size_t kRecordHeaderSize = 5;
constexpr uint8_t kContentChangeCipherSpec = 20;
constexpr uint8_t kContentAlert = 21;
constexpr uint8_t kContentHandshake = 22;
constexpr uint8_t kContentApplicationData = 23;
constexpr uint8_t kContentHeartbeat = 24;  // RFC 6520
// TLSCiphertext.length may not exceed 2^14 + 2048 (RFC 5246 section 6.2.3); plaintext records
// are smaller still (2^14). Beyond it: tls_bad_record, and the flow is given up.
constexpr size_t kMaxRecordLength = (size_t{1} << 14) + 2048;

// Handshake message types (RFC 8446 section 4; RFC 5246 section 7.4).
constexpr uint8_t kClientHello = 1;
constexpr uint8_t kServerHello = 2;
constexpr uint8_t kCertificate = 11;
constexpr uint8_t kServerHelloDone = 14;
constexpr size_t kHandshakeHeaderSize = 4;
constexpr uint16_t kTls13 = 0x0304;

// Handshakes (ClientHellos) reported per flow. A TLS 1.3 connection has at most two in clear (a
// HelloRetryRequest allows one retry, RFC 8446 section 4.1.4); a TLS <= 1.2 renegotiation is
// visible only while a direction has not sent its ChangeCipherSpec, so more than a few means a
// peer replaying hellos (renegotiation floods, CVE-2011-1473). Beyond it: tls_handshake_limit,
// and the flow is ignored.
constexpr uint32_t kMaxHandshakesPerFlow = 8;

// Bytes of one handshake message buffered (ClientHello, ServerHello, Certificate; others are
// skipped unbuffered). The protocol allows 2^24 - 1; real certificate chains are 3-12 KiB and
// the longest in the test captures (nDPI tls_verylong_certificate) under 40 KiB, ClientHellos
// with post-quantum key shares under 2 KiB, nDPI's huge ClientHello under 10 KiB. 128 KiB keeps
// them all. Beyond it: tls_oversized_handshake, and the message is skipped without buffering.
constexpr size_t kMaxHandshakeMessage = size_t{128} << 10;

// Entries kept per list in the event and the fingerprints (cipher suites, extensions, ALPN
// values, SANs). A ClientHello holds at most 32767 cipher suites; browsers offer under 50.
// Beyond it: the rest is dropped from the event (the fingerprints still count every entry up to
// the wire's own bound because the parser stops at the message end).
constexpr size_t kMaxAlpnValues = 32;
constexpr size_t kMaxSubjectAltNames = 64;
// Characters of a certificate name or SNI copied into the event; a DN is rarely over 300.
constexpr size_t kMaxNameLength = 1024;

}  // namespace medtap::analyzers::tls
