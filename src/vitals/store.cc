#include "vitals/store.h"

#include <filesystem>

#include "core/sqlite.h"

namespace medtap::vitals {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS vitals_trend(
  bed TEXT NOT NULL,         -- PV1-3 "ICU/07" or "contec-7"; '' when the messages name none
  device TEXT NOT NULL,      -- sender address
  parameter TEXT NOT NULL,   -- data/vitals name: "spo2"
  unit TEXT NOT NULL,        -- canonical unit
  minute INTEGER NOT NULL,   -- Unix seconds, start of the minute
  min REAL NOT NULL, mean REAL NOT NULL, max REAL NOT NULL,
  samples INTEGER NOT NULL,
  PRIMARY KEY(bed, minute, parameter, device)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS vitals_flags(
  bed TEXT NOT NULL, device TEXT NOT NULL, parameter TEXT NOT NULL,
  signature_id INTEGER NOT NULL, check_name TEXT NOT NULL,
  start_s INTEGER NOT NULL, end_s INTEGER NOT NULL,
  PRIMARY KEY(bed, start_s, signature_id, device)) WITHOUT ROWID;
)sql";

using sqlite::bindText;
using sqlite::column;
using sqlite::Statement;

bool hasTable(sqlite3* db, const char* name) {
  Statement s;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", -1, &s.s,
                         nullptr) != SQLITE_OK) {
    return false;
  }
  bindText(s.s, 1, name);
  return sqlite3_step(s.s) == SQLITE_ROW;
}

}  // namespace

Result<std::unique_ptr<TrendStore>> TrendStore::open(const std::string& path) {
  auto db = sqlite::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return Error{db.error()};
  std::unique_ptr<TrendStore> store(new TrendStore(path, db.value()));
  if (auto s = sqlite::exec(store->db_, path, kSchema); !s) return Error{s.error()};
  return store;
}

Result<std::unique_ptr<TrendStore>> TrendStore::openReadOnly(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Error{path + ": No such file or directory"};
  auto db = sqlite::open(path, SQLITE_OPEN_READONLY);
  if (!db) return Error{db.error()};
  std::unique_ptr<TrendStore> store(new TrendStore(path, db.value()));
  store->read_only_ = true;
  return store;
}

TrendStore::~TrendStore() {
  sqlite3_close(db_);
}

Status TrendStore::fail(const char* what) const {
  return Error{path_ + ": " + what + ": " + sqlite3_errmsg(db_)};
}

Status TrendStore::save(const std::vector<TrendRow>& rows, const std::vector<Flag>& flags) {
  if (rows.empty() && flags.empty()) return Ok{};
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return fail("cannot start a transaction");
  }
  bool ok = true;
  int64_t newest = 0;
  {
    Statement ins;
    ok = sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO vitals_trend VALUES(?,?,?,?,?,?,?,?,?)",
                            -1, &ins.s, nullptr) == SQLITE_OK;
    for (size_t i = 0; ok && i < rows.size(); ++i) {
      const TrendRow& r = rows[i];
      sqlite3_reset(ins.s);
      bindText(ins.s, 1, r.bed);
      bindText(ins.s, 2, r.device);
      bindText(ins.s, 3, r.parameter);
      bindText(ins.s, 4, r.unit);
      sqlite3_bind_int64(ins.s, 5, r.minute);
      sqlite3_bind_double(ins.s, 6, r.min);
      sqlite3_bind_double(ins.s, 7, r.mean);
      sqlite3_bind_double(ins.s, 8, r.max);
      sqlite3_bind_int64(ins.s, 9, r.samples);
      ok = sqlite3_step(ins.s) == SQLITE_DONE;
      newest = std::max(newest, r.minute);
    }
  }
  {
    Statement ins;
    ok = ok && sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO vitals_flags VALUES(?,?,?,?,?,?,?)",
                                  -1, &ins.s, nullptr) == SQLITE_OK;
    for (size_t i = 0; ok && i < flags.size(); ++i) {
      const Flag& f = flags[i];
      sqlite3_reset(ins.s);
      bindText(ins.s, 1, f.bed);
      bindText(ins.s, 2, f.device);
      bindText(ins.s, 3, f.parameter);
      sqlite3_bind_int64(ins.s, 4, f.signature_id);
      bindText(ins.s, 5, f.check);
      sqlite3_bind_int64(ins.s, 6, f.start);
      sqlite3_bind_int64(ins.s, 7, f.end);
      ok = sqlite3_step(ins.s) == SQLITE_DONE;
      newest = std::max(newest, f.end);
    }
  }
  if (ok && newest > 0) {
    // The bound: a month behind the newest minute saved.
    for (const char* sql : {"DELETE FROM vitals_trend WHERE minute < ?",
                            "DELETE FROM vitals_flags WHERE end_s < ?"}) {
      Statement del;
      ok = ok && sqlite3_prepare_v2(db_, sql, -1, &del.s, nullptr) == SQLITE_OK;
      if (!ok) break;
      sqlite3_bind_int64(del.s, 1, newest - kKeepDays * 86400);
      ok = sqlite3_step(del.s) == SQLITE_DONE;
    }
  }
  if (!ok) {
    Status s = fail("cannot save the vital-sign trend");
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return s;
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return fail("cannot commit the vital-sign trend");
  }
  return Ok{};
}

Result<std::vector<TrendRow>> TrendStore::trend(const std::string& bed, std::optional<int64_t> from,
                                                std::optional<int64_t> to) const {
  std::vector<TrendRow> out;
  if (!hasTable(db_, "vitals_trend")) return out;
  Statement q;
  if (sqlite3_prepare_v2(db_,
                         "SELECT bed, device, parameter, unit, minute, min, mean, max, samples "
                         "FROM vitals_trend WHERE bed=? AND minute>=? AND minute<=? "
                         "ORDER BY minute, parameter, device",
                         -1, &q.s, nullptr) != SQLITE_OK) {
    return Error{fail("cannot read the vital-sign trend").error()};
  }
  bindText(q.s, 1, bed);
  sqlite3_bind_int64(q.s, 2, from.value_or(INT64_MIN));
  sqlite3_bind_int64(q.s, 3, to.value_or(INT64_MAX));
  int rc;
  while ((rc = sqlite3_step(q.s)) == SQLITE_ROW) {
    TrendRow r;
    r.bed = column(q.s, 0);
    r.device = column(q.s, 1);
    r.parameter = column(q.s, 2);
    r.unit = column(q.s, 3);
    r.minute = sqlite3_column_int64(q.s, 4);
    r.min = sqlite3_column_double(q.s, 5);
    r.mean = sqlite3_column_double(q.s, 6);
    r.max = sqlite3_column_double(q.s, 7);
    r.samples = static_cast<uint32_t>(sqlite3_column_int64(q.s, 8));
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return Error{fail("cannot read the vital-sign trend").error()};
  return out;
}

Result<std::vector<Flag>> TrendStore::flags(const std::string& bed, std::optional<int64_t> from,
                                            std::optional<int64_t> to) const {
  std::vector<Flag> out;
  if (!hasTable(db_, "vitals_flags")) return out;
  Statement q;
  if (sqlite3_prepare_v2(
          db_,
          "SELECT bed, device, parameter, signature_id, check_name, start_s, end_s "
          "FROM vitals_flags WHERE bed=? AND end_s>=? AND start_s<=? ORDER BY start_s",
          -1, &q.s, nullptr) != SQLITE_OK) {
    return Error{fail("cannot read the flagged windows").error()};
  }
  bindText(q.s, 1, bed);
  sqlite3_bind_int64(q.s, 2, from.value_or(INT64_MIN));
  sqlite3_bind_int64(q.s, 3, to.value_or(INT64_MAX));
  int rc;
  while ((rc = sqlite3_step(q.s)) == SQLITE_ROW) {
    Flag f;
    f.bed = column(q.s, 0);
    f.device = column(q.s, 1);
    f.parameter = column(q.s, 2);
    f.signature_id = static_cast<uint32_t>(sqlite3_column_int64(q.s, 3));
    f.check = column(q.s, 4);
    f.start = sqlite3_column_int64(q.s, 5);
    f.end = sqlite3_column_int64(q.s, 6);
    out.push_back(std::move(f));
  }
  if (rc != SQLITE_DONE) return Error{fail("cannot read the flagged windows").error()};
  return out;
}

}  // namespace medtap::vitals
