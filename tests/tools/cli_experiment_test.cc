// End-to-end tests of `marquee experiment power`: the real binary on a small
// synthetic service with its ground truth.
#include <gtest/gtest.h>

#include <string>

#include "../test_util.h"
#include "cli_runner.h"

namespace marquee {
namespace {

using test::RunCli;
using test::RunResult;
using test::TempDir;

class CliExperimentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    RunResult generated = RunCli("generate --members 2000 --titles 300 --plays 60000 --seed 5 --out " + Data() +
                                 " --truth " + Truth());
    ASSERT_EQ(generated.exit_code, 0) << generated.output;
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string Data() { return dir_->File("service.mqd"); }
  static std::string Truth() { return dir_->File("service.mqt"); }
  static TempDir* dir_;
};
TempDir* CliExperimentTest::dir_ = nullptr;

TEST_F(CliExperimentTest, PowerPrintsTheTableAndWritesTheChart) {
  const std::string chart = dir_->File("power.svg");
  const RunResult r = RunCli("experiment power --data " + Data() + " --truth " + Truth() +
                             " --model ials --factors 8 --iterations 3 --repetitions 20 --max-members 20000 --chart " +
                             chart);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* expected : {"A/B + CUPED", "interleaving", "members for 80% power", "standardized effect",
                               "B = ials on 50% of each member's plays", "wrote "}) {
    EXPECT_NE(r.output.find(expected), std::string::npos) << expected << "\n" << r.output;
  }
  const std::string svg = test::ReadFile(chart);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("interleaving"), std::string::npos);
}

TEST_F(CliExperimentTest, PowerRefusesBadFlagsNamingThem) {
  const std::string base = "experiment power --data " + Data() + " --truth " + Truth() + " --model ials";
  RunResult r = RunCli(base + " --sample 1.5");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("--sample: expected a share in (0, 1), got 1.5"), std::string::npos) << r.output;
  r = RunCli(base + " --max-members 10");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("--max-members: expected at least 100"), std::string::npos) << r.output;
  // A ground truth of another service.
  const std::string other = dir_->File("other.mqd"), other_truth = dir_->File("other.mqt");
  ASSERT_EQ(RunCli("generate --members 50 --titles 20 --plays 500 --out " + other + " --truth " + other_truth).exit_code,
            0);
  r = RunCli("experiment power --data " + Data() + " --truth " + other_truth + " --model ials");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("the ground truth is for 50 members x 20 titles"), std::string::npos) << r.output;
  r = RunCli("experiment power --data " + Data() + " --truth " + dir_->File("missing.mqt") + " --model ials");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("missing.mqt"), std::string::npos) << r.output;
  r = RunCli("experiment");
  EXPECT_NE(r.exit_code, 0);
}

}  // namespace
}  // namespace marquee
