// A decoded packet: views over the captured bytes with the fields the rest of the pipeline needs.
// Built by Decoder::decode() without allocating; the views stay valid until the next call to
// decode() on the same decoder (reassembled IPv4 fragments live in the decoder's own buffer).
#pragma once

#include <array>
#include <cstdint>

#include "core/address.h"
#include "core/bytes.h"
#include "core/timestamp.h"

namespace medtap::decode {

constexpr size_t kMaxVlanTags = 2;  // 802.1Q and QinQ (802.1ad); a third tag is an anomaly

enum class L3 : uint8_t { None, Ipv4, Ipv6, Arp, Other };

// IP protocol numbers we treat specially (IANA protocol-numbers).
enum class IpProto : uint8_t { Icmp = 1, Tcp = 6, Udp = 17, Icmpv6 = 58 };

namespace tcp_flags {
constexpr uint8_t kFin = 0x01;
constexpr uint8_t kSyn = 0x02;
constexpr uint8_t kRst = 0x04;
constexpr uint8_t kPsh = 0x08;
constexpr uint8_t kAck = 0x10;
constexpr uint8_t kUrg = 0x20;
}  // namespace tcp_flags

struct ArpInfo {
  uint16_t operation = 0;  // 1 request, 2 reply
  MacAddress sender_mac, target_mac;
  IpAddress sender_ip, target_ip;
};

struct DecodedPacket {
  Timestamp ts;
  uint32_t wire_len = 0;
  uint32_t cap_len = 0;

  // Layer 2 (absent for raw IP and loopback captures).
  bool has_mac = false;
  MacAddress src_mac, dst_mac;
  std::array<uint16_t, kMaxVlanTags> vlan{};  // outer first
  uint8_t vlan_count = 0;

  L3 l3 = L3::None;
  ArpInfo arp;  // when l3 == Arp

  // Layer 3
  IpAddress src_ip, dst_ip;
  uint8_t ip_proto = 0;      // the upper-layer protocol after IPv6 extension headers
  uint8_t ttl = 0;           // or hop limit
  bool reassembled = false;  // payload comes from reassembled IPv4 fragments
  bool fragment = false;     // a fragment that is not (yet) a whole datagram: no L4

  // Layer 4 (TCP, UDP, ICMP); ports are 0 for ICMP, icmp_type/code set instead
  bool has_l4 = false;
  uint16_t src_port = 0, dst_port = 0;
  uint32_t tcp_seq = 0, tcp_ack = 0;
  uint16_t tcp_window = 0;
  uint8_t tcp_flags = 0;
  uint8_t icmp_type = 0, icmp_code = 0;

  // The L4 payload (TCP/UDP data, ICMP body), trimmed to the IP length (Ethernet padding removed).
  Bytes payload;
};

}  // namespace medtap::decode
