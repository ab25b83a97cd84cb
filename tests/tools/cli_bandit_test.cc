// The artwork commands end to end: simulate-artwork (table, chart, log,
// policies), train-policy from the log, and ope on it against the truth.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <string>

#include "../test_util.h"
#include "cli_runner.h"

namespace marquee::test {
namespace {

class CliBanditTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    RunResult generated = RunCli("generate --members 3000 --titles 300 --plays 60000 --seed 5 --out " +
                                 Data() + " --truth " + Truth());
    ASSERT_EQ(generated.exit_code, 0) << generated.output;
    // The honest-artwork rule rules some variants out: the log records each
    // impression's eligible set, and ope --truth values the target behind
    // the same sets.
    RunResult simulated = RunCli("simulate-artwork --data " + Data() + " --truth " + Truth() +
                                 " --rounds 40000 --seed 9 --policy uniform --policy "
                                 "epsilon-greedy:epsilon=0.2"
                                 " --policy linucb --plot " +
                                 dir_->File("regret.svg") + " --log-out " + Log() + " --save-policies " +
                                 dir_->File("policies"));
    ASSERT_EQ(simulated.exit_code, 0) << simulated.output;
    *simulate_output_ = simulated.output;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string Data() { return dir_->File("service.mqd"); }
  static std::string Truth() { return dir_->File("truth.mqt"); }
  static std::string Log() { return dir_->File("uniform.jsonl"); }
  static std::string Policy(const std::string& name) { return dir_->File("policies/" + name + ".mqp"); }

  static TempDir* dir_;
  static std::string* simulate_output_;
};

TempDir* CliBanditTest::dir_ = nullptr;
std::string* CliBanditTest::simulate_output_ = new std::string;

TEST_F(CliBanditTest, SimulationPrintsTheTableAndWritesItsFiles) {
  const std::string& out = *simulate_output_;
  for (const char* row :
       {"uniform", "epsilon-greedy epsilon=0.2", "linucb", "best fixed artwork", "oracle"}) {
    EXPECT_NE(out.find(row), std::string::npos) << row;
  }
  const std::string svg = ReadFile(dir_->File("regret.svg"));
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  // One JSON line an impression and one a play; 40,000 impressions.
  std::ifstream log(Log());
  std::string line;
  size_t impressions = 0, plays = 0, gated = 0;
  while (std::getline(log, line)) {
    nlohmann::json e = nlohmann::json::parse(line);
    if (e["kind"] == "impression") {
      ++impressions;
      EXPECT_GT(e["propensity"].get<double>(), 0.0);
      if (e.contains("eligible")) {  // the honest rule ruled a variant of this title out
        ++gated;
        const std::vector<std::string> set = e["eligible"];
        EXPECT_NE(std::find(set.begin(), set.end(), e["artwork"].get<std::string>()), set.end()) << line;
      }
    } else {
      ++plays;
    }
  }
  EXPECT_LE(impressions, 40000u);  // title-card rounds are not impressions of an image
  EXPECT_GT(impressions, 30000u);
  EXPECT_GT(gated, 0u);
  EXPECT_LT(gated, impressions);
  EXPECT_GT(plays, 4000u);
  EXPECT_TRUE(std::ifstream(Policy("linucb")).good());
}

// The acceptance check of off-policy evaluation: on a uniform log, the
// interval of each unbiased estimator covers the target's true value.
TEST_F(CliBanditTest, OpeOfATrainedPolicyCoversItsTrueValue) {
  RunResult r =
      RunCli("ope --logs " + Log() + " --data " + Data() + " --truth " + Truth() + " --truth-rounds 200000" +
             " --target " + Policy("epsilon-greedy_epsilon_0.2") + " --bootstrap 200 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  nlohmann::json report = nlohmann::json::parse(r.output);
  const double truth = report["true_value"];
  EXPECT_NE(report["notes"].dump().find("true value behind the log's eligible sets"), std::string::npos)
      << report["notes"].dump();
  const double logged = report["on_policy_value"];
  EXPECT_GT(truth, logged * 1.05);  // a genuinely different (better) policy
  for (const auto& e : report["estimates"]) {
    if (e["estimator"] == "dm") continue;  // biased by its model, by design
    EXPECT_LE(e["lower"].get<double>(), truth) << e.dump();
    EXPECT_GE(e["upper"].get<double>(), truth) << e.dump();
  }
}

TEST_F(CliBanditTest, TrainPolicyLearnsFromTheLog) {
  const std::string out = dir_->File("trained.mqp");
  RunResult trained =
      RunCli("train-policy --logs " + Log() + " --data " + Data() + " --policy linucb --out " + out);
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  EXPECT_NE(trained.output.find("trained linucb on 40000 impressions"), std::string::npos) << trained.output;
  RunResult evaluated = RunCli("ope --logs " + Log() + " --data " + Data() + " --truth " + Truth() +
                               " --truth-rounds 200000" + " --target " + out + " --estimators dr --json");
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.output;
  nlohmann::json report = nlohmann::json::parse(evaluated.output);
  // Learning from 40k uniform impressions beats showing artwork at random.
  EXPECT_GT(report["true_value"].get<double>(), report["on_policy_value"].get<double>() * 1.05);
}

// Every impression of the log answered by a play of a quarter of the title:
// with --watch-fraction each earns 0.25, without it 1, so the on-policy value
// of the logging policy is exactly that (the same rule online: serve
// --watch-fraction; bandit/reward_attribution.h).
TEST_F(CliBanditTest, WatchFractionWeightsTheReward) {
  std::ifstream in(Log());
  std::ofstream out(dir_->File("quarter.jsonl"));
  std::string line;
  int impressions = 0;
  while (std::getline(in, line) && impressions < 2000) {
    nlohmann::json e = nlohmann::json::parse(line);
    if (e["kind"] != "impression") continue;
    out << line << "\n";
    nlohmann::json play = {{"kind", "play"},         {"member", e["member"]},   {"title", e["title"]},
                           {"time", e["time"].get<int64_t>() + 60}, {"watch_fraction", 0.25}};
    out << play.dump() << "\n";
    ++impressions;
  }
  out.close();
  ASSERT_EQ(impressions, 2000);
  for (const auto& [flag, expected] : {std::pair{" --watch-fraction", 0.25}, std::pair{"", 1.0}}) {
    RunResult r = RunCli("ope --logs " + dir_->File("quarter.jsonl") + " --data " + Data() +
                         " --target uniform --estimators ips --bootstrap 10 --json" + flag);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    nlohmann::json report = nlohmann::json::parse(r.output);
    EXPECT_DOUBLE_EQ(report["on_policy_value"].get<double>(), expected) << flag;
  }
}

// A gated log (issue 11 §3): each impression records the set it was chosen
// among, title cards are counted apart; ope and train-policy use it, and ope
// refuses a log whose set names an artwork the title does not have or whose
// choice lies outside its set, naming the impression.
class GatedLog {
 public:
  // The first `n` impressions of `log`, each with the eligible set {chosen,
  // one other variant of its title seen in the log}, and a title card first.
  GatedLog(const std::string& log, int n) {
    std::map<std::string, std::set<std::string>> seen;  // title -> artwork
    std::ifstream in(log);
    std::string line;
    while (std::getline(in, line)) {
      nlohmann::json e = nlohmann::json::parse(line);
      if (e["kind"] == "impression") seen[e["title"]].insert(e["artwork"].get<std::string>());
      lines_.push_back(e);
    }
    std::vector<nlohmann::json> kept;
    int impressions = 0;
    for (nlohmann::json& e : lines_) {
      if (e["kind"] == "impression") {
        if (++impressions > n) break;
        for (const std::string& other : seen[e["title"]]) {
          if (other == e["artwork"]) continue;
          e["eligible"] = {e["artwork"], other};
          break;
        }
      }
      kept.push_back(e);
    }
    nlohmann::json card = kept.front();
    card.erase("artwork");
    card.erase("eligible");
    card["propensity"] = 1.0;
    card["impression_id"] = "card-1";
    kept.insert(kept.begin(), card);
    lines_ = std::move(kept);
  }
  // The index in lines_ of the first impression with an eligible set after the card.
  size_t FirstGated() const {
    for (size_t i = 1; i < lines_.size(); ++i) {
      if (lines_[i].contains("eligible")) return i;
    }
    return 0;
  }
  std::vector<nlohmann::json> lines_;

  void Write(const std::string& path) const {
    std::ofstream out(path);
    for (const nlohmann::json& e : lines_) out << e.dump() << "\n";
  }
};

TEST_F(CliBanditTest, GatedLogsAreEvaluatedAndTrainedOnWithTitleCardsCounted) {
  GatedLog gated(Log(), 3000);
  ASSERT_GT(gated.FirstGated(), 0u);
  const std::string path = dir_->File("gated.jsonl");
  gated.Write(path);
  RunResult ope = RunCli("ope --logs " + path + " --data " + Data() + " --target " +
                         Policy("epsilon-greedy_epsilon_0.2") + " --bootstrap 50");
  ASSERT_EQ(ope.exit_code, 0) << ope.output;
  EXPECT_NE(ope.output.find("3001 impressions: 3000 used, 0 skipped; 1 title cards"), std::string::npos)
      << ope.output;
  RunResult trained = RunCli("train-policy --logs " + path + " --data " + Data() + " --policy linucb --out " +
                             dir_->File("gated.mqp"));
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  EXPECT_NE(trained.output.find("1 title cards"), std::string::npos) << trained.output;
  EXPECT_NE(trained.output.find("trained linucb on 3000 impressions"), std::string::npos) << trained.output;
}

TEST_F(CliBanditTest, OpeRefusesATamperedGatedLogNamingTheImpression) {
  GatedLog gated(Log(), 3000);
  const size_t at = gated.FirstGated();
  ASSERT_GT(at, 0u);
  nlohmann::json& e = gated.lines_[at];
  const std::string id = e["impression_id"];
  e["eligible"][1] = "ghost-art";  // not a variant of the title
  const std::string foreign = dir_->File("tampered.jsonl");
  gated.Write(foreign);
  RunResult r = RunCli("ope --logs " + foreign + " --data " + Data() + " --target uniform");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("impression \"" + id + "\" (event " + std::to_string(at + 1) +
                          "): its eligible set names artwork \"ghost-art\", which is not a variant of title"),
            std::string::npos)
      << r.output;

  // The choice outside its set: the reader refuses the line already.
  e["eligible"] = {"ghost-art"};
  const std::string outside = dir_->File("outside.jsonl");
  gated.Write(outside);
  r = RunCli("ope --logs " + outside + " --data " + Data() + " --target uniform");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find(outside + ":" + std::to_string(at + 1) + ":"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("eligible"), std::string::npos) << r.output;
}

TEST_F(CliBanditTest, BadInputIsNamed) {
  RunResult no_data = RunCli("ope --logs " + Log() + " --target uniform");
  EXPECT_EQ(no_data.exit_code, 1);
  EXPECT_NE(no_data.output.find("--data"), std::string::npos);

  const std::string bad = dir_->File("bad.jsonl");
  WriteFile(bad, R"({"kind": "impression", "member": "m1", "title": "t1", "time": 5, "propensity": 0.5})"
                 "\n"
                 R"({"kind": "impresion", "member": "m1", "title": "t1", "time": 5})"
                 "\n");
  RunResult bad_line = RunCli("ope --logs " + bad + " --data " + Data() + " --target uniform");
  EXPECT_EQ(bad_line.exit_code, 1);
  EXPECT_NE(bad_line.output.find(bad + ":2:"), std::string::npos) << bad_line.output;
  EXPECT_NE(bad_line.output.find("impresion"), std::string::npos) << bad_line.output;

  const std::string zero = dir_->File("zero.jsonl");
  WriteFile(
      zero,
      R"({"kind": "impression", "member": "m1", "title": "t000001", "artwork": "t000001-a1", "time": 5})"
      "\n");
  RunResult unusable = RunCli("ope --logs " + zero + " --data " + Data() + " --target uniform");
  EXPECT_EQ(unusable.exit_code, 1);
  EXPECT_NE(unusable.output.find("1 without propensity"), std::string::npos) << unusable.output;

  // A propensity below kMinPropensity is refused at the entrance (the event
  // reader), naming the line and the accepted range; an event store that
  // holds one is refused by the join (ImpressionLogTest).
  const std::string tiny = dir_->File("tiny.jsonl");
  WriteFile(
      tiny,
      R"({"kind": "impression", "member": "m1", "title": "t000001", "artwork": "t000001-a1", "time": 5, "propensity": 0.5, "impression_id": "i1"})"
      "\n"
      R"({"kind": "impression", "member": "m1", "title": "t000001", "artwork": "t000001-a1", "time": 6, "propensity": 1e-13, "impression_id": "i2"})"
      "\n");
  RunResult below = RunCli("ope --logs " + tiny + " --data " + Data() + " --target uniform --json");
  EXPECT_EQ(below.exit_code, 1);
  EXPECT_NE(below.output.find(tiny + ":2: propensity: expected a probability in [1e-12, 1], found 1e-13"),
            std::string::npos)
      << below.output;
  EXPECT_EQ(below.output.find("null"), std::string::npos) << below.output;

  RunResult wrong_target = RunCli("ope --logs " + Log() + " --data " + Data() + " --target obd-bts:x.yaml");
  EXPECT_EQ(wrong_target.exit_code, 1);
  RunResult missing_policy = RunCli("ope --logs " + Log() + " --data " + Data() + " --target /no/such.mqp");
  EXPECT_EQ(missing_policy.exit_code, 1);
  EXPECT_NE(missing_policy.output.find("/no/such.mqp"), std::string::npos);
  RunResult missing_file = RunCli("ope --logs " + Log() + " --data " + Data() + " --target file:/no/such");
  EXPECT_EQ(missing_file.exit_code, 1);
  EXPECT_NE(missing_file.output.find("/no/such"), std::string::npos) << missing_file.output;

  RunResult typo = RunCli("train-policy --logs " + Log() + " --data " + Data() + " --policy linucbb --out " +
                          dir_->File("never.mqp"));
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.output.find("unknown artwork policy \"linucbb\""), std::string::npos) << typo.output;
  EXPECT_NE(typo.output.find("file:PATH"), std::string::npos) << typo.output;
}

TEST(CliObdTest, EstimatesTheBtsPolicyFromTheRandomLog) {
  const std::string dir = MARQUEE_SHARED_DATA_DIR "/obd";
  if (!std::ifstream(dir + "/random/men/men.csv").good()) GTEST_SKIP() << "no Open Bandit Dataset in " << dir;
  RunResult r = RunCli("ope --format obd --logs " + dir + "/random/men/men.csv --target obd-bts:" + dir +
                       "/prior_bts.yaml --json --bootstrap 100");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  nlohmann::json report = nlohmann::json::parse(r.output);
  EXPECT_EQ(report["records"], 10000);
  EXPECT_NEAR(report["weight_sum"].get<double>(), 10000.0, 600.0);
  RunResult women = RunCli("ope --format obd --logs " + dir + "/bts/women/women.csv --target uniform");
  ASSERT_EQ(women.exit_code, 0) << women.output;
  EXPECT_NE(women.output.find("propensity 1e-06"), std::string::npos) << women.output;
}

// What `marquee ope` does at the edges of an Open Bandit log
// (docs/entrances/ope_logs.md): a subnormal propensity is refused at its
// line, and a log too small for an interval says so instead of printing a
// zero-width one; nothing prints NaN, inf or null.
TEST(CliObdTest, DegenerateLogsAreRefusedOrSaySo) {
  TempDir dir;
  const std::string header = ",timestamp,item_id,position,click,propensity_score\n";
  const std::string subnormal = dir.File("subnormal.csv");
  WriteFile(subnormal, header + "0,t,0,1,1,0.5\n1,t,1,1,1,1e-320\n");
  RunResult refused = RunCli("ope --format obd --logs " + subnormal + " --target uniform --json");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find(subnormal + ":3: expected a"), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find("null"), std::string::npos) << refused.output;

  const std::string single = dir.File("single.csv");
  WriteFile(single, header + "0,t,0,1,1,0.5\n");
  RunResult json = RunCli("ope --format obd --logs " + single + " --target uniform --folds 1 --json");
  ASSERT_EQ(json.exit_code, 0) << json.output;
  EXPECT_EQ(json.output.find("null"), std::string::npos) << json.output;
  nlohmann::json report = nlohmann::json::parse(json.output);
  for (const nlohmann::json& e : report["estimates"]) {
    EXPECT_FALSE(e.contains("lower")) << e.dump();
    if (e["defined"].get<bool>()) {
      EXPECT_NE(e["no_interval"].get<std::string>().find("a single record"), std::string::npos) << e.dump();
    } else {
      EXPECT_TRUE(e.contains("reason")) << e.dump();
    }
  }
  RunResult table = RunCli("ope --format obd --logs " + single + " --target uniform --folds 1");
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("ips: no interval: a single record"), std::string::npos) << table.output;
  EXPECT_EQ(table.output.find("nan"), std::string::npos) << table.output;
  EXPECT_EQ(table.output.find("inf"), std::string::npos) << table.output;

  const std::string zeros = dir.File("zeros.csv");
  std::string lines = header;
  for (int i = 0; i < 60; ++i) lines += std::to_string(i) + ",t," + std::to_string(i % 2) + ",1,0,0.5\n";
  WriteFile(zeros, lines);
  RunResult zero = RunCli("ope --format obd --logs " + zeros + " --target uniform --json");
  ASSERT_EQ(zero.exit_code, 0) << zero.output;
  nlohmann::json z = nlohmann::json::parse(zero.output);
  for (const nlohmann::json& e : z["estimates"]) {
    EXPECT_EQ(e["value"].get<double>(), 0.0) << e.dump();
    EXPECT_EQ(e["lower"].get<double>(), 0.0) << e.dump();
    EXPECT_EQ(e["upper"].get<double>(), 0.0) << e.dump();
  }
  EXPECT_NE(zero.output.find("every logged reward is 0"), std::string::npos) << zero.output;
}


// simulate-artwork behind the consent gate (--consents) with --log-out also
// writes the gated run's log (FILE.gated.jsonl): each impression with the set
// the gate left, the title cards as impressions with no image. ope counts the
// cards apart and values the target behind the same gate, and its intervals
// cover that value.
TEST(CliGatedSimulationTest, TheConsentGatedLogCarriesItsSetsAndOpeCoversItsTruth) {
  TempDir dir;
  const std::string data = dir.File("service.mqd"), truth = dir.File("truth.mqt");
  RunResult generated = RunCli("generate --members 3000 --titles 300 --plays 60000 --seed 5 --out " + data +
                               " --truth " + truth + " --consents " + dir.File("consents.jsonl"));
  ASSERT_EQ(generated.exit_code, 0) << generated.output;
  RunResult simulated = RunCli("simulate-artwork --data " + data + " --truth " + truth + " --consents " +
                               dir.File("consents.jsonl") +
                               " --rounds 40000 --seed 9 --policy uniform --policy epsilon-greedy:epsilon=0.2"
                               " --log-out " + dir.File("uniform.jsonl") + " --save-policies " + dir.File("p"));
  ASSERT_EQ(simulated.exit_code, 0) << simulated.output;
  const std::string gated = dir.File("uniform.gated.jsonl");
  EXPECT_NE(simulated.output.find("impression log of uniform behind the gate: " + gated), std::string::npos)
      << simulated.output;
  std::ifstream log(gated);
  std::string line;
  size_t impressions = 0, with_sets = 0, cards = 0;
  while (std::getline(log, line)) {
    nlohmann::json e = nlohmann::json::parse(line);
    if (e["kind"] != "impression") continue;
    ++impressions;
    if (!e.contains("artwork")) {
      ++cards;
      EXPECT_EQ(e["propensity"].get<double>(), 1.0) << line;
      continue;
    }
    if (!e.contains("eligible")) continue;
    ++with_sets;
    const std::vector<std::string> set = e["eligible"];
    EXPECT_NEAR(e["propensity"].get<double>(), 1.0 / static_cast<double>(set.size()), 1e-12) << line;
  }
  EXPECT_EQ(impressions, 40000u);  // every round: an image or a title card
  EXPECT_GT(with_sets, 0u);
  EXPECT_GT(cards, 0u) << simulated.output;

  RunResult r = RunCli("ope --logs " + gated + " --data " + data + " --truth " + truth +
                       " --truth-rounds 200000 --target " + dir.File("p/epsilon-greedy_epsilon_0.2.mqp") +
                       " --bootstrap 200 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  nlohmann::json report = nlohmann::json::parse(r.output);
  EXPECT_NE(report["notes"].dump().find(std::to_string(cards) + " title cards"), std::string::npos)
      << report["notes"].dump();
  const double value = report["true_value"];
  for (const auto& e : report["estimates"]) {
    if (e["estimator"] == "dm" || e["estimator"] == "replay") continue;
    EXPECT_LE(e["lower"].get<double>(), value) << e.dump();
    EXPECT_GE(e["upper"].get<double>(), value) << e.dump();
  }
}

}  // namespace
}  // namespace marquee::test
