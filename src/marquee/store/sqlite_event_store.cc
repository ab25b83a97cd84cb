// EventStore over SQLite in WAL mode.
//
// Connections: the writer, used only by the current group-commit leader (or
// by Open), and a small pool of readers, each used by one thread at a time.
// WAL lets every reader see the last committed state while a commit is in
// flight, so reads never wait for an fsync, and concurrent reads do not wait
// for each other (up to max_readers at once).
#include "marquee/store/sqlite_event_store.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "marquee/store/sqlite_handle.h"
#include "marquee/util/json_fields.h"
#include "marquee/util/mutex.h"

namespace marquee {
namespace {

using sqlite::Connection;
using sqlite::ErrorStatus;
using sqlite::Exec;
using sqlite::ResetOnExit;
using sqlite::Statement;

// Bump when the tables change; Open refuses files written by a newer build
// and upgrades older ones (PrepareSchema). Version 2 added events.eligible
// and the ledger table; version 3 the page placement of impressions
// (events.page_id, row_id, row_position, column_position); version 4 the
// experiment tag of exposures and interleaved impressions (events.experiment,
// cell, team); version 5 the title log (added_titles), which an older build
// must not open: it would serve without titles this store acknowledged.
constexpr int64_t kSchemaVersion = 5;
constexpr int kBusyTimeoutMs = 10000;
// WAL pages after which a checkpoint copies the log into the database
// (SQLite's own automatic checkpoint uses 1000). The checkpoint runs on the
// store's checkpoint thread, not on the committing leader, so an append
// never waits for it (a checkpoint writes megabytes and fsyncs the database
// file); a few thousand pages let it copy each page once where successive
// commits rewrote it (the tables' last pages).
constexpr int kCheckpointPages = 4000;

constexpr const char* kCreateMeta =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)";
constexpr const char* kCreateEvents =
    "CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, kind INTEGER, member TEXT, "
    "title TEXT, time INTEGER, watch_fraction REAL, rating REAL, artwork TEXT, propensity REAL, "
    "impression_id TEXT, eligible TEXT, page_id TEXT, row_id TEXT, row_position INTEGER, "
    "column_position INTEGER, experiment TEXT, cell TEXT, team TEXT)";
constexpr const char* kCreateMemberIndex =
    "CREATE INDEX IF NOT EXISTS events_member_seq ON events(member, seq)";
// seq is written by the store (the chain hashes it), not left to SQLite.
constexpr const char* kCreateLedger =
    "CREATE TABLE IF NOT EXISTS ledger(seq INTEGER PRIMARY KEY, kind INTEGER, entry_id TEXT UNIQUE, "
    "time INTEGER, payload TEXT, prev_hash TEXT, hash TEXT)";

// Experiments (issue 14, schema version 4) and an index of the exposures
// alone (a partial index: only kind 4 rows are in it), which the server
// reads at start to log each member's exposure once.
constexpr const char* kCreateExperiments =
    "CREATE TABLE IF NOT EXISTS experiments(name TEXT PRIMARY KEY, definition TEXT NOT NULL, "
    "range_begin INTEGER NOT NULL, range_end INTEGER NOT NULL, created_at INTEGER NOT NULL, "
    "stopped_at INTEGER NOT NULL)";
constexpr const char* kCreateExposureIndex =
    "CREATE INDEX IF NOT EXISTS events_exposures ON events(experiment, member) WHERE kind = 4";

// Titles added while serving (issue 15 §2, schema version 5), in the order added.
constexpr const char* kCreateAddedTitles =
    "CREATE TABLE IF NOT EXISTS added_titles(seq INTEGER PRIMARY KEY, title_id TEXT NOT NULL UNIQUE, "
    "definition TEXT NOT NULL, added_at INTEGER NOT NULL)";

using Column = std::pair<std::string_view, std::string_view>;  // name, declared type

// The events table as kCreateEvents declares it. A version 1 store has the
// first kEventColumnsV1 of them, a version 2 store the first kEventColumnsV2.
constexpr Column kEventColumns[] = {
    {"seq", "INTEGER"},        {"kind", "INTEGER"},         {"member", "TEXT"},
    {"title", "TEXT"},         {"time", "INTEGER"},         {"watch_fraction", "REAL"},
    {"rating", "REAL"},        {"artwork", "TEXT"},         {"propensity", "REAL"},
    {"impression_id", "TEXT"}, {"eligible", "TEXT"},        {"page_id", "TEXT"},
    {"row_id", "TEXT"},        {"row_position", "INTEGER"}, {"column_position", "INTEGER"},
    {"experiment", "TEXT"},    {"cell", "TEXT"},            {"team", "TEXT"},
};
constexpr size_t kEventColumnsV1 = 10;
constexpr size_t kEventColumnsV2 = 11;
constexpr size_t kEventColumnsV3 = 15;

// The ledger table as kCreateLedger declares it.
constexpr Column kLedgerColumns[] = {
    {"seq", "INTEGER"}, {"kind", "INTEGER"},   {"entry_id", "TEXT"}, {"time", "INTEGER"},
    {"payload", "TEXT"}, {"prev_hash", "TEXT"}, {"hash", "TEXT"},
};

constexpr std::string_view kInsertEvent =
    "INSERT INTO events(kind, member, title, time, watch_fraction, rating, artwork, propensity, "
    "impression_id, eligible, page_id, row_id, row_position, column_position, experiment, cell, team) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
// An entry whose id is stored already is skipped (sqlite3_changes tells).
// A seq that is taken is still an error: it means another writer extended
// the chain behind this one's back, and the chain must not fork.
constexpr std::string_view kInsertLedger =
    "INSERT INTO ledger(seq, kind, entry_id, time, payload, prev_hash, hash) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(entry_id) DO NOTHING";
constexpr std::string_view kSelectLastLedgerRow = "SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1";
constexpr std::string_view kSelectLedgerAfter =
    "SELECT seq, kind, entry_id, time, payload, prev_hash, hash FROM ledger WHERE seq > ?1 ORDER BY seq "
    "LIMIT ?2";
constexpr std::string_view kCountLedger = "SELECT count(*) FROM ledger";
constexpr std::string_view kSelectLedgerEntry =
    "SELECT seq, kind, entry_id, time, payload, prev_hash, hash FROM ledger WHERE entry_id = ?1";
// Every read selects the same columns in this order; see ReadEventRow.
#define MARQUEE_EVENT_COLUMNS                                                                              \
  "seq, kind, member, title, time, watch_fraction, rating, artwork, propensity, impression_id, eligible, " \
  "page_id, row_id, row_position, column_position, experiment, cell, team"
constexpr std::string_view kSelectMember =
    "SELECT " MARQUEE_EVENT_COLUMNS " FROM events WHERE member = ?1 ORDER BY seq";
constexpr std::string_view kSelectAfter =
    "SELECT " MARQUEE_EVENT_COLUMNS " FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2";
#undef MARQUEE_EVENT_COLUMNS
constexpr std::string_view kCountEvents = "SELECT count(*) FROM events";
constexpr std::string_view kLastSequence = "SELECT coalesce(max(seq), 0) FROM events";

Status ValidateBatch(std::span<const Event> events) {
  for (size_t i = 0; i < events.size(); ++i) {
    Status s = ValidateEvent(events[i]);
    if (!s.ok()) return s.WithContext("event " + std::to_string(i));
  }
  return Status::OK();
}

// The store keeps payloads opaque; it needs an id to make entries unique and
// a kind it can name.
Status ValidateLedger(std::span<const LedgerEntry> ledger) {
  for (size_t i = 0; i < ledger.size(); ++i) {
    const std::string context = "ledger entry " + std::to_string(i);
    if (ledger[i].entry_id.empty()) {
      return Status::InvalidField("entry_id", "entry_id: expected a non-empty id, found an empty string")
          .WithContext(context);
    }
    if (ledger[i].kind > LedgerKind::kReversal) {
      return Status::InvalidField("kind", fmt::format("kind: expected impression, play or reversal, found {}",
                                                      static_cast<int>(ledger[i].kind)))
          .WithContext(context);
    }
  }
  return Status::OK();
}

// Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back on any failure so
// that nothing of a failed transaction is stored and the connection is
// ready for the next one.
template <typename Body>
Status InTransaction(sqlite3* db, std::string_view context, Body&& body) {
  // IMMEDIATE takes the write lock up front: a transaction that starts as a
  // reader and upgrades can fail with BUSY without waiting for the timeout.
  MARQUEE_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE", context));
  Status s = body();
  if (s.ok()) s = Exec(db, "COMMIT", context);
  if (!s.ok() && !sqlite3_get_autocommit(db)) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);  // the first error is the one to report
  }
  return s;
}

// Runs a prepared statement that returns no rows (BEGIN, COMMIT) once.
Status StepOnce(Statement& statement, sqlite3* db, std::string_view context) {
  ResetOnExit reset(statement);
  const int rc = statement.Step();
  if (rc != SQLITE_DONE) return ErrorStatus(db, rc, context);
  return Status::OK();
}

Status CheckFolderExists(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (parent.empty() || std::filesystem::is_directory(parent, ec)) return Status::OK();
  return Status::NotFound(path + ": folder " + parent.string() + " does not exist");
}

Result<Connection> OpenConfigured(const std::string& path, int flags) {
  MARQUEE_ASSIGN_OR_RETURN(Connection db, sqlite::OpenConnection(path, flags | SQLITE_OPEN_NOMUTEX));
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  return db;
}

// The writer starts at synchronous=FULL (Durability::kFsync); CommitGroup
// lowers it for groups that ask for less.
Status EnableWal(sqlite3* db, const std::string& path) {
  MARQUEE_ASSIGN_OR_RETURN(Statement mode,
                           Statement::Prepare(db, "PRAGMA journal_mode=WAL", path));
  int rc = mode.Step();
  if (rc != SQLITE_ROW) return ErrorStatus(db, rc, path);
  std::string got = mode.ColumnText(0);
  mode.Reset();
  // In-memory and some special files cannot do WAL; without it a second
  // connection would not see the first one's writes.
  if (got != "wal") {
    return Status::Unsupported(
        fmt::format("{}: cannot use write-ahead logging (journal mode is {})", path, got));
  }
  return Exec(db, "PRAGMA synchronous=FULL", path);
}

// In WAL mode FULL fsyncs the WAL at every commit; NORMAL only writes the
// frames (so they are in the OS's page cache when COMMIT returns, safe from a
// process kill) and fsyncs at checkpoints.
const char* SynchronousPragma(Durability durability) {
  return durability == Durability::kFsync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
}

// The stored schema version, or 0 when the file has none yet (a new store).
Result<int64_t> ReadSchemaVersion(sqlite3* db, const std::string& path) {
  MARQUEE_ASSIGN_OR_RETURN(
      Statement query, Statement::Prepare(db, "SELECT value FROM meta WHERE key = 'schema_version'", path));
  ResetOnExit reset(query);
  int rc = query.Step();
  if (rc == SQLITE_DONE) return int64_t{0};
  if (rc != SQLITE_ROW) return ErrorStatus(db, rc, path);
  return query.ColumnInt64(0);
}

Status CheckSchemaVersion(int64_t version, const std::string& path) {
  if (version > kSchemaVersion) {
    return Status::Unsupported(fmt::format(
        "{}: event store schema version {} is newer than this build supports ({})", path, version,
        kSchemaVersion));
  }
  if (version < 0) {
    return Status::Corruption(
        fmt::format("{}: event store schema version {} is not valid", path, version));
  }
  return Status::OK();
}

// A file made by someone else may have an events (or ledger) table of its
// own; appending to it would fail later with a less helpful message, so check
// it up front: `table` must have exactly `columns`, in order.
Status CheckTableShape(sqlite3* db, const std::string& path, std::string_view table,
                       std::span<const Column> columns) {
  const std::string pragma = fmt::format("PRAGMA table_info({})", table);
  MARQUEE_ASSIGN_OR_RETURN(Statement info, Statement::Prepare(db, pragma, path));
  ResetOnExit reset(info);
  std::string found;
  bool matches = true;
  size_t n = 0;
  int rc;
  while ((rc = info.Step()) == SQLITE_ROW) {
    std::string name = info.ColumnText(1);
    std::string type = info.ColumnText(2);
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::toupper(c); });
    if (n >= columns.size() || columns[n].first != name || columns[n].second != type) {
      matches = false;
    }
    found.append(n == 0 ? "" : ", ").append(name).append(" ").append(type);
    ++n;
  }
  if (rc != SQLITE_DONE) return ErrorStatus(db, rc, path);
  if (matches && n == columns.size()) return Status::OK();
  std::string expected;
  for (const auto& [name, type] : columns) {
    expected.append(expected.empty() ? "" : ", ").append(name).append(" ").append(type);
  }
  return Status::Corruption(
      fmt::format("{}: table {} has columns ({}), expected ({})", path, table, found, expected));
}

Status CheckEventsShape(sqlite3* db, const std::string& path, size_t columns = std::size(kEventColumns)) {
  return CheckTableShape(db, path, "events", std::span(kEventColumns).first(columns));
}

// Version 1 -> 2: events gain `eligible` (NULL for the rows already there:
// they were logged before the consent gate). The ledger table is created by
// PrepareSchema like a new store's; it starts empty, at the genesis hash.
Status UpgradeFromVersion1(sqlite3* db, const std::string& path) {
  MARQUEE_RETURN_IF_ERROR(CheckEventsShape(db, path, kEventColumnsV1));
  return Exec(db, "ALTER TABLE events ADD COLUMN eligible TEXT", path);
}

// Version 2 -> 3: events gain the page placement of impressions (NULL for
// the rows already there: they were logged before pages). Each ALTER only
// rewrites the schema text, not the rows, so a large store upgrades at once.
Status UpgradeFromVersion2(sqlite3* db, const std::string& path) {
  MARQUEE_RETURN_IF_ERROR(CheckEventsShape(db, path, kEventColumnsV2));
  for (const char* sql : {"ALTER TABLE events ADD COLUMN page_id TEXT",
                          "ALTER TABLE events ADD COLUMN row_id TEXT",
                          "ALTER TABLE events ADD COLUMN row_position INTEGER",
                          "ALTER TABLE events ADD COLUMN column_position INTEGER"}) {
    MARQUEE_RETURN_IF_ERROR(Exec(db, sql, path));
  }
  return Status::OK();
}

// Version 3 -> 4: events gain the experiment tag (NULL for the rows already
// there: no experiment ran before).
Status UpgradeFromVersion3(sqlite3* db, const std::string& path) {
  MARQUEE_RETURN_IF_ERROR(CheckEventsShape(db, path, kEventColumnsV3));
  for (const char* sql : {"ALTER TABLE events ADD COLUMN experiment TEXT", "ALTER TABLE events ADD COLUMN cell TEXT",
                          "ALTER TABLE events ADD COLUMN team TEXT"}) {
    MARQUEE_RETURN_IF_ERROR(Exec(db, sql, path));
  }
  return Status::OK();
}

Status WriteSchemaVersion(sqlite3* db, const std::string& path, int64_t stored) {
  const std::string sql =
      stored == 0 ? fmt::format("INSERT INTO meta(key, value) VALUES ('schema_version', {})", kSchemaVersion)
                  : fmt::format("UPDATE meta SET value = {} WHERE key = 'schema_version'", kSchemaVersion);
  return Exec(db, sql.c_str(), path);
}

// Creates the tables of a new store, upgrades an older one, or checks those
// of a current one, in one transaction so a refused file (or a failed
// upgrade) is left exactly as it was.
Status PrepareSchema(sqlite3* db, const std::string& path) {
  return InTransaction(db, path, [&]() -> Status {
    MARQUEE_RETURN_IF_ERROR(Exec(db, kCreateMeta, path));
    MARQUEE_ASSIGN_OR_RETURN(int64_t version, ReadSchemaVersion(db, path));
    MARQUEE_RETURN_IF_ERROR(CheckSchemaVersion(version, path));
    // Step by step, so a version 1 store takes every upgrade since.
    if (version == 1) MARQUEE_RETURN_IF_ERROR(UpgradeFromVersion1(db, path));
    if (version == 1 || version == 2) MARQUEE_RETURN_IF_ERROR(UpgradeFromVersion2(db, path));
    if (version >= 1 && version <= 3) MARQUEE_RETURN_IF_ERROR(UpgradeFromVersion3(db, path));
    MARQUEE_RETURN_IF_ERROR(Exec(db, kCreateEvents, path));
    MARQUEE_RETURN_IF_ERROR(CheckEventsShape(db, path));
    MARQUEE_RETURN_IF_ERROR(Exec(db, kCreateMemberIndex, path));
    MARQUEE_RETURN_IF_ERROR(Exec(db, kCreateLedger, path));
    MARQUEE_RETURN_IF_ERROR(Exec(db, kCreateExperiments, path));
    MARQUEE_RETURN_IF_ERROR(Exec(db, kCreateExposureIndex, path));
    MARQUEE_RETURN_IF_ERROR(Exec(db, kCreateAddedTitles, path));
    MARQUEE_RETURN_IF_ERROR(CheckTableShape(db, path, "ledger", kLedgerColumns));
    if (version < kSchemaVersion) MARQUEE_RETURN_IF_ERROR(WriteSchemaVersion(db, path, version));
    return Status::OK();
  });
}

// The eligible column: the ids as a JSON array, NULL (empty text here) when
// there are none.
std::string EligibleText(const Event& e) {
  if (e.eligible_artwork_ids.empty()) return {};
  return json_fields::Dump(nlohmann::json(e.eligible_artwork_ids));
}

// The inverse of EligibleText; `seq` names the row in errors.
Result<std::vector<std::string>> ParseEligible(const std::string& text, int64_t seq, const std::string& path) {
  std::vector<std::string> ids;
  if (text.empty()) return ids;
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  bool valid = parsed.is_array();
  for (size_t i = 0; valid && i < parsed.size(); ++i) {
    valid = parsed[i].is_string();
    if (valid) ids.push_back(parsed[i].get<std::string>());
  }
  if (!valid) {
    return Status::Corruption(fmt::format("{}: event {}: eligible is not a JSON array of ids: {}", path, seq,
                                          QuoteForError(text)));
  }
  return ids;
}

// `eligible` is EligibleText(e), kept alive by the caller until the insert
// is reset.
void BindEvent(Statement& insert, const Event& e, const std::string& eligible) {
  insert.BindInt64(1, static_cast<int64_t>(e.kind));
  insert.BindText(2, e.member_id);
  insert.BindText(3, e.title_id);
  insert.BindInt64(4, e.time);
  insert.BindOptionalDouble(5, e.watch_fraction);
  insert.BindOptionalDouble(6, e.rating);
  insert.BindText(7, e.artwork_id);
  insert.BindOptionalDouble(8, e.propensity);
  insert.BindText(9, e.impression_id);
  if (eligible.empty()) {
    insert.BindNull(10);
  } else {
    insert.BindText(10, eligible);
  }
  if (e.placement) {
    insert.BindText(11, e.placement->page_id);
    insert.BindText(12, e.placement->row_id);
    insert.BindInt64(13, e.placement->row);
    insert.BindInt64(14, e.placement->column);
  } else {
    for (int i = 11; i <= 14; ++i) insert.BindNull(i);
  }
  if (e.experiment) {
    insert.BindText(15, e.experiment->experiment);
    insert.BindText(16, e.experiment->cell);
    insert.BindText(17, e.experiment->team);
  } else {
    for (int i = 15; i <= 17; ++i) insert.BindNull(i);
  }
}

std::optional<float> ToOptionalFloat(std::optional<double> value) {
  if (!value) return std::nullopt;
  return static_cast<float>(*value);  // stored from a float, so exact
}

// Columns 11-14 of a row read as ReadEventRow reads it: absent when page_id
// is NULL (an event not shown on a page, or logged before version 3).
Result<std::optional<PagePlacement>> ReadPlacement(const Statement& row, const std::string& path) {
  if (row.ColumnIsNull(11)) return std::optional<PagePlacement>();
  const auto position = [&](int column, std::string_view name) -> Result<uint32_t> {
    // Typed before it is read: reading converts, after which the type is undefined.
    const bool null = row.ColumnIsNull(column);
    const int64_t value = null ? 0 : row.ColumnInt64(column);
    if (null || value < 0 || value > std::numeric_limits<uint32_t>::max()) {
      return Status::Corruption(fmt::format("{}: event {}: {} is {}, expected a position in [0, 2^32)", path,
                                            row.ColumnInt64(0), name, null ? "NULL" : std::to_string(value)));
    }
    return static_cast<uint32_t>(value);
  };
  if (row.ColumnIsNull(12)) {
    return Status::Corruption(
        fmt::format("{}: event {}: row_id is NULL, expected the row of page_id", path, row.ColumnInt64(0)));
  }
  PagePlacement placement;
  placement.page_id = row.ColumnText(11);
  placement.row_id = row.ColumnText(12);
  MARQUEE_ASSIGN_OR_RETURN(placement.row, position(13, "row_position"));
  MARQUEE_ASSIGN_OR_RETURN(placement.column, position(14, "column_position"));
  return std::optional<PagePlacement>(std::move(placement));
}

// One row of a query that selects the columns in kSelectMember's order.
Result<Event> ReadEventRow(const Statement& row, const std::string& path) {
  int64_t kind = row.ColumnInt64(1);
  if (kind < 0 || kind > static_cast<int64_t>(EventKind::kExposure)) {
    return Status::Corruption(
        fmt::format("{}: event {}: kind {} is not known", path, row.ColumnInt64(0), kind));
  }
  Event e;
  e.kind = static_cast<EventKind>(kind);
  e.member_id = row.ColumnText(2);
  e.title_id = row.ColumnText(3);
  e.time = row.ColumnInt64(4);
  e.watch_fraction = ToOptionalFloat(row.ColumnOptionalDouble(5));
  e.rating = ToOptionalFloat(row.ColumnOptionalDouble(6));
  e.artwork_id = row.ColumnText(7);
  e.propensity = row.ColumnOptionalDouble(8);
  e.impression_id = row.ColumnText(9);
  MARQUEE_ASSIGN_OR_RETURN(e.eligible_artwork_ids, ParseEligible(row.ColumnText(10), row.ColumnInt64(0), path));
  MARQUEE_ASSIGN_OR_RETURN(e.placement, ReadPlacement(row, path));
  // Columns 15-17: the experiment tag, absent when experiment is NULL.
  if (!row.ColumnIsNull(15)) e.experiment = ExperimentTag{row.ColumnText(15), row.ColumnText(16), row.ColumnText(17)};
  return e;
}

// One row of kSelectLedgerAfter. Kinds this build does not know are refused,
// as for events; a changed hash or payload is VerifyLedgerChain's to find.
Result<LedgerRow> ReadLedgerRow(const Statement& row, const std::string& path) {
  LedgerRow r;
  r.seq = static_cast<uint64_t>(row.ColumnInt64(0));
  int64_t kind = row.ColumnInt64(1);
  if (kind < 0 || kind > static_cast<int64_t>(LedgerKind::kReversal)) {
    return Status::Corruption(fmt::format("{}: ledger row {}: kind {} is not known", path, r.seq, kind));
  }
  r.entry.kind = static_cast<LedgerKind>(kind);
  r.entry.entry_id = row.ColumnText(2);
  r.entry.time = row.ColumnInt64(3);
  r.entry.payload = row.ColumnText(4);
  r.prev_hash = row.ColumnText(5);
  r.hash = row.ColumnText(6);
  return r;
}

}  // namespace

struct SqliteEventStore::Impl {
  // One caller's batch waiting for a leader to commit it.
  // Its fields other than `events` and `ledger` are read and written only
  // under queue_mutex (the analysis cannot name an outer member from here).
  struct PendingAppend {
    std::span<const Event> events;
    std::span<const LedgerEntry> ledger;  // committed in the events' transaction
    Durability durability;
    Status result;
    bool done = false;  // result is set
    bool lead = false;  // this caller is to commit the queue
    // One per caller, so that a commit wakes exactly the callers it served
    // (and the next leader) rather than every waiting thread.
    CondVar wake;
  };

  std::string path;

  // Connections are declared before their statements so that they are
  // destroyed after them.
  // The writer side is not guarded by a mutex but by a role: only Open and
  // then the current group-commit leader (one at a time) touch it.
  Connection writer;
  Statement insert;
  Statement insert_ledger;
  // BEGIN IMMEDIATE and COMMIT, prepared once: CommitGroup runs them for
  // every group, and parsing them each time (sqlite3_exec) cost more than
  // binding a row.
  Statement begin;
  Statement commit;
  // The writer's synchronous setting, as the last commit left it.
  Durability writer_durability = Durability::kFsync;
  // The newest committed ledger row (0 and the genesis hash: none), read at
  // Open and advanced only after a commit succeeds, so that a rolled-back
  // group leaves the chain where it was. Cached, because reading it back
  // inside every group's transaction would cost a query per commit; the
  // explicit seq of each insert turns a second writer process (which would
  // make the cache stale) into a constraint error instead of a forked chain.
  uint64_t ledger_seq = 0;
  std::string ledger_hash{kLedgerGenesisHash};

  // One read-only connection and its statements (the connection first, so
  // that it is destroyed after them). Used by one thread at a time: whoever
  // holds its lease.
  struct Reader {
    Connection connection;
    Statement select_member, select_after, count_events, last_sequence;
    Statement select_ledger_after, count_ledger, select_ledger_entry;
  };
  // Returns its reader to the pool when it goes out of scope.
  class ReaderLease {
   public:
    ReaderLease(Impl* impl, std::unique_ptr<Reader> reader) : impl_(impl), reader_(std::move(reader)) {}
    ~ReaderLease() { impl_->Release(std::move(reader_)); }
    ReaderLease(const ReaderLease&) = delete;
    ReaderLease& operator=(const ReaderLease&) = delete;
    Reader& operator*() { return *reader_; }
    Reader* operator->() { return reader_.get(); }

   private:
    Impl* impl_;
    std::unique_ptr<Reader> reader_;
  };

  size_t max_readers = 1;
  Mutex pool_mutex;
  std::vector<std::unique_ptr<Reader>> idle_readers GUARDED_BY(pool_mutex);
  size_t open_readers GUARDED_BY(pool_mutex) = 0;  // idle or leased
  CondVar reader_freed;

  Mutex queue_mutex;
  std::vector<PendingAppend*> queue GUARDED_BY(queue_mutex);  // batches no leader has taken yet
  bool leader_active GUARDED_BY(queue_mutex) = false;

  // Checkpoints (kCheckpointPages): the writer's commits report the WAL's
  // length through WalHook, which wakes this thread; it checkpoints on its
  // own connection (PASSIVE: it never blocks the writer or the readers, and
  // copies what no reader still needs). Durability does not depend on it:
  // a commit is in the WAL (and fsynced there at kFsync) before it returns.
  Connection checkpointer;
  Mutex checkpoint_mutex;
  CondVar checkpoint_wake;
  bool checkpoint_wanted GUARDED_BY(checkpoint_mutex) = false;
  bool checkpoint_stop GUARDED_BY(checkpoint_mutex) = false;
  std::thread checkpoint_thread;  // started by Open, joined by the destructor

  ~Impl() { StopCheckpoints(); }
  static int WalHook(void* impl, sqlite3* db, const char* name, int pages);
  void CheckpointLoop();
  void StopCheckpoints();

  Result<std::unique_ptr<Reader>> OpenReader();
  // An idle reader, a new one while fewer than max_readers are open, or the
  // next one released. A reader that fails to open is the error.
  Result<std::unique_ptr<Reader>> AcquireReader() EXCLUDES(pool_mutex);
  void Release(std::unique_ptr<Reader> reader) EXCLUDES(pool_mutex);
  Status GroupCommit(std::span<const Event> events, std::span<const LedgerEntry> ledger, Durability durability)
      EXCLUDES(queue_mutex);
  // After a leader's commit: hands every served caller its result and passes
  // leadership on to the oldest caller queued meanwhile.
  void FinishGroup(const std::vector<PendingAppend*>& group, const PendingAppend* leader,
                   const Status& result) REQUIRES(queue_mutex);
  // Commits every batch of `group` in one transaction, fsynced when any of
  // them asked for Durability::kFsync.
  Status CommitGroup(const std::vector<PendingAppend*>& group);
  // Inside CommitGroup's transaction: the group's events, then its ledger
  // entries chained from *seq / *hash, which advance with each row stored.
  Status InsertEvents(const PendingAppend& pending, const std::string& context);
  Status InsertLedger(const PendingAppend& pending, const std::string& context, uint64_t* seq, std::string* hash);
  // The newest ledger row into ledger_seq / ledger_hash (at Open).
  Status LoadLedgerTip();
  // Reads every row of `query`; the sequence number of the last row goes to
  // *last_sequence when given (left as is when there are none).
  Result<std::vector<Event>> ReadEvents(Reader& reader, Statement& query, uint64_t* last_sequence = nullptr);
  Result<int64_t> ReadScalar(Reader& reader, Statement& query);
  Result<std::vector<LedgerRow>> ReadLedger(Reader& reader, Statement& query, uint64_t* last_sequence);
};

// A reader connection, read-only by pragma (query_only turns a slip into an
// error), with its statements prepared.
Result<std::unique_ptr<SqliteEventStore::Impl::Reader>> SqliteEventStore::Impl::OpenReader() {
  auto reader = std::make_unique<Reader>();
  MARQUEE_ASSIGN_OR_RETURN(reader->connection, OpenConfigured(path, SQLITE_OPEN_READWRITE));
  MARQUEE_RETURN_IF_ERROR(Exec(reader->connection.get(), "PRAGMA query_only=1", path));
  sqlite3* db = reader->connection.get();
  MARQUEE_ASSIGN_OR_RETURN(reader->select_member, Statement::Prepare(db, kSelectMember, path));
  MARQUEE_ASSIGN_OR_RETURN(reader->select_after, Statement::Prepare(db, kSelectAfter, path));
  MARQUEE_ASSIGN_OR_RETURN(reader->count_events, Statement::Prepare(db, kCountEvents, path));
  MARQUEE_ASSIGN_OR_RETURN(reader->last_sequence, Statement::Prepare(db, kLastSequence, path));
  MARQUEE_ASSIGN_OR_RETURN(reader->select_ledger_after, Statement::Prepare(db, kSelectLedgerAfter, path));
  MARQUEE_ASSIGN_OR_RETURN(reader->select_ledger_entry, Statement::Prepare(db, kSelectLedgerEntry, path));
  MARQUEE_ASSIGN_OR_RETURN(reader->count_ledger, Statement::Prepare(db, kCountLedger, path));
  return reader;
}

Result<std::unique_ptr<SqliteEventStore::Impl::Reader>> SqliteEventStore::Impl::AcquireReader() {
  {
    MutexLock lock(&pool_mutex);
    while (idle_readers.empty() && open_readers >= max_readers) reader_freed.Wait(&pool_mutex);
    if (!idle_readers.empty()) {
      std::unique_ptr<Reader> reader = std::move(idle_readers.back());
      idle_readers.pop_back();
      return reader;
    }
    ++open_readers;  // reserved: opened below, outside the lock
  }
  Result<std::unique_ptr<Reader>> opened = OpenReader();
  if (!opened.ok()) {
    MutexLock lock(&pool_mutex);
    --open_readers;
    reader_freed.Signal();  // the reserved place is free again
  }
  return opened;
}

void SqliteEventStore::Impl::Release(std::unique_ptr<Reader> reader) {
  MutexLock lock(&pool_mutex);
  idle_readers.push_back(std::move(reader));
  reader_freed.Signal();
}

// Group commit: every caller queues its batch; whoever finds no leader
// becomes one, takes the whole queue and commits it as one transaction while
// the others wait. One fsync then acknowledges many callers, which is what
// lets durable throughput grow with concurrency. Leadership passes straight
// to the oldest caller queued meanwhile, so there is never a moment when
// batches wait with no one committing them.
Status SqliteEventStore::Impl::GroupCommit(std::span<const Event> events, std::span<const LedgerEntry> ledger,
                                           Durability durability) {
  PendingAppend mine{events, ledger, durability};
  std::vector<PendingAppend*> group;
  {
    MutexLock lock(&queue_mutex);
    queue.push_back(&mine);
    if (!leader_active) {
      leader_active = true;
      mine.lead = true;
    }
    while (!mine.done && !mine.lead) mine.wake.Wait(&queue_mutex);
    if (mine.done) return mine.result;
    group.swap(queue);  // includes `mine`
  }
  Status result = CommitGroup(group);
  MutexLock lock(&queue_mutex);
  FinishGroup(group, &mine, result);
  return result;
}

void SqliteEventStore::Impl::FinishGroup(const std::vector<PendingAppend*>& group,
                                         const PendingAppend* leader, const Status& result) {
  for (PendingAppend* pending : group) {
    pending->result = result;
    pending->done = true;
    // Signalled under the lock: the waiter cannot return (and destroy its
    // PendingAppend) before we release it.
    if (pending != leader) pending->wake.Signal();
  }
  if (queue.empty()) {
    leader_active = false;
  } else {
    queue.front()->lead = true;
    queue.front()->wake.Signal();
  }
}

Status SqliteEventStore::Impl::CommitGroup(const std::vector<PendingAppend*>& group) {
  std::string context = path + ": append";
  // One transaction at the strongest level asked for: a kFsync caller's
  // events are fsynced before it returns, and kProcess batches that share
  // its commit get the fsync for free. (Splitting the group instead would
  // cost a second commit whenever the levels mix.)
  Durability durability = Durability::kProcess;
  for (const PendingAppend* pending : group) durability = std::max(durability, pending->durability);
  // synchronous is a setting of the connection that SQLite applies to the
  // pager as soon as the PRAGMA runs, so it governs the next COMMIT; it may
  // only change between transactions (SQLite refuses it inside one: "Safety
  // level may not be changed inside a transaction", pragma.c), which is
  // where this is. The writer's setting only matters to this leader.
  if (durability != writer_durability) {
    MARQUEE_RETURN_IF_ERROR(Exec(writer.get(), SynchronousPragma(durability), context));
    writer_durability = durability;
  }
  // The chain advances in locals and is kept only once COMMIT succeeds.
  uint64_t seq = ledger_seq;
  std::string hash = ledger_hash;
  // InTransaction's rule (BEGIN IMMEDIATE, rollback on any failure), with
  // the writer's prepared statements.
  Status s = StepOnce(begin, writer.get(), context);
  if (s.ok()) {
    for (const PendingAppend* pending : group) {
      s = InsertEvents(*pending, context);
      if (s.ok()) s = InsertLedger(*pending, context, &seq, &hash);
      if (!s.ok()) break;
    }
    if (s.ok()) s = StepOnce(commit, writer.get(), context);
    if (!s.ok() && !sqlite3_get_autocommit(writer.get())) {
      sqlite3_exec(writer.get(), "ROLLBACK", nullptr, nullptr, nullptr);  // the first error is the one to report
    }
  }
  MARQUEE_RETURN_IF_ERROR(s);
  ledger_seq = seq;
  ledger_hash = std::move(hash);
  return Status::OK();
}

Status SqliteEventStore::Impl::InsertEvents(const PendingAppend& pending, const std::string& context) {
  for (const Event& e : pending.events) {
    const std::string eligible = EligibleText(e);  // bound without a copy: outlives the reset below
    ResetOnExit reset(insert);
    BindEvent(insert, e, eligible);
    int rc = insert.Step();
    if (rc != SQLITE_DONE) return ErrorStatus(writer.get(), rc, context);
  }
  return Status::OK();
}

Status SqliteEventStore::Impl::InsertLedger(const PendingAppend& pending, const std::string& context,
                                            uint64_t* seq, std::string* hash) {
  for (const LedgerEntry& entry : pending.ledger) {
    const uint64_t next = *seq + 1;
    std::string next_hash = LedgerHash(*hash, next, entry);
    ResetOnExit reset(insert_ledger);
    insert_ledger.BindInt64(1, static_cast<int64_t>(next));
    insert_ledger.BindInt64(2, static_cast<int64_t>(entry.kind));
    insert_ledger.BindText(3, entry.entry_id);
    insert_ledger.BindInt64(4, entry.time);
    insert_ledger.BindText(5, entry.payload);
    insert_ledger.BindText(6, *hash);
    insert_ledger.BindText(7, next_hash);
    int rc = insert_ledger.Step();
    if (rc != SQLITE_DONE) return ErrorStatus(writer.get(), rc, context);
    // 0: the entry id is stored already (earlier, or earlier in this group);
    // idempotent, so the chain does not move.
    if (sqlite3_changes(writer.get()) == 0) continue;
    *seq = next;
    *hash = std::move(next_hash);
  }
  return Status::OK();
}

int SqliteEventStore::Impl::WalHook(void* raw, sqlite3*, const char*, int pages) {
  if (pages < kCheckpointPages) return SQLITE_OK;
  auto* impl = static_cast<Impl*>(raw);
  {
    MutexLock lock(&impl->checkpoint_mutex);
    impl->checkpoint_wanted = true;
  }
  impl->checkpoint_wake.Signal();
  return SQLITE_OK;
}

void SqliteEventStore::Impl::CheckpointLoop() {
  while (true) {
    {
      MutexLock lock(&checkpoint_mutex);
      while (!checkpoint_wanted && !checkpoint_stop) checkpoint_wake.Wait(&checkpoint_mutex);
      if (checkpoint_stop) return;
      checkpoint_wanted = false;
    }
    // BUSY (another checkpoint) or an I/O error leaves the WAL longer; the
    // next commit past the threshold asks again, and the last connection to
    // close checkpoints what is left.
    (void)sqlite3_wal_checkpoint_v2(checkpointer.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
}

void SqliteEventStore::Impl::StopCheckpoints() {
  {
    MutexLock lock(&checkpoint_mutex);
    checkpoint_stop = true;
  }
  checkpoint_wake.SignalAll();
  if (checkpoint_thread.joinable()) checkpoint_thread.join();
}

Status SqliteEventStore::Impl::LoadLedgerTip() {
  MARQUEE_ASSIGN_OR_RETURN(Statement last, Statement::Prepare(writer.get(), kSelectLastLedgerRow, path));
  ResetOnExit reset(last);
  int rc = last.Step();
  if (rc == SQLITE_DONE) return Status::OK();  // an empty ledger: the genesis hash
  if (rc != SQLITE_ROW) return ErrorStatus(writer.get(), rc, path);
  ledger_seq = static_cast<uint64_t>(last.ColumnInt64(0));
  ledger_hash = last.ColumnText(1);
  return Status::OK();
}

Result<std::vector<Event>> SqliteEventStore::Impl::ReadEvents(Reader& reader, Statement& query,
                                                              uint64_t* last_sequence) {
  std::vector<Event> events;
  int rc;
  while ((rc = query.Step()) == SQLITE_ROW) {
    MARQUEE_ASSIGN_OR_RETURN(Event e, ReadEventRow(query, path));
    events.push_back(std::move(e));
    if (last_sequence != nullptr) *last_sequence = static_cast<uint64_t>(query.ColumnInt64(0));
  }
  if (rc != SQLITE_DONE) return ErrorStatus(reader.connection.get(), rc, path);
  return events;
}

Result<std::vector<LedgerRow>> SqliteEventStore::Impl::ReadLedger(Reader& reader, Statement& query,
                                                                   uint64_t* last_sequence) {
  std::vector<LedgerRow> rows;
  int rc;
  while ((rc = query.Step()) == SQLITE_ROW) {
    MARQUEE_ASSIGN_OR_RETURN(LedgerRow row, ReadLedgerRow(query, path));
    *last_sequence = row.seq;
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return ErrorStatus(reader.connection.get(), rc, path);
  return rows;
}

Result<int64_t> SqliteEventStore::Impl::ReadScalar(Reader& reader, Statement& query) {
  ResetOnExit reset(query);
  int rc = query.Step();
  if (rc != SQLITE_ROW) return ErrorStatus(reader.connection.get(), rc, path);
  return query.ColumnInt64(0);
}

SqliteEventStore::SqliteEventStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteEventStore::~SqliteEventStore() = default;

Result<std::unique_ptr<SqliteEventStore>> SqliteEventStore::Open(const std::string& path,
                                                                 const EventStoreOptions& options) {
  MARQUEE_RETURN_IF_ERROR(CheckFolderExists(path));
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  MARQUEE_ASSIGN_OR_RETURN(impl->writer, OpenConfigured(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  // The first statements that read the file: a file that is not a database
  // or a newer schema is refused here.
  MARQUEE_RETURN_IF_ERROR(EnableWal(impl->writer.get(), path));
  MARQUEE_RETURN_IF_ERROR(PrepareSchema(impl->writer.get(), path));
  MARQUEE_ASSIGN_OR_RETURN(impl->insert, Statement::Prepare(impl->writer.get(), kInsertEvent, path));
  MARQUEE_ASSIGN_OR_RETURN(impl->insert_ledger, Statement::Prepare(impl->writer.get(), kInsertLedger, path));
  MARQUEE_ASSIGN_OR_RETURN(impl->begin, Statement::Prepare(impl->writer.get(), "BEGIN IMMEDIATE", path));
  MARQUEE_ASSIGN_OR_RETURN(impl->commit, Statement::Prepare(impl->writer.get(), "COMMIT", path));
  MARQUEE_RETURN_IF_ERROR(impl->LoadLedgerTip());
  // Checkpoints move to their own connection and thread (kCheckpointPages);
  // the hook replaces SQLite's automatic checkpoint on the writer.
  MARQUEE_ASSIGN_OR_RETURN(impl->checkpointer, OpenConfigured(path, SQLITE_OPEN_READWRITE));
  // A connection learns the file is in WAL mode when it first reads it;
  // until then sqlite3_wal_checkpoint_v2 does nothing (and says OK).
  MARQUEE_RETURN_IF_ERROR(Exec(impl->checkpointer.get(), "PRAGMA journal_mode=WAL", path));
  sqlite3_wal_hook(impl->writer.get(), &Impl::WalHook, impl.get());
  Impl* raw = impl.get();
  impl->checkpoint_thread = std::thread([raw] { raw->CheckpointLoop(); });
  impl->max_readers = std::max<size_t>(options.max_readers, 1);
  // One reader now, so that a file readers cannot open is refused here.
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Impl::Reader> first, impl->OpenReader());
  {
    MutexLock lock(&impl->pool_mutex);
    impl->idle_readers.push_back(std::move(first));
    impl->open_readers = 1;
  }
  return std::unique_ptr<SqliteEventStore>(new SqliteEventStore(std::move(impl)));
}

Status SqliteEventStore::Append(std::span<const Event> events, Durability durability) {
  return AppendWithLedger(events, {}, durability);
}

Status SqliteEventStore::AppendWithLedger(std::span<const Event> events, std::span<const LedgerEntry> ledger,
                                          Durability durability) {
  MARQUEE_RETURN_IF_ERROR(ValidateBatch(events));
  MARQUEE_RETURN_IF_ERROR(ValidateLedger(ledger));
  if (events.empty() && ledger.empty()) return Status::OK();
  return impl_->GroupCommit(events, ledger, durability);
}

Result<LedgerPage> SqliteEventStore::LedgerAfter(uint64_t after, size_t limit) const {
  LedgerPage page;
  page.last_sequence = after;
  if (limit == 0) return page;
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Impl::Reader> reader, impl_->AcquireReader());
  Impl::ReaderLease lease(impl_.get(), std::move(reader));
  Statement& query = lease->select_ledger_after;
  ResetOnExit reset(query);
  query.BindInt64(1, static_cast<int64_t>(std::min<uint64_t>(after, kMax)));
  query.BindInt64(2, static_cast<int64_t>(std::min<uint64_t>(limit, kMax)));
  MARQUEE_ASSIGN_OR_RETURN(page.rows, impl_->ReadLedger(*lease, query, &page.last_sequence));
  return page;
}

Result<std::optional<LedgerRow>> SqliteEventStore::FindLedgerEntry(std::string_view entry_id) const {
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Impl::Reader> reader, impl_->AcquireReader());
  Impl::ReaderLease lease(impl_.get(), std::move(reader));
  Statement& query = lease->select_ledger_entry;
  ResetOnExit reset(query);
  query.BindText(1, entry_id);
  uint64_t last = 0;
  MARQUEE_ASSIGN_OR_RETURN(std::vector<LedgerRow> rows, impl_->ReadLedger(*lease, query, &last));
  if (rows.empty()) return std::optional<LedgerRow>();
  return std::optional<LedgerRow>(std::move(rows.front()));
}

Result<uint64_t> SqliteEventStore::LedgerCount() const {
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Impl::Reader> reader, impl_->AcquireReader());
  Impl::ReaderLease lease(impl_.get(), std::move(reader));
  MARQUEE_ASSIGN_OR_RETURN(int64_t n, impl_->ReadScalar(*lease, lease->count_ledger));
  return static_cast<uint64_t>(n);
}

Result<std::vector<Event>> SqliteEventStore::MemberEvents(std::string_view member_id) const {
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Impl::Reader> reader, impl_->AcquireReader());
  Impl::ReaderLease lease(impl_.get(), std::move(reader));
  Statement& query = lease->select_member;
  ResetOnExit reset(query);
  query.BindText(1, member_id);
  return impl_->ReadEvents(*lease, query);
}

Result<EventPage> SqliteEventStore::PageAfter(uint64_t after, size_t limit) const {
  EventPage page;
  page.last_sequence = after;
  if (limit == 0) return page;
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Impl::Reader> reader, impl_->AcquireReader());
  Impl::ReaderLease lease(impl_.get(), std::move(reader));
  Statement& query = lease->select_after;
  ResetOnExit reset(query);
  query.BindInt64(1, static_cast<int64_t>(std::min<uint64_t>(after, kMax)));
  query.BindInt64(2, static_cast<int64_t>(std::min<uint64_t>(limit, kMax)));
  MARQUEE_ASSIGN_OR_RETURN(page.events, impl_->ReadEvents(*lease, query, &page.last_sequence));
  return page;
}

Result<uint64_t> SqliteEventStore::Count() const {
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Impl::Reader> reader, impl_->AcquireReader());
  Impl::ReaderLease lease(impl_.get(), std::move(reader));
  MARQUEE_ASSIGN_OR_RETURN(int64_t n, impl_->ReadScalar(*lease, lease->count_events));
  return static_cast<uint64_t>(n);
}

Result<uint64_t> SqliteEventStore::LastSequence() const {
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Impl::Reader> reader, impl_->AcquireReader());
  Impl::ReaderLease lease(impl_.get(), std::move(reader));
  MARQUEE_ASSIGN_OR_RETURN(int64_t seq, impl_->ReadScalar(*lease, lease->last_sequence));
  return static_cast<uint64_t>(seq);
}

namespace {

constexpr std::string_view kSelectExperiments =
    "SELECT name, definition, range_begin, range_end, created_at, stopped_at FROM experiments "
    "ORDER BY created_at, rowid";

Result<std::vector<ExperimentRecord>> ReadExperiments(sqlite3* db, const std::string& path) {
  MARQUEE_ASSIGN_OR_RETURN(Statement query, Statement::Prepare(db, kSelectExperiments, path));
  std::vector<ExperimentRecord> out;
  int rc;
  while ((rc = query.Step()) == SQLITE_ROW) {
    out.push_back({query.ColumnText(0), query.ColumnText(1), static_cast<uint32_t>(query.ColumnInt64(2)),
                   static_cast<uint32_t>(query.ColumnInt64(3)), query.ColumnInt64(4), query.ColumnInt64(5)});
  }
  if (rc != SQLITE_DONE) return ErrorStatus(db, rc, path);
  return out;
}

}  // namespace

Status SqliteEventStore::CreateExperiment(const PlaceExperimentFn& place) {
  const std::string& path = impl_->path;
  MARQUEE_ASSIGN_OR_RETURN(Connection db, OpenConfigured(path, SQLITE_OPEN_READWRITE));
  // IMMEDIATE: the write lock from the start, so the experiments `place`
  // saw are still the stored ones when its result is inserted.
  MARQUEE_RETURN_IF_ERROR(Exec(db.get(), "BEGIN IMMEDIATE", path));
  Status s = [&]() -> Status {
    MARQUEE_ASSIGN_OR_RETURN(std::vector<ExperimentRecord> existing, ReadExperiments(db.get(), path));
    MARQUEE_ASSIGN_OR_RETURN(ExperimentRecord record, place(existing));
    for (const ExperimentRecord& e : existing) {
      if (e.name == record.name) {
        return Status::InvalidField("name", fmt::format("name: an experiment named {} exists already", record.name));
      }
    }
    MARQUEE_ASSIGN_OR_RETURN(
        Statement insert,
        Statement::Prepare(db.get(),
                           "INSERT INTO experiments(name, definition, range_begin, range_end, created_at, "
                           "stopped_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           path));
    insert.BindText(1, record.name);
    insert.BindText(2, record.definition);
    insert.BindInt64(3, record.range_begin);
    insert.BindInt64(4, record.range_end);
    insert.BindInt64(5, record.created_at);
    insert.BindInt64(6, record.stopped_at);
    const int rc = insert.Step();
    if (rc != SQLITE_DONE) return ErrorStatus(db.get(), rc, path);
    return Exec(db.get(), "COMMIT", path);
  }();
  if (!s.ok()) (void)Exec(db.get(), "ROLLBACK", path);
  return s;
}

Status SqliteEventStore::StopExperiment(std::string_view name, int64_t at) {
  const std::string& path = impl_->path;
  MARQUEE_ASSIGN_OR_RETURN(Connection db, OpenConfigured(path, SQLITE_OPEN_READWRITE));
  MARQUEE_RETURN_IF_ERROR(Exec(db.get(), "BEGIN IMMEDIATE", path));
  Status s = [&]() -> Status {
    MARQUEE_ASSIGN_OR_RETURN(Statement find,
                             Statement::Prepare(db.get(), "SELECT stopped_at FROM experiments WHERE name = ?1", path));
    find.BindText(1, name);
    const int rc = find.Step();
    if (rc == SQLITE_DONE) return Status::NotFound(fmt::format("no experiment named {}", name));
    if (rc != SQLITE_ROW) return ErrorStatus(db.get(), rc, path);
    if (find.ColumnInt64(0) != 0) {
      return Status::InvalidField("name", fmt::format("name: experiment {} is stopped already", name));
    }
    find.Reset();
    MARQUEE_ASSIGN_OR_RETURN(
        Statement update, Statement::Prepare(db.get(), "UPDATE experiments SET stopped_at = ?2 WHERE name = ?1", path));
    update.BindText(1, name);
    update.BindInt64(2, at);
    const int updated = update.Step();
    if (updated != SQLITE_DONE) return ErrorStatus(db.get(), updated, path);
    return Exec(db.get(), "COMMIT", path);
  }();
  if (!s.ok()) (void)Exec(db.get(), "ROLLBACK", path);
  return s;
}

Result<std::vector<ExperimentRecord>> SqliteEventStore::Experiments() const {
  MARQUEE_ASSIGN_OR_RETURN(Connection db, OpenConfigured(impl_->path, SQLITE_OPEN_READWRITE));
  return ReadExperiments(db.get(), impl_->path);
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteEventStore::ExposureKeys() const {
  const std::string& path = impl_->path;
  MARQUEE_ASSIGN_OR_RETURN(Connection db, OpenConfigured(path, SQLITE_OPEN_READWRITE));
  MARQUEE_ASSIGN_OR_RETURN(
      Statement query, Statement::Prepare(db.get(), "SELECT experiment, member FROM events WHERE kind = 4", path));
  std::vector<std::pair<std::string, std::string>> out;
  int rc;
  while ((rc = query.Step()) == SQLITE_ROW) out.emplace_back(query.ColumnText(0), query.ColumnText(1));
  if (rc != SQLITE_DONE) return ErrorStatus(db.get(), rc, path);
  return out;
}

Status SqliteEventStore::AppendAddedTitles(std::span<const AddedTitleRecord> titles) {
  const std::string& path = impl_->path;
  for (const AddedTitleRecord& t : titles) {
    if (t.title_id.empty()) return Status::InvalidField("title", "title: expected a non-empty id");
  }
  MARQUEE_ASSIGN_OR_RETURN(Connection db, OpenConfigured(path, SQLITE_OPEN_READWRITE));
  // The title log is acknowledged data: this write waits for the disk
  // whatever durability the events are appended at.
  MARQUEE_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA synchronous = FULL", path));
  MARQUEE_RETURN_IF_ERROR(Exec(db.get(), "BEGIN IMMEDIATE", path));
  Status s = [&]() -> Status {
    MARQUEE_ASSIGN_OR_RETURN(
        Statement insert,
        Statement::Prepare(db.get(), "INSERT INTO added_titles(title_id, definition, added_at) VALUES (?1, ?2, ?3)",
                           path));
    for (const AddedTitleRecord& t : titles) {
      insert.BindText(1, t.title_id);
      insert.BindText(2, t.definition);
      insert.BindInt64(3, t.added_at);
      const int rc = insert.Step();
      if ((rc & 0xff) == SQLITE_CONSTRAINT) {  // extended codes are on: SQLITE_CONSTRAINT_UNIQUE
        return Status::InvalidField("title", fmt::format("title: {} is in the title log already", t.title_id));
      }
      if (rc != SQLITE_DONE) return ErrorStatus(db.get(), rc, path);
      insert.Reset();
    }
    return Exec(db.get(), "COMMIT", path);
  }();
  if (!s.ok()) (void)Exec(db.get(), "ROLLBACK", path);
  return s;
}

Result<std::vector<AddedTitleRecord>> SqliteEventStore::AddedTitles() const {
  const std::string& path = impl_->path;
  MARQUEE_ASSIGN_OR_RETURN(Connection db, OpenConfigured(path, SQLITE_OPEN_READWRITE));
  MARQUEE_ASSIGN_OR_RETURN(
      Statement query,
      Statement::Prepare(db.get(), "SELECT title_id, definition, added_at FROM added_titles ORDER BY seq", path));
  std::vector<AddedTitleRecord> out;
  int rc;
  while ((rc = query.Step()) == SQLITE_ROW) out.push_back({query.ColumnText(0), query.ColumnText(1), query.ColumnInt64(2)});
  if (rc != SQLITE_DONE) return ErrorStatus(db.get(), rc, path);
  return out;
}

}  // namespace marquee
