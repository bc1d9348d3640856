// The inventory's part of medtap.db (SQLite): the facts every run has seen, and the devices they
// resolve to. Later runs over new captures load the facts, add theirs and resolve again, so a
// week of captures becomes one inventory without duplicates. Holds no PHI: facts are device
// names, addresses, fingerprints and peers (inventory/facts.h), never patient fields.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "events/device.h"
#include "inventory/observations.h"

namespace medtap::inventory {

// A device as the store keeps it: the columns a query filters on, and the whole `device` object.
struct StoredDevice {
  std::string id, vendor, model, device_class, firmware;
  double confidence = 0;
  std::vector<std::string> tags, ips, macs, hostnames;
  std::string first_seen, last_seen;  // ISO 8601
  std::string json;                   // the device object, as in inventory.json
};

// The store's row for a device; `json` is its device object (sinks::writeDevice).
StoredDevice storedDevice(const events::DeviceRecord& d, std::string json);

class Store {
 public:
  // Opens or creates the database and its tables. One line on failure: the path and the reason.
  static Result<std::unique_ptr<Store>> open(const std::string& path);
  // Opens an existing database for reading only: never creates the file or its tables, so that
  // a mistyped path is an error rather than an empty inventory. Writes through it fail.
  static Result<std::unique_ptr<Store>> openReadOnly(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Status loadFacts(Observations& into) const;
  // Replaces the stored facts with `all` (the stored ones merged with this run's) in one
  // transaction: a run that fails half-way leaves the previous inventory whole.
  Status saveFacts(const Observations& all);

  Result<std::vector<StoredDevice>> devices() const;
  Status saveDevices(const std::vector<StoredDevice>& devices);

  const std::string& path() const { return path_; }

 private:
  Store(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  static Result<sqlite3*> openHandle(const std::string& path, int flags);
  Status checkSchemaVersion() const;
  Status exec(const char* sql);
  Status fail(const char* what) const;

  std::string path_;
  sqlite3* db_;
};

}  // namespace medtap::inventory
