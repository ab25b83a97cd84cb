// `marquee evaluate-page` end to end: the real binary on a small synthetic service.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "../test_util.h"
#include "cli_runner.h"
#include "marquee/data/dataset_file.h"
#include "marquee/eval/page_evaluation.h"

namespace marquee {
namespace {

using test::RunCli;
using test::RunResult;
using test::TempDir;

class CliEvaluatePageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RunResult gen = RunCli("generate --members 200 --titles 100 --plays 8000 --seed 3 --out " + Data() +
                           " --truth " + dir_.File("t.mqt"));
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
  }
  std::string Data() const { return dir_.File("s.mqd"); }
  std::string Run(const std::string& flags) const {
    return "evaluate-page --data " + Data() + " --model ials --factors 8 --iterations 3 " + flags;
  }
  TempDir dir_;
};

TEST_F(CliEvaluatePageTest, PrintsOneRowPerStrategyAndWritesJson) {
  RunResult r = RunCli(Run("--rows 5 --per-row 8 --split-quantile 0.75 --truth " + dir_.File("t.mqt") +
                           " --row-kinds --json " + dir_.File("page.json")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* word :
       {"recall@(5,8)", "page NDCG", "truth NDCG", "popularity", "one-list", "fixed-order", "personalized",
        "CW share", "members evaluated", "row kind", "personalized - fixed-order"}) {
    EXPECT_NE(r.output.find(word), std::string::npos) << word << "\n" << r.output;
  }
  nlohmann::json j = nlohmann::json::parse(test::ReadFile(dir_.File("page.json")));
  EXPECT_EQ(j["rows"], 5);
  EXPECT_EQ(j["per_row"], 8);
  EXPECT_TRUE(j["graded"].get<bool>());
  ASSERT_EQ(j["strategies"].size(), 4u);
  EXPECT_EQ(j["strategies"][3]["strategy"], "personalized");
  EXPECT_GT(j["members_evaluated"].get<uint64_t>(), 0u);
}

TEST_F(CliEvaluatePageTest, BadInputNamesTheFlagAndFails) {
  RunResult rows = RunCli(Run("--rows 0"));
  EXPECT_NE(rows.exit_code, 0);
  EXPECT_NE(rows.output.find("--rows"), std::string::npos) << rows.output;

  RunResult early = RunCli(Run("--split-time 2000-01-01"));
  EXPECT_NE(early.exit_code, 0);
  EXPECT_NE(early.output.find("--split-time 2000-01-01"), std::string::npos) << early.output;

  RunResult date = RunCli(Run("--split-time 2025-13-40"));
  EXPECT_NE(date.exit_code, 0);
  EXPECT_NE(date.output.find("--split-time: expected a date YYYY-MM-DD"), std::string::npos) << date.output;

  RunResult model = RunCli("evaluate-page --data " + Data() + " --model nosuch");
  EXPECT_NE(model.exit_code, 0);
  EXPECT_NE(model.output.find("nosuch"), std::string::npos) << model.output;

  RunResult truth = RunCli(Run("--truth " + dir_.File("absent.mqt")));
  EXPECT_NE(truth.exit_code, 0);
  EXPECT_NE(truth.output.find("absent.mqt"), std::string::npos) << truth.output;
}

// A date that does not exist is refused, as `homepage --now` refuses it,
// rather than moved to the next month (2025-02-30 was 2025-03-02); `evaluate
// --split-date` reads dates the same way.
TEST_F(CliEvaluatePageTest, ImpossibleDatesAreRefused) {
  RunResult page = RunCli(Run("--split-time 2025-02-30"));
  EXPECT_EQ(page.exit_code, 1) << page.output;
  EXPECT_NE(page.output.find("--split-time: expected a date YYYY-MM-DD, found \"2025-02-30\""),
            std::string::npos)
      << page.output;
  EXPECT_EQ(page.output.find("members evaluated"), std::string::npos) << page.output;

  RunResult evaluate = RunCli("evaluate --data " + Data() +
                              " --model popularity --protocol temporal --split-date 2025-02-30");
  EXPECT_EQ(evaluate.exit_code, 1) << evaluate.output;
  EXPECT_NE(evaluate.output.find("--split-date: expected a date YYYY-MM-DD, found \"2025-02-30\""),
            std::string::npos)
      << evaluate.output;
}

// No member to evaluate is an error, not a table of zeros.
TEST_F(CliEvaluatePageTest, NoMemberEvaluatedIsAnError) {
  const std::string json = dir_.File("none.json");
  RunResult r = RunCli(Run("--min-history 100000 --json " + json));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("--min-history 100000: no member evaluated: no member has interactions on both "
                          "sides of the split"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("at least 100000 interactions"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("popularity"), std::string::npos) << "a table was printed\n" << r.output;
  EXPECT_FALSE(std::filesystem::exists(json));
}

// The header's next plays are those of the members evaluated.
TEST_F(CliEvaluatePageTest, MaxMembersCountsTheNextPlaysOfThoseMembers) {
  Result<Dataset> dataset = LoadDataset(Data());
  ASSERT_TRUE(dataset.ok()) << dataset.status().ToString();
  Result<EvalSplit> split = MakePageSplit(*dataset, PageEvaluationOptions{});
  ASSERT_TRUE(split.ok()) << split.status().ToString();
  uint64_t expected = 0;
  for (uint32_t m = 0, members = 0; m < split->target.rows() && members < 5; ++m) {
    if (split->target.RowLength(m) == 0) continue;
    expected += split->target.RowLength(m);
    ++members;
  }
  ASSERT_LT(expected, split->target.nnz());

  RunResult r = RunCli(Run("--max-members 5 --json " + dir_.File("five.json")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(fmt::format("5 members evaluated ({} next plays)", expected)), std::string::npos)
      << r.output;
  nlohmann::json j = nlohmann::json::parse(test::ReadFile(dir_.File("five.json")));
  EXPECT_EQ(j["members_evaluated"], 5);
  EXPECT_EQ(j["target_interactions"], expected);
}

}  // namespace
}  // namespace marquee
