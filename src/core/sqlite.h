// What every SQLite table of medtap.db is written and read with (the inventory, the learned
// baseline, vital-sign trends, advisories): a statement that finalizes itself, text in and out
// by length (values may hold NUL bytes), and opening and executing with one-line errors that
// name the file.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "core/result.h"

namespace medtap::sqlite {

// Another process (a second sensor, `medtap inventory`) may hold the file for a moment.
constexpr int kBusyTimeoutMs = 5000;

struct Statement {
  sqlite3_stmt* s = nullptr;
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(s); }
};

inline std::string column(sqlite3_stmt* s, int i) {
  const unsigned char* t = sqlite3_column_text(s, i);
  return t == nullptr ? std::string{}
                      : std::string(reinterpret_cast<const char*>(t),
                                    static_cast<size_t>(sqlite3_column_bytes(s, i)));
}

// An empty view may have no data pointer, which SQLite would store as NULL.
inline void bindText(sqlite3_stmt* s, int i, std::string_view v) {
  sqlite3_bind_text(s, i, v.empty() ? "" : v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

inline Result<sqlite3*> open(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string why = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Error{path + ": cannot open the database: " + why};
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  return db;
}

inline Status exec(sqlite3* db, const std::string& path, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string why = message != nullptr ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    return Error{path + ": " + why};
  }
  return Ok{};
}

}  // namespace medtap::sqlite
