// The inventory stage (issue #5): observes events during a run, then, at the end, merges what it
// saw with the store, resolves the devices and says which are new or changed. The run writes
// them (device events, inventory.json, medtap.db: cli/run.cc).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "events/device.h"
#include "inventory/fingerprints.h"
#include "inventory/observations.h"
#include "inventory/oui.h"
#include "inventory/resolve.h"
#include "inventory/store.h"

namespace medtap::inventory {

struct InventoryOptions {
  ResolveOptions resolve;
  std::string oui_directory = std::string(OuiRegistry::kDefaultDirectory);
  std::string fingerprints_directory;  // extra rule files; "" for the built-in ones only
};

class Inventory {
 public:
  static Result<std::unique_ptr<Inventory>> create(const InventoryOptions& options);

  events::EventSink& observer() { return observer_; }
  const Observations& observations() const { return observer_.observations(); }
  // Forgets this run's facts once the store holds them.
  void clearObservations() { observer_.observations() = Observations(options_.resolve.limits); }

  // Resolves this run's facts merged with the store's (when given). Devices whose identification
  // differs from the store's, or that it did not hold, get change "new" or "changed".
  Result<std::vector<events::DeviceRecord>> resolve(const Store* store,
                                                    Observations* merged = nullptr) const;

 private:
  Inventory(const InventoryOptions& options, FingerprintDb rules, OuiRegistry oui)
      : options_(options),
        rules_(std::move(rules)),
        oui_(std::move(oui)),
        observer_(options.resolve.limits) {}

  InventoryOptions options_;
  FingerprintDb rules_;
  OuiRegistry oui_;
  Observer observer_;
};

// The fields of a device that, when they change, make a new device event.
std::string identificationOf(const events::DeviceRecord& d);
std::string identificationOf(const StoredDevice& d);

}  // namespace medtap::inventory
