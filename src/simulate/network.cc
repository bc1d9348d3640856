#include "simulate/network.h"

#include <algorithm>
#include <cstring>

namespace medtap::simulate {

TcpStack tcpStackFor(StackKind kind) {
  TcpStack s;
  switch (kind) {
    case StackKind::Linux:
      break;  // the defaults: a Linux 5.x/6.x host
    case StackKind::Windows:
      s.ttl = 128;
      s.rcv_window = 65535;
      s.wscale = 8;
      s.delayed_ack = milliseconds(200);
      s.rto_min = milliseconds(300);
      s.arp_timeout = seconds(30);
      s.ephemeral_lo = 49152;
      s.ephemeral_hi = 65535;
      s.timestamps = TcpTimestamps::No;
      break;
    case StackKind::Embedded:
      // Small RTOS / old embedded Linux stacks: a few segments of buffer, no scaling.
      s.rcv_window = 5840;
      s.wscale = -1;
      s.sack = SackPermitted::No;
      s.timestamps = TcpTimestamps::No;
      s.delayed_ack = milliseconds(100);
      s.rto_min = milliseconds(500);
      s.arp_timeout = seconds(120);
      s.ephemeral_lo = 1024;
      s.ephemeral_hi = 4999;
      break;
  }
  return s;
}

uint16_t Host::allocatePort() {
  if (next_port < stack.ephemeral_lo || next_port > stack.ephemeral_hi) {
    next_port = stack.ephemeral_lo;
  }
  return next_port++;
}

std::string ipToString(uint32_t ip) {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xFF) + "." +
         std::to_string((ip >> 8) & 0xFF) + "." + std::to_string(ip & 0xFF);
}

uint32_t ipFromOctets(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return (uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d;
}

Host& Network::addHost(Host h) {
  h.index = static_cast<uint32_t>(hosts_.size());
  hosts_.push_back(std::move(h));
  return hosts_.back();
}

Host* Network::findByIp(uint32_t ip) {
  for (Host& h : hosts_) {
    if (h.ip == ip) return &h;
  }
  return nullptr;
}

IpFrameHeader Network::header(Host& from, const Host& to) {
  IpFrameHeader f;
  f.src_mac = from.site == Site::Lan ? from.mac : router_->mac;
  f.dst_mac = to.site == Site::Lan ? to.mac : router_->mac;
  f.src_ip = from.ip;
  f.dst_ip = to.ip;
  f.ttl = static_cast<uint8_t>(from.stack.ttl - from.hops);
  f.ip_id = from.nextIpId();
  return f;
}

IpFrameHeader Network::broadcastHeader(Host& from, uint32_t src_ip, uint32_t dst_ip) {
  IpFrameHeader f;
  f.src_mac = from.mac;
  f.dst_mac.bytes.fill(0xFF);
  f.src_ip = src_ip;
  f.dst_ip = dst_ip;
  f.ttl = from.stack.ttl;
  f.ip_id = from.nextIpId();
  f.df = DontFragment::No;
  return f;
}

bool Network::arpLookup(Host& h, uint32_t ip, Timestamp t) {
  for (const ArpEntry& e : h.arp) {
    if (e.ip == ip && e.expires > t) return true;
  }
  return false;
}

void Network::arpLearn(Host& h, uint32_t ip, Timestamp t) {
  ArpEntry* slot = &h.arp[0];
  for (ArpEntry& e : h.arp) {
    if (e.ip == ip) {
      slot = &e;
      break;
    }
    if (e.expires < slot->expires) slot = &e;  // the oldest (or an empty) entry
  }
  slot->ip = ip;
  slot->expires = t + h.stack.arp_timeout;
}

Timestamp Network::resolve(Host& from, Host& to, Timestamp t) {
  // Who puts the frame on the ward LAN, and whose MAC they need.
  Host* sender = from.site == Site::Lan ? &from : router_;
  Host* next_hop = to.site == Site::Lan ? &to : router_;
  if (sender == next_hop || (from.site == Site::Remote && to.site == Site::Remote)) return t;
  if (arpLookup(*sender, next_hop->ip, t)) return t;
  // Request from the sender (seen after its own latency is already in t), reply after the
  // target's round trip to the capture point plus a little processing.
  MacAddress broadcast;
  broadcast.bytes.fill(0xFF);
  MacAddress zero;
  uint8_t* buf = frames_.reserve();
  size_t len =
      writeArpFrame(buf, ArpOp::Request, sender->mac, sender->ip, zero, next_hop->ip, broadcast);
  frames_.commit(t, len);
  const Timestamp reply_at = t + next_hop->delay + next_hop->delay + microseconds(35);
  buf = frames_.reserve();
  len = writeArpFrame(buf, ArpOp::Reply, next_hop->mac, next_hop->ip, sender->mac, sender->ip,
                      sender->mac);
  frames_.commit(reply_at, len);
  arp_frames_ += 2;
  arpLearn(*sender, next_hop->ip, reply_at);
  arpLearn(*next_hop, sender->ip, reply_at);  // the target learns the requester (RFC 826)
  return reply_at + sender->delay + sender->delay;
}

Timestamp Network::udp(Host& from, uint16_t src_port, Host& to, uint16_t dst_port, Bytes payload,
                       Timestamp t, Arp arp) {
  const Timestamp at = arp == Arp::Resolve ? resolve(from, to, t) : t;
  const IpFrameHeader ip = header(from, to);
  uint8_t* buf = frames_.reserve();
  frames_.commit(at, writeUdpFrame(buf, ip, src_port, dst_port, payload));
  return at;
}

Timestamp Network::udpUnreachable(Host& from, uint16_t src_port, Host& to, uint16_t dst_port,
                                  Bytes payload, Timestamp t) {
  const Timestamp at = resolve(from, to, t);
  const IpFrameHeader ip = header(from, to);
  uint8_t* buf = frames_.reserve();
  const size_t len = writeUdpFrame(buf, ip, src_port, dst_port, payload);
  // The ICMP body: 4 unused bytes, then the offending IP header and the first 8 bytes after it.
  uint8_t body[4 + kIpv4HeaderBytes + 8] = {};
  std::memcpy(body + 4, buf + kEthernetHeaderBytes,
              std::min(len - kEthernetHeaderBytes, kIpv4HeaderBytes + 8));
  frames_.commit(at, len);
  const Timestamp reply_at = at + to.delay + microseconds(40) + to.delay;
  const IpFrameHeader back = header(to, from);
  buf = frames_.reserve();
  constexpr uint8_t kDestinationUnreachable = 3;
  constexpr uint8_t kPortUnreachable = 3;
  frames_.commit(reply_at, writeIcmpFrame(buf, back, kDestinationUnreachable, kPortUnreachable,
                                          Bytes(body, sizeof body)));
  return reply_at;
}

void Network::udpMulticast(Host& from, uint32_t group, uint8_t ttl, uint16_t src_port,
                           uint16_t dst_port, Bytes payload, Timestamp t) {
  IpFrameHeader ip = header(from, from);
  ip.dst_mac.bytes = {0x01,
                      0x00,
                      0x5E,
                      static_cast<uint8_t>((group >> 16) & 0x7F),
                      static_cast<uint8_t>(group >> 8),
                      static_cast<uint8_t>(group)};
  ip.dst_ip = group;
  ip.ttl = ttl;
  ip.df = DontFragment::No;
  uint8_t* buf = frames_.reserve();
  frames_.commit(t, writeUdpFrame(buf, ip, src_port, dst_port, payload));
}

void Network::udpBroadcast(Host& from, uint32_t src_ip, uint16_t src_port, uint16_t dst_port,
                           Bytes payload, Timestamp t, uint32_t dst_ip) {
  const IpFrameHeader ip = broadcastHeader(from, src_ip, dst_ip);
  uint8_t* buf = frames_.reserve();
  frames_.commit(t, writeUdpFrame(buf, ip, src_port, dst_port, payload));
}

bool Network::arpProbe(Host& from, uint32_t target_ip, Timestamp t) {
  MacAddress broadcast;
  broadcast.bytes.fill(0xFF);
  uint8_t* buf = frames_.reserve();
  frames_.commit(
      t, writeArpFrame(buf, ArpOp::Request, from.mac, from.ip, MacAddress{}, target_ip, broadcast));
  ++arp_frames_;
  Host* owner = nullptr;
  for (Host& h : hosts_) {
    if (h.ip == target_ip && h.site == Site::Lan && &h != &from) {
      owner = &h;
      break;
    }
  }
  if (owner == nullptr) return false;
  const Timestamp reply_at = t + owner->delay + owner->delay + microseconds(35);
  buf = frames_.reserve();
  frames_.commit(reply_at, writeArpFrame(buf, ArpOp::Reply, owner->mac, owner->ip, from.mac,
                                         from.ip, from.mac));
  ++arp_frames_;
  arpLearn(from, target_ip, reply_at);
  arpLearn(*owner, from.ip, reply_at);
  return true;
}

void Network::gratuitousArp(Host& h, Timestamp t) {
  MacAddress broadcast;
  broadcast.bytes.fill(0xFF);
  MacAddress zero;
  uint8_t* buf = frames_.reserve();
  const size_t len = writeArpFrame(buf, ArpOp::Request, h.mac, h.ip, zero, h.ip, broadcast);
  frames_.commit(t, len);
  ++arp_frames_;
}

}  // namespace medtap::simulate
