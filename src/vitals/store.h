// The vital-sign tables of medtap.db: per-minute trends and flagged windows, beside the
// inventory's tables in the same file (a connection of its own, so the inventory store stays as
// it is). Bounded: rows older than kKeepDays before the newest are deleted at each save.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "vitals/trend.h"

namespace medtap::vitals {

class TrendStore {
 public:
  // A month of minutes per bed and parameter: 43,200 rows each, a few hundred MB for a large
  // ward at most.
  static constexpr int64_t kKeepDays = 30;

  // Opens or creates the tables. One line on failure: the path and the reason.
  static Result<std::unique_ptr<TrendStore>> open(const std::string& path);
  // For export: never creates the file; a database without the tables has no trend.
  static Result<std::unique_ptr<TrendStore>> openReadOnly(const std::string& path);
  ~TrendStore();
  TrendStore(const TrendStore&) = delete;
  TrendStore& operator=(const TrendStore&) = delete;

  // Adds (or, for a minute already stored, replaces) the rows, in one transaction.
  Status save(const std::vector<TrendRow>& rows, const std::vector<Flag>& flags);

  // One bed's rows in [from, to] (Unix seconds), by minute then parameter.
  Result<std::vector<TrendRow>> trend(const std::string& bed, std::optional<int64_t> from,
                                      std::optional<int64_t> to) const;
  Result<std::vector<Flag>> flags(const std::string& bed, std::optional<int64_t> from,
                                  std::optional<int64_t> to) const;

 private:
  TrendStore(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  Status fail(const char* what) const;

  std::string path_;
  sqlite3* db_;
  bool read_only_ = false;
};

}  // namespace medtap::vitals
