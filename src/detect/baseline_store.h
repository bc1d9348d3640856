// The learned baseline's part of medtap.db (SQLite): its own two tables next to the inventory's,
// through its own connection, so that the baseline and the inventory evolve apart. A run loads
// it, learns on top and saves the whole again, so captures learned one after the other make one
// baseline. Holds no PHI: addresses, ports, protocol names, DNS names, byte counts.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>

#include "core/result.h"
#include "detect/baseline_profile.h"

namespace medtap::detect {

class BaselineStore {
 public:
  // Opens or creates the database and the baseline tables. Error: one line, path and reason.
  static Result<std::unique_ptr<BaselineStore>> open(const std::string& path);
  ~BaselineStore();
  BaselineStore(const BaselineStore&) = delete;
  BaselineStore& operator=(const BaselineStore&) = delete;

  // Every stored profile; a row that is not one medtap wrote is an error naming it.
  Result<Baseline> load() const;
  // Replaces the stored baseline with `all` in one transaction.
  Status save(const Baseline& all);

  const std::string& path() const { return path_; }

 private:
  BaselineStore(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  Status exec(const char* sql);
  Status fail(const char* what) const;

  std::string path_;
  sqlite3* db_;
};

}  // namespace medtap::detect
