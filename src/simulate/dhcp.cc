#include "simulate/dhcp.h"

#include "simulate/byte_writer.h"

namespace medtap::simulate {

namespace {

constexpr uint32_t kMagicCookie = 0x63825363;  // RFC 2131 3
constexpr size_t kBootpMinimum = 300;          // BOOTP messages are padded to 300 bytes (RFC 951)

enum Option : uint8_t {
  kPad = 0,
  kSubnetMask = 1,
  kRouter = 3,
  kDns = 6,
  kHostname = 12,
  kDomainName = 15,
  kNtpServers = 42,
  kRequestedIp = 50,
  kLeaseTime = 51,
  kMessageType = 53,
  kServerId = 54,
  kParamList = 55,
  kMaxMessageSize = 57,
  kRenewalTime = 58,
  kRebindingTime = 59,
  kVendorClass = 60,
  kClientId = 61,
  kEnd = 255
};

void header(ByteWriter& w, uint8_t op, const DhcpFields& f, const MacAddress& mac) {
  w.u8(op);
  w.u8(1);  // htype Ethernet
  w.u8(6);
  w.u8(0);  // hops
  w.be32(f.xid);
  w.be16(f.secs);
  w.be16(0);  // flags: unicast replies are fine
  w.be32(f.ciaddr);
  w.be32(f.yiaddr);
  w.be32(f.siaddr);
  w.be32(0);  // giaddr
  for (uint8_t b : mac.bytes) w.u8(b);
  w.zeros(10 + 64 + 128);  // chaddr padding, sname, file
  w.be32(kMagicCookie);
}

void option(ByteWriter& w, uint8_t code, std::string_view value) {
  w.u8(code);
  w.u8(static_cast<uint8_t>(value.size()));
  w.bytes(value);
}
void optionIp(ByteWriter& w, uint8_t code, uint32_t ip) {
  w.u8(code);
  w.u8(4);
  w.be32(ip);
}
void optionU32(ByteWriter& w, uint8_t code, uint32_t v) {
  optionIp(w, code, v);
}

void finish(std::string& out, size_t start) {
  ByteWriter w(out);
  w.u8(kEnd);
  if (out.size() - start < kBootpMinimum) w.zeros(kBootpMinimum - (out.size() - start));
}

}  // namespace

void appendDhcpClientMessage(std::string& out, const DhcpFields& f, const MacAddress& mac,
                             const DhcpClientIdentity& id) {
  const size_t start = out.size();
  ByteWriter w(out);
  header(w, 1, f, mac);
  w.u8(kMessageType);
  w.u8(1);
  w.u8(static_cast<uint8_t>(f.type));
  w.u8(kClientId);
  w.u8(7);
  w.u8(1);
  for (uint8_t b : mac.bytes) w.u8(b);
  if (f.requested_ip != 0) optionIp(w, kRequestedIp, f.requested_ip);
  if (f.server_id != 0) optionIp(w, kServerId, f.server_id);
  w.u8(kMaxMessageSize);
  w.u8(2);
  w.be16(1500);
  if (!id.hostname.empty()) option(w, kHostname, id.hostname);
  if (!id.vendor_class.empty()) option(w, kVendorClass, id.vendor_class);
  if (!id.params.empty()) {
    option(w, kParamList,
           std::string_view(reinterpret_cast<const char*>(id.params.data()), id.params.size()));
  }
  finish(out, start);
}

void appendDhcpServerMessage(std::string& out, const DhcpFields& f, const MacAddress& client_mac,
                             const DhcpLease& lease) {
  const size_t start = out.size();
  ByteWriter w(out);
  header(w, 2, f, client_mac);
  w.u8(kMessageType);
  w.u8(1);
  w.u8(static_cast<uint8_t>(f.type));
  optionIp(w, kServerId, f.server_id);
  optionU32(w, kLeaseTime, lease.lease_s);
  optionU32(w, kRenewalTime, lease.lease_s / 2);
  optionU32(w, kRebindingTime, lease.lease_s / 8 * 7);
  optionIp(w, kSubnetMask, lease.mask);
  optionIp(w, kRouter, lease.router);
  optionIp(w, kDns, lease.dns);
  if (!lease.domain.empty()) option(w, kDomainName, lease.domain);
  if (lease.ntp != 0) optionIp(w, kNtpServers, lease.ntp);
  finish(out, start);
}

Timestamp dhcpAcquire(Network& net, Rng& rng, Host& client, Host& server,
                      const DhcpClientIdentity& id, const DhcpLease& lease, Timestamp t) {
  std::string buf;
  DhcpFields f;
  f.xid = static_cast<uint32_t>(rng.next());
  f.type = DhcpMessageType::Discover;
  appendDhcpClientMessage(buf, f, client.mac, id);
  net.udpBroadcast(client, 0, kDhcpClientPort, kDhcpServerPort, bytesOf(buf), t);

  // The server pings nothing here; it answers within a few milliseconds.
  Timestamp at = t + client.delay + server.delay + milliseconds(rng.range(2, 12));
  buf.clear();
  f.type = DhcpMessageType::Offer;
  f.yiaddr = client.ip;
  f.server_id = server.ip;
  appendDhcpServerMessage(buf, f, client.mac, lease);
  at = net.udp(server, kDhcpServerPort, client, kDhcpClientPort, bytesOf(buf), at,
               Network::Arp::Skip);

  at = at + server.delay + client.delay + milliseconds(rng.range(1, 40));
  buf.clear();
  f.type = DhcpMessageType::Request;
  f.yiaddr = 0;
  f.secs = 0;
  f.requested_ip = client.ip;
  f.server_id = server.ip;
  appendDhcpClientMessage(buf, f, client.mac, id);
  net.udpBroadcast(client, 0, kDhcpClientPort, kDhcpServerPort, bytesOf(buf), at);

  at = at + client.delay + server.delay + milliseconds(rng.range(1, 5));
  buf.clear();
  f.type = DhcpMessageType::Ack;
  f.yiaddr = client.ip;
  f.requested_ip = 0;
  appendDhcpServerMessage(buf, f, client.mac, lease);
  at = net.udp(server, kDhcpServerPort, client, kDhcpClientPort, bytesOf(buf), at,
               Network::Arp::Skip);

  // The new address is announced (RFC 5227 3); the server learned the client's MAC as well.
  at = at + server.delay + client.delay + milliseconds(rng.range(5, 50));
  net.gratuitousArp(client, at);
  return at;
}

Timestamp dhcpRenew(Network& net, Rng& rng, Host& client, Host& server,
                    const DhcpClientIdentity& id, const DhcpLease& lease, Timestamp t) {
  std::string buf;
  DhcpFields f;
  f.xid = static_cast<uint32_t>(rng.next());
  f.type = DhcpMessageType::Request;
  f.ciaddr = client.ip;
  appendDhcpClientMessage(buf, f, client.mac, id);
  Timestamp at = net.udp(client, kDhcpClientPort, server, kDhcpServerPort, bytesOf(buf), t);
  at = at + client.delay + server.delay + milliseconds(rng.range(1, 5));
  buf.clear();
  f.type = DhcpMessageType::Ack;
  f.yiaddr = client.ip;
  f.server_id = server.ip;
  appendDhcpServerMessage(buf, f, client.mac, lease);
  return net.udp(server, kDhcpServerPort, client, kDhcpClientPort, bytesOf(buf), at);
}

}  // namespace medtap::simulate
