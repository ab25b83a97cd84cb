#include "marquee/io/obd_log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../test_util.h"

namespace marquee {
namespace {

using test::TempDir;

// The real files' header, shortened: an unnamed index column first.
constexpr char kHeader[] =
    ",timestamp,item_id,position,click,propensity_score,user_feature_0,user-item_affinity_0\n";

std::string Line(const std::string& index, const std::string& item, const std::string& position,
                 const std::string& click, const std::string& propensity) {
  return index + ",2019-11-24 00:01:29.788335+00:00," + item + "," + position + "," + click + "," +
         propensity + ",81ce123c,0.0\n";
}

std::string TinyCsv() {
  return std::string(kHeader) + Line("0", "3", "1", "0", "0.25") + Line("1", "0", "3", "1", "0.5") +
         Line("2", "2", "2", "0", "1e-06");
}

Status ReadError(const std::string& path, ObdReadOptions options = {}) {
  Result<LoggedBanditData> r = ReadObdLog(path, options);
  return r.ok() ? Status::OK() : r.status();
}

TEST(ObdLogTest, ReadsRecordsWithAllItemsAsCandidates) {
  TempDir dir;
  const std::string path = dir.Write("bts/men/men.csv", TinyCsv());
  Result<LoggedBanditData> r = ReadObdLog(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const LoggedBanditData& d = *r;
  EXPECT_EQ(d.source, path);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d.action, (std::vector<uint32_t>{3, 0, 2}));
  EXPECT_EQ(d.position, (std::vector<uint32_t>{0, 2, 1}));  // 1-based in the file
  EXPECT_EQ(d.reward, (std::vector<double>{0, 1, 0}));
  EXPECT_EQ(d.propensity, (std::vector<double>{0.25, 0.5, 1e-6}));  // tiny ones kept as they are
  // No item_context.csv: items 0..max id = 0..3.
  EXPECT_EQ(d.offsets, (std::vector<uint64_t>{0, 4, 8, 12}));
  EXPECT_EQ(d.candidate_ids, (std::vector<uint32_t>{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3}));
  EXPECT_EQ(d.logged_id(0), 3u);
  EXPECT_TRUE(d.Validate().ok());
}

TEST(ObdLogTest, FindsColumnsByNameAndCountsItemsFromItemContext) {
  TempDir dir;
  // Columns in another order, CRLF line ends, a blank line.
  const std::string path = dir.Write(
      "log.csv",
      "click,propensity_score,item_id,position\r\n1,0.125,5,2\r\n\r\n0,0.0625,1,1\r\n");
  dir.Write("item_context.csv", ",item_id,item_feature_0\n0,0,0.1\n1,1,0.2\n2,2,0.3\n"
                                "3,3,0.1\n4,4,0.1\n5,5,0.1\n6,6,0.1\n7,7,0.1\n");
  Result<LoggedBanditData> r = ReadObdLog(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->action, (std::vector<uint32_t>{5, 1}));
  EXPECT_EQ(r->position, (std::vector<uint32_t>{1, 0}));
  EXPECT_EQ(r->reward, (std::vector<double>{1, 0}));
  EXPECT_EQ(r->propensity, (std::vector<double>{0.125, 0.0625}));
  EXPECT_EQ(r->candidate_count(0), 8u);  // 8 rows in item_context.csv
  // An explicit count wins.
  ObdReadOptions options;
  options.item_count = 10;
  r = ReadObdLog(path, options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->candidate_count(1), 10u);
  // An item beyond the count is an error at its line.
  options.item_count = 5;
  Status s = ReadError(path, options);
  EXPECT_EQ(s.code(), Status::Code::kParseError);
  EXPECT_NE(s.message().find(path + ":2: expected an item id below the campaign's 5 items in "
                                    "column 3 (item_id), found \"5\""),
            std::string::npos)
      << s.message();
}

TEST(ObdLogTest, ReadsFullPrecisionPropensities) {
  TempDir dir;
  const std::string path =
      dir.Write("log.csv", std::string(kHeader) + Line("0", "1", "1", "0", "0.021739130434782608"));
  Result<LoggedBanditData> r = ReadObdLog(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->propensity[0], 1.0 / 46);  // exactly the double nearest 1/46
}

TEST(ObdLogTest, BadLinesNameFileLineAndColumn) {
  struct Case {
    std::string line;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"7,2019-11-24,3,1,0\n", ":3: expected at least 6 fields separated by ',', found 5"},
      {Line("7", "3", "1", "yes", "0.5"), ":3: expected a click 0 or 1 in column 5 (click), found \"yes\""},
      {Line("7", "3", "1", "2", "0.5"), ":3: expected a click 0 or 1 in column 5 (click), found \"2\""},
      {Line("7", "3", "0", "0", "0.5"),
       ":3: expected a position 1, 2 or 3 in column 4 (position), found \"0\""},
      {Line("7", "3", "4", "0", "0.5"),
       ":3: expected a position 1, 2 or 3 in column 4 (position), found \"4\""},
      {Line("7", "3", "1", "0", "1.5"),
       ":3: expected a probability in (0, 1] in column 6 (propensity_score), found \"1.5\""},
      {Line("7", "3", "1", "0", "0"),
       ":3: expected a probability in (0, 1] in column 6 (propensity_score), found \"0\""},
      {Line("7", "3", "1", "0", "nan"),
       ":3: expected a probability in (0, 1] in column 6 (propensity_score), found \"nan\""},
      {Line("7", "x", "1", "0", "0.5"), ":3: expected an item id in column 3 (item_id), found \"x\""},
  };
  TempDir dir;
  for (const Case& c : cases) {
    const std::string path =
        dir.Write("bad.csv", std::string(kHeader) + Line("0", "1", "1", "0", "0.5") + c.line);
    Status s = ReadError(path);
    EXPECT_EQ(s.code(), Status::Code::kParseError) << c.line;
    EXPECT_NE(s.message().find(path + c.expected), std::string::npos)
        << "got: " << s.message() << "\nwanted: " << c.expected;
  }
}

// Subnormal and tiny propensities pass (0, 1] but give weights 1/p that are
// infinite or stand for more impressions than any log: refused at the line.
TEST(ObdLogTest, RefusesPropensitiesBelowTheSmallestAcceptedNamingTheLine) {
  TempDir dir;
  for (const std::string tiny : {"1e-320", "4.9e-324", "1e-300", "9.99e-13"}) {
    const std::string path =
        dir.Write("tiny.csv", std::string(kHeader) + Line("0", "1", "1", "0", "0.5") +
                                  Line("1", "2", "1", "1", tiny));
    Status s = ReadError(path);
    EXPECT_EQ(s.code(), Status::Code::kParseError) << tiny;
    EXPECT_NE(s.message().find(path + ":3: expected a"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("column 6 (propensity_score), found \"" + tiny + "\""),
              std::string::npos)
        << s.message();
  }
  const std::string path =
      dir.Write("smallest.csv", std::string(kHeader) + Line("0", "1", "1", "0", "1e-12"));
  Result<LoggedBanditData> r = ReadObdLog(path, {.item_count = 4});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->propensity[0], kMinPropensity);
  EXPECT_TRUE(r->Validate().ok());
}

TEST(ObdLogTest, MissingColumnsAndEmptyFilesAreErrors) {
  TempDir dir;
  const std::string no_click =
      dir.Write("a.csv", ",timestamp,item_id,position,propensity_score\n0,t,1,1,0.5\n");
  Status s = ReadError(no_click);
  EXPECT_NE(s.message().find(no_click + ":1: expected a header naming the columns item_id, "
                                        "position, click and propensity_score, found no click "
                                        "column"),
            std::string::npos)
      << s.message();
  EXPECT_NE(ReadError(dir.Write("b.csv", "")).message().find(":1: expected a header line"),
            std::string::npos);
  EXPECT_NE(ReadError(dir.Write("c.csv", kHeader)).message().find(":2: expected a data line"),
            std::string::npos);
  EXPECT_EQ(ReadError(dir.File("missing.csv")).code(), Status::Code::kNotFound);
}

// ---------------------------------------------------------------------------
// prior_bts.yaml

constexpr char kPriors[] =
    "# BTS priors\n"
    "all:\n"
    "  alpha:\n"
    "    - 1.0\n"
    "    - 2.0\n"
    "  beta:\n"
    "    - 10.0\n"
    "    - 20.0\n"
    "men:\n"
    "  alpha:\n"
    "    - 47.0\n"
    "    - 8.0\n"
    "    - 62.0\n"
    "\n"
    "  beta:\n"
    "    - 12198.0   # a comment\n"
    "    - 3566.0\n"
    "    - 15993.0\n";

TEST(ObdLogTest, ReadsBtsPriorsOfOneCampaign) {
  TempDir dir;
  const std::string path = dir.Write("prior_bts.yaml", kPriors);
  Result<BtsPriors> men = ReadBtsPriors(path, "men");
  ASSERT_TRUE(men.ok()) << men.status().ToString();
  EXPECT_EQ(men->alpha, (std::vector<double>{47, 8, 62}));
  EXPECT_EQ(men->beta, (std::vector<double>{12198, 3566, 15993}));
  Result<BtsPriors> all = ReadBtsPriors(path, "all");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->alpha, (std::vector<double>{1, 2}));
  Result<BtsPriors> women = ReadBtsPriors(path, "women");
  ASSERT_FALSE(women.ok());
  EXPECT_EQ(women.status().code(), Status::Code::kNotFound);
  EXPECT_NE(women.status().message().find("no campaign \"women\" (it has all, men)"),
            std::string::npos)
      << women.status().message();
}

TEST(ObdLogTest, ReadsFlowListsAsYamlDoes) {
  TempDir dir;
  const std::string path = dir.Write("f.yaml", "men: {alpha: [1, 2.5], beta: [3, 4]}\n");
  Result<BtsPriors> r = ReadBtsPriors(path, "men");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->alpha, (std::vector<double>{1, 2.5}));
  EXPECT_EQ(r->beta, (std::vector<double>{3, 4}));
}

TEST(ObdLogTest, RefusesMalformedPriorsWithFileAndLine) {
  struct Case {
    std::string text;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"men: {alpha: 1}\n", ":1: expected a list of numbers after alpha:, found \"1\" (column 14)"},
      {"men:\n  alpha:\n    - one\n", ":3: expected a number in men's alpha, found \"one\" (column 7)"},
      {"men:\n  alpha:\n\t- 1\n", ":3: expected well-formed YAML"},
      {"men: [1\n", ":2: expected well-formed YAML"},
      {"  - 1\n", ":1: expected a map of campaigns"},
      {"men:\n  alpha:\n    - 1\nmen:\n", ":4: expected each campaign once"},
      {"men:\n  alpha:\n    - 1\n  alpha:\n", ":4: expected each key of a campaign once"},
      {"men:\n  alpha:\n    - 1\n    beta:\n", ":4: expected well-formed YAML"},
      {"men:\n  alpha:\n    - -2\n  beta:\n    - 1\n",
       ":3: expected a positive Beta parameter in men's alpha, found -2 (column 7)"},
      {"men:\n  alpha:\n    - 0\n  beta:\n    - 1\n",
       ":3: expected a positive Beta parameter in men's alpha"},
      {"men:\n  alpha:\n    - 1\n  beta:\n    - 1\n    - .nan\n", ":6: expected a number in men's beta"},
      {"men:\n  alpha:\n  beta:\n    - 1\n", ":2: expected a list of numbers after alpha:"},
      {"men:\n  alpha: []\n  beta:\n    - 1\n", ":2: expected a list of numbers after alpha:"},
      {"men:\n", ":1: expected keys \"alpha:\" and \"beta:\" under the campaign"},
  };
  TempDir dir;
  for (const Case& c : cases) {
    const std::string path = dir.Write("p.yaml", c.text);
    Result<BtsPriors> r = ReadBtsPriors(path, "men");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_NE(r.status().message().find(path + c.expected), std::string::npos)
        << "got: " << r.status().message() << "\nwanted: " << c.expected;
  }
  const std::string uneven = dir.Write("u.yaml", "men:\n  alpha:\n    - 1\n  beta:\n    - 1\n    - 2\n");
  Result<BtsPriors> r = ReadBtsPriors(uneven, "men");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("1 alpha values but 2 beta values"), std::string::npos);
  const std::string no_beta = dir.Write("n.yaml", "men:\n  alpha:\n    - 1\n");
  EXPECT_NE(ReadBtsPriors(no_beta, "men").status().message().find("has no beta: list"),
            std::string::npos);
}

}  // namespace
}  // namespace marquee
