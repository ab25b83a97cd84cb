#include "marquee/page/page_config.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "../test_util.h"

namespace marquee::page {
namespace {

// The example of docs/homepage.md: the built-in page, spelled out.
constexpr const char* kExample = R"(# docs/homepage.md
rules:
  rows: 10
  per_row: 20
  dedupe_rows: 0
  dedupe_columns: 0
  max_genre_rows: 4
  overlap_penalty: 1.0
  same_genre_penalty: 0.5
  column_weight: 1.0
rows:
  - kind: continue_watching
    pin: 0
    max_progress: 0.9
    window_days: 90
  - kind: top_picks
    required: true
  - kind: because_you_watched
    count: 3
  - kind: trending
    half_life_days: 7
  - kind: popular_in_region
  - kind: new_releases
    release_window_days: 365
  - kind: genre
    count: 4
)";

// Parses `text` as page.yaml and expects an InvalidArgument whose message
// starts "page.yaml:LINE: FIELD: " and contains `says`.
void ExpectError(const std::string& text, int line, const std::string& field, const std::string& says) {
  const Result<PageConfig> config = ParsePageConfig(text, "page.yaml");
  ASSERT_FALSE(config.ok()) << text;
  EXPECT_EQ(config.status().code(), Status::Code::kInvalidArgument);
  const std::string& message = config.status().message();
  const std::string prefix = "page.yaml:" + std::to_string(line) + ": " + field + ": ";
  EXPECT_EQ(message.substr(0, prefix.size()), prefix) << message;
  EXPECT_NE(message.find(says), std::string::npos) << message;
}

// A file of one row (indented under `rows:`), after the given rules.
std::string OneRow(const std::string& row, const std::string& rules = "") {
  return (rules.empty() ? "" : "rules:\n" + rules) + "rows:\n" + row;
}

TEST(PageConfigTest, DefaultHasEveryKindOnce) {
  const PageConfig& config = DefaultPageConfig();
  std::set<RowKind> kinds;
  for (const RowSpec& spec : config.rows)
    EXPECT_TRUE(kinds.insert(spec.kind).second) << RowKindName(spec.kind);
  EXPECT_EQ(kinds.size(), std::size(kAllRowKinds));
  EXPECT_EQ(config.source, "built-in");
  EXPECT_EQ(config.rules, PageRules{});
}

TEST(PageConfigTest, TheDocumentedExampleIsTheDefault) {
  Result<PageConfig> config = ParsePageConfig(kExample, "page.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->source, "page.yaml");
  config->source = "built-in";
  EXPECT_EQ(*config, DefaultPageConfig());
}

TEST(PageConfigTest, OmittedKeysTakeTheStructDefaults) {
  Result<PageConfig> config = ParsePageConfig("rows:\n  - kind: genre\n  - kind: top_picks\n", "p.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->rules, PageRules{});
  RowSpec genre, top;
  genre.kind = RowKind::kGenre;
  top.kind = RowKind::kTopPicks;
  ASSERT_EQ(config->rows.size(), 2u);
  EXPECT_EQ(config->rows[0], genre);
  EXPECT_EQ(config->rows[1], top);
  EXPECT_TRUE(ParsePageConfig("rules:\nrows:\n  - kind: genre\n", "p.yaml").ok())
      << "an empty rules: is allowed";
}

TEST(PageConfigTest, ContinueWatchingIsPinnedOnTopUnlessTheFileSaysOtherwise) {
  Result<PageConfig> pinned = ParsePageConfig("rows:\n  - kind: continue_watching\n", "p.yaml");
  ASSERT_TRUE(pinned.ok()) << pinned.status().ToString();
  EXPECT_EQ(pinned->rows[0].pin, 0);
  EXPECT_EQ(pinned->rows[0], DefaultPageConfig().rows[0]);
  Result<PageConfig> unpinned =
      ParsePageConfig("rows:\n  - kind: continue_watching\n    pin: -1\n", "p.yaml");
  ASSERT_TRUE(unpinned.ok()) << unpinned.status().ToString();
  EXPECT_EQ(unpinned->rows[0].pin, -1);
}

TEST(PageConfigTest, RoundTripsTheDefault) {
  const std::string yaml = PageConfigYaml(DefaultPageConfig());
  Result<PageConfig> back = ParsePageConfig(yaml, "built-in");
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << yaml;
  EXPECT_EQ(*back, DefaultPageConfig()) << yaml;
}

TEST(PageConfigTest, RoundTripsANonDefaultConfig) {
  PageConfig config;
  config.source = "custom.yaml";
  config.rules.rows = 6;
  config.rules.per_row = 7;
  config.rules.dedupe_rows = 3;
  config.rules.dedupe_columns = 5;
  config.rules.max_genre_rows = 2;
  config.rules.overlap_penalty = 0.25;
  config.rules.same_genre_penalty = 0.0;
  config.rules.column_weight = 0.1;  // not exact in binary: the writer must keep every digit
  RowSpec genre;
  genre.kind = RowKind::kGenre;
  genre.count = 2;
  genre.weight = 1.0 / 3.0;
  genre.min_titles = 9;
  RowSpec trending;
  trending.kind = RowKind::kTrending;
  trending.pin = 5;
  trending.required = true;
  trending.half_life_days = 2.5;
  RowSpec watching;
  watching.kind = RowKind::kContinueWatching;
  watching.pin = -1;
  watching.max_progress = 0.95;
  watching.window_days = 30;
  RowSpec anchors;
  anchors.kind = RowKind::kBecauseYouWatched;
  anchors.count = 5;
  anchors.anchor_window_days = 60;
  anchors.min_anchor_progress = 0;
  anchors.anchor_half_life_days = 14;
  RowSpec fresh;
  fresh.kind = RowKind::kNewReleases;
  fresh.release_window_days = 1e-3;
  config.rows = {genre, trending, watching, anchors, fresh};

  const std::string yaml = PageConfigYaml(config);
  Result<PageConfig> back = ParsePageConfig(yaml, "custom.yaml");
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << yaml;
  EXPECT_EQ(*back, config) << yaml;
}

TEST(PageConfigTest, LoadReadsAFileAndNamesIt) {
  test::TempDir dir;
  const std::string path = dir.Write("page.yaml", kExample);
  Result<PageConfig> config = LoadPageConfig(path);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->source, path);
  EXPECT_EQ(config->rows, DefaultPageConfig().rows);

  const std::string bad = dir.Write("bad.yaml", "rows:\n  - kind: genre\n    count: x\n");
  Result<PageConfig> refused = LoadPageConfig(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message().rfind(bad + ":3: rows[0].count: ", 0), 0u)
      << refused.status().message();
}

TEST(PageConfigTest, LoadNamesAMissingPath) {
  test::TempDir dir;
  Result<PageConfig> config = LoadPageConfig(dir.File("nothing.yaml"));
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), Status::Code::kIOError);
  EXPECT_NE(config.status().message().find(dir.File("nothing.yaml")), std::string::npos)
      << config.status().message();
}

// --- Errors: the shape of the file.

TEST(PageConfigTest, RefusesYamlSyntaxErrors) {
  ExpectError("rows:\n  - kind: [genre\n  - kind: top_picks\n", 3, "(file)", "expected well-formed YAML");
  ExpectError("rules:\n  rows: 3\n   per_row: 2\nrows:\n", 3, "(file)", "expected well-formed YAML");
}

TEST(PageConfigTest, RefusesAnEmptyFile) {
  ExpectError("", 1, "(file)", "empty file");
  ExpectError("# nothing but a comment\n", 1, "(file)", "empty file");
  ExpectError("just text\n", 1, "(file)", "expected a map with rules: and rows:");
}

TEST(PageConfigTest, RefusesASecondYamlDocument) {
  // Line 3 holds the second document's first node.
  ExpectError("rows:\n  - kind: top_picks\n---\nrows:\n  - kind: trending\n", 4, "(file)",
              "expected one YAML document, found 2");
  // A lone leading "---" is one document and fine.
  EXPECT_TRUE(ParsePageConfig("---\nrows:\n  - kind: top_picks\n", "page.yaml").ok());
}

TEST(PageConfigTest, RefusesAnUnknownTopLevelKey) {
  ExpectError("rows:\n  - kind: genre\nrowz: 3\n", 3, "rowz",
              "unknown key; a page configuration has rules, rows");
}

TEST(PageConfigTest, RefusesMissingOrEmptyRows) {
  ExpectError("rules:\n  rows: 3\n", 1, "rows", "missing");
  ExpectError("rows:\n", 1, "rows", "expected a non-empty list of rows");
  ExpectError("rows: []\n", 1, "rows", "found an empty list");
  ExpectError("rows:\n  kind: genre\n", 2, "rows", "found a map");
  ExpectError("rows: genre\n", 1, "rows", "found \"genre\"");
}

TEST(PageConfigTest, RefusesARowThatIsNotAMapOrHasNoKind) {
  ExpectError("rows:\n  - genre\n", 2, "rows[0]",
              "expected a map like \"- kind: top_picks\", found \"genre\"");
  ExpectError("rows:\n  - kind: genre\n  - count: 2\n", 3, "rows[1]", "has no kind");
}

TEST(PageConfigTest, RefusesAnUnknownKind) {
  ExpectError("rows:\n  - kind: genre\n  - kind: trendy\n", 3, "rows[1].kind",
              "unknown row kind \"trendy\"; expected one of continue_watching, top_picks");
}

TEST(PageConfigTest, RefusesAKeyGivenTwice) {
  ExpectError("rows:\n  - kind: genre\n    count: 2\n    count: 3\n", 4, "rows[0].count", "given twice");
  ExpectError("rules:\n  rows: 3\n  rows: 4\nrows:\n  - kind: genre\n", 3, "rules.rows", "given twice");
}

TEST(PageConfigTest, RefusesAnUnknownRuleKey) {
  ExpectError(OneRow("  - kind: genre\n", "  rows: 3\n  colums: 4\n"), 3, "rules.colums",
              "unknown key; rules has rows, per_row, dedupe_rows");
}

TEST(PageConfigTest, RefusesAnUnknownRowKeyListingTheKeysOfItsKind) {
  ExpectError(
      OneRow("  - kind: trending\n    halflife: 3\n"), 3, "rows[0].halflife",
      "unknown key; a trending row has kind, count, required, pin, weight, min_titles, half_life_days");
}

TEST(PageConfigTest, RefusesAParameterOfAnotherKind) {
  ExpectError(OneRow("  - kind: genre\n    half_life_days: 3\n"), 3, "rows[0].half_life_days",
              "applies to trending only, not genre");
  ExpectError(OneRow("  - kind: top_picks\n    window_days: 3\n"), 3, "rows[0].window_days",
              "applies to continue_watching only");
}

TEST(PageConfigTest, RefusesAKindListedTwice) {
  ExpectError("rows:\n  - kind: genre\n  - kind: top_picks\n  - kind: genre\n", 4, "rows[2].kind",
              "genre is listed twice (first as rows[0], line 2)");
}

TEST(PageConfigTest, RefusesCountAboveOneOnKindsThatDoNotRepeat) {
  ExpectError(OneRow("  - kind: trending\n    count: 2\n"), 3, "rows[0].count",
              "only because_you_watched and genre rows repeat");
  EXPECT_TRUE(ParsePageConfig(OneRow("  - kind: trending\n    count: 1\n"), "p.yaml").ok());
  EXPECT_TRUE(ParsePageConfig(OneRow("  - kind: because_you_watched\n    count: 8\n"), "p.yaml").ok());
}

TEST(PageConfigTest, RefusesAPinBeyondThePage) {
  ExpectError(OneRow("  - kind: top_picks\n    pin: 10\n"), 3, "rows[0].pin",
              "expected -1 or a row position in 0..9 (rules.rows is 10), found \"10\"");
  // The rules may come after the rows: pins are still checked against them.
  ExpectError("rows:\n  - kind: top_picks\n    pin: 4\nrules:\n  rows: 4\n", 3, "rows[0].pin", "0..3");
  ExpectError(OneRow("  - kind: top_picks\n    pin: -2\n"), 3, "rows[0].pin", "a whole number >= -1");
}

TEST(PageConfigTest, RefusesTwoRowsPinnedAtOnePosition) {
  ExpectError("rows:\n  - kind: continue_watching\n  - kind: top_picks\n    pin: 0\n", 4, "rows[1].pin",
              "position 0 is already pinned by rows[0] (continue_watching, line 2)");
}

// --- Errors: values.

TEST(PageConfigTest, RefusesAStringWhereANumberIsExpected) {
  ExpectError(OneRow("  - kind: trending\n    half_life_days: soon\n"), 3, "rows[0].half_life_days",
              "expected a number > 0, found \"soon\"");
  ExpectError(OneRow("  - kind: trending\n    half_life_days: \"7\"\n"), 3, "rows[0].half_life_days",
              "expected a number > 0, found \"7\"");
  ExpectError(OneRow("  - kind: trending\n    half_life_days:\n"), 3, "rows[0].half_life_days",
              "expected a number > 0, found nothing");
  ExpectError(OneRow("  - kind: trending\n    half_life_days: [7]\n"), 3, "rows[0].half_life_days",
              "expected a number > 0, found a list");
  ExpectError(OneRow("  - kind: trending\n    half_life_days: .inf\n"), 3, "rows[0].half_life_days",
              "expected a number > 0, found \".inf\"");
}

TEST(PageConfigTest, RefusesANegativeOrFractionalWholeNumber) {
  ExpectError(OneRow("  - kind: genre\n", "  per_row: -3\n"), 2, "rules.per_row",
              "expected a whole number in 1..200, found \"-3\"");
  ExpectError(OneRow("  - kind: genre\n", "  dedupe_rows: -1\n"), 2, "rules.dedupe_rows",
              "expected a whole number >= 0, found \"-1\"");
  ExpectError(OneRow("  - kind: genre\n    count: 2.5\n"), 3, "rows[0].count",
              "expected a whole number >= 1, found \"2.5\"");
  ExpectError(OneRow("  - kind: genre\n    min_titles: 0\n"), 3, "rows[0].min_titles",
              "expected a whole number >= 1, found \"0\"");
}

TEST(PageConfigTest, RefusesABoolFieldThatIsNotTrueOrFalse) {
  ExpectError(OneRow("  - kind: genre\n    required: 1\n"), 3, "rows[0].required",
              "expected true or false, found \"1\"");
  ExpectError(OneRow("  - kind: genre\n    required: \"true\"\n"), 3, "rows[0].required",
              "expected true or false");
  ExpectError(OneRow("  - kind: genre\n    required: yes\n"), 3, "rows[0].required",
              "expected true or false");
}

TEST(PageConfigTest, RefusesValuesOutOfRange) {
  // The example of docs/homepage.md's error format.
  ExpectError(
      "rows:\n  - kind: genre\n  - kind: top_picks\n  - kind: continue_watching\n    pin: 2\n"
      "    max_progress: 0.5\n    window_days: -3\n",
      7, "rows[2].window_days", "expected a number > 0, found \"-3\"");
  ExpectError(OneRow("  - kind: genre\n", "  rows: 101\n"), 2, "rules.rows",
              "expected a whole number in 1..100");
  ExpectError(OneRow("  - kind: genre\n", "  per_row: 0\n"), 2, "rules.per_row",
              "expected a whole number in 1..200");
  ExpectError(OneRow("  - kind: genre\n", "  overlap_penalty: 1.5\n"), 2, "rules.overlap_penalty",
              "expected a number in [0, 1]");
  ExpectError(OneRow("  - kind: genre\n", "  same_genre_penalty: -0.1\n"), 2, "rules.same_genre_penalty",
              "expected a number in [0, 1]");
  ExpectError(OneRow("  - kind: genre\n", "  column_weight: -1\n"), 2, "rules.column_weight",
              "expected a number >= 0");
  ExpectError(OneRow("  - kind: genre\n    weight: 0\n"), 3, "rows[0].weight", "expected a number > 0");
  ExpectError(OneRow("  - kind: continue_watching\n    max_progress: 0\n"), 3, "rows[0].max_progress",
              "expected a number in (0, 1]");
  ExpectError(OneRow("  - kind: continue_watching\n    max_progress: 1.01\n"), 3, "rows[0].max_progress",
              "expected a number in (0, 1]");
  ExpectError(OneRow("  - kind: because_you_watched\n    min_anchor_progress: 2\n"), 3,
              "rows[0].min_anchor_progress", "expected a number in [0, 1]");
  ExpectError(OneRow("  - kind: because_you_watched\n    anchor_half_life_days: 0\n"), 3,
              "rows[0].anchor_half_life_days", "expected a number > 0");
  ExpectError(OneRow("  - kind: new_releases\n    release_window_days: 0\n"), 3,
              "rows[0].release_window_days", "expected a number > 0");
}

TEST(PageConfigTest, AcceptsTheEdgesOfEachRange) {
  const std::string text = OneRow(
      "  - kind: continue_watching\n    max_progress: 1\n    pin: 99\n"
      "  - kind: because_you_watched\n    min_anchor_progress: 0\n",
      "  rows: 100\n  per_row: 200\n  overlap_penalty: 0\n  same_genre_penalty: 1\n  column_weight: 0\n");
  Result<PageConfig> config = ParsePageConfig(text, "p.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->rows[0].pin, 99);
  EXPECT_EQ(config->rules.per_row, 200u);
}

}  // namespace
}  // namespace marquee::page
