#include "marquee/data/territory.h"

#include <gtest/gtest.h>

namespace marquee {
namespace {

TEST(TerritoryTest, CountriesAndSubdivisionsInIsoShape) {
  for (const char* code : {"US", "GB", "US-NY", "FR-75", "GB-ENG", "IN-1"}) EXPECT_TRUE(IsTerritoryCode(code)) << code;
  for (const char* code : {"", "U", "us", "USA", "US-", "US-ABCD", "US_NY", "U1", "US-ny"}) {
    EXPECT_FALSE(IsTerritoryCode(code)) << code;
  }
}

}  // namespace
}  // namespace marquee
