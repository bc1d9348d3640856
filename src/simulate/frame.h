// Builders of whole Ethernet frames (Ethernet II, IPv4, TCP, UDP, ARP) into a caller's buffer,
// with correct IPv4 header checksums and TCP/UDP checksums over the pseudo-header
// (RFC 791 3.1, RFC 793 3.1, RFC 768). No allocation: the caller owns the buffer, which must
// hold kMaxFrameBytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/address.h"
#include "core/bytes.h"

namespace medtap::simulate {

constexpr size_t kEthernetHeaderBytes = 14;
constexpr size_t kIpv4HeaderBytes = 20;
constexpr size_t kUdpHeaderBytes = 8;
constexpr size_t kTcpHeaderBytes = 20;
constexpr size_t kTcpMaxOptionBytes = 40;
// Ethernet payload limit (IEEE 802.3 MTU 1500) plus the header; no FCS in captures.
constexpr size_t kMaxFrameBytes = kEthernetHeaderBytes + 1500;
// Frames shorter than 60 bytes (64 minus the FCS) are padded on the wire (IEEE 802.3 4.2.3.3),
// and a switch's mirror port shows the padding.
constexpr size_t kMinFrameBytes = 60;
constexpr size_t kMaxUdpPayloadBytes = 1500 - kIpv4HeaderBytes - kUdpHeaderBytes;

constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeArp = 0x0806;
constexpr uint8_t kIpProtoTcp = 6;
constexpr uint8_t kIpProtoUdp = 17;
constexpr uint8_t kIpProtoIcmp = 1;

// TCP header flags (RFC 793 3.1).
namespace tcp {
constexpr uint8_t kFin = 0x01;
constexpr uint8_t kSyn = 0x02;
constexpr uint8_t kRst = 0x04;
constexpr uint8_t kPsh = 0x08;
constexpr uint8_t kAck = 0x10;
}  // namespace tcp

enum class DontFragment : uint8_t { No, Yes };

// What the Ethernet and IPv4 headers say. Addresses are IPv4 in host order.
struct IpFrameHeader {
  MacAddress src_mac;
  MacAddress dst_mac;
  uint32_t src_ip = 0;
  uint32_t dst_ip = 0;
  uint8_t ttl = 64;
  uint8_t dscp = 0;
  uint16_t ip_id = 0;
  DontFragment df = DontFragment::Yes;
};

struct TcpHeaderFields {
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;
  Bytes options;  // already padded to a multiple of 4 bytes, at most kTcpMaxOptionBytes
};

// Each returns the frame length written to out. The payload must fit in one frame.
size_t writeTcpFrame(uint8_t* out, const IpFrameHeader& ip, const TcpHeaderFields& tcp,
                     Bytes payload);
size_t writeUdpFrame(uint8_t* out, const IpFrameHeader& ip, uint16_t src_port, uint16_t dst_port,
                     Bytes payload);
// ICMP of the given type/code with a body (echo: identifier, sequence and data).
size_t writeIcmpFrame(uint8_t* out, const IpFrameHeader& ip, uint8_t type, uint8_t code,
                      Bytes body);

enum class ArpOp : uint16_t { Request = 1, Reply = 2 };
// ARP for IPv4 over Ethernet (RFC 826). A request goes to broadcast with a zero target MAC.
size_t writeArpFrame(uint8_t* out, ArpOp op, const MacAddress& sender_mac, uint32_t sender_ip,
                     const MacAddress& target_mac, uint32_t target_ip, const MacAddress& dst_mac);

// The Internet checksum (RFC 1071) of a buffer, as the folded one's-complement sum (not yet
// inverted), starting from an initial partial sum.
uint32_t onesComplementSum(const uint8_t* data, size_t len, uint64_t initial = 0);
uint16_t finishChecksum(uint64_t sum);

// Big-endian writers used by every builder.
inline uint8_t* putBe16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
  return p + 2;
}
inline uint8_t* putBe32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
  return p + 4;
}

}  // namespace medtap::simulate
