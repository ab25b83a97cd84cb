// What every importer shares: id -> index lookups tuned for row-at-a-time
// parsing, the collector that turns parsed rows into a Dataset (min_rating,
// skip_invalid bookkeeping, duplicates), byte-based progress, and the error
// messages for missing and empty files.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/io/import.h"
#include "marquee/io/text_scan.h"
#include "marquee/util/file.h"

namespace marquee {

// Dense index of external ids, in front of an IdMap. Two shortcuts keep the
// per-row cost low: consecutive rows usually share a member (files sorted by
// member), so the last id is checked first; and canonical decimal ids (what
// MovieLens and Netflix use) are looked up in a flat array instead of hashed.
// Every id must go through the same IdIndex so the array and map agree.
class IdIndex {
 public:
  explicit IdIndex(IdMap* map) : map_(map) {}

  uint32_t GetOrAdd(std::string_view id) {
    if (last_ != IdMap::kNotFound && map_->ExternalId(last_) == id) return last_;
    uint32_t number;
    if (!ParseSmallDecimalId(id, kDenseLimit, &number)) return last_ = map_->GetOrAdd(id);
    if (number < dense_.size() && dense_[number] != 0) return last_ = dense_[number] - 1;
    return last_ = AddDense(id, number);
  }

  uint32_t Find(std::string_view id) const {
    uint32_t number;
    if (!ParseSmallDecimalId(id, kDenseLimit, &number)) return map_->Find(id);
    return number < dense_.size() ? dense_[number] - 1 : IdMap::kNotFound;  // 0 - 1 = kNotFound
  }

  uint32_t size() const { return map_->size(); }

 private:
  static constexpr uint32_t kDenseLimit = 1u << 23;  // at most 32 MB of array
  uint32_t AddDense(std::string_view id, uint32_t number);

  IdMap* map_;
  std::vector<uint32_t> dense_;  // number -> index + 1; 0 = not seen
  uint32_t last_ = IdMap::kNotFound;
};

// Reports bytes scanned through a ProgressReporter, but only looks at the
// clock every few thousand lines so the scan loop stays tight.
class ByteProgress {
 public:
  ByteProgress(const ProgressCallback& callback, std::string stage, uint64_t total_bytes)
      : reporter_(callback, std::move(stage), total_bytes) {}
  void Tick(uint64_t bytes_done) {
    if ((++ticks_ & 0x3fff) == 0) reporter_.Set(bytes_done);
  }
  void Set(uint64_t bytes_done) { reporter_.Set(bytes_done); }

 private:
  ProgressReporter reporter_;
  uint64_t ticks_ = 0;
};

// Accumulates members, titles and interactions for one import and hands
// back the ImportResult.
class RowCollector {
 public:
  static constexpr size_t kMaxInvalidExamples = 5;

  // has_ratings: whether rows carry a rating (otherwise each weighs 1).
  // Fails when min_rating is asked for without ratings.
  static Result<RowCollector> Create(const ImportOptions& options, bool has_ratings);

  RowCollector(RowCollector&&) = default;

  Dataset& dataset() { return *dataset_; }
  ImportReport& report() { return report_; }
  IdIndex& members() { return members_; }
  IdIndex& titles() { return titles_; }
  bool skip_invalid() const { return options_->skip_invalid; }

  void Reserve(size_t rows) { builder_.Reserve(rows); }
  void CountRow() { ++report_.rows_read; }

  // A malformed row: counted and OK under skip_invalid (the first few
  // messages kept), else the error that stops the import.
  Status Reject(Status error);

  // Adds one valid row, applying min_rating.
  void Add(uint32_t member, uint32_t title, float rating, int64_t time) {
    if (has_min_rating_) {
      if (rating < min_rating_) {
        ++report_.rows_below_min_rating;
        return;
      }
      rating = 1.0f;
    }
    builder_.Add(member, title, rating, time);
    ++report_.rows_kept;
  }

  // Builds the matrix; titles without a catalog entry get a blank one.
  ImportResult Finish(std::string format, std::string_view path);

 private:
  RowCollector(const ImportOptions& options, bool has_ratings);

  const ImportOptions* options_;
  bool has_ratings_;
  bool has_min_rating_;
  float min_rating_;
  // Heap-held so the IdIndexes' pointers survive moves of the collector.
  std::unique_ptr<Dataset> dataset_;
  IdIndex members_;
  IdIndex titles_;
  InteractionBuilder builder_;
  ImportReport report_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Maps `path`, turning "no such file" into NotFound "PATH: no such file
// (expected WHAT)".
Result<MappedFile> OpenInput(const std::string& path, std::string_view what);

// "FILE:LINE: expected EXPECTED, found "TEXT"" with TEXT quoted and shortened.
inline Status FieldError(std::string_view file, size_t line, std::string_view expected,
                         std::string_view found) {
  return Status::ParseErrorAt(file, line, expected, QuoteForError(found));
}

// "FILE:LINE: expected 4 fields separated by ',', found 3 in "1,2,3"".
Status FieldCountError(std::string_view file, size_t line, std::string_view expected,
                       size_t found_count, std::string_view text);

// "FILE:1: expected EXPECTED, found an empty file".
Status EmptyFileError(std::string_view file, std::string_view expected);

// "FILE:LINE: expected EXPECTED, found the end of the file".
Status EndOfFileError(std::string_view file, size_t line, std::string_view expected);

// "FILE:LINE: title ID is not in CATALOG" (NotFound).
Status UnknownTitleError(std::string_view file, size_t line, std::string_view id,
                         std::string_view catalog);

// ---------------------------------------------------------------- encoding

// `text` (an id) as UTF-8 in *out under `encoding`: valid UTF-8 (and all of
// ASCII) is viewed as is under kUtf8, other bytes are the error "FILE:LINE:
// expected UTF-8, found byte 0xE9 ..."; under kLatin1 every byte is
// converted into *buffer and *out views it. *out stays valid until *buffer
// changes.
Status DecodeText(std::string_view file, size_t line, std::string_view text, TextEncoding encoding,
                  std::string* buffer, std::string_view* out);

// "FILE:LINE: expected UTF-8, found byte 0xXX -- ..." for text whose byte at
// `offset` is not UTF-8.
Status NotUtf8Error(std::string_view file, size_t line, std::string_view text, size_t offset);

// ---------------------------------------------------------------- time

// An epoch number in `unit` as whole seconds (rounded down), checked against
// [kEarliestImportTime, kLatestEventTime]. Out of range is "FILE:LINE:
// expected epoch seconds up to 253402300799 (year 9999), found
// 1700000000000 -- milliseconds? use --time-unit ms" (the hint when a
// coarser reading would fit).
Status EpochToSeconds(std::string_view file, size_t line, int64_t value, TimeUnit unit,
                      int64_t* seconds);
// The same for a JSON number with a fraction (or too large for int64).
Status EpochToSeconds(std::string_view file, size_t line, double value, TimeUnit unit,
                      int64_t* seconds);

// A time field: an integer in `unit`, or an ISO date/time (ParseIsoTime).
// Text that is neither is FieldError(expected); numbers out of range are
// EpochToSeconds' error.
Status ParseTimeField(std::string_view file, size_t line, std::string_view text, TimeUnit unit,
                      std::string_view expected, int64_t* seconds);

// "seconds", "milliseconds", "microseconds" for messages.
std::string_view TimeUnitWord(TimeUnit unit);
// "epoch seconds", "epoch milliseconds", ... for messages.
std::string EpochUnitName(TimeUnit unit);

// Estimated data rows in a file of `bytes`, to reserve the builder.
inline size_t EstimateRows(size_t bytes, size_t bytes_per_row) { return bytes / bytes_per_row; }

}  // namespace marquee
