// The model commands end to end: train, recommend, similar, evaluate, tune.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>
#include <sstream>

#include "../test_util.h"
#include "cli_runner.h"
#include "marquee/data/dataset_file.h"
#include "marquee/models/model_file.h"
#include "marquee/models/registry.h"

namespace marquee {
namespace {

using test::RunCli;
using test::RunResult;
using test::TempDir;

class CliModelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.File("s.mqd");
    RunResult gen = RunCli("generate --members 400 --titles 120 --plays 12000 --seed 3 --out " + data_);
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
  }
  TempDir dir_;
  std::string data_;
};

TEST_F(CliModelsTest, TrainThenRecommendWithOriginalIdsAndNoWatchedTitles) {
  RunResult train = RunCli("train --data " + data_ + " --model popularity --out " + dir_.File("pop"));
  ASSERT_EQ(train.exit_code, 0) << train.output;
  dir_.Write("members.txt", "# two members\nm0000001\n\nm0000007\n");
  RunResult rec = RunCli("recommend --model " + dir_.File("pop") + " --data " + data_ +
                         " --members " + dir_.File("members.txt") + " --k 5");
  ASSERT_EQ(rec.exit_code, 0) << rec.output;
  Result<Dataset> d = LoadDataset(data_);
  ASSERT_TRUE(d.ok());
  std::istringstream lines(rec.output);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "member,rank,title,score");
  int rows = 0;
  while (std::getline(lines, line)) {
    std::string member = line.substr(0, line.find(','));
    std::string rest = line.substr(line.find(',') + 1);
    std::string title = rest.substr(rest.find(',') + 1);
    title = title.substr(0, title.find(','));
    uint32_t m = d->members.Find(member), t = d->titles.Find(title);
    ASSERT_NE(m, IdMap::kNotFound) << line;
    ASSERT_NE(t, IdMap::kNotFound) << line;
    auto watched = d->interactions.RowIndices(m);
    EXPECT_FALSE(std::binary_search(watched.begin(), watched.end(), t)) << "watched: " << line;
    ++rows;
  }
  EXPECT_EQ(rows, 10);
}

TEST_F(CliModelsTest, RecommendJsonAndSimilar) {
  ASSERT_EQ(RunCli("train --data " + data_ + " --model popularity --out " + dir_.File("pop")).exit_code, 0);
  dir_.Write("one.txt", "m0000002\n");
  RunResult rec = RunCli("recommend --model " + dir_.File("pop") + " --data " + data_ +
                         " --members " + dir_.File("one.txt") + " --k 3 --format json");
  ASSERT_EQ(rec.exit_code, 0) << rec.output;
  nlohmann::json j = nlohmann::json::parse(rec.output);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["member"], "m0000002");
  EXPECT_EQ(j[0]["recommendations"].size(), 3u);

  RunResult sim = RunCli("similar --model " + dir_.File("pop") + " --titles t000001,t000002 --k 4");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  EXPECT_EQ(std::count(sim.output.begin(), sim.output.end(), '\n'), 1 + 2 * 4);
  EXPECT_EQ(sim.output.find("t000001,1,t000001,"), std::string::npos);  // never itself
}

TEST_F(CliModelsTest, CandidateFiltersRestrictRecommendations) {
  ASSERT_EQ(RunCli("train --data " + data_ + " --model popularity --out " + dir_.File("pop")).exit_code, 0);
  dir_.Write("one.txt", "m0000004\n");
  RunResult rec = RunCli("recommend --model " + dir_.File("pop") + " --data " + data_ + " --members " +
                         dir_.File("one.txt") + " --k 10 --format json --genre Drama --maturity PG-13");
  ASSERT_EQ(rec.exit_code, 0) << rec.output;
  Result<Dataset> d = LoadDataset(data_);
  int drama = d->catalog.FindGenre("Drama");
  nlohmann::json j = nlohmann::json::parse(rec.output);
  ASSERT_FALSE(j[0]["recommendations"].empty());
  for (const auto& item : j[0]["recommendations"]) {
    const Title& t = d->catalog.titles()[d->titles.Find(item["title"].get<std::string>())];
    EXPECT_NE(std::find(t.genres.begin(), t.genres.end(), drama), t.genres.end()) << item;
    EXPECT_TRUE(t.maturity == "G" || t.maturity == "PG" || t.maturity == "PG-13") << item;
  }
  RunResult bad = RunCli("recommend --model " + dir_.File("pop") + " --data " + data_ + " --genre Opera");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("\"Opera\" is not in the catalog"), std::string::npos) << bad.output;
}

TEST_F(CliModelsTest, BadInputsAreClearErrors) {
  RunResult model = RunCli("train --data " + data_ + " --model svd --out " + dir_.File("x"));
  EXPECT_EQ(model.exit_code, 1);
  EXPECT_NE(model.output.find("unknown model \"svd\""), std::string::npos) << model.output;
  RunResult param = RunCli("train --data " + data_ + " --model popularity --factors 8 --out " + dir_.File("x"));
  EXPECT_EQ(param.exit_code, 1);
  EXPECT_NE(param.output.find("unknown parameter 'factors'"), std::string::npos) << param.output;

  ASSERT_EQ(RunCli("train --data " + data_ + " --model popularity --out " + dir_.File("pop")).exit_code, 0);
  dir_.Write("who.txt", "m0000001\nnobody\n");
  RunResult member = RunCli("recommend --model " + dir_.File("pop") + " --data " + data_ +
                            " --members " + dir_.File("who.txt"));
  EXPECT_EQ(member.exit_code, 1);
  EXPECT_NE(member.output.find("who.txt:2: expected a member of the dataset, found \"nobody\""),
            std::string::npos)
      << member.output;
  RunResult title = RunCli("similar --model " + dir_.File("pop") + " --titles t999999");
  EXPECT_EQ(title.exit_code, 1);
  EXPECT_NE(title.output.find("t999999"), std::string::npos);

  std::string other = dir_.File("other.mqd");
  ASSERT_EQ(RunCli("generate --members 50 --titles 20 --plays 400 --out " + other).exit_code, 0);
  RunResult mismatch = RunCli("recommend --model " + dir_.File("pop") + " --data " + other);
  EXPECT_EQ(mismatch.exit_code, 1);
  EXPECT_NE(mismatch.output.find("different dataset"), std::string::npos) << mismatch.output;
  RunResult k = RunCli("recommend --model " + dir_.File("pop") + " --data " + data_ + " --k 0");
  EXPECT_EQ(k.exit_code, 2);
}

TEST_F(CliModelsTest, EvaluateWritesTableJsonAndCsv) {
  RunResult r = RunCli("evaluate --data " + data_ + " --model popularity --cutoffs 10,20 --json " +
                       dir_.File("e.json") + " --csv " + dir_.File("e.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Recall@20"), std::string::npos) << r.output;
  nlohmann::json j = nlohmann::json::parse(test::ReadFile(dir_.File("e.json")));
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["model"], "popularity");
  EXPECT_EQ(j[0]["protocol"], "random-holdout");
  double recall = j[0]["metrics"][1]["recall"];
  EXPECT_GT(recall, 0.0);
  EXPECT_LE(recall, 1.0);
  EXPECT_NE(test::ReadFile(dir_.File("e.csv")).find("popularity,\"half_life=0\",random-holdout,recall,20,"),
            std::string::npos);

  RunResult bad = RunCli("evaluate --data " + data_ + " --model popularity --lambda 3");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("'lambda' is not a parameter of popularity"), std::string::npos) << bad.output;
}

TEST_F(CliModelsTest, EvaluateColdTitlesFindsAudiencesFromMetadata) {
  // A larger service, so that the mapping has titles to learn from.
  const std::string data = dir_.File("cold.mqd");
  ASSERT_EQ(RunCli("generate --members 3000 --titles 400 --plays 120000 --seed 5 --out " + data).exit_code, 0);
  RunResult r = RunCli("evaluate --data " + data + " --protocol cold-titles --cutoffs 10 --seed 4");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("protocol cold-titles: 80 of the 400 titles with at least 5 members held out"),
            std::string::npos)
      << r.output;
  // Each method's AUC from its row (the last three columns: AUC, members, titles).
  auto auc = [&](const std::string& method) {
    const size_t at = r.output.find("\n" + method + " ");
    EXPECT_NE(at, std::string::npos) << method << "\n" << r.output;
    std::istringstream row(r.output.substr(at + 1 + method.size(), r.output.find('\n', at + 1) - at - 1 - method.size()));
    std::vector<double> v;
    for (double x; row >> x;) v.push_back(x);
    return v.size() >= 3 ? v[v.size() - 3] : -1.0;
  };
  // The synthetic truth ties appeal to genres, so metadata finds audiences
  // far better than chance; a constant-per-member baseline sits at 0.5.
  EXPECT_GT(auc("metadata -> iALS factors"), auc("random") + 0.1);
  EXPECT_DOUBLE_EQ(auc("genre popularity"), 0.5);
  // What the protocol cannot do is refused: JSON output, a saved split, a
  // negative penalty; tune does not offer it.
  EXPECT_NE(RunCli("evaluate --data " + data + " --protocol cold-titles --json " + dir_.File("x.json")).exit_code, 0);
  RunResult bad = RunCli("evaluate --data " + data + " --protocol cold-titles --metadata-lambda -1");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("lambda"), std::string::npos) << bad.output;
  EXPECT_NE(RunCli("tune --data " + data + " --model ials --protocol cold-titles").exit_code, 0);
  // Flags of other protocols, another model, no penalty, and a protocol's
  // own flags with another protocol: refused, not ignored.
  for (const std::string flags : {"--protocol cold-titles --model ease", "--protocol cold-titles --last-n 3",
                                  "--protocol cold-titles --metadata-lambda 0", "--model popularity --without-tags",
                                  "--model popularity --metadata-lambda 5"}) {
    RunResult refused = RunCli("evaluate --data " + data + " " + flags);
    EXPECT_NE(refused.exit_code, 0) << flags;
    EXPECT_NE(refused.output.find("--"), std::string::npos) << flags << ": " << refused.output;
  }
  RunResult none = RunCli("evaluate --data " + data + " --protocol cold-titles --min-history 100000");
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.output.find("nothing to evaluate"), std::string::npos) << none.output;
}

TEST_F(CliModelsTest, ForecastBacktestBeatsTheGenreMeanAndRefusesBadDates) {
  // Two synthetic years: launches all through them, release dates in the catalog.
  const std::string data = dir_.File("launches.mqd");
  ASSERT_EQ(RunCli("generate --members 10000 --titles 1500 --plays 400000 --seed 5 --out " + data + " --truth " +
                   dir_.File("launches.mqt")).exit_code, 0);
  RunResult r = RunCli("forecast --data " + data + " --backtest --days 28 --truth " + dir_.File("launches.mqt"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // "N launches: median absolute percentage error F% (naive, ...: G%); the 80% interval covered C%"
  const size_t at = r.output.find("median absolute percentage error ");
  ASSERT_NE(at, std::string::npos) << r.output;
  const double forecast = std::stod(r.output.substr(at + 33));
  const size_t naive_at = r.output.find("mean audience: ", at);
  ASSERT_NE(naive_at, std::string::npos) << r.output;
  const double naive = std::stod(r.output.substr(naive_at + 15));
  EXPECT_LT(forecast, naive) << r.output;
  const size_t covered_at = r.output.find("interval covered ", at);
  ASSERT_NE(covered_at, std::string::npos);
  EXPECT_GT(std::stod(r.output.substr(covered_at + 17)), 50.0) << r.output;
  // The truth's own expectation misses what happened by the draw's noise
  // only: far less than any forecast from data.
  const size_t truth_at = r.output.find("the ground truth's expected audience: median absolute percentage error ");
  ASSERT_NE(truth_at, std::string::npos) << r.output;
  EXPECT_LT(std::stod(r.output.substr(truth_at + 72)), forecast) << r.output;
  // --truth needs --backtest and the truth of this dataset.
  EXPECT_NE(RunCli("forecast --data " + data + " --titles x.jsonl --truth " + dir_.File("launches.mqt")).exit_code, 0);
  ASSERT_EQ(RunCli("generate --members 50 --titles 40 --plays 500 --out " + dir_.File("small.mqd") + " --truth " +
                   dir_.File("small.mqt")).exit_code, 0);
  RunResult other = RunCli("forecast --data " + data + " --backtest --truth " + dir_.File("small.mqt"));
  EXPECT_NE(other.exit_code, 0);
  EXPECT_NE(other.output.find("expected the truth written with this dataset"), std::string::npos) << other.output;
  EXPECT_EQ(other.output.find("backtest: split"), std::string::npos) << other.output;  // refused before any work
  // A split date without room on both sides; no --backtest.
  RunResult early = RunCli("forecast --data " + data + " --backtest --split-date 1999-01-01");
  EXPECT_NE(early.exit_code, 0);
  EXPECT_NE(early.output.find("--split-date 1999-01-01: the backtest needs 28 days of data on both sides"),
            std::string::npos)
      << early.output;
  EXPECT_NE(RunCli("forecast --data " + data + " --backtest --split-date 2025-02-30").exit_code, 0);
  RunResult plain = RunCli("forecast --data " + data);
  EXPECT_NE(plain.exit_code, 0);
  EXPECT_NE(plain.output.find("--titles, --backtest: expected one of them"), std::string::npos) << plain.output;

  // New titles from a file: a forecast with its interval, who the audience
  // is, comparables and a chart; what the catalog does not know is named.
  const std::string titles = dir_.Write(
      "new.jsonl", R"({"title": "new-1", "name": "Heist", "genres": ["Thriller", "Westerns"], "year": 2026})"
                   "\n\n"
                   R"({"title": "new-2", "genres": ["Comedy"], "runtime_minutes": 95, "performers": ["nobody"]})"
                   "\n");
  RunResult forecasts = RunCli("forecast --data " + data + " --titles " + titles + " --chart-dir " + dir_.path());
  ASSERT_EQ(forecasts.exit_code, 0) << forecasts.output;
  for (const char* expected : {"new-1 Heist: ", "(80% interval)", "not features of the catalog, so not used: genre:Westerns",
                               "performer:nobody", "audience by activity: light", "genres its audience likes more than members in general", "x",
                               "comparable launches (first 28 days): "}) {
    EXPECT_NE(forecasts.output.find(expected), std::string::npos) << expected << "\n" << forecasts.output;
  }
  EXPECT_NE(test::ReadFile(dir_.File("forecast-new-2.svg")).find("<svg"), std::string::npos);
  // Bad title files name the line and the field.
  const std::string no_id = dir_.Write("no-id.jsonl", R"({"name": "x"})" "\n");
  RunResult bad = RunCli("forecast --data " + data + " --titles " + no_id);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("no-id.jsonl:1: title"), std::string::npos) << bad.output;
  const std::string typo = dir_.Write("typo.jsonl", R"({"title": "a", "genre": ["Drama"]})" "\n");
  bad = RunCli("forecast --data " + data + " --titles " + typo);
  EXPECT_NE(bad.output.find("typo.jsonl:1: "), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("genre"), std::string::npos) << bad.output;
  const std::string year = dir_.Write("year.jsonl", R"({"title": "a", "year": "soon"})" "\n");
  bad = RunCli("forecast --data " + data + " --titles " + year);
  EXPECT_NE(bad.output.find("year.jsonl:1: year: expected an integer from 1800 to 2200"), std::string::npos)
      << bad.output;
  EXPECT_NE(RunCli("forecast --data " + data + " --titles " + dir_.File("absent.jsonl")).exit_code, 0);
  const std::string repeated = dir_.Write("repeated.jsonl", R"({"title": "a", "year": 2020, "year": 2026})" "\n");
  bad = RunCli("forecast --data " + data + " --titles " + repeated);
  EXPECT_NE(bad.output.find("repeated.jsonl:1: year: expected each field once, found it twice"), std::string::npos)
      << bad.output;
  // Ids name chart files: a path is refused, and so is an id listed twice.
  const std::string slash = dir_.Write("slash.jsonl", R"({"title": "../escaped"})" "\n");
  bad = RunCli("forecast --data " + data + " --titles " + slash);
  EXPECT_NE(bad.output.find("slash.jsonl:1: title: expected 1 to 100 letters"), std::string::npos) << bad.output;
  const std::string twice = dir_.Write("twice.jsonl", R"({"title": "a"})" "\n" R"({"title": "a"})" "\n");
  bad = RunCli("forecast --data " + data + " --titles " + twice);
  EXPECT_NE(bad.output.find("twice.jsonl:2: title: a is listed twice"), std::string::npos) << bad.output;
  // Flags of the other mode are refused rather than ignored.
  EXPECT_NE(RunCli("forecast --data " + data + " --backtest --chart-dir " + dir_.path()).exit_code, 0);
  EXPECT_NE(RunCli("forecast --data " + data + " --titles " + titles + " --split-date 2025-01-01").exit_code, 0);
  // A long horizon moves the default split so that it fits.
  EXPECT_EQ(RunCli("forecast --data " + data + " --backtest --days 90").exit_code, 0);
}

TEST_F(CliModelsTest, TunePicksAndReportsTheBest) {
  RunResult r = RunCli("tune --data " + data_ + " --model popularity --space \"half_life=0|30\" "
                       "--strategy grid --metric recall@20 --cutoffs 20 --json " + dir_.File("t.json"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("<- best"), std::string::npos) << r.output;
  nlohmann::json j = nlohmann::json::parse(test::ReadFile(dir_.File("t.json")));
  ASSERT_EQ(j["trials"].size(), 2u);
  size_t best = j["best"];
  EXPECT_GE(j["trials"][best]["score"].get<double>(), j["trials"][1 - best]["score"].get<double>());
  RunResult bad = RunCli("tune --data " + data_ + " --model popularity --space \"half_life=1:9\" --strategy grid");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("is a range"), std::string::npos) << bad.output;
}

// Without --space, ials searches regularization over the range that fits its
// regularization_scaling; other models still need --space.
TEST_F(CliModelsTest, TuneIalsWithoutSpaceUsesTheDefaultForItsScaling) {
  const std::string common = "tune --data " + data_ + " --model ials --factors 4 --iterations 2 " +
                             "--trials 2 --metric recall@20 --cutoffs 20";
  RunResult frequency = RunCli(common);
  ASSERT_EQ(frequency.exit_code, 0) << frequency.output;
  EXPECT_NE(frequency.output.find("search space (the default for ials): "
                                  "regularization=0.0001:1:log"),
            std::string::npos)
      << frequency.output;
  EXPECT_NE(frequency.output.find("<- best"), std::string::npos) << frequency.output;
  RunResult plain = RunCli(common + " --regularization-scaling plain");
  ASSERT_EQ(plain.exit_code, 0) << plain.output;
  EXPECT_NE(plain.output.find("search space (the default for ials): regularization=0.001:100:log"),
            std::string::npos)
      << plain.output;
  EXPECT_NE(plain.output.find("regularization_scaling=plain"), std::string::npos) << plain.output;
  RunResult popularity = RunCli("tune --data " + data_ + " --model popularity");
  EXPECT_EQ(popularity.exit_code, 1);
  EXPECT_NE(popularity.output.find("no default search space for model 'popularity'"),
            std::string::npos)
      << popularity.output;
}

// The model flags and their help come from the models' parameter tables:
// every row of every table is a flag, with its range and default.
TEST(CliModelFlagsTest, HelpListsEveryParameterOfEveryModel) {
  for (const char* command : {"train", "evaluate", "tune"}) {
    RunResult help = RunCli(std::string(command) + " --help");
    ASSERT_EQ(help.exit_code, 0) << help.output;
    for (const std::string& model : RecommenderNames()) {
      Result<std::vector<ParameterInfo>> infos = RecommenderParameters(model);
      ASSERT_TRUE(infos.ok());
      for (const ParameterInfo& info : *infos) {
        std::string flag = "--" + info.name;
        std::replace(flag.begin(), flag.end(), '_', '-');
        EXPECT_NE(help.output.find(flag), std::string::npos) << command << ": " << flag;
        const std::string line = model + ": " + info.help + "; " + info.expected + " (default " +
                                 info.default_value + ")";
        EXPECT_NE(help.output.find(line), std::string::npos) << command << ": " << line;
      }
    }
  }
}

TEST_F(CliModelsTest, EveryTableParameterIsAFlag) {
  // --init-scale had no flag of its own before the tables.
  RunResult train = RunCli("train --data " + data_ + " --model ials --factors 4 --iterations 1 " +
                           "--init-scale 0.5 --out " + dir_.File("m"));
  ASSERT_EQ(train.exit_code, 0) << train.output;
  Result<LoadedModel> loaded = LoadModel(dir_.File("m"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->info.parameters.values().at("init_scale"), "0.5");
}

// iALS says on stderr which lambdas it uses, reports the rank of its factors
// in model.json, and warns when they collapsed.
TEST_F(CliModelsTest, TrainIalsPrintsLambdaRangeAndFactorRank) {
  RunResult train = RunCli("train --data " + data_ + " --model ials --factors 8 --iterations 3 " +
                           "--out " + dir_.File("m"));
  ASSERT_EQ(train.exit_code, 0) << train.output;
  EXPECT_NE(train.output.find("note: ials: lambda per member min "), std::string::npos)
      << train.output;
  EXPECT_NE(train.output.find("; per title min "), std::string::npos) << train.output;
  EXPECT_NE(train.output.find("regularization_scaling=frequency: lambda_u = 0.03 * W_u^1"),
            std::string::npos)
      << train.output;
  EXPECT_EQ(train.output.find("warning:"), std::string::npos) << train.output;
  nlohmann::json j = nlohmann::json::parse(test::ReadFile(dir_.File("m/model.json")));
  EXPECT_EQ(j["factor_rank"]["factors"], 8);
  EXPECT_EQ(j["factor_rank"]["members"]["numerical_rank"], 8);
  EXPECT_GT(j["factor_rank"]["titles"]["effective_rank"].get<double>(), 4.0);
  Result<LoadedModel> loaded = LoadModel(dir_.File("m"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_TRUE(loaded->info.factor_ranks.has_value());
  EXPECT_EQ(loaded->info.factor_ranks->members.numerical_rank, 8u);

  RunResult plain = RunCli("train --data " + data_ + " --model ials --factors 8 --iterations 1 " +
                           "--regularization-scaling plain --regularization 0.5 --out " +
                           dir_.File("p"));
  ASSERT_EQ(plain.exit_code, 0) << plain.output;
  EXPECT_NE(plain.output.find("lambda per member min 0.5, median 0.5, max 0.5"),
            std::string::npos)
      << plain.output;

  RunResult collapsed = RunCli("train --data " + data_ + " --model ials --factors 16 " +
                               "--regularization 10 --out " + dir_.File("c"));
  ASSERT_EQ(collapsed.exit_code, 0) << collapsed.output;
  EXPECT_NE(collapsed.output.find("warning: ials: the member factors have effective rank "),
            std::string::npos)
      << collapsed.output;
  nlohmann::json c = nlohmann::json::parse(test::ReadFile(dir_.File("c/model.json")));
  EXPECT_LT(c["factor_rank"]["members"]["numerical_rank"].get<int>(), 4);
}

// Model files written before the factor ranks existed (no RANK section, the
// metadata section unchanged) still load, with the ranks absent; popularity
// models never have them.
TEST_F(CliModelsTest, ModelFilesWithoutFactorRanksStillLoad) {
  RunResult train = RunCli("train --data " + data_ + " --model ials --factors 4 --iterations 1 " +
                           "--out " + dir_.File("new"));
  ASSERT_EQ(train.exit_code, 0) << train.output;
  Result<LoadedModel> fresh = LoadModel(dir_.File("new"));
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  ASSERT_TRUE(fresh->info.factor_ranks.has_value());
  ModelInfo old_info = fresh->info;
  old_info.factor_ranks.reset();
  ASSERT_TRUE(SaveModel(*fresh->model, old_info, fresh->members, fresh->titles, dir_.File("old"))
                  .ok());
  Result<SectionFileReader> file =
      SectionFileReader::Open(dir_.File("old/model.mqm"), "MQMODEL", kModelFormatVersion, "model");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_FALSE(file->Has(FourCC("RANK")));
  Result<LoadedModel> old = LoadModel(dir_.File("old"));
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_FALSE(old->info.factor_ranks.has_value());
  EXPECT_EQ(old->info.parameters, fresh->info.parameters);
  nlohmann::json j = nlohmann::json::parse(test::ReadFile(dir_.File("old/model.json")));
  EXPECT_FALSE(j.contains("factor_rank"));

  ASSERT_EQ(RunCli("train --data " + data_ + " --model popularity --out " + dir_.File("pop"))
                .exit_code,
            0);
  Result<LoadedModel> pop = LoadModel(dir_.File("pop"));
  ASSERT_TRUE(pop.ok()) << pop.status().ToString();
  EXPECT_FALSE(pop->info.factor_ranks.has_value());
}

}  // namespace
}  // namespace marquee
