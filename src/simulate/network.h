// The simulated network as the capture point (a mirror port on the ward switch) sees it: hosts
// on the ward LAN, hosts beyond the router (the data centre, the internet), Ethernet addressing
// through the router's MAC for anything off the LAN, ARP, and per-host IP stack behaviour.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/timestamp.h"
#include "simulate/frame.h"
#include "simulate/frame_queue.h"

namespace medtap::simulate {

constexpr Duration microseconds(int64_t us) {
  return Duration{us * 1000};
}
constexpr Duration milliseconds(int64_t ms) {
  return Duration{ms * 1'000'000};
}
constexpr Duration seconds(int64_t s) {
  return Duration::seconds(s);
}
constexpr Duration operator+(Duration a, Duration b) {
  return {a.ns + b.ns};
}
constexpr Duration operator*(Duration a, int64_t k) {
  return {a.ns * k};
}
constexpr Timestamp operator-(Timestamp t, Duration d) {
  return {t.ns - d.ns};
}
inline Timestamp later(Timestamp a, Timestamp b) {
  return a < b ? b : a;
}

enum class Site : uint8_t { Lan, Remote };
enum class SackPermitted : uint8_t { No, Yes };
enum class TcpTimestamps : uint8_t { No, Yes };

// How a host's IP stack behaves on the wire: what fingerprinting tools look at (initial TTL,
// SYN options, window) and its timers.
struct TcpStack {
  uint8_t ttl = 64;
  uint16_t mss = 1460;
  uint32_t rcv_window = 64240;  // bytes the host advertises
  int8_t wscale = 7;            // -1: no window scale option (RFC 7323 2)
  SackPermitted sack = SackPermitted::Yes;
  TcpTimestamps timestamps = TcpTimestamps::Yes;  // RFC 7323 3: Linux on, Windows off
  Duration delayed_ack = milliseconds(40);
  Duration rto_min = milliseconds(200);
  Duration arp_timeout = seconds(60);
  uint16_t ephemeral_lo = 32768;
  uint16_t ephemeral_hi = 60999;
};

// Named stacks for the profiles: Linux, Windows, and small embedded stacks (monitors, pumps).
enum class StackKind : uint8_t { Linux, Windows, Embedded };
TcpStack tcpStackFor(StackKind kind);

struct ArpEntry {
  uint32_t ip = 0;
  Timestamp expires;
};

struct Host {
  // ARP cache size per host: a server on the ward talks to a few dozen peers; the oldest entry
  // is replaced beyond that.
  static constexpr size_t kArpCacheEntries = 64;

  uint32_t index = 0;
  std::string name;
  MacAddress mac;
  uint32_t ip = 0;  // host order
  Site site = Site::Lan;
  uint8_t hops = 0;  // routers between host and capture point: TTL seen = ttl - hops
  Duration delay;    // one-way latency between the capture point and the host
  uint64_t link_bps = 100'000'000;
  TcpStack stack;
  uint16_t ip_id = 0;
  uint16_t next_port = 0;
  std::array<ArpEntry, kArpCacheEntries> arp{};
  // Ports a service listens on (for port scans), and whether closed ports answer with a reset
  // or are dropped by a host firewall.
  std::vector<uint16_t> open_ports;
  enum class ClosedPorts : uint8_t { Reset, Drop } closed_ports = ClosedPorts::Reset;

  uint16_t allocatePort();
  uint16_t nextIpId() { return ip_id++; }
};

std::string ipToString(uint32_t ip);
uint32_t ipFromOctets(uint8_t a, uint8_t b, uint8_t c, uint8_t d);

class Network {
 public:
  explicit Network(FrameQueue& frames) : frames_(frames) {}

  // Hosts live as long as the network; references stay valid (deque storage).
  Host& addHost(Host h);
  void setRouter(Host& router) { router_ = &router; }
  Host& router() { return *router_; }
  Host* findByIp(uint32_t ip);
  const std::deque<Host>& hosts() const { return hosts_; }

  // Ethernet and IPv4 header fields of a frame from `from` to `to` as seen at the capture
  // point: off-LAN ends appear behind the router's MAC, with their TTL lowered by the hops.
  IpFrameHeader header(Host& from, const Host& to);
  // Broadcast header (DHCP DISCOVER etc.): to ff:ff:ff:ff:ff:ff, 255.255.255.255 unless given.
  IpFrameHeader broadcastHeader(Host& from, uint32_t src_ip, uint32_t dst_ip = 0xFFFFFFFF);

  // Makes sure the sender of a frame from `from` to `to` knows its next hop's MAC at time t,
  // emitting the ARP request and reply when the cache misses. Returns the time the frame can go.
  Timestamp resolve(Host& from, Host& to, Timestamp t);
  // An ARP request for any address on the LAN (a sweep); the owner answers if it exists.
  // Returns true when someone answered.
  bool arpProbe(Host& from, uint32_t target_ip, Timestamp t);
  // Forgets every ARP entry of a host (it rebooted).
  static void flushArp(Host& h) { h.arp.fill(ArpEntry{}); }

  // A gratuitous ARP (a host announcing its address after it comes up, RFC 5227 3).
  void gratuitousArp(Host& h, Timestamp t);

  // One UDP datagram from `from` to `to` (ARP first unless told not to: a DHCP server answers
  // a client that has no address yet at its hardware address); returns the time it is seen.
  enum class Arp : uint8_t { Resolve, Skip };
  Timestamp udp(Host& from, uint16_t src_port, Host& to, uint16_t dst_port, Bytes payload,
                Timestamp t, Arp arp = Arp::Resolve);
  // A UDP datagram to a host that has nothing listening on the port, and the ICMP destination
  // unreachable (port) it answers with, quoting the datagram (RFC 792, RFC 1122 3.2.2.1).
  Timestamp udpUnreachable(Host& from, uint16_t src_port, Host& to, uint16_t dst_port,
                           Bytes payload, Timestamp t);
  // A UDP datagram to an IPv4 multicast group (RFC 1112 6.4: MAC 01:00:5e + low 23 bits).
  void udpMulticast(Host& from, uint32_t group, uint8_t ttl, uint16_t src_port, uint16_t dst_port,
                    Bytes payload, Timestamp t);
  // A UDP datagram to a subnet's broadcast address (to ff:ff:ff:ff:ff:ff) from a configured host.
  void udpBroadcastTo(Host& from, uint32_t broadcast_ip, uint16_t src_port, uint16_t dst_port,
                      Bytes payload, Timestamp t) {
    udpBroadcast(from, from.ip, src_port, dst_port, payload, t, broadcast_ip);
  }
  // A broadcast UDP datagram on the LAN from `from` with the given source address (0.0.0.0 for
  // a DHCP client without a lease).
  void udpBroadcast(Host& from, uint32_t src_ip, uint16_t src_port, uint16_t dst_port,
                    Bytes payload, Timestamp t, uint32_t dst_ip = 0xFFFFFFFF);

  uint64_t arpFrames() const { return arp_frames_; }

 private:
  static bool arpLookup(Host& h, uint32_t ip, Timestamp t);
  static void arpLearn(Host& h, uint32_t ip, Timestamp t);

  FrameQueue& frames_;
  std::deque<Host> hosts_;
  Host* router_ = nullptr;
  uint64_t arp_frames_ = 0;
};

}  // namespace medtap::simulate
