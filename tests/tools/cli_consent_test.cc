// `marquee consent import|list|revoke`: the commands end to end on a
// generated service whose catalog gained two performers with birth dates.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "../consent/consent_test_util.h"
#include "../test_util.h"
#include "cli_runner.h"
#include "marquee/consent/consent_json.h"

namespace marquee {
namespace {

using test::kDay;
using test::kT0;
using test::ReadFile;
using test::RunCli;
using test::RunResult;
using test::TempDir;
using test::ValidConsent;
using test::WriteFile;

size_t CountLines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

std::string ConsentLine(const std::string& id, const std::string& performer) {
  ConsentRecord c = ValidConsent();
  c.consent_id = id;
  c.performer_id = performer;
  return ConsentEntryToJson(c) + "\n";
}

// A dataset with performers "pa" and "pb" (adults), and its path.
std::string MakeDataset(const TempDir& dir) {
  const std::string base = dir.File("base.mqd");
  RunResult gen = RunCli("generate --members 20 --titles 10 --plays 100 --seed 5 --out " + base);
  EXPECT_EQ(gen.exit_code, 0) << gen.output;
  const std::string people = dir.File("people.jsonl");
  WriteFile(people,
            R"({"type":"performer","id":"pa","name":"Ana Lima","birth_date":"1980-04-01"})" "\n"
            R"({"type":"performer","id":"pb","name":"Bea Cruz","birth_date":"1975-09-12"})" "\n");
  const std::string data = dir.File("d.mqd");
  RunResult imported = RunCli("catalog import " + people + " --data " + base + " --out " + data);
  EXPECT_EQ(imported.exit_code, 0) << imported.output;
  return data;
}

std::string At(int64_t t) { return " --at " + std::to_string(t); }

TEST(CliConsentTest, ImportIsAllOrNothingUnlessSkipInvalid) {
  TempDir dir;
  const std::string data = MakeDataset(dir);
  const std::string log = dir.File("consents.jsonl");
  ConsentRecord generic = ValidConsent();
  generic.consent_id = "cg";
  generic.performer_id = "pa";
  generic.intended_use_description = "Key art.";
  const std::string input = dir.File("in.jsonl");
  WriteFile(input, ConsentLine("ca", "pa") + ConsentLine("cb", "pb") + ConsentEntryToJson(generic) + "\n" +
                       ConsentLine("cx", "nobody"));

  RunResult refused = RunCli("consent import " + input + " --data " + data + " --log " + log);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("in.jsonl:3: intended_use_description:"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("nothing imported"), std::string::npos) << refused.output;
  EXPECT_EQ(CountLines(ReadFile(log)), 0u);

  RunResult skipped = RunCli("consent import " + input + " --data " + data + " --log " + log + " --skip-invalid");
  EXPECT_EQ(skipped.exit_code, 0) << skipped.output;
  EXPECT_NE(skipped.output.find("imported 2 consent entries"), std::string::npos) << skipped.output;
  EXPECT_NE(skipped.output.find("skipped 2 invalid records (--skip-invalid)"), std::string::npos) << skipped.output;
  EXPECT_NE(skipped.output.find("in.jsonl:4: performer_id: unknown performer \"nobody\""), std::string::npos)
      << skipped.output;
  EXPECT_EQ(CountLines(ReadFile(log)), 2u);

  // Malformed JSON names file, line and field too.
  const std::string broken = dir.File("broken.jsonl");
  WriteFile(broken, "{\"type\":\"revocation\",\"consent_id\":\"ca\",\"effective_at\":\"soon\"}\n");
  RunResult bad = RunCli("consent import " + broken + " --data " + data + " --log " + log);
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("broken.jsonl:1: effective_at: expected"), std::string::npos) << bad.output;
  EXPECT_EQ(CountLines(ReadFile(log)), 2u);
}

TEST(CliConsentTest, ListShowsStatesAtTimeAndRevokeAppendsARevocation) {
  TempDir dir;
  const std::string data = MakeDataset(dir);
  const std::string log = dir.File("consents.jsonl");
  const std::string input = dir.File("in.jsonl");
  WriteFile(input, ConsentLine("ca", "pa") + ConsentLine("cb", "pb") +
                       R"({"type":"takedown","takedown_id":"d1","performer_id":"pb","material":"art-9",)"
                       R"("contact":"agent@example.com","received_at":)" + std::to_string(kT0 + 5 * kDay) + "}\n");
  RunResult imported = RunCli("consent import " + input + " --data " + data + " --log " + log);
  ASSERT_EQ(imported.exit_code, 0) << imported.output;

  const std::string list = "consent list --data " + data + " --log " + log;
  RunResult before = RunCli(list + At(kT0 - 1));
  EXPECT_EQ(before.exit_code, 0) << before.output;
  EXPECT_NE(before.output.find("not yet valid"), std::string::npos) << before.output;
  EXPECT_NE(before.output.find("takedowns in force: 0"), std::string::npos) << before.output;
  RunResult during = RunCli(list + At(kT0 + 10 * kDay) + " --format json");
  EXPECT_EQ(during.exit_code, 0) << during.output;
  EXPECT_NE(during.output.find(R"("state": "active")"), std::string::npos) << during.output;
  EXPECT_NE(during.output.find(R"("takedown_id": "d1")"), std::string::npos) << during.output;
  RunResult after = RunCli(list + At(kT0 + 400 * kDay) + " --performer pa");
  EXPECT_NE(after.output.find("expired"), std::string::npos) << after.output;
  EXPECT_EQ(after.output.find("cb"), std::string::npos) << after.output;

  RunResult revoked = RunCli("consent revoke ca --data " + data + " --log " + log + At(kT0 + 20 * kDay) +
                             " --reason 'asked by the performer'");
  ASSERT_EQ(revoked.exit_code, 0) << revoked.output;
  EXPECT_EQ(CountLines(ReadFile(log)), 4u);
  RunResult later = RunCli(list + At(kT0 + 30 * kDay) + " --performer pa --format json");
  EXPECT_NE(later.output.find(R"("state": "revoked")"), std::string::npos) << later.output;
  RunResult earlier = RunCli(list + At(kT0 + 19 * kDay) + " --performer pa --format json");
  EXPECT_NE(earlier.output.find(R"("state": "active")"), std::string::npos) << earlier.output;
}

TEST(CliConsentTest, RevokingAnUnknownConsentNamesIt) {
  TempDir dir;
  const std::string data = MakeDataset(dir);
  const std::string log = dir.File("consents.jsonl");
  RunResult r = RunCli("consent revoke zz-404 --data " + data + " --log " + log + " --reason gone");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("consent_id: no consent \"zz-404\""), std::string::npos) << r.output;
  EXPECT_EQ(CountLines(ReadFile(log)), 0u);
}

}  // namespace
}  // namespace marquee
