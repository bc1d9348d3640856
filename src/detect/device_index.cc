#include "detect/device_index.h"

namespace medtap::detect {

DeviceIndex::DeviceIndex(const std::vector<events::DeviceRecord>& devices) {
  for (const auto& d : devices) {
    for (const auto& a : d.addresses) {
      // An address that moved belongs to each device that held it; the one seen last wins.
      auto [it, added] = by_ip_.try_emplace(a.ip, AddressInfo{d.id, d.device_class, a.locality});
      if (!added) it->second = AddressInfo{d.id, d.device_class, a.locality};
    }
  }
}

const AddressInfo* DeviceIndex::find(const IpAddress& ip) const {
  auto it = by_ip_.find(ip);
  return it == by_ip_.end() ? nullptr : &it->second;
}

}  // namespace medtap::detect
