#include "marquee/data/id_map.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_map>

#include "marquee/util/random.h"

namespace marquee {
namespace {

TEST(IdMapTest, AssignsDenseIndicesInOrderOfFirstAppearance) {
  IdMap ids;
  EXPECT_EQ(ids.GetOrAdd("u42"), 0u);
  EXPECT_EQ(ids.GetOrAdd("u7"), 1u);
  EXPECT_EQ(ids.GetOrAdd("u42"), 0u);
  EXPECT_EQ(ids.GetOrAdd(""), 2u);
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids.ExternalId(1), "u7");
  EXPECT_EQ(ids.ExternalId(2), "");
  EXPECT_EQ(ids.Find("u7"), 1u);
  EXPECT_EQ(ids.Find("nobody"), IdMap::kNotFound);
}

TEST(IdMapTest, AgreesWithStdUnorderedMapOnManyIds) {
  // Many ids force several table growths; an independent map is the oracle.
  IdMap ids;
  std::unordered_map<std::string, uint32_t> oracle;
  Rng rng(7);
  for (int i = 0; i < 200000; ++i) {
    std::string id = std::to_string(rng.Below(60000));
    uint32_t expected = oracle.emplace(id, static_cast<uint32_t>(oracle.size())).first->second;
    ASSERT_EQ(ids.GetOrAdd(id), expected) << id;
  }
  EXPECT_EQ(ids.size(), oracle.size());
  for (const auto& [id, index] : oracle) {
    EXPECT_EQ(ids.Find(id), index);
    EXPECT_EQ(ids.ExternalId(index), id);
  }
}

TEST(IdMapTest, RoundTripsThroughParts) {
  IdMap ids;
  for (const char* s : {"a", "bb", "ccc", "dddd"}) ids.GetOrAdd(s);
  auto copy = IdMap::FromParts(ids.arena(), ids.offsets());
  ASSERT_TRUE(copy.has_value());
  EXPECT_EQ(*copy, ids);
  EXPECT_EQ(copy->Find("ccc"), 2u);
}

TEST(IdMapTest, FromPartsRejectsInconsistentOrDuplicateIds) {
  EXPECT_FALSE(IdMap::FromParts("abab", {0, 2, 4}).has_value());      // "ab" twice
  EXPECT_FALSE(IdMap::FromParts("abc", {0, 2, 5}).has_value());       // past the arena
  EXPECT_FALSE(IdMap::FromParts("abc", {0, 2, 1, 3}).has_value());    // decreasing
  EXPECT_FALSE(IdMap::FromParts("abc", {}).has_value());
  EXPECT_TRUE(IdMap::FromParts("", {0}).has_value());
}

}  // namespace
}  // namespace marquee
