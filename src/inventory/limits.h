// The inventory's limits and thresholds, in one place (config: inventory.*).
#pragma once

#include <cstddef>
#include <cstdint>

namespace medtap::inventory {

struct InventoryLimits {
  // Endpoints (an address with one MAC) held at once; a flood of spoofed sources stops here.
  size_t max_endpoints = 65536;
  // Distinct facts kept per endpoint (peers, DNS names, ...); the first ones are kept.
  size_t max_facts_per_endpoint = 512;
  // Longest fact value kept, in bytes; longer values are cut (a user agent is rarely longer).
  size_t max_value_bytes = 256;
  // A MAC in front of at least this many IPv4 addresses that ARP and DHCP do not give to it is a
  // router's: the addresses behind it are separate devices, never merged into one.
  size_t router_min_ipv4 = 2;
  // The same for IPv6 global addresses (hosts hold several: temporary addresses, RFC 8981).
  size_t router_min_ipv6 = 8;
};

}  // namespace medtap::inventory
