// The advisories' part of medtap.db (SQLite): the CSAF documents imported with `medtap advisories
// import`, one row per advisory id, kept as the document's own JSON so that a newer medtap reads
// more of them without a migration. Its own table in the inventory's file, apart from the
// inventory's tables (src/inventory/store.h).
#pragma once

#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "advisories/csaf.h"
#include "advisories/http_client.h"
#include "advisories/notice.h"
#include "core/result.h"

namespace medtap::advisories {

enum class PutOutcome { Added, Updated, Unchanged, Older };
std::string_view outcomeName(PutOutcome o);

class AdvisoryStore {
 public:
  // Opens or creates the database file and the advisories table. Error: one line.
  static Result<std::unique_ptr<AdvisoryStore>> open(const std::string& path);
  ~AdvisoryStore();
  AdvisoryStore(const AdvisoryStore&) = delete;
  AdvisoryStore& operator=(const AdvisoryStore&) = delete;

  // Stores a parsed advisory and its text. A revision older than the stored one is kept out.
  Result<PutOutcome> put(const Advisory& a, std::string_view csaf_text);
  // Every stored advisory, parsed again (those that no longer parse are skipped with a warning
  // in `warnings`).
  Result<std::vector<Advisory>> load(std::vector<std::string>* warnings = nullptr) const;

  // What `advisories sync` remembers of every URL it fetched: the validators and body of the
  // last 2xx response (so that a 304 still gives the body), and for an advisory the `updated`
  // time its listing gave when it was imported (so that an unchanged one is not asked for).
  struct CachedResponse {
    Validators validators;
    std::string body;
  };
  Result<std::optional<CachedResponse>> cached(const std::string& url) const;
  Status cache(const std::string& url, const Validators& v, std::string_view body);
  Result<std::string> syncedUpdated(const std::string& url) const;  // "" when never imported
  Status markSynced(const std::string& url, const std::string& updated);

  // Notices (notice.h), one per source and key: a later sync replaces the item.
  Result<bool> putNotice(const Notice& n);  // true when it is new or changed
  Result<std::vector<Notice>> notices() const;

  const std::string& path() const { return path_; }

 private:
  AdvisoryStore(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  Status exec(const char* sql);

  std::string path_;
  sqlite3* db_;
};

// The advisories a run matches devices against: the built-in ones, and those imported into the
// database at `path` (a newer revision of a built-in advisory replaces it). A database that does
// not exist yet has none. `warnings`: stored documents that no longer parse.
Result<std::vector<Advisory>> loadAdvisories(const std::string& path,
                                             std::vector<std::string>* warnings = nullptr);

}  // namespace medtap::advisories
