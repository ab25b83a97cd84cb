// `marquee train --model ranker` and the commands that use its model
// directory (issue 15 §1): what it writes, that recommend and evaluate take
// it like any model, and its bad-input errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "../test_util.h"
#include "cli_runner.h"

namespace marquee {
namespace {

using test::RunCli;
using test::RunResult;
using test::TempDir;

class CliRankerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    RunResult gen = RunCli("generate --members 400 --titles 120 --plays 12000 --seed 3 --out " + Data());
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
    RunResult train = RunCli("train --data " + Data() + " --model ranker --candidates ials,popularity " +
                             "--per-source 30 --rounds 10 --param ials.factors=8 --out " + Ranker());
    ASSERT_EQ(train.exit_code, 0) << train.output;
    train_output_ = new std::string(train.output);
  }
  static void TearDownTestSuite() {
    delete train_output_;
    delete dir_;
  }
  static std::string Data() { return dir_->File("s.mqd"); }
  static std::string Ranker() { return dir_->File("ranker"); }
  static TempDir* dir_;
  static std::string* train_output_;
};
TempDir* CliRankerTest::dir_ = nullptr;
std::string* CliRankerTest::train_output_ = nullptr;

TEST_F(CliRankerTest, TrainWritesTheRankerWithItsCandidateModelsAndSaysWhatMattered) {
  EXPECT_NE(train_output_->find("feature importance"), std::string::npos) << *train_output_;
  EXPECT_NE(train_output_->find("rank:ials"), std::string::npos) << *train_output_;
  for (const char* source : {"ials", "popularity"}) {
    EXPECT_TRUE(std::filesystem::exists(Ranker() + "/candidates/" + source + "/model.mqm")) << source;
  }
  // A source's parameters reach it.
  RunResult info = RunCli("recommend --data " + Data() + " --model " + Ranker() + "/candidates/ials --k 1");
  EXPECT_EQ(info.exit_code, 0) << info.output;
}

TEST_F(CliRankerTest, RecommendAndEvaluateTakeTheRankerLikeAnyModel) {
  dir_->Write("members.txt", "m0000001\nm0000002\n");
  RunResult rec = RunCli("recommend --data " + Data() + " --model " + Ranker() + " --members " +
                         dir_->File("members.txt") + " --k 5");
  ASSERT_EQ(rec.exit_code, 0) << rec.output;
  EXPECT_EQ(std::count(rec.output.begin(), rec.output.end(), '\n'), 11) << rec.output;
  RunResult eval = RunCli("evaluate --data " + Data() + " --protocol leave-last-out --last-n 2 " +
                          "--model ranker,popularity --candidates ials,popularity --per-source 30 --rounds 10 " +
                          "--param ials.factors=8 --cutoffs 10");
  ASSERT_EQ(eval.exit_code, 0) << eval.output;
  EXPECT_NE(eval.output.find("\nranker "), std::string::npos) << eval.output;
  EXPECT_NE(eval.output.find("\npopularity "), std::string::npos) << eval.output;
}

TEST_F(CliRankerTest, BadInputsAreClearErrors) {
  const std::string train = "train --data " + Data() + " --model ranker --out " + dir_->File("bad") + " ";
  RunResult unknown = RunCli(train + "--candidates ials,bogus");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.output.find("'candidates'"), std::string::npos) << unknown.output;
  EXPECT_NE(unknown.output.find("bogus"), std::string::npos) << unknown.output;
  RunResult stray = RunCli(train + "--candidates ials --param ease.lambda=5");
  EXPECT_NE(stray.exit_code, 0);
  EXPECT_NE(stray.output.find("not one of the candidates"), std::string::npos) << stray.output;
  RunResult bad_source = RunCli(train + "--candidates ials --param ials.factors=0");
  EXPECT_NE(bad_source.exit_code, 0);
  EXPECT_NE(bad_source.output.find("candidate source ials"), std::string::npos) << bad_source.output;
  EXPECT_FALSE(std::filesystem::exists(dir_->File("bad")));

  // A ranker without one of its candidate models does not load.
  TempDir copy;
  std::filesystem::copy(Ranker(), copy.File("r"), std::filesystem::copy_options::recursive);
  std::filesystem::remove_all(copy.File("r") + "/candidates/popularity");
  RunResult gone = RunCli("recommend --data " + Data() + " --model " + copy.File("r") + " --k 3");
  EXPECT_NE(gone.exit_code, 0);
  EXPECT_NE(gone.output.find("candidate model popularity"), std::string::npos) << gone.output;
}

}  // namespace
}  // namespace marquee
