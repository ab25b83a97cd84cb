// The durable consent log: every accepted consent entry, one JSON object a
// line (the consent_json.h codec), appended and never rewritten. Records are
// immutable (consent_record.h), so the file is the registry's history: a
// process rebuilds its ConsentRegistry by replaying it in order.
//
// DURABILITY. Append returns OK only after the line, newline included, has
// reached the disk (write, then fdatasync): "durable before the answer". A
// crash can therefore leave at most one unfinished line at the end of the
// file, one that was never acknowledged. Such a torn final line (no newline)
// is not an error: replay ignores it and counts it (ConsentLogReplay::
// torn_lines), and Open cuts it off so the next append starts on a clean
// line. Any other line the codec or the registry refuses means the file is
// not a log this program wrote: it is corrupt, and Open refuses it with
// "FILE:LINE: FIELD: ..." rather than serve from part of a history.
//
// Whitespace-only lines are skipped (a hand-edited file); Append never
// writes one.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "marquee/consent/consent_record.h"
#include "marquee/consent/eligibility.h"
#include "marquee/util/mutex.h"
#include "marquee/util/status.h"

namespace marquee {

// What a replay read.
struct ConsentLogReplay {
  size_t entries = 0;     // lines accepted by the registry
  size_t torn_lines = 0;  // 0 or 1: a final line without a newline, ignored
  size_t valid_bytes = 0; // length of the file up to the end of the last complete line
};

// `s`, a refusal of line `line` of consent file `path` by the codec or the
// registry, as "PATH:LINE: FIELD: ..." (the field it names is kept). Their
// messages start with the field already, except text that is not JSON
// (field "body"), which gets it here, so every line error reads alike.
Status AtConsentLine(const std::string& path, size_t line, const Status& s);

// Adds every entry of the log at `path` to `registry`, in file order, without
// changing the file (what `marquee consent list` reads). Errors: NotFound
// for a missing file; for a line the codec or the registry refuses, its
// Status with "PATH:LINE: FIELD: " in front (the field it names is kept).
// On error `registry` holds the entries before the bad line.
Result<ConsentLogReplay> ReplayConsentLog(const std::string& path, ConsentRegistry& registry);

// An open log, appending to one file.
//
// Thread contract: thread-safe. Append may be called from any number of
// threads; one mutex is held around validate-and-write, so the order of the
// lines is the order the registry accepted them and a refused entry can never
// interleave with an accepted one. The log writes into the registry given to
// Open: while the log is in use, nothing else may write to that registry,
// and readers of it (Check) must not run concurrently with Append unless the
// caller serializes them (the registry is only thread-compatible).
//
// One process at a time: Open takes an exclusive advisory lock (flock) on the
// file, so a second writer fails instead of interleaving histories.
class ConsentLog {
 public:
  // Opens the log at `path`, creating it (and syncing its directory) when it
  // does not exist, after replaying it into `registry` (ReplayConsentLog's
  // errors; a refused line refuses the whole log). A torn final line is cut
  // off (and counted in replay()). `registry` must outlive the log and
  // normally starts with performer facts only.
  static Result<std::unique_ptr<ConsentLog>> Open(const std::string& path, ConsentRegistry& registry);

  ~ConsentLog();
  ConsentLog(const ConsentLog&) = delete;
  ConsentLog& operator=(const ConsentLog&) = delete;

  // Validates `entry` by adding it to the registry (ConsentRegistry::Add's
  // errors; nothing is written when it is refused), then appends its line and
  // fdatasyncs before returning OK. An I/O error after the registry accepted
  // the entry leaves the registry one entry ahead of the file; the log cuts
  // the file back to its last good length and refuses every later Append with
  // that error, so the caller reopens (replaying what is really on disk).
  Status Append(const ConsentEntry& entry);

  const std::string& path() const { return path_; }
  // What Open replayed.
  const ConsentLogReplay& replay() const { return replay_; }

 private:
  ConsentLog(std::string path, int fd, ConsentRegistry* registry, ConsentLogReplay replay, size_t size);

  const std::string path_;
  const int fd_;
  const ConsentLogReplay replay_;
  Mutex mu_;
  ConsentRegistry* const registry_ PT_GUARDED_BY(mu_);
  size_t size_ GUARDED_BY(mu_);    // bytes in the file: where the next line starts
  Status broken_ GUARDED_BY(mu_);  // the I/O error that stopped appends; OK while healthy
};

}  // namespace marquee
