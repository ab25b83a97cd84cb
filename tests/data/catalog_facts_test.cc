// Performer facts, title facts and artwork provenance: the vocabularies, and
// the dataset file keeping them (version 2's FACT section) while version 1
// files still load.
#include <gtest/gtest.h>

#include "../test_util.h"
#include "marquee/data/dataset_file.h"
#include "marquee/util/civil_time.h"
#include "marquee/util/section_file.h"

namespace marquee {
namespace {

using test::TempDir;

int32_t Day(const char* text) { return static_cast<int32_t>(*ParseCivilDate(text)); }

Dataset MakeDatasetWithFacts() {
  Dataset d;
  d.source = "facts";
  for (const char* m : {"alice", "bob"}) d.members.GetOrAdd(m);
  for (const char* t : {"t1", "t2"}) d.titles.GetOrAdd(t);
  InteractionBuilder b;
  b.Add(0, 1, 1.0f, 1700000000);
  d.interactions = b.Build(2, 2, DuplicateRule::kSum);
  Performer ana{"p1", "Ana Lima"};
  ana.birth_date = Day("1980-02-29");
  ana.unions = {"SAG-AFTRA", "Equity"};
  ana.representative = "Northlight Talent";
  Performer ben{"p2", "Ben Ode"};
  ben.birth_date = Day("1931-06-01");
  ben.death_date = Day("2019-12-31");
  const uint32_t a = d.catalog.AddPerformer(ana);
  const uint32_t c = d.catalog.AddPerformer(ben);
  d.catalog.Resize(2);
  Title& t = d.catalog.titles()[0];
  t.name = "Harbor";
  t.runtime_minutes = 47;
  t.release_date = Day("2021-03-05");
  t.episode_of = EpisodeOf{"s1", 2, 7};
  t.credits = {{a, CastRole::kLead}, {c, CastRole::kBackground}};
  Artwork art{"t1-a1", {"style:closeup"}, {a}, true};
  art.depicted = {{a, true, CastRole::kLead}, {c, false, CastRole::kBackground}};
  art.digital_source_type = DigitalSourceType::kCompositeWithTrainedAlgorithmicMedia;
  art.replica_kind = ReplicaKind::kMaterialAlteration;
  art.source_title = 1;
  art.manifest_hash = "sha256:00ff";
  t.artwork.push_back(art);
  t.artwork.push_back(Artwork{"t1-a2", {}, {}, false});  // no provenance: quarantined
  return d;
}

TEST(CatalogFactsTest, CivilDatesParseStrictlyAndRoundTrip) {
  EXPECT_EQ(ParseCivilDate("1970-01-01"), 0);
  EXPECT_EQ(ParseCivilDate("2000-03-01"), 11017);
  EXPECT_EQ(ParseCivilDate("1969-12-31"), -1);
  EXPECT_EQ(ParseCivilDate("0000-01-01"), DaysFromCivil(0, 1, 1));
  EXPECT_TRUE(ParseCivilDate("2024-02-29"));
  for (const char* bad : {"2023-02-29", "1990-02-30", "1990-13-01", "1990-00-10", "1990-1-01",
                          "90-01-01", "1990/01/01", "1990-01-01T00:00", "", "abcd-ef-gh"}) {
    EXPECT_FALSE(ParseCivilDate(bad)) << bad;
  }
  for (int64_t day : {int64_t{-719528}, int64_t{-1}, int64_t{0}, int64_t{11016}, int64_t{2932896}}) {
    EXPECT_EQ(ParseCivilDate(FormatCivilDate(day)), day) << FormatCivilDate(day);
  }
  EXPECT_EQ(FormatCivilDate(20454), "2026-01-01");
}

TEST(CatalogFactsTest, VocabulariesRoundTripByName) {
  for (uint8_t i = 1; i < kDigitalSourceTypeCount; ++i) {
    const auto type = static_cast<DigitalSourceType>(i);
    EXPECT_EQ(ParseDigitalSourceType(DigitalSourceTypeCode(type)), type);
  }
  EXPECT_EQ(ParseDigitalSourceType("trainedAlgorithmicMedia"), DigitalSourceType::kTrainedAlgorithmicMedia);
  EXPECT_FALSE(ParseDigitalSourceType(""));
  EXPECT_FALSE(ParseDigitalSourceType("DigitalCapture"));  // codes are case-sensitive
  EXPECT_TRUE(IsTrainedAlgorithmic(DigitalSourceType::kCompositeWithTrainedAlgorithmicMedia));
  EXPECT_FALSE(IsTrainedAlgorithmic(DigitalSourceType::kCompositeSynthetic));
  for (uint8_t i = 0; i < kReplicaKindCount; ++i) {
    const auto kind = static_cast<ReplicaKind>(i);
    EXPECT_EQ(ParseReplicaKind(ReplicaKindName(kind)), kind);
  }
  EXPECT_EQ(ParseCastRole("supporting"), CastRole::kSupporting);
  EXPECT_FALSE(ParseCastRole("Lead"));
}

TEST(CatalogFactsTest, QuarantineAndAge) {
  Dataset d = MakeDatasetWithFacts();
  EXPECT_FALSE(d.catalog.titles()[0].artwork[0].quarantined());
  EXPECT_TRUE(d.catalog.titles()[0].artwork[1].quarantined());
  EXPECT_EQ(d.catalog.QuarantinedCount(), 1u);
  const Performer& ana = d.catalog.performers()[0];
  EXPECT_EQ(ana.AgeOn(Day("1998-02-28")), 17);
  EXPECT_EQ(ana.AgeOn(Day("1998-03-01")), 18);
  EXPECT_FALSE(ana.DeceasedOn(Day("2030-01-01")));
  EXPECT_TRUE(d.catalog.performers()[1].DeceasedOn(Day("2019-12-31")));
  EXPECT_FALSE(d.catalog.performers()[1].DeceasedOn(Day("2019-12-30")));
}

TEST(CatalogFactsTest, DatasetFileRoundTripsEveryFact) {
  TempDir dir;
  Dataset d = MakeDatasetWithFacts();
  ASSERT_TRUE(SaveDataset(d, dir.File("f.mqd")).ok());
  Result<Dataset> loaded = LoadDataset(dir.File("f.mqd"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->catalog, d.catalog);
  const Title& t = loaded->catalog.titles()[0];
  EXPECT_EQ(t.runtime_minutes, 47u);
  EXPECT_EQ(FormatCivilDate(*t.release_date), "2021-03-05");
  EXPECT_EQ(t.episode_of, (EpisodeOf{"s1", 2, 7}));
  EXPECT_EQ(loaded->catalog.performers()[1].death_date, Day("2019-12-31"));
  EXPECT_EQ(t.artwork[0].depicted[1], (DepictedPerformer{1, false, CastRole::kBackground}));
  EXPECT_EQ(t.artwork[0].source_title, 1u);
  EXPECT_EQ(t.artwork[1].source_title, kOwnTitle);
}

TEST(CatalogFactsTest, AVersionOneFileWithoutFactsStillLoads) {
  TempDir dir;
  Dataset d = MakeDatasetWithFacts();
  ASSERT_TRUE(SaveDataset(d, dir.File("new.mqd")).ok());
  // What the previous build wrote: the same sections but FACT, as version 1.
  {
    Result<SectionFileReader> r = SectionFileReader::Open(dir.File("new.mqd"), "MQDATA", 2, "dataset");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(r->Has(FourCC("FACT")));
    SectionFileWriter w("MQDATA", 1);
    for (uint32_t tag : {FourCC("META"), FourCC("MEMB"), FourCC("TITL"), FourCC("CSR_"), FourCC("CATL")}) {
      Result<std::string_view> payload = r->Section(tag);
      ASSERT_TRUE(payload.ok());
      ByteWriter bytes;
      bytes.Raw(payload->data(), payload->size());
      w.AddSection(tag, std::move(bytes));
    }
    ASSERT_TRUE(w.Write(dir.File("old.mqd")).ok());
  }
  Result<Dataset> loaded = LoadDataset(dir.File("old.mqd"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const Catalog& c = loaded->catalog;
  EXPECT_EQ(c.performers()[0].id, "p1");
  EXPECT_EQ(c.performers()[0].name, "Ana Lima");
  EXPECT_FALSE(c.performers()[0].birth_date);
  EXPECT_TRUE(c.performers()[0].unions.empty());
  const Title& t = c.titles()[0];
  EXPECT_EQ(t.name, "Harbor");
  EXPECT_EQ(t.runtime_minutes, 0u);
  EXPECT_FALSE(t.release_date);
  EXPECT_FALSE(t.episode_of);
  EXPECT_TRUE(t.credits.empty());
  ASSERT_EQ(t.artwork.size(), 2u);
  EXPECT_EQ(t.artwork[0].performers, std::vector<uint32_t>{0});
  EXPECT_TRUE(t.artwork[0].ai_generated);  // the old flag is kept
  EXPECT_TRUE(t.artwork[0].depicted.empty());
  EXPECT_TRUE(t.artwork[0].quarantined());  // no provenance was ever declared
  EXPECT_EQ(c.QuarantinedCount(), 2u);
}

TEST(CatalogFactsTest, FactsThatDisagreeWithTheCatalogAreCorruption) {
  TempDir dir;
  Dataset d = MakeDatasetWithFacts();
  d.catalog.titles()[0].credits.push_back(Credit{7, CastRole::kLead});
  EXPECT_FALSE(SaveDataset(d, dir.File("bad.mqd")).ok());
  d = MakeDatasetWithFacts();
  d.catalog.titles()[0].artwork[0].source_title = 9;
  EXPECT_FALSE(SaveDataset(d, dir.File("bad.mqd")).ok());
  d = MakeDatasetWithFacts();
  d.catalog.titles()[0].artwork[0].depicted.push_back({5, true, CastRole::kLead});
  EXPECT_FALSE(SaveDataset(d, dir.File("bad.mqd")).ok());
}

}  // namespace
}  // namespace marquee

namespace marquee {
namespace {

// Appending titles keeps every existing index and adds empty columns.
TEST(DatasetTest, WithNewTitlesAppendsIdsFactsAndEmptyColumns) {
  Dataset d;
  d.members.GetOrAdd("m1");
  d.members.GetOrAdd("m2");
  d.titles.GetOrAdd("t1");
  d.titles.GetOrAdd("t2");
  const uint16_t drama = d.catalog.GenreIndex("Drama");
  d.catalog.Resize(2);
  InteractionBuilder b;
  b.Add(0, 1, 2.0f, 100);
  b.Add(1, 0, 1.0f, 200);
  d.interactions = b.Build(2, 2, DuplicateRule::kSum);
  Title heist;
  heist.name = "Heist";
  heist.genres = {drama};
  heist.year = 2026;
  const NewTitleRecord records[] = {{"new-1", heist}, {"new-2", Title{}}};
  Result<Dataset> grown = WithNewTitles(d, records);
  ASSERT_TRUE(grown.ok()) << grown.status().ToString();
  EXPECT_EQ(grown->titles.size(), 4u);
  EXPECT_EQ(grown->titles.Find("t2"), 1u);
  EXPECT_EQ(grown->titles.Find("new-1"), 2u);
  EXPECT_EQ(grown->catalog.titles()[2].name, "Heist");
  EXPECT_EQ(grown->interactions.cols(), 4u);
  EXPECT_EQ(grown->interactions.nnz(), 2u);
  EXPECT_EQ(grown->interactions.RowIndices(0)[0], 1u);
  EXPECT_EQ(grown->interactions.RowTimes(1)[0], 200);
  EXPECT_EQ(grown->interactions.ColumnCounts()[2], 0u);
  // Refused: an id the dataset has, one given twice, a genre it lacks.
  const NewTitleRecord existing[] = {{"t1", Title{}}};
  Result<Dataset> bad = WithNewTitles(d, existing);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("\"t1\": already in the dataset"), std::string::npos);
  const NewTitleRecord twice[] = {{"n", Title{}}, {"n", Title{}}};
  bad = WithNewTitles(d, twice);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("given twice"), std::string::npos);
  Title odd;
  odd.genres = {7};
  const NewTitleRecord bad_genre[] = {{"g", odd}};
  EXPECT_FALSE(WithNewTitles(d, bad_genre).ok());
}

}  // namespace
}  // namespace marquee
