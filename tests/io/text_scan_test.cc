#include "marquee/io/text_scan.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace marquee {
namespace {

std::vector<std::string> AllLines(std::string_view text) {
  LineScanner scanner(text);
  std::vector<std::string> out;
  std::string_view line;
  while (scanner.Next(&line)) out.emplace_back(line);
  return out;
}

TEST(TextScanTest, LinesHandleCrlfMissingNewlineBomAndNul) {
  EXPECT_EQ(AllLines("a\r\nb\nc"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(AllLines("a\n\nb\n"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(AllLines(""), std::vector<std::string>{});
  EXPECT_EQ(AllLines("\xEF\xBB\xBFx\n"), std::vector<std::string>{"x"});
  EXPECT_EQ(AllLines(std::string_view("a\0b\nc", 5)),
            (std::vector<std::string>{std::string("a\0b", 3), "c"}));
  LineScanner scanner("x\ny\n");
  std::string_view line;
  ASSERT_TRUE(scanner.Next(&line));
  ASSERT_TRUE(scanner.Next(&line));
  EXPECT_EQ(scanner.line_number(), 2u);
  EXPECT_EQ(scanner.offset(), 4u);
  EXPECT_FALSE(scanner.Next(&line));
}

TEST(TextScanTest, SplitterUnquotesRfc4180Fields) {
  FieldSplitter split(',');
  ASSERT_TRUE(split.Split("11,\"American President, The (1995)\",Comedy|Drama"));
  ASSERT_EQ(split.size(), 3u);
  EXPECT_EQ(split[1], "American President, The (1995)");
  ASSERT_TRUE(split.Split("1,\"say \"\"hi\"\"\",\"a\"\"b\"\"c\",x"));
  ASSERT_EQ(split.size(), 4u);
  EXPECT_EQ(split[1], "say \"hi\"");
  EXPECT_EQ(split[2], "a\"b\"c");
  ASSERT_TRUE(split.Split(",,"));
  EXPECT_EQ(split.size(), 3u);
  ASSERT_TRUE(split.Split("a,\"\""));
  ASSERT_EQ(split.size(), 2u);
  EXPECT_EQ(split[1], "");
  ASSERT_TRUE(split.Split("ab\"c,d"));  // quotes inside a field are literal
  EXPECT_EQ(split[0], "ab\"c");
  EXPECT_FALSE(split.Split("1,\"unterminated"));
  EXPECT_STREQ(split.error(), "a closing quote");
  EXPECT_FALSE(split.Split("1,\"x\"y,2"));
  EXPECT_STREQ(split.error(), "a delimiter after a closing quote");
}

TEST(TextScanTest, SplitOnStringCapsFieldCount) {
  std::string_view f[5];
  EXPECT_EQ(SplitOnString("1::2::3::4", "::", f, 5), 4u);
  EXPECT_EQ(f[3], "4");
  EXPECT_EQ(SplitOnString("1\t2\t3\t4\t5\t6", "\t", f, 5), 5u);
  EXPECT_EQ(f[4], "5\t6");
  EXPECT_EQ(SplitOnString("", ",", f, 5), 1u);
  EXPECT_EQ(f[0], "");
}

TEST(TextScanTest, NumbersAreStrictAndFinite) {
  float r;
  EXPECT_TRUE(ParseFiniteFloat("3.5", &r));
  EXPECT_EQ(r, 3.5f);
  EXPECT_TRUE(ParseFiniteFloat("4", &r));
  EXPECT_EQ(r, 4.0f);
  EXPECT_TRUE(ParseFiniteFloat("0.25", &r));
  EXPECT_EQ(r, 0.25f);
  EXPECT_TRUE(ParseFiniteFloat("-1.5e2", &r));
  EXPECT_EQ(r, -150.0f);
  for (const char* bad : {"", "abc", ".", "3,5", " 4", "nan", "inf", "1e99", "4x"}) {
    EXPECT_FALSE(ParseFiniteFloat(bad, &r)) << bad;
  }
  int64_t v;
  EXPECT_TRUE(ParseInt64("-12", &v));
  EXPECT_EQ(v, -12);
  EXPECT_FALSE(ParseInt64("99999999999999999999", &v));
  EXPECT_FALSE(ParseInt64("12a", &v));
  uint32_t id;
  EXPECT_TRUE(ParseSmallDecimalId("0", 100, &id));
  EXPECT_TRUE(ParseSmallDecimalId("42", 100, &id));
  EXPECT_EQ(id, 42u);
  EXPECT_FALSE(ParseSmallDecimalId("042", 100, &id));
  EXPECT_FALSE(ParseSmallDecimalId("100", 100, &id));
  EXPECT_FALSE(ParseSmallDecimalId("", 100, &id));
  EXPECT_FALSE(ParseSmallDecimalId("-1", 100, &id));
}

TEST(TextScanTest, IsoTimesAreUtcSeconds) {
  int64_t t;
  ASSERT_TRUE(ParseIsoTime("1970-01-01", &t));
  EXPECT_EQ(t, 0);
  ASSERT_TRUE(ParseIsoTime("2005-09-06", &t));
  EXPECT_EQ(t, 1125964800);
  ASSERT_TRUE(ParseIsoTime("2000-02-29T12:34:56Z", &t));
  EXPECT_EQ(t, 951827696);
  ASSERT_TRUE(ParseIsoTime("2000-02-29 12:34:56", &t));
  EXPECT_EQ(t, 951827696);
  ASSERT_TRUE(ParseIsoTime("2000-02-29T12:34:56.789Z", &t));
  EXPECT_EQ(t, 951827696);
  ASSERT_TRUE(ParseIsoTime("1969-12-31", &t));
  EXPECT_EQ(t, -86400);
  for (const char* bad : {"2001-02-29", "2005-13-01", "2005-00-10", "2005-9-6", "2005-09-06T25:00:00",
                          "2005-09-06T10:00", "2005-09-06X", "2005/09/06", "2005-09-06T10:00:00+01:00"}) {
    EXPECT_FALSE(ParseIsoTime(bad, &t)) << bad;
  }
  ASSERT_TRUE(ParseTime("964982703", &t));
  EXPECT_EQ(t, 964982703);
  ASSERT_TRUE(ParseTime("2018-07-30", &t));
  EXPECT_EQ(t, 1532908800);
  EXPECT_FALSE(ParseTime("yesterday", &t));
}

TEST(TextScanTest, Latin1BecomesUtf8OnlyWhenNotAlreadyUtf8) {
  EXPECT_EQ(Latin1ToUtf8("Mis\xE9rables"), "Mis\xC3\xA9rables");
  EXPECT_EQ(ToUtf8("Mis\xE9rables"), "Misérables");
  EXPECT_EQ(ToUtf8("Misérables"), "Misérables");  // already UTF-8: untouched
  EXPECT_EQ(ToUtf8("plain"), "plain");
  EXPECT_TRUE(IsValidUtf8("日本語 €"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
}

TEST(TextScanTest, FirstInvalidUtf8FindsTheOffendingByte) {
  EXPECT_EQ(FirstInvalidUtf8("Caf\xC3\xA9"), std::string_view::npos);
  EXPECT_EQ(FirstInvalidUtf8("jos\xE9"), 3u);            // Latin-1 at the end
  EXPECT_EQ(FirstInvalidUtf8("\xC3\xA9t\xE9 x"), 3u);   // after a valid sequence
  EXPECT_EQ(FirstInvalidUtf8("ab\xFF"), 2u);
  EXPECT_EQ(FirstInvalidUtf8(""), std::string_view::npos);
}

TEST(TextScanTest, TitleYearIsSplitFromTheEnd) {
  std::string_view name;
  int32_t year;
  SplitTitleYear("Toy Story (1995)", &name, &year);
  EXPECT_EQ(name, "Toy Story");
  EXPECT_EQ(year, 1995);
  SplitTitleYear("City of Lost Children, The (Cité des enfants perdus, La) (1995) ", &name, &year);
  EXPECT_EQ(name, "City of Lost Children, The (Cité des enfants perdus, La)");
  EXPECT_EQ(year, 1995);
  SplitTitleYear("Babylon 5", &name, &year);
  EXPECT_EQ(name, "Babylon 5");
  EXPECT_EQ(year, 0);
  SplitTitleYear("Fawlty Towers (1975-1979)", &name, &year);
  EXPECT_EQ(name, "Fawlty Towers (1975-1979)");
  EXPECT_EQ(year, 0);
  SplitTitleYear("(1995)", &name, &year);
  EXPECT_EQ(name, "(1995)");
  EXPECT_EQ(year, 0);
}

TEST(TextScanTest, TrimAndDelimiterNames) {
  EXPECT_EQ(TrimSpaces("  a b\t "), "a b");
  EXPECT_EQ(TrimSpaces("   "), "");
  EXPECT_EQ(DelimiterName('\t'), "tab");
  EXPECT_EQ(DelimiterName(';'), "';'");
}

}  // namespace
}  // namespace marquee
