// event_type "arp": an IPv4 address bound to a MAC on this LAN, first seen or changed
// (analyzers/arp). Not one event per ARP packet.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/address.h"

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

}  // namespace medtap::events
