// Hand-built packets for the decoder tests. Each helper writes one header in front of the
// payload it is given, so packets read inside out: ethernet(kEthertypeIpv4, ipv4({}, tcp({}))).
// Checksums are left zero: the decoder does not check them.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "capture/packet_source.h"
#include "core/bytes.h"
#include "decode/decoder.h"

namespace medtap::decode::test {

using Buf = std::vector<uint8_t>;

inline void put8(Buf& b, uint32_t v) {
  b.push_back(static_cast<uint8_t>(v));
}
inline void put16(Buf& b, uint32_t v) {
  put8(b, v >> 8);
  put8(b, v);
}
inline void put32(Buf& b, uint32_t v) {
  put16(b, v >> 16);
  put16(b, v);
}
inline void putLe32(Buf& b, uint32_t v) {
  put8(b, v);
  put8(b, v >> 8);
  put8(b, v >> 16);
  put8(b, v >> 24);
}
inline void append(Buf& b, const Buf& more) {
  b.insert(b.end(), more.begin(), more.end());
}
inline Buf bytesOf(std::string_view s) {
  return Buf(s.begin(), s.end());
}
inline Buf filled(size_t n, uint8_t seed) {
  Buf b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + i * 7);
  return b;
}

constexpr uint16_t kTypeIpv4 = 0x0800;
constexpr uint16_t kTypeIpv6 = 0x86dd;
constexpr uint16_t kTypeArp = 0x0806;
constexpr uint16_t kTypeVlan = 0x8100;
constexpr uint16_t kTypeQinQ = 0x88a8;
constexpr uint16_t kTypeQinQOld = 0x9100;
constexpr uint16_t kTypeLldp = 0x88cc;

constexpr std::array<uint8_t, 6> kDstMac{0x00, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f};
constexpr std::array<uint8_t, 6> kSrcMac{0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

inline Buf ethernet(uint16_t type, const Buf& payload) {
  Buf b(kDstMac.begin(), kDstMac.end());
  b.insert(b.end(), kSrcMac.begin(), kSrcMac.end());
  put16(b, type);
  append(b, payload);
  return b;
}

// One VLAN tag: TCI then the inner type; goes after an Ethertype of 0x8100/0x88a8/0x9100.
inline Buf vlanTag(uint16_t tci, uint16_t inner_type, const Buf& payload) {
  Buf b;
  put16(b, tci);
  put16(b, inner_type);
  append(b, payload);
  return b;
}

struct Ipv4Spec {
  uint32_t src = 0x0a000001;  // 10.0.0.1
  uint32_t dst = 0xc0a80102;  // 192.168.1.2
  uint8_t proto = 6;
  uint8_t ttl = 64;
  uint16_t id = 0x1234;
  uint16_t flags_offset = 0;  // raw field: 0x2000 = MF, low 13 bits = offset / 8
  uint8_t option_words = 0;   // 4-byte words of options (NOPs)
  int total_length = -1;      // override the computed total length
  int version_ihl = -1;       // override the first byte
};

inline Buf ipv4(const Ipv4Spec& s, const Buf& payload) {
  Buf b;
  const size_t header_len = 20 + 4u * s.option_words;
  put8(b, s.version_ihl >= 0 ? static_cast<uint32_t>(s.version_ihl) : 0x40u | (header_len / 4));
  put8(b, 0);
  put16(b, s.total_length >= 0 ? static_cast<uint32_t>(s.total_length)
                               : static_cast<uint32_t>(header_len + payload.size()));
  put16(b, s.id);
  put16(b, s.flags_offset);
  put8(b, s.ttl);
  put8(b, s.proto);
  put16(b, 0);
  put32(b, s.src);
  put32(b, s.dst);
  for (size_t i = 20; i < header_len; ++i) put8(b, 1);  // NOP options
  append(b, payload);
  return b;
}

using Ipv6Address = std::array<uint8_t, 16>;
constexpr Ipv6Address kIpv6Src{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
constexpr Ipv6Address kIpv6Dst{0xfe, 0x80, 0,    0,    0,    0,    0,    0,
                               0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55};

inline Buf ipv6(uint8_t next, const Buf& payload, int payload_length = -1, uint8_t hops = 32) {
  Buf b;
  put32(b, 0x60000000);
  put16(b, payload_length >= 0 ? static_cast<uint32_t>(payload_length)
                               : static_cast<uint32_t>(payload.size()));
  put8(b, next);
  put8(b, hops);
  b.insert(b.end(), kIpv6Src.begin(), kIpv6Src.end());
  b.insert(b.end(), kIpv6Dst.begin(), kIpv6Dst.end());
  append(b, payload);
  return b;
}

// An options-style extension header (hop-by-hop, routing, destination options, mobility) of
// (units + 1) * 8 bytes.
inline Buf ipv6Options(uint8_t next, uint8_t units, const Buf& payload) {
  Buf b;
  put8(b, next);
  put8(b, units);
  for (size_t i = 2; i < (units + 1u) * 8u; ++i) put8(b, 0);
  append(b, payload);
  return b;
}

// An authentication header (RFC 4302) of (units + 2) * 4 bytes.
inline Buf ipv6Ah(uint8_t next, uint8_t units, const Buf& payload) {
  Buf b;
  put8(b, next);
  put8(b, units);
  for (size_t i = 2; i < (units + 2u) * 4u; ++i) put8(b, 0xa5);
  append(b, payload);
  return b;
}

inline Buf ipv6Fragment(uint8_t next, uint16_t offset_bytes, bool more, uint32_t id,
                        const Buf& payload) {
  Buf b;
  put8(b, next);
  put8(b, 0);
  put16(b, (offset_bytes & 0xfff8u) | (more ? 1u : 0u));
  put32(b, id);
  append(b, payload);
  return b;
}

struct TcpSpec {
  uint16_t src_port = 49152;
  uint16_t dst_port = 2575;
  uint32_t seq = 0x01020304;
  uint32_t ack = 0xa0b0c0d0;
  uint8_t flags = 0x18;  // PSH|ACK
  uint16_t window = 0x7210;
  uint8_t option_words = 0;
  int data_offset = -1;  // override, in 4-byte words
};

inline Buf tcp(const TcpSpec& s, const Buf& payload) {
  Buf b;
  put16(b, s.src_port);
  put16(b, s.dst_port);
  put32(b, s.seq);
  put32(b, s.ack);
  const uint32_t words =
      s.data_offset >= 0 ? static_cast<uint32_t>(s.data_offset) : 5u + s.option_words;
  put8(b, words << 4);
  put8(b, s.flags);
  put16(b, s.window);
  put16(b, 0);
  put16(b, 0);
  for (size_t i = 0; i < 4u * s.option_words; ++i) put8(b, 1);
  append(b, payload);
  return b;
}

inline Buf udp(uint16_t src_port, uint16_t dst_port, const Buf& payload, int length = -1) {
  Buf b;
  put16(b, src_port);
  put16(b, dst_port);
  put16(b, length >= 0 ? static_cast<uint32_t>(length) : static_cast<uint32_t>(8 + payload.size()));
  put16(b, 0);
  append(b, payload);
  return b;
}

inline Buf icmp(uint8_t type, uint8_t code, const Buf& body) {
  Buf b;
  put8(b, type);
  put8(b, code);
  put16(b, 0);
  append(b, body);
  return b;
}

inline Buf arpEthernetIpv4(uint16_t op, uint32_t sender_ip, uint32_t target_ip) {
  Buf b;
  put16(b, 1);
  put16(b, kTypeIpv4);
  put8(b, 6);
  put8(b, 4);
  put16(b, op);
  b.insert(b.end(), kSrcMac.begin(), kSrcMac.end());
  put32(b, sender_ip);
  for (int i = 0; i < 6; ++i) put8(b, 0);
  put32(b, target_ip);
  return b;
}

// Linux cooked v1 header (16 bytes) in front of `payload`.
inline Buf sll(uint16_t protocol, const Buf& payload, uint16_t hatype = 1) {
  Buf b;
  put16(b, 0);  // packet type: to us
  put16(b, hatype);
  put16(b, 6);
  b.insert(b.end(), kSrcMac.begin(), kSrcMac.end());
  put16(b, 0);
  put16(b, protocol);
  append(b, payload);
  return b;
}

// Linux cooked v2 header (20 bytes) in front of `payload`.
inline Buf sll2(uint16_t protocol, const Buf& payload, uint16_t hatype = 1) {
  Buf b;
  put16(b, protocol);
  put16(b, 0);
  put32(b, 3);  // interface index
  put16(b, hatype);
  put8(b, 4);  // outgoing
  put8(b, 6);
  b.insert(b.end(), kSrcMac.begin(), kSrcMac.end());
  put16(b, 0);
  append(b, payload);
  return b;
}

// A decoder with its counters, decoding test buffers.
struct Harness {
  explicit Harness(const DecoderLimits& limits = {}) : decoder(anomalies, limits) {}

  // Decodes a copy of `b` kept until the next run(), so that the views in `out` stay valid
  // even when `b` is a temporary. The copy is a fresh, exactly-sized allocation, so that the
  // sanitizer build catches a read past the end. `wire_len` 0 means "all of it was captured".
  DecodeResult run(const Buf& b, capture::LinkType link = capture::LinkType::Ethernet,
                   Timestamp ts = Timestamp::fromSeconds(1700000000), uint32_t wire_len = 0) {
    packet = Buf(b);
    capture::RawPacket raw;
    raw.ts = ts;
    raw.data = Bytes(packet);
    raw.wire_len = wire_len != 0 ? wire_len : static_cast<uint32_t>(packet.size());
    raw.link = link;
    return decoder.decode(raw, out);
  }

  // The only anomaly counted so far is `a`, once.
  bool onlyAnomaly(Anomaly a) const { return anomalies.total() == 1 && anomalies.get(a) == 1; }

  Buf payload() const { return Buf(out.payload.begin(), out.payload.end()); }

  AnomalyCounters anomalies;
  Decoder decoder;
  DecodedPacket out;
  Buf packet;  // the bytes last decoded
};

}  // namespace medtap::decode::test
