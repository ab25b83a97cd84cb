// End-to-end import benchmark: writes a MovieLens-20M-shaped ratings.csv
// (header userId,movieId,rating,timestamp; ~138k users, ~27k movies, half
// stars, rows sorted by user) and movies.csv into a temporary folder, then
// times ImportMovieLens on one thread.
//
//   import_bench [rows=20000000] [folder=$TMPDIR]
//
// Prints rows, seconds, rows/s and MB/s for the whole import, for the parse
// phase alone (reading + parsing into the builder) and for a bare line scan
// of the same file (the memchr floor).
#include <stdlib.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "marquee/io/import.h"
#include "marquee/io/text_scan.h"
#include "marquee/util/file.h"

namespace {

constexpr uint32_t kUsers = 138493;
constexpr uint32_t kMovies = 27278;

// MovieLens movie ids are sparse (1 .. ~131k); spread ours the same way.
uint32_t MovieId(uint32_t index) { return index * 4 + 1 + index % 3; }

void Append(std::string& out, uint64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

bool WriteMovies(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  std::string out = "movieId,title,genres\n";
  for (uint32_t i = 0; i < kMovies; ++i) {
    Append(out, MovieId(i));
    // Every fifth title needs quotes, as in the real file.
    if (i % 5 == 0) {
      out += ",\"Movie ";
      Append(out, i);
      out += ", The (";
    } else {
      out += ",Movie ";
      Append(out, i);
      out += " (";
    }
    Append(out, 1950 + i % 65);
    out += i % 5 == 0 ? ")\"," : "),";
    out += i % 2 == 0 ? "Drama|Comedy\n" : "Action\n";
  }
  bool ok = std::fwrite(out.data(), 1, out.size(), f) == out.size();
  return std::fclose(f) == 0 && ok;
}

// Rows sorted by user; each user's movies are distinct (a stride walk).
bool WriteRatings(const std::string& path, uint64_t rows) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  std::mt19937_64 rng(42);
  std::string out = "userId,movieId,rating,timestamp\n";
  uint64_t written = 0;
  bool ok = true;
  for (uint32_t user = 0; user < kUsers && written < rows; ++user) {
    uint64_t end = (rows * (user + 1)) / kUsers;
    uint32_t start = rng() % kMovies;
    // Coprime with 27278 = 2 * 23 * 593, so the walk never repeats a movie.
    uint32_t stride = 2 * (rng() % 500) + 1;
    if (stride % 23 == 0 || stride % 593 == 0) stride += 2;
    uint64_t base_time = 789652009 + rng() % 600000000;
    for (uint32_t j = 0; written < end; ++j, ++written) {
      Append(out, user + 1);
      out += ',';
      Append(out, MovieId((start + uint64_t{j} * stride) % kMovies));
      out += ',';
      uint32_t half_stars = 1 + rng() % 10;  // 0.5 .. 5.0
      Append(out, half_stars / 2);
      out += half_stars % 2 ? ".5," : ".0,";
      Append(out, base_time + rng() % 10000000);
      out += '\n';
    }
    if (out.size() > (8u << 20)) {
      ok = ok && std::fwrite(out.data(), 1, out.size(), f) == out.size();
      out.clear();
    }
  }
  ok = ok && std::fwrite(out.data(), 1, out.size(), f) == out.size();
  return std::fclose(f) == 0 && ok;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Lines in the file, by the importers' own scanner: what reading alone costs.
double TimeLineScan(const std::string& path, uint64_t* lines) {
  auto start = std::chrono::steady_clock::now();
  marquee::Result<marquee::MappedFile> file = marquee::MappedFile::Open(path);
  if (!file.ok()) return 0;
  marquee::LineScanner scanner(file->bytes());
  std::string_view line;
  uint64_t n = 0;
  while (scanner.Next(&line)) n += !line.empty();
  *lines = n;
  return Seconds(start);
}

void PrintRow(const char* what, uint64_t rows, double seconds, double mb) {
  std::printf("%-28s %12llu %9.3f %14.0f %10.1f\n", what, static_cast<unsigned long long>(rows),
              seconds, rows / seconds, mb / seconds);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {  // usage: import_bench [ROWS (default 20000000) [SCRATCH_DIR]]
    const std::string first = argv[1];
    if (first == "--help" || first == "-h") {
      std::printf("usage: %s [ROWS (default 20000000) [SCRATCH_DIR]]\n", argv[0]);
      return 0;
    }
    if (std::strtoull(argv[1], nullptr, 10) == 0) {
      std::fprintf(stderr, "%s: ROWS must be a positive number, found %s\n", argv[0], argv[1]);
      return 2;
    }
  }
  const uint64_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000000;
  std::string base = argc > 2 ? argv[2] : std::filesystem::temp_directory_path().string();
  std::string pattern = marquee::JoinPath(base, "marquee_import_bench_XXXXXX");
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::fprintf(stderr, "cannot create a folder under %s\n", base.c_str());
    return 1;
  }
  const std::string dir = pattern;
  const std::string ratings = marquee::JoinPath(dir, "ratings.csv");

  auto start = std::chrono::steady_clock::now();
  if (!WriteMovies(marquee::JoinPath(dir, "movies.csv")) || !WriteRatings(ratings, rows)) {
    std::fprintf(stderr, "cannot write the input files in %s\n", dir.c_str());
    std::filesystem::remove_all(dir);
    return 1;
  }
  const double mb = std::filesystem::file_size(ratings) / 1e6;
  std::printf("generated %llu rows (%.1f MB) in %.1f s\n", static_cast<unsigned long long>(rows),
              mb, Seconds(start));

  uint64_t lines = 0;
  TimeLineScan(ratings, &lines);  // warm the page cache
  const double scan_seconds = TimeLineScan(ratings, &lines);

  start = std::chrono::steady_clock::now();
  marquee::Result<marquee::ImportResult> result = marquee::ImportMovieLens(dir, {});
  const double total_seconds = Seconds(start);
  std::filesystem::remove_all(dir);
  if (!result.ok()) {
    std::fprintf(stderr, "import failed: %s\n", result.status().ToString().c_str());
    return 1;
  }
  const marquee::ImportReport& report = result->report;
  const marquee::Dataset& d = result->dataset;
  std::printf("imported %u members, %u titles, %llu interactions\n\n", d.members.size(),
              d.titles.size(), static_cast<unsigned long long>(d.interactions.nnz()));
  std::printf("%-28s %12s %9s %14s %10s\n", "phase (1 thread)", "rows", "seconds", "rows/s",
              "MB/s");
  PrintRow("line scan only (memchr)", lines - 1, scan_seconds, mb);
  PrintRow("parse (read+parse+ids)", report.rows_read, report.parse_seconds, mb);
  PrintRow("build (CSR sort)", report.rows_kept, report.build_seconds, mb);
  PrintRow("import total (parse+build)", report.rows_read, total_seconds, mb);
  return 0;
}
