#include "detect/device_index.h"

namespace medtap::detect {

DeviceIndex::DeviceIndex(std::vector<events::DeviceRecord> devices) : devices_(std::move(devices)) {
  for (const auto& d : devices_) {
    for (const auto& a : d.addresses) {
      // An address that moved belongs to each device that held it; the one listed last wins.
      by_ip_.insert_or_assign(a.ip, AddressInfo{d.id, d.device_class, a.locality, &d});
    }
  }
}

const AddressInfo* DeviceIndex::find(const IpAddress& ip) const {
  auto it = by_ip_.find(ip);
  return it == by_ip_.end() ? nullptr : &it->second;
}

}  // namespace medtap::detect
