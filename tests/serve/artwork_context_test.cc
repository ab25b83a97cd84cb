// The artwork policy's member context follows the member's plays logged since
// start-up (the history fold-in uses), and learning updates the policy with
// the context the decision used.
#include <gtest/gtest.h>

#include <vector>

#include "marquee/bandit/artwork_features.h"
#include "marquee/serve/serving_stack.h"
#include "serve_test_fixture.h"

namespace marquee::test {
namespace {

constexpr int64_t kNow = 1767225600;

TEST(ArtworkContextTest, LivePlaysShapeTheContextEachImpressionKeeps) {
  std::shared_ptr<const Dataset> dataset = SmallService();
  Result<std::unique_ptr<serve::ArtworkService>> opened =
      serve::OpenArtworkService(*dataset, "linucb:model=disjoint", serve::ArtworkServiceOptions{});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  serve::ArtworkService& service = **opened;
  ArtworkFeatures features(dataset->catalog);

  // A member the dataset does not know: without live plays, the uniform context.
  std::vector<uint32_t> titles = {0, 1, 2};
  std::vector<Event> impressions;
  std::vector<serve::ArtworkChoice> cold = service.Choose("newcomer", titles, kNow, impressions);
  std::vector<float> uniform(features.member_dim());
  features.DatasetMemberVector(dataset->interactions, IdMap::kNotFound, uniform);
  ASSERT_NE(cold[0].context, nullptr);
  EXPECT_EQ(*cold[0].context, uniform);

  // The same member after playing two titles: the context is theirs, exactly
  // what the features make of that history, and no longer the uniform one.
  const std::vector<uint32_t> played = {3, 4};
  const std::vector<float> weights = {1.0f, 1.0f};
  const History live{played, weights};
  std::vector<serve::ArtworkChoice> warm = service.Choose("newcomer", titles, kNow, impressions, &live);
  std::vector<float> expected(features.member_dim());
  features.MemberVector(played, weights, expected);
  ASSERT_NE(warm[0].context, nullptr);
  EXPECT_EQ(*warm[0].context, expected);
  EXPECT_NE(*warm[0].context, uniform);
  for (const serve::ArtworkChoice& c : warm) EXPECT_EQ(c.context, warm[0].context);  // one per request

  // Learning: a play rewards the warm impression; the update counts.
  service.NoteLogged("newcomer", warm, kNow);
  Event play;
  play.kind = EventKind::kPlay;
  play.member_id = "newcomer";
  play.title_id = std::string(dataset->titles.ExternalId(titles[0]));
  play.time = kNow + 10;
  service.NoteOutcomes(std::vector<Event>{play}, kNow + 10);
  service.Flush();  // learning runs on the learner thread
  EXPECT_EQ(service.Stats().rewarded, 1u);
}

}  // namespace
}  // namespace marquee::test
