#include "marquee/util/json_fields.h"

#include <gtest/gtest.h>

#include <string>

namespace marquee::json_fields {
namespace {

std::string Repeated(std::string_view text) {
  std::string repeated;
  const nlohmann::json doc = ParseNoRepeatedKeys(text, &repeated);
  EXPECT_FALSE(doc.is_discarded()) << text;
  return repeated;
}

TEST(JsonFieldsTest, FindsTheFirstKeyGivenTwiceInOneObjectWithItsPath) {
  EXPECT_EQ(Repeated(R"({"a": 1, "b": 2})"), "");
  EXPECT_EQ(Repeated(R"({"a": 1, "a": 2})"), "a");
  // The same key in different objects is no repetition.
  EXPECT_EQ(Repeated(R"({"x": {"a": 1}, "y": {"a": 2}, "cells": [{"a": 1}, {"a": 2}]})"), "");
  EXPECT_EQ(Repeated(R"({"cells": [{"name": "c"}, {"name": "t", "model": "m", "model": "n"}]})"), "cells[1].model");
  // Primitive array elements count towards the index too.
  EXPECT_EQ(Repeated(R"({"list": [1, [2], {"k": 1, "k": 2}]})"), "list[2].k");
  EXPECT_EQ(Repeated(R"({"outer": {"inner": {"z": 1, "z": 1}}})"), "outer.inner.z");
  // The first repetition is the one reported; the document is still read (last value kept).
  std::string repeated;
  const nlohmann::json doc = ParseNoRepeatedKeys(R"({"b": 1, "b": 2, "c": 3, "c": 4})", &repeated);
  EXPECT_EQ(repeated, "b");
  EXPECT_EQ(doc["b"], 2);
  // Text that is not JSON is a discarded document.
  EXPECT_TRUE(ParseNoRepeatedKeys("{not json", &repeated).is_discarded());
}

}  // namespace
}  // namespace marquee::json_fields
