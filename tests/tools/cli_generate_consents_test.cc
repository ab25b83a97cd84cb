// `marquee generate --consents`: the synthetic consents as JSON lines, every
// line read back and accepted by a registry built from the written dataset,
// and the dataset itself byte-identical with and without the flag.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "../test_util.h"
#include "cli_runner.h"
#include "marquee/consent/catalog_likeness.h"
#include "marquee/consent/consent_json.h"
#include "marquee/consent/eligibility.h"
#include "marquee/data/dataset_file.h"

namespace marquee {
namespace {

using test::RunCli;
using test::RunResult;
using test::TempDir;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(CliGenerateConsentsTest, WritesConsentsTheRegistryAcceptsAndLeavesTheDatasetAsItWas) {
  TempDir dir;
  const std::string base = "generate --members 200 --titles 60 --plays 3000 --seed 4 --out ";
  RunResult plain = RunCli(base + dir.File("plain.mqd"));
  ASSERT_EQ(plain.exit_code, 0) << plain.output;
  RunResult with = RunCli(base + dir.File("with.mqd") + " --consents " + dir.File("c.jsonl"));
  ASSERT_EQ(with.exit_code, 0) << with.output;
  EXPECT_NE(with.output.find("consents,"), std::string::npos) << with.output;
  EXPECT_NE(with.output.find("takedowns"), std::string::npos) << with.output;
  EXPECT_EQ(ReadAll(dir.File("plain.mqd")), ReadAll(dir.File("with.mqd")));

  Result<Dataset> d = LoadDataset(dir.File("with.mqd"));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ConsentRegistry registry(PerformerFactsOf(d->catalog));
  std::ifstream in(dir.File("c.jsonl"));
  std::string line;
  size_t lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    Result<ConsentEntry> entry = ParseConsentEntryJson(line);
    ASSERT_TRUE(entry.ok()) << "line " << lines << ": " << entry.status().ToString();
    const Status added = registry.Add(*entry);
    ASSERT_TRUE(added.ok()) << "line " << lines << ": " << added.ToString();
  }
  EXPECT_GT(registry.consents().size(), 10u);

  // Reproducible by default; a different reference time gives other records.
  RunResult again = RunCli(base + dir.File("again.mqd") + " --consents " + dir.File("again.jsonl"));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(ReadAll(dir.File("c.jsonl")), ReadAll(dir.File("again.jsonl")));
  RunResult later = RunCli(base + dir.File("later.mqd") + " --consents " + dir.File("later.jsonl") +
                           " --consent-time 1800000000");
  ASSERT_EQ(later.exit_code, 0) << later.output;
  EXPECT_NE(ReadAll(dir.File("c.jsonl")), ReadAll(dir.File("later.jsonl")));
}

}  // namespace
}  // namespace marquee
