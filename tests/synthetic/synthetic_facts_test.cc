// The synthetic service's catalog facts: shares within tolerance,
// deterministic for a seed, and drawn from streams of their own so that the
// rest of the service is what it was.
#include <gtest/gtest.h>

#include <set>

#include "marquee/synthetic/synthetic.h"
#include "marquee/util/civil_time.h"

namespace marquee {
namespace {

SyntheticConfig Config() {
  SyntheticConfig c;
  c.members = 300;
  c.titles = 2000;
  c.plays = 3000;
  c.seed = 7;
  return c;
}

TEST(SyntheticFactsTest, SharesAreRealisticAndEveryFactIsConsistent) {
  Result<SyntheticService> s = GenerateService(Config());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const Catalog& c = s->dataset.catalog;
  const int64_t today = 1767225600 / 86400;
  size_t minors = 0, deceased = 0, sag = 0;
  for (const Performer& p : c.performers()) {
    ASSERT_TRUE(p.birth_date);
    const int32_t age = *p.AgeOn(today);
    EXPECT_GE(age, 6);
    EXPECT_LE(age, 85);
    minors += age < 18;
    if (p.death_date) {
      ++deceased;
      EXPECT_GE(*p.death_date, *p.birth_date);
      EXPECT_LT(*p.death_date, today);
      EXPECT_EQ(p.representative, "Estate of " + p.name);
    }
    sag += std::find(p.unions.begin(), p.unions.end(), "SAG-AFTRA") != p.unions.end();
  }
  const double n = static_cast<double>(c.performers().size());  // 4000
  EXPECT_NEAR(minors / n, 0.05, 0.015);
  EXPECT_NEAR(deceased / n, 0.03, 0.012);
  EXPECT_NEAR(sag / n, 0.85, 0.03);

  size_t episodes = 0, artwork = 0, ai = 0, quarantined = 0, reused = 0, background = 0;
  for (uint32_t t = 0; t < c.size(); ++t) {
    const Title& title = c.titles()[t];
    ASSERT_TRUE(title.release_date);
    EXPECT_EQ(CivilFromDays(*title.release_date).year, title.year);
    if (title.episode_of) {
      ++episodes;
      EXPECT_GE(title.runtime_minutes, 22u);
      EXPECT_LE(title.runtime_minutes, 60u);
      EXPECT_GE(title.episode_of->season, 1u);
      EXPECT_GE(title.episode_of->episode, 1u);
    } else {
      EXPECT_GE(title.runtime_minutes, 85u);
      EXPECT_LE(title.runtime_minutes, 150u);
    }
    size_t leads = 0;
    std::set<uint32_t> credited;
    for (const Credit& cr : title.credits) {
      leads += cr.role == CastRole::kLead;
      EXPECT_TRUE(credited.insert(cr.performer).second) << "performer credited twice";
    }
    EXPECT_GE(leads, std::min<size_t>(2, title.credits.size()));
    EXPECT_LE(leads, 3u);
    for (const Artwork& a : title.artwork) {
      ++artwork;
      // performers = the recognizable depicted ones, in order, all credited.
      std::vector<uint32_t> recognizable;
      for (const DepictedPerformer& d : a.depicted) {
        EXPECT_TRUE(credited.count(d.performer));
        if (d.recognizable) recognizable.push_back(d.performer);
        background += !d.recognizable;
      }
      EXPECT_EQ(recognizable, a.performers);
      if (a.quarantined()) {
        ++quarantined;
      } else {
        EXPECT_EQ(IsTrainedAlgorithmic(a.digital_source_type), a.ai_generated) << a.id;
      }
      if (a.ai_generated) {
        ++ai;
        EXPECT_FALSE(a.manifest_hash.empty());
        if (!a.performers.empty() && a.digital_source_type == DigitalSourceType::kTrainedAlgorithmicMedia) {
          EXPECT_TRUE(a.replica_kind == ReplicaKind::kEmploymentBasedDigitalReplica ||
                      a.replica_kind == ReplicaKind::kIndependentlyCreatedDigitalReplica);
        }
      } else {
        EXPECT_TRUE(a.replica_kind == ReplicaKind::kNone ||
                    a.replica_kind == ReplicaKind::kCustomaryAlteration);
      }
      if (a.source_title != kOwnTitle) {
        ++reused;
        EXPECT_NE(a.source_title, t);
        EXPECT_LT(a.source_title, c.size());
      }
    }
  }
  EXPECT_NEAR(episodes / 2000.0, 0.25, 0.03);
  const double v = static_cast<double>(artwork);  // ~11,000
  EXPECT_NEAR(ai / v, 0.15, 0.015);
  EXPECT_NEAR(quarantined / v, 0.01, 0.004);
  EXPECT_NEAR(reused / v, 0.03, 0.007);
  EXPECT_GT(background, 0u);
  EXPECT_EQ(c.QuarantinedCount(), quarantined);
  EXPECT_TRUE(s->dataset.Validate().ok());
}

TEST(SyntheticFactsTest, DeterministicAndIndependentOfTheOtherDraws) {
  Result<SyntheticService> a = GenerateService(Config());
  Result<SyntheticService> b = GenerateService(Config());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->dataset.catalog, b->dataset.catalog);
  // Other shares of facts change only the facts: names, genres, artwork ids,
  // tags, featured performers, the AI flag and the plays stay as they were.
  SyntheticConfig other = Config();
  other.minor_share = 0.2;
  other.unset_source_share = 0.5;
  other.episode_share = 0.9;
  Result<SyntheticService> c = GenerateService(other);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(a->dataset.interactions, c->dataset.interactions);
  const Catalog& x = a->dataset.catalog;
  const Catalog& y = c->dataset.catalog;
  ASSERT_EQ(x.size(), y.size());
  for (size_t p = 0; p < x.performers().size(); ++p) EXPECT_EQ(x.performers()[p].name, y.performers()[p].name);
  for (size_t t = 0; t < x.size(); ++t) {
    EXPECT_EQ(x.titles()[t].name, y.titles()[t].name);
    EXPECT_EQ(x.titles()[t].genres, y.titles()[t].genres);
    ASSERT_EQ(x.titles()[t].artwork.size(), y.titles()[t].artwork.size());
    for (size_t k = 0; k < x.titles()[t].artwork.size(); ++k) {
      const Artwork& u = x.titles()[t].artwork[k];
      const Artwork& w = y.titles()[t].artwork[k];
      EXPECT_EQ(u.id, w.id);
      EXPECT_EQ(u.tags, w.tags);
      EXPECT_EQ(u.performers, w.performers);
      EXPECT_EQ(u.ai_generated, w.ai_generated);
    }
  }
  EXPECT_EQ(a->truth.artwork_appeal, c->truth.artwork_appeal);
}

}  // namespace
}  // namespace marquee
