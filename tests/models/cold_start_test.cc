// Title metadata features and the metadata-to-factors mapping (issue 15 §2),
// on hand-made catalogs whose answers are known.
#include "marquee/models/cold_start.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "marquee/models/title_features.h"
#include "marquee/util/random.h"

namespace marquee {
namespace {

Title MakeTitle(Catalog& c, std::vector<std::string> genres, int32_t year, std::string maturity,
                uint32_t runtime, std::vector<std::string> performers = {}) {
  Title t;
  t.name = "t";
  t.year = year;
  t.maturity = std::move(maturity);
  t.runtime_minutes = runtime;
  for (const std::string& g : genres) t.genres.push_back(c.GenreIndex(g));
  for (const std::string& p : performers)
    t.credits.push_back({c.AddPerformer({.id = p, .name = p}), CastRole::kLead});
  return t;
}

std::set<std::string> Names(const TitleFeatures& f, std::span<const uint32_t> row) {
  std::set<std::string> out;
  for (uint32_t id : row) out.insert(f.names()[id]);
  return out;
}

TEST(TitleFeaturesTest, EachTitleIsTheSetOfWhatDescribesIt) {
  Catalog c;
  c.titles().push_back(MakeTitle(c, {"Drama", "Crime"}, 1994, "R", 154, {"p1", "p2", "p3"}));
  c.titles().push_back(MakeTitle(c, {"Drama"}, 2003, "", 0, {"p1", "p9"}));
  c.titles().push_back(MakeTitle(c, {}, 0, "PG", 25, {"p2"}));
  Result<TitleFeatures> f = TitleFeatures::Build(c, {.max_credits = 5, .min_performer_titles = 2});
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(Names(*f, f->Row(0)),
            (std::set<std::string>{"bias", "genre:Drama", "genre:Crime", "decade:1990s", "maturity:R",
                                   "runtime:140+", "performer:p1", "performer:p2"}));
  // p9 and p3 are credited once: no feature of their own.
  EXPECT_EQ(Names(*f, f->Row(1)),
            (std::set<std::string>{"bias", "genre:Drama", "decade:2000s", "maturity:unknown",
                                   "runtime:unknown", "performer:p1"}));
  EXPECT_EQ(Names(*f, f->Row(2)),
            (std::set<std::string>{"bias", "decade:unknown", "maturity:PG", "runtime:<30", "performer:p2"}));
  EXPECT_EQ(f->Find("performer:p9"), -1);
  // A title added later is described in the same vocabulary; what the
  // vocabulary lacks (a genre, a performer, a runtime no title had) is left out.
  Title later = MakeTitle(c, {"Drama", "Western"}, 1999, "R", 90, {"p2", "p77"});
  EXPECT_EQ(Names(*f, f->FeaturesOf(later, c)),
            (std::set<std::string>{"bias", "genre:Drama", "decade:1990s", "maturity:R", "performer:p2"}));
  // Only the first max_credits billed performers count.
  Result<TitleFeatures> one = TitleFeatures::Build(c, {.max_credits = 1, .min_performer_titles = 1});
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(Names(*one, one->Row(0)).contains("performer:p1"));
  EXPECT_FALSE(Names(*one, one->Row(0)).contains("performer:p2"));
  EXPECT_EQ(TitleFeatures::Build(c, {.min_performer_titles = 0}).status().field(), "min_performer_titles");
  EXPECT_EQ(TitleFeatures::Build(c, {.min_tag_titles = 0}).status().field(), "min_tag_titles");
  // Tags given to two titles become features; a tag on one does not.
  c.titles()[0].tags = {"heist", "nonlinear"};
  c.titles()[2].tags = {"heist"};
  Result<TitleFeatures> tagged = TitleFeatures::Build(c);
  ASSERT_TRUE(tagged.ok());
  EXPECT_TRUE(Names(*tagged, tagged->Row(0)).contains("tag:heist"));
  EXPECT_TRUE(Names(*tagged, tagged->Row(2)).contains("tag:heist"));
  EXPECT_EQ(tagged->Find("tag:nonlinear"), -1);
}

// A catalog whose factors are exactly a linear function of the metadata:
// the mapping fit on the warm titles gives the cold titles their factors.
TEST(ColdStartMappingTest, RecoversFactorsThatMetadataDetermines) {
  Catalog c;
  Rng rng(5);
  const std::vector<std::string> genres = {"Drama", "Comedy", "Crime", "SciFi", "Horror"};
  const std::vector<std::string> ratings = {"G", "PG", "R"};
  constexpr uint32_t kTitles = 400, kFactors = 6;
  for (uint32_t i = 0; i < kTitles; ++i) {
    std::vector<std::string> g = {genres[rng.Below(static_cast<uint32_t>(genres.size()))]};
    if (rng.Uniform() < 0.5) g.push_back(genres[rng.Below(static_cast<uint32_t>(genres.size()))]);
    c.titles().push_back(MakeTitle(c, g, 1960 + static_cast<int32_t>(rng.Below(static_cast<uint32_t>(60))),
                                   ratings[rng.Below(static_cast<uint32_t>(ratings.size()))],
                                   20 + static_cast<uint32_t>(rng.Below(static_cast<uint32_t>(150))),
                                   {"p" + std::to_string(rng.Below(static_cast<uint32_t>(20)))}));
  }
  Result<TitleFeatures> f = TitleFeatures::Build(c);
  ASSERT_TRUE(f.ok());
  // True weights per feature; each title's factors are the sum over its row.
  std::vector<float> truth(f->feature_count() * kFactors);
  for (float& w : truth) w = static_cast<float>(rng.Normal());
  FactorMatrix y(kTitles, kFactors);
  for (uint32_t t = 0; t < kTitles; ++t) {
    for (uint32_t a : f->Row(t)) {
      for (uint32_t k = 0; k < kFactors; ++k) y.Row(t)[k] += truth[a * kFactors + k];
    }
  }
  std::vector<uint32_t> warm, cold;
  for (uint32_t t = 0; t < kTitles; ++t) (t % 5 == 0 ? cold : warm).push_back(t);
  // (The one-hot groups sum to the bias, so W is not unique; its
  // predictions on rows in the span of the warm rows are.)
  Result<ColdStartMapping> m = ColdStartMapping::Fit(*f, y, warm, {.lambda = 1e-7});
  ASSERT_TRUE(m.ok()) << m.status().message();
  double worst = 0.0;
  std::vector<float> mapped(kFactors);
  for (uint32_t t : cold) {
    m->Map(f->Row(t), mapped);
    for (uint32_t k = 0; k < kFactors; ++k)
      worst = std::max(worst, std::abs(double(mapped[k]) - y.Row(t)[k]));
  }
  EXPECT_LT(worst, 1e-3);
  // A strong penalty shrinks everything towards the mean title (the bias is
  // not penalized): the mapped vectors approach the warm titles' mean.
  Result<ColdStartMapping> shrunk = ColdStartMapping::Fit(*f, y, warm, {.lambda = 1e9});
  ASSERT_TRUE(shrunk.ok());
  std::vector<double> mean(kFactors, 0.0);
  for (uint32_t t : warm) {
    for (uint32_t k = 0; k < kFactors; ++k) mean[k] += y.Row(t)[k] / warm.size();
  }
  shrunk->Map(f->Row(cold[0]), mapped);
  for (uint32_t k = 0; k < kFactors; ++k) EXPECT_NEAR(mapped[k], mean[k], 1e-3);
  // MapTitles writes the same vectors into the factor matrix's rows.
  FactorMatrix filled(kTitles, kFactors);
  m->MapTitles(*f, cold, filled);
  m->Map(f->Row(cold[3]), mapped);
  for (uint32_t k = 0; k < kFactors; ++k) EXPECT_EQ(filled.Row(cold[3])[k], mapped[k]);
}

TEST(ColdStartMappingTest, RefusesWhatItCannotFit) {
  Catalog c;
  c.titles().push_back(MakeTitle(c, {"Drama"}, 1990, "R", 100));
  c.titles().push_back(MakeTitle(c, {"Comedy"}, 2000, "PG", 90));
  Result<TitleFeatures> f = TitleFeatures::Build(c);
  ASSERT_TRUE(f.ok());
  FactorMatrix y(2, 4);
  const std::vector<uint32_t> none, out_of_range = {7}, both = {0, 1};
  EXPECT_EQ(ColdStartMapping::Fit(*f, y, none).status().field(), "warm");
  EXPECT_EQ(ColdStartMapping::Fit(*f, y, out_of_range).status().field(), "warm");
  EXPECT_EQ(ColdStartMapping::Fit(*f, y, both, {.lambda = -1}).status().field(), "lambda");
  EXPECT_EQ(ColdStartMapping::Fit(*f, y, both, {.lambda = 1, .max_features = 3}).status().field(),
            "features");
  EXPECT_TRUE(ColdStartMapping::Fit(*f, y, both).ok());
}

}  // namespace
}  // namespace marquee
