// End-to-end tests of `marquee homepage`: the real binary on a tiny
// synthetic service whose title names need escaping in HTML.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "../test_util.h"
#include "cli_runner.h"
#include "marquee/data/dataset_file.h"
#include "marquee/util/civil_time.h"
#include "marquee/util/svg_chart.h"

namespace marquee {
namespace {

using test::RunCli;
using test::RunResult;
using test::TempDir;

size_t CountOf(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

class CliHomepageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    RunResult generated =
        RunCli("generate --members 200 --titles 100 --plays 5000 --seed 13 --out " + Data());
    ASSERT_EQ(generated.exit_code, 0) << generated.output;
    // Names that must be escaped in HTML: every tile then shows escaping.
    Result<Dataset> dataset = LoadDataset(Data());
    ASSERT_TRUE(dataset.ok()) << dataset.status().ToString();
    // Tiles show the first variant not quarantined: every even title has
    // none left (a plain card), every odd one loses its first variant.
    std::vector<Title>& titles = dataset->catalog.titles();
    for (size_t t = 0; t < titles.size(); ++t) {
      titles[t].name += " <&> \"Cut\"";
      for (size_t v = 0; v < titles[t].artwork.size(); ++v) {
        if (t % 2 == 0 || v == 0)
          titles[t].artwork[v].digital_source_type = DigitalSourceType::kUnset;
        else
          titles[t].artwork[v].digital_source_type = DigitalSourceType::kDigitalCapture;
      }
    }
    ASSERT_TRUE(SaveDataset(*dataset, Data()).ok());
    member_ = new std::string(dataset->members.ExternalId(0));
    RunResult trained =
        RunCli("train --data " + Data() + " --model ials --factors 8 --iterations 3 --out " + Model());
    ASSERT_EQ(trained.exit_code, 0) << trained.output;
  }
  static void TearDownTestSuite() {
    delete member_;
    delete dir_;
  }

  static std::string Data() { return dir_->File("service.mqd"); }
  static std::string Model() { return dir_->File("ials"); }
  static std::string Homepage(const std::string& flags) {
    return "homepage --model " + Model() + " --data " + Data() + " " + flags;
  }
  // The tile of `title_id` in `html`: its <div ...> through its </div>.
  static std::string Tile(const std::string& html, const std::string& title_id) {
    size_t at = html.find("data-title=\"" + title_id + "\"");
    if (at == std::string::npos) return "";
    size_t begin = html.rfind("<div", at);
    return html.substr(begin, html.find("</div>", at) - begin);
  }
  static nlohmann::json ReadJson(const std::string& path) { return nlohmann::json::parse(test::ReadFile(path)); }

  static TempDir* dir_;
  static std::string* member_;
};

TempDir* CliHomepageTest::dir_ = nullptr;
std::string* CliHomepageTest::member_ = nullptr;

TEST_F(CliHomepageTest, KnownMemberGetsRowsWithoutRepeatedTitles) {
  std::string json = dir_->File("known.json");
  RunResult run = RunCli(Homepage("--member " + *member_ + " --rows 6 --per-row 8 --json " + json));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("personalized by ials"), std::string::npos) << run.output;

  nlohmann::json page = ReadJson(json);
  EXPECT_TRUE(page["personalized"].get<bool>());
  EXPECT_EQ(page["member"], *member_);
  ASSERT_FALSE(page["rows"].empty());
  EXPECT_LE(page["rows"].size(), 6u);
  std::set<std::string> on_page;
  for (const nlohmann::json& row : page["rows"]) {
    // Every row is printed with its heading and why it is there.
    EXPECT_NE(run.output.find(row["title"].get<std::string>()), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("why: " + row["reason"].get<std::string>()), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("[" + row["kind"].get<std::string>() + "]"), std::string::npos);
    ASSERT_FALSE(row["titles"].empty());
    EXPECT_LE(row["titles"].size(), 8u);
    for (const nlohmann::json& title : row["titles"]) {
      EXPECT_TRUE(on_page.insert(title["title"].get<std::string>()).second)
          << title["title"] << " shown twice (row " << row["row_id"] << ")";
    }
  }
}

TEST_F(CliHomepageTest, UnknownMemberGetsThePopularPage) {
  std::string json = dir_->File("unknown.json");
  RunResult run = RunCli(Homepage("--member nobody-at-all --json " + json));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("not personalized: member nobody-at-all is unknown"), std::string::npos)
      << run.output;
  nlohmann::json page = ReadJson(json);
  EXPECT_FALSE(page["personalized"].get<bool>());
  EXPECT_TRUE(page["fallback"].get<bool>());
  EXPECT_NE(page["fallback_reason"].get<std::string>().find("unknown member"), std::string::npos) << page;
  EXPECT_FALSE(page["rows"].empty());
}

// The keys of GET /v1/members/{id}/homepage (homepage_handlers.cc), less
// the serving-only ones, so that a program reads the CLI's page and the
// route's alike.
TEST_F(CliHomepageTest, JsonHasTheShapeOfTheHomepageRoute) {
  std::string json = dir_->File("shape.json");
  RunResult run = RunCli(Homepage("--member " + *member_ + " --per-row 7 --json " + json));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  nlohmann::json page = ReadJson(json);
  EXPECT_EQ(page["member"], *member_);
  EXPECT_TRUE(page["personalized"].get<bool>());
  EXPECT_FALSE(page["fallback"].get<bool>());
  EXPECT_FALSE(page.contains("fallback_reason"));
  EXPECT_EQ(page["region"], "");
  EXPECT_EQ(page["per_row"], 7);
  Result<Dataset> dataset = LoadDataset(Data());
  ASSERT_TRUE(dataset.ok());
  std::span<const int64_t> times = dataset->interactions.times();
  ASSERT_FALSE(times.empty());
  EXPECT_EQ(page["now"], FormatCivilDate(UnixDay(*std::max_element(times.begin(), times.end()))));
  EXPECT_EQ(page["config"], "built-in");
  ASSERT_FALSE(page["rows"].empty());
  const std::set<std::string> row_keys = {"position", "row_id", "kind",  "title", "reason",
                                          "anchor",   "genre",  "value", "titles"};
  for (size_t r = 0; r < page["rows"].size(); ++r) {
    const nlohmann::json& row = page["rows"][r];
    for (const auto& [key, value] : row.items()) EXPECT_TRUE(row_keys.contains(key)) << key;
    EXPECT_EQ(row["position"], r);
    const std::string kind = row["kind"].get<std::string>();
    EXPECT_EQ(row.contains("anchor"), kind == "because_you_watched") << row;
    if (row.contains("anchor")) {
      EXPECT_TRUE(row["anchor"]["title"].is_string());
      EXPECT_TRUE(row["anchor"]["name"].is_string());
    }
    EXPECT_EQ(row.contains("genre"), kind == "genre") << row;
    EXPECT_TRUE(row["value"].is_number());
    EXPECT_NE(run.output.find(row["title"].get<std::string>()), std::string::npos);
    for (size_t c = 0; c < row["titles"].size(); ++c) {
      const nlohmann::json& title = row["titles"][c];
      EXPECT_EQ(title.size(), 4u) << title;
      EXPECT_EQ(title["column"], c);
      EXPECT_TRUE(title["title"].is_string());
      EXPECT_TRUE(title["name"].is_string());
      EXPECT_TRUE(title["score"].is_number());
    }
  }
}

TEST_F(CliHomepageTest, HeaderCountsRowsInTheSingularForOne) {
  RunResult one = RunCli(Homepage("--member " + *member_ + " --rows 1"));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  EXPECT_NE(one.output.find("; 1 row\n"), std::string::npos) << one.output;
  RunResult two = RunCli(Homepage("--member " + *member_ + " --rows 2"));
  ASSERT_EQ(two.exit_code, 0) << two.output;
  EXPECT_NE(two.output.find("; 2 rows\n"), std::string::npos) << two.output;
}

TEST_F(CliHomepageTest, HtmlHasATilePerVisibleTitleAndEscapedNames) {
  std::string html_path = dir_->File("page.html");
  std::string json = dir_->File("page.json");
  RunResult run = RunCli(
      Homepage("--member " + *member_ + " --rows 4 --per-row 5 --html " + html_path + " --json " + json));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::string html = test::ReadFile(html_path);
  ASSERT_FALSE(html.empty());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("overflow-x"), std::string::npos);
  // Self-contained: nothing fetched from elsewhere.
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<&>"), std::string::npos) << "an unescaped name";

  nlohmann::json page = ReadJson(json);
  size_t visible = 0;
  for (const nlohmann::json& row : page["rows"]) {
    EXPECT_NE(html.find(XmlEscape(row["title"].get<std::string>())), std::string::npos);
    for (const nlohmann::json& title : row["titles"]) {
      ++visible;
      EXPECT_NE(html.find("data-title=\"" + title["title"].get<std::string>() + "\""), std::string::npos);
      EXPECT_NE(html.find(">" + XmlEscape(title["name"].get<std::string>()) + "<"), std::string::npos)
          << title["name"];
    }
  }
  EXPECT_GT(visible, 0u);
  EXPECT_EQ(CountOf(html, "data-title=\""), visible);
}

TEST_F(CliHomepageTest, TilesShowTheFirstArtworkNotQuarantined) {
  std::string html_path = dir_->File("art.html");
  std::string json = dir_->File("art.json");
  RunResult run = RunCli(
      Homepage("--member " + *member_ + " --rows 4 --per-row 6 --html " + html_path + " --json " + json));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::string html = test::ReadFile(html_path);
  Result<Dataset> dataset = LoadDataset(Data());
  ASSERT_TRUE(dataset.ok());
  size_t plain = 0, with_art = 0;
  nlohmann::json page = ReadJson(json);
  for (const nlohmann::json& row : page["rows"]) {
    for (const nlohmann::json& entry : row["titles"]) {
      std::string id = entry["title"].get<std::string>();
      const Title& title = dataset->catalog.titles()[dataset->titles.Find(id)];
      std::string tile = Tile(html, id);
      ASSERT_FALSE(tile.empty()) << id;
      if (dataset->titles.Find(id) % 2 == 0 || title.artwork.size() < 2) {
        ++plain;
        EXPECT_EQ(tile.rfind("<div class=\"tile plain\"", 0), 0u) << tile;
        EXPECT_EQ(tile.find("class=\"art\""), std::string::npos) << tile;
      } else {
        ++with_art;
        EXPECT_NE(tile.find("<span class=\"art\">" + XmlEscape(title.artwork[1].id) + "</span>"),
                  std::string::npos)
            << tile;
      }
    }
  }
  EXPECT_GT(plain, 0u);
  EXPECT_GT(with_art, 0u);
}

TEST_F(CliHomepageTest, BadConfigFailsNamingTheFileAndLine) {
  std::string config = dir_->Write("bad-page.yaml", "# a page\n# with a typo below\nno_such_setting: 3\n");
  std::string html_path = dir_->File("never.html");
  RunResult run = RunCli(Homepage("--member " + *member_ + " --config " + config + " --html " + html_path));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("bad-page.yaml:3: no_such_setting"), std::string::npos) << run.output;
  EXPECT_FALSE(std::filesystem::exists(html_path));

  RunResult missing = RunCli(Homepage("--member " + *member_ + " --config " + dir_->File("absent.yaml")));
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("absent.yaml"), std::string::npos) << missing.output;
}

TEST_F(CliHomepageTest, UnknownRegionOrMaturityFailsNamingTheFlag) {
  RunResult region = RunCli(Homepage("--member " + *member_ + " --region ZZ"));
  EXPECT_EQ(region.exit_code, 1) << region.output;
  EXPECT_NE(region.output.find("--region"), std::string::npos) << region.output;
  EXPECT_NE(region.output.find("ZZ"), std::string::npos) << region.output;

  // Regions are compared as the catalog spells them, as the homepage route
  // does: "de" is no region, and the refusal lists the ones there are.
  Result<Dataset> dataset = LoadDataset(Data());
  ASSERT_TRUE(dataset.ok());
  std::string known;
  for (const Title& title : dataset->catalog.titles()) {
    if (!title.regions.empty()) known = title.regions.front();
  }
  ASSERT_FALSE(known.empty()) << "the synthetic catalog has no regions";
  std::string lower = known;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  ASSERT_NE(lower, known);
  RunResult exact = RunCli(Homepage("--member " + *member_ + " --region " + known));
  EXPECT_EQ(exact.exit_code, 0) << exact.output;
  RunResult cased = RunCli(Homepage("--member " + *member_ + " --region " + lower));
  EXPECT_EQ(cased.exit_code, 1) << cased.output;
  EXPECT_NE(cased.output.find("--region: \"" + lower + "\" is not a region"), std::string::npos)
      << cased.output;
  EXPECT_NE(cased.output.find(known), std::string::npos) << cased.output;
  EXPECT_EQ(cased.output.find("Popular in"), std::string::npos) << cased.output;

  RunResult maturity = RunCli(Homepage("--member " + *member_ + " --maturity PG-99"));
  EXPECT_EQ(maturity.exit_code, 1) << maturity.output;
  EXPECT_NE(maturity.output.find("--maturity"), std::string::npos) << maturity.output;
}

TEST_F(CliHomepageTest, UsageErrorsAreRefusedWithoutAPage) {
  RunResult rows = RunCli(Homepage("--member " + *member_ + " --rows 0"));
  EXPECT_EQ(rows.exit_code, 2) << rows.output;
  EXPECT_NE(rows.output.find("--rows"), std::string::npos) << rows.output;
  RunResult per_row = RunCli(Homepage("--member " + *member_ + " --per-row 0"));
  EXPECT_EQ(per_row.exit_code, 2) << per_row.output;
  RunResult not_a_number = RunCli(Homepage("--member " + *member_ + " --per-row abc"));
  EXPECT_EQ(not_a_number.exit_code, 2) << not_a_number.output;
  EXPECT_NE(not_a_number.output.find("--per-row: expected a positive whole number (at most 200), found abc"),
            std::string::npos)
      << not_a_number.output;
  EXPECT_EQ(not_a_number.output.find("not in range"), std::string::npos) << not_a_number.output;
  RunResult empty_member = RunCli(Homepage("--member ''"));
  EXPECT_EQ(empty_member.exit_code, 2) << empty_member.output;
  EXPECT_NE(empty_member.output.find("--member"), std::string::npos) << empty_member.output;
  EXPECT_EQ(empty_member.output.find("Homepage for"), std::string::npos) << empty_member.output;
  RunResult date = RunCli(Homepage("--member " + *member_ + " --now 2024-13-01"));
  EXPECT_EQ(date.exit_code, 1) << date.output;
  EXPECT_NE(date.output.find("--now"), std::string::npos) << date.output;
  RunResult data =
      RunCli("homepage --model " + Model() + " --data " + dir_->File("absent.mqd") + " --member " + *member_);
  EXPECT_EQ(data.exit_code, 1) << data.output;
  EXPECT_NE(data.output.find("absent.mqd"), std::string::npos) << data.output;
}

// --now moves the rows' time windows, not the model: a date before the data
// begins is refused, naming the data's first date; a date that does not
// exist is refused rather than moved to the next month.
TEST_F(CliHomepageTest, NowMustBeARealDateWithinTheData) {
  Result<Dataset> dataset = LoadDataset(Data());
  ASSERT_TRUE(dataset.ok());
  std::span<const int64_t> times = dataset->interactions.times();
  ASSERT_FALSE(times.empty());
  const int64_t first_day = UnixDay(*std::min_element(times.begin(), times.end()));

  RunResult early = RunCli(Homepage("--member " + *member_ + " --now " + FormatCivilDate(first_day - 1)));
  EXPECT_EQ(early.exit_code, 1) << early.output;
  EXPECT_NE(early.output.find("--now: " + FormatCivilDate(first_day - 1) + " is before the data's first "
                              "interaction (" + FormatCivilDate(first_day) + ")"),
            std::string::npos)
      << early.output;
  RunResult first = RunCli(Homepage("--member " + *member_ + " --now " + FormatCivilDate(first_day)));
  EXPECT_EQ(first.exit_code, 0) << first.output;

  RunResult impossible = RunCli(Homepage("--member " + *member_ + " --now 2025-02-30"));
  EXPECT_EQ(impossible.exit_code, 1) << impossible.output;
  EXPECT_NE(impossible.output.find("--now: expected a date YYYY-MM-DD, found \"2025-02-30\""),
            std::string::npos)
      << impossible.output;
}

}  // namespace
}  // namespace marquee
