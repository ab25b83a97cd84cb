// `ImportCatalog`: a valid file lands exactly; every refusal names
// FILE:LINE: FIELD; --skip-invalid counts; quarantine is counted.
// docs/entrances/catalog.md names these tests row by row.
#include "marquee/io/catalog_import.h"

#include <gtest/gtest.h>

#include "../test_util.h"
#include "marquee/util/civil_time.h"

namespace marquee {
namespace {

using test::TempDir;
using test::WriteFile;

// Three titles with no facts, one performer already known (p0).
Dataset BaseDataset() {
  Dataset d;
  for (const char* m : {"m1", "m2"}) d.members.GetOrAdd(m);
  for (const char* t : {"t1", "t2", "t3"}) d.titles.GetOrAdd(t);
  InteractionBuilder b;
  b.Add(0, 0, 1.0f, 1700000000);
  d.interactions = b.Build(2, 3, DuplicateRule::kSum);
  d.catalog.AddPerformer({"p0", "Old Hand"});
  d.catalog.Resize(3);
  d.catalog.titles()[2].artwork.push_back(Artwork{"t3-a1", {"style:text"}, {}, false});
  return d;
}

int32_t Day(const char* text) { return static_cast<int32_t>(*ParseCivilDate(text)); }

// The file imported into BaseDataset; the error message, or "" on success.
struct Outcome {
  std::string error;
  CatalogImportReport report;
  Dataset dataset;
};
Outcome Import(const std::string& contents, bool skip_invalid = false) {
  TempDir dir;
  const std::string path = dir.File("c.jsonl");
  WriteFile(path, contents);
  Outcome out{"", {}, BaseDataset()};
  CatalogImportOptions options;
  options.skip_invalid = skip_invalid;
  Result<CatalogImportReport> r = ImportCatalog(path, options, out.dataset);
  if (r.ok()) {
    out.report = *r;
  } else {
    out.error = r.status().message();
    // The message starts with the path; tests compare what follows "c.jsonl".
    const size_t at = out.error.find("c.jsonl");
    if (at != std::string::npos) out.error = out.error.substr(at);
  }
  return out;
}

// Refuses `line` (as line 2 after a valid performer) with exactly `message`
// after "c.jsonl:2: ".
void ExpectRefused(const std::string& line, const std::string& message) {
  const std::string performer =
      R"({"type":"performer","id":"p1","name":"Ana","birth_date":"1990-01-01"})";
  Outcome o = Import(performer + "\n" + line + "\n");
  EXPECT_EQ(o.error, "c.jsonl:2: " + message) << line;
  // The dataset is left as it was.
  EXPECT_EQ(o.dataset.catalog, BaseDataset().catalog);
}

constexpr char kValid[] =
    R"({"type":"artwork","id":"t1-key","title":"t1","tags":["style:closeup"],"depicted":[{"performer":"p1","recognizable":true,"prominence":"lead"},{"performer":"p2","recognizable":false,"prominence":"background"}],"digital_source_type":"digitalCapture","replica_kind":"none","manifest_hash":"sha256:abc"}
{"type":"title","id":"t1","name":"Harbor","year":2021,"genres":["Drama","Crime"],"maturity":"TV-MA","regions":["US","GB"],"runtime_minutes":52,"release_date":"2021-03-05","series":"s-harbor","season":1,"episode":3,"credits":[{"performer":"p1","role":"lead"},{"performer":"p0","role":"supporting"},{"performer":"p2","role":"background"}]}
{"type":"performer","id":"p1","name":"Ana Lima","birth_date":"1980-02-29","unions":["SAG-AFTRA"],"representative":"Northlight Talent"}

{"type":"performer","id":"p2","name":"Ben Ode","birth_date":"1931-06-01","death_date":"2019-12-31"}
{"type":"artwork","id":"t2-ai","title":"t2","depicted":[{"performer":"p0","recognizable":true,"prominence":"lead"}],"digital_source_type":"trainedAlgorithmicMedia","replica_kind":"employment_based_digital_replica","source_title":"t1"}
{"type":"artwork","id":"t2-new","title":"t2","depicted":[],"replica_kind":"none"}
{"type":"artwork","id":"t3-a1","title":"t3","depicted":[],"digital_source_type":"digitalCreation","replica_kind":"none","tags":["style:text"]}
{"type":"performer","id":"p0","name":"Old Hand","birth_date":"1950-05-05","unions":[]}
)";

TEST(CatalogImportTest, AcceptsAValidFileInAnyOrderAndHoldsExactlyItsFacts) {
  Outcome o = Import(kValid);
  ASSERT_EQ(o.error, "");
  const CatalogImportReport& r = o.report;
  EXPECT_EQ(r.records, 8u);
  EXPECT_EQ(r.performers, 3u);
  EXPECT_EQ(r.performers_added, 2u);
  EXPECT_EQ(r.titles, 1u);
  EXPECT_EQ(r.artwork, 4u);
  EXPECT_EQ(r.artwork_added, 3u);
  EXPECT_EQ(r.quarantined, 1u);
  EXPECT_EQ(r.invalid, 0u);

  const Catalog& c = o.dataset.catalog;
  ASSERT_EQ(c.performers().size(), 3u);
  const uint32_t p0 = 0, p1 = c.FindPerformer("p1"), p2 = c.FindPerformer("p2");
  EXPECT_EQ(p1, 1u);  // performers are added in record order, after the known ones
  EXPECT_EQ(p2, 2u);
  Performer ana{"p1", "Ana Lima"};
  ana.birth_date = Day("1980-02-29");
  ana.unions = {"SAG-AFTRA"};
  ana.representative = "Northlight Talent";
  EXPECT_EQ(c.performers()[p1], ana);
  Performer ben{"p2", "Ben Ode"};
  ben.birth_date = Day("1931-06-01");
  ben.death_date = Day("2019-12-31");
  EXPECT_EQ(c.performers()[p2], ben);
  Performer old{"p0", "Old Hand"};
  old.birth_date = Day("1950-05-05");
  EXPECT_EQ(c.performers()[p0], old);

  Title harbor;
  harbor.name = "Harbor";
  harbor.year = 2021;
  harbor.genres = {0, 1};
  harbor.maturity = "TV-MA";
  harbor.regions = {"US", "GB"};
  harbor.runtime_minutes = 52;
  harbor.release_date = Day("2021-03-05");
  harbor.episode_of = EpisodeOf{"s-harbor", 1, 3};
  harbor.credits = {{p1, CastRole::kLead}, {p0, CastRole::kSupporting}, {p2, CastRole::kBackground}};
  Artwork key{"t1-key", {"style:closeup"}, {p1}, false};
  key.depicted = {{p1, true, CastRole::kLead}, {p2, false, CastRole::kBackground}};
  key.digital_source_type = DigitalSourceType::kDigitalCapture;
  key.manifest_hash = "sha256:abc";
  harbor.artwork = {key};
  EXPECT_EQ(c.titles()[0], harbor);
  EXPECT_EQ(c.genres(), (std::vector<std::string>{"Drama", "Crime"}));

  const Title& t2 = c.titles()[1];
  EXPECT_EQ(t2.name, "");  // no title record: facts stay unknown
  ASSERT_EQ(t2.artwork.size(), 2u);
  Artwork ai{"t2-ai", {}, {p0}, true};
  ai.depicted = {{p0, true, CastRole::kLead}};
  ai.digital_source_type = DigitalSourceType::kTrainedAlgorithmicMedia;
  ai.replica_kind = ReplicaKind::kEmploymentBasedDigitalReplica;
  ai.source_title = 0;
  EXPECT_EQ(t2.artwork[0], ai);
  EXPECT_TRUE(t2.artwork[1].quarantined());
  EXPECT_FALSE(t2.artwork[1].ai_generated);

  ASSERT_EQ(c.titles()[2].artwork.size(), 1u);  // replaced in place, not added
  EXPECT_EQ(c.titles()[2].artwork[0].digital_source_type, DigitalSourceType::kDigitalCreation);
  EXPECT_EQ(c.QuarantinedCount(), 1u);
  EXPECT_TRUE(o.dataset.Validate().ok());
}

TEST(CatalogImportTest, ATitleRecordKeepsTheFactsItDoesNotName) {
  Outcome o = Import(R"({"type":"title","id":"t3","runtime_minutes":95})" "\n");
  ASSERT_EQ(o.error, "");
  const Title& t = o.dataset.catalog.titles()[2];
  EXPECT_EQ(t.runtime_minutes, 95u);
  EXPECT_EQ(t.artwork.size(), 1u);
  EXPECT_FALSE(t.release_date);
  EXPECT_FALSE(t.episode_of);
}

TEST(CatalogImportTest, RefusesBadJson) {
  ExpectRefused(R"({"type":"title","id":"t1",)", R"(expected a JSON object, found "{\"type\":\"title\",\"id\":\"t1\",")");
  ExpectRefused("[1,2]", R"(expected a JSON object, found "[1,2]")");
}

TEST(CatalogImportTest, RefusesUnknownOrMissingType) {
  ExpectRefused(R"({"type":"episode","id":"e1"})",
                R"(type: expected "performer", "title" or "artwork", found "episode")");
  ExpectRefused(R"({"id":"e1"})", R"(type: expected "performer", "title" or "artwork", found nothing)");
}

TEST(CatalogImportTest, RefusesMissingOrEmptyId) {
  ExpectRefused(R"({"type":"performer","name":"X","birth_date":"1990-01-01"})",
                "id: expected a string or integer id, found nothing");
  ExpectRefused(R"({"type":"title","id":""})", R"(id: expected a non-empty id, found "")");
  ExpectRefused(R"({"type":"artwork","id":["a"],"title":"t1","depicted":[],"replica_kind":"none"})",
                "id: expected a string or integer id, found an array");
}

TEST(CatalogImportTest, RefusesUnknownFields) {
  ExpectRefused(R"({"type":"performer","id":"p9","name":"X","birth_date":"1990-01-01","birthday":"x"})",
                R"(birthday: unknown field "birthday"; expected one of: birth_date, death_date, id, name, representative, type, unions)");
}

TEST(CatalogImportTest, RefusesReferencesToUnknownPerformersAndTitles) {
  ExpectRefused(R"({"type":"title","id":"t1","credits":[{"performer":"p1","role":"lead"},{"performer":"p9","role":"lead"}]})",
                R"(credits[1].performer: expected a performer id of the catalog or of a performer record, found "p9")");
  ExpectRefused(R"({"type":"artwork","id":"a","title":"t1","depicted":[{"performer":"p9","recognizable":true,"prominence":"lead"}],"replica_kind":"none"})",
                R"(depicted[0].performer: expected a performer id of the catalog or of a performer record, found "p9")");
  ExpectRefused(R"({"type":"title","id":"t9"})", R"(id: expected a title id of the dataset, found "t9")");
  ExpectRefused(R"({"type":"artwork","id":"a","title":"t9","depicted":[],"replica_kind":"none"})",
                R"(title: expected a title id of the dataset, found "t9")");
  ExpectRefused(R"({"type":"artwork","id":"a","title":"t1","depicted":[],"replica_kind":"none","source_title":"t9"})",
                R"(source_title: expected a title id of the dataset, found "t9")");
}

TEST(CatalogImportTest, RefusesBadDates) {
  ExpectRefused(R"({"type":"performer","id":"p9","name":"X","birth_date":"1990-02-30"})",
                R"(birth_date: expected a date YYYY-MM-DD, found "1990-02-30")");
  ExpectRefused(R"({"type":"performer","id":"p9","name":"X"})",
                "birth_date: expected a date YYYY-MM-DD, found nothing");
  ExpectRefused(R"({"type":"performer","id":"p9","name":"X","birth_date":19900101})",
                "birth_date: expected a date YYYY-MM-DD, found 19900101");
  ExpectRefused(R"({"type":"performer","id":"p9","name":"X","birth_date":"1990-01-01","death_date":"1980-01-01"})",
                R"(death_date: expected a date on or after birth_date 1990-01-01, found "1980-01-01")");
  ExpectRefused(R"({"type":"title","id":"t1","release_date":"2021-3-5"})",
                R"(release_date: expected a date YYYY-MM-DD, found "2021-3-5")");
}

TEST(CatalogImportTest, RefusesBadEnumValues) {
  ExpectRefused(R"({"type":"artwork","id":"a","title":"t1","depicted":[],"replica_kind":"none","digital_source_type":"aiGenerated"})",
                std::string("digital_source_type: expected an IPTC digital source type code (") +
                    std::string(DigitalSourceTypeCodeList()) + R"(), found "aiGenerated")");
  ExpectRefused(R"({"type":"artwork","id":"a","title":"t1","depicted":[],"replica_kind":"deepfake","digital_source_type":"digitalCapture"})",
                R"(replica_kind: expected one of none, customary_alteration, material_alteration, employment_based_digital_replica, independently_created_digital_replica, synthetic_performer, found "deepfake")");
  ExpectRefused(R"({"type":"artwork","id":"a","title":"t1","depicted":[],"digital_source_type":"digitalCapture"})",
                R"(replica_kind: expected one of none, customary_alteration, material_alteration, employment_based_digital_replica, independently_created_digital_replica, synthetic_performer, found nothing)");
  ExpectRefused(R"({"type":"artwork","id":"a","title":"t1","depicted":[{"performer":"p1","recognizable":true,"prominence":"star"}],"replica_kind":"none"})",
                R"(depicted[0].prominence: expected lead, supporting or background, found "star")");
  ExpectRefused(R"({"type":"artwork","id":"a","title":"t1","depicted":[{"performer":"p1","recognizable":"yes","prominence":"lead"}],"replica_kind":"none"})",
                R"(depicted[0].recognizable: expected true or false, found "yes")");
  ExpectRefused(R"({"type":"title","id":"t1","credits":[{"performer":"p1","role":"extra"}]})",
                R"(credits[0].role: expected lead, supporting or background, found "extra")");
}

TEST(CatalogImportTest, RefusesBadNumbersAndEpisodes) {
  ExpectRefused(R"({"type":"title","id":"t1","runtime_minutes":-5})",
                "runtime_minutes: expected an integer 0..100000, found -5");
  ExpectRefused(R"({"type":"title","id":"t1","runtime_minutes":"90"})",
                R"(runtime_minutes: expected an integer 0..100000, found "90")");
  ExpectRefused(R"({"type":"title","id":"t1","series":"s1","season":2})",
                "episode: expected an integer 1..100000 (an episode of a series names series, season and episode), found nothing");
  ExpectRefused(R"({"type":"title","id":"t1","season":1,"episode":1})",
                "series: expected a series id (with season and episode), found nothing");
}

TEST(CatalogImportTest, RefusesDuplicateIds) {
  ExpectRefused(R"({"type":"performer","id":"p1","name":"Again","birth_date":"1990-01-01"})",
                R"(id: expected a performer id not already in this file, found "p1" (first at line 1))");
  ExpectRefused(R"({"type":"artwork","id":"t3-a1","title":"t1","depicted":[],"replica_kind":"none"})",
                R"(id: expected an artwork id not used by another title, found "t3-a1" (a variant of title "t3"))");
  ExpectRefused(R"({"type":"artwork","id":"a","title":"t1","depicted":[{"performer":"p1","recognizable":true,"prominence":"lead"},{"performer":"p1","recognizable":false,"prominence":"background"}],"replica_kind":"none"})",
                R"(depicted[1].performer: expected a performer not already depicted, found "p1")");
}

TEST(CatalogImportTest, RefusesTextThatIsNotUtf8) {
  ExpectRefused("{\"type\":\"performer\",\"id\":\"p9\",\"name\":\"Jos\xE9\",\"birth_date\":\"1990-01-01\"}",
                "expected UTF-8, found byte 0xE9 -- another encoding? use --encoding latin-1 for Latin-1 text");
}

TEST(CatalogImportTest, RefusesAnEmptyFile) {
  EXPECT_EQ(Import("").error, "c.jsonl:1: expected a JSON object, found an empty file");
}

TEST(CatalogImportTest, SkipInvalidCountsAndKeepsTheRest) {
  const std::string file = std::string(kValid) +
                           R"({"type":"episode"})" "\n"
                           R"({"type":"performer","id":"p7","name":"X","birth_date":"1990-13-01"})" "\n"
                           R"({"type":"artwork","id":"z","title":"t1","depicted":[{"performer":"p7","recognizable":true,"prominence":"lead"}],"replica_kind":"none"})" "\n";
  Outcome strict = Import(file);
  EXPECT_EQ(strict.error, R"(c.jsonl:10: type: expected "performer", "title" or "artwork", found "episode")");
  Outcome o = Import(file, /*skip_invalid=*/true);
  ASSERT_EQ(o.error, "");
  EXPECT_EQ(o.report.invalid, 3u);  // the artwork depicts the skipped performer
  ASSERT_EQ(o.report.invalid_examples.size(), 3u);
  EXPECT_NE(o.report.invalid_examples[1].find("c.jsonl:11: birth_date:"), std::string::npos);
  EXPECT_NE(o.report.invalid_examples[2].find(R"(c.jsonl:12: depicted[0].performer: expected a performer id of the catalog or of a performer record, found "p7")"),
            std::string::npos);
  EXPECT_EQ(o.report.artwork, 4u);
  EXPECT_EQ(o.report.quarantined, 1u);
  EXPECT_EQ(o.dataset.catalog.FindPerformer("p7"), IdMap::kNotFound);
}

}  // namespace
}  // namespace marquee
