// RAII ownership of SQLite connections and prepared statements, and the one
// place where SQLite result codes become a Status.
//
// Private to data/: callers of the event store never see sqlite3 types.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "marquee/util/status.h"

namespace marquee::sqlite {

struct ConnectionCloser {
  // close_v2 never fails for a busy connection: it closes once the last
  // statement is finalized, so destruction order cannot leak a handle.
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;

// Opens `path` with sqlite3_open_v2 `flags`; the error names the path.
Result<Connection> OpenConnection(const std::string& path, int flags);

// "<context>: <SQLite's message>", with a Status code that matches the kind
// of failure (not a database -> Corruption, disk full -> ResourceExhausted, ...).
Status ErrorStatus(sqlite3* db, int rc, std::string_view context);

// Runs SQL that returns no rows we need (pragmas, DDL, BEGIN, COMMIT).
Status Exec(sqlite3* db, const char* sql, std::string_view context);

// A prepared statement, compiled once and reused. Every use ends with
// Reset(): a statement left mid-step would keep its read snapshot open (and
// block WAL checkpoints) and keep pointing at text the caller may free.
class Statement {
 public:
  Statement() = default;
  static Result<Statement> Prepare(sqlite3* db, std::string_view sql, std::string_view context);

  // Parameters are numbered from 1, as in SQLite. Text is bound without a
  // copy: it must stay alive until Reset().
  void BindInt64(int index, int64_t value) { sqlite3_bind_int64(stmt_.get(), index, value); }
  void BindText(int index, std::string_view text);
  void BindOptionalDouble(int index, std::optional<double> value);
  void BindNull(int index) { sqlite3_bind_null(stmt_.get(), index); }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_.get()); }
  void Reset();

  int64_t ColumnInt64(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
  std::string ColumnText(int column) const;  // NULL reads as ""
  std::optional<double> ColumnOptionalDouble(int column) const;
  bool ColumnIsNull(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

// Resets a statement when the scope that uses it ends, on every path out.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& stmt) : stmt_(stmt) {}
  ~ResetOnExit() { stmt_.Reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement& stmt_;
};

}  // namespace marquee::sqlite
