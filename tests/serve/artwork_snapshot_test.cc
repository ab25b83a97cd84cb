// Artwork policy snapshots: a server's online policy written to a policy file
// and resumed from it, and snapshots it cannot use refused without losing
// the policy it was given.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "marquee/serve/serving_stack.h"
#include "serve_test_fixture.h"

namespace marquee::test {
namespace {

constexpr int64_t kNow = 1767225600;

serve::ArtworkServiceOptions SnapshotOptions(const std::string& path) {
  serve::ArtworkServiceOptions options;
  options.seed = 5;
  options.snapshot_path = path;
  options.snapshot_every = std::chrono::seconds(0);  // only when asked
  return options;
}

// Twenty members see ten titles' artwork; each plays the first three, and the
// rest expire unrewarded: every impression is learned.
void Learn(serve::ArtworkService& service, const Dataset& dataset) {
  std::vector<uint32_t> titles;
  for (uint32_t t = 0; t < 10; ++t) titles.push_back(t);
  for (uint32_t m = 0; m < 20; ++m) {
    const std::string member(dataset.members.ExternalId(m));
    std::vector<Event> impressions;
    std::vector<serve::ArtworkChoice> choices = service.Choose(member, titles, kNow, impressions);
    service.NoteLogged(member, choices, kNow);
    std::vector<Event> plays;
    for (uint32_t t = 0; t < 3; ++t) {
      Event play;
      play.kind = EventKind::kPlay;
      play.member_id = member;
      play.title_id = std::string(dataset.titles.ExternalId(t));
      play.time = kNow + 60;
      play.watch_fraction = 1.0f;
      plays.push_back(play);
    }
    service.NoteOutcomes(plays, kNow + 60);
  }
  service.NoteOutcomes({}, kNow + kMaxRewardWindowSeconds + 1);
  service.Flush();  // learning runs on the learner thread
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(ArtworkSnapshotTest, ASnapshotResumesTheSamePolicy) {
  std::shared_ptr<const Dataset> dataset = SmallService();
  TempDir dir;
  const std::string path = dir.File("policy.mqp");
  Result<std::unique_ptr<serve::ArtworkService>> first =
      serve::OpenArtworkService(*dataset, "thompson", SnapshotOptions(path));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE((*first)->Stats().restored);
  EXPECT_TRUE((*first)->Stats().snapshot_refused.empty());

  // Nothing learned: nothing written.
  ASSERT_TRUE((*first)->WriteSnapshot().ok());
  EXPECT_FALSE(std::filesystem::exists(path));

  Learn(**first, *dataset);
  const serve::ArtworkStats learned = (*first)->Stats();
  ASSERT_GT(learned.updates, 0u);
  ASSERT_GT(learned.rewarded, 0u);
  ASSERT_TRUE((*first)->StopSnapshots().ok());
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ((*first)->Stats().snapshots_written, 1u);
  EXPECT_GT((*first)->Stats().last_snapshot_time, 0);
  EXPECT_EQ((*first)->Stats().snapshot_path, path);

  // Resumed from the snapshot, whatever the spec says.
  Result<std::unique_ptr<serve::ArtworkService>> second =
      serve::OpenArtworkService(*dataset, "uniform", SnapshotOptions(path));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  const serve::ArtworkStats resumed = (*second)->Stats();
  EXPECT_TRUE(resumed.restored);
  EXPECT_EQ(resumed.policy, learned.policy);
  EXPECT_EQ(resumed.updates, learned.updates);
  EXPECT_EQ(resumed.rewarded, learned.rewarded);

  // The same decisions with the same propensities, member by member.
  for (uint32_t m = 0; m < 30; ++m) {
    const std::string member(dataset->members.ExternalId(m));
    for (uint32_t t = 0; t < 10; ++t) {
      const std::string id = "replay-" + std::to_string(m) + "-" + std::to_string(t);
      ArtworkDecision a = (*first)->Replay(member, t, id);
      ArtworkDecision b = (*second)->Replay(member, t, id);
      EXPECT_EQ(a.variant, b.variant) << member << " " << t;
      EXPECT_DOUBLE_EQ(a.propensity, b.propensity) << member << " " << t;
    }
  }
  // Resumed and not learning: the file is not rewritten.
  ASSERT_TRUE((*second)->StopSnapshots().ok());
  EXPECT_EQ((*second)->Stats().snapshots_written, 0u);
}

TEST(ArtworkSnapshotTest, ASnapshotOfAnotherCatalogIsRefusedAndKeptUntilThePolicyLearns) {
  std::shared_ptr<const Dataset> dataset = SmallService();
  SyntheticConfig config;
  config.members = 100;
  config.titles = 60;
  config.plays = 1500;
  config.seed = 99;
  Result<SyntheticService> other = GenerateService(config);
  ASSERT_TRUE(other.ok()) << other.status().ToString();

  TempDir dir;
  const std::string path = dir.File("other.mqp");
  {
    Result<std::unique_ptr<serve::ArtworkService>> elsewhere =
        serve::OpenArtworkService(other->dataset, "thompson", SnapshotOptions(path));
    ASSERT_TRUE(elsewhere.ok()) << elsewhere.status().ToString();
    Learn(**elsewhere, other->dataset);
    ASSERT_TRUE((*elsewhere)->StopSnapshots().ok());
  }
  const std::string bytes = ReadBytes(path);
  ASSERT_FALSE(bytes.empty());

  Result<std::unique_ptr<serve::ArtworkService>> service =
      serve::OpenArtworkService(*dataset, "linucb:alpha=0.5", SnapshotOptions(path));
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  serve::ArtworkStats stats = (*service)->Stats();
  EXPECT_FALSE(stats.restored);
  EXPECT_EQ(stats.policy, "linucb alpha=0.5");  // the policy it was given
  EXPECT_EQ(stats.updates, 0u);
  EXPECT_NE(stats.snapshot_refused.find(path), std::string::npos) << stats.snapshot_refused;
  EXPECT_NE(stats.snapshot_refused.find("catalog"), std::string::npos) << stats.snapshot_refused;

  // Not overwritten while the policy has learned nothing...
  ASSERT_TRUE((*service)->WriteSnapshot().ok());
  EXPECT_EQ(ReadBytes(path), bytes);
  // ...and replaced by its own once it has.
  Learn(**service, *dataset);
  ASSERT_TRUE((*service)->StopSnapshots().ok());
  EXPECT_NE(ReadBytes(path), bytes);
  Result<std::unique_ptr<serve::ArtworkService>> resumed =
      serve::OpenArtworkService(*dataset, "uniform", SnapshotOptions(path));
  ASSERT_TRUE(resumed.ok());
  EXPECT_TRUE((*resumed)->Stats().restored);
  EXPECT_EQ((*resumed)->Stats().policy, "linucb alpha=0.5");
}

TEST(ArtworkSnapshotTest, ADamagedSnapshotIsRefusedNamingTheFile) {
  std::shared_ptr<const Dataset> dataset = SmallService();
  TempDir dir;
  const std::string path = dir.File("damaged.mqp");
  { std::ofstream(path) << "not a policy file"; }
  Result<std::unique_ptr<serve::ArtworkService>> service =
      serve::OpenArtworkService(*dataset, "thompson", SnapshotOptions(path));
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  EXPECT_FALSE((*service)->Stats().restored);
  EXPECT_NE((*service)->Stats().snapshot_refused.find(path), std::string::npos);
  ASSERT_TRUE((*service)->StopSnapshots().ok());
  EXPECT_EQ(ReadBytes(path), "not a policy file");
}

TEST(ArtworkSnapshotTest, TheBackgroundThreadWritesPeriodically) {
  std::shared_ptr<const Dataset> dataset = SmallService();
  TempDir dir;
  const std::string path = dir.File("periodic.mqp");
  serve::ArtworkServiceOptions options = SnapshotOptions(path);
  options.snapshot_every = std::chrono::seconds(1);
  Result<std::unique_ptr<serve::ArtworkService>> service = serve::OpenArtworkService(*dataset, "thompson", options);
  ASSERT_TRUE(service.ok());
  Learn(**service, *dataset);
  for (int i = 0; i < 200 && (*service)->Stats().snapshots_written == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ((*service)->Stats().snapshots_written, 1u);  // once: nothing learned since
  EXPECT_TRUE(std::filesystem::exists(path));
}

// Each write attempted is reported to on_snapshot, failures included (they
// were visible only in the stats' last_snapshot_error), so a server can log
// them; a call with nothing learned writes nothing and reports nothing.
TEST(ArtworkSnapshotTest, EveryWriteAttemptIsReportedToOnSnapshot) {
  std::shared_ptr<const Dataset> dataset = SmallService();
  TempDir dir;
  const std::string folder = dir.File("snapshots");
  std::filesystem::create_directory(folder);
  const std::string path = folder + "/policy.mqp";
  std::vector<Status> reports;
  serve::ArtworkServiceOptions options = SnapshotOptions(path);
  options.on_snapshot = [&reports](const Status& status) { reports.push_back(status); };
  Result<std::unique_ptr<serve::ArtworkService>> service = serve::OpenArtworkService(*dataset, "thompson", options);
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  ASSERT_TRUE((*service)->WriteSnapshot().ok());
  EXPECT_TRUE(reports.empty());  // nothing learned: no write, no report

  Learn(**service, *dataset);
  std::filesystem::remove_all(folder);  // the folder vanishes under the server
  Status failed = (*service)->WriteSnapshot();
  EXPECT_FALSE(failed.ok());
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_FALSE(reports[0].ok());
  EXPECT_NE(reports[0].ToString().find(path), std::string::npos) << reports[0].ToString();
  EXPECT_EQ((*service)->Stats().last_snapshot_error, reports[0].ToString());

  std::filesystem::create_directory(folder);  // back: the retry writes what the failure did not
  ASSERT_TRUE((*service)->StopSnapshots().ok());
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_TRUE(reports[1].ok()) << reports[1].ToString();
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_TRUE((*service)->Stats().last_snapshot_error.empty());
}

}  // namespace
}  // namespace marquee::test
