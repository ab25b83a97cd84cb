// `marquee evaluate-page` end to end: the real binary on a small synthetic service.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "../test_util.h"
#include "cli_runner.h"

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
  EXPECT_NE(date.output.find("--split-time: expected YYYY-MM-DD"), std::string::npos) << date.output;

  RunResult model = RunCli("evaluate-page --data " + Data() + " --model nosuch");
  EXPECT_NE(model.exit_code, 0);
  EXPECT_NE(model.output.find("nosuch"), std::string::npos) << model.output;

  RunResult truth = RunCli(Run("--truth " + dir_.File("absent.mqt")));
  EXPECT_NE(truth.exit_code, 0);
  EXPECT_NE(truth.output.find("absent.mqt"), std::string::npos) << truth.output;
}

}  // namespace
}  // namespace marquee
