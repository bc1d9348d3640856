#include "advisories/store.h"

#include <filesystem>

#include "advisories/matcher.h"

#include "core/sqlite.h"

namespace medtap::advisories {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS advisories(
  id TEXT PRIMARY KEY,                -- document.tracking.id
  version TEXT NOT NULL,              -- document.tracking.version
  current_release_date TEXT NOT NULL,
  title TEXT NOT NULL,
  source TEXT NOT NULL,               -- the file it was imported from
  csaf TEXT NOT NULL);                -- the document as imported
)sql";

using sqlite::bindText;
using sqlite::column;
using sqlite::Statement;

}  // namespace

std::string_view outcomeName(PutOutcome o) {
  switch (o) {
    case PutOutcome::Added:
      return "added";
    case PutOutcome::Updated:
      return "updated";
    case PutOutcome::Unchanged:
      return "unchanged";
    case PutOutcome::Older:
      return "older than the stored revision, kept out";
  }
  return "";
}

Result<std::unique_ptr<AdvisoryStore>> AdvisoryStore::open(const std::string& path) {
  auto opened = sqlite::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!opened) return Error{opened.error()};
  sqlite3* db = opened.value();
  std::unique_ptr<AdvisoryStore> store(new AdvisoryStore(path, db));
  if (auto s = store->exec(kSchema); !s) return Error{s.error()};
  return store;
}

AdvisoryStore::~AdvisoryStore() {
  sqlite3_close(db_);
}

Status AdvisoryStore::exec(const char* sql) {
  return sqlite::exec(db_, path_, sql);
}

Result<PutOutcome> AdvisoryStore::put(const Advisory& a, std::string_view csaf_text) {
  Statement q;
  sqlite3_prepare_v2(db_, "SELECT version, current_release_date, csaf FROM advisories WHERE id=?",
                     -1, &q.s, nullptr);
  if (q.s == nullptr) return Error{path_ + ": reading advisories: " + sqlite3_errmsg(db_)};
  bindText(q.s, 1, a.id);
  PutOutcome outcome = PutOutcome::Added;
  if (sqlite3_step(q.s) == SQLITE_ROW) {
    const std::string date = column(q.s, 1);
    if (column(q.s, 2) == csaf_text) return PutOutcome::Unchanged;
    const bool older =
        a.current_release_date < date ||
        (a.current_release_date == date && compareVersions(a.version, column(q.s, 0)) < 0);
    if (older) return PutOutcome::Older;
    outcome = PutOutcome::Updated;
  }
  Statement ins;
  sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO advisories VALUES(?,?,?,?,?,?)", -1, &ins.s,
                     nullptr);
  if (ins.s == nullptr) return Error{path_ + ": writing advisories: " + sqlite3_errmsg(db_)};
  bindText(ins.s, 1, a.id);
  bindText(ins.s, 2, a.version);
  bindText(ins.s, 3, a.current_release_date);
  bindText(ins.s, 4, a.title);
  bindText(ins.s, 5, a.source);
  bindText(ins.s, 6, csaf_text);
  if (sqlite3_step(ins.s) != SQLITE_DONE) {
    return Error{path_ + ": writing advisories: " + sqlite3_errmsg(db_)};
  }
  return outcome;
}

Result<std::vector<Advisory>> AdvisoryStore::load(std::vector<std::string>* warnings) const {
  Statement q;
  sqlite3_prepare_v2(db_, "SELECT id, source, csaf FROM advisories ORDER BY id", -1, &q.s, nullptr);
  if (q.s == nullptr) return Error{path_ + ": reading advisories: " + sqlite3_errmsg(db_)};
  std::vector<Advisory> out;
  int rc;
  while ((rc = sqlite3_step(q.s)) == SQLITE_ROW) {
    auto a = parseCsaf(column(q.s, 2), column(q.s, 1));
    if (a) {
      out.push_back(std::move(a.value()));
    } else if (warnings != nullptr) {
      warnings->push_back(path_ + ": stored advisory " + column(q.s, 0) + ": " + a.error());
    }
  }
  if (rc != SQLITE_DONE) return Error{path_ + ": reading advisories: " + sqlite3_errmsg(db_)};
  return out;
}

Result<std::vector<Advisory>> loadAdvisories(const std::string& path,
                                             std::vector<std::string>* warnings) {
  std::vector<Advisory> all = builtInAdvisories();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return all;
  auto store = AdvisoryStore::open(path);
  if (!store) return Error{store.error()};
  auto imported = (*store)->load(warnings);
  if (!imported) return Error{imported.error()};
  mergeAdvisories(all, std::move(imported.value()));
  return all;
}

}  // namespace medtap::advisories
