// event_type "arp": an IPv4 address bound to a MAC on this LAN, first seen or changed
// (analyzers/arp). Not one event per ARP packet.
// event_type "arp_sweep": one host ARP-requested many addresses of the LAN within a window of
// packet time, many of them unanswered (an internal discovery sweep); one event per sender and
// window, not per packet.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/address.h"
#include "core/timestamp.h"

namespace medtap::events {

struct ArpBinding {
  static constexpr std::string_view kEventType = "arp";
  IpAddress ip;
  MacAddress mac;
  std::optional<MacAddress> previous_mac;  // when change == "changed"
  std::string_view change;                 // "new" or "changed"
  std::string_view operation;              // "request" or "reply": the packet that told us
  bool gratuitous = false;
  uint8_t vlan_count = 0;
  std::array<uint16_t, 2> vlan{};
};

struct ArpSweep {
  static constexpr std::string_view kEventType = "arp_sweep";
  IpAddress sender_ip;
  MacAddress sender_mac;
  // The window's first request for an address no host held then (the sweep's start), and its
  // last request.
  Timestamp first, last;
  uint64_t requests = 0;        // ARP requests it sent in the window
  uint64_t targets = 0;         // distinct addresses asked for (at most kMaxSweepTargets counted)
  uint64_t unanswered = 0;      // of those, addresses no host answered for by the window's end
  bool targets_capped = false;  // more distinct addresses than were counted
  IpAddress lowest_target, highest_target;
  uint8_t vlan_count = 0;
  std::array<uint16_t, 2> vlan{};
};

}  // namespace medtap::events
