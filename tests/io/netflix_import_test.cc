#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../test_util.h"
#include "marquee/io/import.h"
#include "marquee/util/file.h"

namespace marquee {
namespace {

using test::TempDir;

Status ImportError(const std::string& dir, ImportOptions options = {}) {
  Result<ImportResult> r = ImportNetflix(dir, options);
  return r.ok() ? Status::OK() : r.status();
}

void WriteSample(const TempDir& dir) {
  dir.Write("movie_titles.csv",
            "1,2003,Dinosaur Planet\r\n"
            "2,NULL,Isle of Man TT 2004 Review\r\n"
            "3,1997,Character, The (Caf\xE9, with commas)\r\n");
  dir.Write("combined_data_1.txt",
            "1:\n1488844,3,2005-09-06\n822109,5,2005-05-13\n3:\n1488844,4,2004-02-29\n");
  dir.Write("combined_data_2.txt", "2:\n30878,4,2005-12-26");
}

TEST(NetflixImportTest, ReadsCombinedFilesWithTitlesAndDates) {
  TempDir dir;
  WriteSample(dir);
  Result<ImportResult> r = ImportNetflix(dir.path(), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Dataset& d = r->dataset;
  ASSERT_TRUE(d.Validate().ok());
  EXPECT_EQ(r->report.format, "netflix");
  EXPECT_EQ(d.source, "netflix: " + dir.path());
  EXPECT_EQ(r->report.rows_read, 4u);
  ASSERT_EQ(d.members.size(), 3u);
  EXPECT_EQ(d.members.ExternalId(0), "1488844");
  EXPECT_EQ(d.members.ExternalId(2), "30878");
  ASSERT_EQ(d.titles.size(), 3u);
  EXPECT_EQ(d.catalog.titles()[0].name, "Dinosaur Planet");
  EXPECT_EQ(d.catalog.titles()[0].year, 2003);
  EXPECT_EQ(d.catalog.titles()[1].year, 0);  // NULL
  EXPECT_EQ(d.catalog.titles()[2].name, "Character, The (Café, with commas)");
  EXPECT_EQ(d.catalog.titles()[2].year, 1997);
  // Member 1488844 rated movie 1 (index 0) and movie 3 (index 2).
  ASSERT_EQ(d.interactions.RowLength(0), 2u);
  EXPECT_EQ(d.interactions.RowIndices(0)[1], 2u);
  EXPECT_EQ(d.interactions.RowWeights(0)[0], 3.0f);
  EXPECT_EQ(d.interactions.RowTimes(0)[0], 1125964800);  // 2005-09-06
  EXPECT_EQ(d.interactions.RowTimes(0)[1], 1078012800);  // 2004-02-29 (leap day)
  EXPECT_EQ(d.interactions.RowTimes(2)[0], 1135555200);  // 2005-12-26, no trailing newline
}

TEST(NetflixImportTest, TitlesComeFromRatingsWithoutMovieTitles) {
  TempDir dir;
  dir.Write("combined_data_1.txt", "10:\n5,1,2005-01-01\n4:\n5,2,2005-01-02\n");
  Result<ImportResult> r = ImportNetflix(dir.path(), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->dataset.titles.size(), 2u);
  EXPECT_EQ(r->dataset.titles.ExternalId(0), "10");
  EXPECT_EQ(r->dataset.titles.ExternalId(1), "4");
  EXPECT_EQ(r->dataset.catalog.size(), 2u);
  EXPECT_EQ(r->dataset.catalog.titles()[0].name, "");
}

TEST(NetflixImportTest, ReadsTrainingSetFolderInNameOrder) {
  TempDir dir;
  dir.Write("training_set/mv_0000002.txt", "2:\n5,3,2005-01-01\n");
  dir.Write("training_set/mv_0000001.txt", "1:\n6,4,2005-01-02\n");
  Result<ImportResult> r = ImportNetflix(dir.path(), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->dataset.titles.ExternalId(0), "1");
  EXPECT_EQ(r->dataset.members.ExternalId(0), "6");
  EXPECT_EQ(r->dataset.interactions.nnz(), 2u);
  EXPECT_EQ(r->dataset.interactions.times()[0], 1104624000);
}

TEST(NetflixImportTest, ErrorsNameFileAndLine) {
  TempDir dir;
  dir.Write("combined_data_1.txt", "1,3,2005-09-06\n");
  EXPECT_EQ(ImportError(dir.path()).message(),
            "combined_data_1.txt:1: expected a movie line \"ID:\" before the ratings, found "
            "\"1,3,2005-09-06\"");
  dir.Write("combined_data_1.txt", "1:\n1,3,2005-13-01\n");
  EXPECT_EQ(ImportError(dir.path()).message(),
            "combined_data_1.txt:2: expected a date (YYYY-MM-DD) in column 3, found \"2005-13-01\"");
  dir.Write("combined_data_1.txt", "1:\n1,x,2005-01-01\n");
  EXPECT_EQ(ImportError(dir.path()).message(),
            "combined_data_1.txt:2: expected a rating (number) in column 2, found \"x\"");
  dir.Write("combined_data_1.txt", "1:\n1,3\n");
  EXPECT_EQ(ImportError(dir.path()).message(),
            "combined_data_1.txt:2: expected 3 fields separated by ',', found 2 in \"1,3\"");
  dir.Write("combined_data_1.txt", "");
  EXPECT_EQ(ImportError(dir.path()).message(),
            "combined_data_1.txt:1: expected a movie line \"ID:\", found an empty file");
  dir.Write("combined_data_1.txt", "1:\n1,3,2005-01-01\n");
  dir.Write("movie_titles.csv", "1,19x,Broken\n");
  EXPECT_EQ(ImportError(dir.path()).message(),
            "movie_titles.csv:1: expected a year or NULL in column 2, found \"19x\"");
  dir.Write("movie_titles.csv", "2,2001,Other\n");
  Status s = ImportError(dir.path());
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_EQ(s.message(), "combined_data_1.txt:1: title 1 is not in movie_titles.csv");
}

TEST(NetflixImportTest, MissingFilesAreNotFound) {
  TempDir dir;
  Status s = ImportError(dir.path());
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_EQ(s.message(), "no Netflix Prize files in " + dir.path() +
                             ": expected combined_data_1.txt .. combined_data_4.txt or "
                             "training_set/mv_*.txt");
  const std::string missing = JoinPath(dir.path(), "gone");
  EXPECT_EQ(ImportError(missing).message(),
            missing + ": no such directory (expected a Netflix Prize folder)");
}

TEST(NetflixImportTest, SkipInvalidSkipsRatingsOfUnknownMovies) {
  TempDir dir;
  dir.Write("movie_titles.csv", "1,2000,One\n");
  dir.Write("combined_data_1.txt", "1:\n1,3,2005-01-01\n9:\n1,4,2005-01-01\n2,4,2005-01-01\n");
  ImportOptions options;
  options.skip_invalid = true;
  Result<ImportResult> r = ImportNetflix(dir.path(), options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->report.rows_read, 3u);
  EXPECT_EQ(r->report.rows_kept, 1u);
  EXPECT_EQ(r->report.rows_invalid, 3u);  // the movie line and its two ratings
  EXPECT_EQ(r->report.invalid_examples[0], "combined_data_1.txt:3: title 9 is not in movie_titles.csv");
  EXPECT_EQ(r->dataset.members.size(), 1u);
}

TEST(NetflixImportTest, MinRatingAppliesToStars) {
  TempDir dir;
  WriteSample(dir);
  ImportOptions options;
  options.min_rating = 4;
  Result<ImportResult> r = ImportNetflix(dir.path(), options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->report.rows_below_min_rating, 1u);
  EXPECT_EQ(r->dataset.interactions.nnz(), 3u);
  EXPECT_EQ(r->dataset.weight_kind, WeightKind::kBinary);
}

// ---------------------------------------------------------------- issue 10

TEST(NetflixImportTest, IdsMustBeUtf8AndLatin1TitlesStayConverted) {
  TempDir dir;
  WriteSample(dir);  // movie_titles.csv has a Latin-1 name: converted, not refused
  dir.Write("combined_data_2.txt", "2:\n30878,4,2005-12-26\ncust\xE9,4,2005-12-26\n");
  Status s = ImportError(dir.path());
  EXPECT_TRUE(s.message().starts_with("combined_data_2.txt:3: expected UTF-8, found byte 0xE9"))
      << s.message();
  ImportOptions latin1;
  latin1.encoding = TextEncoding::kLatin1;
  Result<ImportResult> r = ImportNetflix(dir.path(), latin1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->dataset.members.Find("cust\xC3\xA9"), IdMap::kNotFound);
  EXPECT_EQ(r->dataset.catalog.titles()[2].name, "Character, The (Caf\xC3\xA9, with commas)");

  TempDir bare;  // no movie_titles.csv: ids from the "ID:" lines
  bare.Write("combined_data_1.txt", "m\xE9:\n1,3,2005-09-06\n");
  s = ImportError(bare.path());
  EXPECT_TRUE(s.message().starts_with("combined_data_1.txt:1: expected UTF-8, found byte 0xE9"))
      << s.message();
  r = ImportNetflix(bare.path(), latin1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->dataset.titles.ExternalId(0), "m\xC3\xA9");
}

TEST(NetflixImportTest, DatesTakeNoTimeUnit) {
  TempDir dir;
  WriteSample(dir);
  ImportOptions ms;
  ms.time_unit = TimeUnit::kMilliseconds;
  Status s = ImportError(dir.path(), ms);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("dates"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace marquee
