#include "detect/baseline_store.h"

#include "core/sqlite.h"

namespace medtap::detect {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS baseline_profiles(
  owner_kind TEXT NOT NULL,    -- 'device' (inventory id) or 'class' (device class)
  owner TEXT NOT NULL,
  hours INTEGER NOT NULL,      -- hourly byte totals learned, their mean and squared deviations
  mean REAL NOT NULL,
  m2 REAL NOT NULL,
  hours_of_day INTEGER NOT NULL,  -- bit h: active in UTC hour h
  learned_ns INTEGER NOT NULL,
  overflowed INTEGER NOT NULL,    -- bit k: the set of kind k reached its cap
  PRIMARY KEY(owner_kind, owner)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS baseline_values(
  owner_kind TEXT NOT NULL,
  owner TEXT NOT NULL,
  kind TEXT NOT NULL,          -- 'peer', 'port', 'protocol', 'dns'
  value TEXT NOT NULL,
  PRIMARY KEY(owner_kind, owner, kind, value)) WITHOUT ROWID;
)sql";

// A stored owner or value longer than this was not written by medtap (DNS names are 253 bytes).
constexpr size_t kMaxStoredText = 1024;

using sqlite::bindText;
using sqlite::column;
using sqlite::Statement;

}  // namespace

Result<std::unique_ptr<BaselineStore>> BaselineStore::open(const std::string& path) {
  auto opened = sqlite::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!opened) return Error{opened.error()};
  sqlite3* db = opened.value();
  std::unique_ptr<BaselineStore> store(new BaselineStore(path, db));
  if (auto s = store->exec(kSchema); !s) return Error{s.error()};
  return store;
}

BaselineStore::~BaselineStore() {
  sqlite3_close(db_);
}

Status BaselineStore::exec(const char* sql) {
  return sqlite::exec(db_, path_, sql);
}

Status BaselineStore::fail(const char* what) const {
  return Error{path_ + ": " + what + ": " + sqlite3_errmsg(db_)};
}

Result<Baseline> BaselineStore::load() const {
  Baseline out;
  auto ownerMap = [&](const std::string& kind) -> std::map<std::string, Profile>* {
    if (kind == "device") return &out.devices;
    if (kind == "class") return &out.classes;
    return nullptr;
  };
  Statement p;
  if (sqlite3_prepare_v2(db_,
                         "SELECT owner_kind, owner, hours, mean, m2, hours_of_day, learned_ns, "
                         "overflowed FROM baseline_profiles",
                         -1, &p.s, nullptr) != SQLITE_OK) {
    return Error{fail("reading baseline_profiles").error()};
  }
  int64_t row = 0;
  while (sqlite3_step(p.s) == SQLITE_ROW) {
    ++row;
    const std::string kind = column(p.s, 0), owner = column(p.s, 1);
    auto* profiles = ownerMap(kind);
    const int64_t hours = sqlite3_column_int64(p.s, 2);
    if (profiles == nullptr || owner.empty() || owner.size() > kMaxStoredText || hours < 0) {
      return Error{path_ + ": baseline_profiles row " + std::to_string(row) +
                   ": not a profile medtap wrote"};
    }
    Profile& prof = (*profiles)[owner];
    prof.volume.hours = static_cast<uint64_t>(hours);
    prof.volume.mean = sqlite3_column_double(p.s, 3);
    prof.volume.m2 = sqlite3_column_double(p.s, 4);
    prof.hours_of_day = static_cast<uint32_t>(sqlite3_column_int64(p.s, 5)) & 0xFFFFFFu;
    prof.learned_ns = sqlite3_column_int64(p.s, 6);
    const int64_t overflowed = sqlite3_column_int64(p.s, 7);
    for (size_t i = 0; i < kProfileKinds; ++i) prof.sets[i].overflowed = (overflowed >> i) & 1;
  }
  Statement v;
  if (sqlite3_prepare_v2(db_, "SELECT owner_kind, owner, kind, value FROM baseline_values", -1,
                         &v.s, nullptr) != SQLITE_OK) {
    return Error{fail("reading baseline_values").error()};
  }
  row = 0;
  while (sqlite3_step(v.s) == SQLITE_ROW) {
    ++row;
    const std::string owner_kind = column(v.s, 0), owner = column(v.s, 1);
    const std::string kind_name = column(v.s, 2), value = column(v.s, 3);
    auto* profiles = ownerMap(owner_kind);
    ProfileKind kind;
    if (profiles == nullptr || !parseProfileKind(kind_name, kind) || owner.empty() ||
        owner.size() > kMaxStoredText || value.size() > kMaxStoredText) {
      return Error{path_ + ": baseline_values row " + std::to_string(row) +
                   ": not a value medtap wrote"};
    }
    (*profiles)[owner].learn(kind, value, profileCap(kind, profiles == &out.classes));
  }
  return out;
}

Status BaselineStore::save(const Baseline& all) {
  if (auto s = exec("BEGIN IMMEDIATE"); !s) return s;
  auto rollback = [&](const char* what) {
    Status s = fail(what);
    (void)exec("ROLLBACK");  // the first failure is the one reported
    return s;
  };
  if (auto s = exec("DELETE FROM baseline_profiles; DELETE FROM baseline_values;"); !s) {
    (void)exec("ROLLBACK");  // the first failure is the one reported
    return s;
  }
  Statement p, v;
  if (sqlite3_prepare_v2(db_, "INSERT INTO baseline_profiles VALUES(?,?,?,?,?,?,?,?)", -1, &p.s,
                         nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db_, "INSERT INTO baseline_values VALUES(?,?,?,?)", -1, &v.s, nullptr) !=
          SQLITE_OK) {
    return rollback("saving the baseline");
  }
  for (const auto& [owner_kind, profiles] :
       {std::pair<const char*, const std::map<std::string, Profile>*>{"device", &all.devices},
        {"class", &all.classes}}) {
    for (const auto& [owner, prof] : *profiles) {
      int64_t overflowed = 0;
      for (size_t i = 0; i < kProfileKinds; ++i) {
        if (prof.sets[i].overflowed) overflowed |= int64_t{1} << i;
      }
      sqlite3_reset(p.s);
      bindText(p.s, 1, owner_kind);
      bindText(p.s, 2, owner);
      sqlite3_bind_int64(p.s, 3, static_cast<int64_t>(prof.volume.hours));
      sqlite3_bind_double(p.s, 4, prof.volume.mean);
      sqlite3_bind_double(p.s, 5, prof.volume.m2);
      sqlite3_bind_int64(p.s, 6, prof.hours_of_day);
      sqlite3_bind_int64(p.s, 7, prof.learned_ns);
      sqlite3_bind_int64(p.s, 8, overflowed);
      if (sqlite3_step(p.s) != SQLITE_DONE) return rollback("saving baseline_profiles");
      for (size_t i = 0; i < kProfileKinds; ++i) {
        for (const auto& value : prof.sets[i].values) {
          sqlite3_reset(v.s);
          bindText(v.s, 1, owner_kind);
          bindText(v.s, 2, owner);
          bindText(v.s, 3, profileKindName(static_cast<ProfileKind>(i)));
          bindText(v.s, 4, value);
          if (sqlite3_step(v.s) != SQLITE_DONE) return rollback("saving baseline_values");
        }
      }
    }
  }
  return exec("COMMIT");
}

}  // namespace medtap::detect
