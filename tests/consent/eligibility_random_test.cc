// Random registries and random queries against a second, plain statement of
// the rule in consent/eligibility.h, written here without the registry's
// indices: if the two disagree on any answer, one of them misreads the rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "consent_test_util.h"
#include "marquee/consent/eligibility.h"

namespace marquee {
namespace {

using test::kDay;
using test::kT0;

constexpr int64_t kStep = kDay / 4;  // times on a 6-hour grid so boundaries coincide often
constexpr int kSteps = 40;           // ten days

struct World {
  std::map<std::string, PerformerFacts> performers;
  std::vector<ConsentRecord> consents;
  std::vector<Revocation> revocations;
  std::vector<Takedown> takedowns;
  std::vector<Restoration> restorations;
};

struct Answer {
  bool eligible = false;
  IneligibleReason reason = IneligibleReason::kNone;
  std::string performer;
  std::vector<ReliedConsent> relied;
};

bool In(const std::vector<std::string>& list, const std::string& x) {
  return std::find(list.begin(), list.end(), x) != list.end();
}

// Why consent c does not cover (use, P), as a list of every condition that
// fails, in the rule's order; empty when it covers.
std::vector<IneligibleReason> Failures(const World& w, const ConsentRecord& c, const LikenessUse& u,
                                       const PerformerFacts& p) {
  std::vector<IneligibleReason> out;
  const int64_t t = u.time;
  const bool reused = !u.source_title_id.empty() && u.source_title_id != u.title_id;
  if (!(In(c.titles, u.title_id) || (In(c.titles, "*") && !reused))) out.push_back(IneligibleReason::kTitleNotCovered);
  if (!In(c.uses, u.use)) out.push_back(IneligibleReason::kUseNotCovered);
  if (std::count(c.replica_kinds.begin(), c.replica_kinds.end(), u.replica_kind) == 0) {
    out.push_back(IneligibleReason::kReplicaKindNotCovered);
  }
  if (!(In(c.territories, u.territory) || In(c.territories, "*"))) out.push_back(IneligibleReason::kTerritoryNotCovered);
  if (t < c.valid_from) out.push_back(IneligibleReason::kNotYetValid);
  else if (t >= c.valid_until) out.push_back(IneligibleReason::kExpired);
  else {
    for (const ConsentRecord& other : w.consents) {
      if (other.consent_id == c.consent_id && other.version > c.version && other.valid_from <= t) {
        out.push_back(IneligibleReason::kSuperseded);
        break;
      }
    }
  }
  for (const Revocation& r : w.revocations) {
    if (r.consent_id == c.consent_id && r.effective_at <= t) {
      out.push_back(IneligibleReason::kRevoked);
      break;
    }
  }
  const bool dead = p.death_date.has_value() && *p.death_date * kDay <= t;
  const bool representative = c.grantor == GrantorKind::kAuthorisedRepresentative && p.representative != "" &&
                              c.grantor_name == p.representative;
  if (dead && !c.survives_death && !representative) out.push_back(IneligibleReason::kDeceased);
  return out;
}

int Rank(IneligibleReason r) {
  const std::vector<std::vector<IneligibleReason>> order = {
      {IneligibleReason::kTitleNotCovered}, {IneligibleReason::kUseNotCovered},
      {IneligibleReason::kReplicaKindNotCovered}, {IneligibleReason::kTerritoryNotCovered},
      {IneligibleReason::kNotYetValid, IneligibleReason::kExpired, IneligibleReason::kSuperseded},
      {IneligibleReason::kRevoked}, {IneligibleReason::kDeceased}};
  for (size_t i = 0; i < order.size(); ++i) {
    if (std::count(order[i].begin(), order[i].end(), r)) return static_cast<int>(i);
  }
  return 99;
}

Answer BruteForce(const World& w, const LikenessUse& u) {
  Answer a;
  for (const Takedown& td : w.takedowns) {
    if (td.material != u.artwork_id || td.received_at > u.time) continue;
    bool restored = false;
    for (const Restoration& r : w.restorations) restored = restored || (r.takedown_id == td.takedown_id && r.restored_at <= u.time);
    if (!restored) return {false, IneligibleReason::kTakenDown, td.performer_id, {}};
  }
  std::set<std::string> done;
  for (const DepictedPerson& d : u.depicted) {
    if (!d.recognizable || done.count(d.performer_id)) continue;
    done.insert(d.performer_id);
    auto facts = w.performers.find(d.performer_id);
    if (facts == w.performers.end()) return {false, IneligibleReason::kUnknownPerformer, d.performer_id, {}};
    std::optional<ReliedConsent> found;
    bool any = false;
    IneligibleReason best = IneligibleReason::kNone;
    for (const ConsentRecord& c : w.consents) {
      if (c.performer_id != d.performer_id) continue;
      std::vector<IneligibleReason> f = Failures(w, c, u, facts->second);
      if (f.empty()) {
        found = ReliedConsent{d.performer_id, c.consent_id, c.version};
        break;
      }
      if (!any || Rank(f[0]) > Rank(best)) best = f[0];
      any = true;
    }
    if (!found) return {false, any ? best : IneligibleReason::kNoConsent, d.performer_id, {}};
    a.relied.push_back(*found);
  }
  a.eligible = true;
  return a;
}

template <typename T>
const T& Pick(std::mt19937_64& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

template <typename T>
std::vector<T> Subset(std::mt19937_64& rng, const std::vector<T>& v) {
  std::vector<T> out;
  while (out.empty()) {
    for (const T& x : v) if (rng() % 2) out.push_back(x);
  }
  return out;
}

TEST(EligibilityRandomTest, AgreesWithAPlainStatementOfTheRule) {
  const std::vector<std::string> titles = {"t0", "t1", "t2"};
  const std::vector<std::string> uses = {"artwork.personalized", "artwork.key_art"};
  const std::vector<std::string> territories = {"US", "GB", "FR"};
  const std::vector<ReplicaKind> kinds = {ReplicaKind::kNone, ReplicaKind::kCustomaryAlteration,
                                          ReplicaKind::kMaterialAlteration, ReplicaKind::kSyntheticPerformer};
  const std::vector<std::string> artworks = {"a0", "a1", "a2"};
  const std::vector<std::string> names = {"", "R0", "R1"};
  IngestRules rules;
  rules.takedown_restore_days = 1;
  size_t eligible = 0, checked = 0;
  std::map<IneligibleReason, size_t> reasons;

  for (uint64_t seed = 1; seed <= 150; ++seed) {
    std::mt19937_64 rng(seed);
    auto time = [&] { return kT0 + static_cast<int64_t>(rng() % (kSteps + 1)) * kStep; };
    World w;
    std::unordered_map<std::string, PerformerFacts> facts;
    for (int i = 0; i < 4; ++i) {
      PerformerFacts p{test::AdultBirthDate() - static_cast<int64_t>(rng() % 8000), std::nullopt, Pick(rng, names)};
      if (rng() % 3 == 0) p.death_date = kT0 / kDay + static_cast<int64_t>(rng() % 11);
      w.performers["p" + std::to_string(i)] = p;
      facts["p" + std::to_string(i)] = p;
    }
    ConsentRegistry registry(facts, rules);
    std::map<std::string, int32_t> latest;
    const int entries = 4 + static_cast<int>(rng() % 14);
    for (int e = 0; e < entries; ++e) {
      const int kind = static_cast<int>(rng() % 10);
      if (kind < 6 || w.consents.empty()) {
        ConsentRecord c = test::ValidConsent();
        if (!latest.empty() && rng() % 4 == 0) {  // a new version of an existing consent
          auto it = std::next(latest.begin(), static_cast<long>(rng() % latest.size()));
          c.consent_id = it->first;
          c.version = it->second + 1;
          for (const ConsentRecord& old : w.consents) if (old.consent_id == c.consent_id) c.performer_id = old.performer_id;
        } else {
          c.consent_id = "c" + std::to_string(e);
          c.performer_id = "p" + std::to_string(rng() % 4);
        }
        c.replica_kinds = Subset(rng, kinds);
        const bool replica = std::any_of(c.replica_kinds.begin(), c.replica_kinds.end(), IsDigitalReplica);
        c.titles = (!replica && rng() % 3 == 0) ? std::vector<std::string>{"*"} : Subset(rng, titles);
        c.uses = Subset(rng, uses);
        c.territories = rng() % 4 == 0 ? std::vector<std::string>{"*"} : Subset(rng, territories);
        c.valid_from = time();
        c.valid_until = std::max(c.valid_from + 1, time());
        const int g = static_cast<int>(rng() % 3);
        c.grantor = g == 0 ? GrantorKind::kSelf : g == 1 ? GrantorKind::kAuthorisedRepresentative : GrantorKind::kUnion;
        c.grantor_name = g == 0 ? "" : (rng() % 2 ? "R0" : "R1");
        c.survives_death = rng() % 3 == 0;
        Status s = registry.AddConsent(c);
        ASSERT_TRUE(s.ok()) << s.ToString();
        latest[c.consent_id] = c.version;
        w.consents.push_back(c);
      } else if (kind < 8) {
        Revocation r{Pick(rng, w.consents).consent_id, time(), ""};
        // A revocation that changes nothing (already revoked from then or
        // earlier) is refused; an earlier one is taken.
        bool changes = true;
        for (const Revocation& earlier : w.revocations) {
          if (earlier.consent_id == r.consent_id && earlier.effective_at <= r.effective_at) changes = false;
        }
        Status added = registry.AddRevocation(r);
        if (!changes) {
          ASSERT_EQ(added.field(), "consent_id") << added.ToString();
          continue;
        }
        ASSERT_TRUE(added.ok()) << added.ToString();
        w.revocations.push_back(r);
      } else {
        Takedown td{"td" + std::to_string(e), "p" + std::to_string(rng() % 4), Pick(rng, artworks),
                    "counsel@example.org", time(), std::nullopt};
        ASSERT_TRUE(registry.AddTakedown(td).ok());
        w.takedowns.push_back(td);
        if (rng() % 2) {
          Restoration r{td.takedown_id, td.received_at + kDay + static_cast<int64_t>(rng() % 8) * kStep, ""};
          ASSERT_TRUE(registry.AddRestoration(r).ok());
          w.restorations.push_back(r);
        }
      }
    }
    for (int q = 0; q < 300; ++q) {
      LikenessUse u;
      u.artwork_id = Pick(rng, artworks);
      u.title_id = Pick(rng, titles);
      u.source_title_id = rng() % 2 ? "" : Pick(rng, titles);
      u.use = rng() % 8 == 0 ? "artwork.preview" : Pick(rng, uses);
      u.replica_kind = Pick(rng, kinds);
      u.territory = rng() % 8 == 0 ? "DE" : Pick(rng, territories);
      u.time = time() + (rng() % 4 == 0 ? static_cast<int64_t>(rng() % 3) - 1 : 0);
      const int people = static_cast<int>(rng() % 4);
      for (int i = 0; i < people; ++i) u.depicted.push_back({"p" + std::to_string(rng() % 5), rng() % 5 != 0});

      const Answer want = BruteForce(w, u);
      const Eligibility got = registry.Check(u);
      ASSERT_EQ(got.eligible, want.eligible) << "seed " << seed << " query " << q;
      ASSERT_EQ(IneligibleReasonName(got.reason), IneligibleReasonName(want.eligible ? IneligibleReason::kNone : want.reason))
          << "seed " << seed << " query " << q;
      ASSERT_EQ(got.performer_id, want.eligible ? "" : want.performer) << "seed " << seed << " query " << q;
      ASSERT_EQ(got.relied_on, want.relied) << "seed " << seed << " query " << q;
      ++checked;
      eligible += got.eligible;
      ++reasons[got.reason];
    }
  }
  // The generator must reach both answers and most reasons, or the agreement says little.
  EXPECT_GT(eligible, checked / 20);
  EXPECT_LT(eligible, checked * 19 / 20);
  for (IneligibleReason r : {IneligibleReason::kTakenDown, IneligibleReason::kUnknownPerformer,
                             IneligibleReason::kNoConsent, IneligibleReason::kTitleNotCovered,
                             IneligibleReason::kUseNotCovered, IneligibleReason::kReplicaKindNotCovered,
                             IneligibleReason::kTerritoryNotCovered, IneligibleReason::kNotYetValid,
                             IneligibleReason::kExpired, IneligibleReason::kSuperseded, IneligibleReason::kRevoked,
                             IneligibleReason::kDeceased}) {
    EXPECT_GT(reasons[r], 0u) << IneligibleReasonName(r);
  }
}

}  // namespace
}  // namespace marquee
