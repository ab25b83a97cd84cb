// MovieLens importer: 100K (u.data + u.item), 1M / 10M (ratings.dat +
// movies.dat, "::"-separated) and 20M / 25M / latest (ratings.csv +
// movies.csv). The movies file defines the titles, in file order; ratings
// of titles it does not list are errors.
#include <array>

#include "marquee/io/import.h"

#include <algorithm>
#include "marquee/io/import_common.h"
#include "marquee/io/text_scan.h"
#include "marquee/util/file.h"

namespace marquee {

namespace {

constexpr std::string_view kStandardGenres[] = {
    "unknown", "Action",   "Adventure", "Animation", "Children's", "Comedy",  "Crime",
    "Documentary", "Drama", "Fantasy",  "Film-Noir", "Horror",     "Musical", "Mystery",
    "Romance", "Sci-Fi",   "Thriller",  "War",       "Western"};

constexpr std::string_view kRatingsCsvHeader = "userId,movieId,rating,timestamp";
constexpr std::string_view kMoviesCsvHeader = "movieId,title,genres";
constexpr std::string_view kTagsCsvHeader = "userId,movieId,tag,timestamp";

// ---------------------------------------------------------------- detection

bool FileContains(const std::string& path, std::string_view needle) {
  if (!FileExists(path)) return false;
  Result<MappedFile> file = MappedFile::Open(path);
  return file.ok() && file->bytes().find(needle) != std::string_view::npos;
}

bool AnyReadmeContains(const std::string& dir, std::string_view needle) {
  for (const char* name : {"README", "README.txt", "README.html", "README.md"}) {
    if (FileContains(JoinPath(dir, name), needle)) return true;
  }
  return false;
}

std::string DetectDatVariant(const std::string& dir) {
  // 1M ships users.dat; 10M ships tags.dat and no user file.
  if (FileExists(JoinPath(dir, "users.dat"))) return "movielens-1m";
  if (FileExists(JoinPath(dir, "tags.dat"))) return "movielens-10m";
  if (AnyReadmeContains(dir, "10M") || AnyReadmeContains(dir, "10 million")) {
    return "movielens-10m";
  }
  return "movielens-1m";
}

std::string DetectCsvVariant(const std::string& dir) {
  // Each README names its data set: "This dataset (ml-25m) describes ...".
  if (AnyReadmeContains(dir, "ml-20m")) return "movielens-20m";
  if (AnyReadmeContains(dir, "ml-25m")) return "movielens-25m";
  return "movielens-latest";
}

// ---------------------------------------------------------------- catalog

// Adds the next catalog title. False when `id` was listed before. The id
// is UTF-8 already (DecodeId); the name is converted from Latin-1 when it is
// not UTF-8, as the MovieLens files are by definition.
bool AddCatalogTitle(RowCollector& rows, std::string_view id, std::string_view raw_title,
                     Title** added) {
  const uint32_t before = rows.titles().size();
  if (rows.titles().GetOrAdd(id) < before) return false;
  std::vector<Title>& titles = rows.dataset().catalog.titles();
  Title& title = titles.emplace_back();
  std::string_view name;
  SplitTitleYear(raw_title, &name, &title.year);
  title.name = ToUtf8(name);
  *added = &title;
  return true;
}

void AddGenre(Title* title, uint16_t genre) {
  for (uint16_t g : title->genres) {
    if (g == genre) return;
  }
  title->genres.push_back(genre);
}

// "Adventure|Animation|Children"; "(no genres listed)" means none.
void AddGenreList(Catalog& catalog, Title* title, std::string_view list) {
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t bar = list.find('|', pos);
    if (bar == std::string_view::npos) bar = list.size();
    std::string_view name = TrimSpaces(list.substr(pos, bar - pos));
    if (!name.empty() && name != "(no genres listed)") {
      AddGenre(title, catalog.GenreIndex(ToUtf8(name)));
    }
    pos = bar + 1;
  }
}

// A non-empty movie id, decoded under --encoding into *id.
Status CheckMovieId(std::string_view file, size_t line, std::string_view* id,
                    const ImportOptions& options, std::string* buffer) {
  if (id->empty()) return FieldError(file, line, "a movie id in column 1", *id);
  return DecodeText(file, line, *id, options.encoding, buffer, id);
}

Status DuplicateMovieError(std::string_view file, size_t line, std::string_view id) {
  return FieldError(file, line, "a movie id not listed before", id);
}

// Runs `parse_line(line, line_number)` on every remaining non-blank line,
// routing its errors through rows.Reject. A file without such lines is an
// error: `expected` says what was missing.
template <typename ParseLine>
Status ForEachCatalogLine(LineScanner& lines, std::string_view file, std::string_view expected,
                          RowCollector& rows, ParseLine parse_line) {
  const size_t first_line = lines.line_number() + 1;
  bool any = false;
  std::string_view line;
  while (lines.Next(&line)) {
    if (line.empty()) continue;
    any = true;
    Status s = parse_line(line, lines.line_number());
    if (!s.ok()) MARQUEE_RETURN_IF_ERROR(rows.Reject(std::move(s)));
  }
  if (any) return Status::OK();
  if (first_line == 1) return EmptyFileError(file, expected);
  return EndOfFileError(file, first_line, std::string(expected) + " after the header");
}

// u.genre: "name|index" lines; the 19 standard names when absent.
Result<std::vector<std::string>> ReadGenreNames(const std::string& dir) {
  const std::string path = JoinPath(dir, "u.genre");
  std::vector<std::string> names;
  if (!FileExists(path)) {
    for (std::string_view name : kStandardGenres) names.emplace_back(name);
    return names;
  }
  MARQUEE_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  LineScanner lines(file.bytes());
  std::string_view line;
  while (lines.Next(&line)) {
    if (line.empty()) continue;
    size_t bar = line.find('|');
    if (bar == 0 || bar == std::string_view::npos) {
      return FieldError("u.genre", lines.line_number(), "a line \"name|index\"", line);
    }
    names.push_back(ToUtf8(line.substr(0, bar)));
  }
  if (names.empty()) return EmptyFileError("u.genre", "genre lines \"name|index\"");
  return names;
}

// u.item: id|title|release date|video release date|IMDb URL|one 0/1 flag a genre.
Status ReadUItem(const std::string& dir, const ImportOptions& options, RowCollector& rows) {
  MARQUEE_ASSIGN_OR_RETURN(std::vector<std::string> genre_names, ReadGenreNames(dir));
  Catalog& catalog = rows.dataset().catalog;
  std::vector<uint16_t> genre_index;
  for (const std::string& name : genre_names) genre_index.push_back(catalog.GenreIndex(name));

  const std::string path = JoinPath(dir, "u.item");
  MARQUEE_ASSIGN_OR_RETURN(MappedFile file, OpenInput(path, "the MovieLens 100K titles next to u.data"));
  const size_t field_count = 5 + genre_names.size();
  const std::string expected_fields = std::to_string(field_count) + " fields separated by '|'";
  std::vector<std::string_view> fields;
  std::string id_buffer;
  LineScanner lines(file.bytes());
  return ForEachCatalogLine(lines, "u.item", "a title line \"id|title|...\"", rows,
                            [&](std::string_view line, size_t n) -> Status {
    SplitPlain(line, '|', &fields);
    if (fields.size() != field_count) {
      return FieldCountError("u.item", n, expected_fields, fields.size(), line);
    }
    std::string_view id = fields[0];
    MARQUEE_RETURN_IF_ERROR(CheckMovieId("u.item", n, &id, options, &id_buffer));
    for (size_t g = 0; g < genre_names.size(); ++g) {
      std::string_view flag = fields[5 + g];
      if (flag != "0" && flag != "1") {
        return FieldError("u.item", n, "a genre flag (0 or 1) in column " + std::to_string(6 + g),
                          flag);
      }
    }
    Title* title;
    if (!AddCatalogTitle(rows, id, fields[1], &title)) {
      return DuplicateMovieError("u.item", n, id);
    }
    for (size_t g = 0; g < genre_names.size(); ++g) {
      if (fields[5 + g] == "1") AddGenre(title, genre_index[g]);
    }
    return Status::OK();
  });
}

// movies.dat: id::Title (Year)::Genre|Genre. The title is everything
// between the first and the last "::", so a stray "::" in it does no harm.
Status ReadMoviesDat(const std::string& dir, const ImportOptions& options, RowCollector& rows) {
  const std::string path = JoinPath(dir, "movies.dat");
  MARQUEE_ASSIGN_OR_RETURN(MappedFile file, OpenInput(path, "the MovieLens titles next to ratings.dat"));
  LineScanner lines(file.bytes());
  std::string id_buffer;
  return ForEachCatalogLine(lines, "movies.dat", "a movie line \"id::title::genres\"", rows,
                            [&](std::string_view line, size_t n) -> Status {
    size_t first = line.find("::");
    size_t last = line.rfind("::");
    if (first == std::string_view::npos || first == last) {
      size_t count = first == std::string_view::npos ? 1 : 2;
      return FieldCountError("movies.dat", n, "3 fields separated by \"::\"", count, line);
    }
    std::string_view id = line.substr(0, first);
    MARQUEE_RETURN_IF_ERROR(CheckMovieId("movies.dat", n, &id, options, &id_buffer));
    Title* title;
    if (!AddCatalogTitle(rows, id, line.substr(first + 2, last - first - 2), &title)) {
      return DuplicateMovieError("movies.dat", n, id);
    }
    AddGenreList(rows.dataset().catalog, title, line.substr(last + 2));
    return Status::OK();
  });
}

// Checks that line 1 is `header`; `file` is empty otherwise.
Status ExpectHeader(LineScanner& lines, std::string_view file, std::string_view header) {
  const std::string expected = "the header " + QuoteForError(header);
  std::string_view line;
  if (!lines.Next(&line)) return EmptyFileError(file, expected);
  if (TrimSpaces(line) != header) return FieldError(file, lines.line_number(), expected, line);
  return Status::OK();
}

// movies.csv: movieId,title,genres with RFC-4180 quoted titles.
Status ReadMoviesCsv(const std::string& dir, const ImportOptions& options, RowCollector& rows) {
  const std::string path = JoinPath(dir, "movies.csv");
  MARQUEE_ASSIGN_OR_RETURN(MappedFile file, OpenInput(path, "the MovieLens titles next to ratings.csv"));
  LineScanner lines(file.bytes());
  MARQUEE_RETURN_IF_ERROR(ExpectHeader(lines, "movies.csv", kMoviesCsvHeader));
  FieldSplitter splitter(',');
  std::string id_buffer;
  return ForEachCatalogLine(lines, "movies.csv", "a movie line", rows,
                            [&](std::string_view line, size_t n) -> Status {
    if (!splitter.Split(line)) return FieldError("movies.csv", n, splitter.error(), line);
    if (splitter.size() != 3) {
      return FieldCountError("movies.csv", n, "3 fields separated by ','", splitter.size(), line);
    }
    std::string_view id = splitter[0];
    MARQUEE_RETURN_IF_ERROR(CheckMovieId("movies.csv", n, &id, options, &id_buffer));
    Title* title;
    if (!AddCatalogTitle(rows, id, splitter[1], &title)) {
      return DuplicateMovieError("movies.csv", n, id);
    }
    AddGenreList(rows.dataset().catalog, title, splitter[2]);
    return Status::OK();
  });
}

// tags.csv (latest, 20M, 25M): userId,movieId,tag,timestamp, the tag quoted
// when it holds a comma. Each title keeps its distinct tags, lower-cased
// (ASCII) and trimmed: metadata for titles without plays (issue 15). A file
// that is absent is no error (older releases have none); a movie not in
// movies.csv is, as in ratings.csv.
Status ReadTagsCsv(const std::string& dir, const ImportOptions& options, RowCollector& rows) {
  const std::string path = JoinPath(dir, "tags.csv");
  if (!FileExists(path)) return Status::OK();
  MARQUEE_ASSIGN_OR_RETURN(MappedFile file, OpenInput(path, "the MovieLens tags next to ratings.csv"));
  LineScanner lines(file.bytes());
  MARQUEE_RETURN_IF_ERROR(ExpectHeader(lines, "tags.csv", kTagsCsvHeader));
  FieldSplitter splitter(',');
  std::string id_buffer, tag_buffer;
  std::vector<Title>& titles = rows.dataset().catalog.titles();
  std::string_view line;
  while (lines.Next(&line)) {
    if (line.empty()) continue;
    const size_t n = lines.line_number();
    Status parsed = [&]() -> Status {
      if (!splitter.Split(line)) return FieldError("tags.csv", n, splitter.error(), line);
      if (splitter.size() != 4) return FieldCountError("tags.csv", n, "4 fields separated by ','", splitter.size(), line);
      std::string_view id = splitter[1];
      MARQUEE_RETURN_IF_ERROR(CheckMovieId("tags.csv", n, &id, options, &id_buffer));
      const uint32_t title = rows.titles().Find(id);
      if (title == IdMap::kNotFound || title >= titles.size()) return UnknownTitleError("tags.csv", n, id, "movies.csv");
      std::string_view tag;
      MARQUEE_RETURN_IF_ERROR(DecodeText("tags.csv", n, TrimSpaces(splitter[2]), options.encoding, &tag_buffer, &tag));
      if (tag.empty()) return FieldError("tags.csv", n, "a tag in column 3", splitter[2]);
      std::string lower = AsciiLower(tag);
      std::vector<std::string>& tags = titles[title].tags;
      auto at = std::lower_bound(tags.begin(), tags.end(), lower);
      if (at == tags.end() || *at != lower) tags.insert(at, std::move(lower));
      return Status::OK();
    }();
    if (!parsed.ok()) MARQUEE_RETURN_IF_ERROR(rows.Reject(std::move(parsed)));
  }
  return Status::OK();
}

// ---------------------------------------------------------------- ratings

struct RatingsLayout {
  std::string_view file;          // "ratings.csv"
  std::string_view delimiter;     // "\t", "::" or ","
  std::string_view header;        // the expected first line; empty when none
  std::string_view catalog;       // the movies file, for "title 5 is not in movies.csv"
  std::string four_fields;        // "4 fields separated by ','"
};

// Converted ids of one rating line (--encoding latin-1), reused.
struct IdBuffers {
  std::string member, movie;
};

// One "member DELIM title DELIM rating DELIM timestamp" line.
inline Status ParseRatingLine(std::string_view line, size_t n, const RatingsLayout& layout,
                              const ImportOptions& options, IdBuffers& buffers,
                              RowCollector& rows) {
  std::array<std::string_view, 5> f;
  size_t count = SplitOnString(line, layout.delimiter, f.data(), f.size());
  if (count != 4) return FieldCountError(layout.file, n, layout.four_fields, count, line);
  if (f[0].empty()) return FieldError(layout.file, n, "a member id in column 1", f[0]);
  if (f[1].empty()) return FieldError(layout.file, n, "a movie id in column 2", f[1]);
  float rating;
  if (!ParseFiniteFloat(f[2], &rating)) {
    return FieldError(layout.file, n, "a rating (number) in column 3", f[2]);
  }
  MARQUEE_RETURN_IF_ERROR(DecodeText(layout.file, n, f[0], options.encoding, &buffers.member, &f[0]));
  MARQUEE_RETURN_IF_ERROR(DecodeText(layout.file, n, f[1], options.encoding, &buffers.movie, &f[1]));
  int64_t stamp, time;
  if (!ParseInt64(f[3], &stamp)) {
    return FieldError(layout.file, n,
                      "a timestamp (integer " + std::string(TimeUnitWord(options.time_unit)) + ") in column 4",
                      f[3]);
  }
  MARQUEE_RETURN_IF_ERROR(EpochToSeconds(layout.file, n, stamp, options.time_unit, &time));
  uint32_t title = rows.titles().Find(f[1]);
  if (title == IdMap::kNotFound) return UnknownTitleError(layout.file, n, f[1], layout.catalog);
  rows.Add(rows.members().GetOrAdd(f[0]), title, rating, time);
  return Status::OK();
}

Status ReadRatings(const std::string& dir, const RatingsLayout& layout,
                   const ImportOptions& options, RowCollector& rows) {
  const std::string path = JoinPath(dir, layout.file);
  MARQUEE_ASSIGN_OR_RETURN(MappedFile file, OpenInput(path, "MovieLens ratings"));
  LineScanner lines(file.bytes());
  if (!layout.header.empty()) {
    MARQUEE_RETURN_IF_ERROR(ExpectHeader(lines, layout.file, layout.header));
  } else if (file.size() == 0) {
    return EmptyFileError(layout.file, "a rating line");
  }
  rows.Reserve(EstimateRows(file.size(), 24));
  ByteProgress progress(options.progress, "reading " + std::string(layout.file), file.size());
  const uint64_t rows_before = rows.report().rows_read;
  IdBuffers buffers;
  std::string_view line;
  while (lines.Next(&line)) {
    progress.Tick(lines.offset());
    if (line.empty()) continue;
    rows.CountRow();
    Status s = ParseRatingLine(line, lines.line_number(), layout, options, buffers, rows);
    if (!s.ok()) MARQUEE_RETURN_IF_ERROR(rows.Reject(std::move(s)));
  }
  progress.Set(file.size());
  if (rows.report().rows_read == rows_before) {
    return EndOfFileError(layout.file, lines.line_number() + 1, "a rating line");
  }
  return Status::OK();
}

RatingsLayout MakeLayout(std::string_view file, std::string_view delimiter,
                         std::string_view header, std::string_view catalog) {
  std::string name = delimiter == "\t" ? "tab" : "\"" + std::string(delimiter) + "\"";
  if (delimiter == ",") name = "','";
  return RatingsLayout{file, delimiter, header, catalog, "4 fields separated by " + name};
}

}  // namespace

Result<std::string> DetectMovieLensFormat(const std::string& dir) {
  if (!IsDirectory(dir)) {
    return Status::NotFound(dir + ": no such directory (expected a MovieLens folder)");
  }
  if (FileExists(JoinPath(dir, "u.data"))) return std::string("movielens-100k");
  if (FileExists(JoinPath(dir, "ratings.dat"))) return DetectDatVariant(dir);
  if (FileExists(JoinPath(dir, "ratings.csv"))) return DetectCsvVariant(dir);
  return Status::NotFound("no MovieLens files in " + dir +
                          ": expected u.data, ratings.dat or ratings.csv");
}

Result<ImportResult> ImportMovieLens(const std::string& dir, const ImportOptions& options) {
  MARQUEE_ASSIGN_OR_RETURN(std::string format, DetectMovieLensFormat(dir));
  MARQUEE_ASSIGN_OR_RETURN(RowCollector rows, RowCollector::Create(options, true));
  if (format == "movielens-100k") {
    MARQUEE_RETURN_IF_ERROR(ReadUItem(dir, options, rows));
    MARQUEE_RETURN_IF_ERROR(ReadRatings(dir, MakeLayout("u.data", "\t", "", "u.item"), options, rows));
  } else if (format == "movielens-1m" || format == "movielens-10m") {
    MARQUEE_RETURN_IF_ERROR(ReadMoviesDat(dir, options, rows));
    MARQUEE_RETURN_IF_ERROR(
        ReadRatings(dir, MakeLayout("ratings.dat", "::", "", "movies.dat"), options, rows));
  } else {
    MARQUEE_RETURN_IF_ERROR(ReadMoviesCsv(dir, options, rows));
    MARQUEE_RETURN_IF_ERROR(ReadTagsCsv(dir, options, rows));
    MARQUEE_RETURN_IF_ERROR(ReadRatings(
        dir, MakeLayout("ratings.csv", ",", kRatingsCsvHeader, "movies.csv"), options, rows));
  }
  return rows.Finish(std::move(format), dir);
}

}  // namespace marquee
