// Limits of the ARP binding table.
#pragma once

#include <cstddef>

namespace medtap::analyzers::arp {

// Addresses whose binding is remembered. A /16 of hosts is 65536; a clinical VLAN is far smaller.
// Beyond it the least recently seen binding is forgotten (arp_table_full).
constexpr size_t kMaxBindings = 65536;

}  // namespace medtap::analyzers::arp
