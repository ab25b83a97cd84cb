// A tiny artwork world for the policy tests: a catalog whose artwork the
// policies can tell apart, two kinds of member, and a training loop in which
// each kind of member plays a different variant.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "marquee/bandit/policy.h"

namespace marquee::test {

// Genres drama and horror.
//   title 0 (drama):          v0 horror mood, "dark" style;  v1 drama mood, close-up,
//                             with a performer;  v2 text treatment, no mood
//   title 1 (horror):         two variants with identical tags (a genuine tie)
//   title 2 (drama + horror): one variant
//   title 3 (drama):          v0 and v1 the same but for v1's performer (their
//                             scores are strongly correlated), v2 like title 0's v0
inline Catalog PolicyTestCatalog() {
  Catalog catalog;
  const uint16_t drama = catalog.GenreIndex("Drama");
  const uint16_t horror = catalog.GenreIndex("Horror");
  const uint32_t star = catalog.AddPerformer({"p1", "Star"});
  catalog.Resize(4);
  Title& t0 = catalog.titles()[0];
  t0.genres = {drama};
  t0.artwork = {Artwork{"t0-dark", {"mood:horror", "style:dark"}, {}, false},
                Artwork{"t0-closeup", {"mood:drama", "style:closeup"}, {star}, false},
                Artwork{"t0-text", {"style:text"}, {}, true}};
  Title& t1 = catalog.titles()[1];
  t1.genres = {horror};
  t1.artwork = {Artwork{"t1-a", {"mood:horror", "style:dark"}, {}, false},
                Artwork{"t1-b", {"mood:horror", "style:dark"}, {}, false}};
  Title& t2 = catalog.titles()[2];
  t2.genres = {drama, horror};
  t2.artwork = {Artwork{"t2-a", {"mood:drama", "style:text"}, {star}, false}};
  Title& t3 = catalog.titles()[3];
  t3.genres = {drama};
  t3.artwork = {Artwork{"t3-plain", {"mood:drama", "style:closeup"}, {}, false},
                Artwork{"t3-star", {"mood:drama", "style:closeup"}, {star}, false},
                Artwork{"t3-dark", {"mood:horror", "style:dark"}, {}, false}};
  return catalog;
}

struct PolicyWorld {
  PolicyWorld() : catalog(PolicyTestCatalog()) {
    features = std::make_shared<ArtworkFeatures>(catalog);
    drama_fan.resize(features->member_dim());
    horror_fan.resize(features->member_dim());
    const std::vector<uint32_t> dramas(6, 0), horrors(6, 1);
    features->MemberVector(dramas, {}, drama_fan);
    features->MemberVector(horrors, {}, horror_fan);
  }

  // Title 0 rewards the drama fan for the close-up (v1) and the horror fan for
  // the dark poster (v0); the text treatment never pays.
  static double Reward(bool drama_member, uint32_t variant) {
    return (drama_member ? variant == 1 : variant == 0) ? 1.0 : 0.0;
  }

  // `rounds` decisions on title 0, alternating the two fans, each followed by
  // the update with its reward.
  void Train(ArtworkPolicy& policy, int rounds, uint64_t seed) const {
    for (int i = 0; i < rounds; ++i) {
      const bool drama = i % 2 == 0;
      const ArtworkContext context{drama ? drama_fan : horror_fan, 0};
      const ArtworkDecision d = Decide(policy, context, seed, "train-" + std::to_string(i));
      policy.Update(context, d.variant, Reward(drama, d.variant));
    }
  }

  ArtworkContext Drama(uint32_t title) const { return {drama_fan, title}; }
  ArtworkContext Horror(uint32_t title) const { return {horror_fan, title}; }

  std::vector<double> Probabilities(const ArtworkPolicy& policy, const ArtworkContext& c) const {
    std::vector<double> p(features->variant_count(c.title));
    policy.Probabilities(c, p);
    return p;
  }

  Catalog catalog;
  std::shared_ptr<ArtworkFeatures> features;
  std::vector<float> drama_fan, horror_fan;
};

inline std::unique_ptr<ArtworkPolicy> MakePolicy(const PolicyWorld& world, const std::string& kind,
                                                 const std::string& parameters = "") {
  Result<Parameters> p = Parameters::Parse(parameters);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok()) return nullptr;
  Result<std::unique_ptr<ArtworkPolicy>> policy = CreateArtworkPolicy(kind, *p, world.features);
  EXPECT_TRUE(policy.ok()) << kind << " " << parameters << ": " << policy.status().ToString();
  return policy.ok() ? std::move(policy).value() : nullptr;
}

}  // namespace marquee::test
