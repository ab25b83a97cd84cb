// ValidateEvent's rules on the eligible artwork set (issue 11 §3) and the page
// placement of impressions (issue 13).
#include "marquee/data/event.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace marquee {
namespace {

Event GatedImpression() {
  Event e;
  e.kind = EventKind::kImpression;
  e.member_id = "m";
  e.title_id = "t";
  e.artwork_id = "a2";
  e.propensity = 0.5;
  e.impression_id = "imp";
  e.eligible_artwork_ids = {"a1", "a2"};
  return e;
}

void ExpectEligibleError(const Event& e, std::string_view says) {
  Status s = ValidateEvent(e);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.field(), "eligible") << s.message();
  EXPECT_NE(s.message().find("eligible"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(says), std::string::npos) << s.message();
}

TEST(EventEligibleTest, AcceptsAGatedImpression) {
  EXPECT_TRUE(ValidateEvent(GatedImpression()).ok());
  Event no_artwork = GatedImpression();  // the title card was shown: no chosen artwork to check
  no_artwork.artwork_id.clear();
  EXPECT_TRUE(ValidateEvent(no_artwork).ok());
  Event ungated = GatedImpression();  // a log from before the gate
  ungated.eligible_artwork_ids.clear();
  EXPECT_TRUE(ValidateEvent(ungated).ok());
}

TEST(EventEligibleTest, OnlyImpressionsCarryAnEligibleSet) {
  for (EventKind kind : {EventKind::kPlay, EventKind::kClick, EventKind::kRating}) {
    Event e = GatedImpression();
    e.kind = kind;
    e.propensity.reset();
    if (kind == EventKind::kRating) e.rating = 4.0f;
    ExpectEligibleError(e, EventKindName(kind));
  }
}

TEST(EventEligibleTest, RefusesAnEmptyId) {
  Event e = GatedImpression();
  e.eligible_artwork_ids = {"a2", ""};
  ExpectEligibleError(e, "eligible[1]");
}

TEST(EventEligibleTest, RefusesDuplicates) {
  Event e = GatedImpression();
  e.eligible_artwork_ids = {"a1", "a2", "a1"};
  ExpectEligibleError(e, "\"a1\" again at eligible[2]");
}

TEST(EventEligibleTest, RefusesAChosenArtworkOutsideTheSet) {
  Event e = GatedImpression();
  e.artwork_id = "a3";
  ExpectEligibleError(e, "\"a3\"");
}

Event PlacedImpression() {
  Event e = GatedImpression();
  e.placement = PagePlacement{"page-1", "top_picks", 0, 3};
  return e;
}

TEST(EventPlacementTest, AcceptsAPlacedImpression) {
  EXPECT_TRUE(ValidateEvent(PlacedImpression()).ok());
  Event title_card = PlacedImpression();  // a title card on a page has a position too
  title_card.artwork_id.clear();
  title_card.eligible_artwork_ids.clear();
  EXPECT_TRUE(ValidateEvent(title_card).ok());
}

TEST(EventPlacementTest, OnlyImpressionsCarryAPlacement) {
  for (EventKind kind : {EventKind::kPlay, EventKind::kClick, EventKind::kRating}) {
    Event e = PlacedImpression();
    e.kind = kind;
    e.eligible_artwork_ids.clear();
    e.propensity.reset();
    if (kind == EventKind::kRating) e.rating = 4.0f;
    Status s = ValidateEvent(e);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.field(), "placement") << s.message();
    EXPECT_NE(s.message().find(EventKindName(kind)), std::string::npos) << s.message();
  }
}

TEST(EventPlacementTest, RefusesEmptyPageAndRowIds) {
  Event no_page = PlacedImpression();
  no_page.placement->page_id.clear();
  Status page = ValidateEvent(no_page);
  EXPECT_EQ(page.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(page.field(), "placement.page_id");
  EXPECT_EQ(page.message(), "placement.page_id: expected a page id, found an empty string");
  Event no_row = PlacedImpression();
  no_row.placement->row_id.clear();
  Status row = ValidateEvent(no_row);
  EXPECT_EQ(row.field(), "placement.row_id");
  EXPECT_EQ(row.message(), "placement.row_id: expected a row id, found an empty string");
}

}  // namespace
}  // namespace marquee
