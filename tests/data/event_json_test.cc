#include "marquee/data/event_json.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace marquee {
namespace {

constexpr int64_t kDefaultTime = 1700000000;

Event EveryField() {
  Event e;
  e.kind = EventKind::kImpression;
  e.member_id = "m-1";
  e.title_id = "t-9";
  e.time = 1234567890;
  e.watch_fraction = 0.75f;
  e.rating = 4.5f;
  e.artwork_id = "a-3";
  e.propensity = 1.0 / 3.0;  // a double: must survive the text exactly
  e.impression_id = "imp-77";
  e.eligible_artwork_ids = {"a-1", "a-3"};
  e.placement = PagePlacement{"page-5", "genre:Thriller", 2, 7};
  e.experiment = ExperimentTag{"ials-vs-ease", "", "b"};
  return e;
}

// The error's field and message, for a test that expects a failure.
Status ErrorOf(std::string_view json) {
  Result<Event> r = ParseEventJson(json, kDefaultTime);
  EXPECT_FALSE(r.ok()) << json;
  return r.ok() ? Status::OK() : r.status();
}

Status BatchErrorOf(std::string_view json) {
  Result<std::vector<Event>> r = ParseEventsJson(json, kDefaultTime);
  EXPECT_FALSE(r.ok()) << json;
  return r.ok() ? Status::OK() : r.status();
}

TEST(EventJsonTest, RoundTripsEveryField) {
  const Event e = EveryField();
  Result<Event> back = ParseEventJson(EventToJson(e), kDefaultTime);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, e);
}

TEST(EventJsonTest, RoundTripsWithoutOptionalFields) {
  for (EventKind kind : {EventKind::kPlay, EventKind::kImpression, EventKind::kClick}) {
    Event e;
    e.kind = kind;
    e.member_id = "m";
    e.title_id = "t";
    e.time = 0;  // the earliest time, and not the default
    const std::string json = EventToJson(e);
    for (const char* absent :
         {"watch_fraction", "rating", "artwork", "propensity", "impression_id", "eligible", "placement"}) {
      EXPECT_EQ(json.find(absent), std::string::npos) << json;
    }
    Result<Event> back = ParseEventJson(json, kDefaultTime);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, e) << json;
  }
}

TEST(EventJsonTest, ExposuresNameTheirExperimentAndCellAndNoTitle) {
  const Result<Event> e =
      ParseEventJson(R"({"kind": "exposure", "member": "m", "time": 5, "experiment": {"name": "x", "cell": "b"}})",
                     kDefaultTime);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->kind, EventKind::kExposure);
  EXPECT_TRUE(e->title_id.empty());
  EXPECT_EQ(e->experiment, (ExperimentTag{"x", "b", ""}));
  EXPECT_EQ(EventToJson(*e).find("title"), std::string::npos);
  EXPECT_EQ(*ParseEventJson(EventToJson(*e), kDefaultTime), *e);
  // What the tag may hold depends on the kind.
  Status s = ErrorOf(R"({"kind": "exposure", "member": "m"})");
  EXPECT_EQ(s.field(), "experiment");
  s = ErrorOf(R"({"kind": "exposure", "member": "m", "experiment": {"name": "x"}})");
  EXPECT_EQ(s.field(), "experiment.cell");
  s = ErrorOf(R"({"kind": "play", "member": "m", "title": "t", "experiment": {"name": "x", "team": "a"}})");
  EXPECT_EQ(s.field(), "experiment");
  s = ErrorOf(R"({"kind": "impression", "member": "m", "title": "t", "experiment": {"name": "x", "team": "c"}})");
  EXPECT_EQ(s.field(), "experiment.team");
  s = ErrorOf(R"({"kind": "impression", "member": "m", "title": "t", "experiment": {"name": "x", "colour": 1}})");
  EXPECT_NE(s.message().find("colour"), std::string::npos) << s.message();
  s = ErrorOf(R"({"kind": "impression", "member": "m", "title": "t", "experiment": "x"})");
  EXPECT_EQ(s.field(), "experiment");
  s = ErrorOf(R"({"kind": "play", "member": "m"})");  // only exposures may leave out the title
  EXPECT_EQ(s.field(), "title");
}

TEST(EventJsonTest, AcceptsIntegerIds) {
  Result<Event> e = ParseEventJson(R"({"kind": "play", "member": 42, "title": 18446744073709551615})",
                                   kDefaultTime);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->member_id, "42");
  EXPECT_EQ(e->title_id, "18446744073709551615");
  Result<Event> negative = ParseEventJson(R"({"kind": "play", "member": -7, "title": "t"})", kDefaultTime);
  ASSERT_TRUE(negative.ok()) << negative.status().ToString();
  EXPECT_EQ(negative->member_id, "-7");
}

TEST(EventJsonTest, DefaultTimeWhenAbsent) {
  Result<Event> e = ParseEventJson(R"({"kind": "click", "member": "m", "title": "t"})", kDefaultTime);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->time, kDefaultTime);
  Result<std::vector<Event>> batch = ParseEventsJson(
      R"({"events": [{"kind": "play", "member": "m", "title": "t"},
                     {"kind": "play", "member": "m", "title": "t", "time": 5}]})",
      kDefaultTime);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->size(), 2u);
  EXPECT_EQ((*batch)[0].time, kDefaultTime);
  EXPECT_EQ((*batch)[1].time, 5);
}

TEST(EventJsonTest, ErrorsNameTheField) {
  struct Case {
    const char* json;
    const char* field;
  };
  const std::vector<Case> cases = {
      {R"({"kind": "play", "member": "m", "title": "t", "colour": "red"})", "colour"},
      {R"({"member": "m", "title": "t"})", "kind"},
      {R"({"kind": "watch", "member": "m", "title": "t"})", "kind"},
      {R"({"kind": 1, "member": "m", "title": "t"})", "kind"},
      {R"({"kind": "play", "title": "t"})", "member"},
      {R"({"kind": "play", "member": "m"})", "title"},
      {R"({"kind": "play", "member": "", "title": "t"})", "member"},
      {R"({"kind": "play", "member": 1.5, "title": "t"})", "member"},
      {R"({"kind": "play", "member": "m", "title": ["t"]})", "title"},
      {R"({"kind": "rating", "member": "m", "title": "t"})", "rating"},
      {R"({"kind": "rating", "member": "m", "title": "t", "rating": "5"})", "rating"},
      {R"({"kind": "play", "member": "m", "title": "t", "watch_fraction": 0})", "watch_fraction"},
      {R"({"kind": "play", "member": "m", "title": "t", "watch_fraction": 1.5})", "watch_fraction"},
      {R"({"kind": "impression", "member": "m", "title": "t", "propensity": 0})", "propensity"},
      {R"({"kind": "impression", "member": "m", "title": "t", "propensity": 1.0001})", "propensity"},
      {R"({"kind": "impression", "member": "m", "title": "t", "propensity": 1e-50})", "propensity"},
      {R"({"kind": "impression", "member": "m", "title": "t", "propensity": "0.5"})", "propensity"},
      {R"({"kind": "click", "member": "m", "title": "t", "artwork": 3})", "artwork"},
      {R"({"kind": "click", "member": "m", "title": "t", "impression_id": null})", "impression_id"},
      {R"({"kind": "play", "member": "m", "title": "t", "time": -1})", "time"},
      {R"({"kind": "play", "member": "m", "title": "t", "time": 253402300800})", "time"},
      {R"({"kind": "play", "member": "m", "title": "t", "time": 18446744073709551615})", "time"},
      {R"({"kind": "play", "member": "m", "title": "t", "time": 1.5})", "time"},
      {R"({"kind": "play", "member": "m", "title": "t", "time": "1"})", "time"},
  };
  for (const Case& c : cases) {
    Status s = ErrorOf(c.json);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << c.json;
    EXPECT_EQ(s.field(), c.field) << c.json << " -> " << s.message();
    // The message names the field too, so it reads on its own.
    EXPECT_NE(s.message().find(c.field), std::string::npos) << s.message();
  }
}

TEST(EventJsonTest, PropensitiesBelowTheSmallestAcceptedAreRefusedAsSuch) {
  Status tiny = ErrorOf(R"({"kind": "impression", "member": "m", "title": "t", "propensity": 1e-13})");
  EXPECT_EQ(tiny.field(), "propensity");
  EXPECT_EQ(tiny.message(), "propensity: expected a probability in [1e-12, 1], found 1e-13");
  Result<Event> smallest =
      ParseEventJson(R"({"kind": "impression", "member": "m", "title": "t", "propensity": 1e-12})", 0);
  EXPECT_TRUE(smallest.ok()) << smallest.status().ToString();
}

TEST(EventJsonTest, AnEmptyIdSaysItIsEmpty) {
  Status s = ErrorOf(R"({"kind": "play", "member": "", "title": "t"})");
  EXPECT_EQ(s.message(), "member: expected a non-empty string id, found an empty string");
}

TEST(EventJsonTest, TimeBoundsAreInclusive) {
  for (const char* time : {"0", "253402300799"}) {
    const std::string json =
        std::string(R"({"kind": "play", "member": "m", "title": "t", "time": )") + time + "}";
    Result<Event> e = ParseEventJson(json, kDefaultTime);
    ASSERT_TRUE(e.ok()) << json << ": " << e.status().ToString();
    EXPECT_EQ(e->time, std::stoll(time));
  }
  Result<Event> one = ParseEventJson(
      R"({"kind": "impression", "member": "m", "title": "t", "propensity": 1})", kDefaultTime);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->propensity, 1.0);
}

TEST(EventJsonTest, MalformedJsonIsAParseErrorOfTheBody) {
  for (const char* text : {"", "{", R"({"kind": "play",})", "not json"}) {
    Status single = ErrorOf(text);
    EXPECT_EQ(single.code(), Status::Code::kParseError) << text;
    EXPECT_EQ(single.field(), "body") << text;
    Status batch = BatchErrorOf(text);
    EXPECT_EQ(batch.code(), Status::Code::kParseError) << text;
    EXPECT_EQ(batch.field(), "body") << text;
  }
}

TEST(EventJsonTest, BatchFormNamesTheEventIndex) {
  EXPECT_EQ(BatchErrorOf(R"({"events": []})").field(), "events");
  EXPECT_EQ(BatchErrorOf(R"({"events": {}})").field(), "events");
  EXPECT_EQ(BatchErrorOf(R"({"events": [{"kind": "play", "member": "m", "title": "t"}], "x": 1})").field(),
            "x");
  EXPECT_EQ(BatchErrorOf("[]").field(), "body");
  Status s = BatchErrorOf(R"({"events": [
      {"kind": "play", "member": "m", "title": "t"},
      {"kind": "play", "member": "m", "title": "t"},
      {"kind": "swipe", "member": "m", "title": "t"}]})");
  EXPECT_EQ(s.field(), "events[2].kind");
  EXPECT_EQ(s.message().rfind("events[2].kind: ", 0), 0u) << s.message();
  EXPECT_EQ(BatchErrorOf(R"({"events": [{"kind": "play", "member": "m", "title": "t", "time": -5}]})").field(),
            "events[0].time");
  EXPECT_EQ(BatchErrorOf(R"({"events": [{"kind": "play", "member": "m", "title": "t", "y": 0}]})").field(),
            "events[0].y");
  EXPECT_EQ(BatchErrorOf(R"({"events": [3]})").field(), "events[0]");
}

TEST(EventJsonTest, SingleEventFormIsOneEventOfTheBatchParser) {
  Result<std::vector<Event>> batch = ParseEventsJson(EventToJson(EveryField()), kDefaultTime);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->size(), 1u);
  EXPECT_EQ((*batch)[0], EveryField());
}

TEST(EventJsonTest, EligibleIsAnArrayOfIdsInOrder) {
  Result<Event> e = ParseEventJson(
      R"({"kind": "impression", "member": "m", "title": "t", "artwork": "b", "eligible": ["c", "b", "a"]})",
      kDefaultTime);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->eligible_artwork_ids, (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_NE(EventToJson(*e).find(R"("eligible":["c","b","a"])"), std::string::npos) << EventToJson(*e);
  // An empty array is the same as none, and is written as none.
  Result<Event> empty =
      ParseEventJson(R"({"kind": "impression", "member": "m", "title": "t", "eligible": []})", kDefaultTime);
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->eligible_artwork_ids.empty());
  EXPECT_EQ(EventToJson(*empty).find("eligible"), std::string::npos);
}

TEST(EventJsonTest, EligibleErrorsNameTheField) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      // wrong types
      {R"({"kind": "impression", "member": "m", "title": "t", "eligible": "a"})", "eligible: expected an array"},
      {R"({"kind": "impression", "member": "m", "title": "t", "eligible": ["a", 3]})",
       "eligible[1]: expected an artwork id string, found an integer"},
      // ValidateEvent's rules
      {R"({"kind": "click", "member": "m", "title": "t", "eligible": ["a"]})", "on a click event"},
      {R"({"kind": "impression", "member": "m", "title": "t", "eligible": ["a", ""]})", "empty id"},
      {R"({"kind": "impression", "member": "m", "title": "t", "eligible": ["a", "a"]})", "distinct"},
      {R"({"kind": "impression", "member": "m", "title": "t", "artwork": "z", "eligible": ["a"]})",
       "the chosen artwork \"z\""},
  };
  for (const auto& [json, says] : cases) {
    Status s = ErrorOf(json);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << json;
    EXPECT_EQ(s.field(), "eligible") << json << " -> " << s.message();
    EXPECT_NE(s.message().find(says), std::string::npos) << s.message();
  }
  Status batch = BatchErrorOf(R"({"events": [{"kind": "play", "member": "m", "title": "t"},
      {"kind": "play", "member": "m", "title": "t", "eligible": ["a"]}]})");
  EXPECT_EQ(batch.field(), "events[1].eligible");
  EXPECT_EQ(batch.message().rfind("events[1].eligible: ", 0), 0u) << batch.message();
}

TEST(EventJsonTest, PlacementIsAnObjectOfPageRowAndPositions) {
  Result<Event> e = ParseEventJson(R"({"kind": "impression", "member": "m", "title": "t", "artwork": "a",
      "placement": {"page_id": "p-1", "row_id": "top_picks", "row": 0, "column": 3}})",
                                   kDefaultTime);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_TRUE(e->placement.has_value());
  EXPECT_EQ(*e->placement, (PagePlacement{"p-1", "top_picks", 0, 3}));
  const std::string json = EventToJson(*e);
  EXPECT_NE(json.find(R"("placement":{"column":3,"page_id":"p-1","row":0,"row_id":"top_picks"})"),
            std::string::npos)
      << json;
  Result<Event> back = ParseEventJson(json, kDefaultTime);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, *e);
  // The largest positions survive; an impression without a placement stays without one.
  Event far = *e;
  far.placement->row = 4294967295u;
  far.placement->column = 4294967295u;
  Result<Event> far_back = ParseEventJson(EventToJson(far), kDefaultTime);
  ASSERT_TRUE(far_back.ok()) << far_back.status().ToString();
  EXPECT_EQ(*far_back, far);
  Event off_page = *e;
  off_page.placement.reset();
  EXPECT_EQ(EventToJson(off_page).find("placement"), std::string::npos);
  EXPECT_EQ(ParseEventJson(EventToJson(off_page), kDefaultTime).value(), off_page);
}

TEST(EventJsonTest, PlacementErrorsNameTheField) {
  struct Case {
    const char* placement;  // the value of "placement" on an impression
    const char* field;
    const char* says;
  };
  const std::vector<Case> cases = {
      {R"("p-1")", "placement", "placement: expected a placement object, found a string"},
      {"null", "placement", "placement: expected a placement object, found null"},
      {R"({"page_id": "p", "row_id": "r", "row": 0, "column": 0, "slot": 1})", "placement.slot",
       "unknown field \"slot\""},
      {R"({"row_id": "r", "row": 0, "column": 0})", "placement.page_id", "placement.page_id: required"},
      {R"({"page_id": "", "row_id": "r", "row": 0, "column": 0})", "placement.page_id",
       "placement.page_id: expected a non-empty string id, found an empty string"},
      {R"({"page_id": "p", "row": 0, "column": 0})", "placement.row_id", "placement.row_id: required"},
      {R"({"page_id": "p", "row_id": ["r"], "row": 0, "column": 0})", "placement.row_id",
       "placement.row_id: expected a non-empty string id, found an array"},
      {R"({"page_id": "p", "row_id": "r", "column": 0})", "placement.row", "placement.row: required"},
      {R"({"page_id": "p", "row_id": "r", "row": -1, "column": 0})", "placement.row",
       "placement.row: expected a non-negative integer, found an integer"},
      {R"({"page_id": "p", "row_id": "r", "row": 1.5, "column": 0})", "placement.row",
       "placement.row: expected a non-negative integer, found a number"},
      {R"({"page_id": "p", "row_id": "r", "row": "1", "column": 0})", "placement.row",
       "placement.row: expected a non-negative integer, found a string"},
      {R"({"page_id": "p", "row_id": "r", "row": 0})", "placement.column", "placement.column: required"},
      {R"({"page_id": "p", "row_id": "r", "row": 0, "column": 4294967296})", "placement.column",
       "placement.column: expected a non-negative integer below 2^32, found 4294967296"},
  };
  for (const Case& c : cases) {
    const std::string json =
        std::string(R"({"kind": "impression", "member": "m", "title": "t", "placement": )") + c.placement +
        "}";
    Status s = ErrorOf(json);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << json;
    EXPECT_EQ(s.field(), c.field) << json << " -> " << s.message();
    EXPECT_NE(s.message().find(c.says), std::string::npos) << json << " -> " << s.message();
  }
  // ValidateEvent's rule: only impressions are shown on a page.
  Status click = ErrorOf(R"({"kind": "click", "member": "m", "title": "t",
      "placement": {"page_id": "p", "row_id": "r", "row": 0, "column": 0}})");
  EXPECT_EQ(click.field(), "placement");
  EXPECT_NE(click.message().find("on a click event"), std::string::npos) << click.message();
  Status batch = BatchErrorOf(R"({"events": [{"kind": "play", "member": "m", "title": "t"},
      {"kind": "impression", "member": "m", "title": "t", "placement": {"page_id": "p", "row_id": "r", "row": 0}}]})");
  EXPECT_EQ(batch.field(), "events[1].placement.column");
  EXPECT_EQ(batch.message().rfind("events[1].placement.column: ", 0), 0u) << batch.message();
}

}  // namespace
}  // namespace marquee
