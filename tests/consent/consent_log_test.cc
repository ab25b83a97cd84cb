// The durable consent log: what is appended is what a reopen replays, a
// refused record never reaches the file, a crash's torn tail is dropped,
// and corruption anywhere else refuses the whole log.
#include "marquee/consent/consent_log.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "../test_util.h"
#include "consent_test_util.h"
#include "marquee/consent/consent_json.h"

namespace marquee {
namespace {

using test::AdultBirthDate;
using test::kDay;
using test::kT0;
using test::ReadFile;
using test::TempDir;
using test::ValidConsent;
using test::WriteFile;

ConsentRegistry FreshRegistry() { return ConsentRegistry({{"p1", PerformerFacts{.birth_date = AdultBirthDate()}}}); }

size_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<size_t>(st.st_size) : 0;
}

size_t CountLines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

LikenessUse UseAt(int64_t t, std::string artwork = "a1") {
  return LikenessUse{.artwork_id = std::move(artwork), .title_id = "t1", .use = "artwork.personalized",
                     .territory = "US", .time = t, .depicted = {{"p1", true}}};
}

TEST(ConsentLogTest, AppendThenReopenReplaysIdenticalDecisions) {
  TempDir dir;
  const std::string path = dir.File("consents.jsonl");
  ConsentRegistry live = FreshRegistry();
  {
    Result<std::unique_ptr<ConsentLog>> log = ConsentLog::Open(path, live);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    EXPECT_EQ((*log)->replay().entries, 0u);
    ConsentRecord v2 = ValidConsent();
    v2.version = 2;
    v2.valid_from = kT0 + 100 * kDay;
    v2.territories = {"GB"};
    const std::vector<ConsentEntry> entries = {
        ValidConsent(), v2, Revocation{.consent_id = "c1", .effective_at = kT0 + 200 * kDay, .reason = "asked"},
        Takedown{.takedown_id = "d1", .performer_id = "p1", .material = "a2", .contact = "agent@example.com",
                 .received_at = kT0 + 10 * kDay},
        Restoration{.takedown_id = "d1", .restored_at = kT0 + 30 * kDay, .note = "heard"}};
    for (const ConsentEntry& e : entries) ASSERT_TRUE((*log)->Append(e).ok());
  }
  EXPECT_EQ(CountLines(ReadFile(path)), 5u);

  ConsentRegistry replayed = FreshRegistry();
  Result<std::unique_ptr<ConsentLog>> reopened = ConsentLog::Open(path, replayed);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->replay().entries, 5u);
  EXPECT_EQ((*reopened)->replay().torn_lines, 0u);
  EXPECT_EQ(replayed.consents(), live.consents());
  EXPECT_EQ(replayed.revocations(), live.revocations());
  EXPECT_EQ(replayed.takedowns(), live.takedowns());
  EXPECT_EQ(replayed.restorations(), live.restorations());
  // Before, during, after each record's effect: the same answer, for the same reason.
  for (int64_t day : {-1, 0, 5, 15, 40, 120, 250, 400}) {
    for (const char* artwork : {"a1", "a2"}) {
      const Eligibility a = live.Check(UseAt(kT0 + day * kDay, artwork));
      const Eligibility b = replayed.Check(UseAt(kT0 + day * kDay, artwork));
      EXPECT_EQ(a.eligible, b.eligible) << day;
      EXPECT_EQ(a.reason, b.reason) << day << " " << IneligibleReasonName(b.reason);
      EXPECT_EQ(a.record_id, b.record_id) << day;
      EXPECT_EQ(a.relied_on, b.relied_on) << day;
    }
  }
  // The decisions compared above include each record's effect, not only "no".
  EXPECT_TRUE(replayed.Check(UseAt(kT0 + 50 * kDay)).eligible);
  EXPECT_EQ(replayed.Check(UseAt(kT0 + 20 * kDay, "a2")).reason, IneligibleReason::kTakenDown);
  EXPECT_TRUE(replayed.Check(UseAt(kT0 + 40 * kDay, "a2")).eligible);  // restored
  EXPECT_EQ(replayed.Check(UseAt(kT0 + 150 * kDay)).reason, IneligibleReason::kSuperseded);  // v2 is GB only
  LikenessUse gb = UseAt(kT0 + 250 * kDay);
  gb.territory = "GB";
  EXPECT_EQ(replayed.Check(gb).reason, IneligibleReason::kRevoked);
}

TEST(ConsentLogTest, RefusedRecordWritesNothing) {
  TempDir dir;
  const std::string path = dir.File("consents.jsonl");
  ConsentRegistry registry = FreshRegistry();
  Result<std::unique_ptr<ConsentLog>> log = ConsentLog::Open(path, registry);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_TRUE((*log)->Append(ValidConsent()).ok());
  const size_t size = FileSize(path);
  ASSERT_GT(size, 0u);

  ConsentRecord generic = ValidConsent();
  generic.consent_id = "c2";
  generic.intended_use_description = "Key art.";
  Status s = (*log)->Append(generic);
  EXPECT_EQ(s.field(), "intended_use_description") << s.ToString();
  s = (*log)->Append(ValidConsent());  // the same version again
  EXPECT_EQ(s.field(), "version") << s.ToString();
  s = (*log)->Append(Revocation{.consent_id = "nope", .effective_at = kT0});
  EXPECT_EQ(s.field(), "consent_id") << s.ToString();
  EXPECT_EQ(FileSize(path), size);
  EXPECT_EQ(registry.consents().size(), 1u);
  EXPECT_TRUE(registry.revocations().empty());
}

TEST(ConsentLogTest, TornLastLineIsIgnoredCountedAndCutOff) {
  TempDir dir;
  const std::string path = dir.File("consents.jsonl");
  const std::string good = ConsentEntryToJson(ValidConsent()) + "\n";
  const std::string torn = ConsentEntryToJson(Revocation{.consent_id = "c1", .effective_at = kT0 + kDay});
  WriteFile(path, good + torn.substr(0, torn.size() / 2));

  ConsentRegistry registry = FreshRegistry();
  Result<std::unique_ptr<ConsentLog>> log = ConsentLog::Open(path, registry);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->replay().entries, 1u);
  EXPECT_EQ((*log)->replay().torn_lines, 1u);
  EXPECT_TRUE(registry.revocations().empty());
  EXPECT_EQ(ReadFile(path), good);  // the next line starts clean
  ASSERT_TRUE((*log)->Append(Revocation{.consent_id = "c1", .effective_at = kT0 + kDay}).ok());
  log->reset();

  ConsentRegistry again = FreshRegistry();
  Result<ConsentLogReplay> replay = ReplayConsentLog(path, again);
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_EQ(replay->entries, 2u);
  EXPECT_EQ(replay->torn_lines, 0u);
  EXPECT_EQ(again.revocations().size(), 1u);
}

TEST(ConsentLogTest, CorruptMiddleLineRefusesToOpenNamingFileAndLine) {
  TempDir dir;
  const std::string path = dir.File("consents.jsonl");
  ConsentRecord other = ValidConsent();
  other.consent_id = "c2";
  const std::string first = ConsentEntryToJson(ValidConsent()) + "\n";
  const std::string last = ConsentEntryToJson(other) + "\n";

  WriteFile(path, first + "{\"type\":\"consent\",\"consent_id\":\n" + last);
  ConsentRegistry registry = FreshRegistry();
  Result<std::unique_ptr<ConsentLog>> log = ConsentLog::Open(path, registry);
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find(path + ":2: body: expected a JSON object"), std::string::npos)
      << log.status().ToString();

  // Well-formed JSON the registry refuses (a second copy of version 1) is just as corrupt.
  WriteFile(path, first + first + last);
  ConsentRegistry registry2 = FreshRegistry();
  log = ConsentLog::Open(path, registry2);
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find(path + ":2: version:"), std::string::npos) << log.status().ToString();
  EXPECT_EQ(ReadFile(path), first + first + last);  // left as found, for a person to look at
}

TEST(ConsentLogTest, ConcurrentAppendsLandExactlyOnce) {
  TempDir dir;
  const std::string path = dir.File("consents.jsonl");
  ConsentRegistry registry = FreshRegistry();
  Result<std::unique_ptr<ConsentLog>> log = ConsentLog::Open(path, registry);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  constexpr int kThreads = 8, kPerThread = 25;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < kPerThread; ++j) {
        ConsentRecord c = ValidConsent();
        c.consent_id = "c-" + std::to_string(i) + "-" + std::to_string(j);
        if (!(*log)->Append(c).ok()) ++failures[i];
        // Every thread also races the same version 1 of one shared consent: exactly one may win.
        if (j == 0) {
          ConsentRecord shared = ValidConsent();
          shared.consent_id = "shared";
          shared.version = 1;
          (void)(*log)->Append(shared);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int f : failures) EXPECT_EQ(f, 0);
  const std::string text = ReadFile(path);
  EXPECT_EQ(CountLines(text), static_cast<size_t>(kThreads * kPerThread + 1));
  ConsentRegistry replayed = FreshRegistry();
  Result<ConsentLogReplay> replay = ReplayConsentLog(path, replayed);
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_EQ(replay->entries, static_cast<size_t>(kThreads * kPerThread + 1));
  EXPECT_EQ(replayed.consents(), registry.consents());  // same records, same order
}

TEST(ConsentLogTest, MissingFileIsCreatedButReplayAloneReportsNotFound) {
  TempDir dir;
  const std::string path = dir.File("new.jsonl");
  ConsentRegistry registry = FreshRegistry();
  Result<ConsentLogReplay> replay = ReplayConsentLog(path, registry);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.status().code(), Status::Code::kNotFound);
  Result<std::unique_ptr<ConsentLog>> log = ConsentLog::Open(path, registry);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ(FileSize(path), 0u);
  // A second writer on the same file is refused while the first holds it.
  ConsentRegistry other = FreshRegistry();
  Result<std::unique_ptr<ConsentLog>> second = ConsentLog::Open(path, other);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("open for writing in another process"), std::string::npos)
      << second.status().ToString();
}

}  // namespace
}  // namespace marquee
