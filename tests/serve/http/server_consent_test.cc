// The consent gate over HTTP: a real server on loopback, a real consent log
// and a real event store. Every variant served must be eligible by the rule
// checked directly; revocations hold from the first request after their
// answer; nothing eligible gives a title card; the admin routes refuse bad
// input with the field named.
#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <set>

#include "marquee/consent/catalog_likeness.h"
#include "marquee/consent/consent_json.h"
#include "marquee/consent/consent_log.h"
#include "marquee/consent/synthetic_consents.h"
#include "marquee/ledger/accounts.h"
#include "marquee/ledger/ledger_input.h"
#include "marquee/ledger/verify.h"
#include "marquee/util/civil_time.h"
#include "../serve_test_fixture.h"

namespace marquee {
namespace {

using json = nlohmann::json;

int64_t WallNow() { return static_cast<int64_t>(std::time(nullptr)); }

class ServerConsentTest : public test::ServeFixture {
 protected:
  // Serves the synthetic consents made for today, behind the gate.
  void StartGated(serve::ServerOptions options = {}) {
    const std::string path = dir_.File("consents.jsonl");
    {
      ConsentRegistry registry(PerformerFactsOf(dataset().catalog));
      Result<std::unique_ptr<ConsentLog>> log = ConsentLog::Open(path, registry);
      ASSERT_TRUE(log.ok()) << log.status().ToString();
      for (const ConsentEntry& entry : SyntheticConsents(dataset(), {.now = WallNow()})) {
        ASSERT_TRUE((*log)->Append(entry).ok());
      }
    }
    options.admin_token = "s3cret";
    test::ArtworkSetup artwork;
    artwork.policy = "thompson";
    artwork.gate = serve::ConsentGateOptions{.consent_log = path, .territories = {"US"}};
    StartServer(options, artwork);
  }

  json Admin(const std::string& path, const std::string& body, int status) {
    return Post(path, body, status, {{"Authorization", "Bearer s3cret"}});
  }
  json Admin_Get(const std::string& path, int status) {
    auto result = Client()->Get(path.c_str(), httplib::Headers{{"Authorization", "Bearer s3cret"}});
    EXPECT_TRUE(result) << path;
    if (!result) return {};
    EXPECT_EQ(result->status, status) << path << ": " << result->body;
    return json::parse(result->body, nullptr, false);
  }

  // Titles (dense) with at least two variants, some of them eligible in US now.
  std::vector<uint32_t> TitlesWithArtwork() const {
    std::vector<uint32_t> out;
    const auto& titles = dataset().catalog.titles();
    for (uint32_t t = 0; t < titles.size(); ++t) {
      if (titles[t].artwork.size() >= 2) out.push_back(t);
    }
    return out;
  }

  std::string ArtworkPath(const std::string& member, const std::vector<uint32_t>& titles,
                          const std::string& territory = "US") {
    std::string path = "/v1/members/" + member + "/artwork?territory=" + territory + "&titles=";
    for (size_t i = 0; i < titles.size(); ++i) {
      path += (i ? "," : "") + std::string(dataset().titles.ExternalId(titles[i]));
    }
    return path;
  }

  test::TempDir dir_;
};

TEST_F(ServerConsentTest, ServesOnlyEligibleVariantsAndLogsTheSet) {
  StartGated();
  const std::vector<uint32_t> titles = TitlesWithArtwork();
  ASSERT_GT(titles.size(), 10u);
  const std::vector<uint32_t> some(titles.begin(), titles.begin() + std::min<size_t>(titles.size(), 40));
  const std::shared_ptr<const serve::ConsentGate::Snapshot> gate = consent_gate_->Current();
  int shown = 0, cards = 0;
  for (int m = 0; m < 10; ++m) {
    const std::string member(dataset().members.ExternalId(m));
    json reply = Get(ArtworkPath(member, some));
    const int64_t t = WallNow();
    for (const json& item : reply["artwork"]) {
      const uint32_t title = dataset().titles.Find(item["title"].get<std::string>());
      const json& art = item["artwork"];
      ASSERT_TRUE(art.is_object()) << item.dump();
      if (art.contains("title_card")) {
        ++cards;
        // Nothing was eligible, by the rule checked directly.
        for (uint32_t v = 0; v < dataset().catalog.titles()[title].artwork.size(); ++v) {
          EXPECT_FALSE(gate->registry()
                           .Check(LikenessUseOf(dataset(), title, v, "artwork.personalized", "US", t))
                           .eligible &&
                       !dataset().catalog.titles()[title].artwork[v].quarantined());
        }
        EXPECT_FALSE(art["reason"].get<std::string>().empty());
        continue;
      }
      ++shown;
      const std::string artwork_id = art["id"];
      uint32_t variant = 0;
      while (dataset().catalog.titles()[title].artwork[variant].id != artwork_id) ++variant;
      Eligibility direct =
          gate->registry().Check(LikenessUseOf(dataset(), title, variant, "artwork.personalized", "US", t));
      EXPECT_TRUE(direct.eligible) << artwork_id << ": " << IneligibleReasonName(direct.reason);
      ASSERT_TRUE(art.contains("ai_disclosure"));
      EXPECT_TRUE(art["ai_disclosure"].contains("required"));
      EXPECT_GT(art["propensity"].get<double>(), 0.0);
      EXPECT_LE(art["propensity"].get<double>(), 1.0);
    }
  }
  EXPECT_GT(shown, 50);
  // The impressions carry the eligible set, and the chosen variant is in it.
  Result<std::vector<Event>> logged = events_->MemberEvents(std::string(dataset().members.ExternalId(0)));
  ASSERT_TRUE(logged.ok());
  size_t with_artwork = 0;
  for (const Event& e : *logged) {
    if (e.kind != EventKind::kImpression || e.artwork_id.empty()) continue;
    ++with_artwork;
    const auto& set = e.eligible_artwork_ids;
    EXPECT_NE(std::find(set.begin(), set.end(), e.artwork_id), set.end()) << e.impression_id;
  }
  EXPECT_GT(with_artwork, 0u);
  (void)cards;
}

TEST_F(ServerConsentTest, ARevokedConsentIsNotReliedOnAfterTheAnswer) {
  StartGated();
  const std::vector<uint32_t> titles = TitlesWithArtwork();
  const std::shared_ptr<const serve::ConsentGate::Snapshot> gate = consent_gate_->Current();
  // A title with an eligible variant relying on a consent: revoke it.
  std::string consent_id;
  uint32_t target = 0;
  const int64_t t = WallNow();
  for (uint32_t title : titles) {
    for (uint32_t v = 0; v < dataset().catalog.titles()[title].artwork.size() && consent_id.empty(); ++v) {
      serve::VariantVerdict scratch;
      const serve::VariantVerdict& verdict = gate->Verdict(title, v, "US", t, scratch);
      if (verdict.eligible && !verdict.relied_on.empty()) {
        consent_id = verdict.relied_on[0].consent_id;
        target = title;
      }
    }
    if (!consent_id.empty()) break;
  }
  ASSERT_FALSE(consent_id.empty());
  json revoked = Admin("/v1/consents/" + consent_id + "/revoke", R"({"reason":"performer asked"})", 201);
  EXPECT_EQ(revoked["type"], "revocation");
  EXPECT_EQ(revoked["consent_id"], consent_id);
  // From the first request after the answer, no variant relying on it is shown.
  const std::shared_ptr<const serve::ConsentGate::Snapshot> after = consent_gate_->Current();
  for (int i = 0; i < 50; ++i) {
    json reply = Get(ArtworkPath(std::string(dataset().members.ExternalId(i % 30)), {target}));
    const json& art = reply["artwork"][0]["artwork"];
    if (art.contains("title_card")) continue;
    const std::string artwork_id = art["id"];
    uint32_t variant = 0;
    while (dataset().catalog.titles()[target].artwork[variant].id != artwork_id) ++variant;
    Eligibility direct = after->registry().Check(
        LikenessUseOf(dataset(), target, variant, "artwork.personalized", "US", WallNow()));
    ASSERT_TRUE(direct.eligible);
    for (const ReliedConsent& r : direct.relied_on) EXPECT_NE(r.consent_id, consent_id);
  }
  EXPECT_EQ(Admin_Get("/v1/consents/gate", 200)["revocations"].get<uint64_t>(),
            gate->registry().revocations().size() + 1);
  // The gate's counters are admin; a second revocation changes nothing and is refused.
  EXPECT_EQ(Get("/v1/consents/gate", 401)["error"]["code"], "unauthorized");
  EXPECT_EQ(ErrorField(Admin("/v1/consents/" + consent_id + "/revoke", R"({"reason":"again"})", 400)), "consent_id");
}

TEST_F(ServerConsentTest, AdminRoutesRefuseBadInputNamingTheField) {
  StartGated();
  // No token, wrong token.
  EXPECT_EQ(Post("/v1/consents", "{}", 401)["error"]["code"], "unauthorized");
  EXPECT_EQ(Post("/v1/takedowns", "{}", 401, {{"Authorization", "Bearer nope"}})["error"]["code"], "unauthorized");
  // Not JSON.
  EXPECT_EQ(Admin("/v1/consents", "{", 400)["error"]["code"], "malformed_json");
  // A consent with a generic description is refused, naming the field.
  const std::string performer = dataset().catalog.performers()[0].id;
  const std::string title(dataset().titles.ExternalId(0));
  json consent = {{"consent_id", "http-c1"},
                  {"performer_id", performer},
                  {"grantor", "self"},
                  {"agreement", "none"},
                  {"titles", {title}},
                  {"uses", {"artwork.personalized"}},
                  {"replica_kinds", {"none"}},
                  {"territories", {"US"}},
                  {"valid_from", WallNow() - 10},
                  {"valid_until", WallNow() + 86400},
                  {"intended_use_description", "any use"}};
  EXPECT_EQ(ErrorField(Admin("/v1/consents", consent.dump(), 400)), "intended_use_description");
  // An unknown performer is 404.
  json unknown = consent;
  unknown["performer_id"] = "nobody-at-all";
  unknown["intended_use_description"] = "personalized artwork for the title on the member's homepage rows";
  EXPECT_EQ(ErrorField(Admin("/v1/consents", unknown.dump(), 404)), "performer_id");
  // The type may be left out but not contradicted.
  json wrong_type = consent;
  wrong_type["type"] = "takedown";
  EXPECT_EQ(ErrorField(Admin("/v1/consents", wrong_type.dump(), 400)), "type");
  // A takedown notice must name a contact.
  json takedown = {{"takedown_id", "td-1"},
                   {"performer_id", performer},
                   {"material", dataset().catalog.titles()[0].artwork.empty()
                                    ? std::string("x")
                                    : dataset().catalog.titles()[0].artwork[0].id}};
  EXPECT_EQ(ErrorField(Admin("/v1/takedowns", takedown.dump(), 400)), "contact");
  // A revocation of an unknown consent names consent_id.
  EXPECT_EQ(ErrorField(Admin("/v1/consents/no-such-consent/revoke", "", 400)), "consent_id");
  // A valid consent is stored and answered with what was stored.
  json good = consent;
  good["intended_use_description"] = "personalized artwork for the title on the member's homepage rows";
  json stored = Admin("/v1/consents", good.dump(), 201);
  EXPECT_EQ(stored["consent_id"], "http-c1");
  EXPECT_EQ(stored["version"], 1);
}

TEST_F(ServerConsentTest, ATakedownRemovesTheMaterialAtOnce) {
  StartGated();
  const std::shared_ptr<const serve::ConsentGate::Snapshot> gate = consent_gate_->Current();
  const int64_t t = WallNow();
  // An eligible variant showing someone recognizably.
  for (uint32_t title : TitlesWithArtwork()) {
    const auto& variants = dataset().catalog.titles()[title].artwork;
    for (uint32_t v = 0; v < variants.size(); ++v) {
      serve::VariantVerdict scratch;
      const serve::VariantVerdict& verdict = gate->Verdict(title, v, "US", t, scratch);
      if (!verdict.eligible || verdict.relied_on.empty()) continue;
      json notice = {{"takedown_id", "td-http"},
                     {"performer_id", verdict.relied_on[0].performer_id},
                     {"material", variants[v].id},
                     {"contact", "agent@example.com"}};
      Admin("/v1/takedowns", notice.dump(), 201);
      serve::VariantVerdict scratch2;
      const serve::VariantVerdict& now = consent_gate_->Current()->Verdict(title, v, "US", WallNow(), scratch2);
      EXPECT_FALSE(now.eligible);
      EXPECT_EQ(now.reason, "taken_down");
      // Restoration no sooner than the configured 14 days.
      EXPECT_EQ(ErrorField(Admin("/v1/takedowns/td-http/restore", "", 400)), "restored_at");
      return;
    }
  }
  GTEST_SKIP() << "no consented variant";
}

TEST_F(ServerConsentTest, NothingEligibleGivesATitleCardWithTheReason) {
  // A gate without a log: no consents, so every recognizable likeness is refused.
  test::ArtworkSetup artwork;
  artwork.policy = "thompson";
  artwork.gate = serve::ConsentGateOptions{};
  StartServer({}, artwork);
  const auto& titles = dataset().catalog.titles();
  for (uint32_t title : TitlesWithArtwork()) {
    bool all_recognizable = true;
    for (const Artwork& a : titles[title].artwork) {
      bool r = false;
      for (const DepictedPerformer& d : a.depicted) r |= d.recognizable;
      all_recognizable &= r;
    }
    if (!all_recognizable) continue;
    json reply = Get(ArtworkPath(std::string(dataset().members.ExternalId(0)), {title}));
    const json& art = reply["artwork"][0]["artwork"];
    ASSERT_TRUE(art.contains("title_card")) << art.dump();
    EXPECT_TRUE(art["title_card"].get<bool>());
    EXPECT_EQ(art["reason"], "no_consent");
    // Logged as an impression without artwork, propensity 1.
    Result<std::vector<Event>> logged = events_->MemberEvents(std::string(dataset().members.ExternalId(0)));
    ASSERT_TRUE(logged.ok());
    ASSERT_FALSE(logged->empty());
    EXPECT_EQ(logged->back().impression_id, art["impression_id"]);
    EXPECT_TRUE(logged->back().artwork_id.empty());
    EXPECT_EQ(logged->back().propensity, 1.0);
    return;
  }
  GTEST_SKIP() << "every title has a variant without a recognizable performer";
}

// Impressions and plays served for real leave a ledger that verifies: the
// chain is intact, every impression and play has its row, and the
// per-performer totals recomputed from the raw events equal the ledger's.
TEST_F(ServerConsentTest, TheLedgerOfARealSessionVerifies) {
  StartGated();
  const std::vector<uint32_t> titles = TitlesWithArtwork();
  const std::vector<uint32_t> some(titles.begin(), titles.begin() + std::min<size_t>(titles.size(), 20));
  uint64_t impressions = 0;
  int played = 0;
  for (int m = 0; m < 12; ++m) {
    const std::string member(dataset().members.ExternalId(m));
    json reply = Get(ArtworkPath(member, some, m % 3 == 0 ? "GB" : "US"));
    impressions += reply["artwork"].size();
    // The member plays three of the titles shown: one abandoned at once, two watched.
    json plays = json::array();
    for (int k = 0; k < 3; ++k) {
      plays.push_back({{"kind", "play"},
                       {"member", member},
                       {"title", reply["artwork"][k]["title"]},
                       {"watch_fraction", k == 0 ? 0.02 : 0.8}});
      ++played;
    }
    Post("/v1/events", json{{"events", plays}}.dump());
    // Resending the same batch is idempotent in the ledger.
    if (m == 0) Post("/v1/events", json{{"events", plays}}.dump());
  }
  Result<LedgerVerification> verified = VerifyLedger(*events_, dataset());
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_TRUE(verified->ok) << VerificationText(*verified);
  EXPECT_TRUE(verified->chain.ok);
  EXPECT_EQ(verified->impression_rows, impressions);
  EXPECT_EQ(verified->play_rows, static_cast<uint64_t>(played));
  EXPECT_GT(verified->performers, 0u);
  // The statement route counts, for a performer, exactly the impression rows
  // relying on them (counted here from the raw ledger rows).
  std::map<std::string, int64_t> per_performer;
  Status scanned = events_->ScanLedger(256, [&](std::span<const LedgerRow> rows) {
    for (const LedgerRow& row : rows) {
      if (row.entry.kind != LedgerKind::kImpression) continue;
      Result<ImpressionLedgerRow> parsed = ParseImpressionRow(row.entry);
      ASSERT_TRUE(parsed.ok());
      for (const LedgerPerformer& p : parsed->performers) ++per_performer[p.performer_id];
    }
  });
  ASSERT_TRUE(scanned.ok());
  ASSERT_FALSE(per_performer.empty());
  const auto& [performer, count] = *per_performer.begin();
  json statement = Admin_Get("/v1/performers/" + performer + "/statement", 200);
  EXPECT_EQ(statement["performer_id"], performer);
  EXPECT_EQ(statement["qualifying_impressions"].get<int64_t>(), count);
  // A period before anything was shown holds nothing.
  json empty = Admin_Get("/v1/performers/" + performer + "/statement?from=2001-01-01&to=2001-12-31", 200);
  EXPECT_EQ(empty["qualifying_impressions"].get<int64_t>(), 0);
  EXPECT_EQ(ErrorField(Admin_Get("/v1/performers/" + performer + "/statement?from=2026-13-01", 400)), "from");
  EXPECT_EQ(Get("/v1/performers/" + performer + "/statement", 401)["error"]["code"], "unauthorized");
  json exposure = Admin_Get("/v1/titles/" + std::string(dataset().titles.ExternalId(some[0])) + "/exposure", 200);
  EXPECT_TRUE(exposure.contains("units")) << exposure.dump();
  EXPECT_EQ(ErrorField(Admin_Get("/v1/titles/no-such-title/exposure", 404)), "title");
}

// Each refused consent shape through the admin routes: 400 naming the field
// (ConsentRefusalShapesTest has the same shapes through the log), and the
// gate's counts unchanged.
TEST_F(ServerConsentTest, EachRefusedShapeIsA400NamingItsField) {
  StartGated();
  const int64_t now = WallNow();
  // An adult and, when the catalog has them, a minor and a child under 13, all living.
  std::string adult, minor, child;
  for (const Performer& p : dataset().catalog.performers()) {
    if (!p.birth_date || p.death_date) continue;
    const int64_t eighteen = BirthdayStart(*p.birth_date, 18);
    if (eighteen <= now - 86400) {
      if (adult.empty()) adult = p.id;
    } else if (eighteen > now + 86400) {
      if (minor.empty()) minor = p.id;
      if (child.empty() && BirthdayStart(*p.birth_date, 13) > now + 86400) child = p.id;
    }
  }
  ASSERT_FALSE(adult.empty());
  const std::string title(dataset().titles.ExternalId(0));
  ConsentRecord base;
  base.consent_id = "http-refused";
  base.performer_id = adult;
  base.agreement = "none";
  base.titles = {title};
  base.uses = {"artwork.personalized"};
  base.replica_kinds = {ReplicaKind::kNone};
  base.territories = {"US"};
  base.valid_from = now - 10;
  base.valid_until = now + 86400;
  base.intended_use_description = "stills of the performer shown as personalized artwork on the homepage rows";
  ConsentRecord minor_base = base;
  minor_base.grantor = GrantorKind::kCourtApprovedGuardian;
  minor_base.grantor_name = "family court, case 7";

  struct Case {
    std::string name;
    ConsentRecord record;
    std::string field;
  };
  std::vector<Case> cases;
  auto add = [&](std::string name, const ConsentRecord& from, const std::function<void(ConsentRecord&)>& change,
                 std::string field) {
    ConsentRecord c = from;
    change(c);
    cases.push_back({std::move(name), std::move(c), std::move(field)});
  };
  add("replica without titles", base, [](ConsentRecord& c) {
    c.replica_kinds = {ReplicaKind::kEmploymentBasedDigitalReplica};
    c.titles.clear();
  }, "titles");
  add("replica for every title", base, [](ConsentRecord& c) {
    c.replica_kinds = {ReplicaKind::kMaterialAlteration};
    c.titles = {"*"};
  }, "titles");
  add("adult beyond 10 years", base, [](ConsentRecord& c) { c.valid_until = AddCalendarYears(c.valid_from, 10) + 1; },
      "valid_until");
  add("empty description", base, [](ConsentRecord& c) { c.intended_use_description.clear(); },
      "intended_use_description");
  add("generic description", base, [](ConsentRecord& c) {
    c.intended_use_description = "the performer's likeness for any and all uses in perpetuity";
  }, "intended_use_description");
  add("separately signed without evidence", base, [](ConsentRecord& c) { c.separately_signed = true; },
      "evidence_hash");
  add("unknown use", base, [](ConsentRecord& c) { c.uses = {"artwork.everything"}; }, "uses[0]");
  add("bad territory", base, [](ConsentRecord& c) { c.territories = {"US", "usa"}; }, "territories[1]");
  if (!minor.empty()) {
    minor_base.performer_id = minor;
    add("minor signing themselves", minor_base, [](ConsentRecord& c) {
      c.grantor = GrantorKind::kSelf;
      c.grantor_name.clear();
    }, "grantor");
    const int64_t eighteen = BirthdayStart(*dataset().catalog.performers()[dataset().catalog.FindPerformer(minor)].birth_date, 18);
    add("minor past the 18th birthday", minor_base, [&](ConsentRecord& c) { c.valid_until = eighteen + 1; },
        "valid_until");
  }
  if (!child.empty()) {
    minor_base.performer_id = child;
    add("child beyond 5 years", minor_base, [](ConsentRecord& c) { c.valid_until = AddCalendarYears(c.valid_from, 5) + 1; },
        "valid_until");
  }
  const json counts_before = Admin_Get("/v1/consents/gate", 200);
  for (const Case& c : cases) {
    json reply = Admin("/v1/consents", ConsentEntryToJson(c.record), 400);
    EXPECT_EQ(ErrorField(reply), c.field) << c.name << ": " << reply.dump();
  }
  // Takedowns and restorations.
  const std::string material = dataset().catalog.titles()[0].artwork.empty() ? std::string("x")
                                                                             : dataset().catalog.titles()[0].artwork[0].id;
  const json notice = {{"takedown_id", "td-shapes"}, {"performer_id", adult}, {"material", material},
                       {"contact", "agent@example.com"}};
  for (const char* missing : {"contact", "material", "performer_id"}) {
    json bad = notice;
    bad.erase(missing);
    EXPECT_EQ(ErrorField(Admin("/v1/takedowns", bad.dump(), 400)), missing);
    bad[missing] = "";
    EXPECT_EQ(ErrorField(Admin("/v1/takedowns", bad.dump(), 400)), missing);
  }
  json early = notice;
  early["received_at"] = now;
  early["restore_not_before"] = now + 14 * 86400 - 1;
  EXPECT_EQ(ErrorField(Admin("/v1/takedowns", early.dump(), 400)), "restore_not_before");
  const json counts_after = Admin_Get("/v1/consents/gate", 200);
  for (const char* kind : {"consents", "revocations", "takedowns", "restorations"}) {
    EXPECT_EQ(counts_after[kind], counts_before[kind]) << kind << ": a refused entry was stored";
  }
  json stored = Admin("/v1/takedowns", notice.dump(), 201);
  const int64_t received = stored["received_at"].get<int64_t>();
  EXPECT_EQ(ErrorField(Admin("/v1/takedowns/td-shapes/restore",
                             json{{"restored_at", received + 14 * 86400 - 1}}.dump(), 400)),
            "restored_at");
  Admin("/v1/takedowns/td-shapes/restore", json{{"restored_at", received + 14 * 86400}}.dump(), 201);
  std::printf("refused shapes over HTTP: %zu consents (minor %s, child under 13 %s), 7 takedowns, 1 restoration\n",
              cases.size(), minor.empty() ? "none in the catalog" : "yes", child.empty() ? "none in the catalog" : "yes");
}

// POST /v1/performers: a death learned after the catalog is honoured at once
// (rule 8), durable in the log; bad dates are refused naming the field.
TEST_F(ServerConsentTest, ADeathRecordedThroughTheRouteIsHonouredAtOnce) {
  StartGated();
  const int64_t t = WallNow();
  // A consented variant whose consents do not all survive death.
  const std::shared_ptr<const serve::ConsentGate::Snapshot> gate = consent_gate_->Current();
  std::string performer;
  uint32_t title = 0, variant = 0;
  for (uint32_t candidate : TitlesWithArtwork()) {
    for (uint32_t v = 0; v < dataset().catalog.titles()[candidate].artwork.size() && performer.empty(); ++v) {
      serve::VariantVerdict scratch;
      const serve::VariantVerdict& verdict = gate->Verdict(candidate, v, "US", t, scratch);
      if (!verdict.eligible || verdict.relied_on.empty()) continue;
      performer = verdict.relied_on[0].performer_id;
      title = candidate;
      variant = v;
    }
    if (!performer.empty()) break;
  }
  ASSERT_FALSE(performer.empty());
  const PerformerFacts facts = *gate->registry().FindPerformer(performer);
  const std::string born = FormatCivilDate(facts.birth_date);
  // Refusals first: nothing changes.
  EXPECT_EQ(ErrorField(Admin("/v1/performers", json{{"performer_id", performer}}.dump(), 400)), "birth_date");
  EXPECT_EQ(ErrorField(Admin("/v1/performers",
                             json{{"performer_id", performer}, {"birth_date", born}, {"death_date", "1900-01-01"}}
                                 .dump(),
                             400)),
            "death_date");
  EXPECT_EQ(ErrorField(Admin("/v1/performers",
                             json{{"performer_id", performer}, {"birth_date", "1980-02-30"}}.dump(), 400)),
            "birth_date");
  EXPECT_EQ(ErrorField(Admin("/v1/performers",
                             json{{"performer_id", performer}, {"birth_date", born}, {"death_date", "2999-01-01"}}
                                 .dump(),
                             400)),
            "death_date");
  // The death, yesterday.
  const std::string yesterday = FormatCivilDate(t / kSecondsPerDay - 1);
  json stored = Admin("/v1/performers",
                      json{{"performer_id", performer}, {"birth_date", born}, {"death_date", yesterday}}.dump(), 201);
  EXPECT_EQ(stored["death_date"], yesterday);
  const std::shared_ptr<const serve::ConsentGate::Snapshot> after = consent_gate_->Current();
  ASSERT_TRUE(after->registry().FindPerformer(performer)->death_date.has_value());
  // The gate now answers as the rule does with the death known.
  serve::VariantVerdict scratch;
  const serve::VariantVerdict& verdict = after->Verdict(title, variant, "US", WallNow(), scratch);
  Eligibility direct =
      after->registry().Check(LikenessUseOf(dataset(), title, variant, "artwork.personalized", "US", WallNow()));
  EXPECT_EQ(verdict.eligible, direct.eligible);
  if (!direct.eligible) EXPECT_EQ(verdict.reason, "deceased");
}

TEST_F(ServerConsentTest, ABadTerritoryIsRefused) {
  StartGated();
  const std::vector<uint32_t> titles = TitlesWithArtwork();
  EXPECT_EQ(ErrorField(Get(ArtworkPath(std::string(dataset().members.ExternalId(0)), {titles[0]}, "usa"), 400)),
            "territory");
}

}  // namespace
}  // namespace marquee
