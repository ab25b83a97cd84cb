// `marquee ledger verify`, `marquee statement` and `marquee report exposure`
// end to end: a dataset and consent log written here, an event store with a
// ledger written through EventStore::AppendWithLedger.
#include <gtest/gtest.h>

#include <memory>

#include "../consent/consent_test_util.h"
#include "../test_util.h"
#include "../tools/cli_runner.h"
#include "ledger_test_util.h"
#include "marquee/consent/consent_json.h"
#include "marquee/data/dataset_file.h"
#include "marquee/ledger/ledger_rows.h"
#include "marquee/store/event_store.h"

namespace marquee {
namespace {

using test::kT0;  // 2024-01-01
using test::RunCli;
using test::RunResult;
using test::TempDir;

struct Files {
  std::string data, consents, events;
};

// Title t1 (100 min, released 2024-01-01) with variant t1-a showing p1; a
// consent c1 for p1 at 4.00 per 1,000; an event store holding 2,500
// impressions of t1-a and one qualifying play, with their ledger rows.
// Returns false (and leaves `events` without a ledger) when the store keeps
// no ledger yet.
bool Write(const TempDir& dir, Files& f) {
  Dataset d;
  d.catalog.AddPerformer({.id = "p1", .name = "Pat One", .birth_date = static_cast<int32_t>(test::AdultBirthDate())});
  d.titles.GetOrAdd("t1");
  Title t;
  t.name = "Title One";
  t.runtime_minutes = 100;
  t.release_date = static_cast<int32_t>(kT0 / 86400);
  Artwork a{.id = "t1-a"};
  a.depicted = {{0, true, CastRole::kLead}};
  a.performers = {0};
  a.digital_source_type = DigitalSourceType::kDigitalCapture;
  t.artwork = {a};
  d.catalog.titles().push_back(t);
  d.interactions = InteractionMatrix(0, 1, {0}, {}, {}, {});
  f.data = dir.File("d.mqd");
  EXPECT_TRUE(SaveDataset(d, f.data).ok());

  ConsentRecord c = test::ValidConsent();
  c.compensation.flat_fee_micros = 0;
  f.consents = dir.File("consents.jsonl");
  test::WriteFile(f.consents, ConsentEntryToJson(c) + "\n");

  std::vector<Event> events;
  std::vector<LedgerEntry> entries;
  for (int i = 0; i < 2500; ++i) {
    Event e;
    e.kind = EventKind::kImpression;
    e.member_id = "m" + std::to_string(i);
    e.title_id = "t1";
    e.time = kT0 + i;
    e.artwork_id = "t1-a";
    e.propensity = 1.0;
    e.impression_id = "imp" + std::to_string(i);
    e.eligible_artwork_ids = {"t1-a"};
    events.push_back(e);
    ImpressionLedgerRow row = testing_ledger::Impression(e.impression_id, e.time, "t1", {{"p1", "c1", 1}}, "US",
                                                         e.member_id);
    row.artwork_id = "t1-a";
    row.propensity = 1.0;
    row.eligible_set_hash = EligibleSetHash(e.eligible_artwork_ids);
    row.eligible_count = 1;
    entries.push_back(ToLedgerEntry(row));
  }
  Event play;
  play.kind = EventKind::kPlay;
  play.member_id = "m7";
  play.title_id = "t1";
  play.time = kT0 + 60;
  play.watch_fraction = 0.5f;
  events.push_back(play);
  PlayLedgerRow play_row = testing_ledger::Play(PlayEntryId("m7", "t1", kT0 + 60, 0.5f), kT0 + 60, "t1", "imp7",
                                                true, 3000);
  play_row.member_hash = HashMemberId("m7");
  entries.push_back(ToLedgerEntry(play_row));

  f.events = dir.File("events.db");
  Result<std::unique_ptr<EventStore>> store = EventStore::Open(f.events);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  Status appended = (*store)->AppendWithLedger(events, entries, Durability::kProcess);
  if (appended.code() == Status::Code::kUnsupported) {
    EXPECT_TRUE((*store)->Append(events).ok());
    return false;
  }
  EXPECT_TRUE(appended.ok()) << appended.ToString();
  return true;
}

TEST(CliLedgerTest, BadInputNamesTheFlagOrFile) {
  TempDir dir;
  Files f;
  Write(dir, f);
  RunResult r = RunCli("ledger verify --events " + dir.File("none.db") + " --data " + f.data);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("none.db"), std::string::npos) << r.output;
  r = RunCli("ledger verify --events " + f.consents + " --data " + f.data);  // not SQLite
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("not an event store"), std::string::npos) << r.output;
  r = RunCli("ledger verify --events " + f.events + " --data " + dir.File("none.mqd"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("none.mqd"), std::string::npos) << r.output;
  r = RunCli("ledger verify --events " + f.events);
  EXPECT_EQ(r.exit_code, 2) << r.output;  // --data is required

  const std::string base = "statement --events " + f.events + " --data " + f.data + " --consents " + f.consents;
  r = RunCli(base + " --performer p1 --format pdf");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("--format"), std::string::npos) << r.output;
  r = RunCli(base + " --performer p1 --from 2024-02-30");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("--from"), std::string::npos) << r.output;
  r = RunCli(base + " --performer p1 --from 2024-02-02 --to 2024-02-01");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("--to"), std::string::npos) << r.output;
  r = RunCli("statement --events " + f.events + " --data " + f.data + " --consents " + dir.File("gone.jsonl") +
             " --performer p1");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("gone.jsonl"), std::string::npos) << r.output;
  r = RunCli(base + " --performer p1 --bonus-rules " + dir.File("rules.json"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("rules.json"), std::string::npos) << r.output;

  r = RunCli("report exposure --events " + f.events + " --data " + f.data + " --domestic usa");
  EXPECT_NE(r.exit_code, 0) << r.output;
  r = RunCli("report exposure --events " + dir.File("none.db") + " --data " + f.data);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("none.db"), std::string::npos) << r.output;
}

TEST(CliLedgerTest, VerifyStatementAndExposureEndToEnd) {
  TempDir dir;
  Files f;
  if (!Write(dir, f)) {
    // Before the store keeps a ledger, the commands say so and fail.
    RunResult r = RunCli("ledger verify --events " + f.events + " --data " + f.data);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    GTEST_SKIP() << "the event store keeps no ledger yet: " << r.output;
  }
  RunResult r = RunCli("ledger verify --events " + f.events + " --data " + f.data);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ledger verified"), std::string::npos) << r.output;

  r = RunCli("statement --events " + f.events + " --data " + f.data + " --consents " + f.consents +
             " --performer p1 --from 2024-01-01 --to 2024-01-31");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("qualifying impressions: 2,500"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("10.000000"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("qualifying plays attributed: 1"), std::string::npos) << r.output;

  const std::string html = dir.File("s.html");
  r = RunCli("statement --events " + f.events + " --data " + f.data + " --consents " + f.consents +
             " --performer p1 --format html --out " + html);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(test::ReadFile(html).find("<svg"), std::string::npos);

  r = RunCli("report exposure --events " + f.events + " --data " + f.data + " --format json");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"seconds_domestic\": 3000"), std::string::npos) << r.output;

  // A ledger that disagrees with its events: exit 1, the first problem shown.
  Result<std::unique_ptr<EventStore>> store = EventStore::Open(f.events);
  ASSERT_TRUE(store.ok());
  Event extra;
  extra.kind = EventKind::kImpression;
  extra.member_id = "m1";
  extra.title_id = "t1";
  extra.time = kT0 + 9999;
  extra.artwork_id = "t1-a";
  extra.impression_id = "imp-unaccounted";
  ASSERT_TRUE((*store)->Append(std::vector<Event>{extra}).ok());
  store->reset();
  r = RunCli("ledger verify --events " + f.events + " --data " + f.data);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("imp-unaccounted: no ledger impression row"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace marquee
