#include "marquee/bandit/artwork_features.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

namespace marquee {
namespace {

// Two genres, three titles; artwork tagged the way the synthetic service tags it.
Catalog SmallCatalog() {
  Catalog catalog;
  const uint16_t drama = catalog.GenreIndex("Drama");
  const uint16_t horror = catalog.GenreIndex("Horror");
  const uint32_t star = catalog.AddPerformer({"p1", "Star"});
  const uint32_t extra = catalog.AddPerformer({"p2", "Extra"});
  catalog.Resize(3);
  Title& a = catalog.titles()[0];
  a.genres = {drama};
  a.artwork = {Artwork{"a0", {"mood:drama", "style:closeup"}, {star}, false},
               Artwork{"a1", {"mood:horror", "style:text"}, {}, true}};
  Title& b = catalog.titles()[1];
  b.genres = {drama, horror};
  b.artwork = {Artwork{"b0", {"style:ensemble", "mood:Horror"}, {star, extra}, false}};
  Title& c = catalog.titles()[2];
  c.genres = {horror};
  c.artwork = {Artwork{"c0", {"mood:western", "colour:red"}, {star}, false}};
  return catalog;
}

TEST(ArtworkFeaturesTest, ReadsTagsAndAddressesArtworkGlobally) {
  ArtworkFeatures f(SmallCatalog());
  EXPECT_EQ(f.genre_count(), 2u);
  EXPECT_EQ(f.title_count(), 3u);
  EXPECT_EQ(f.artwork_count(), 4u);
  EXPECT_EQ(f.artwork_offset(1), 2u);
  EXPECT_EQ(f.variant_count(0), 2u);
  EXPECT_EQ(f.variant_count(2), 1u);
  EXPECT_EQ(f.TitleOf(0), 0u);
  EXPECT_EQ(f.TitleOf(1), 0u);
  EXPECT_EQ(f.TitleOf(2), 1u);
  EXPECT_EQ(f.TitleOf(3), 2u);
  ASSERT_EQ(f.style_count(), 3u);  // closeup, text, ensemble, in order of first use
  EXPECT_EQ(f.styles()[2], "ensemble");
  EXPECT_EQ(f.mood_genre(0), 0);
  EXPECT_EQ(f.mood_genre(1), 1);
  EXPECT_EQ(f.mood_genre(2), 1);   // case-insensitive
  EXPECT_EQ(f.mood_genre(3), -1);  // unknown genre
  EXPECT_EQ(f.style(3), -1);       // unknown tag key ignored
  // The star features in 3 artworks, the extra in 1: prominence log1p(n)/log1p(3).
  EXPECT_FLOAT_EQ(f.prominence(0), 1.0f);
  EXPECT_FLOAT_EQ(f.prominence(1), 0.0f);
  EXPECT_FLOAT_EQ(f.prominence(2), 1.0f);
}

TEST(ArtworkFeaturesTest, MemberVectorIsSmoothedGenreShare) {
  ArtworkFeatures f(SmallCatalog());
  std::vector<float> m(f.member_dim());
  // Two plays of title 0 (drama) and one of title 1 (drama + horror, half each):
  // drama 2.5, horror 0.5 of 3 plays, plus 2 pseudo-plays split evenly.
  const std::vector<uint32_t> titles = {0, 0, 1};
  f.MemberVector(titles, {}, m);
  EXPECT_FLOAT_EQ(m[0], 1.0f);
  EXPECT_FLOAT_EQ(m[1], 3.5f / 5.0f);
  EXPECT_FLOAT_EQ(m[2], 1.5f / 5.0f);
  // No history: uniform.
  f.MemberVector({}, {}, m);
  EXPECT_FLOAT_EQ(m[1], 0.5f);
  EXPECT_FLOAT_EQ(m[2], 0.5f);
  // Weights count, unknown titles are ignored.
  const std::vector<uint32_t> weighted = {2, 99};
  const std::vector<float> w = {3.0f, 5.0f};
  f.MemberVector(weighted, w, m);
  EXPECT_FLOAT_EQ(m[1], 1.0f / 5.0f);
  EXPECT_FLOAT_EQ(m[2], 4.0f / 5.0f);
}

TEST(ArtworkFeaturesTest, JointFeaturesLayout) {
  ArtworkFeatures f(SmallCatalog());
  ASSERT_EQ(f.joint_dim(), 2u + 4u * 2u + 3u);
  const std::vector<float> member = {1.0f, 0.7f, 0.3f};
  std::vector<float> x(f.joint_dim());
  f.JointFeatures(member, 1, x);  // mood horror, style text (index 1), AI, no performer
  const std::vector<float> want = {1.0f, 0.3f,             // bias, affinity to horror
                                   0.0f, 0.0f,             // closeup x affinity
                                   0.7f, 0.3f,             // text x affinity
                                   0.0f, 0.0f,             // ensemble x affinity
                                   0.0f, 1.0f,             // mood one-hot
                                   0.0f, 0.0f, 1.0f};      // performer, prominence, ai
  EXPECT_EQ(x, want);
  f.JointFeatures(member, 3, x);  // no mood, no style, the star
  const std::vector<float> want3 = {1.0f, 0.0f, 0, 0, 0, 0, 0, 0, 0, 0, 1.0f, 1.0f, 0.0f};
  EXPECT_EQ(x, want3);
}


// JointTermsOf is JointFeatures written as terms: the unit terms and the
// style block add up to the dense vector entry for entry, with no zero unit
// term and no entry twice (Thompson sampling's published path reads them).
TEST(ArtworkFeaturesTest, JointTermsRebuildJointFeatures) {
  ArtworkFeatures f(SmallCatalog());
  for (const std::vector<float>& member : {std::vector<float>{1.0f, 0.7f, 0.3f}, std::vector<float>{1.0f, 0.0f, 1.0f}}) {
    for (uint32_t artwork = 0; artwork < f.artwork_count(); ++artwork) {
      std::vector<float> want(f.joint_dim());
      f.JointFeatures(member, artwork, want);
      ArtworkFeatures::JointTerms terms;
      f.JointTermsOf(member, artwork, terms);
      std::vector<float> got(f.joint_dim(), 0.0f);
      std::vector<int> written(f.joint_dim(), 0);
      for (uint32_t k = 0; k < terms.count; ++k) {
        EXPECT_NE(terms.value[k], 0.0f);
        if (k > 0) EXPECT_LT(terms.index[k - 1], terms.index[k]);
        got[terms.index[k]] = terms.value[k];
        ++written[terms.index[k]];
      }
      EXPECT_EQ(terms.style, f.style(artwork));
      if (terms.style >= 0) {
        EXPECT_EQ(terms.block_start, f.StyleBlockStart(static_cast<uint32_t>(terms.style)));
        for (uint32_t g = 0; g < f.genre_count(); ++g) {
          got[terms.block_start + g] = member[1 + g];
          ++written[terms.block_start + g];
        }
      }
      EXPECT_EQ(got, want) << "artwork " << artwork;
      for (size_t i = 0; i < written.size(); ++i) EXPECT_LE(written[i], 1) << "artwork " << artwork << " entry " << i;
    }
  }
}

}  // namespace
}  // namespace marquee
