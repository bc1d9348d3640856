#include "simulate/frame.h"

#include <cassert>
#include <cstring>

namespace medtap::simulate {

uint32_t onesComplementSum(const uint8_t* data, size_t len, uint64_t initial) {
  // Sum 32-bit big-endian words into 64 bits (no carry can be lost for any frame size), then
  // fold; RFC 1071 2(B): the sum is byte-order independent when folded the same way.
  uint64_t sum = initial;
  size_t i = 0;
  for (; i + 4 <= len; i += 4) {
    sum += (uint32_t{data[i]} << 24) | (uint32_t{data[i + 1]} << 16) |
           (uint32_t{data[i + 2]} << 8) | uint32_t{data[i + 3]};
  }
  for (; i + 2 <= len; i += 2) sum += (uint32_t{data[i]} << 8) | data[i + 1];
  if (i < len) sum += uint32_t{data[i]} << 8;
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint32_t>(sum);
}

uint16_t finishChecksum(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xFFFF);
}

namespace {

uint8_t* writeEthernet(uint8_t* p, const MacAddress& dst, const MacAddress& src, uint16_t type) {
  std::memcpy(p, dst.bytes.data(), 6);
  std::memcpy(p + 6, src.bytes.data(), 6);
  return putBe16(p + 12, type);
}

// Writes the IPv4 header (no options) with its checksum; returns the pointer after it.
uint8_t* writeIpv4(uint8_t* p, const IpFrameHeader& ip, uint8_t proto, size_t payload_len) {
  uint8_t* h = p;
  h[0] = 0x45;
  h[1] = static_cast<uint8_t>(ip.dscp << 2);
  putBe16(h + 2, static_cast<uint16_t>(kIpv4HeaderBytes + payload_len));
  putBe16(h + 4, ip.ip_id);
  putBe16(h + 6, ip.df == DontFragment::Yes ? 0x4000 : 0);
  h[8] = ip.ttl;
  h[9] = proto;
  h[10] = 0;
  h[11] = 0;
  putBe32(h + 12, ip.src_ip);
  putBe32(h + 16, ip.dst_ip);
  putBe16(h + 10, finishChecksum(onesComplementSum(h, kIpv4HeaderBytes)));
  return h + kIpv4HeaderBytes;
}

uint64_t pseudoHeaderSum(const IpFrameHeader& ip, uint8_t proto, size_t l4_len) {
  return uint64_t{ip.src_ip >> 16} + (ip.src_ip & 0xFFFF) + (ip.dst_ip >> 16) +
         (ip.dst_ip & 0xFFFF) + proto + l4_len;
}

size_t padFrame(uint8_t* out, size_t len) {
  if (len >= kMinFrameBytes) return len;
  std::memset(out + len, 0, kMinFrameBytes - len);
  return kMinFrameBytes;
}

}  // namespace

size_t writeTcpFrame(uint8_t* out, const IpFrameHeader& ip, const TcpHeaderFields& tcp,
                     Bytes payload) {
  assert(tcp.options.size() % 4 == 0 && tcp.options.size() <= kTcpMaxOptionBytes);
  const size_t tcp_len = kTcpHeaderBytes + tcp.options.size();
  assert(kIpv4HeaderBytes + tcp_len + payload.size() <= 1500);
  uint8_t* p = writeEthernet(out, ip.dst_mac, ip.src_mac, kEtherTypeIpv4);
  p = writeIpv4(p, ip, kIpProtoTcp, tcp_len + payload.size());
  uint8_t* t = p;
  putBe16(t, tcp.src_port);
  putBe16(t + 2, tcp.dst_port);
  putBe32(t + 4, tcp.seq);
  putBe32(t + 8, tcp.ack);
  t[12] = static_cast<uint8_t>((tcp_len / 4) << 4);
  t[13] = tcp.flags;
  putBe16(t + 14, tcp.window);
  putBe16(t + 16, 0);  // checksum, filled below
  putBe16(t + 18, 0);  // urgent pointer
  if (!tcp.options.empty())
    std::memcpy(t + kTcpHeaderBytes, tcp.options.data(), tcp.options.size());
  if (!payload.empty()) std::memcpy(t + tcp_len, payload.data(), payload.size());
  const size_t l4_len = tcp_len + payload.size();
  const uint64_t sum = onesComplementSum(t, l4_len, pseudoHeaderSum(ip, kIpProtoTcp, l4_len));
  putBe16(t + 16, finishChecksum(sum));
  return padFrame(out, kEthernetHeaderBytes + kIpv4HeaderBytes + l4_len);
}

size_t writeUdpFrame(uint8_t* out, const IpFrameHeader& ip, uint16_t src_port, uint16_t dst_port,
                     Bytes payload) {
  assert(payload.size() <= kMaxUdpPayloadBytes);
  uint8_t* p = writeEthernet(out, ip.dst_mac, ip.src_mac, kEtherTypeIpv4);
  const size_t l4_len = kUdpHeaderBytes + payload.size();
  p = writeIpv4(p, ip, kIpProtoUdp, l4_len);
  putBe16(p, src_port);
  putBe16(p + 2, dst_port);
  putBe16(p + 4, static_cast<uint16_t>(l4_len));
  putBe16(p + 6, 0);
  if (!payload.empty()) std::memcpy(p + kUdpHeaderBytes, payload.data(), payload.size());
  uint16_t c =
      finishChecksum(onesComplementSum(p, l4_len, pseudoHeaderSum(ip, kIpProtoUdp, l4_len)));
  if (c == 0) c = 0xFFFF;  // RFC 768: a computed zero is sent as all ones
  putBe16(p + 6, c);
  return padFrame(out, kEthernetHeaderBytes + kIpv4HeaderBytes + l4_len);
}

size_t writeIcmpFrame(uint8_t* out, const IpFrameHeader& ip, uint8_t type, uint8_t code,
                      Bytes body) {
  uint8_t* p = writeEthernet(out, ip.dst_mac, ip.src_mac, kEtherTypeIpv4);
  const size_t l4_len = 4 + body.size();
  p = writeIpv4(p, ip, kIpProtoIcmp, l4_len);
  p[0] = type;
  p[1] = code;
  putBe16(p + 2, 0);
  if (!body.empty()) std::memcpy(p + 4, body.data(), body.size());
  putBe16(p + 2, finishChecksum(onesComplementSum(p, l4_len)));
  return padFrame(out, kEthernetHeaderBytes + kIpv4HeaderBytes + l4_len);
}

size_t writeArpFrame(uint8_t* out, ArpOp op, const MacAddress& sender_mac, uint32_t sender_ip,
                     const MacAddress& target_mac, uint32_t target_ip, const MacAddress& dst_mac) {
  uint8_t* p = writeEthernet(out, dst_mac, sender_mac, kEtherTypeArp);
  p = putBe16(p, 1);  // hardware type: Ethernet
  p = putBe16(p, kEtherTypeIpv4);
  *p++ = 6;
  *p++ = 4;
  p = putBe16(p, static_cast<uint16_t>(op));
  std::memcpy(p, sender_mac.bytes.data(), 6);
  p = putBe32(p + 6, sender_ip);
  std::memcpy(p, target_mac.bytes.data(), 6);
  putBe32(p + 6, target_ip);
  return padFrame(out, kEthernetHeaderBytes + 28);
}

}  // namespace medtap::simulate
