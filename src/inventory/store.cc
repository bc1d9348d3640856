#include "inventory/store.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "inventory/facts.h"

#include "core/sqlite.h"

namespace medtap::inventory {

namespace {

constexpr int kSchemaVersion = 1;

// The schema's text is stored in the file: its comments are searched by the PHI test like any
// output, so they avoid short common words that are also names in the test data.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS facts(
  ip TEXT NOT NULL,          -- '' when known by MAC only
  mac TEXT NOT NULL,         -- '' when the link layer had none
  source TEXT NOT NULL,      -- inventory/facts.h
  value TEXT NOT NULL,
  first_ns INTEGER NOT NULL,
  last_ns INTEGER NOT NULL,
  count INTEGER NOT NULL,
  flow_id INTEGER NOT NULL,
  PRIMARY KEY(ip, mac, source, value)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS devices(
  id TEXT PRIMARY KEY,
  vendor TEXT NOT NULL, model TEXT NOT NULL, device_class TEXT NOT NULL, firmware TEXT NOT NULL,
  confidence REAL NOT NULL,
  tags TEXT NOT NULL,        -- JSON arrays
  ips TEXT NOT NULL, macs TEXT NOT NULL, hostnames TEXT NOT NULL,
  first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
  json TEXT NOT NULL);       -- the device object of inventory.json
CREATE TABLE IF NOT EXISTS alerts(
  signature_id INTEGER NOT NULL,
  signature TEXT NOT NULL, category TEXT NOT NULL, severity INTEGER NOT NULL,
  device_id TEXT NOT NULL, device_ip TEXT NOT NULL,
  key TEXT NOT NULL,         -- AlertRecord::distinctKey(): destination, advisory, or ''
  first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL,
  first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,  -- ISO 8601, for people reading the table
  count INTEGER NOT NULL,
  json TEXT NOT NULL,        -- the alert event, latest (docs/EVENTS.md)
  PRIMARY KEY(signature_id, device_id, key)) WITHOUT ROWID;
)sql";

using sqlite::bindText;
using sqlite::column;
using sqlite::Statement;

// Values come off the wire: bytes that are not UTF-8 are replaced, never thrown on.
std::string jsonArray(const std::vector<std::string>& values) {
  return nlohmann::json(values).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> jsonList(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (j.is_array()) {
    for (const auto& v : j) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

}  // namespace

events::DeviceRecord deviceRecord(const StoredDevice& s) {
  events::DeviceRecord r;
  r.id = s.id;
  r.vendor = s.vendor;
  r.model = s.model;
  r.device_class = s.device_class;
  r.firmware = s.firmware;
  r.tags = s.tags;
  for (const auto& m : s.macs) {
    if (auto mac = MacAddress::parse(m)) r.macs.push_back(*mac);
  }
  auto json = nlohmann::json::parse(s.json, nullptr, false);
  if (json.is_object() && json.contains("addresses") && json["addresses"].is_array()) {
    for (const auto& a : json["addresses"]) {
      if (!a.is_object() || !a.contains("ip") || !a["ip"].is_string()) continue;
      auto ip = IpAddress::parse(a["ip"].get<std::string>());
      if (!ip) continue;
      const std::string locality = a.value("locality", std::string("unknown"));
      events::DeviceAddress addr;
      addr.ip = *ip;
      addr.locality = locality == "local" ? "local" : locality == "routed" ? "routed" : "unknown";
      addr.site = a.value("site", false);
      r.ips.push_back(*ip);
      r.addresses.push_back(addr);
    }
  }
  return r;
}

StoredDevice storedDevice(const events::DeviceRecord& d, std::string json) {
  StoredDevice s;
  s.id = d.id;
  s.vendor = d.vendor;
  s.model = d.model;
  s.device_class = d.device_class;
  s.firmware = d.firmware;
  s.confidence = d.confidence;
  s.tags = d.tags;
  for (const auto& ip : d.ips) s.ips.push_back(ip.toString());
  for (const auto& m : d.macs) s.macs.push_back(m.toString());
  s.hostnames = d.hostnames;
  appendIso8601(s.first_seen, d.first_seen);
  appendIso8601(s.last_seen, d.last_seen);
  s.json = std::move(json);
  return s;
}

StoredAlert storedAlert(const events::AlertRecord& a, std::string eve_line) {
  StoredAlert s;
  s.signature_id = a.signature_id;
  s.signature = a.signature;
  s.category = a.category;
  s.severity = a.severity;
  s.device_id = a.device_id;
  if (a.device_ip.family() != IpFamily::None) s.device_ip = a.device_ip.toString();
  s.key = a.distinctKey();
  s.first_ns = a.first_seen.ns;
  s.last_ns = a.last_seen.ns;
  s.count = a.count;
  s.json = std::move(eve_line);
  return s;
}

Result<sqlite3*> Store::openHandle(const std::string& path, int flags) {
  return sqlite::open(path, flags);
}

Status Store::checkSchemaVersion() const {
  Statement v;
  if (sqlite3_prepare_v2(db_, "SELECT value FROM meta WHERE key='schema_version'", -1, &v.s,
                         nullptr) != SQLITE_OK) {
    return Error{path_ + ": not a medtap database: " + sqlite3_errmsg(db_)};
  }
  if (sqlite3_step(v.s) != SQLITE_ROW) {
    return Error{path_ + ": not a medtap database: no schema version"};
  }
  const int version = sqlite3_column_int(v.s, 0);
  if (version > kSchemaVersion) {
    return Error{path_ + ": written by a newer medtap (schema " + std::to_string(version) +
                 ", this one knows " + std::to_string(kSchemaVersion) + ")"};
  }
  return Ok{};
}

Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
  auto db = openHandle(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return Error{db.error()};
  std::unique_ptr<Store> store(new Store(path, db.value()));
  if (auto s = store->exec(kSchema); !s) return Error{s.error()};
  Statement v;
  sqlite3_prepare_v2(store->db_, "SELECT 1 FROM meta WHERE key='schema_version'", -1, &v.s,
                     nullptr);
  if (v.s == nullptr || sqlite3_step(v.s) != SQLITE_ROW) {
    const std::string set = "INSERT OR REPLACE INTO meta VALUES('schema_version','" +
                            std::to_string(kSchemaVersion) + "')";
    if (auto s = store->exec(set.c_str()); !s) return Error{s.error()};
  }
  if (auto s = store->checkSchemaVersion(); !s) return Error{s.error()};
  return store;
}

Result<std::unique_ptr<Store>> Store::openReadOnly(const std::string& path) {
  // SQLite's own message for a missing file ("unable to open database file") does not say why.
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Error{path + ": No such file or directory"};
  auto db = openHandle(path, SQLITE_OPEN_READONLY);
  if (!db) return Error{db.error()};
  std::unique_ptr<Store> store(new Store(path, db.value()));
  if (auto s = store->checkSchemaVersion(); !s) return Error{s.error()};
  return store;
}

Store::~Store() {
  sqlite3_close(db_);
}

Status Store::exec(const char* sql) {
  return sqlite::exec(db_, path_, sql);
}

Status Store::fail(const char* what) const {
  return Error{path_ + ": " + what + ": " + sqlite3_errmsg(db_)};
}

Status Store::loadFacts(Observations& into) const {
  Statement q;
  if (sqlite3_prepare_v2(db_,
                         "SELECT ip, mac, source, value, first_ns, last_ns, count, flow_id "
                         "FROM facts",
                         -1, &q.s, nullptr) != SQLITE_OK) {
    return fail("reading facts");
  }
  int rc;
  while ((rc = sqlite3_step(q.s)) == SQLITE_ROW) {
    EndpointKey key;
    if (auto ip = IpAddress::parse(column(q.s, 0))) key.ip = *ip;
    key.mac = MacAddress::parse(column(q.s, 1));
    FactStats stats{Timestamp{sqlite3_column_int64(q.s, 4)},
                    Timestamp{sqlite3_column_int64(q.s, 5)},
                    static_cast<uint64_t>(sqlite3_column_int64(q.s, 6)),
                    static_cast<uint64_t>(sqlite3_column_int64(q.s, 7))};
    into.addStats(key, column(q.s, 2), column(q.s, 3), stats);
  }
  return rc == SQLITE_DONE ? Status{Ok{}} : fail("reading facts");
}

Status Store::saveFacts(const Observations& all) {
  if (auto s = exec("BEGIN IMMEDIATE; DELETE FROM facts;"); !s) return s;
  Statement ins;
  if (sqlite3_prepare_v2(db_, "INSERT INTO facts VALUES(?,?,?,?,?,?,?,?)", -1, &ins.s, nullptr) !=
      SQLITE_OK) {
    exec("ROLLBACK");
    return fail("writing facts");
  }
  for (const auto& [key, facts] : all.endpoints()) {
    const std::string ip = key.ip.family() == IpFamily::None ? "" : key.ip.toString();
    const std::string mac = key.mac ? key.mac->toString() : "";
    for (const auto& [fact, stats] : facts) {
      sqlite3_reset(ins.s);
      bindText(ins.s, 1, ip);
      bindText(ins.s, 2, mac);
      bindText(ins.s, 3, factSource(fact));
      bindText(ins.s, 4, factValue(fact));
      sqlite3_bind_int64(ins.s, 5, stats.first.ns);
      sqlite3_bind_int64(ins.s, 6, stats.last.ns);
      sqlite3_bind_int64(ins.s, 7, static_cast<sqlite3_int64>(stats.count));
      sqlite3_bind_int64(ins.s, 8, static_cast<sqlite3_int64>(stats.flow_id));
      if (sqlite3_step(ins.s) != SQLITE_DONE) {
        Status failed = fail("writing facts");
        exec("ROLLBACK");
        return failed;
      }
    }
  }
  return exec("COMMIT");
}

Result<std::vector<StoredDevice>> Store::devices() const {
  Statement q;
  if (sqlite3_prepare_v2(db_,
                         "SELECT id, vendor, model, device_class, firmware, confidence, tags, ips, "
                         "macs, hostnames, first_seen, last_seen, json FROM devices ORDER BY id",
                         -1, &q.s, nullptr) != SQLITE_OK) {
    return Error{path_ + ": reading devices: " + sqlite3_errmsg(db_)};
  }
  std::vector<StoredDevice> out;
  int rc;
  while ((rc = sqlite3_step(q.s)) == SQLITE_ROW) {
    StoredDevice d;
    d.id = column(q.s, 0);
    d.vendor = column(q.s, 1);
    d.model = column(q.s, 2);
    d.device_class = column(q.s, 3);
    d.firmware = column(q.s, 4);
    d.confidence = sqlite3_column_double(q.s, 5);
    d.tags = jsonList(column(q.s, 6));
    d.ips = jsonList(column(q.s, 7));
    d.macs = jsonList(column(q.s, 8));
    d.hostnames = jsonList(column(q.s, 9));
    d.first_seen = column(q.s, 10);
    d.last_seen = column(q.s, 11);
    d.json = column(q.s, 12);
    out.push_back(std::move(d));
  }
  if (rc != SQLITE_DONE) return Error{path_ + ": reading devices: " + sqlite3_errmsg(db_)};
  return out;
}

Status Store::saveDevices(const std::vector<StoredDevice>& devices) {
  if (auto s = exec("BEGIN IMMEDIATE; DELETE FROM devices;"); !s) return s;
  Statement ins;
  if (sqlite3_prepare_v2(db_, "INSERT INTO devices VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &ins.s,
                         nullptr) != SQLITE_OK) {
    exec("ROLLBACK");
    return fail("writing devices");
  }
  for (const auto& d : devices) {
    sqlite3_reset(ins.s);
    bindText(ins.s, 1, d.id);
    bindText(ins.s, 2, d.vendor);
    bindText(ins.s, 3, d.model);
    bindText(ins.s, 4, d.device_class);
    bindText(ins.s, 5, d.firmware);
    sqlite3_bind_double(ins.s, 6, d.confidence);
    bindText(ins.s, 7, jsonArray(d.tags));
    bindText(ins.s, 8, jsonArray(d.ips));
    bindText(ins.s, 9, jsonArray(d.macs));
    bindText(ins.s, 10, jsonArray(d.hostnames));
    bindText(ins.s, 11, d.first_seen);
    bindText(ins.s, 12, d.last_seen);
    bindText(ins.s, 13, d.json);
    if (sqlite3_step(ins.s) != SQLITE_DONE) {
      Status failed = fail("writing devices");
      exec("ROLLBACK");
      return failed;
    }
  }
  return exec("COMMIT");
}

Status Store::saveAlerts(const std::vector<StoredAlert>& alerts) {
  if (alerts.empty()) return Ok{};
  if (auto s = exec("BEGIN IMMEDIATE"); !s) return s;
  Statement up;
  if (sqlite3_prepare_v2(db_,
                         "INSERT INTO alerts VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13) "
                         "ON CONFLICT(signature_id, device_id, key) DO UPDATE SET "
                         "count = CASE WHEN excluded.first_ns > alerts.last_ns "
                         "  THEN alerts.count + excluded.count "
                         "  ELSE max(alerts.count, excluded.count) END, "
                         "first_seen = CASE WHEN excluded.first_ns < alerts.first_ns "
                         "  THEN excluded.first_seen ELSE alerts.first_seen END, "
                         "last_seen = CASE WHEN excluded.last_ns > alerts.last_ns "
                         "  THEN excluded.last_seen ELSE alerts.last_seen END, "
                         "first_ns = min(alerts.first_ns, excluded.first_ns), "
                         "last_ns = max(alerts.last_ns, excluded.last_ns), "
                         "signature = excluded.signature, category = excluded.category, "
                         "severity = excluded.severity, device_ip = excluded.device_ip, "
                         "json = excluded.json",
                         -1, &up.s, nullptr) != SQLITE_OK) {
    Status failed = fail("writing alerts");
    exec("ROLLBACK");
    return failed;
  }
  for (const auto& a : alerts) {
    std::string first, last;
    appendIso8601(first, Timestamp{a.first_ns});
    appendIso8601(last, Timestamp{a.last_ns});
    sqlite3_reset(up.s);
    sqlite3_bind_int64(up.s, 1, a.signature_id);
    bindText(up.s, 2, a.signature);
    bindText(up.s, 3, a.category);
    sqlite3_bind_int(up.s, 4, a.severity);
    bindText(up.s, 5, a.device_id);
    bindText(up.s, 6, a.device_ip);
    bindText(up.s, 7, a.key);
    sqlite3_bind_int64(up.s, 8, a.first_ns);
    sqlite3_bind_int64(up.s, 9, a.last_ns);
    bindText(up.s, 10, first);
    bindText(up.s, 11, last);
    sqlite3_bind_int64(up.s, 12, static_cast<sqlite3_int64>(a.count));
    bindText(up.s, 13, a.json);
    if (sqlite3_step(up.s) != SQLITE_DONE) {
      Status failed = fail("writing alerts");
      exec("ROLLBACK");
      return failed;
    }
  }
  return exec("COMMIT");
}

Result<std::vector<StoredAlert>> Store::alerts() const {
  Statement q;
  if (sqlite3_prepare_v2(db_,
                         "SELECT signature_id, signature, category, severity, device_id, "
                         "device_ip, key, first_ns, last_ns, count, json FROM alerts "
                         "ORDER BY signature_id, device_id, key",
                         -1, &q.s, nullptr) != SQLITE_OK) {
    return Error{path_ + ": reading alerts: " + sqlite3_errmsg(db_)};
  }
  std::vector<StoredAlert> out;
  int rc;
  while ((rc = sqlite3_step(q.s)) == SQLITE_ROW) {
    StoredAlert a;
    a.signature_id = static_cast<uint32_t>(sqlite3_column_int64(q.s, 0));
    a.signature = column(q.s, 1);
    a.category = column(q.s, 2);
    a.severity = sqlite3_column_int(q.s, 3);
    a.device_id = column(q.s, 4);
    a.device_ip = column(q.s, 5);
    a.key = column(q.s, 6);
    a.first_ns = sqlite3_column_int64(q.s, 7);
    a.last_ns = sqlite3_column_int64(q.s, 8);
    a.count = static_cast<uint64_t>(sqlite3_column_int64(q.s, 9));
    a.json = column(q.s, 10);
    out.push_back(std::move(a));
  }
  if (rc != SQLITE_DONE) return Error{path_ + ": reading alerts: " + sqlite3_errmsg(db_)};
  return out;
}

}  // namespace medtap::inventory
