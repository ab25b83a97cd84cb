// Every refused consent shape (issue 11, tests: "ingest errors for each
// refused consent shape") through the whole ingest path a consent file and
// the admin routes use: the entry as a JSON line, the codec, then the
// registry behind the durable log. Each is refused naming its field, and
// nothing reaches the file. (ConsentIngestTest checks ValidateConsent and
// IngestTakedown alone; this is what an operator sees.)
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "../test_util.h"
#include "consent_test_util.h"
#include "marquee/consent/consent_json.h"
#include "marquee/consent/consent_log.h"
#include "marquee/util/civil_time.h"

namespace marquee {
namespace {

using test::AdultBirthDate;
using test::kDay;
using test::kT0;
using test::ValidConsent;

// p1 an adult, p2 a minor whose 18th birthday is 2026-03-10, p3 a ten-year-old
// at kT0 (2024-01-01).
ConsentRegistry Registry() {
  return ConsentRegistry({{"p1", PerformerFacts{.birth_date = AdultBirthDate()}},
                          {"p2", PerformerFacts{.birth_date = DaysFromCivil(2008, 3, 10)}},
                          {"p3", PerformerFacts{.birth_date = DaysFromCivil(2014, 1, 1)}}});
}

ConsentRecord MinorConsent(const std::string& performer) {
  ConsentRecord c = ValidConsent();
  c.consent_id = "minor-" + performer;
  c.performer_id = performer;
  c.grantor = GrantorKind::kCourtApprovedGuardian;
  c.grantor_name = "Los Angeles Superior Court, case 24-1234";
  return c;
}

struct Shape {
  std::string name;
  std::function<ConsentEntry()> entry;
  std::string field;  // the field the refusal names
};

std::vector<Shape> RefusedShapes() {
  auto consent = [](std::function<void(ConsentRecord&)> change, ConsentRecord base = ValidConsent()) {
    return [change, base]() -> ConsentEntry {
      ConsentRecord c = base;
      c.consent_id = "refused";
      change(c);
      return c;
    };
  };
  const Takedown notice{"td-new", "p1", "a7", "counsel@example.org", kT0 + 20 * kDay, std::nullopt};
  auto takedown = [notice](std::function<void(Takedown&)> change) {
    return [change, notice]() -> ConsentEntry {
      Takedown t = notice;
      change(t);
      return t;
    };
  };
  return {
      {"a replica consent without titles", consent([](ConsentRecord& c) {
         c.replica_kinds = {ReplicaKind::kEmploymentBasedDigitalReplica};
         c.titles.clear();
       }),
       "titles"},
      {"a replica consent for every title", consent([](ConsentRecord& c) {
         c.replica_kinds = {ReplicaKind::kNone, ReplicaKind::kMaterialAlteration};
         c.titles = {"*"};
       }),
       "titles"},
      {"an independently created replica for every title", consent([](ConsentRecord& c) {
         c.replica_kinds = {ReplicaKind::kIndependentlyCreatedDigitalReplica};
         c.titles = {"*"};
       }),
       "titles"},
      {"a minor's consent signed by the minor", consent([](ConsentRecord& c) { c.grantor = GrantorKind::kSelf; },
                                                         MinorConsent("p2")),
       "grantor"},
      {"a minor's consent from a union", consent([](ConsentRecord& c) { c.grantor = GrantorKind::kUnion; },
                                                  MinorConsent("p2")),
       "grantor"},
      {"a minor's consent from a representative",
       consent([](ConsentRecord& c) { c.grantor = GrantorKind::kAuthorisedRepresentative; }, MinorConsent("p2")),
       "grantor"},
      {"a minor's consent running past the 18th birthday",
       consent([](ConsentRecord& c) { c.valid_until = DaysFromCivil(2026, 3, 10) * kDay + 1; }, MinorConsent("p2")),
       "valid_until"},
      {"an adult's consent of 10 years and a second", consent([](ConsentRecord& c) {
         c.valid_until = AddCalendarYears(c.valid_from, 10) + 1;
       }),
       "valid_until"},
      {"a minor's consent of 5 years and a second",
       consent([](ConsentRecord& c) { c.valid_until = AddCalendarYears(c.valid_from, 5) + 1; }, MinorConsent("p3")),
       "valid_until"},
      {"an empty description", consent([](ConsentRecord& c) { c.intended_use_description.clear(); }),
       "intended_use_description"},
      {"a blank description", consent([](ConsentRecord& c) { c.intended_use_description = " \t "; }),
       "intended_use_description"},
      {"a short description", consent([](ConsentRecord& c) { c.intended_use_description = "Key art."; }),
       "intended_use_description"},
      {"a generic description", consent([](ConsentRecord& c) {
         c.intended_use_description = "Any and all uses of the likeness in all media now known or hereafter devised";
       }),
       "intended_use_description"},
      {"signed separately without an evidence hash", consent([](ConsentRecord& c) { c.separately_signed = true; }),
       "evidence_hash"},
      {"an unknown use", consent([](ConsentRecord& c) { c.uses = {"artwork.personalized", "artwork.everything"}; }),
       "uses[1]"},
      {"no use", consent([](ConsentRecord& c) { c.uses.clear(); }), "uses"},
      {"a lower-case territory", consent([](ConsentRecord& c) { c.territories = {"us"}; }), "territories[0]"},
      {"a three-letter territory", consent([](ConsentRecord& c) { c.territories = {"GB", "USA"}; }), "territories[1]"},
      {"worldwide and a country", consent([](ConsentRecord& c) { c.territories = {"*", "US"}; }), "territories"},
      {"a takedown without a contact", takedown([](Takedown& t) { t.contact.clear(); }), "contact"},
      {"a takedown without material", takedown([](Takedown& t) { t.material.clear(); }), "material"},
      {"a takedown without a performer", takedown([](Takedown& t) { t.performer_id.clear(); }), "performer_id"},
      {"a takedown that may be restored before 14 days",
       takedown([](Takedown& t) { t.restore_not_before = t.received_at + 14 * kDay - 1; }), "restore_not_before"},
      {"a restoration one second before 14 days",
       [] { return ConsentEntry{Restoration{"td1", kT0 + 14 * kDay - 1, "early"}}; }, "restored_at"},
      {"a restoration the day after the notice", [] { return ConsentEntry{Restoration{"td1", kT0 + kDay, ""}}; },
       "restored_at"},
  };
}

TEST(ConsentRefusalShapesTest, EachRefusedShapeIsRefusedThroughTheLogNamingItsFieldAndWritesNothing) {
  test::TempDir dir;
  const std::string path = dir.File("consents.jsonl");
  ConsentRegistry registry = Registry();
  Result<std::unique_ptr<ConsentLog>> log = ConsentLog::Open(path, registry);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  // What the refused shapes are measured against: valid records, one of each.
  ASSERT_TRUE((*log)->Append(ValidConsent()).ok());
  ASSERT_TRUE((*log)->Append(MinorConsent("p2")).ok());
  ASSERT_TRUE((*log)->Append(Takedown{"td1", "p1", "a1", "counsel@example.org", kT0, std::nullopt}).ok());
  const std::string before = test::ReadFile(path);

  for (const Shape& shape : RefusedShapes()) {
    // As it arrives: a JSON line.
    const std::string line = ConsentEntryToJson(shape.entry());
    // The codec refuses some shapes already (an empty id); the registry the rest.
    Result<ConsentEntry> parsed = ParseConsentEntryJson(line);
    Status s = parsed.ok() ? (*log)->Append(*parsed) : parsed.status();
    EXPECT_FALSE(s.ok()) << shape.name << ": accepted";
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << shape.name << ": " << s.ToString();
    EXPECT_EQ(s.field(), shape.field) << shape.name << ": " << s.ToString();
  }
  // Nothing refused reached the file or the registry.
  EXPECT_EQ(test::ReadFile(path), before);
  EXPECT_EQ(registry.consents().size(), 2u);
  EXPECT_EQ(registry.takedowns().size(), 1u);
  EXPECT_TRUE(registry.restorations().empty());
  // The restoration the early ones were measured against: at exactly 14 days, accepted.
  EXPECT_TRUE((*log)->Append(Restoration{"td1", kT0 + 14 * kDay, "heard"}).ok());
}

}  // namespace
}  // namespace marquee
