#include "marquee/util/section_file.h"

#include <gtest/gtest.h>

#include "../test_util.h"
#include "marquee/util/checksum.h"

namespace marquee {
namespace {

using test::ReadFile;
using test::TempDir;
using test::WriteFile;

constexpr uint32_t kTagA = FourCC("AAAA");
constexpr uint32_t kTagB = FourCC("BBBB");

TEST(SectionFileTest, RoundTripsOwnedAndBorrowedSections) {
  TempDir dir;
  SectionFileWriter w("MQTEST", 3);
  ByteWriter a;
  a.U32(7);
  a.String("hello");
  a.F64(2.5);
  w.AddSection(kTagA, std::move(a));
  std::vector<float> big = {1.5f, -2.0f, 3.25f};
  w.AddBorrowedSection(kTagB, {"xyz", AsBytes(big)});
  ASSERT_TRUE(w.Write(dir.File("f")).ok());
  EXPECT_EQ(ReadFile(dir.File("f")).size() % 8, 0u);

  auto r = SectionFileReader::Open(dir.File("f"), "MQTEST", 3, "test");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version(), 3u);
  ByteReader in(*r->Section(kTagA), "a");
  EXPECT_EQ(in.U32(), 7u);
  EXPECT_EQ(in.String(), "hello");
  EXPECT_EQ(in.F64(), 2.5);
  EXPECT_TRUE(in.AtEnd());
  std::string_view b = *r->Section(kTagB);
  ASSERT_EQ(b.size(), 3 + 12u);
  EXPECT_EQ(b.substr(0, 3), "xyz");
  EXPECT_FALSE(r->Section(FourCC("CCCC")).ok());
}

TEST(SectionFileTest, RefusesNewerVersionAndOtherKinds) {
  TempDir dir;
  ASSERT_TRUE(SectionFileWriter("MQTEST", 4).Write(dir.File("f")).ok());
  auto newer = SectionFileReader::Open(dir.File("f"), "MQTEST", 3, "test");
  EXPECT_EQ(newer.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(newer.status().message().find("version 4"), std::string::npos);
  auto other = SectionFileReader::Open(dir.File("f"), "MQOTHER", 9, "other");
  EXPECT_EQ(other.status().code(), Status::Code::kCorruption);
}

TEST(SectionFileTest, ByteReaderStopsAtTheEndWithoutReadingPastIt) {
  ByteWriter w;
  w.U32(1000000);  // a string length far beyond the data
  ByteReader in(w.bytes(), "ctx");
  EXPECT_EQ(in.String(), "");
  EXPECT_FALSE(in.ok());
  EXPECT_NE(in.status().message().find("ctx: invalid data: truncated"), std::string::npos);
  EXPECT_EQ(in.U64(), 0u);  // later reads return zeros
}

TEST(ChecksumTest, Crc32KnownAnswerAndIncremental) {
  // The standard check value of CRC-32 (ISO-HDLC) for "123456789".
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32("6789", Crc32("12345")), 0xCBF43926u);
}

TEST(ChecksumTest, Hash64SpreadsSimilarKeys) {
  EXPECT_NE(Hash64("1"), Hash64("2"));
  EXPECT_NE(Hash64("12345678a"), Hash64("12345678b"));
  EXPECT_EQ(Hash64("same"), Hash64("same"));
}

}  // namespace
}  // namespace marquee
