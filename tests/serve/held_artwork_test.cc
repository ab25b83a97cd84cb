// A member's artwork for a title changes at most once per K sessions (issue
// 11 §4), and a held decision is logged as what it is: an eligible set of
// one, propensity 1.
#include "marquee/serve/held_artwork.h"

#include <gtest/gtest.h>

#include "marquee/serve/artwork_service.h"
#include "marquee/serve/serving_stack.h"
#include "serve_test_fixture.h"

namespace marquee {
namespace {

TEST(HeldArtworkTest, SessionsAndHolding) {
  serve::HeldArtwork held({.sessions_per_change = 3, .session_gap_seconds = 100});
  EXPECT_EQ(held.Visit("m", 0), 0u);
  EXPECT_EQ(held.Visit("m", 99), 0u);    // within the gap: the same session
  EXPECT_EQ(held.Visit("m", 199), 1u);   // a gap of 100: a new one
  EXPECT_FALSE(held.Held("m", 7, 1).has_value());
  held.Record("m", 7, 2, 1);
  EXPECT_EQ(held.Held("m", 7, 1), 2u);
  EXPECT_EQ(held.Held("m", 7, 3), 2u);
  EXPECT_FALSE(held.Held("m", 7, 4).has_value());  // K = 3 sessions later: free
  held.Record("m", 7, 2, 3);                        // the same variant keeps its first session
  EXPECT_FALSE(held.Held("m", 7, 4).has_value());
  held.Record("m", 7, 5, 4);                        // a change restarts the count
  EXPECT_EQ(held.Held("m", 7, 6), 5u);
  EXPECT_FALSE(held.Held("other", 7, 0).has_value());
}

TEST(HeldArtworkTest, MemoryIsBounded) {
  serve::HeldArtwork held({.sessions_per_change = 2, .session_gap_seconds = 10, .max_members = 32});
  for (int i = 0; i < 1000; ++i) {
    const std::string member = "m" + std::to_string(i);
    held.Visit(member, 0);
    held.Record(member, 1, 1, 0);
  }
  int remembered = 0;
  for (int i = 0; i < 1000; ++i) remembered += held.Held("m" + std::to_string(i), 1, 0).has_value();
  EXPECT_LE(remembered, 64);  // 16 shards of 2, give or take the hash's spread
  EXPECT_GT(remembered, 0);
  EXPECT_TRUE(held.Held("m999", 1, 0).has_value());  // the newest are kept
}

// Through ArtworkService::Choose behind a gate, one session a day for 60
// days, with a uniform policy (which would change the variant at will).
std::vector<std::pair<std::string, Event>> Shown(uint32_t k) {
  static std::shared_ptr<const Dataset> dataset = test::SmallService();
  serve::ConsentGateOptions gate_options{.enabled = false, .allow_misrepresenting_artwork = true};
  static std::unique_ptr<serve::ConsentGate> gate;
  Result<std::unique_ptr<serve::ConsentGate>> opened = serve::ConsentGate::Open(*dataset, gate_options);
  EXPECT_TRUE(opened.ok());
  gate = std::move(*opened);
  serve::ArtworkServiceOptions options;
  options.gate = gate.get();
  options.held = {.sessions_per_change = k, .session_gap_seconds = 3600};
  Result<std::unique_ptr<serve::ArtworkService>> service = serve::OpenArtworkService(*dataset, "uniform", options);
  EXPECT_TRUE(service.ok()) << service.status().ToString();
  // A title with at least three variants.
  uint32_t title = 0;
  while (dataset->catalog.titles()[title].artwork.size() < 3) ++title;
  std::vector<std::pair<std::string, Event>> shown;
  for (int day = 0; day < 60; ++day) {
    std::vector<Event> impressions;
    const uint32_t titles[] = {title};
    for (int request = 0; request < 2; ++request) {  // two requests in one session
      (*service)->Choose("m-held", titles, 1'700'000'000 + day * 86400 + request * 60, impressions);
    }
    for (const Event& e : impressions) shown.push_back({std::to_string(day), e});
  }
  return shown;
}

TEST(HeldArtworkTest, ArtworkChangesAtMostOncePerKSessionsAndHeldDecisionsSayTheyHadNoChoice) {
  const auto shown = Shown(3);
  ASSERT_EQ(shown.size(), 120u);
  int last_change_day = -100;
  std::string current;
  int changes = 0, held = 0;
  for (const auto& [day_text, e] : shown) {
    const int day = std::stoi(day_text);
    if (e.artwork_id != current) {
      if (!current.empty()) {
        EXPECT_GE(day - last_change_day, 3) << "changed on day " << day << " after day " << last_change_day;
        ++changes;
      }
      current = e.artwork_id;
      last_change_day = day;
    }
    if (e.eligible_artwork_ids.size() == 1) {
      ++held;
      EXPECT_EQ(e.eligible_artwork_ids[0], e.artwork_id);
      EXPECT_EQ(*e.propensity, 1.0);
    } else {
      EXPECT_LT(*e.propensity, 1.0);
    }
  }
  EXPECT_GT(held, 60);    // most decisions were held
  EXPECT_GT(changes, 3);  // and the policy still got to choose now and then
  // Without holding, the uniform policy changes far more often (the test can fail).
  const auto free = Shown(1);
  int free_changes = 0;
  for (size_t i = 1; i < free.size(); ++i) free_changes += free[i].second.artwork_id != free[i - 1].second.artwork_id;
  EXPECT_GT(free_changes, 2 * changes);
}

}  // namespace
}  // namespace marquee
