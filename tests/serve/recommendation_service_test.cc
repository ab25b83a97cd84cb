// RecommendationService without HTTP: its errors are Status values naming the
// field, and a start-up scan of an unreadable event store is an error.
#include <gtest/gtest.h>

#include "marquee/serve/recommendation_service.h"
#include "serve_test_fixture.h"

namespace marquee::test {
namespace {

// An event store whose reads all fail (a disk gone bad under the server).
class UnreadableEventStore : public EventStore {
 public:
  Status Append(std::span<const Event>, Durability) override { return Status::OK(); }
  Result<std::vector<Event>> MemberEvents(std::string_view) const override { return Failure(); }
  Result<EventPage> PageAfter(uint64_t, size_t) const override { return Failure(); }
  Result<uint64_t> Count() const override { return Failure(); }
  Result<uint64_t> LastSequence() const override { return Failure(); }

 private:
  static Status Failure() { return Status::IOError("events.db: disk I/O error"); }
};

class RecommendationServiceTest : public ServeFixture {};

TEST_F(RecommendationServiceTest, FailedStartUpScanIsReported) {
  UnreadableEventStore events;
  Result<std::unique_ptr<serve::RecommendationService>> service =
      serve::RecommendationService::Create(*models_, events);
  ASSERT_FALSE(service.ok());
  EXPECT_EQ(service.status().code(), Status::Code::kIOError);
  EXPECT_NE(service.status().message().find("disk I/O error"), std::string::npos) << service.status().ToString();
}

TEST_F(RecommendationServiceTest, ErrorsAreStatusesNamingTheField) {
  Result<std::unique_ptr<serve::RecommendationService>> created =
      serve::RecommendationService::Create(*models_, *events_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  serve::RecommendationService& service = **created;
  const std::string member(dataset().members.ExternalId(0));

  serve::MemberQuery bad_genre;
  bad_genre.filter.genres = {"NoSuchGenre"};
  Result<serve::Recommendations> genre = service.ForMember(member, bad_genre);
  ASSERT_FALSE(genre.ok());
  EXPECT_EQ(genre.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(genre.status().field(), "genre");

  serve::MemberQuery bad_maturity;
  bad_maturity.filter.max_maturity = "XXX";
  Result<serve::Recommendations> maturity = service.ForMember(member, bad_maturity);
  ASSERT_FALSE(maturity.ok());
  EXPECT_EQ(maturity.status().field(), "maturity");

  Result<serve::Recommendations> history = service.ForHistory({.title_ids = {"no-such-title"}});
  ASSERT_FALSE(history.ok());
  EXPECT_EQ(history.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(history.status().field(), "history");

  Result<serve::Recommendations> similar = service.Similar("no-such-title", 5);
  ASSERT_FALSE(similar.ok());
  EXPECT_EQ(similar.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(similar.status().field(), "title");

  Result<serve::Recommendations> ok = service.ForMember(member, {.k = 5});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->items.size(), 5u);
}

}  // namespace
}  // namespace marquee::test
