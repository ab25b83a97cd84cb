// End-to-end tests of the `marquee` command: the real binary, real files.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <fstream>
#include <string>

#include "../test_util.h"
#include "cli_runner.h"
#include "marquee/data/dataset_file.h"
#include "marquee/synthetic/ground_truth.h"

namespace marquee {
namespace {

using test::RunCli;
using test::RunResult;
using test::TempDir;

TEST(CliTest, GenerateThenInfoJsonAgreesWithTheFile) {
  TempDir dir;
  RunResult gen = RunCli("generate --members 300 --titles 80 --plays 6000 --seed 9 --out " +
                         dir.File("s.mqd") + " --truth " + dir.File("t.mqt"));
  ASSERT_EQ(gen.exit_code, 0) << gen.output;

  RunResult info = RunCli("info --json " + dir.File("s.mqd"));
  ASSERT_EQ(info.exit_code, 0) << info.output;
  nlohmann::json j = nlohmann::json::parse(info.output);
  Result<Dataset> d = LoadDataset(dir.File("s.mqd"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(j["members"], 300);
  EXPECT_EQ(j["titles"], 80);
  EXPECT_EQ(j["interactions"].get<uint64_t>(), d->interactions.nnz());
  EXPECT_NEAR(j["density"].get<double>(), d->interactions.nnz() / (300.0 * 80.0), 1e-12);
  EXPECT_GT(j["popularity_gini"].get<double>(), 0.0);
  EXPECT_TRUE(LoadGroundTruth(dir.File("t.mqt")).ok());
}

TEST(CliTest, InfoTableNamesTheStatistics) {
  TempDir dir;
  ASSERT_EQ(RunCli("generate --members 50 --titles 20 --plays 400 --out " + dir.File("s.mqd")).exit_code, 0);
  RunResult info = RunCli("info " + dir.File("s.mqd"));
  ASSERT_EQ(info.exit_code, 0);
  for (const char* word : {"members", "titles", "interactions", "density", "popularity Gini",
                           "plays per member"}) {
    EXPECT_NE(info.output.find(word), std::string::npos) << word << "\n" << info.output;
  }
}

TEST(CliTest, ImportCsvAndReportBadLinesWithFileAndLine) {
  TempDir dir;
  std::string good = dir.Write("good.csv", "u1,t1,4.0,100\nu2,t1,3.5,200\nu1,t2,5,300\n");
  RunResult ok = RunCli("import --format csv " + good + " --columns member=0,title=1,rating=2,time=3 --out " +
                        dir.File("g.mqd"));
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  Result<Dataset> d = LoadDataset(dir.File("g.mqd"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->members.size(), 2u);
  EXPECT_EQ(d->titles.size(), 2u);
  EXPECT_EQ(d->interactions.nnz(), 3u);

  std::string bad = dir.Write("bad.csv", "u1,t1,4.0,100\nu2,t1,abc,200\n");
  RunResult fail = RunCli("import --format csv " + bad + " --columns member=0,title=1,rating=2,time=3 --out " +
                          dir.File("b.mqd"));
  EXPECT_EQ(fail.exit_code, 1);
  EXPECT_NE(fail.output.find("bad.csv:2: expected"), std::string::npos) << fail.output;
  EXPECT_FALSE(std::filesystem::exists(dir.File("b.mqd")));

  RunResult skipped = RunCli("import --format csv " + bad +
                             " --columns member=0,title=1,rating=2,time=3 --skip-invalid --out " +
                             dir.File("b.mqd"));
  EXPECT_EQ(skipped.exit_code, 0) << skipped.output;
  EXPECT_NE(skipped.output.find("skipped 1 invalid"), std::string::npos) << skipped.output;
}

TEST(CliTest, UsageErrorsExitWithTwoAndSayWhy) {
  RunResult none = RunCli("");
  EXPECT_EQ(none.exit_code, 2);
  RunResult unknown = RunCli("import --format parquet x --out y");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("parquet"), std::string::npos) << unknown.output;
  RunResult missing = RunCli("generate --members 10");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("--out"), std::string::npos) << missing.output;
}

TEST(CliTest, BadValuesAndFilesAreClearErrors) {
  TempDir dir;
  RunResult zero = RunCli("generate --members 0 --out " + dir.File("s.mqd"));
  EXPECT_EQ(zero.exit_code, 1);
  EXPECT_NE(zero.output.find("members"), std::string::npos) << zero.output;

  RunResult info = RunCli("info " + dir.File("absent.mqd"));
  EXPECT_EQ(info.exit_code, 1);
  EXPECT_NE(info.output.find("absent.mqd"), std::string::npos) << info.output;

  std::string text = dir.Write("text.mqd", "not a dataset\n");
  RunResult corrupt = RunCli("info " + text);
  EXPECT_EQ(corrupt.exit_code, 1);
  EXPECT_NE(corrupt.output.find("not a valid dataset file"), std::string::npos) << corrupt.output;

  RunResult delim = RunCli("import --format csv " + text + " --columns member=0,title=1 --delimiter ab --out " +
                           dir.File("x.mqd"));
  EXPECT_EQ(delim.exit_code, 1);
  EXPECT_NE(delim.output.find("--delimiter"), std::string::npos) << delim.output;
}

TEST(CliTest, DemoWritesItsFilesAndShowsTitles) {
  TempDir dir;
  RunResult demo = RunCli("demo --no-serve --members 400 --titles 100 --plays 8000 --dir " + dir.File("demo"));
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  EXPECT_NE(demo.output.find("Most-played titles"), std::string::npos);
  Result<Dataset> d = LoadDataset(dir.File("demo/service.mqd"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->members.size(), 400u);
  // The top title's name appears in the output.
  std::vector<uint32_t> counts = d->interactions.ColumnCounts();
  uint32_t top = static_cast<uint32_t>(std::max_element(counts.begin(), counts.end()) - counts.begin());
  EXPECT_NE(demo.output.find(d->catalog.titles()[top].name), std::string::npos) << demo.output;
  // The demo's model is described as `train` describes one: its factor ranks
  // and training time (it once wrote neither).
  std::ifstream model_json(dir.File("demo/model/model.json"));
  const nlohmann::json info = nlohmann::json::parse(model_json);
  EXPECT_EQ(info.at("factor_rank").at("factors"), 64);
  EXPECT_GT(info.at("factor_rank").at("members").at("numerical_rank").get<int>(), 0);
  EXPECT_GT(info.at("train_seconds").get<double>(), 0.0);
  EXPECT_EQ(info.at("version"), "ials-demo");
  // The synthetic consents are written as a consent log and the gate's share
  // is shown: the log the demo points to is one `marquee consent list` reads.
  EXPECT_NE(demo.output.find("artwork variants a member in US may be shown"), std::string::npos) << demo.output;
  RunResult listed = RunCli("consent list --data " + dir.File("demo/service.mqd") + " --log " +
                            dir.File("demo/consents.jsonl") + " --at 1767225600 --format json");
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
}

// ---------------------------------------------------------------- issue 10

// Latin-1 ids: refused by default, converted with --encoding latin-1, and
// then printed as UTF-8 by recommend and similar (they used to abort).
TEST(CliTest, Latin1CsvIsRefusedThenImportedWithEncodingAndPrintsJson) {
  TempDir dir;
  std::string csv = dir.Write("latin1.csv",
                              "jos\xE9,Caf\xE9,5\nana,t2,4\nbob,Caf\xE9,3\nbob,t2,2\njos\xE9,t3,1\n");
  const std::string import = "import --format csv " + csv + " --columns member=0,title=1,rating=2 --out " +
                             dir.File("l.mqd");
  RunResult refused = RunCli(import);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("latin1.csv:1: expected UTF-8, found byte 0xE9"), std::string::npos)
      << refused.output;
  RunResult bad_name = RunCli(import + " --encoding ebcdic");
  EXPECT_NE(bad_name.exit_code, 0);
  EXPECT_NE(bad_name.output.find("--encoding"), std::string::npos) << bad_name.output;

  RunResult ok = RunCli(import + " --encoding latin-1");
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  ASSERT_EQ(RunCli("train --data " + dir.File("l.mqd") + " --model popularity --out " + dir.File("pop"))
                .exit_code,
            0);
  std::string members = dir.Write("members.txt", "ana\njos\xC3\xA9\n");
  RunResult rec = RunCli("recommend --model " + dir.File("pop") + " --data " + dir.File("l.mqd") +
                         " --members " + members + " --k 2 --format json");
  ASSERT_EQ(rec.exit_code, 0) << rec.output;
  nlohmann::json j = nlohmann::json::parse(rec.output);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["recommendations"][0]["title"], "Caf\xC3\xA9");
  EXPECT_EQ(j[1]["member"], "jos\xC3\xA9");

  RunResult sim = RunCli("similar --model " + dir.File("pop") + " --data " + dir.File("l.mqd") +
                         " --titles t2 --k 2 --format json");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  nlohmann::json s = nlohmann::json::parse(sim.output);
  EXPECT_NE(sim.output.find("Caf\xC3\xA9"), std::string::npos) << sim.output;
}

// A dataset written before the importers checked encodings still prints:
// bad bytes come out as U+FFFD instead of an uncaught JSON exception.
TEST(CliTest, JsonOutputSurvivesIdsThatAreNotUtf8) {
  TempDir dir;
  Dataset d;
  const uint32_t jose = d.members.GetOrAdd("jos\xE9");
  const uint32_t ana = d.members.GetOrAdd("ana");
  const uint32_t cafe = d.titles.GetOrAdd("Caf\xE9");
  const uint32_t other = d.titles.GetOrAdd("t2");
  d.catalog.Resize(2);
  d.catalog.titles()[cafe].name = "Caf\xE9 name";
  InteractionBuilder builder;
  builder.Add(jose, cafe, 1);
  builder.Add(ana, other, 1);
  builder.Add(jose, other, 1);
  d.interactions = builder.Build(2, 2, DuplicateRule::kLast);
  ASSERT_TRUE(SaveDataset(d, dir.File("old.mqd")).ok());
  ASSERT_EQ(RunCli("train --data " + dir.File("old.mqd") + " --model popularity --out " + dir.File("pop"))
                .exit_code,
            0);
  std::string members = dir.Write("members.txt", "ana\n");
  RunResult rec = RunCli("recommend --model " + dir.File("pop") + " --data " + dir.File("old.mqd") +
                         " --members " + members + " --k 2 --format json");
  ASSERT_EQ(rec.exit_code, 0) << rec.output;
  EXPECT_NE(rec.output.find("Caf\xEF\xBF\xBD"), std::string::npos) << rec.output;
  RunResult sim = RunCli("similar --model " + dir.File("pop") + " --data " + dir.File("old.mqd") +
                         " --titles t2 --k 1 --format json");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  EXPECT_NE(sim.output.find("Caf\xEF\xBF\xBD"), std::string::npos) << sim.output;
  RunResult info = RunCli("info " + dir.File("old.mqd") + " --json");
  EXPECT_EQ(info.exit_code, 0) << info.output;
}

// Epoch milliseconds used to import as the year 55969.
TEST(CliTest, MillisecondTimesAreRefusedThenImportedWithTimeUnit) {
  TempDir dir;
  std::string csv = dir.Write("ms.csv", "a,x,4,1700000000000\nb,y,5,1700000600000\n");
  const std::string import = "import --format csv " + csv +
                             " --columns member=0,title=1,rating=2,time=3 --out " + dir.File("m.mqd");
  RunResult refused = RunCli(import);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("ms.csv:1: expected epoch seconds up to 253402300799 (year 9999), "
                                "found 1700000000000 -- milliseconds? use --time-unit ms"),
            std::string::npos)
      << refused.output;
  RunResult ok = RunCli(import + " --time-unit ms");
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  Result<Dataset> d = LoadDataset(dir.File("m.mqd"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->interactions.RowTimes(0)[0], 1700000000);
  EXPECT_EQ(d->interactions.RowTimes(1)[0], 1700000600);
  RunResult bad_unit = RunCli(import + " --time-unit ns");
  EXPECT_NE(bad_unit.exit_code, 0);
  EXPECT_NE(bad_unit.output.find("--time-unit"), std::string::npos) << bad_unit.output;
}

}  // namespace
}  // namespace marquee
