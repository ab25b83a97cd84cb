// JsonWriter against an independent method: nlohmann's dump (through
// json_fields::Dump) of the same values, byte for byte.
#include "marquee/util/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "marquee/util/json_fields.h"
#include "marquee/util/random.h"

namespace marquee {
namespace {

using nlohmann::json;

std::string WriteString(std::string_view s) {
  JsonWriter w;
  w.String(s);
  return w.Take();
}

std::string WriteDouble(double d) {
  JsonWriter w;
  w.Double(d);
  return w.Take();
}

TEST(JsonWriterTest, StringsEscapeLikeNlohmann) {
  const std::vector<std::string> cases = {
      "", "plain", "quote \" backslash \\ slash /", "\b\f\n\r\t", std::string("nul \0 byte", 10),
      "\x01\x1f\x7f", "café ☕ 🎬", "caf\xe9",            // Latin-1: not UTF-8
      "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",       // overlong, surrogate, past U+10FFFF
      "trunc\xe2\x82", "\xe2\x82\xac euro"};
  for (const std::string& s : cases) {
    EXPECT_EQ(WriteString(s), json_fields::Dump(json(s))) << json_fields::Dump(json(s));
  }
}

TEST(JsonWriterTest, RandomBytesMatchNlohmann) {
  Rng rng(7);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string s(rng.Below(13), ' ');
    // Mostly high bytes and controls: the cases where escaping and UTF-8
    // checking decide.
    for (char& c : s) c = static_cast<char>(rng.Bernoulli(0.5) ? 0x80 + rng.Below(0x80) : rng.Below(0x80));
    ASSERT_EQ(WriteString(s), json_fields::Dump(json(s))) << trial;
  }
}

TEST(JsonWriterTest, NumbersReadBackExactlyAndKeepTheirType) {
  Rng rng(3);
  std::vector<double> values = {0.0, -0.0, 1.0, -2.0, 0.1, 1e-7, 123456789.0, 1e300, 5e-324,
                                static_cast<double>(0.69f)};
  for (int i = 0; i < 1000; ++i) values.push_back(rng.Uniform(-1, 1) * std::pow(10.0, static_cast<int>(rng.Below(25)) - 12));
  for (const double d : values) {
    const std::string text = WriteDouble(d);
    const json back = json::parse(text);
    ASSERT_TRUE(back.is_number_float()) << text;
    EXPECT_EQ(back.get<double>(), d) << text;
  }
  EXPECT_EQ(WriteDouble(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(WriteDouble(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(WriteDouble(0.5), json_fields::Dump(json(0.5)));
  EXPECT_EQ(WriteDouble(3.0), json_fields::Dump(json(3.0)));
}

TEST(JsonWriterTest, NestedStructureMatchesDumpOfTheSameTree) {
  JsonWriter w;
  w.BeginObject()
      .Key("a").BeginArray().Int(-3).Uint(18446744073709551615ULL).Bool(true).Null().EndArray()
      .Key("b").BeginObject().EndObject()
      .Key("c").BeginArray().EndArray()
      .Key("d").BeginArray().BeginObject().Key("x").String("y").EndObject().BeginObject().EndObject().EndArray()
      .Key("e").Double(0.25)
      .EndObject();
  const json tree = {{"a", {-3, 18446744073709551615ULL, true, nullptr}},
                     {"b", json::object()},
                     {"c", json::array()},
                     {"d", {{{"x", "y"}}, json::object()}},
                     {"e", 0.25}};
  EXPECT_EQ(w.text(), json_fields::Dump(tree));
  EXPECT_EQ(w.Take(), json_fields::Dump(tree));
  EXPECT_EQ(w.text(), "");  // Take leaves it empty and reusable
  w.BeginArray().Int(1).EndArray();
  EXPECT_EQ(w.Take(), "[1]");
}

}  // namespace
}  // namespace marquee
