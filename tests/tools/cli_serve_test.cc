// `marquee serve` flags: --http-threads sets the HTTP workers; the old
// spelling `serve --threads` still does, with a deprecation note on stderr;
// the durability flags take process or fsync.
#include <gtest/gtest.h>

#include <string>

#include "cli_runner.h"

namespace marquee::test {
namespace {

// Flags that parse but fail at once (no such dataset), so no server starts.
const std::string kMissingData = "serve --data /no/such/dataset.mqd --model /no/such/model --events /tmp/x.db ";

TEST(CliServeTest, HttpThreadsIsTheWorkerCount) {
  RunResult run = RunCli(kMissingData + "--http-threads 4");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("/no/such/dataset.mqd"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("deprecated"), std::string::npos) << run.output;
  // Out of range: refused by the parser, naming the flag.
  RunResult zero = RunCli(kMissingData + "--http-threads 0");
  EXPECT_NE(zero.exit_code, 0);
  EXPECT_NE(zero.output.find("--http-threads"), std::string::npos) << zero.output;
}

TEST(CliServeTest, ServeThreadsStillSetsWorkersWithADeprecationNote) {
  RunResult run = RunCli(kMissingData + "--threads 4");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("--threads is deprecated"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("--http-threads"), std::string::npos) << run.output;
  // Still the worker count's range (1..1024), not the global --threads (0 = all cores).
  RunResult zero = RunCli(kMissingData + "--threads 0");
  EXPECT_NE(zero.exit_code, 0);
  EXPECT_EQ(zero.output.find("/no/such/dataset.mqd"), std::string::npos) << zero.output;
}

TEST(CliServeTest, BothWorkerSpellingsAtOnceAreRefused) {
  RunResult both = RunCli(kMissingData + "--threads 4 --http-threads 2");
  EXPECT_EQ(both.exit_code, 2) << both.output;
  EXPECT_NE(both.output.find("excludes"), std::string::npos) << both.output;
  EXPECT_EQ(both.output.find("/no/such/dataset.mqd"), std::string::npos) << both.output;
}

TEST(CliServeTest, RewardWindowHasOneBoundEverywhere) {
  // serve, train-policy and ope share kMaxRewardWindowSeconds (30 days).
  for (const std::string& command :
       {kMissingData, std::string("train-policy --logs /no/log --data /no/d.mqd --policy linucb --out /no/p.mqp "),
        std::string("ope --logs /no/log --data /no/d.mqd --target uniform ")}) {
    RunResult too_long = RunCli(command + "--reward-window 2592001");
    EXPECT_EQ(too_long.exit_code, 2) << command << too_long.output;
    EXPECT_NE(too_long.output.find("--reward-window"), std::string::npos) << too_long.output;
    RunResult longest = RunCli(command + "--reward-window 2592000");
    EXPECT_EQ(longest.output.find("--reward-window"), std::string::npos) << command << longest.output;
  }
}

TEST(CliServeTest, DurabilityFlagsAcceptProcessAndFsyncOnly) {
  for (const std::string flag : {"--impression-durability", "--event-durability"}) {
    RunResult bogus = RunCli(kMissingData + flag + " bogus");
    EXPECT_EQ(bogus.exit_code, 2) << flag << bogus.output;
    EXPECT_NE(bogus.output.find(flag), std::string::npos) << bogus.output;
    EXPECT_NE(bogus.output.find("expected process or fsync, found bogus"), std::string::npos) << bogus.output;
    EXPECT_EQ(bogus.output.find("/no/such/dataset.mqd"), std::string::npos) << bogus.output;
    for (const std::string level : {"process", "fsync"}) {
      RunResult good = RunCli(kMissingData + flag + " " + level);
      EXPECT_NE(good.output.find("/no/such/dataset.mqd"), std::string::npos) << flag << " " << level << good.output;
    }
  }
}

TEST(CliServeTest, GlobalThreadsBeforeTheSubcommandIsComputeThreads) {
  RunResult run = RunCli("--threads 2 " + kMissingData);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(run.output.find("deprecated"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace marquee::test
