#include "marquee/data/dataset_file.h"

#include <gtest/gtest.h>

#include <cstring>

#include "../test_util.h"
#include "marquee/util/checksum.h"

namespace marquee {
namespace {

using test::ReadFile;
using test::TempDir;
using test::WriteFile;

Dataset MakeDataset() {
  Dataset d;
  d.source = "hand-made";
  d.weight_kind = WeightKind::kPlays;
  for (const char* m : {"alice", "bob", "carol"}) d.members.GetOrAdd(m);
  for (const char* t : {"t1", "t2"}) d.titles.GetOrAdd(t);
  InteractionBuilder b;
  b.Add(0, 1, 0.5f, 1700000000);
  b.Add(2, 0, 1.0f, 1700000100);
  b.Add(2, 1, 0.25f, 1700000200);
  d.interactions = b.Build(3, 2, DuplicateRule::kSum);
  uint32_t ana = d.catalog.AddPerformer({"p1", "Ana Lima"});
  d.catalog.Resize(2);
  Title& t = d.catalog.titles()[0];
  t.name = "Amélie at Sea";
  t.year = 2001;
  t.genres = {d.catalog.GenreIndex("Comedy"), d.catalog.GenreIndex("Romance")};
  t.maturity = "PG";
  t.regions = {"FR", "US"};
  t.artwork.push_back(Artwork{"t1-a0", {"mood:Comedy"}, {ana}, false});
  t.artwork.push_back(Artwork{"t1-a1", {"style:text"}, {}, true});
  d.catalog.titles()[1].name = "Untitled";
  return d;
}

void ExpectSame(const Dataset& a, const Dataset& b) {
  EXPECT_EQ(a.members, b.members);
  EXPECT_EQ(a.titles, b.titles);
  EXPECT_EQ(a.interactions, b.interactions);
  EXPECT_EQ(a.catalog, b.catalog);
  EXPECT_EQ(a.weight_kind, b.weight_kind);
  EXPECT_EQ(a.source, b.source);
}

TEST(DatasetFileTest, RoundTrip) {
  TempDir dir;
  Dataset d = MakeDataset();
  ASSERT_TRUE(SaveDataset(d, dir.File("d.mqd")).ok());
  Result<Dataset> loaded = LoadDataset(dir.File("d.mqd"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectSame(d, *loaded);
  EXPECT_EQ(loaded->members.Find("carol"), 2u);
  EXPECT_EQ(loaded->catalog.titles()[0].artwork[0].performers[0], 0u);
}

TEST(DatasetFileTest, EmptyDatasetRoundTrips) {
  TempDir dir;
  Dataset d;
  ASSERT_TRUE(SaveDataset(d, dir.File("e.mqd")).ok());
  Result<Dataset> loaded = LoadDataset(dir.File("e.mqd"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectSame(d, *loaded);
}

TEST(DatasetFileTest, SaveLeavesNoTemporaryFileAndReplacesAtomically) {
  TempDir dir;
  ASSERT_TRUE(SaveDataset(MakeDataset(), dir.File("d.mqd")).ok());
  ASSERT_TRUE(SaveDataset(Dataset{}, dir.File("d.mqd")).ok());
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
  EXPECT_EQ(LoadDataset(dir.File("d.mqd"))->members.size(), 0u);
}

TEST(DatasetFileTest, SaveRefusesAnInconsistentDataset) {
  TempDir dir;
  Dataset d = MakeDataset();
  d.members.GetOrAdd("dave");  // 4 members, 3 rows
  Status s = SaveDataset(d, dir.File("d.mqd"));
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_FALSE(std::filesystem::exists(dir.File("d.mqd")));
}

TEST(DatasetFileTest, EveryFlippedByteIsDetected) {
  TempDir dir;
  ASSERT_TRUE(SaveDataset(MakeDataset(), dir.File("d.mqd")).ok());
  const std::string good = ReadFile(dir.File("d.mqd"));
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] ^= 0x5a;
    WriteFile(dir.File("bad.mqd"), bad);
    Result<Dataset> r = LoadDataset(dir.File("bad.mqd"));
    // Padding bytes are outside every checksum; all other bytes must be caught.
    if (r.ok()) {
      ExpectSame(MakeDataset(), *r);
      continue;
    }
    EXPECT_NE(r.status().message().find("bad.mqd"), std::string::npos) << r.status().ToString();
  }
}

TEST(DatasetFileTest, EveryTruncationIsDetected) {
  TempDir dir;
  ASSERT_TRUE(SaveDataset(MakeDataset(), dir.File("d.mqd")).ok());
  const std::string good = ReadFile(dir.File("d.mqd"));
  for (size_t n = 0; n < good.size(); ++n) {
    WriteFile(dir.File("cut.mqd"), good.substr(0, n));
    Result<Dataset> r = LoadDataset(dir.File("cut.mqd"));
    ASSERT_FALSE(r.ok()) << "truncated to " << n << " bytes was accepted";
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
  }
}

TEST(DatasetFileTest, ClearErrorsForMissingWrongKindAndNewerVersion) {
  TempDir dir;
  Result<Dataset> missing = LoadDataset(dir.File("nope.mqd"));
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.mqd"), std::string::npos);

  WriteFile(dir.File("text.mqd"), "userId,movieId\n1,2\n");
  Result<Dataset> text = LoadDataset(dir.File("text.mqd"));
  EXPECT_NE(text.status().message().find("wrong magic"), std::string::npos);

  ASSERT_TRUE(SaveDataset(MakeDataset(), dir.File("d.mqd")).ok());
  std::string bytes = ReadFile(dir.File("d.mqd"));
  uint32_t version = kDatasetFormatVersion + 1;
  std::memcpy(bytes.data() + 8, &version, 4);
  // Re-seal the header so that only the version is "wrong".
  uint32_t crc = Crc32(std::string_view(bytes.data(), 24));
  std::memcpy(bytes.data() + 24, &crc, 4);
  WriteFile(dir.File("new.mqd"), bytes);
  Result<Dataset> newer = LoadDataset(dir.File("new.mqd"));
  EXPECT_EQ(newer.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(newer.status().message().find("newer than this build supports"), std::string::npos)
      << newer.status().ToString();
}

}  // namespace
}  // namespace marquee
