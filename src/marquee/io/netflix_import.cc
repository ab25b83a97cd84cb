// Netflix Prize importer. Ratings come grouped by movie: a line "123:" sets
// the current movie, the lines after it are "customer,rating,YYYY-MM-DD".
// movie_titles.csv ("id,year,title"), when present, defines the titles.
#include <algorithm>
#include <array>
#include <filesystem>

#include "marquee/data/event.h"
#include "marquee/io/import.h"
#include "marquee/io/import_common.h"
#include "marquee/io/text_scan.h"
#include "marquee/util/file.h"

namespace marquee {

namespace {

constexpr std::string_view kTitlesFile = "movie_titles.csv";

// mv_*.txt in `dir`, sorted by name (the movie order).
std::vector<std::string> TrainingSetFiles(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("mv_") && name.ends_with(".txt") && entry.is_regular_file(ec)) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

Result<std::vector<std::string>> FindRatingFiles(const std::string& dir) {
  if (!IsDirectory(dir)) {
    return Status::NotFound(dir + ": no such directory (expected a Netflix Prize folder)");
  }
  std::vector<std::string> files;
  for (int part = 1; part <= 4; ++part) {
    std::string path = JoinPath(dir, "combined_data_" + std::to_string(part) + ".txt");
    if (FileExists(path)) files.push_back(std::move(path));
  }
  if (files.empty()) files = TrainingSetFiles(JoinPath(dir, "training_set"));
  if (files.empty()) files = TrainingSetFiles(dir);
  if (files.empty()) {
    return Status::NotFound("no Netflix Prize files in " + dir +
                            ": expected combined_data_1.txt .. combined_data_4.txt or "
                            "training_set/mv_*.txt");
  }
  return files;
}

// One "id,year,title" line; the title is the rest of the line (commas allowed).
Status ParseTitleLine(std::string_view line, size_t n, const ImportOptions& options,
                      std::string* id_buffer, RowCollector& rows) {
  std::array<std::string_view, 3> f;
  size_t count = SplitOnString(line, ",", f.data(), f.size());
  if (count != 3) return FieldCountError(kTitlesFile, n, "3 fields separated by ','", count, line);
  if (f[0].empty()) return FieldError(kTitlesFile, n, "a movie id in column 1", f[0]);
  uint32_t year = 0;
  if (f[1] != "NULL" && !ParseUint32(f[1], &year)) {
    return FieldError(kTitlesFile, n, "a year or NULL in column 2", f[1]);
  }
  MARQUEE_RETURN_IF_ERROR(DecodeText(kTitlesFile, n, f[0], options.encoding, id_buffer, &f[0]));
  const uint32_t before = rows.titles().size();
  if (rows.titles().GetOrAdd(f[0]) < before) {
    return FieldError(kTitlesFile, n, "a movie id not listed before", f[0]);
  }
  Title& title = rows.dataset().catalog.titles().emplace_back();
  title.name = ToUtf8(TrimSpaces(f[2]));
  title.year = static_cast<int32_t>(year);
  return Status::OK();
}

Status ReadMovieTitles(const std::string& path, const ImportOptions& options, RowCollector& rows) {
  MARQUEE_ASSIGN_OR_RETURN(MappedFile file, OpenInput(path, "Netflix movie titles"));
  std::string id_buffer;
  LineScanner lines(file.bytes());
  std::string_view line;
  bool any = false;
  while (lines.Next(&line)) {
    if (line.empty()) continue;
    any = true;
    Status s = ParseTitleLine(line, lines.line_number(), options, &id_buffer, rows);
    if (!s.ok()) MARQUEE_RETURN_IF_ERROR(rows.Reject(std::move(s)));
  }
  if (!any) return EmptyFileError(kTitlesFile, "title lines \"id,year,title\"");
  return Status::OK();
}

// Scans one ratings file; the current movie carries over nothing between files.
class RatingsFileReader {
 public:
  RatingsFileReader(std::string file, bool catalog_defines_titles, TextEncoding encoding,
                    RowCollector& rows)
      : file_(std::move(file)), catalog_(catalog_defines_titles), encoding_(encoding), rows_(rows) {}

  Status Read(std::string_view bytes, uint64_t base, ByteProgress& progress) {
    LineScanner lines(bytes);
    std::string_view line;
    bool any = false;
    while (lines.Next(&line)) {
      progress.Tick(base + lines.offset());
      if (line.empty()) continue;
      any = true;
      Status s = line.back() == ':' ? StartMovie(line, lines.line_number())
                                    : ParseRating(line, lines.line_number());
      if (!s.ok()) MARQUEE_RETURN_IF_ERROR(rows_.Reject(std::move(s)));
    }
    if (!any) return EmptyFileError(file_, "a movie line \"ID:\"");
    return Status::OK();
  }

 private:
  Status StartMovie(std::string_view line, size_t n) {
    std::string_view id = line.substr(0, line.size() - 1);
    movie_id_.assign(id);
    seen_movie_ = true;
    title_ = IdMap::kNotFound;
    if (id.empty()) return FieldError(file_, n, "a movie id before ':'", line);
    MARQUEE_RETURN_IF_ERROR(DecodeText(file_, n, id, encoding_, &id_buffer_, &id));
    movie_id_.assign(id);
    title_ = catalog_ ? rows_.titles().Find(id) : rows_.titles().GetOrAdd(id);
    if (title_ == IdMap::kNotFound) return UnknownTitleError(file_, n, id, kTitlesFile);
    return Status::OK();
  }

  Status ParseRating(std::string_view line, size_t n) {
    rows_.CountRow();
    if (!seen_movie_) return FieldError(file_, n, "a movie line \"ID:\" before the ratings", line);
    std::array<std::string_view, 4> f;
    size_t count = SplitOnString(line, ",", f.data(), f.size());
    if (count != 3) return FieldCountError(file_, n, "3 fields separated by ','", count, line);
    if (f[0].empty()) return FieldError(file_, n, "a customer id in column 1", f[0]);
    float rating;
    if (!ParseFiniteFloat(f[1], &rating)) {
      return FieldError(file_, n, "a rating (number) in column 2", f[1]);
    }
    int64_t time;
    // Four-digit years keep every valid date in [kEarliestImportTime, kLatestEventTime].
    if (!ParseIsoTime(f[2], &time) || time > kLatestEventTime) {
      return FieldError(file_, n, "a date (YYYY-MM-DD) in column 3", f[2]);
    }
    MARQUEE_RETURN_IF_ERROR(DecodeText(file_, n, f[0], encoding_, &id_buffer_, &f[0]));
    if (title_ == IdMap::kNotFound) {
      if (movie_id_.empty()) return FieldError(file_, n, "a movie id before ':'", ":");
      return UnknownTitleError(file_, n, movie_id_, kTitlesFile);
    }
    rows_.Add(rows_.members().GetOrAdd(f[0]), title_, rating, time);
    return Status::OK();
  }

  std::string file_;
  bool catalog_;
  TextEncoding encoding_;
  RowCollector& rows_;
  std::string id_buffer_;  // a converted id (--encoding latin-1), reused
  bool seen_movie_ = false;
  std::string movie_id_;
  uint32_t title_ = IdMap::kNotFound;
};

uint64_t TotalBytes(const std::vector<std::string>& paths) {
  uint64_t total = 0;
  std::error_code ec;
  for (const std::string& path : paths) {
    uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec) total += size;
  }
  return total;
}

}  // namespace

Result<ImportResult> ImportNetflix(const std::string& dir, const ImportOptions& options) {
  if (options.time_unit != TimeUnit::kSeconds) {
    return Status::InvalidArgument(
        "the Netflix Prize ratings carry dates (YYYY-MM-DD), not epoch numbers: a time unit "
        "does not apply");
  }
  MARQUEE_ASSIGN_OR_RETURN(std::vector<std::string> files, FindRatingFiles(dir));
  MARQUEE_ASSIGN_OR_RETURN(RowCollector rows, RowCollector::Create(options, true));
  const std::string titles_path = JoinPath(dir, kTitlesFile);
  const bool has_titles = FileExists(titles_path);
  if (has_titles) MARQUEE_RETURN_IF_ERROR(ReadMovieTitles(titles_path, options, rows));

  const uint64_t total = TotalBytes(files);
  rows.Reserve(EstimateRows(total, 22));
  ByteProgress progress(options.progress, "reading Netflix ratings", total);
  uint64_t base = 0;
  for (const std::string& path : files) {
    MARQUEE_ASSIGN_OR_RETURN(MappedFile file, OpenInput(path, "Netflix Prize ratings"));
    RatingsFileReader reader(BaseName(path), has_titles, options.encoding, rows);
    MARQUEE_RETURN_IF_ERROR(reader.Read(file.bytes(), base, progress));
    base += file.size();
    progress.Set(base);
  }
  return rows.Finish("netflix", dir);
}

}  // namespace marquee
