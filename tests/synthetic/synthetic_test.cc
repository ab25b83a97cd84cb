#include "marquee/synthetic/synthetic.h"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "marquee/synthetic/synthetic_internal.h"

namespace marquee {
namespace {

SyntheticConfig SmallConfig() {
  SyntheticConfig c;
  c.members = 300;
  c.titles = 120;
  c.plays = 6000;
  c.seed = 7;
  return c;
}

SyntheticService Generate(const SyntheticConfig& config) {
  Result<SyntheticService> s = GenerateService(config);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s).value();
}

// The medium service the statistical tests use, generated once.
const SyntheticService& Medium() {
  static const SyntheticService service = [] {
    SyntheticConfig c;  // defaults: 2000 x 500 x 100000
    return Generate(c);
  }();
  return service;
}

// Gini coefficient of non-negative counts: 0 = all equal, 1 = one has all.
double Gini(std::vector<uint32_t> counts) {
  std::sort(counts.begin(), counts.end());
  double weighted = 0.0, total = 0.0;
  for (size_t i = 0; i < counts.size(); ++i) {
    weighted += static_cast<double>(i + 1) * counts[i];
    total += counts[i];
  }
  const double n = static_cast<double>(counts.size());
  return (2.0 * weighted) / (n * total) - (n + 1.0) / n;
}

TEST(SyntheticConfigTest, DefaultsAreValid) { EXPECT_TRUE(SyntheticConfig{}.Validate().ok()); }

TEST(SyntheticConfigTest, RejectsBadFieldsNamingThem) {
  struct Case {
    const char* field;
    void (*edit)(SyntheticConfig&);
  };
  const Case cases[] = {
      {"members", [](SyntheticConfig& c) { c.members = 0; }},
      {"titles", [](SyntheticConfig& c) { c.titles = 0; }},
      {"plays", [](SyntheticConfig& c) { c.plays = c.members - 1; }},
      {"plays", [](SyntheticConfig& c) { c.plays = uint64_t{c.members} * c.titles + 1; }},
      {"genres", [](SyntheticConfig& c) { c.genres = 19; }},
      {"genres", [](SyntheticConfig& c) { c.genres = 0; }},
      {"period_days", [](SyntheticConfig& c) { c.period_days = 0; }},
      {"min_artwork", [](SyntheticConfig& c) { c.min_artwork = 9; }},
      {"popularity_exponent", [](SyntheticConfig& c) { c.popularity_exponent = -1; }},
      {"mainstream_share", [](SyntheticConfig& c) { c.mainstream_share = 1.5; }},
      {"genre_exposure", [](SyntheticConfig& c) { c.genre_exposure = 2; }},
      {"taste_concentration", [](SyntheticConfig& c) { c.taste_concentration = std::nan(""); }},
      {"activity_spread", [](SyntheticConfig& c) { c.activity_spread = 10; }},
      {"ai_artwork_share", [](SyntheticConfig& c) { c.ai_artwork_share = -0.1; }},
  };
  for (const Case& k : cases) {
    SyntheticConfig c;
    k.edit(c);
    Status s = c.Validate();
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << k.field;
    EXPECT_NE(s.message().find(k.field), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("expected"), std::string::npos) << s.message();
    EXPECT_FALSE(GenerateService(c).ok()) << k.field;
  }
}

TEST(SyntheticConfigTest, DescribeNamesTheSizes) {
  EXPECT_EQ(SmallConfig().Describe(), "seed=7 members=300 titles=120 plays=6000");
}

TEST(SyntheticAllocateTest, SplitsExactlyWithinBounds) {
  std::vector<float> activity = {10.0f, 1.0f, 0.1f, 5.0f, 1000.0f, 1.0f};
  for (uint64_t total : {6ull, 7ull, 20ull, 37ull, 60ull}) {
    std::vector<uint32_t> counts = synthetic::AllocatePlays(activity, total, 10);
    EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), uint64_t{0}), total);
    for (uint32_t c : counts) {
      EXPECT_GE(c, 1u);
      EXPECT_LE(c, 10u);
    }
    if (total == 60) EXPECT_EQ(counts, std::vector<uint32_t>(6, 10));
  }
  // Proportional where no cap binds: 1 + 100 * a / sum(a).
  std::vector<uint32_t> even = synthetic::AllocatePlays({1.0f, 3.0f}, 102, 1000);
  EXPECT_EQ(even, (std::vector<uint32_t>{26, 76}));
  // The heaviest member is capped and the rest shared out.
  std::vector<uint32_t> capped = synthetic::AllocatePlays({100.0f, 1.0f, 1.0f}, 12, 6);
  EXPECT_EQ(capped, (std::vector<uint32_t>{6, 3, 3}));
}

TEST(SyntheticTest, ExactSizesAndValidDataset) {
  const SyntheticConfig c = SmallConfig();
  SyntheticService s = Generate(c);
  const Dataset& d = s.dataset;
  ASSERT_TRUE(d.Validate().ok()) << d.Validate().ToString();
  EXPECT_EQ(d.members.size(), c.members);
  EXPECT_EQ(d.titles.size(), c.titles);
  EXPECT_EQ(d.catalog.size(), c.titles);
  EXPECT_EQ(d.catalog.genres().size(), 18u);
  EXPECT_EQ(d.catalog.performers().size(), 240u);
  EXPECT_EQ(d.weight_kind, WeightKind::kPlays);
  EXPECT_EQ(d.source, "synthetic: seed=7 members=300 titles=120 plays=6000");
  EXPECT_EQ(d.members.ExternalId(42), "m0000042");
  EXPECT_EQ(d.titles.ExternalId(7), "t000007");
  EXPECT_EQ(d.catalog.performers()[3].id, "p000003");

  const GroundTruth& t = s.truth;
  ASSERT_TRUE(t.Validate().ok());
  EXPECT_EQ(std::accumulate(t.member_plays.begin(), t.member_plays.end(), uint64_t{0}), c.plays);
  EXPECT_LE(d.interactions.nnz(), c.plays);
  EXPECT_GT(d.interactions.nnz(), c.plays * 8 / 10);  // re-watches are the exception
  EXPECT_GT(Medium().dataset.interactions.nnz(), 100000u * 9 / 10);
  for (uint32_t m = 0; m < c.members; ++m) {
    EXPECT_GE(d.interactions.RowLength(m), 1u);
    EXPECT_LE(d.interactions.RowLength(m), t.member_plays[m]);
    EXPECT_LE(t.member_plays[m], c.titles);
  }
}

TEST(SyntheticTest, TinyAndSaturatedSizesWork) {
  SyntheticConfig one;
  one.members = 1;
  one.titles = 1;
  one.plays = 1;
  SyntheticService a = Generate(one);
  EXPECT_TRUE(a.dataset.Validate().ok());
  EXPECT_EQ(a.dataset.interactions.nnz(), 1u);

  SyntheticConfig full;  // every member plays as many times as there are titles
  full.members = 20;
  full.titles = 3;
  full.plays = 60;
  full.genres = 2;
  SyntheticService b = Generate(full);
  EXPECT_TRUE(b.dataset.Validate().ok());
  for (uint32_t p : b.truth.member_plays) EXPECT_EQ(p, 3u);
  EXPECT_EQ(b.dataset.catalog.genres().size(), 2u);
}

TEST(SyntheticTest, DeterministicAtAnyThreadCount) {
  const SyntheticConfig c = SmallConfig();
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  SyntheticService one = Generate(c);
  omp_set_num_threads(2);
  SyntheticService two = Generate(c);
  omp_set_num_threads(saved);
  EXPECT_TRUE(one.dataset.interactions == two.dataset.interactions);
  EXPECT_TRUE(one.dataset.catalog == two.dataset.catalog);
  EXPECT_TRUE(one.dataset.members == two.dataset.members);
  EXPECT_TRUE(one.dataset.titles == two.dataset.titles);
  EXPECT_TRUE(one.truth == two.truth);

  SyntheticConfig other = c;
  other.seed = 8;
  SyntheticService three = Generate(other);
  EXPECT_FALSE(one.dataset.interactions == three.dataset.interactions);
  EXPECT_FALSE(one.dataset.catalog == three.dataset.catalog);
  EXPECT_FALSE(one.truth.member_taste == three.truth.member_taste);
  EXPECT_FALSE(one.truth.artwork_appeal == three.truth.artwork_appeal);
}

TEST(SyntheticTest, CatalogHasArtworkGenresAndMetadata) {
  const Dataset& d = Medium().dataset;
  const std::set<std::string> maturities = {"G", "PG", "PG-13", "R", "TV-MA"};
  const std::set<std::string> regions = {"US", "GB", "DE", "FR", "BR", "JP", "IN", "CA"};
  size_t artworks = 0, ai = 0, restricted = 0, featured = 0;
  for (size_t i = 0; i < d.catalog.size(); ++i) {
    const Title& t = d.catalog.titles()[i];
    EXPECT_FALSE(t.name.empty());
    EXPECT_GE(t.year, 1950);
    EXPECT_LE(t.year, 2025);
    EXPECT_GE(t.genres.size(), 1u);
    EXPECT_LE(t.genres.size(), 3u);
    EXPECT_EQ(std::set<uint16_t>(t.genres.begin(), t.genres.end()).size(), t.genres.size());
    EXPECT_TRUE(maturities.count(t.maturity)) << t.maturity;
    for (const std::string& r : t.regions) EXPECT_TRUE(regions.count(r)) << r;
    restricted += !t.regions.empty();
    ASSERT_GE(t.artwork.size(), 3u);
    ASSERT_LE(t.artwork.size(), 8u);
    for (size_t k = 0; k < t.artwork.size(); ++k) {
      const Artwork& a = t.artwork[k];
      EXPECT_EQ(a.id, std::string(d.titles.ExternalId(i)) + "-a" + std::to_string(k + 1));
      ASSERT_GE(a.tags.size(), 2u);
      EXPECT_EQ(a.tags[0].rfind("mood:", 0), 0u) << a.tags[0];
      EXPECT_EQ(a.tags[1].rfind("style:", 0), 0u) << a.tags[1];
      EXPECT_EQ(a.tags.size(), 2 + a.performers.size());
      for (uint32_t p : a.performers) {
        EXPECT_NE(std::find(a.tags.begin(), a.tags.end(), "featured:" + d.catalog.performers()[p].id),
                  a.tags.end());
      }
      featured += !a.performers.empty();
      ai += a.ai_generated;
      ++artworks;
    }
  }
  EXPECT_EQ(artworks, d.catalog.ArtworkCount());
  EXPECT_GT(artworks, 500u * 5);  // mean 5.5 a title
  EXPECT_LT(artworks, 500u * 6);
  EXPECT_GT(ai, artworks / 10);   // 15% expected
  EXPECT_LT(ai, artworks / 5);
  EXPECT_GT(restricted, 500u / 10);  // 25% expected
  EXPECT_LT(restricted, 500u * 2 / 5);
  EXPECT_GT(featured, artworks / 2);  // two styles of three feature performers
}

TEST(SyntheticTest, PopularityIsHeavyTailed) {
  const Dataset& d = Medium().dataset;
  std::vector<uint32_t> counts = d.interactions.ColumnCounts();
  const double gini = Gini(counts);
  // Equal exposure would give a Gini near 0.05 (sampling noise) and a top
  // decile share near 0.1; Zipf(1) gives about 0.40 and 0.33 at this density
  // (the head saturates: the top title is played by most members).
  EXPECT_GT(gini, 0.35) << "gini " << gini;
  std::sort(counts.rbegin(), counts.rend());
  const double top = std::accumulate(counts.begin(), counts.begin() + counts.size() / 10, 0.0);
  const double all = std::accumulate(counts.begin(), counts.end(), 0.0);
  EXPECT_GT(top / all, 0.28) << "top 10% share " << top / all;
  EXPECT_GT(counts.front(), 20u * counts.back());
}

TEST(SyntheticTest, MembersPlayTheirTasteGenres) {
  // Mean taste match of what members played, against the same titles paired
  // with other members (chance, keeping popularity).
  const SyntheticService& s = Medium();
  const InteractionMatrix& x = s.dataset.interactions;
  const uint32_t members = x.rows();
  double played = 0.0, shuffled = 0.0;
  uint64_t n = 0;
  for (uint32_t m = 0; m < members; ++m) {
    const uint32_t other = (m * 7919u + 13u) % members;
    for (uint32_t t : x.RowIndices(m)) {
      played += s.truth.TasteMatch(m, t);
      shuffled += s.truth.TasteMatch(other, t);
      ++n;
    }
  }
  played /= n;
  shuffled /= n;
  EXPECT_GT(played, 0.3) << played;
  EXPECT_GT(played, 2.0 * shuffled) << played << " vs chance " << shuffled;
}

TEST(SyntheticTest, ActivityIsHeavyTailed) {
  const GroundTruth& t = Medium().truth;
  std::vector<uint32_t> plays = t.member_plays;
  std::sort(plays.rbegin(), plays.rend());
  const double top = std::accumulate(plays.begin(), plays.begin() + plays.size() / 10, 0.0);
  EXPECT_GT(top / 100000.0, 0.25);  // a log-normal(1) top decile holds about a third
  EXPECT_GT(plays.front(), 10u * plays[plays.size() / 2]);
  // More active members got more plays.
  for (uint32_t m = 1; m < t.member_count(); ++m) {
    if (t.member_activity[m] > 2.0f * t.member_activity[m - 1] + 1.0f) {
      EXPECT_GE(t.member_plays[m], t.member_plays[m - 1]);
    }
  }
}

TEST(SyntheticTest, WatchFractionsAndTimesAreInRange) {
  const SyntheticService& s = Medium();
  const InteractionMatrix& x = s.dataset.interactions;
  const SyntheticConfig c;
  const int64_t start = c.period_end - int64_t{c.period_days} * 86400;
  ASSERT_TRUE(x.has_times());
  uint64_t above_one = 0;
  double match_sum[2] = {0, 0};
  uint64_t match_n[2] = {0, 0};
  for (uint32_t m = 0; m < x.rows(); ++m) {
    auto titles = x.RowIndices(m);
    auto weights = x.RowWeights(m);
    auto times = x.RowTimes(m);
    for (size_t i = 0; i < titles.size(); ++i) {
      ASSERT_GT(weights[i], 0.0f);
      ASSERT_GE(times[i], start);
      ASSERT_LT(times[i], c.period_end);
      // A title released after the period start is only played after release.
      const int32_t year = s.dataset.catalog.titles()[titles[i]].year;
      if (year >= 2025) ASSERT_GE(times[i], 1735689600) << "played before its release";
      if (weights[i] > 1.0f) {
        ++above_one;
        continue;  // a re-watch
      }
      const float match = s.truth.TasteMatch(m, titles[i]);
      if (match > 0.6f || match < 0.05f) {
        match_sum[match > 0.6f] += weights[i];
        ++match_n[match > 0.6f];
      }
    }
  }
  // Each weight above 1 needs at least two plays merged into one entry.
  EXPECT_LE(above_one, c.plays - x.nnz());
  ASSERT_GT(match_n[0], 100u);
  ASSERT_GT(match_n[1], 100u);
  const double low = match_sum[0] / match_n[0], high = match_sum[1] / match_n[1];
  EXPECT_GT(high, low + 0.15) << "matching titles are watched longer: " << high << " vs " << low;
}

TEST(SyntheticTest, TruthDescribesMembersAndTitles) {
  const SyntheticService& s = Medium();
  const GroundTruth& t = s.truth;
  ASSERT_EQ(t.member_count(), 2000u);
  ASSERT_EQ(t.title_count(), 500u);
  EXPECT_EQ(t.artwork_count(), s.dataset.catalog.ArtworkCount());
  EXPECT_EQ(t.generator, s.dataset.source);
  for (uint32_t m = 0; m < t.member_count(); ++m) {
    std::span<const float> taste = t.Taste(m);
    EXPECT_NEAR(std::accumulate(taste.begin(), taste.end(), 0.0), 1.0, 1e-5);
    EXPECT_EQ(t.Kind(m), std::max_element(taste.begin(), taste.end()) - taste.begin());
  }
  for (uint32_t i = 0; i < t.title_count(); ++i) {
    const std::vector<uint16_t>& genres = s.dataset.catalog.titles()[i].genres;
    std::span<const uint16_t> truth_genres = t.TitleGenres(i);
    EXPECT_TRUE(std::equal(genres.begin(), genres.end(), truth_genres.begin(), truth_genres.end()));
    EXPECT_EQ(t.ArtworkCount(i), s.dataset.catalog.titles()[i].artwork.size());
  }
  // Tastes are sparse: on average the top three genres hold most of the mass.
  double top3 = 0.0;
  for (uint32_t m = 0; m < t.member_count(); ++m) {
    std::vector<float> taste(t.Taste(m).begin(), t.Taste(m).end());
    std::sort(taste.rbegin(), taste.rend());
    top3 += taste[0] + taste[1] + taste[2];
  }
  EXPECT_GT(top3 / t.member_count(), 0.8);
}

TEST(SyntheticTest, ReportsProgressForEachStage) {
  std::vector<std::string> finished;
  uint64_t sampled = 0;
  ProgressCallback callback = [&](const Progress& p) {
    if (p.finished) finished.emplace_back(p.stage);
    if (p.stage == "sampling plays" && p.finished) sampled = p.done;
  };
  Result<SyntheticService> s = GenerateService(SmallConfig(), callback);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(finished, (std::vector<std::string>{"generating catalog", "generating members",
                                                "sampling plays", "building matrix"}));
  EXPECT_EQ(sampled, SmallConfig().plays);
}

}  // namespace
}  // namespace marquee
