// DecideAmong: the policy's choice restricted to a gate's eligible set, with
// propensities renormalised over it (issue 11 §3), checked against the
// policy's own probability vector and against Decide.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "marquee/bandit/policy.h"
#include "policy_test_util.h"

namespace marquee {
namespace {

using test::MakePolicy;
using test::PolicyWorld;

const std::vector<std::pair<std::string, std::string>> kPolicies = {
    {"uniform", ""}, {"epsilon-greedy", ""}, {"linucb", ""}, {"thompson", ""}, {"thompson", "model=disjoint"}};

// Every non-empty subset of a title's variants, as masks.
std::vector<std::vector<bool>> Subsets(uint32_t variants) {
  std::vector<std::vector<bool>> out;
  for (uint32_t bits = 1; bits < (1u << variants); ++bits) {
    std::vector<bool> mask(variants);
    for (uint32_t v = 0; v < variants; ++v) mask[v] = (bits >> v) & 1u;
    out.push_back(mask);
  }
  return out;
}

TEST(DecideAmongTest, EveryVariantEligibleDecidesExactlyAsDecide) {
  PolicyWorld world;
  for (const auto& [kind, params] : kPolicies) {
    auto policy = MakePolicy(world, kind, params);
    world.Train(*policy, 40, 3);
    const ArtworkContext c = world.Drama(0);
    const std::vector<bool> all(world.features->variant_count(0), true);
    for (int i = 0; i < 200; ++i) {
      const std::string id = "imp-" + std::to_string(i);
      const ArtworkDecision plain = Decide(*policy, c, 7, id);
      const std::optional<ArtworkDecision> gated = DecideAmong(*policy, c, all, 7, id);
      ASSERT_TRUE(gated.has_value());
      EXPECT_EQ(gated->variant, plain.variant) << kind;
      EXPECT_EQ(gated->propensity, plain.propensity) << kind;  // bit for bit
    }
  }
}

// For every subset: only eligible variants are chosen, the propensity is the
// policy's probability renormalised over the subset (computed here from
// Probabilities), those sum to 1 within 1e-9, and the choices follow them.
TEST(DecideAmongTest, ChoicesStayInTheSetWithRenormalisedPropensities) {
  PolicyWorld world;
  for (const auto& [kind, params] : kPolicies) {
    auto policy = MakePolicy(world, kind, params);
    world.Train(*policy, 40, 5);
    const ArtworkContext c = world.Horror(0);
    const std::vector<double> p = world.Probabilities(*policy, c);
    for (const std::vector<bool>& mask : Subsets(static_cast<uint32_t>(p.size()))) {
      double mass = 0.0;
      size_t allowed = 0;
      for (size_t v = 0; v < p.size(); ++v) {
        if (mask[v]) mass += p[v], ++allowed;
      }
      std::vector<double> want(p.size(), 0.0);
      for (size_t v = 0; v < p.size(); ++v) {
        if (mask[v]) want[v] = mass > 0.0 ? p[v] / mass : 1.0 / static_cast<double>(allowed);
      }
      EXPECT_NEAR(std::accumulate(want.begin(), want.end(), 0.0), 1.0, 1e-9);
      const int draws = 4000;
      std::vector<int> chosen(p.size(), 0);
      for (int i = 0; i < draws; ++i) {
        const std::optional<ArtworkDecision> d = DecideAmong(*policy, c, mask, 11, "i" + std::to_string(i));
        ASSERT_TRUE(d.has_value());
        ASSERT_TRUE(mask[d->variant]) << kind << ": chose an ineligible variant";
        EXPECT_NEAR(d->propensity, want[d->variant], 1e-12) << kind;
        EXPECT_GT(d->propensity, 0.0);
        ++chosen[d->variant];
      }
      for (size_t v = 0; v < p.size(); ++v) {
        // Binomial: 5 standard deviations (at most 0.04 for 4,000 draws).
        const double sd = std::sqrt(want[v] * (1.0 - want[v]) / draws);
        EXPECT_NEAR(static_cast<double>(chosen[v]) / draws, want[v], 5.0 * sd + 1e-9) << kind << " v" << v;
      }
    }
  }
}

// A greedy policy (epsilon 0) whose favourite is ineligible gives every
// eligible variant probability 0: they share the choice evenly.
TEST(DecideAmongTest, GreedyFavouriteIneligibleSharesEvenly) {
  PolicyWorld world;
  auto policy = MakePolicy(world, "epsilon-greedy", "epsilon=0");
  world.Train(*policy, 60, 1);
  const ArtworkContext c = world.Drama(0);
  const std::vector<double> p = world.Probabilities(*policy, c);
  const size_t favourite = static_cast<size_t>(std::max_element(p.begin(), p.end()) - p.begin());
  ASSERT_EQ(p[favourite], 1.0);
  std::vector<bool> mask(p.size(), true);
  mask[favourite] = false;
  const std::optional<ArtworkDecision> d = DecideAmong(*policy, c, mask, 1, "x");
  ASSERT_TRUE(d.has_value());
  EXPECT_NE(d->variant, favourite);
  EXPECT_DOUBLE_EQ(d->propensity, 1.0 / static_cast<double>(p.size() - 1));
}

TEST(DecideAmongTest, NothingEligibleOrAMaskOfTheWrongSizeIsNoDecision) {
  PolicyWorld world;
  auto policy = MakePolicy(world, "thompson");
  const ArtworkContext c = world.Drama(0);
  const uint32_t variants = world.features->variant_count(0);
  EXPECT_FALSE(DecideAmong(*policy, c, std::vector<bool>(variants, false), 1, "x").has_value());
  EXPECT_FALSE(DecideAmong(*policy, c, std::vector<bool>(variants + 1, true), 1, "x").has_value());
  EXPECT_FALSE(DecideAmong(*policy, c, std::vector<bool>(variants - 1, true), 1, "x").has_value());
}

}  // namespace
}  // namespace marquee
