// The artwork learner: request threads only enqueue, one learner thread
// applies, decisions read the published policy, and Flush makes everything
// noted so far visible.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "marquee/serve/serving_stack.h"
#include "serve_test_fixture.h"

namespace marquee::test {
namespace {

constexpr int64_t kNow = 1767225600;

std::unique_ptr<serve::ArtworkService> Open(const Dataset& dataset, serve::ArtworkServiceOptions options = {}) {
  Result<std::unique_ptr<serve::ArtworkService>> opened = serve::OpenArtworkService(dataset, "thompson", options);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  return opened.ok() ? std::move(opened).value() : nullptr;
}

Event Play(const Dataset& dataset, const std::string& member, uint32_t title, int64_t time) {
  Event play;
  play.kind = EventKind::kPlay;
  play.member_id = member;
  play.title_id = std::string(dataset.titles.ExternalId(title));
  play.time = time;
  play.watch_fraction = 1.0f;
  return play;
}

size_t WithArtwork(const std::vector<serve::ArtworkChoice>& choices) {
  size_t n = 0;
  for (const serve::ArtworkChoice& c : choices) n += c.has_artwork;
  return n;
}

TEST(ArtworkLearnerTest, FlushMakesTheHandComputedCountsExact) {
  std::shared_ptr<const Dataset> dataset = SmallService();
  std::unique_ptr<serve::ArtworkService> service = Open(*dataset);
  ASSERT_NE(service, nullptr);

  // Twenty members see ten titles; each plays the first three.
  const std::vector<uint32_t> titles = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  uint64_t shown = 0, played = 0;
  for (uint32_t m = 0; m < 20; ++m) {
    const std::string member(dataset->members.ExternalId(m));
    std::vector<Event> impressions;
    std::vector<serve::ArtworkChoice> choices = service->Choose(member, titles, kNow, impressions);
    shown += impressions.size();
    for (uint32_t t = 0; t < 3; ++t) played += choices[t].has_artwork;
    service->NoteLogged(member, choices, kNow);
    std::vector<Event> plays;
    for (uint32_t t = 0; t < 3; ++t) plays.push_back(Play(*dataset, member, t, kNow + 60));
    service->NoteOutcomes(plays, kNow + 60);
  }
  ASSERT_GT(played, 0u);
  service->Flush();
  serve::ArtworkStats stats = service->Stats();
  EXPECT_EQ(stats.decisions, shown);
  EXPECT_EQ(stats.updates, played);  // only the rewarded have finished
  EXPECT_EQ(stats.rewarded, played);
  EXPECT_EQ(stats.pending, shown - played);
  EXPECT_EQ(stats.learn_queue_depth, 0u);
  EXPECT_EQ(stats.learn_dropped, 0u);

  // The window passes: the rest are learned as reward 0.
  service->NoteOutcomes({}, kNow + kMaxRewardWindowSeconds + 61);
  service->Flush();
  stats = service->Stats();
  EXPECT_EQ(stats.updates, shown);
  EXPECT_EQ(stats.rewarded, played);
  EXPECT_EQ(stats.pending, 0u);
}

TEST(ArtworkLearnerTest, NotingOnlyEnqueuesTheLearnerApplies) {
  std::shared_ptr<const Dataset> dataset = SmallService();
  std::unique_ptr<serve::ArtworkService> service = Open(*dataset);
  ASSERT_NE(service, nullptr);
  service->PauseLearnerForTesting(true);

  const std::string member(dataset->members.ExternalId(0));
  const std::vector<uint32_t> titles = {0, 1, 2};
  std::vector<Event> impressions;
  std::vector<serve::ArtworkChoice> choices = service->Choose(member, titles, kNow, impressions);
  ASSERT_GT(impressions.size(), 0u);
  service->NoteLogged(member, choices, kNow);
  service->NoteOutcomes(std::vector<Event>{Play(*dataset, member, 0, kNow + 1)}, kNow + 1);

  // The calls returned with nothing learned: the learner has not run.
  serve::ArtworkStats stats = service->Stats();
  EXPECT_EQ(stats.pending, 0u);
  EXPECT_EQ(stats.updates, 0u);
  EXPECT_EQ(stats.learn_queue_depth, 2u);
  EXPECT_FALSE(service->FlushFor(std::chrono::milliseconds(20)));

  // Decisions meanwhile read the published policy: the same as before.
  for (const serve::ArtworkChoice& c : choices) {
    if (!c.has_artwork) continue;
    const ArtworkDecision d = service->Replay(member, c.title, c.impression_id);
    EXPECT_EQ(d.variant, c.variant);
    EXPECT_DOUBLE_EQ(d.propensity, c.propensity);
  }

  service->PauseLearnerForTesting(false);
  EXPECT_TRUE(service->FlushFor(std::chrono::seconds(10)));
  stats = service->Stats();
  EXPECT_EQ(stats.learn_queue_depth, 0u);
  EXPECT_EQ(stats.rewarded, choices[0].has_artwork ? 1u : 0u);
  EXPECT_EQ(stats.pending + stats.updates, impressions.size());
}

TEST(ArtworkLearnerTest, AFullQueueDropsAndCountsWithoutBlocking) {
  std::shared_ptr<const Dataset> dataset = SmallService();
  serve::ArtworkServiceOptions options;
  options.learn_queue_capacity = 1;
  std::unique_ptr<serve::ArtworkService> service = Open(*dataset, options);
  ASSERT_NE(service, nullptr);
  service->PauseLearnerForTesting(true);

  const std::vector<uint32_t> titles = {0, 1, 2, 3};
  std::vector<Event> first_impressions, second_impressions;
  const std::string first(dataset->members.ExternalId(0)), second(dataset->members.ExternalId(1));
  std::vector<serve::ArtworkChoice> kept = service->Choose(first, titles, kNow, first_impressions);
  std::vector<serve::ArtworkChoice> lost = service->Choose(second, titles, kNow, second_impressions);
  service->NoteLogged(first, kept, kNow);   // queued
  service->NoteLogged(second, lost, kNow);  // dropped
  service->NoteOutcomes({}, kNow);          // dropped
  serve::ArtworkStats stats = service->Stats();
  EXPECT_EQ(stats.learn_queue_depth, 1u);
  EXPECT_EQ(stats.learn_dropped, 2u);

  service->PauseLearnerForTesting(false);
  service->Flush();
  stats = service->Stats();
  EXPECT_EQ(stats.learn_queue_depth, 0u);
  EXPECT_EQ(stats.learn_dropped, 2u);
  EXPECT_EQ(stats.pending, WithArtwork(kept));  // the dropped call's impressions are not learned from
  EXPECT_EQ(stats.decisions, first_impressions.size() + second_impressions.size());
}

TEST(ArtworkLearnerTest, DestructionAppliesTheQueueEvenWhenPaused) {
  std::shared_ptr<const Dataset> dataset = SmallService();
  std::unique_ptr<serve::ArtworkService> service = Open(*dataset);
  ASSERT_NE(service, nullptr);
  service->PauseLearnerForTesting(true);
  const std::string member(dataset->members.ExternalId(0));
  std::vector<Event> impressions;
  const std::vector<uint32_t> titles = {0, 1};
  service->NoteLogged(member, service->Choose(member, titles, kNow, impressions), kNow);
  service->NoteOutcomes({}, kNow + kMaxRewardWindowSeconds + 1);
  service.reset();  // returns: the learner drains and stops
}

TEST(ArtworkLearnerTest, ConcurrentRequestsGiveConsistentTotals) {
  std::shared_ptr<const Dataset> dataset = SmallService();
  serve::ArtworkServiceOptions options;
  options.publish_every = std::chrono::milliseconds(1);  // publish often, beside the decisions
  std::unique_ptr<serve::ArtworkService> service = Open(*dataset, options);
  ASSERT_NE(service, nullptr);

  constexpr uint32_t kThreads = 8;
  constexpr uint32_t kRequests = 30;  // a member each: 240 of the 300
  std::atomic<uint64_t> logged{0}, played{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t r = 0; r < kRequests; ++r) {
        const std::string member(dataset->members.ExternalId(t * kRequests + r));
        const std::vector<uint32_t> titles = {(t + r) % 120, (t + r + 7) % 120, (t + r + 40) % 120};
        std::vector<Event> impressions;
        std::vector<serve::ArtworkChoice> choices = service->Choose(member, titles, kNow, impressions);
        logged += impressions.size();
        service->NoteLogged(member, choices, kNow);
        // The member plays the first title: its impression is rewarded.
        played += choices[0].has_artwork;
        service->NoteOutcomes(std::vector<Event>{Play(*dataset, member, titles[0], kNow + 5)}, kNow + 5);
      }
    });
  }
  // A reader beside them: stats and replays see consistent published state.
  std::thread reader([&] {
    const std::string member(dataset->members.ExternalId(299));
    while (!done.load()) {
      serve::ArtworkStats stats = service->Stats();
      EXPECT_LE(stats.rewarded, stats.updates);
      (void)service->Replay(member, 0, "reader");
    }
  });
  for (std::thread& thread : threads) thread.join();
  done = true;
  reader.join();

  service->NoteOutcomes({}, kNow + kMaxRewardWindowSeconds + 6);  // the rest expire
  service->Flush();
  const serve::ArtworkStats stats = service->Stats();
  EXPECT_EQ(stats.decisions, logged.load());
  EXPECT_EQ(stats.updates, logged.load());
  EXPECT_EQ(stats.rewarded, played.load());
  EXPECT_EQ(stats.pending, 0u);
  EXPECT_EQ(stats.learn_dropped, 0u);
}

TEST(ArtworkLearnerTest, ReplayIsTheChoiceUntilThePolicyLearns) {
  std::shared_ptr<const Dataset> dataset = SmallService();
  std::unique_ptr<serve::ArtworkService> service = Open(*dataset);
  ASSERT_NE(service, nullptr);
  const std::vector<uint32_t> titles = {5, 6, 7, 8, 9};
  for (uint32_t m = 0; m < 10; ++m) {
    const std::string member(dataset->members.ExternalId(m));
    std::vector<Event> impressions;
    for (const serve::ArtworkChoice& c : service->Choose(member, titles, kNow, impressions)) {
      if (!c.has_artwork) continue;
      const ArtworkDecision d = service->Replay(member, c.title, c.impression_id);
      EXPECT_EQ(d.variant, c.variant) << member << " " << c.title;
      EXPECT_DOUBLE_EQ(d.propensity, c.propensity) << member << " " << c.title;
    }
  }
}

TEST(ArtworkLearnerTest, OptionsAreChecked) {
  std::shared_ptr<const Dataset> dataset = SmallService();
  serve::ArtworkServiceOptions options;
  options.learn_queue_capacity = 0;
  EXPECT_FALSE(serve::OpenArtworkService(*dataset, "uniform", options).ok());
  options = {};
  options.publish_every = std::chrono::milliseconds(-1);
  EXPECT_FALSE(serve::OpenArtworkService(*dataset, "uniform", options).ok());
}

}  // namespace
}  // namespace marquee::test
