// `marquee catalog import`: the command end to end on a generated service.
#include <gtest/gtest.h>

#include "../test_util.h"
#include "cli_runner.h"
#include "marquee/data/dataset_file.h"

namespace marquee {
namespace {

using test::RunCli;
using test::RunResult;
using test::TempDir;
using test::WriteFile;

TEST(CliCatalogTest, ImportsRefusesAndSkipsInvalidRecords) {
  TempDir dir;
  const std::string data = dir.File("d.mqd");
  RunResult gen = RunCli("generate --members 30 --titles 20 --plays 200 --seed 3 --out " + data);
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  const std::string good = dir.File("good.jsonl");
  WriteFile(good,
            R"({"type":"performer","id":"new-1","name":"Ana Lima","birth_date":"2010-04-01","representative":"Guardian"})" "\n"
            R"({"type":"title","id":"t000001","runtime_minutes":101,"credits":[{"performer":"new-1","role":"lead"}]})" "\n"
            R"({"type":"artwork","id":"t000001-x","title":"t000001","depicted":[{"performer":"new-1","recognizable":true,"prominence":"lead"}],"replica_kind":"none"})" "\n");
  const std::string out = dir.File("out.mqd");
  RunResult ok = RunCli("catalog import " + good + " --data " + data + " --out " + out);
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("3 records: 1 performers (1 new), 1 titles, 1 artwork variants (1 new)"),
            std::string::npos) << ok.output;
  EXPECT_NE(ok.output.find("1 variants quarantined: no digital_source_type"), std::string::npos) << ok.output;
  Result<Dataset> loaded = LoadDataset(out);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const Title& t = loaded->catalog.titles()[loaded->titles.Find("t000001")];
  EXPECT_EQ(t.runtime_minutes, 101u);
  ASSERT_FALSE(t.artwork.empty());
  EXPECT_EQ(t.artwork.back().id, "t000001-x");
  EXPECT_TRUE(t.artwork.back().quarantined());

  const std::string bad = dir.File("bad.jsonl");
  WriteFile(bad, std::string(R"({"type":"title","id":"t000002","runtime_minutes":90})") + "\n" +
                     R"({"type":"artwork","id":"z","title":"t000002","depicted":[],"replica_kind":"none","digital_source_type":"photo"})" "\n");
  RunResult refused = RunCli("catalog import " + bad + " --data " + data + " --out " + dir.File("no.mqd"));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("bad.jsonl:2: digital_source_type: expected an IPTC digital source type code"),
            std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find(R"(found "photo")"), std::string::npos) << refused.output;
  RunResult skipped = RunCli("catalog import " + bad + " --data " + data + " --out " + dir.File("yes.mqd") + " --skip-invalid");
  EXPECT_EQ(skipped.exit_code, 0) << skipped.output;
  EXPECT_NE(skipped.output.find("skipped 1 invalid records (--skip-invalid)"), std::string::npos) << skipped.output;
  EXPECT_NE(skipped.output.find("bad.jsonl:2: digital_source_type:"), std::string::npos) << skipped.output;
}

}  // namespace
}  // namespace marquee
