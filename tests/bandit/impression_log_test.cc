#include "marquee/bandit/impression_log.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "event_test_util.h"

namespace marquee {
namespace {

// Two titles (3 and 2 variants), two members.
Dataset SmallDataset() {
  Dataset d;
  d.members.GetOrAdd("alice");
  d.members.GetOrAdd("bob");
  d.titles.GetOrAdd("t0");
  d.titles.GetOrAdd("t1");
  const uint16_t g = d.catalog.GenreIndex("Drama");
  d.catalog.Resize(2);
  d.catalog.titles()[0].genres = {g};
  d.catalog.titles()[0].artwork = {Artwork{"t0a"}, Artwork{"t0b"}, Artwork{"t0c"}};
  d.catalog.titles()[1].genres = {g};
  d.catalog.titles()[1].artwork = {Artwork{"t1a"}, Artwork{"t1b"}};
  d.interactions = InteractionMatrix(2, 2, {0, 1, 1}, {0}, {1.0f}, {});
  return d;
}

Event Impression(std::string member, std::string title, std::string artwork, int64_t time,
                 std::optional<double> propensity, std::string id) {
  Event e;
  e.kind = EventKind::kImpression;
  e.member_id = std::move(member);
  e.title_id = std::move(title);
  e.artwork_id = std::move(artwork);
  e.time = time;
  e.propensity = propensity;
  e.impression_id = std::move(id);
  return e;
}

using test::Outcome;

TEST(ImpressionLogTest, JoinsPlaysInTheWindowAndClicksById) {
  Dataset d = SmallDataset();
  ArtworkFeatures f(d.catalog);
  const std::vector<Event> events = {
      Impression("alice", "t0", "t0b", 1000, 1.0 / 3, "i1"),
      Impression("bob", "t0", "t0c", 1000, 0.5, "i2"),
      Impression("carol", "t1", "t1a", 2000, 0.25, "i3"),
      Outcome(EventKind::kPlay, "alice", "t0", 1500, {}, 0.4f),     // in alice's window: reward
      Outcome(EventKind::kClick, "carol", "t1", 1900, "i3"),        // by id, even before the impression time
      Outcome(EventKind::kClick, "carol", "t1", 1900, "no-such"),   // unknown impression
      Outcome(EventKind::kPlay, "bob", "t0", 1000 + 7200),          // after bob's 1 h window: none
  };
  RewardRules options;
  options.reward_window_seconds = 3600;
  ImpressionLog log = JoinImpressions(events, d, f, options, "test").value();
  ASSERT_TRUE(log.data.Validate().ok()) << log.data.Validate().ToString();
  ASSERT_EQ(log.data.size(), 3u);
  EXPECT_EQ(log.data.reward, (std::vector<double>{1.0, 0.0, 1.0}));
  EXPECT_EQ(log.data.action, (std::vector<uint32_t>{1, 2, 0}));
  EXPECT_EQ(log.data.candidate_count(0), 3u);
  EXPECT_EQ(log.data.candidate_count(2), 2u);
  EXPECT_EQ(log.data.logged_id(2), 3u);  // t1a: after t0's three variants
  EXPECT_EQ(log.data.member, (std::vector<uint32_t>{0, 1, IdMap::kNotFound}));
  EXPECT_EQ(log.unmatched_outcomes, 1u);
  EXPECT_EQ(log.skipped(), 0u);

  options.weight_by_watch_fraction = true;
  ImpressionLog weighted = JoinImpressions(events, d, f, options, "test").value();
  EXPECT_NEAR(weighted.data.reward[0], 0.4, 1e-6);
}

TEST(ImpressionLogTest, CountsWhatItCannotUse) {
  Dataset d = SmallDataset();
  ArtworkFeatures f(d.catalog);
  const std::vector<Event> events = {
      Impression("alice", "t0", "t0a", 1, std::nullopt, "a"),  // no propensity
      Impression("alice", "t9", "t9a", 1, 0.5, "b"),           // unknown title
      Impression("alice", "t0", "t1a", 1, 0.5, "c"),           // another title's artwork
      Impression("alice", "t0", "t0a", 1, 0.5, "d"),
      Impression("bob", "t0", "t0a", 1, 0.5, "d"),             // id used twice
  };
  ImpressionLog log = JoinImpressions(events, d, f, {}, "events.db").value();
  EXPECT_EQ(log.impressions_seen, 5u);
  EXPECT_EQ(log.data.size(), 1u);
  EXPECT_EQ(log.skipped_no_propensity, 1u);
  EXPECT_EQ(log.skipped_unknown_title, 1u);
  EXPECT_EQ(log.skipped_unknown_artwork, 1u);
  EXPECT_EQ(log.skipped_duplicate_id, 1u);
  ASSERT_EQ(log.messages.size(), 4u);
  EXPECT_EQ(log.messages[0], "events.db: event 1: impression without a propensity");
  EXPECT_NE(log.messages[2].find("\"t1a\" is not a variant of title \"t0\""), std::string::npos);
  EXPECT_NE(log.Summary().find("5 impressions: 1 used, 4 skipped"), std::string::npos);
}

// A propensity no estimator can use stops the join, naming the event:
// skipping it would drop exactly the rarest impressions.
TEST(ImpressionLogTest, RefusesPropensitiesBelowTheSmallestAccepted) {
  Dataset d = SmallDataset();
  ArtworkFeatures f(d.catalog);
  for (double bad : {1e-320, 1e-13, 0.0, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
    const std::vector<Event> events = {Impression("alice", "t0", "t0a", 1, 0.5, "a"),
                                       Impression("bob", "t0", "t0b", 2, bad, "b")};
    Result<ImpressionLog> log = JoinImpressions(events, d, f, {}, "events.db");
    ASSERT_FALSE(log.ok()) << bad;
    EXPECT_EQ(log.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(log.status().message().find("events.db: event 2: impression \"b\" has propensity"),
              std::string::npos)
        << log.status().message();
    EXPECT_NE(log.status().message().find("outside [1e-12, 1]"), std::string::npos)
        << log.status().message();
  }
  Result<ImpressionLog> smallest = JoinImpressions(
      std::vector<Event>{Impression("alice", "t0", "t0a", 1, kMinPropensity, "a")}, d, f, {}, "events.db");
  ASSERT_TRUE(smallest.ok()) << smallest.status().ToString();
  EXPECT_TRUE(smallest->data.Validate().ok());
}

TEST(ImpressionLogTest, RecordContextsComeFromTheDatasetHistory) {
  Dataset d = SmallDataset();
  ArtworkFeatures f(d.catalog);
  ImpressionLog log = JoinImpressions(
      std::vector<Event>{Impression("alice", "t0", "t0a", 1, 0.5, "x"), Impression("zed", "t0", "t0a", 1, 0.5, "y")},
      d, f, {}, "test").value();
  std::vector<float> contexts = RecordMemberContexts(log, d, f);
  ASSERT_EQ(contexts.size(), 2 * f.member_dim());
  std::vector<float> alice(f.member_dim()), nobody(f.member_dim());
  const std::vector<uint32_t> played = {0};
  f.MemberVector(played, {}, alice);
  f.MemberVector({}, {}, nobody);
  EXPECT_EQ(std::vector<float>(contexts.begin(), contexts.begin() + f.member_dim()), alice);
  EXPECT_EQ(std::vector<float>(contexts.begin() + f.member_dim(), contexts.end()), nobody);
}

}  // namespace
}  // namespace marquee
