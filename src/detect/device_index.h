// What the detectors ask of the inventory: for an address, its device (class, tags, vendor, model,
// firmware) and whether it is on this LAN or reached through a router. Rebuilt from the devices
// at each inventory update.
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
  const events::DeviceRecord* device = nullptr;  // the whole record, owned by the index
};

class DeviceIndex {
 public:
  DeviceIndex() = default;
  explicit DeviceIndex(std::vector<events::DeviceRecord> devices);
  // Moves keep the records where they are; a copy would leave AddressInfo::device dangling.
  DeviceIndex(const DeviceIndex&) = delete;
  DeviceIndex& operator=(const DeviceIndex&) = delete;
  DeviceIndex(DeviceIndex&&) = default;
  DeviceIndex& operator=(DeviceIndex&&) = default;

  // nullptr when no device holds the address (yet).
  const AddressInfo* find(const IpAddress& ip) const;
  const std::vector<events::DeviceRecord>& devices() const { return devices_; }

 private:
  std::vector<events::DeviceRecord> devices_;
  std::map<IpAddress, AddressInfo> by_ip_;
};

}  // namespace medtap::detect
