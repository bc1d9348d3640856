#include "inventory/inventory.h"

#include <map>

namespace medtap::inventory {

Result<std::unique_ptr<Inventory>> Inventory::create(const InventoryOptions& options) {
  auto rules = options.fingerprints_directory.empty()
                   ? FingerprintDb::builtin()
                   : FingerprintDb::builtinAnd(options.fingerprints_directory);
  if (!rules) return Error{"fingerprint rules: " + rules.error()};
  auto oui = OuiRegistry::load(options.oui_directory);
  if (!oui) return Error{oui.error()};
  return std::unique_ptr<Inventory>(
      new Inventory(options, std::move(rules.value()), std::move(oui.value())));
}

namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + ",";
  return out;
}

}  // namespace

std::string identificationOf(const events::DeviceRecord& d) {
  std::vector<std::string> ips, macs;
  for (const auto& ip : d.ips) ips.push_back(ip.toString());
  for (const auto& m : d.macs) macs.push_back(m.toString());
  return d.vendor + "|" + d.model + "|" + d.device_class + "|" + d.firmware + "|" + joined(d.tags) +
         "|" + joined(ips) + "|" + joined(macs);
}

std::string identificationOf(const StoredDevice& d) {
  return d.vendor + "|" + d.model + "|" + d.device_class + "|" + d.firmware + "|" + joined(d.tags) +
         "|" + joined(d.ips) + "|" + joined(d.macs);
}

Result<std::vector<events::DeviceRecord>> Inventory::resolve(const Store* store,
                                                             Observations* merged) const {
  Observations all(options_.resolve.limits);
  std::map<std::string, std::string> before;
  if (store != nullptr) {
    if (auto s = store->loadFacts(all); !s) return Error{s.error()};
    auto stored = store->devices();
    if (!stored) return Error{stored.error()};
    for (const auto& d : stored.value()) before[d.id] = identificationOf(d);
  }
  all.merge(observer_.observations());
  auto devices = resolveDevices(all, rules_, oui_, options_.resolve);
  for (auto& d : devices) {
    auto it = before.find(d.id);
    if (it == before.end()) {
      d.change = "new";
    } else if (it->second != identificationOf(d)) {
      d.change = "changed";
    }
  }
  if (merged != nullptr) *merged = std::move(all);
  return devices;
}

}  // namespace medtap::inventory
