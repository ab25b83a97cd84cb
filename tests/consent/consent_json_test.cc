#include "marquee/consent/consent_json.h"

#include <gtest/gtest.h>

#include "marquee/consent/eligibility.h"

#include "marquee/util/civil_time.h"

#include <string>

#include "consent_test_util.h"

namespace marquee {
namespace {

using test::kT0;
using test::ValidConsent;

ConsentRecord EveryConsentField() {
  ConsentRecord c = ValidConsent();
  c.version = 3;
  c.grantor = GrantorKind::kAuthorisedRepresentative;
  c.grantor_name = "Agent A";
  c.titles = {"t1", "42"};
  c.uses = {"artwork.personalized", "artwork.key_art"};
  c.replica_kinds = {ReplicaKind::kNone, ReplicaKind::kEmploymentBasedDigitalReplica,
                     ReplicaKind::kSyntheticPerformer};
  c.separately_signed = true;
  c.evidence_hash = "sha256:00ff";
  c.survives_death = true;
  c.compensation = {123, 4'000'000, true};
  c.do_not_train = false;
  return c;
}

void ExpectRoundTrip(const ConsentEntry& entry) {
  const std::string text = ConsentEntryToJson(entry);
  Result<ConsentEntry> back = ParseConsentEntryJson(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << text;
  EXPECT_TRUE(*back == entry) << text;
  EXPECT_EQ(ConsentEntryToJson(*back), text);
}

std::string FieldOf(std::string_view text) {
  Result<ConsentEntry> r = ParseConsentEntryJson(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.status().field();
}

// A valid consent line with `member` replaced (or added) to the given JSON.
std::string ConsentWith(const std::string& member, const std::string& value) {
  std::string text = ConsentEntryToJson(ValidConsent());
  const std::string key = "\"" + member + "\":";
  size_t at = text.find(key);
  if (at == std::string::npos) return text.substr(0, text.size() - 1) + "," + key + value + "}";
  size_t end = at + key.size();
  int depth = 0;
  for (; end < text.size(); ++end) {
    const char ch = text[end];
    if (ch == '[' || ch == '{') ++depth;
    if (ch == ']' || ch == '}') { if (depth == 0) break; --depth; }
    if (ch == ',' && depth == 0) break;
  }
  return text.substr(0, at + key.size()) + value + text.substr(end);
}

TEST(ConsentJsonTest, RoundTripsEveryRecordType) {
  ExpectRoundTrip(ValidConsent());
  ExpectRoundTrip(EveryConsentField());
  ExpectRoundTrip(Revocation{"c1", kT0 + 5, "performer withdrew consent"});
  ExpectRoundTrip(Takedown{"td1", "p1", "a1", "counsel@example.org", kT0, std::nullopt});
  ExpectRoundTrip(Takedown{"td2", "p1", "a1", "counsel@example.org", kT0, kT0 + 20 * test::kDay});
  ExpectRoundTrip(Restoration{"td1", kT0 + 15 * test::kDay, "counter-notice upheld"});
}

TEST(ConsentJsonTest, OptionalFieldsTakeTheirDefaults) {
  Result<ConsentEntry> r = ParseConsentEntryJson(
      R"({"type":"consent","consent_id":7,"performer_id":"p1","grantor":"self","agreement":"none",
          "titles":[101],"uses":["artwork.key_art"],"replica_kinds":["none"],"territories":["*"],
          "valid_from":0,"valid_until":100,"intended_use_description":"x"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ConsentRecord& c = std::get<ConsentRecord>(*r);
  EXPECT_EQ(c.consent_id, "7");
  EXPECT_EQ(c.titles, std::vector<std::string>{"101"});
  EXPECT_EQ(c.version, 1);
  EXPECT_TRUE(c.do_not_train);
  EXPECT_FALSE(c.survives_death);
  EXPECT_EQ(c.compensation, Compensation{});
}

TEST(ConsentJsonTest, RefusalsNameTheField) {
  EXPECT_EQ(FieldOf("{not json"), "body");
  EXPECT_EQ(FieldOf("[1]"), "body");
  EXPECT_EQ(FieldOf(R"({"consent_id":"c1"})"), "type");
  EXPECT_EQ(FieldOf(R"({"type":"consnet"})"), "type");
  EXPECT_EQ(FieldOf(R"({"type":3})"), "type");
  EXPECT_EQ(FieldOf(ConsentWith("titles", R"("t1")")), "titles");
  EXPECT_EQ(FieldOf(ConsentWith("titles", R"(["t1", true])")), "titles[1]");
  EXPECT_EQ(FieldOf(ConsentWith("uses", R"([1])")), "uses[0]");
  EXPECT_EQ(FieldOf(ConsentWith("replica_kinds", R"(["none","deepfake"])")), "replica_kinds[1]");
  EXPECT_EQ(FieldOf(ConsentWith("grantor", R"("mother")")), "grantor");
  EXPECT_EQ(FieldOf(ConsentWith("valid_from", "-1")), "valid_from");
  EXPECT_EQ(FieldOf(ConsentWith("valid_until", R"("2025-01-01")")), "valid_until");
  EXPECT_EQ(FieldOf(ConsentWith("version", "0")), "version");
  EXPECT_EQ(FieldOf(ConsentWith("survives_death", R"("yes")")), "survives_death");
  EXPECT_EQ(FieldOf(ConsentWith("compensation", R"({"flat_fee_micros":"5"})")), "compensation.flat_fee_micros");
  EXPECT_EQ(FieldOf(ConsentWith("compensation", R"({"fee":5})")), "compensation.fee");
  EXPECT_EQ(FieldOf(ConsentWith("perpetual", "true")), "perpetual");
  EXPECT_EQ(FieldOf(ConsentWith("consent_id", R"("")")), "consent_id");
  EXPECT_EQ(FieldOf(R"({"type":"revocation","consent_id":"c1"})"), "effective_at");
  EXPECT_EQ(FieldOf(R"({"type":"takedown","takedown_id":"td1","performer_id":"p1","contact":"x","received_at":1})"),
            "material");
  EXPECT_EQ(FieldOf(R"({"type":"takedown","takedown_id":"td1","performer_id":"p1","material":"a1","received_at":1})"),
            "contact");
  EXPECT_EQ(FieldOf(R"({"type":"restoration","takedown_id":"td1","restored_at":1.5})"), "restored_at");

  Result<ConsentEntry> r = ParseConsentEntryJson(ConsentWith("valid_until", "true"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "valid_until: expected an integer (unix seconds) in [0, 253402300799], found a boolean");
}

}  // namespace
}  // namespace marquee

namespace marquee {
namespace {

TEST(ConsentJsonPerformerTest, RoundTripsAndRefusesBadDates) {
  Result<ConsentEntry> entry = ParseConsentEntryJson(
      R"({"type":"performer","performer_id":"p1","name":"Ada","birth_date":"1950-03-01","death_date":"2026-05-02",)"
      R"("representative":"Estate of Ada"})");
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  const auto& p = std::get<PerformerRecord>(*entry);
  EXPECT_EQ(p.birth_date, *ParseCivilDate("1950-03-01"));
  EXPECT_EQ(*p.death_date, *ParseCivilDate("2026-05-02"));
  Result<ConsentEntry> again = ParseConsentEntryJson(ConsentEntryToJson(*entry));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(std::get<PerformerRecord>(*again), p);
  EXPECT_EQ(ParseConsentEntryJson(R"({"type":"performer","performer_id":"p1"})").status().field(), "birth_date");
  EXPECT_EQ(ParseConsentEntryJson(R"({"type":"performer","performer_id":"p1","birth_date":19500301})")
                .status()
                .field(),
            "birth_date");
  // The registry takes it as the performer's facts; a death before the birth is refused.
  ConsentRegistry registry;
  ASSERT_TRUE(registry.Add(*entry).ok());
  EXPECT_EQ(registry.FindPerformer("p1")->representative, "Estate of Ada");
  PerformerRecord bad = p;
  bad.death_date = p.birth_date - 1;
  EXPECT_EQ(registry.Add(bad).field(), "death_date");
}

}  // namespace
}  // namespace marquee
