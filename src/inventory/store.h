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
#include "events/alert.h"
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

// An alert as the store keeps it: one row per (signature, device, key), merged across runs.
// `key` tells apart alerts of one signature on one device: the evidence's destination (an
// address, with its port), else "".
struct StoredAlert {
  uint32_t signature_id = 0;
  std::string signature, category;
  int severity = 3;
  std::string device_id, device_ip, key;
  int64_t first_ns = 0, last_ns = 0;
  uint64_t count = 1;
  std::string json;  // the alert's EVE line
};

// The row for an alert event; `eve_line` is its EVE JSON.
StoredAlert storedAlert(const events::AlertRecord& a, std::string eve_line);

// The store's row for a device; `json` is its device object (sinks::writeDevice).
StoredDevice storedDevice(const events::DeviceRecord& d, std::string json);

// The device back from its row: identity, MACs, and the addresses with their locality from its
// device object. What the row does not keep (evidence, confidence) stays empty.
events::DeviceRecord deviceRecord(const StoredDevice& s);

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

  // Merges alerts into the `alerts` table in one transaction. An alert already stored (same
  // signature, device and key) is updated: first/last seen widened, the EVE line replaced; its
  // count grows by the new one's when the new occurrences come after the stored ones, else (the
  // same traffic read again, or a detector reporting its count so far) it becomes the larger of
  // the two, so that analysing one capture twice does not double it.
  Status saveAlerts(const std::vector<StoredAlert>& alerts);
  Result<std::vector<StoredAlert>> alerts() const;

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
