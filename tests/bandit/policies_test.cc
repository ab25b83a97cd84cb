#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <vector>

#include "marquee/bandit/arm_models.h"
#include "marquee/bandit/linucb_policy.h"
#include "marquee/bandit/policy.h"
#include "marquee/bandit/ridge_regression.h"
#include "marquee/bandit/simulator.h"
#include "marquee/bandit/thompson_policy.h"
#include "marquee/synthetic/synthetic.h"
#include "marquee/util/random.h"
#include "policy_test_util.h"

namespace marquee {
namespace {

using test::MakePolicy;
using test::PolicyWorld;

const std::vector<std::pair<std::string, std::string>> kAllPolicies = {
    {"uniform", ""},
    {"epsilon-greedy", ""},
    {"epsilon-greedy", "epsilon=0"},
    {"linucb", ""},
    {"linucb", "model=disjoint"},
    {"thompson", ""},
    {"thompson", "model=disjoint,scale=2"}};

size_t Argmax(const std::vector<double>& v) {
  return static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

TEST(ArtworkPoliciesTest, ProbabilitiesAreDistributionsBeforeAndAfterLearning) {
  PolicyWorld world;
  for (const auto& [kind, params] : kAllPolicies) {
    auto policy = MakePolicy(world, kind, params);
    ASSERT_NE(policy, nullptr);
    EXPECT_EQ(policy->kind(), kind);
    for (int trained = 0; trained < 2; ++trained) {
      if (trained) world.Train(*policy, 60, 1);
      for (uint32_t title = 0; title < world.features->title_count(); ++title) {
        for (const ArtworkContext& c : {world.Drama(title), world.Horror(title)}) {
          const std::vector<double> p = world.Probabilities(*policy, c);
          ASSERT_EQ(p.size(), world.features->variant_count(title));
          for (double x : p) EXPECT_GE(x, 0.0) << kind << " " << params;
          EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-12)
              << kind << " " << params << " title " << title;
        }
      }
    }
  }
}

// A published copy (PrepareForReads: A^-1 kept, products instead of solves)
// decides as the policy it was copied from, up to rounding; an update drops
// the preparation and the two stay in step.
TEST(ArtworkPoliciesTest, PreparedForReadsDecidesAsTheUnpreparedPolicy) {
  PolicyWorld world;
  for (const auto& [kind, params] : kAllPolicies) {
    auto policy = MakePolicy(world, kind, params);
    world.Train(*policy, 60, 1);
    std::unique_ptr<ArtworkPolicy> prepared = policy->Clone();
    for (int round = 0; round < 2; ++round) {
      prepared->PrepareForReads();
      for (uint32_t title = 0; title < world.features->title_count(); ++title) {
        for (const ArtworkContext& c : {world.Drama(title), world.Horror(title)}) {
          const std::vector<double> want = world.Probabilities(*policy, c);
          const std::vector<double> got = world.Probabilities(*prepared, c);
          ASSERT_EQ(got.size(), want.size());
          for (size_t v = 0; v < want.size(); ++v) {
            EXPECT_NEAR(got[v], want[v], 1e-12) << kind << " " << params << " title " << title;
          }
        }
      }
      world.Train(*policy, 10, 2);
      world.Train(*prepared, 10, 2);
    }
  }
}

// A published Thompson policy (shared model) computes its score covariances
// from the joint features' terms, with the products that involve the member
// kept per thread between decisions (thompson_policy.cc): on a catalog with
// every style and genre of the synthetic service, it decides as the
// unprepared policy (triangular solves), up to rounding, whether the member
// changes between decisions or not, and after it is prepared again for a new
// state.
TEST(ArtworkPoliciesTest, PublishedThompsonDecidesAsTheUnpreparedPolicyOnASyntheticCatalog) {
  SyntheticConfig config;
  config.members = 300;
  config.titles = 120;
  config.plays = 3000;
  Result<SyntheticService> service = GenerateService(config);
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  auto features = std::make_shared<const ArtworkFeatures>(service->dataset.catalog);
  ASSERT_GT(features->style_count(), 1u);
  const std::vector<float> contexts = MemberContexts(service->dataset, *features);
  const size_t dim = features->member_dim();
  auto context = [&](uint32_t member, uint32_t title) {
    return ArtworkContext{std::span<const float>(contexts.data() + member * dim, dim), title};
  };
  Result<std::unique_ptr<ArtworkPolicy>> made = CreateArtworkPolicy("thompson", {}, features);
  ASSERT_TRUE(made.ok());
  ArtworkPolicy& policy = **made;
  Rng rng(5);
  auto train = [&](ArtworkPolicy& p, int updates) {
    for (int i = 0; i < updates; ++i) {
      const uint32_t title = rng.Below(features->title_count());
      if (features->variant_count(title) == 0) continue;
      p.Update(context(rng.Below(config.members), title), rng.Below(features->variant_count(title)),
               rng.Bernoulli(0.3) ? 1.0 : 0.0);
    }
  };
  train(policy, 400);
  for (int round = 0; round < 2; ++round) {
    std::unique_ptr<ArtworkPolicy> published = policy.Clone();
    published->PrepareForReads();
    // One member for many titles (the cache is reused), then members
    // alternating (it is rebuilt), then the first member again.
    std::vector<std::pair<uint32_t, uint32_t>> asks;
    for (uint32_t t = 0; t < 40; ++t) asks.push_back({7, t});
    for (uint32_t t = 40; t < 80; ++t) asks.push_back({t % 2 == 0 ? 11u : 12u, t});
    for (uint32_t t = 80; t < features->title_count(); ++t) asks.push_back({7, t});
    size_t compared = 0;
    for (const auto& [member, title] : asks) {
      const size_t n = features->variant_count(title);
      if (n < 2) continue;
      std::vector<double> want(n), got(n);
      policy.Probabilities(context(member, title), want);
      published->Probabilities(context(member, title), got);
      for (size_t v = 0; v < n; ++v) EXPECT_NEAR(got[v], want[v], 1e-12) << "member " << member << " title " << title;
      ++compared;
    }
    EXPECT_GT(compared, 50u);
    train(policy, 50);  // a new state: the next round's copy is prepared afresh
  }
}

TEST(ArtworkPoliciesTest, UniformIsOneOverK) {
  PolicyWorld world;
  auto policy = MakePolicy(world, "uniform");
  world.Train(*policy, 20, 1);  // learns nothing
  EXPECT_EQ(world.Probabilities(*policy, world.Drama(0)), std::vector<double>(3, 1.0 / 3.0));
  EXPECT_EQ(world.Probabilities(*policy, world.Horror(1)), std::vector<double>(2, 0.5));
  EXPECT_EQ(world.Probabilities(*policy, world.Horror(2)), std::vector<double>(1, 1.0));
}

TEST(ArtworkPoliciesTest, IdenticalVariantsTieExactly) {
  // Title 1's variants have the same tags, so every policy must be indifferent
  // between them, before and after learning (on title 0).
  PolicyWorld world;
  for (const auto& [kind, params] : kAllPolicies) {
    auto policy = MakePolicy(world, kind, params);
    ASSERT_NE(policy, nullptr);
    for (int trained = 0; trained < 2; ++trained) {
      if (trained) world.Train(*policy, 40, 2);
      const std::vector<double> p = world.Probabilities(*policy, world.Drama(1));
      // Disjoint Thompson draws the two arms' scores independently, so its
      // estimate of 1/2 is a Monte Carlo one (64 samples: standard error 1/16).
      const bool independent_draws = kind == "thompson" && params.find("disjoint") != std::string::npos;
      const double tolerance = independent_draws ? 4.0 / 16.0 : 1e-12;
      EXPECT_NEAR(p[0], 0.5, tolerance) << kind << " " << params << " trained " << trained;
      EXPECT_NEAR(p[1], 0.5, tolerance) << kind << " " << params << " trained " << trained;
    }
  }
}

TEST(ArtworkPoliciesTest, EpsilonGreedyProbabilitiesAreExact) {
  PolicyWorld world;
  auto policy = MakePolicy(world, "epsilon-greedy", "epsilon=0.3");
  // Untrained, every mean is 0: a three-way tie, 1/3 each.
  for (double p : world.Probabilities(*policy, world.Drama(0))) EXPECT_NEAR(p, 1.0 / 3.0, 1e-15);
  world.Train(*policy, 200, 3);
  // Greedy variant gets 0.7 + 0.1, the others 0.3 / 3.
  EXPECT_EQ(Argmax(world.Probabilities(*policy, world.Drama(0))), 1u);
  const std::vector<double> drama = world.Probabilities(*policy, world.Drama(0));
  EXPECT_NEAR(drama[0], 0.1, 1e-15);
  EXPECT_NEAR(drama[1], 0.8, 1e-15);
  EXPECT_NEAR(drama[2], 0.1, 1e-15);
  const std::vector<double> horror = world.Probabilities(*policy, world.Horror(0));
  EXPECT_NEAR(horror[0], 0.8, 1e-15);
  EXPECT_NEAR(horror[1], 0.1, 1e-15);
  EXPECT_NEAR(horror[2], 0.1, 1e-15);
}

TEST(ArtworkPoliciesTest, LinUcbUntrainedPicksTheWidestBound) {
  // theta = 0 and A = lambda I, so the bound is alpha * |x| / sqrt(lambda): the
  // variant with the largest joint feature vector wins.
  PolicyWorld world;
  auto policy = MakePolicy(world, "linucb", "alpha=2,lambda=4");
  const ArtworkContext c = world.Drama(0);
  std::vector<double> norms;
  for (uint32_t v = 0; v < 3; ++v) {
    std::vector<float> x(world.features->joint_dim());
    world.features->JointFeatures(c.member, v, x);
    double sq = 0.0;
    for (float f : x) sq += f * f;
    norms.push_back(sq);
  }
  const std::vector<double> p = world.Probabilities(*policy, c);
  std::vector<double> want(3, 0.0);
  want[Argmax(norms)] = 1.0;
  EXPECT_EQ(p, want);
  std::vector<double> scores(3);
  static_cast<const LinUcbPolicy&>(*policy).Scores(c, scores);
  for (size_t v = 0; v < 3; ++v) EXPECT_NEAR(scores[v], 2.0 * std::sqrt(norms[v] / 4.0), 1e-12);
}

TEST(ArtworkPoliciesTest, LinUcbPicksHighestUpperBoundOfAnIndependentModel) {
  PolicyWorld world;
  auto policy = MakePolicy(world, "linucb", "alpha=0.5");
  RidgeRegression replica(world.features->joint_dim(), 1.0);
  // A few arbitrary updates, mirrored into a replica of the shared model.
  Rng rng(4);
  std::vector<float> x(world.features->joint_dim());
  for (int i = 0; i < 12; ++i) {
    const ArtworkContext c = i % 3 == 0 ? world.Horror(0) : world.Drama(0);
    const uint32_t v = rng.Below(3);
    const double reward = rng.Uniform();
    policy->Update(c, v, reward);
    world.features->JointFeatures(c.member, v, x);
    replica.Update(x, reward);
  }
  for (const ArtworkContext& c : {world.Drama(0), world.Horror(0)}) {
    std::vector<double> ucb;
    for (uint32_t v = 0; v < 3; ++v) {
      world.features->JointFeatures(c.member, v, x);
      ucb.push_back(replica.Mean(x) + 0.5 * std::sqrt(replica.Variance(x)));
    }
    std::vector<double> want(3, 0.0);
    want[Argmax(ucb)] = 1.0;
    EXPECT_EQ(world.Probabilities(*policy, c), want);
  }
}

TEST(ArtworkPoliciesTest, LinUcbLearnsWhichVariantEachKindOfMemberPlays) {
  for (const char* model : {"shared", "disjoint"}) {
    PolicyWorld world;
    auto policy = MakePolicy(world, "linucb", std::string("model=") + model);
    world.Train(*policy, 600, 5);
    EXPECT_EQ(world.Probabilities(*policy, world.Drama(0)), (std::vector<double>{0, 1, 0}))
        << model;
    EXPECT_EQ(world.Probabilities(*policy, world.Horror(0)), (std::vector<double>{1, 0, 0}))
        << model;
  }
}

TEST(ArtworkPoliciesTest, DisjointModelsAreCreatedOnlyForArtworkShown) {
  PolicyWorld world;
  auto policy = MakePolicy(world, "linucb", "model=disjoint,lambda=2");
  const ArmModels& models = static_cast<const LinUcbPolicy&>(*policy).models();
  policy->Update(world.Drama(0), 2, 1.0);
  EXPECT_EQ(models.arm(0), nullptr);
  ASSERT_NE(models.arm(2), nullptr);
  EXPECT_EQ(models.arm(2)->observations(), 1u);
  EXPECT_EQ(models.arm(2)->dim(), world.features->member_dim());
  // The unseen arm scores as the prior: 0 + alpha * sqrt(x.x / lambda).
  std::vector<double> scores(3);
  static_cast<const LinUcbPolicy&>(*policy).Scores(world.Drama(0), scores);
  double sq = 0.0;
  for (float f : world.drama_fan) sq += f * f;
  EXPECT_NEAR(scores[0], std::sqrt(sq / 2.0), 1e-12);
  // Out-of-range variants and non-finite rewards are ignored.
  policy->Update(world.Drama(0), 7, 1.0);
  policy->Update(world.Drama(0), 2, std::nan(""));
  EXPECT_EQ(models.arm(2)->observations(), 1u);
}

// Thompson probabilities estimated independently: draw theta' from each
// model's posterior (RidgeRegression::SampleTheta) and count which variant it
// rates best.
std::vector<double> SampledArgmaxShares(const ThompsonPolicy& policy, const PolicyWorld& world,
                                        const ArtworkContext& c, int draws) {
  const ArmModels& models = policy.models();
  const double scale = policy.options().scale;
  const uint32_t variants = world.features->variant_count(c.title);
  std::vector<double> wins(variants, 0.0);
  std::vector<float> xs;
  models.Contexts(c, xs);
  const size_t dim = models.dim();
  std::vector<double> theta(dim);
  Rng rng(12345);
  std::vector<double> scores(variants);
  auto score = [&](uint32_t v) {
    double s = 0.0;
    for (size_t i = 0; i < dim; ++i) s += theta[i] * xs[v * dim + i];
    return s;
  };
  for (int n = 0; n < draws; ++n) {
    if (models.shape() == ArmModels::Shape::kShared) {
      models.shared().SampleTheta(rng, scale, theta);  // one theta' rates every variant
      for (uint32_t v = 0; v < variants; ++v) scores[v] = score(v);
    } else {
      for (uint32_t v = 0; v < variants; ++v) {
        const RidgeRegression* arm = models.arm(world.features->artwork_offset(c.title) + v);
        if (arm != nullptr) {
          arm->SampleTheta(rng, scale, theta);
        } else {  // the prior N(0, scale^2 / lambda I)
          for (double& t : theta) t = rng.Normal(0.0, scale / std::sqrt(policy.options().lambda));
        }
        scores[v] = score(v);
      }
    }
    wins[Argmax(scores)] += 1.0;
  }
  for (double& w : wins) w /= draws;
  return wins;
}

TEST(ArtworkPoliciesTest, ThompsonMonteCarloMatchesPosteriorSampling) {
  for (const char* model : {"shared", "disjoint"}) {
    PolicyWorld world;
    auto policy = MakePolicy(world, "thompson",
                             std::string("samples=40000,scale=1.5,model=") + model);
    // Little data: the posterior is still wide, so the probabilities are far
    // from one-hot and a wrong covariance would show.
    Rng rng(6);
    for (int i = 0; i < 8; ++i) {
      const ArtworkContext c = i % 2 ? world.Horror(0) : world.Drama(0);
      const uint32_t v = static_cast<uint32_t>(i % 3);
      policy->Update(c, v, PolicyWorld::Reward(i % 2 == 0, v));
    }
    const auto& thompson = static_cast<const ThompsonPolicy&>(*policy);
    // Title 3's first two variants differ only by a performer: in the shared
    // model their scores move together, which the covariance must capture.
    for (const ArtworkContext& c : {world.Drama(0), world.Horror(0), world.Drama(3)}) {
      const std::vector<double> p = world.Probabilities(*policy, c);
      const std::vector<double> want = SampledArgmaxShares(thompson, world, c, 40000);
      EXPECT_LT(*std::max_element(want.begin(), want.end()), 0.9) << model;
      for (size_t v = 0; v < p.size(); ++v) {
        EXPECT_NEAR(p[v], want[v], 0.015) << model << " title " << c.title << " variant " << v;
      }
    }
  }
}

TEST(ArtworkPoliciesTest, ThompsonProbabilitiesAreDeterministicForContextAndState) {
  PolicyWorld world;
  auto policy = MakePolicy(world, "thompson", "samples=500");
  world.Train(*policy, 10, 7);
  const std::vector<double> first = world.Probabilities(*policy, world.Drama(0));
  EXPECT_EQ(world.Probabilities(*policy, world.Drama(0)), first);
  EXPECT_EQ(world.Probabilities(*policy->Clone(), world.Drama(0)), first);
  // 500 samples: every probability is a multiple of 1/500.
  for (double p : first) EXPECT_NEAR(p * 500, std::round(p * 500), 1e-9);
  // A new observation reseeds the estimate (and changes the posterior).
  policy->Update(world.Horror(0), 0, 1.0);
  EXPECT_NE(world.Probabilities(*policy, world.Drama(0)), first);
}

TEST(ArtworkPoliciesTest, ThompsonConcentratesOnTheBestVariant) {
  for (const char* model : {"shared", "disjoint"}) {
    PolicyWorld world;
    auto policy = MakePolicy(world, "thompson", std::string("scale=0.3,samples=500,model=") + model);
    world.Train(*policy, 800, 8);
    EXPECT_GT(world.Probabilities(*policy, world.Drama(0))[1], 0.95) << model;
    EXPECT_GT(world.Probabilities(*policy, world.Horror(0))[0], 0.95) << model;
  }
}

TEST(ArtworkPoliciesTest, DecideIsReplayableAndReportsItsPropensity) {
  PolicyWorld world;
  for (const auto& [kind, params] : kAllPolicies) {
    auto policy = MakePolicy(world, kind, params);
    world.Train(*policy, 30, 9);
    std::set<uint32_t> shown;
    for (int i = 0; i < 60; ++i) {
      const std::string id = "imp-" + std::to_string(i);
      const ArtworkContext c = i % 2 ? world.Drama(0) : world.Horror(0);
      const ArtworkDecision a = Decide(*policy, c, 42, id);
      const ArtworkDecision b = Decide(*policy, c, 42, id);
      EXPECT_EQ(a.variant, b.variant) << kind;
      EXPECT_EQ(a.propensity, b.propensity) << kind;
      const std::vector<double> p = world.Probabilities(*policy, c);
      ASSERT_LT(a.variant, p.size());
      EXPECT_EQ(a.propensity, p[a.variant]) << kind << " " << params;
      EXPECT_GT(a.propensity, 0.0) << kind << " " << params;
      shown.insert(a.variant);
    }
    if (kind == "uniform") {
      EXPECT_EQ(shown.size(), 3u);  // the impression id does vary the choice
    }
  }
}

std::string State(const ArtworkPolicy& policy) {
  ByteWriter w;
  policy.SaveState(w);
  return w.bytes();
}

TEST(ArtworkPoliciesTest, CloneIsIndependent) {
  PolicyWorld world;
  for (const auto& [kind, params] : kAllPolicies) {
    auto policy = MakePolicy(world, kind, params);
    world.Train(*policy, 6, 10);
    const std::vector<double> before = world.Probabilities(*policy, world.Horror(0));
    const std::string state = State(*policy);
    std::unique_ptr<ArtworkPolicy> copy = policy->Clone();
    EXPECT_EQ(copy->kind(), policy->kind());
    EXPECT_EQ(copy->parameters(), policy->parameters());
    EXPECT_EQ(State(*copy), state);
    world.Train(*policy, 100, 11);
    EXPECT_EQ(State(*copy), state) << kind << " " << params;
    EXPECT_EQ(world.Probabilities(*copy, world.Horror(0)), before) << kind << " " << params;
    if (kind != "uniform") {
      EXPECT_NE(State(*policy), state) << kind << " " << params;
    }
  }
}

TEST(ArtworkPoliciesTest, StateRoundTripsAndMalformedStateIsRefused) {
  PolicyWorld world;
  auto disjoint = MakePolicy(world, "linucb", "model=disjoint");
  world.Train(*disjoint, 50, 12);
  ByteWriter w;
  disjoint->SaveState(w);
  auto fresh = MakePolicy(world, "linucb", "model=disjoint");
  ByteReader r(w.bytes(), "state");
  ASSERT_TRUE(fresh->LoadState(r).ok());
  EXPECT_TRUE(r.AtEnd());
  EXPECT_EQ(world.Probabilities(*fresh, world.Horror(0)),
            world.Probabilities(*disjoint, world.Horror(0)));

  // A disjoint model for artwork 99 of a 9-artwork catalog.
  ByteWriter bad;
  bad.U8(1);
  bad.U32(1);
  bad.U32(99);
  RidgeRegression(world.features->member_dim(), 1.0).Save(bad);
  ByteReader bad_reader(bad.bytes(), "bad state");
  Status s = fresh->LoadState(bad_reader);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("artwork index 99 out of range"), std::string::npos) << s.ToString();
  // Refused state leaves the policy as it was.
  EXPECT_EQ(world.Probabilities(*fresh, world.Horror(0)),
            world.Probabilities(*disjoint, world.Horror(0)));

  // A shared state given to a disjoint policy, and a model of the wrong size.
  ByteWriter shared;
  auto shared_policy = MakePolicy(world, "linucb");
  shared_policy->SaveState(shared);
  ByteReader shared_reader(shared.bytes(), "shared state");
  EXPECT_EQ(fresh->LoadState(shared_reader).code(), Status::Code::kCorruption);
  ByteWriter wrong_dim;
  wrong_dim.U8(0);
  RidgeRegression(4, 1.0).Save(wrong_dim);
  ByteReader wrong_reader(wrong_dim.bytes(), "wrong state");
  s = shared_policy->LoadState(wrong_reader);
  EXPECT_NE(s.message().find("dimension 4"), std::string::npos) << s.ToString();
}

void ExpectError(const std::string& kind, const std::string& params,
                 const std::vector<std::string>& mentions) {
  PolicyWorld world;
  Result<Parameters> p = Parameters::Parse(params);
  ASSERT_TRUE(p.ok());
  Result<std::unique_ptr<ArtworkPolicy>> policy = CreateArtworkPolicy(kind, *p, world.features);
  ASSERT_FALSE(policy.ok()) << kind << " " << params;
  EXPECT_EQ(policy.status().code(), Status::Code::kInvalidArgument);
  for (const std::string& m : mentions) {
    EXPECT_NE(policy.status().message().find(m), std::string::npos)
        << "'" << m << "' not in: " << policy.status().message();
  }
}

TEST(ArtworkPoliciesTest, ParameterErrorsSayWhatWasExpected) {
  ExpectError("ucb", "", {"ucb", "uniform, epsilon-greedy, linucb, thompson"});
  ExpectError("uniform", "epsilon=0.1", {"uniform", "'epsilon'"});
  ExpectError("linucb", "alpah=2", {"'alpah'", "alpha", "lambda", "model"});
  ExpectError("epsilon-greedy", "epsilon=1.5", {"epsilon", "[0, 1]", "1.5"});
  ExpectError("epsilon-greedy", "lambda=0", {"lambda", "(0, 1e+12]"});
  ExpectError("linucb", "alpha=-1", {"alpha", "[0, "});
  ExpectError("linucb", "model=both", {"model", "shared, disjoint", "both"});
  ExpectError("thompson", "scale=0", {"scale", "(0, "});
  ExpectError("thompson", "samples=0", {"samples", "[1, 100000]"});
  ExpectError("thompson", "samples=many", {"samples", "many"});
  EXPECT_EQ(ArtworkPolicyKinds(),
            (std::vector<std::string>{"uniform", "epsilon-greedy", "linucb", "thompson"}));
  Result<std::unique_ptr<ArtworkPolicy>> no_features =
      CreateArtworkPolicy("uniform", Parameters(), nullptr);
  EXPECT_FALSE(no_features.ok());
}

TEST(ArtworkPoliciesTest, KeepsTheParametersAsGiven) {
  PolicyWorld world;
  auto policy = MakePolicy(world, "thompson", "model=disjoint,samples=10");
  EXPECT_EQ(policy->parameters().ToString(), "model=disjoint samples=10");
  const auto& thompson = static_cast<const ThompsonPolicy&>(*policy);
  EXPECT_EQ(thompson.options().samples, 10u);
  EXPECT_EQ(thompson.options().scale, 0.5);  // the default
  EXPECT_EQ(thompson.models().shape(), ArmModels::Shape::kDisjoint);
}

}  // namespace
}  // namespace marquee
