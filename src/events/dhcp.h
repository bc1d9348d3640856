// event_type "dhcp": one DHCPv4/BOOTP message, with Suricata's EVE field names (docs/EVENTS.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"

namespace medtap::events {

// DHCP message types (RFC 2132 section 9.6, RFC 4388 for the lease query ones).
inline std::string_view dhcpTypeName(uint8_t type) {
  switch (type) {
    case 1:
      return "discover";
    case 2:
      return "offer";
    case 3:
      return "request";
    case 4:
      return "decline";
    case 5:
      return "ack";
    case 6:
      return "nak";
    case 7:
      return "release";
    case 8:
      return "inform";
    case 9:
      return "forcerenew";
    case 10:
      return "leasequery";
    case 11:
      return "leaseunassigned";
    case 12:
      return "leaseunknown";
    case 13:
      return "leaseactive";
    default:
      return "unknown";
  }
}

// Names Suricata's EVE gives to requested parameters (option 55 items); others have none and
// appear only in params_raw.
inline std::string_view dhcpParamName(uint8_t code) {
  switch (code) {
    case 1:
      return "subnet_mask";
    case 3:
      return "router";
    case 6:
      return "dns_server";
    case 15:
      return "domain";
    case 35:
      return "arp_timeout";
    case 42:
      return "ntp_server";
    case 66:
      return "tftp_server_name";
    case 150:
      return "tftp_server_ip";
    default:
      return {};
  }
}

struct DhcpMessage {
  static constexpr std::string_view kEventType = "dhcp";
  enum class Op : uint8_t { Request = 1, Reply = 2 };

  Op op = Op::Request;
  uint32_t xid = 0;
  std::string client_mac;  // chaddr when htype 1 (Ethernet) and hlen 6, else ""
  IpAddress client_ip, assigned_ip, next_server_ip, relay_ip;  // ciaddr, yiaddr, siaddr, giaddr
  uint8_t dhcp_type = 0;                                       // option 53; 0: plain BOOTP
  std::string hostname;                                        // option 12
  std::string vendor_class;                                    // option 60
  std::string client_id;                                       // option 61, hex "01:00:1b:..."
  std::string fqdn;                                            // option 81 name
  std::string domain;                                          // option 15
  std::vector<uint8_t> params;  // option 55, in order (a device fingerprint)
  std::optional<IpAddress> requested_ip, server_id, subnet_mask;     // options 50, 54, 1
  std::optional<uint32_t> lease_time, renewal_time, rebinding_time;  // options 51, 58, 59
  std::vector<IpAddress> routers, dns_servers;                       // options 3, 6
  std::string relay_circuit_id, relay_remote_id;  // option 82 sub-options 1, 2, hex
  uint8_t overload = 0;                           // option 52 value when present
};

}  // namespace medtap::events
