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
CREATE TABLE IF NOT EXISTS sync_http_cache(
  url TEXT PRIMARY KEY,               -- what `advisories sync` fetched
  etag TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  body TEXT NOT NULL,                 -- the last 2xx body, for a 304
  synced_updated TEXT NOT NULL DEFAULT '');  -- an advisory's listed `updated` once imported
CREATE TABLE IF NOT EXISTS notices(
  source TEXT NOT NULL,               -- the feed or export URL
  key TEXT NOT NULL,                  -- guid, Atom id, NID; else link; else title
  kind TEXT NOT NULL,                 -- rss, atom, health-canada
  title TEXT NOT NULL,
  link TEXT NOT NULL,
  date TEXT NOT NULL,
  summary TEXT NOT NULL,
  keyword TEXT NOT NULL,              -- the watched model it mentions
  PRIMARY KEY(source, key));
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

Result<std::optional<AdvisoryStore::CachedResponse>> AdvisoryStore::cached(
    const std::string& url) const {
  Statement q;
  sqlite3_prepare_v2(db_, "SELECT etag, last_modified, body FROM sync_http_cache WHERE url=?", -1,
                     &q.s, nullptr);
  if (q.s == nullptr) return Error{path_ + ": reading the sync cache: " + sqlite3_errmsg(db_)};
  bindText(q.s, 1, url);
  if (sqlite3_step(q.s) != SQLITE_ROW) return std::optional<CachedResponse>{};
  return std::optional<CachedResponse>{
      CachedResponse{{column(q.s, 0), column(q.s, 1)}, column(q.s, 2)}};
}

Status AdvisoryStore::cache(const std::string& url, const Validators& v, std::string_view body) {
  Statement q;
  sqlite3_prepare_v2(db_,
                     "INSERT INTO sync_http_cache(url, etag, last_modified, body) VALUES(?,?,?,?) "
                     "ON CONFLICT(url) DO UPDATE SET etag=excluded.etag, "
                     "last_modified=excluded.last_modified, body=excluded.body",
                     -1, &q.s, nullptr);
  if (q.s == nullptr) return Error{path_ + ": writing the sync cache: " + sqlite3_errmsg(db_)};
  bindText(q.s, 1, url);
  bindText(q.s, 2, v.etag);
  bindText(q.s, 3, v.last_modified);
  bindText(q.s, 4, body);
  if (sqlite3_step(q.s) != SQLITE_DONE) {
    return Error{path_ + ": writing the sync cache: " + sqlite3_errmsg(db_)};
  }
  return Ok{};
}

Result<std::string> AdvisoryStore::syncedUpdated(const std::string& url) const {
  Statement q;
  sqlite3_prepare_v2(db_, "SELECT synced_updated FROM sync_http_cache WHERE url=?", -1, &q.s,
                     nullptr);
  if (q.s == nullptr) return Error{path_ + ": reading the sync cache: " + sqlite3_errmsg(db_)};
  bindText(q.s, 1, url);
  if (sqlite3_step(q.s) != SQLITE_ROW) return std::string{};
  return column(q.s, 0);
}

Status AdvisoryStore::markSynced(const std::string& url, const std::string& updated) {
  Statement q;
  sqlite3_prepare_v2(db_, "UPDATE sync_http_cache SET synced_updated=? WHERE url=?", -1, &q.s,
                     nullptr);
  if (q.s == nullptr) return Error{path_ + ": writing the sync cache: " + sqlite3_errmsg(db_)};
  bindText(q.s, 1, updated);
  bindText(q.s, 2, url);
  if (sqlite3_step(q.s) != SQLITE_DONE) {
    return Error{path_ + ": writing the sync cache: " + sqlite3_errmsg(db_)};
  }
  return Ok{};
}

Result<bool> AdvisoryStore::putNotice(const Notice& n) {
  Statement q;
  sqlite3_prepare_v2(db_,
                     "SELECT 1 FROM notices WHERE source=? AND key=? AND kind=? AND title=? AND "
                     "link=? AND date=? AND summary=? AND keyword=?",
                     -1, &q.s, nullptr);
  if (q.s == nullptr) return Error{path_ + ": reading notices: " + sqlite3_errmsg(db_)};
  const std::string kind(noticeKindName(n.kind));
  const std::string_view values[] = {n.source,    n.key,       kind,           n.item.title,
                                     n.item.link, n.item.date, n.item.summary, n.keyword};
  for (int i = 0; i < 8; ++i) bindText(q.s, i + 1, values[i]);
  if (sqlite3_step(q.s) == SQLITE_ROW) return false;
  Statement ins;
  sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO notices VALUES(?,?,?,?,?,?,?,?)", -1, &ins.s,
                     nullptr);
  if (ins.s == nullptr) return Error{path_ + ": writing notices: " + sqlite3_errmsg(db_)};
  for (int i = 0; i < 8; ++i) bindText(ins.s, i + 1, values[i]);
  if (sqlite3_step(ins.s) != SQLITE_DONE) {
    return Error{path_ + ": writing notices: " + sqlite3_errmsg(db_)};
  }
  return true;
}

Result<std::vector<Notice>> AdvisoryStore::notices() const {
  Statement q;
  sqlite3_prepare_v2(db_,
                     "SELECT source, key, kind, title, link, date, summary, keyword FROM notices "
                     "ORDER BY date DESC, source, key",
                     -1, &q.s, nullptr);
  if (q.s == nullptr) return Error{path_ + ": reading notices: " + sqlite3_errmsg(db_)};
  std::vector<Notice> out;
  int rc;
  while ((rc = sqlite3_step(q.s)) == SQLITE_ROW) {
    Notice n;
    n.source = column(q.s, 0);
    n.key = column(q.s, 1);
    const std::string kind = column(q.s, 2);
    n.kind = kind == "atom"            ? NoticeKind::Atom
             : kind == "health-canada" ? NoticeKind::HealthCanada
                                       : NoticeKind::Rss;
    n.item = {n.key, column(q.s, 3), column(q.s, 4), column(q.s, 5), column(q.s, 6)};
    n.keyword = column(q.s, 7);
    out.push_back(std::move(n));
  }
  if (rc != SQLITE_DONE) return Error{path_ + ": reading notices: " + sqlite3_errmsg(db_)};
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
