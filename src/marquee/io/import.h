// Importers: turn the files a user already has (MovieLens, Netflix Prize,
// any delimited or JSON-lines log) into a Dataset.
//
// Every importer reads through a memory map and parses in place; a malformed
// line stops the import with "file:line: expected ..., found ..." unless
// skip_invalid is set, in which case it is counted (and the first few
// messages kept) in the ImportReport.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/data/interactions.h"
#include "marquee/util/progress.h"
#include "marquee/util/status.h"

namespace marquee {

// How the bytes of ids are read. kUtf8 (the default) refuses other bytes
// with "FILE:LINE: expected UTF-8, found byte 0xE9"; kLatin1 converts each
// byte to the code point of the same value. Catalog names of MovieLens and
// Netflix Prize (Latin-1 by definition) are converted in either case.
enum class TextEncoding { kUtf8, kLatin1 };
// "utf-8" (or "utf8"), "latin-1" (or "latin1", "iso-8859-1").
Result<TextEncoding> ParseTextEncoding(std::string_view name);

// The unit of numeric times (ISO dates carry their own). Every importer
// accepts times in [kEarliestImportTime, kLatestEventTime] seconds (years
// 0000..9999, data/event.h); a number past that range is refused with a
// hint at the unit it would fit ("... -- milliseconds? use --time-unit ms").
enum class TimeUnit { kSeconds, kMilliseconds, kMicroseconds };
// "s", "ms", "us".
Result<TimeUnit> ParseTimeUnit(std::string_view name);

struct ImportOptions {
  // When set, keep only ratings >= min_rating, as positives of weight 1
  // (WeightKind::kBinary); otherwise keep the rating as the weight.
  std::optional<float> min_rating;
  // Skip malformed lines (counted) instead of stopping at the first.
  bool skip_invalid = false;
  // How repeated (member, title) rows merge; a re-rating keeps the latest.
  DuplicateRule duplicates = DuplicateRule::kLast;
  TextEncoding encoding = TextEncoding::kUtf8;
  TimeUnit time_unit = TimeUnit::kSeconds;
  ProgressCallback progress;
};

struct ImportReport {
  std::string format;                 // "movielens-100k", "netflix", "csv", "jsonl", ...
  uint64_t rows_read = 0;             // data rows seen (headers and blank lines excluded)
  uint64_t rows_kept = 0;             // rows that became (or merged into) interactions
  uint64_t rows_invalid = 0;          // malformed rows skipped under skip_invalid
  uint64_t rows_below_min_rating = 0; // valid rows dropped by min_rating
  std::vector<std::string> invalid_examples;  // the first few skip messages
  double parse_seconds = 0;           // reading and parsing the files
  double build_seconds = 0;           // sorting rows into the interaction matrix
};

struct ImportResult {
  Dataset dataset;
  ImportReport report;
};

// MovieLens: detects the variant from the files present in `dir`:
//   u.data + u.item                  -> 100K (Latin-1 titles converted to UTF-8)
//   ratings.dat + movies.dat ("::")  -> 1M or 10M
//   ratings.csv + movies.csv         -> 20M, 25M or latest (quoted titles)
Result<ImportResult> ImportMovieLens(const std::string& dir, const ImportOptions& options);

// The variant ImportMovieLens would read in `dir` ("movielens-100k", "movielens-1m",
// "movielens-10m", "movielens-20m", "movielens-25m" or "movielens-latest"): from
// the files present, then users.dat / tags.dat and the README's wording. NotFound
// when `dir` is missing or holds none of u.data, ratings.dat, ratings.csv.
Result<std::string> DetectMovieLensFormat(const std::string& dir);

// Netflix Prize: combined_data_*.txt (a "movieId:" line, then
// "customer,rating,YYYY-MM-DD" lines), or training_set/mv_*.txt, and
// movie_titles.csv ("id,year,title", year may be NULL) when present. Without
// movie_titles.csv the titles come from the ratings and have blank names.
Result<ImportResult> ImportNetflix(const std::string& dir, const ImportOptions& options);

// Which input column holds which field: a 0-based index ("2") or, for files
// with a header / JSON objects, a column or key name ("rating").
struct ColumnMapping {
  std::string member;
  std::string title;
  std::string rating;  // optional: empty means every row has weight 1
  std::string time;    // optional: epoch seconds or an ISO date/time

  // Parses "member=0,title=1,rating=2,time=3".
  static Result<ColumnMapping> Parse(const std::string& spec);
};

struct DelimitedOptions {
  ColumnMapping columns;
  char delimiter = ',';
  bool header = false;  // the first line names the columns (and is skipped)
};

Result<ImportResult> ImportDelimited(const std::string& path, const DelimitedOptions& delimited,
                                     const ImportOptions& options);

Result<ImportResult> ImportJsonLines(const std::string& path, const ColumnMapping& columns,
                                     const ImportOptions& options);

}  // namespace marquee
