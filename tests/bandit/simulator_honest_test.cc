// The simulator's honest-artwork parts (issue 11 §4): the reward it learns
// from (a qualifying play or a bare start), the eligible mask (the consent
// gate and the honest-artwork rule) and artwork stability (a member's image
// for a title changes at most once per K sessions).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "marquee/bandit/simulator.h"
#include "marquee/synthetic/synthetic.h"
#include "marquee/util/random.h"

namespace marquee {
namespace {

// Few variants a title and many misleading ones, so that a per-variant
// learner meets each often.
const SyntheticService& Service() {
  static const SyntheticService* service = [] {
    SyntheticConfig config;
    config.members = 1500;
    config.titles = 120;
    config.plays = 30000;
    config.seed = 3;
    config.min_artwork = 3;
    config.max_artwork = 4;
    config.misleading_share = 0.5;
    Result<SyntheticService> s = GenerateService(config);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return new SyntheticService(std::move(s).value());
  }();
  return *service;
}

std::shared_ptr<const ArtworkFeatures> Features() {
  static const auto features = std::make_shared<const ArtworkFeatures>(Service().dataset.catalog);
  return features;
}

// Shows variant v with probability proportional to v + 1 and never learns:
// its propensities given an eligible set are known exactly.
class SlopedPolicy : public ArtworkPolicy {
 public:
  SlopedPolicy() : ArtworkPolicy(Features()) {}
  std::string_view kind() const override { return "sloped"; }
  const Parameters& parameters() const override { return parameters_; }
  void Probabilities(const ArtworkContext&, std::span<double> out) const override {
    const double n = static_cast<double>(out.size());
    for (size_t v = 0; v < out.size(); ++v) out[v] = (static_cast<double>(v) + 1.0) / (n * (n + 1.0) / 2.0);
  }
  void Update(const ArtworkContext&, uint32_t, double) override {}
  void SaveState(ByteWriter&) const override {}
  Status LoadState(ByteReader&) override { return Status::OK(); }
  std::unique_ptr<ArtworkPolicy> Clone() const override { return std::make_unique<SlopedPolicy>(*this); }

 private:
  Parameters parameters_;
};

std::unique_ptr<ArtworkPolicy> Make(const std::string& spec) {
  Result<std::unique_ptr<ArtworkPolicy>> policy = CreateArtworkPolicyFromSpec(spec, Features());
  EXPECT_TRUE(policy.ok()) << policy.status().ToString();
  return std::move(policy).value();
}

Result<SimulationResult> Simulate(std::vector<std::unique_ptr<ArtworkPolicy>>& policies,
                             const std::vector<std::string>& names, const SimulationOptions& options) {
  return SimulateArtwork(Service().dataset, Service().truth, policies, names, options);
}

// A mask with about a quarter of the variants ineligible and every variant
// of every seventh title ineligible (those show a title card).
std::vector<uint8_t> SomeMask() {
  const GroundTruth& truth = Service().truth;
  std::vector<uint8_t> mask(truth.artwork_count(), 1);
  Rng rng(99);
  for (uint32_t t = 0; t < truth.title_count(); ++t) {
    for (uint32_t v = 0; v < truth.ArtworkCount(t); ++v) {
      if (t % 7 == 0 || rng.Bernoulli(0.25)) mask[truth.ArtworkIndex(t, v)] = 0;
    }
  }
  return mask;
}

TEST(SimulatorHonestTest, AStartRewardLearnsTheMisleadingImageAndAQualifyingRewardAvoidsIt) {
  SimulationOptions options;
  options.rounds = 80000;
  options.update_batch = 10;
  options.seed = 4;
  double share[2] = {0, 0}, qualifying[2] = {0, 0}, uniform_share = 0, oracle_share[2] = {0, 0};
  for (SimulationReward reward : {SimulationReward::kStart, SimulationReward::kQualifyingPlay}) {
    std::vector<std::unique_ptr<ArtworkPolicy>> policies;
    policies.push_back(Make("uniform"));
    policies.push_back(Make("linucb:model=disjoint,alpha=0.5"));
    options.reward = reward;
    Result<SimulationResult> result = Simulate(policies, {"uniform", "linucb"}, options);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    ASSERT_GT(result->misleading_variants, 10u);
    const int i = reward == SimulationReward::kStart ? 0 : 1;
    uniform_share = result->policies[0].misleading_share;
    share[i] = result->policies[1].misleading_share;
    qualifying[i] = result->policies[1].mean_qualifying;
    oracle_share[i] = result->policies.back().misleading_share;
    std::printf("reward %s: misleading shown by uniform %.3f, linucb %.3f, oracle %.3f; "
                "linucb qualifying rate %.4f start rate %.4f\n",
                std::string(SimulationRewardName(reward)).c_str(), uniform_share, share[i], oracle_share[i],
                qualifying[i], result->policies[1].mean_start);
  }
  EXPECT_GT(share[0], 1.5 * uniform_share);   // starts: the misleading image wins
  EXPECT_LT(share[1], 0.5 * uniform_share);   // qualifying plays: it loses
  EXPECT_GT(qualifying[1], qualifying[0]);    // and members watch more
  EXPECT_EQ(oracle_share[1], 0.0);
  EXPECT_GT(oracle_share[0], uniform_share);
}

TEST(SimulatorHonestTest, TheEligibleMaskIsNeverViolatedAndPropensitiesAreRenormalised) {
  const GroundTruth& truth = Service().truth;
  const std::vector<uint8_t> mask = SomeMask();
  for (size_t logged : {0, 1}) {
    std::vector<std::unique_ptr<ArtworkPolicy>> policies;
    policies.push_back(std::make_unique<SlopedPolicy>());
    policies.push_back(Make("epsilon-greedy"));
    SimulationOptions options;
    options.rounds = 30000;
    options.eligible = mask;
    options.log_policy = logged;
    Result<SimulationResult> result = Simulate(policies, {"sloped", "epsilon-greedy"}, options);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    const LoggedBanditData& log = result->log;
    EXPECT_GT(result->title_card_rounds, 0u);
    ASSERT_EQ(log.size(), options.rounds - result->title_card_rounds);
    for (size_t i = 0; i < log.size(); ++i) {
      const uint32_t first = static_cast<uint32_t>(log.candidate_ids[log.offsets[i]]);
      ASSERT_TRUE(mask[first + log.action[i]]) << "round " << i << " showed an ineligible variant";
      ASSERT_GT(log.propensity[i], 0.0);
      ASSERT_LE(log.propensity[i], 1.0 + 1e-12);
      if (logged != 0) continue;
      // The sloped policy's propensity is its probability renormalised over
      // the eligible set; those sum to 1.
      const uint32_t k = log.candidate_count(i);
      double eligible_mass = 0.0, sum = 0.0;
      for (uint32_t v = 0; v < k; ++v) eligible_mass += mask[first + v] ? v + 1.0 : 0.0;
      for (uint32_t v = 0; v < k; ++v) sum += mask[first + v] ? (v + 1.0) / eligible_mass : 0.0;
      ASSERT_NEAR(sum, 1.0, 1e-9);
      ASSERT_NEAR(log.propensity[i], (log.action[i] + 1.0) / eligible_mass, 1e-9) << i;
    }
    // Nobody beats the consented oracle, round by round.
    for (const PolicyCurve& c : result->policies) {
      EXPECT_GE(c.cumulative_regret.back(), -1e-9) << c.name;
      EXPECT_LE(c.mean_reward, result->policies.back().mean_reward + 1e-12) << c.name;
    }
  }
  (void)truth;
}

TEST(SimulatorHonestTest, AFullMaskChangesNothingAndAGateCostsTheOracle) {
  auto run = [](std::vector<uint8_t> mask) {
    std::vector<std::unique_ptr<ArtworkPolicy>> policies;
    policies.push_back(Make("thompson"));
    SimulationOptions options;
    options.rounds = 20000;
    options.eligible = std::move(mask);
    Result<SimulationResult> result = Simulate(policies, {"thompson"}, options);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return std::move(result).value();
  };
  const SimulationResult none = run({});
  const SimulationResult full = run(std::vector<uint8_t>(Service().truth.artwork_count(), 1));
  const SimulationResult gated = run(SomeMask());
  for (size_t i = 0; i < none.policies.size(); ++i) {
    EXPECT_EQ(none.policies[i].cumulative_reward, full.policies[i].cumulative_reward);
    EXPECT_EQ(none.policies[i].realised_reward, full.policies[i].realised_reward);
  }
  EXPECT_EQ(full.title_card_rounds, 0u);
  EXPECT_LT(gated.policies.back().mean_reward, none.policies.back().mean_reward);
}

TEST(SimulatorHonestTest, AMembersArtworkChangesAtMostOncePerKSessions) {
  for (uint32_t k : {1u, 3u}) {
    std::vector<std::unique_ptr<ArtworkPolicy>> policies;
    policies.push_back(Make("uniform"));  // changes whenever it may
    SimulationOptions options;
    options.rounds = 60000;
    options.sessions_per_change = k;
    options.log_policy = 0;
    Result<SimulationResult> result = Simulate(policies, {"uniform"}, options);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    const LoggedBanditData& log = result->log;
    ASSERT_EQ(log.size(), options.rounds);  // no mask: every round is logged, in order
    std::map<uint32_t, uint32_t> sessions;  // member -> rounds so far
    struct Last { uint32_t variant, since; };
    std::map<std::pair<uint32_t, uint64_t>, Last> shown;
    uint64_t changes = 0, early_changes = 0, held = 0;
    for (size_t i = 0; i < log.size(); ++i) {
      const uint32_t session = sessions[log.member[i]]++;
      const auto key = std::make_pair(log.member[i], log.candidate_ids[log.offsets[i]]);
      auto it = shown.find(key);
      if (it == shown.end()) {
        shown.emplace(key, Last{log.action[i], session});
        continue;
      }
      if (session - it->second.since < 3 && k == 3) {
        ++held;
        EXPECT_EQ(log.propensity[i], 1.0);  // the memo chose
      }
      if (log.action[i] == it->second.variant) continue;
      ++changes;
      if (session - it->second.since < 3) ++early_changes;
      it->second = Last{log.action[i], session};
    }
    EXPECT_GT(changes, 100u) << "K=" << k;
    if (k == 3) {
      EXPECT_EQ(early_changes, 0u);
      EXPECT_GT(held, 100u);
    } else {
      EXPECT_GT(early_changes, 100u);  // the check above can fail
    }
  }
  SimulationOptions bad;
  bad.sessions_per_change = 0;
  std::vector<std::unique_ptr<ArtworkPolicy>> none;
  EXPECT_NE(Simulate(none, {}, bad).status().message().find("sessions_per_change"), std::string::npos);
  bad = SimulationOptions{};
  bad.eligible = {1, 0};
  EXPECT_NE(Simulate(none, {}, bad).status().message().find("eligible mask"), std::string::npos);
}

}  // namespace
}  // namespace marquee
