#include "marquee/ledger/ledger_rows.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace marquee {
namespace {

ImpressionLedgerRow SampleImpression() {
  ImpressionLedgerRow row;
  row.impression_id = "imp-1";
  row.time = 1700000000;
  row.member_hash = HashMemberId("m1");
  row.title_id = "t1";
  row.artwork_id = "t1-a";
  row.performers = {{"p1", "c1", 2}, {"p2", "c9", 1}};
  row.territory = "US";
  row.propensity = 0.1;  // not exact in binary: must round-trip all the same
  std::vector<std::string> eligible = {"t1-a", "t1-b"};
  row.eligible_set_hash = EligibleSetHash(eligible);
  row.eligible_count = 2;
  row.policy_version = "thompson scale=0.3@7";
  row.digital_source_type = "digitalCapture";
  row.replica_kind = "none";
  row.disclosure_required = false;
  return row;
}

TEST(LedgerRowsTest, HashesAreSha256Based) {
  EXPECT_EQ(HashMemberId("m1").size(), 32u);
  EXPECT_NE(HashMemberId("m1"), HashMemberId("m2"));
  // SHA-256 of the empty string.
  EXPECT_EQ(EligibleSetHash({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::vector<std::string> ab = {"a", "b"}, ba = {"b", "a"};
  EXPECT_NE(EligibleSetHash(ab), EligibleSetHash(ba));  // order matters: the title's variant order
  const std::string id = PlayEntryId("m1", "t1", 100, 0.5f);
  EXPECT_EQ(id.rfind("play:", 0), 0u);
  EXPECT_EQ(id.size(), 5u + 32u);
  EXPECT_EQ(id, PlayEntryId("m1", "t1", 100, 0.5f));
  EXPECT_NE(id, PlayEntryId("m1", "t1", 101, 0.5f));
  EXPECT_NE(id, PlayEntryId("m1", "t1", 100, 0.25f));
}

// The canonical form is written down here byte for byte: a change to it
// changes every row's hash, so it must be deliberate.
TEST(LedgerRowsTest, GoldenImpressionPayload) {
  ImpressionLedgerRow row = SampleImpression();
  row.member_hash = "0123456789abcdef0123456789abcdef";
  row.eligible_set_hash = "ab";
  row.disclosure_required = true;
  row.disclosure_basis = "EU AI Act Art. 50(4)";
  const LedgerEntry entry = ToLedgerEntry(row);
  EXPECT_EQ(entry.kind, LedgerKind::kImpression);
  EXPECT_EQ(entry.entry_id, "imp-1");
  EXPECT_EQ(entry.time, 1700000000);
  EXPECT_EQ(entry.payload,
            R"({"impression_id":"imp-1","time":1700000000,"member_hash":"0123456789abcdef0123456789abcdef",)"
            R"("title_id":"t1","artwork_id":"t1-a","performers":[{"performer_id":"p1","consent_id":"c1",)"
            R"("consent_version":2},{"performer_id":"p2","consent_id":"c9","consent_version":1}],)"
            R"("territory":"US","propensity":0.10000000000000001,"eligible_set_hash":"ab","eligible_count":2,)"
            R"("policy_version":"thompson scale=0.3@7","digital_source_type":"digitalCapture",)"
            R"x("replica_kind":"none","disclosure_required":true,"disclosure_basis":"EU AI Act Art. 50(4)",)x"
            R"("ineligible_reason":""})");
}

TEST(LedgerRowsTest, GoldenPlayAndReversalPayloads) {
  PlayLedgerRow play{.play_id = "play:x", .time = 5, .member_hash = "h", .title_id = "t\"1",
                     .impression_id = "imp-1", .territory = "US", .seconds_watched = 1740, .qualified = true};
  EXPECT_EQ(ToLedgerEntry(play).payload,
            R"({"play_id":"play:x","time":5,"member_hash":"h","title_id":"t\"1","impression_id":"imp-1",)"
            R"("territory":"US","seconds_watched":1740,"qualified":true})");
  ReversalLedgerRow rev{.reversal_id = "rev-1", .time = -3, .reverses = "imp-1", .reason = "bot\ttraffic"};
  EXPECT_EQ(ToLedgerEntry(rev).payload,
            R"({"reversal_id":"rev-1","time":-3,"reverses":"imp-1","reason":"bot\u0009traffic"})");
}

TEST(LedgerRowsTest, RowsRoundTrip) {
  ImpressionLedgerRow imp = SampleImpression();
  for (double p : {0.1, 1.0, 1.0 / 3.0, 5e-324, 0.30000000000000004}) {
    imp.propensity = p;
    Result<ImpressionLedgerRow> back = ParseImpressionRow(ToLedgerEntry(imp));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, imp);
  }
  ImpressionLedgerRow card = SampleImpression();  // a title card: no artwork, no performers
  card.artwork_id.clear();
  card.performers.clear();
  card.digital_source_type.clear();
  card.replica_kind.clear();
  card.ineligible_reason = "no_consent";
  ASSERT_TRUE(ParseImpressionRow(ToLedgerEntry(card)).ok());
  EXPECT_EQ(*ParseImpressionRow(ToLedgerEntry(card)), card);

  PlayLedgerRow play{.play_id = "play:1", .time = 9, .member_hash = HashMemberId("m1"), .title_id = "t1",
                     .impression_id = "", .territory = "", .seconds_watched = 0, .qualified = false};
  EXPECT_EQ(*ParsePlayRow(ToLedgerEntry(play)), play);
  ReversalLedgerRow rev{.reversal_id = "r1", .time = 10, .reverses = "play:1", .reason = "duplicate \"post\"\n"};
  EXPECT_EQ(*ParseReversalRow(ToLedgerEntry(rev)), rev);
}

void ExpectCorruption(const Status& s, const std::string& entry_id, const std::string& field) {
  EXPECT_EQ(s.code(), Status::Code::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find(entry_id), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(field), std::string::npos) << s.message();
}

TEST(LedgerRowsTest, ParseErrorsNameTheEntryAndField) {
  LedgerEntry entry = ToLedgerEntry(SampleImpression());
  ExpectCorruption(ParsePlayRow(entry).status(), "imp-1", "kind");
  ExpectCorruption(ParseReversalRow(entry).status(), "imp-1", "kind");

  LedgerEntry bad = entry;
  bad.payload = "not json";
  ExpectCorruption(ParseImpressionRow(bad).status(), "imp-1", "payload");
  bad.payload = "[1]";
  ExpectCorruption(ParseImpressionRow(bad).status(), "imp-1", "payload");

  auto with = [&](const std::string& from, const std::string& to) {
    LedgerEntry e = entry;
    const size_t at = e.payload.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    e.payload.replace(at, from.size(), to);
    return ParseImpressionRow(e).status();
  };
  ExpectCorruption(with(R"("territory":"US",)", ""), "imp-1", "territory");                        // missing
  ExpectCorruption(with(R"("time":1700000000)", R"("time":"x")"), "imp-1", "time");                 // type
  ExpectCorruption(with(R"("eligible_count":2)", R"("eligible_count":-1)"), "imp-1", "eligible_count");
  ExpectCorruption(with(R"("consent_version":2)", R"("consent_version":0)"), "imp-1", "performers[0]");
  ExpectCorruption(with(R"("consent_id":"c9",)", ""), "imp-1", "performers[1]");
  ExpectCorruption(with(R"("ineligible_reason":"")", R"("ineligible_reason":"","extra":1)"), "imp-1", "extra");
  // The payload must describe this entry: another id or time is refused.
  ExpectCorruption(with(R"("impression_id":"imp-1")", R"("impression_id":"imp-2")"), "imp-1", "impression_id");
  LedgerEntry moved = entry;
  moved.time += 1;
  ExpectCorruption(ParseImpressionRow(moved).status(), "imp-1", "time");

  LedgerEntry play = ToLedgerEntry(PlayLedgerRow{.play_id = "play:9", .time = 1, .seconds_watched = 5});
  play.payload.replace(play.payload.find("\"seconds_watched\":5"), 19, "\"seconds_watched\":-5");
  ExpectCorruption(ParsePlayRow(play).status(), "play:9", "seconds_watched");
  LedgerEntry rev = ToLedgerEntry(ReversalLedgerRow{.reversal_id = "r", .time = 1, .reverses = "x", .reason = ""});
  ExpectCorruption(ParseReversalRow(rev).status(), "\"r\"", "reason");
}

}  // namespace
}  // namespace marquee
