// The background chatter of Windows PCs on any LAN, so that the capture has the noise real
// ones have: NetBIOS name queries (RFC 1002 4.2.12) broadcast to the subnet, LLMNR queries
// (RFC 4795) and SSDP discovery (UPnP Device Architecture 1.1, 1.3.2) to their multicast
// groups. Nothing answers: the names do not exist.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "simulate/network.h"
#include "simulate/rng.h"

namespace medtap::simulate::chatter {

constexpr uint16_t kNetbiosNamePort = 137;
constexpr uint16_t kLlmnrPort = 5355;
constexpr uint16_t kSsdpPort = 1900;
constexpr uint32_t kLlmnrGroup = 0xE00000FC;  // 224.0.0.252
constexpr uint32_t kSsdpGroup = 0xEFFFFFFA;   // 239.255.255.250

// NetBIOS first-level encoding of a name (RFC 1001 14.1): 16 bytes (15 padded with spaces and
// the suffix) as 32 letters, as a length-prefixed label.
void appendNetbiosName(std::string& out, std::string_view name, uint8_t suffix);
void appendNbnsQuery(std::string& out, uint16_t id, std::string_view name);
void appendSsdpSearch(std::string& out, std::string_view search_target);

// One burst of chatter from a Windows host, picked at random.
void windowsChatter(Network& net, Rng& rng, Host& host, uint32_t subnet_broadcast, Timestamp t);

}  // namespace medtap::simulate::chatter
