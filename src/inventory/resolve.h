// From facts to devices. Identity first: a device is its MAC where the capture sees it, else its
// address. A MAC in front of many addresses is a router's (InventoryLimits::router_min_ipv4): the
// addresses behind it stay separate devices, and the router is a device of its own. ARP and DHCP
// bind an address to a MAC, so an address moves with its lease. Then identification: behaviour
// facts are derived (a sender of the Contec stream, a receiver of observation streams), every
// fingerprint rule is matched, and each attribute takes the value with the most evidence; rules
// that disagree lower the confidence and are listed.
#pragma once

#include <vector>

#include "core/address.h"
#include "events/device.h"
#include "inventory/fingerprints.h"
#include "inventory/limits.h"
#include "inventory/observations.h"
#include "inventory/oui.h"

namespace medtap::inventory {

struct ResolveOptions {
  std::vector<IpNetwork> site_networks;  // site.home_networks
  InventoryLimits limits;
};

// Every device, sorted by id. Deterministic: the same facts give the same devices.
std::vector<events::DeviceRecord> resolveDevices(const Observations& observations,
                                                 const FingerprintDb& fingerprints,
                                                 const OuiRegistry& oui,
                                                 const ResolveOptions& options);

// "mac:00:60:6e:12:34:56" / "ip:10.1.2.3".
std::string deviceIdOf(const MacAddress& mac);
std::string deviceIdOf(const IpAddress& ip);

}  // namespace medtap::inventory
