#include "simulate/chatter.h"

#include "simulate/byte_writer.h"
#include "simulate/dns.h"

namespace medtap::simulate::chatter {

namespace {
// Unqualified names Windows keeps looking for on hospital networks: proxy auto-discovery,
// old file and print servers.
constexpr std::string_view kNames[] = {"WPAD", "FILESRV01", "PRINTSRV", "ICU-SHARE", "ISATAP"};
constexpr std::string_view kSearchTargets[] = {
    "urn:dial-multiscreen-org:service:dial:1",
    "urn:schemas-upnp-org:device:InternetGatewayDevice:1", "ssdp:all"};
}  // namespace

void appendNetbiosName(std::string& out, std::string_view name, uint8_t suffix) {
  std::string padded(name.substr(0, 15));
  padded.resize(15, ' ');
  padded.push_back(static_cast<char>(suffix));
  out.push_back(32);
  for (char c : padded) {
    const auto b = static_cast<uint8_t>(c);
    out.push_back(static_cast<char>('A' + (b >> 4)));
    out.push_back(static_cast<char>('A' + (b & 0x0F)));
  }
  out.push_back(0);
}

void appendNbnsQuery(std::string& out, uint16_t id, std::string_view name) {
  ByteWriter w(out);
  w.be16(id);
  w.be16(0x0110);  // query, recursion desired, broadcast
  w.be16(1);
  w.be16(0);
  w.be16(0);
  w.be16(0);
  appendNetbiosName(out, name, 0x00);
  w.be16(0x0020);  // NB
  w.be16(1);       // IN
}

void appendSsdpSearch(std::string& out, std::string_view search_target) {
  out +=
      "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: "
      "1\r\nST: ";
  out += search_target;
  out += "\r\nUSER-AGENT: Microsoft Edge/120.0 Windows\r\n\r\n";
}

void windowsChatter(Network& net, Rng& rng, Host& host, uint32_t subnet_broadcast, Timestamp t) {
  std::string buf;
  const std::string_view name = kNames[rng.range(0, std::size(kNames) - 1)];
  switch (rng.range(0, 2)) {
    case 0: {
      // Three tries, 750 ms apart (RFC 1002 4.2.12 broadcast retry).
      const auto id = static_cast<uint16_t>(rng.next());
      appendNbnsQuery(buf, id, name);
      for (int i = 0; i < 3; ++i) {
        net.udpBroadcastTo(host, subnet_broadcast, kNetbiosNamePort, kNetbiosNamePort, bytesOf(buf),
                           t + milliseconds(750 * i));
      }
      break;
    }
    case 1: {
      std::string lower(name);
      for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      appendDnsQuery(buf, static_cast<uint16_t>(rng.next()), lower, kDnsTypeA);
      buf[2] = 0;  // LLMNR: no recursion-desired flag
      const uint16_t port = host.allocatePort();
      net.udpMulticast(host, kLlmnrGroup, 1, port, kLlmnrPort, bytesOf(buf), t);
      net.udpMulticast(host, kLlmnrGroup, 1, port, kLlmnrPort, bytesOf(buf), t + milliseconds(100));
      break;
    }
    default: {
      appendSsdpSearch(buf, kSearchTargets[rng.range(0, std::size(kSearchTargets) - 1)]);
      const uint16_t port = host.allocatePort();
      for (int i = 0; i < 2; ++i) {
        net.udpMulticast(host, kSsdpGroup, 2, port, kSsdpPort, bytesOf(buf), t + seconds(i));
      }
    }
  }
}

}  // namespace medtap::simulate::chatter
