#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../test_util.h"
#include "marquee/io/import.h"
#include "marquee/util/file.h"

namespace marquee {
namespace {

using test::TempDir;

ColumnMapping Columns(const std::string& spec) {
  Result<ColumnMapping> mapping = ColumnMapping::Parse(spec);
  EXPECT_TRUE(mapping.ok()) << mapping.status().ToString();
  return mapping.ok() ? *mapping : ColumnMapping{};
}

DelimitedOptions Csv(const std::string& spec, char delimiter = ',', bool header = false) {
  DelimitedOptions options;
  options.columns = Columns(spec);
  options.delimiter = delimiter;
  options.header = header;
  return options;
}

Status DelimitedError(const std::string& path, const DelimitedOptions& delimited,
                      ImportOptions options = {}) {
  Result<ImportResult> r = ImportDelimited(path, delimited, options);
  return r.ok() ? Status::OK() : r.status();
}

Status JsonError(const std::string& path, const std::string& spec, ImportOptions options = {}) {
  Result<ImportResult> r = ImportJsonLines(path, Columns(spec), options);
  return r.ok() ? Status::OK() : r.status();
}

// ---------------------------------------------------------------- ColumnMapping

TEST(ImportColumnMappingTest, ParsesAndValidates) {
  Result<ColumnMapping> m = ColumnMapping::Parse("member=0, title=user_item ,rating=2,time=ts");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->member, "0");
  EXPECT_EQ(m->title, "user_item");
  EXPECT_EQ(m->rating, "2");
  EXPECT_EQ(m->time, "ts");
  m = ColumnMapping::Parse("title=1,member=0");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->rating.empty());

  struct Case {
    std::string spec;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"member=0", "member and title columns are required in column mapping \"member=0\" "
                   "(e.g. \"member=0,title=1,rating=2,time=3\")"},
      {"member=0,title=1,colour=2",
       "unknown key \"colour\" in column mapping \"member=0,title=1,colour=2\" (expected member, "
       "title, rating or time)"},
      {"member=0,title=1,member=2",
       "key \"member\" given twice in column mapping \"member=0,title=1,member=2\""},
      {"member=0,title=", "key \"title\" has no column in column mapping \"member=0,title=\""},
      {"member=0,title", "expected key=column, found \"title\" in column mapping \"member=0,title\""},
      {"", "expected key=column, found \"\" in column mapping \"\""},
  };
  for (const Case& c : cases) {
    Result<ColumnMapping> bad = ColumnMapping::Parse(c.spec);
    ASSERT_FALSE(bad.ok()) << c.spec;
    EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(bad.status().message(), c.message);
  }
}

// ---------------------------------------------------------------- delimited

TEST(DelimitedImportTest, TsvWithHeaderNamesAndIsoTimes) {
  TempDir dir;
  std::string path = dir.Write("events.tsv",
                               "user\titem\tscore\twhen\textra\n"
                               "alice\tm1\t4.5\t2020-01-02T03:04:05Z\tx\n"
                               "bob\tm2\t3\t2020-01-02 03:04:05\ty\r\n"
                               "alice\tm2\t 2 \t1577934245\tz\n");
  Result<ImportResult> r = ImportDelimited(
      path, Csv("member=user,title=item,rating=score,time=when", '\t', true), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Dataset& d = r->dataset;
  ASSERT_TRUE(d.Validate().ok());
  EXPECT_EQ(r->report.format, "tsv");
  EXPECT_EQ(d.source, "tsv: " + path);
  EXPECT_EQ(d.weight_kind, WeightKind::kRating);
  EXPECT_EQ(d.members.size(), 2u);
  EXPECT_EQ(d.titles.size(), 2u);
  EXPECT_EQ(d.catalog.size(), 2u);
  EXPECT_EQ(d.interactions.RowWeights(0)[0], 4.5f);
  EXPECT_EQ(d.interactions.RowWeights(0)[1], 2.0f);
  EXPECT_EQ(d.interactions.times(), (std::vector<int64_t>{1577934245, 1577934245, 1577934245}));
}

TEST(DelimitedImportTest, CsvWithoutRatingIsBinaryAndHonoursQuotes) {
  TempDir dir;
  std::string path = dir.Write("plays.csv",
                               "2020-01-01,u1,\"Movie, The\"\n"
                               "2020-01-02,u2,\"Say \"\"Hi\"\"\"\n"
                               "2020-01-03,u1,plain\n");
  Result<ImportResult> r = ImportDelimited(path, Csv("member=1,title=2,time=0"), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Dataset& d = r->dataset;
  EXPECT_EQ(r->report.format, "csv");
  EXPECT_EQ(d.weight_kind, WeightKind::kBinary);
  EXPECT_EQ(d.titles.ExternalId(0), "Movie, The");
  EXPECT_EQ(d.titles.ExternalId(1), "Say \"Hi\"");
  EXPECT_EQ(d.interactions.weights(), (std::vector<float>{1, 1, 1}));
  EXPECT_EQ(d.interactions.RowTimes(1)[0], 1577923200);  // 2020-01-02
}

TEST(DelimitedImportTest, OtherDelimitersAndDuplicates) {
  TempDir dir;
  std::string path = dir.Write("log.txt", "a;x;1\na;x;2\nb;y;1\n");
  ImportOptions options;
  options.duplicates = DuplicateRule::kSum;
  Result<ImportResult> r = ImportDelimited(path, Csv("member=0,title=1,rating=2", ';'), options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->report.format, "delimited");
  EXPECT_EQ(r->dataset.interactions.nnz(), 2u);
  EXPECT_EQ(r->dataset.interactions.weights()[0], 3.0f);
  EXPECT_FALSE(r->dataset.interactions.has_times());
}

TEST(DelimitedImportTest, MalformedRowsStopWithFileLineAndColumn) {
  TempDir dir;
  const std::string header = "user,item,score,ts\n";
  struct Case {
    std::string row;
    std::string message;  // after "PATH:2: "
  };
  const std::vector<Case> cases = {
      {"a,b,x,5", "expected a rating (number) in column 3 (\"score\"), found \"x\""},
      {"a,b", "expected at least 4 fields separated by ',', found 2 in \"a,b\""},
      {",b,1,5", "expected a member id in column 1 (\"user\"), found \"\""},
      {"a,,1,5", "expected a title id in column 2 (\"item\"), found \"\""},
      {"a,b,1,soon",
       "expected a time (epoch seconds or YYYY-MM-DD[THH:MM:SS]) in column 4 (\"ts\"), found "
       "\"soon\""},
      {"a,\"b,1,5", "expected a closing quote, found \"a,\\\"b,1,5\""},
  };
  for (const Case& c : cases) {
    std::string path = dir.Write("bad.csv", header + c.row + "\n");
    Status s = DelimitedError(path, Csv("member=user,title=item,rating=score,time=ts", ',', true));
    EXPECT_EQ(s.code(), Status::Code::kParseError);
    EXPECT_EQ(s.message(), path + ":2: " + c.message);
  }
  // Without a header the columns are numbers only.
  std::string path = dir.Write("bad.csv", "a\tb\tx\n");
  EXPECT_EQ(DelimitedError(path, Csv("member=0,title=1,rating=2", '\t')).message(),
            path + ":1: expected a rating (number) in column 3, found \"x\"");
  path = dir.Write("bad.csv", "a\tb\n");
  EXPECT_EQ(DelimitedError(path, Csv("member=0,title=1,rating=2", '\t')).message(),
            path + ":1: expected at least 3 fields separated by tab, found 2 in \"a\\x09b\"");
}

TEST(DelimitedImportTest, BadMappingsAreInvalidArguments) {
  TempDir dir;
  std::string path = dir.Write("e.csv", "user,item\na,b\n");
  Status s = DelimitedError(path, Csv("member=user,title=item"));
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "the member column is given by name (\"user\") but " + path +
                             " is read without a header line; give a 0-based index or enable "
                             "the header");
  s = DelimitedError(path, Csv("member=user,title=movie", ',', true));
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "the title column \"movie\" is not in the header of " + path +
                             " (it has \"user\", \"item\")");
  s = DelimitedError(path, Csv("member=0,title=0"));
  EXPECT_EQ(s.message(), "two fields of the column mapping use column 1 of " + path);
  ImportOptions min;
  min.min_rating = 3;
  s = DelimitedError(path, Csv("member=0,title=1"), min);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "min_rating needs ratings, but the column mapping has no rating column");
  DelimitedOptions quote = Csv("member=0,title=1", '"');
  EXPECT_EQ(DelimitedError(path, quote).code(), Status::Code::kInvalidArgument);
}

TEST(DelimitedImportTest, EmptyHeaderOnlyAndMissingFiles) {
  TempDir dir;
  std::string path = dir.Write("e.csv", "");
  EXPECT_EQ(DelimitedError(path, Csv("member=0,title=1")).message(),
            path + ":1: expected a data line, found an empty file");
  EXPECT_EQ(DelimitedError(path, Csv("member=0,title=1", ',', true)).message(),
            path + ":1: expected a header line naming the columns, found an empty file");
  path = dir.Write("e.csv", "user,item\r\n");
  EXPECT_EQ(DelimitedError(path, Csv("member=user,title=item", ',', true)).message(),
            path + ":2: expected a data line after the header, found the end of the file");
  const std::string missing = path + ".missing";
  Status s = DelimitedError(missing, Csv("member=0,title=1"));
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_EQ(s.message(), missing + ": no such file (expected a delimited file of interactions)");
}

TEST(DelimitedImportTest, SkipInvalidAndMinRating) {
  TempDir dir;
  std::string path = dir.Write("e.csv", "a,1,5\nb,2,oops\nc,3,2\nd,4\n");
  ImportOptions options;
  options.skip_invalid = true;
  options.min_rating = 4;
  Result<ImportResult> r = ImportDelimited(path, Csv("member=0,title=1,rating=2"), options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->report.rows_read, 4u);
  EXPECT_EQ(r->report.rows_invalid, 2u);
  EXPECT_EQ(r->report.rows_below_min_rating, 1u);
  EXPECT_EQ(r->report.rows_kept, 1u);
  EXPECT_EQ(r->dataset.weight_kind, WeightKind::kBinary);
  ASSERT_EQ(r->report.invalid_examples.size(), 2u);
  EXPECT_EQ(r->report.invalid_examples[1],
            path + ":4: expected at least 3 fields separated by ',', found 2 in \"d,4\"");
}

// ---------------------------------------------------------------- JSON lines

TEST(JsonLinesImportTest, ReadsObjectsWithStringAndIntegerIds) {
  TempDir dir;
  std::string path = dir.Write("events.jsonl",
                               "{\"user\": \"a\", \"item\": 5, \"stars\": 4.5, \"ts\": 1000}\n"
                               "\n"
                               "{\"ts\": \"2020-01-02T03:04:05Z\", \"item\": \"x\", \"user\": 7, "
                               "\"stars\": 3, \"other\": [1]}\r\n"
                               "{\"user\": \"a\", \"item\": \"5\", \"stars\": 2, \"ts\": 1.5e3}");
  Result<ImportResult> r = ImportJsonLines(path, Columns("member=user,title=item,rating=stars,time=ts"), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Dataset& d = r->dataset;
  EXPECT_EQ(r->report.format, "jsonl");
  EXPECT_EQ(r->report.rows_read, 3u);
  EXPECT_EQ(d.members.ExternalId(1), "7");
  EXPECT_EQ(d.titles.ExternalId(0), "5");  // integer 5 and string "5" are one title
  EXPECT_EQ(d.titles.size(), 2u);
  EXPECT_EQ(d.interactions.nnz(), 2u);
  EXPECT_EQ(d.interactions.RowWeights(0)[0], 2.0f);  // latest time (1500) wins
  EXPECT_EQ(d.interactions.RowTimes(0)[0], 1500);
  EXPECT_EQ(d.interactions.RowTimes(1)[0], 1577934245);
}

TEST(JsonLinesImportTest, MalformedLinesNameLineAndKey) {
  TempDir dir;
  const std::string good = "{\"user\": 1, \"item\": 2, \"stars\": 4, \"ts\": 5}\n";
  struct Case {
    std::string line;
    std::string message;  // after "PATH:2: "
  };
  const std::vector<Case> cases = {
      {"{\"user\": 1,", "expected a JSON object, found \"{\\\"user\\\": 1,\""},
      {"[1, 2]", "expected a JSON object, found \"[1, 2]\""},
      {"{\"user\": 1, \"stars\": 4, \"ts\": 5}",
       "expected a key \"item\" (title id), found \"{\\\"user\\\": 1, \\\"stars\\\": 4, "
       "\\\"ts\\\": 5}\""},
      {"{\"user\": 1.5, \"item\": 2, \"stars\": 4, \"ts\": 5}",
       "expected a string or integer for key \"user\" (member id), found \"1.5\""},
      {"{\"user\": \"\", \"item\": 2, \"stars\": 4, \"ts\": 5}",
       "expected a non-empty key \"user\" (member id), found \"\""},
      {"{\"user\": 1, \"item\": 2, \"stars\": \"4\", \"ts\": 5}",
       "expected a finite number for key \"stars\" (rating), found \"\\\"4\\\"\""},
      {"{\"user\": 1, \"item\": 2, \"stars\": 4, \"ts\": \"soon\"}",
       "expected epoch seconds or an ISO date/time for key \"ts\" (time), found "
       "\"\\\"soon\\\"\""},
      {"{\"user\": 1, \"item\": 2, \"stars\": 1e999, \"ts\": 5}",
       "expected a JSON object, found \"{\\\"user\\\": 1, \\\"item\\\": 2, \\\"stars\\\": 1e999, "
       "\\\"ts\\\": 5}\""},
  };
  for (const Case& c : cases) {
    std::string path = dir.Write("bad.jsonl", good + c.line + "\n");
    Status s = JsonError(path, "member=user,title=item,rating=stars,time=ts");
    EXPECT_EQ(s.code(), Status::Code::kParseError) << c.line;
    EXPECT_EQ(s.message(), path + ":2: " + c.message);
  }
  std::string path = dir.Write("bad.jsonl", "");
  EXPECT_EQ(JsonError(path, "member=user,title=item").message(),
            path + ":1: expected a JSON object, found an empty file");
}

TEST(JsonLinesImportTest, SkipInvalidKeepsGoodLines) {
  TempDir dir;
  std::string path = dir.Write("e.jsonl", "{\"u\": 1, \"t\": 2}\nnot json\n{\"u\": 2, \"t\": 2}\n");
  ImportOptions options;
  options.skip_invalid = true;
  Result<ImportResult> r = ImportJsonLines(path, Columns("member=u,title=t"), options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->report.rows_invalid, 1u);
  EXPECT_EQ(r->report.rows_kept, 2u);
  EXPECT_EQ(r->dataset.weight_kind, WeightKind::kBinary);
  EXPECT_EQ(r->report.invalid_examples[0], path + ":2: expected a JSON object, found \"not json\"");
}

// ---------------------------------------------------------------- encodings (issue 10)

ImportOptions WithEncoding(TextEncoding encoding) {
  ImportOptions options;
  options.encoding = encoding;
  return options;
}

TEST(DelimitedImportTest, Latin1IdsAreRefusedNamingFileLineAndByte) {
  TempDir dir;
  std::string path = dir.Write("latin1.csv", "ana,Caf\xC3\xA9,4\njos\xE9,Caf\xE9,5\n");
  Status s = DelimitedError(path, Csv("member=0,title=1,rating=2"));
  EXPECT_EQ(s.code(), Status::Code::kParseError);
  EXPECT_TRUE(s.message().starts_with(path + ":2: expected UTF-8, found byte 0xE9")) << s.message();

  // A title id alone is refused the same way; valid UTF-8 (line 1) is not.
  path = dir.Write("title.csv", "ana,Caf\xC3\xA9,4\nana,Caf\xE9,5\n");
  s = DelimitedError(path, Csv("member=0,title=1,rating=2"));
  EXPECT_TRUE(s.message().starts_with(path + ":2: expected UTF-8, found byte 0xE9")) << s.message();

  ImportOptions skip;
  skip.skip_invalid = true;
  Result<ImportResult> r = ImportDelimited(path, Csv("member=0,title=1,rating=2"), skip);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->report.rows_invalid, 1u);
  EXPECT_EQ(r->report.rows_kept, 1u);
}

TEST(DelimitedImportTest, Latin1IdsConvertWithEncodingLatin1) {
  TempDir dir;
  std::string path = dir.Write("latin1.csv", "jos\xE9,Caf\xE9,5\nana,Caf\xE9,4\n");
  Result<ImportResult> r =
      ImportDelimited(path, Csv("member=0,title=1,rating=2"), WithEncoding(TextEncoding::kLatin1));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->dataset.members.Find("jos\xC3\xA9"), IdMap::kNotFound);
  EXPECT_NE(r->dataset.titles.Find("Caf\xC3\xA9"), IdMap::kNotFound);
  EXPECT_EQ(r->dataset.titles.size(), 1u);
  EXPECT_TRUE(ParseTextEncoding("latin-1").ok());
  EXPECT_EQ(*ParseTextEncoding("utf-8"), TextEncoding::kUtf8);
  EXPECT_FALSE(ParseTextEncoding("cp1252").ok());
}

TEST(JsonLinesImportTest, RawLatin1BytesAreRefusedOrConverted) {
  TempDir dir;
  std::string path =
      dir.Write("latin1.jsonl", "{\"u\": \"ana\", \"t\": \"x\"}\n{\"u\": \"jos\xE9\", \"t\": \"Caf\xE9\"}\n");
  Status s = JsonError(path, "member=u,title=t");
  EXPECT_EQ(s.code(), Status::Code::kParseError);
  EXPECT_TRUE(s.message().starts_with(path + ":2: expected UTF-8, found byte 0xE9")) << s.message();

  Result<ImportResult> r =
      ImportJsonLines(path, Columns("member=u,title=t"), WithEncoding(TextEncoding::kLatin1));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->dataset.members.Find("jos\xC3\xA9"), IdMap::kNotFound);
  EXPECT_NE(r->dataset.titles.Find("Caf\xC3\xA9"), IdMap::kNotFound);

  // Escapes are UTF-8 already.
  path = dir.Write("escaped.jsonl", "{\"u\": \"jos\\u00e9\", \"t\": \"x\"}\n");
  r = ImportJsonLines(path, Columns("member=u,title=t"), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->dataset.members.Find("jos\xC3\xA9"), IdMap::kNotFound);
}

// ---------------------------------------------------------------- time units (issue 10)

ImportOptions WithUnit(TimeUnit unit) {
  ImportOptions options;
  options.time_unit = unit;
  return options;
}

int64_t OnlyTime(const Result<ImportResult>& r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok() || r->dataset.interactions.nnz() == 0) return INT64_MIN;
  return r->dataset.interactions.RowTimes(0)[0];
}

TEST(DelimitedImportTest, MillisecondTimesAreRefusedWithAHintAtTheUnit) {
  TempDir dir;
  std::string path = dir.Write("ms.csv", "a,x,1700000000\nb,x,1700000000000\n");
  Status s = DelimitedError(path, Csv("member=0,title=1,time=2"));
  EXPECT_EQ(s.code(), Status::Code::kParseError);
  EXPECT_EQ(s.message(), path +
                             ":2: expected epoch seconds up to 253402300799 (year 9999), found "
                             "1700000000000 -- milliseconds? use --time-unit ms");
  path = dir.Write("us.csv", "b,x,1700000000000000\n");
  s = DelimitedError(path, Csv("member=0,title=1,time=2"));
  EXPECT_TRUE(s.message().ends_with("found 1700000000000000 -- microseconds? use --time-unit us"))
      << s.message();
  s = DelimitedError(path, Csv("member=0,title=1,time=2"), WithUnit(TimeUnit::kMilliseconds));
  EXPECT_EQ(s.message(), path +
                             ":1: expected epoch milliseconds up to 253402300799999 (year 9999), "
                             "found 1700000000000000 -- microseconds? use --time-unit us");
  // Nanoseconds fit no unit: no hint. Past int64: out of range, not "not a time".
  path = dir.Write("ns.csv", "b,x,1700000000000000000\nc,x,99999999999999999999\n");
  s = DelimitedError(path, Csv("member=0,title=1,time=2"));
  EXPECT_TRUE(s.message().ends_with("found 1700000000000000000")) << s.message();
  path = dir.Write("big.csv", "c,x,99999999999999999999\n");
  s = DelimitedError(path, Csv("member=0,title=1,time=2"));
  EXPECT_TRUE(s.message().starts_with(path + ":1: expected epoch seconds up to 253402300799"))
      << s.message();
}

TEST(DelimitedImportTest, TimeUnitsConvertToSecondsAndDatesIgnoreThem) {
  TempDir dir;
  const DelimitedOptions csv = Csv("member=0,title=1,time=2");
  EXPECT_EQ(OnlyTime(ImportDelimited(dir.Write("s.csv", "a,x,1700000000\n"), csv, {})), 1700000000);
  EXPECT_EQ(OnlyTime(ImportDelimited(dir.Write("ms.csv", "a,x,1700000000999\n"), csv,
                                     WithUnit(TimeUnit::kMilliseconds))),
            1700000000);
  EXPECT_EQ(OnlyTime(ImportDelimited(dir.Write("us.csv", "a,x,1700000000000001\n"), csv,
                                     WithUnit(TimeUnit::kMicroseconds))),
            1700000000);
  EXPECT_EQ(OnlyTime(ImportDelimited(dir.Write("iso.csv", "a,x,2023-11-14T22:13:20Z\n"), csv,
                                     WithUnit(TimeUnit::kMilliseconds))),
            1700000000);
  // History before 1970 is kept (rounded down), back to year 0000.
  EXPECT_EQ(OnlyTime(ImportDelimited(dir.Write("neg.csv", "a,x,-1500\n"), csv,
                                     WithUnit(TimeUnit::kMilliseconds))),
            -2);
  EXPECT_EQ(OnlyTime(ImportDelimited(dir.Write("old.csv", "a,x,1901-01-01\n"), csv, {})),
            -2177452800);
  EXPECT_EQ(OnlyTime(ImportDelimited(dir.Write("max.csv", "a,x,253402300799\n"), csv, {})),
            253402300799);
  Status s = DelimitedError(dir.Write("min.csv", "a,x,-62167219201\n"), csv);
  EXPECT_TRUE(s.message().ends_with(
      ":1: expected epoch seconds from -62167219200 (year 0), found -62167219201"))
      << s.message();
  s = DelimitedError(dir.Write("leap.csv", "a,x,9999-12-31T23:59:60\n"), csv);
  EXPECT_EQ(s.code(), Status::Code::kParseError);
  EXPECT_TRUE(ParseTimeUnit("us").ok());
  EXPECT_FALSE(ParseTimeUnit("ns").ok());
}

TEST(JsonLinesImportTest, TimeUnitsApplyToNumbersAndNumericStrings) {
  TempDir dir;
  const std::string spec = "member=u,title=t,time=ts";
  std::string path = dir.Write("ms.jsonl", "{\"u\": 1, \"t\": 2, \"ts\": 1700000000000}\n");
  Status s = JsonError(path, spec);
  EXPECT_EQ(s.message(), path +
                             ":1: expected epoch seconds up to 253402300799 (year 9999), found "
                             "1700000000000 -- milliseconds? use --time-unit ms");
  EXPECT_EQ(OnlyTime(ImportJsonLines(path, Columns(spec), WithUnit(TimeUnit::kMilliseconds))),
            1700000000);
  path = dir.Write("str.jsonl", "{\"u\": 1, \"t\": 2, \"ts\": \"1700000000000\"}\n");
  EXPECT_TRUE(JsonError(path, spec).message().ends_with("use --time-unit ms"));
  EXPECT_EQ(OnlyTime(ImportJsonLines(path, Columns(spec), WithUnit(TimeUnit::kMilliseconds))),
            1700000000);
  path = dir.Write("float.jsonl", "{\"u\": 1, \"t\": 2, \"ts\": 1700000000500.5}\n");
  EXPECT_TRUE(JsonError(path, spec).message().ends_with("use --time-unit ms"));
  EXPECT_EQ(OnlyTime(ImportJsonLines(path, Columns(spec), WithUnit(TimeUnit::kMilliseconds))),
            1700000000);
  path = dir.Write("huge.jsonl", "{\"u\": 1, \"t\": 2, \"ts\": 18446744073709551615}\n");
  EXPECT_TRUE(JsonError(path, spec).message().starts_with(path + ":1: expected epoch seconds up to"));
  path = dir.Write("iso.jsonl", "{\"u\": 1, \"t\": 2, \"ts\": \"1969-12-31\"}\n");
  EXPECT_EQ(OnlyTime(ImportJsonLines(path, Columns(spec), {})), -86400);
}

}  // namespace
}  // namespace marquee
