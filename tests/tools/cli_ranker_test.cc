// `marquee train --model ranker` and the commands that use its model
// directory (issue 15 §1): what it writes, that recommend and evaluate take
// it like any model, and its bad-input errors.
#include <fmt/format.h>
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

TEST_F(CliRankerTest, TuneSearchesTheRankersSettingsAndCandidateSets) {
  RunResult tune = RunCli("tune --data " + Data() + " --model ranker --protocol leave-last-out --last-n 2 " +
                          "--strategy grid --space \"candidates=popularity|itemknn,popularity;rounds=5|10\" " +
                          "--per-source 20 --cutoffs 10");
  ASSERT_EQ(tune.exit_code, 0) << tune.output;
  EXPECT_NE(tune.output.find("candidates=itemknn,popularity"), std::string::npos) << tune.output;
  EXPECT_NE(tune.output.find("best on validation:"), std::string::npos) << tune.output;
  RunResult defaults = RunCli("tune --data " + Data() + " --model ranker --trials 1 --candidates popularity");
  EXPECT_NE(defaults.output.find("rounds=25|50|100;depth=2|3|5"), std::string::npos) << defaults.output;
}

// A forecast can use a trained model's factors: iALS, or the iALS among a
// ranker's candidates; a model without factors, or one for the backtest
// (which must not see the launches), is refused.
TEST_F(CliRankerTest, ForecastUsesATrainedModelsFactors) {
  const std::string titles = dir_->Write("new.jsonl", R"({"title": "new-1", "genres": ["Comedy"]})" "\n");
  RunResult ranker = RunCli("forecast --data " + Data() + " --titles " + titles + " --model " + Ranker());
  ASSERT_EQ(ranker.exit_code, 0) << ranker.output;
  EXPECT_NE(ranker.output.find("using " + Ranker() + " (ranker"), std::string::npos) << ranker.output;
  EXPECT_NE(ranker.output.find("new-1: "), std::string::npos) << ranker.output;
  RunResult popularity =
      RunCli("forecast --data " + Data() + " --titles " + titles + " --model " + Ranker() + "/candidates/popularity");
  EXPECT_NE(popularity.exit_code, 0);
  EXPECT_NE(popularity.output.find("has none (expected iALS"), std::string::npos) << popularity.output;
  RunResult backtest = RunCli("forecast --data " + Data() + " --backtest --model " + Ranker());
  EXPECT_NE(backtest.exit_code, 0);
  EXPECT_NE(backtest.output.find("has seen the launches"), std::string::npos) << backtest.output;
}

// New titles join a dataset and its iALS model with vectors from their
// metadata: recommendable at once, ranked differently for each member, without
// retraining; the ranker, another model's dataset and known ids are refused.
TEST_F(CliRankerTest, CatalogAddTitlesGivesNewTitlesVectorsAtOnce) {
  const std::string titles = dir_->Write(
      "add.jsonl", R"({"title": "new-1", "name": "Heist", "genres": ["Comedy"], "year": 2026})" "\n"
                   R"({"title": "new-2", "genres": ["Horror", "Nonesuch"]})" "\n");
  const std::string ials = dir_->File("ials");
  ASSERT_EQ(RunCli("train --data " + Data() + " --model ials --factors 8 --out " + ials).exit_code, 0);
  RunResult add = RunCli("catalog add-titles " + titles + " --data " + Data() + " --model " + ials + " --out-data " +
                         dir_->File("grown.mqd") + " --out-model " + dir_->File("grown"));
  ASSERT_EQ(add.exit_code, 0) << add.output;
  EXPECT_NE(add.output.find("new-2: a vector from"), std::string::npos) << add.output;
  EXPECT_NE(add.output.find("not used: genre:Nonesuch"), std::string::npos) << add.output;
  EXPECT_NE(add.output.find("added 2 titles"), std::string::npos) << add.output;
  RunResult all = RunCli("recommend --data " + dir_->File("grown.mqd") + " --model " + dir_->File("grown") +
                         " --k 122");
  ASSERT_EQ(all.exit_code, 0) << all.output;
  EXPECT_NE(all.output.find(",new-1,"), std::string::npos);
  // Not every member gets them first: the scores differ by member.
  RunResult top = RunCli("recommend --data " + dir_->File("grown.mqd") + " --model " + dir_->File("grown") +
                         " --k 3");
  ASSERT_EQ(top.exit_code, 0);
  const size_t in_top = std::count(top.output.begin(), top.output.end(), '\n');
  size_t new_in_top = 0;
  for (size_t at = top.output.find(",new-"); at != std::string::npos; at = top.output.find(",new-", at + 1)) ++new_in_top;
  EXPECT_LT(new_in_top, in_top / 2) << top.output;
  // The old model does not load with the grown dataset; known ids and the
  // ranker are refused.
  EXPECT_NE(RunCli("recommend --data " + dir_->File("grown.mqd") + " --model " + ials + " --k 3").exit_code, 0);
  RunResult again = RunCli("catalog add-titles " + titles + " --data " + dir_->File("grown.mqd") + " --model " +
                           dir_->File("grown") + " --out-data " + dir_->File("x.mqd") + " --out-model " +
                           dir_->File("x"));
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("\"new-1\": already in the dataset"), std::string::npos) << again.output;
  RunResult ranker = RunCli("catalog add-titles " + titles + " --data " + Data() + " --model " + Ranker() +
                            " --out-data " + dir_->File("x.mqd") + " --out-model " + dir_->File("x"));
  EXPECT_NE(ranker.exit_code, 0);
  EXPECT_NE(ranker.output.find("this ranker model has none"), std::string::npos) << ranker.output;
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

// Three lists shown after the data ends (2026-01-01): member 1 played the
// second title of theirs, member 2 nothing, member 3 the first, one naming
// the impression and one by title within the window; a play two hours
// later is outside the default one-hour window.
std::string ImpressionLog() {
  std::string log;
  const int64_t t0 = 1767225600 + 86400;
  auto impression = [&](const char* member, const char* title, int64_t time, const char* id, double p) {
    log += fmt::format(R"({{"kind":"impression","member":"{}","title":"{}","time":{},"impression_id":"{}",)"
                       R"("artwork":"","propensity":{}}})"
                       "\n",
                       member, title, time, id, p);
  };
  impression("m0000001", "t000010", t0, "i1", 0.5);
  impression("m0000001", "t000011", t0, "i2", 0.25);
  impression("m0000002", "t000012", t0 + 5, "i3", 0.5);
  impression("m0000003", "t000013", t0 + 9, "i4", 1.0);
  impression("m0000003", "t000014", t0 + 9, "i5", 1.0);
  impression("m0000003", "t000999", t0 + 9, "i6", 1.0);  // a title the dataset lacks
  log += fmt::format(R"({{"kind":"play","member":"m0000001","title":"t000011","time":{},"impression_id":"i2"}})" "\n",
                     t0 + 60);
  log += fmt::format(R"({{"kind":"play","member":"m0000003","title":"t000013","time":{}}})" "\n", t0 + 600);
  log += fmt::format(R"({{"kind":"play","member":"m0000002","title":"t000012","time":{}}})" "\n", t0 + 7200);
  return log;
}

TEST_F(CliRankerTest, TrainsFromAnImpressionLog) {
  const std::string log = dir_->Write("log.jsonl", ImpressionLog());
  const std::string train = "train --data " + Data() + " --model ranker --candidates ials,popularity " +
                            "--per-source 30 --rounds 5 --param ials.factors=8 --impressions " + log + " ";
  RunResult run = RunCli(train + "--out " + dir_->File("from_log"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("impressions: 5 in 3 lists, 2 followed by a play within 3600s (2 lists with a play)"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("warning: 1 impressions (16.7%) are of titles the dataset lacks and are left out: is "
                            "this log from this service?"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("learning from 2 impression lists"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("only 2 queries"), std::string::npos) << run.output;  // the warning
  RunResult rec = RunCli("recommend --data " + Data() + " --model " + dir_->File("from_log") + " --k 3");
  EXPECT_EQ(rec.exit_code, 0) << rec.output;
  // A window of two hours and more catches member 2's play too.
  RunResult wider = RunCli(train + "--reward-window 7200 --impression-weights inverse-propensity --out " +
                           dir_->File("from_log2"));
  ASSERT_EQ(wider.exit_code, 0) << wider.output;
  EXPECT_NE(wider.output.find("3 followed by a play within 7200s"), std::string::npos) << wider.output;
  // The window and weights belong to impression training.
  RunResult stray = RunCli("train --data " + Data() + " --model ranker --reward-window 60 --out " + dir_->File("s"));
  EXPECT_NE(stray.exit_code, 0);
  EXPECT_NE(stray.output.find("give --impressions"), std::string::npos) << stray.output;
}

TEST_F(CliRankerTest, ImpressionLogErrors) {
  const std::string log = dir_->Write("log2.jsonl", ImpressionLog());
  RunResult not_ranker = RunCli("train --data " + Data() + " --model ials --impressions " + log + " --out " +
                                dir_->File("x"));
  EXPECT_NE(not_ranker.exit_code, 0);
  EXPECT_NE(not_ranker.output.find("only the ranker learns from impressions"), std::string::npos) << not_ranker.output;
  // No play within a zero-second window.
  RunResult none = RunCli("train --data " + Data() + " --model ranker --candidates popularity --impressions " +
                          log + " --reward-window 0 --out " + dir_->File("x"));
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.output.find("nothing to learn"), std::string::npos) << none.output;
  const std::string bad = dir_->Write("bad.jsonl", "{\"kind\":\"impression\"}\n");
  RunResult malformed = RunCli("train --data " + Data() + " --model ranker --impressions " + bad + " --out " +
                               dir_->File("x"));
  EXPECT_NE(malformed.exit_code, 0);
  EXPECT_NE(malformed.output.find("bad.jsonl:1"), std::string::npos) << malformed.output;
  // An event without a time cannot be matched; a log without impressions
  // says so.
  const std::string untimed = dir_->Write("untimed.jsonl", R"({"kind":"impression","member":"m0000001","title":"t000001"})" "\n");
  RunResult no_time = RunCli("train --data " + Data() + " --model ranker --impressions " + untimed + " --out " +
                             dir_->File("x"));
  EXPECT_NE(no_time.exit_code, 0);
  EXPECT_NE(no_time.output.find("event 1 (impression of t000001 by m0000001) has no time"), std::string::npos)
      << no_time.output;
  const std::string plays = dir_->Write("plays.jsonl", R"({"kind":"play","member":"m0000001","title":"t000001","time":5})" "\n");
  RunResult no_impressions = RunCli("train --data " + Data() + " --model ranker --impressions " + plays + " --out " +
                                    dir_->File("x"));
  EXPECT_NE(no_impressions.output.find("the event log has no impressions (1 events)"), std::string::npos)
      << no_impressions.output;
  RunResult missing = RunCli("train --data " + Data() + " --model ranker --impressions /no/such.log --out " +
                             dir_->File("x"));
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("/no/such.log"), std::string::npos) << missing.output;
  EXPECT_FALSE(std::filesystem::exists(dir_->File("x")));
}

}  // namespace
}  // namespace marquee
