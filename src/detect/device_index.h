// What the detectors ask of the inventory: for an address, its device and whether it is on this
// LAN or reached through a router. Rebuilt from the devices at each inventory update.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "events/device.h"

namespace medtap::detect {

struct AddressInfo {
  std::string device_id;
  std::string device_class;
  std::string_view locality;  // "local", "routed", "unknown" (events::DeviceAddress)
};

class DeviceIndex {
 public:
  DeviceIndex() = default;
  explicit DeviceIndex(const std::vector<events::DeviceRecord>& devices);
  // nullptr when no device holds the address (yet).
  const AddressInfo* find(const IpAddress& ip) const;

 private:
  std::map<IpAddress, AddressInfo> by_ip_;
};

}  // namespace medtap::detect
