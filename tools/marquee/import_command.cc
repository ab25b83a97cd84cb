// marquee import --format movielens|netflix|csv|jsonl INPUT --out DATASET
#include <chrono>
#include <cstdio>

#include "commands.h"
#include "dataset_report.h"
#include "marquee/data/dataset_file.h"
#include "marquee/io/import.h"
#include "progress_bar.h"

namespace marquee::cli {

namespace {
struct ImportArgs {
  std::string format;
  std::string input;
  std::string out;
  std::string columns;
  std::string delimiter = ",";
  std::string duplicates = "last";
  std::string encoding = "utf-8";
  std::string time_unit = "s";
  bool header = false;
  bool skip_invalid = false;
  std::optional<float> min_rating;
};

// "," ";" "|" a single character, or the names "tab", "\t", "space".
Result<char> ParseDelimiter(const std::string& text) {
  if (text == "tab" || text == "\\t" || text == "\t") return '\t';
  if (text == "space") return ' ';
  if (text.size() == 1 && text[0] != '"' && text[0] != '\n' && text[0] != '\r') return text[0];
  return Status::InvalidArgument("--delimiter: expected one character (or 'tab'), found " +
                                 QuoteForError(text));
}

Result<ImportResult> RunImporter(const ImportArgs& args, const ImportOptions& options) {
  if (args.format == "movielens") return ImportMovieLens(args.input, options);
  if (args.format == "netflix") return ImportNetflix(args.input, options);
  if (args.columns.empty()) {
    return Status::InvalidArgument("--format " + args.format +
                                   " needs --columns, e.g. member=0,title=1,rating=2,time=3");
  }
  MARQUEE_ASSIGN_OR_RETURN(ColumnMapping columns, ColumnMapping::Parse(args.columns));
  if (args.format == "jsonl") return ImportJsonLines(args.input, columns, options);
  DelimitedOptions delimited;
  delimited.columns = columns;
  delimited.header = args.header;
  MARQUEE_ASSIGN_OR_RETURN(delimited.delimiter, ParseDelimiter(args.delimiter));
  return ImportDelimited(args.input, delimited, options);
}

void PrintReport(const ImportReport& r, double seconds) {
  std::printf("imported %s: %llu rows read, %llu kept", r.format.c_str(),
              static_cast<unsigned long long>(r.rows_read),
              static_cast<unsigned long long>(r.rows_kept));
  if (r.rows_below_min_rating > 0) {
    std::printf(", %llu below --min-rating", static_cast<unsigned long long>(r.rows_below_min_rating));
  }
  std::printf(" in %.2fs (%s rows/s)\n", seconds,
              HumanCount(seconds > 0 ? r.rows_read / seconds : 0).c_str());
  if (r.rows_invalid > 0) {
    std::printf("skipped %llu invalid rows (--skip-invalid); the first:\n",
                static_cast<unsigned long long>(r.rows_invalid));
    for (const std::string& e : r.invalid_examples) std::printf("  %s\n", e.c_str());
  }
}

int RunImport(const ImportArgs& args) {
  ImportOptions options;
  options.min_rating = args.min_rating;
  options.skip_invalid = args.skip_invalid;
  options.progress = TerminalProgress();
  Result<DuplicateRule> duplicates = ParseDuplicateRule(args.duplicates);
  if (!duplicates.ok()) return ReportError("import", duplicates.status().WithContext("--duplicates"));
  options.duplicates = *duplicates;
  Result<TextEncoding> encoding = ParseTextEncoding(args.encoding);
  if (!encoding.ok()) return ReportError("import", encoding.status().WithContext("--encoding"));
  options.encoding = *encoding;
  Result<TimeUnit> time_unit = ParseTimeUnit(args.time_unit);
  if (!time_unit.ok()) return ReportError("import", time_unit.status().WithContext("--time-unit"));
  options.time_unit = *time_unit;
  auto start = std::chrono::steady_clock::now();
  Result<ImportResult> result = RunImporter(args, options);
  if (!result.ok()) return ReportError("import", result.status());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const Dataset& dataset = result->dataset;
  PrintReport(result->report, seconds);
  Status saved = SaveDataset(dataset, args.out);
  if (!saved.ok()) return ReportError("import", saved);
  std::printf("wrote %s\n", args.out.c_str());
  PrintStatsTable(stdout, dataset, ComputeStats(dataset));
  return 0;
}
}  // namespace

Command AddImportCommand(CLI::App& root) {
  auto* app = root.add_subcommand("import", "Import ratings or viewing events into a dataset file");
  auto args = std::make_shared<ImportArgs>();
  app->add_option("--format", args->format, "movielens | netflix | csv | jsonl")
      ->required()
      ->check(CLI::IsMember({"movielens", "netflix", "csv", "jsonl"}));
  app->add_option("input", args->input,
                  "folder (movielens: 100K/1M/10M/20M/25M/latest detected; netflix) or file (csv, jsonl)")
      ->required();
  app->add_option("--out", args->out, "dataset file to write (.mqd)")->required();
  app->add_option("--columns", args->columns,
                  "csv/jsonl: member=COL,title=COL[,rating=COL][,time=COL]; COL is a 0-based index "
                  "or, with --header or for jsonl, a name");
  app->add_option("--delimiter", args->delimiter, "csv: field separator (one character, or 'tab')")
      ->capture_default_str();
  app->add_flag("--header", args->header, "csv: the first line names the columns");
  app->add_option("--min-rating", args->min_rating,
                  "keep only ratings >= R, as positives of weight 1");
  app->add_option("--duplicates", args->duplicates,
                  "repeated member/title rows: sum, max or last (latest time wins)")
      ->capture_default_str();
  app->add_option("--encoding", args->encoding,
                  "text of ids: utf-8 (other bytes are refused) or latin-1 (converted to UTF-8)")
      ->capture_default_str();
  app->add_option("--time-unit", args->time_unit,
                  "numeric times: s, ms or us since 1970 (ISO dates need none); years 0000-9999")
      ->capture_default_str();
  app->add_flag("--skip-invalid", args->skip_invalid,
                "skip malformed lines and report how many, instead of stopping");
  return {app, [args]() { return RunImport(*args); }};
}

}  // namespace marquee::cli
