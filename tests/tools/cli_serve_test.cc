// `marquee serve` thread flags: --http-threads sets the HTTP workers; the old
// spelling `serve --threads` still does, with a deprecation note on stderr.
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

TEST(CliServeTest, GlobalThreadsBeforeTheSubcommandIsComputeThreads) {
  RunResult run = RunCli("--threads 2 " + kMissingData);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(run.output.find("deprecated"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace marquee::test
