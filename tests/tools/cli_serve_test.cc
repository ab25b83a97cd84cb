// `marquee serve` flags: --http-threads sets the HTTP workers; the old
// spelling `serve --threads` still does, with a deprecation note on stderr;
// the durability flags take process or fsync.
#include <gtest/gtest.h>

#include <string>
#include <vector>

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

// Every whole-number flag says what it expects and what it found: CLI11's
// ranges said "Value 0 not in range 0.000000 to 1797693..." (300 digits) for
// --max-body-bytes 0, and "not in range" for text that is no number at all.
TEST(CliServeTest, WholeNumberFlagsSayWhatTheyExpect) {
  const std::vector<std::string> positive = {"--max-body-bytes", "--max-connections", "--header-timeout",
                                             "--body-timeout",   "--keep-alive-seconds", "--http-threads",
                                             "--hnsw-ef",        "--hnsw-reload-threads"};
  for (const std::string& flag : positive) {
    for (const std::string value : {"0", "-3", "abc", "1.5", "5s", "99999999999999999999"}) {
      RunResult bad = RunCli(kMissingData + flag + " " + value);
      EXPECT_EQ(bad.exit_code, 2) << flag << " " << value << bad.output;
      EXPECT_NE(bad.output.find(flag + ": expected a positive whole number"), std::string::npos)
          << flag << " " << value << bad.output;
      EXPECT_NE(bad.output.find(", found " + value), std::string::npos) << flag << " " << value << bad.output;
      EXPECT_EQ(bad.output.find("not in range"), std::string::npos) << bad.output;
      EXPECT_EQ(bad.output.find("/no/such/dataset.mqd"), std::string::npos) << bad.output;
    }
    RunResult good = RunCli(kMissingData + flag + " 7");
    EXPECT_NE(good.output.find("/no/such/dataset.mqd"), std::string::npos) << flag << good.output;
  }
  RunResult max_connections = RunCli(kMissingData + "--max-connections abc");
  EXPECT_NE(max_connections.output.find("--max-connections: expected a positive whole number (at most 1000000), "
                                        "found abc"),
            std::string::npos)
      << max_connections.output;
  RunResult body = RunCli(kMissingData + "--max-body-bytes 0");
  EXPECT_NE(body.output.find("--max-body-bytes: expected a positive whole number, found 0"), std::string::npos)
      << body.output;
  EXPECT_EQ(body.output.find("179769"), std::string::npos) << body.output;
  // Bounds other than 1 are named.
  RunResult port = RunCli(kMissingData + "--port http");
  EXPECT_EQ(port.exit_code, 2) << port.output;
  EXPECT_NE(port.output.find("--port: expected a whole number from 0 to 65535, found http"), std::string::npos)
      << port.output;
  RunResult m = RunCli(kMissingData + "--hnsw-m 1");
  EXPECT_EQ(m.exit_code, 2) << m.output;
  EXPECT_NE(m.output.find("--hnsw-m: expected a whole number from 2 to 256, found 1"), std::string::npos)
      << m.output;
}

// An interval with no snapshot path would be silently ignored.
TEST(CliServeTest, SnapshotIntervalNeedsASnapshotPath) {
  RunResult alone = RunCli(kMissingData + "--policy-snapshot-every 5s");
  EXPECT_EQ(alone.exit_code, 2) << alone.output;
  EXPECT_NE(alone.output.find("--policy-snapshot-every requires --policy-snapshot"), std::string::npos)
      << alone.output;
  EXPECT_EQ(alone.output.find("/no/such/dataset.mqd"), std::string::npos) << alone.output;
  RunResult both = RunCli(kMissingData + "--policy-snapshot /tmp/p.mqp --policy-snapshot-every 5s");
  EXPECT_NE(both.output.find("/no/such/dataset.mqd"), std::string::npos) << both.output;
}

TEST(CliServeTest, GlobalThreadsBeforeTheSubcommandIsComputeThreads) {
  RunResult run = RunCli("--threads 2 " + kMissingData);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(run.output.find("deprecated"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace marquee::test
