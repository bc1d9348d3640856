// DHCP as a device sees it at boot and at renewal (RFC 2131, options RFC 2132): DISCOVER,
// OFFER, REQUEST, ACK with the client's hostname (12), vendor class (60) and parameter request
// list (55) — the fields passive inventories identify devices by.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/timestamp.h"
#include "simulate/network.h"
#include "simulate/rng.h"

namespace medtap::simulate {

constexpr uint16_t kDhcpServerPort = 67;
constexpr uint16_t kDhcpClientPort = 68;

enum class DhcpMessageType : uint8_t {
  Discover = 1,
  Offer = 2,
  Request = 3,
  Decline = 4,
  Ack = 5,
  Nak = 6,
  Release = 7,
  Inform = 8
};

struct DhcpClientIdentity {
  std::string hostname;
  std::string vendor_class;
  std::vector<uint8_t> params;
};

struct DhcpLease {
  uint32_t mask = 0;
  uint32_t router = 0;
  uint32_t dns = 0;
  uint32_t ntp = 0;
  std::string domain;
  uint32_t lease_s = 3600;
};

struct DhcpFields {
  DhcpMessageType type = DhcpMessageType::Discover;
  uint32_t xid = 0;
  uint16_t secs = 0;
  uint32_t ciaddr = 0;
  uint32_t yiaddr = 0;
  uint32_t siaddr = 0;
  uint32_t requested_ip = 0;  // option 50, 0 for none
  uint32_t server_id = 0;     // option 54, 0 for none
};

// A client message (DISCOVER, REQUEST) or a server reply (OFFER, ACK) as a UDP payload.
void appendDhcpClientMessage(std::string& out, const DhcpFields& f, const MacAddress& mac,
                             const DhcpClientIdentity& id);
void appendDhcpServerMessage(std::string& out, const DhcpFields& f, const MacAddress& client_mac,
                             const DhcpLease& lease);

// The full exchange from boot: DISCOVER, OFFER, REQUEST, ACK, then the client's gratuitous ARP.
// The client's address (client.ip) is the one the server hands out. Returns when it is done.
Timestamp dhcpAcquire(Network& net, Rng& rng, Host& client, Host& server,
                      const DhcpClientIdentity& id, const DhcpLease& lease, Timestamp t);
// Renewal at T1: a unicast REQUEST with ciaddr set, and the server's ACK.
Timestamp dhcpRenew(Network& net, Rng& rng, Host& client, Host& server,
                    const DhcpClientIdentity& id, const DhcpLease& lease, Timestamp t);

}  // namespace medtap::simulate
