#include "simulate/dns.h"

#include "simulate/byte_writer.h"

namespace medtap::simulate {

namespace {

void appendName(ByteWriter& w, std::string_view name) {
  while (!name.empty()) {
    const size_t dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    w.u8(static_cast<uint8_t>(label.size()));
    w.bytes(label);
    if (dot == std::string_view::npos) break;
    name.remove_prefix(dot + 1);
  }
  w.u8(0);
}

}  // namespace

void appendDnsQuery(std::string& out, uint16_t id, std::string_view name, uint16_t qtype) {
  ByteWriter w(out);
  w.be16(id);
  w.be16(0x0100);  // standard query, recursion desired
  w.be16(1);
  w.be16(0);
  w.be16(0);
  w.be16(0);
  appendName(w, name);
  w.be16(qtype);
  w.be16(1);  // class IN
}

void appendDnsResponse(std::string& out, uint16_t id, std::string_view name, uint16_t qtype,
                       uint32_t answer_ip, uint32_t ttl) {
  ByteWriter w(out);
  const bool answered = answer_ip != 0 && qtype == kDnsTypeA;
  w.be16(id);
  w.be16(0x8180);  // response, RD, RA, NOERROR
  w.be16(1);
  w.be16(answered ? 1 : 0);
  w.be16(0);
  w.be16(0);
  appendName(w, name);
  w.be16(qtype);
  w.be16(1);
  if (answered) {
    w.be16(0xC00C);  // pointer to the question's name (RFC 1035 4.1.4)
    w.be16(kDnsTypeA);
    w.be16(1);
    w.be32(ttl);
    w.be16(4);
    w.be32(answer_ip);
  }
}

Timestamp dnsLookup(Network& net, Rng& rng, Host& client, Host& server, std::string_view name,
                    uint32_t answer_ip, Timestamp t) {
  std::string buf;
  const auto id = static_cast<uint16_t>(rng.next());
  const uint16_t port = client.allocatePort();
  appendDnsQuery(buf, id, name, kDnsTypeA);
  Timestamp at = net.udp(client, port, server, kDnsPort, bytesOf(buf), t);
  // A cached answer comes back in well under a millisecond; a miss takes a few.
  at = at + server.delay + server.delay +
       (rng.chance(0.7) ? microseconds(rng.range(150, 600)) : milliseconds(rng.range(3, 40)));
  buf.clear();
  appendDnsResponse(buf, id, name, kDnsTypeA, answer_ip,
                    static_cast<uint32_t>(rng.range(60, 3600)));
  at = net.udp(server, kDnsPort, client, port, bytesOf(buf), at);
  return at + client.delay + client.delay;
}

}  // namespace medtap::simulate
