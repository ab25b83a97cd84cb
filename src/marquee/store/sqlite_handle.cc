#include "marquee/store/sqlite_handle.h"

#include <utility>

namespace marquee::sqlite {
namespace {

Status StatusFor(int rc, std::string msg) {
  switch (rc & 0xff) {  // the primary code; extended codes refine it
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT: return Status::Corruption(std::move(msg));
    case SQLITE_FULL:
    case SQLITE_NOMEM:
    case SQLITE_TOOBIG: return Status::ResourceExhausted(std::move(msg));
    case SQLITE_CANTOPEN: return Status::NotFound(std::move(msg));
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
    case SQLITE_CONSTRAINT: return Status::InvalidArgument(std::move(msg));
    default: return Status::IOError(std::move(msg));
  }
}

}  // namespace

Status ErrorStatus(sqlite3* db, int rc, std::string_view context) {
  // The connection's message is more specific than the generic one for the
  // code ("no such table: events" rather than "SQL logic error").
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string msg(context);
  msg.append(": ").append(detail != nullptr ? detail : sqlite3_errstr(rc));
  return StatusFor(rc, std::move(msg));
}

Result<Connection> OpenConnection(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Connection db(raw);  // owns the handle even when opening failed
  if (rc != SQLITE_OK) return ErrorStatus(db.get(), rc, path);
  sqlite3_extended_result_codes(db.get(), 1);
  return db;
}

Status Exec(sqlite3* db, const char* sql, std::string_view context) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return ErrorStatus(db, rc, context);
  return Status::OK();
}

Result<Statement> Statement::Prepare(sqlite3* db, std::string_view sql, std::string_view context) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                              &raw, nullptr);
  Statement stmt;
  stmt.stmt_.reset(raw);
  if (rc != SQLITE_OK) return ErrorStatus(db, rc, context);
  return stmt;
}

void Statement::BindText(int index, std::string_view text) {
  // A non-null pointer even for "" so that an empty string stays '' rather
  // than becoming NULL.
  static const char kEmpty[] = "";
  const char* data = text.empty() ? kEmpty : text.data();
  sqlite3_bind_text64(stmt_.get(), index, data, text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

void Statement::BindOptionalDouble(int index, std::optional<double> value) {
  if (value) {
    sqlite3_bind_double(stmt_.get(), index, *value);
  } else {
    sqlite3_bind_null(stmt_.get(), index);
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::string Statement::ColumnText(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), column)));
}

std::optional<double> Statement::ColumnOptionalDouble(int column) const {
  if (sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(stmt_.get(), column);
}

}  // namespace marquee::sqlite
