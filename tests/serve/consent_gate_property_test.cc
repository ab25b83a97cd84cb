// The consent gate as a property (issue 11, tests): a million simulated
// decisions on a timeline of random revocations, expiries, deaths and
// takedowns (and restorations and new versions), and for every one of them:
// the variant shown was eligible at the decision's time, the propensity is
// the policy's probability renormalised over the eligible set (which sums to
// 1), and a title with no eligible variant got a title card.
//
// "Eligible" is decided here by ReferenceRule: the numbered rule at the top
// of consent/eligibility.h written again from its text, by brute force over
// the records this test wrote (never ConsentRegistry::Check).
//
// Two routes are driven. Revocations, takedowns, restorations, expiring
// consents and new versions go through a ConsentGate's log (ConsentGate::Add)
// and decisions through ArtworkService::Choose behind that gate, across
// segment bounds and in territories without a verdict table; deaths are in
// the catalog the gate was opened with and fall inside the timeline. Deaths
// learned later (ConsentRegistry::SetPerformer, which no gate route reaches)
// are driven at the registry + DecideAmong level.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "marquee/bandit/artwork_features.h"
#include "marquee/bandit/policy.h"
#include "marquee/consent/catalog_likeness.h"
#include "marquee/consent/consent_log.h"
#include "marquee/consent/synthetic_consents.h"
#include "marquee/serve/artwork_service.h"
#include "marquee/serve/consent_gate.h"
#include "marquee/synthetic/synthetic.h"
#include "marquee/util/random.h"
#include "../test_util.h"

namespace marquee {
namespace {

constexpr int64_t kNow = 1767225600;  // 2026-01-01, the synthetic consents' reference time
constexpr int64_t kDay = 86400;
constexpr std::string_view kUse = "artwork.personalized";

template <typename T>
bool Contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// THE RULE (consent/eligibility.h), again, for use `kUse`: brute force over
// every record accepted so far.
class ReferenceRule {
 public:
  explicit ReferenceRule(const Dataset& dataset) : dataset_(dataset) {
    for (const Performer& p : dataset.catalog.performers()) {
      if (!p.birth_date) continue;  // no facts: never covered
      facts_[p.id] = {.birth_date = *p.birth_date,
                      .death_date = p.death_date ? std::optional<int64_t>(*p.death_date) : std::nullopt,
                      .representative = p.representative};
    }
  }

  void Add(const ConsentEntry& entry) {
    if (const auto* c = std::get_if<ConsentRecord>(&entry)) {
      by_performer_[c->performer_id].push_back(consents_.size());
      by_id_[c->consent_id].push_back(consents_.size());
      consents_.push_back(*c);
    } else if (const auto* r = std::get_if<Revocation>(&entry)) {
      revoked_[r->consent_id].push_back(r->effective_at);
    } else if (const auto* t = std::get_if<Takedown>(&entry)) {
      takedowns_.push_back(*t);
    } else {
      restorations_.push_back(std::get<Restoration>(entry));
    }
  }
  void SetFacts(const std::string& performer_id, PerformerFacts facts) { facts_[performer_id] = facts; }
  const PerformerFacts* Facts(const std::string& performer_id) const {
    auto it = facts_.find(performer_id);
    return it == facts_.end() ? nullptr : &it->second;
  }
  const std::vector<ConsentRecord>& consents() const { return consents_; }
  const std::vector<Takedown>& takedowns() const { return takedowns_; }
  bool Restored(const std::string& takedown_id) const {
    for (const Restoration& r : restorations_) {
      if (r.takedown_id == takedown_id) return true;
    }
    return false;
  }

  // Rules 2..8 for consent `c` of a performer with `facts`.
  bool Qualifies(const ConsentRecord& c, const std::string& title_id, const std::string& source_title_id,
                 ReplicaKind replica, const std::string& territory, int64_t t, const PerformerFacts& facts) const {
    const std::string star(kWildcard);
    // 2. Title: named, or "*" for the title's own photography.
    const bool own = source_title_id.empty() || source_title_id == title_id;
    if (!Contains(c.titles, title_id) && !(Contains(c.titles, star) && own)) return false;
    // 3. Use.
    if (!Contains(c.uses, std::string(kUse))) return false;
    // 4. Replica kind.
    if (!Contains(c.replica_kinds, replica)) return false;
    // 5. Territory.
    if (!Contains(c.territories, territory) && !Contains(c.territories, star)) return false;
    // 6. Time, and no later version started.
    if (!(c.valid_from <= t && t < c.valid_until)) return false;
    for (size_t i : by_id_.at(c.consent_id)) {
      if (consents_[i].version > c.version && consents_[i].valid_from <= t) return false;
    }
    // 7. Not revoked.
    if (auto it = revoked_.find(c.consent_id); it != revoked_.end()) {
      for (int64_t at : it->second) {
        if (at <= t) return false;
      }
    }
    // 8. Death.
    if (facts.death_date && *facts.death_date * kDay <= t) {
      const bool representative = c.grantor == GrantorKind::kAuthorisedRepresentative &&
                                  !facts.representative.empty() && c.grantor_name == facts.representative;
      if (!c.survives_death && !representative) return false;
    }
    return true;
  }

  // The use's fields as the catalog gives them.
  struct Use {
    std::string title_id, source_title_id;
    const Artwork* art = nullptr;
  };
  Use UseOf(uint32_t title, uint32_t variant) const {
    Use u;
    u.art = &dataset_.catalog.titles()[title].artwork[variant];
    u.title_id = std::string(dataset_.titles.ExternalId(title));
    if (u.art->source_title != kOwnTitle && u.art->source_title != title) {
      u.source_title_id = std::string(dataset_.titles.ExternalId(u.art->source_title));
    }
    return u;
  }

  // Whether variant `variant` of `title` may be shown in `territory` at `t`
  // (declared provenance, then rules 1..8).
  bool Eligible(uint32_t title, uint32_t variant, const std::string& territory, int64_t t) const {
    const Use u = UseOf(title, variant);
    if (u.art->quarantined()) return false;
    // 1. No takedown in force: received_at <= t, and no restoration at or before t.
    for (const Takedown& td : takedowns_) {
      if (td.material != u.art->id || td.received_at > t) continue;
      bool restored = false;
      for (const Restoration& r : restorations_) restored |= r.takedown_id == td.takedown_id && r.restored_at <= t;
      if (!restored) return false;
    }
    for (const DepictedPerformer& d : u.art->depicted) {
      if (!d.recognizable) continue;
      const std::string& id = dataset_.catalog.performers()[d.performer].id;
      const PerformerFacts* facts = Facts(id);
      if (facts == nullptr) return false;
      bool covered = false;
      if (auto it = by_performer_.find(id); it != by_performer_.end()) {
        for (size_t i : it->second) {
          if (Qualifies(consents_[i], u.title_id, u.source_title_id, u.art->replica_kind, territory, t, *facts)) {
            covered = true;
            break;
          }
        }
      }
      if (!covered) return false;
    }
    return true;
  }

  // Whether consent (`consent_id`, `version`) of `performer_id` qualifies for the use.
  bool ReliedConsentQualifies(const ReliedConsent& r, uint32_t title, uint32_t variant, const std::string& territory,
                              int64_t t) const {
    const Use u = UseOf(title, variant);
    const PerformerFacts* facts = Facts(r.performer_id);
    auto it = by_id_.find(r.consent_id);
    if (facts == nullptr || it == by_id_.end()) return false;
    for (size_t i : it->second) {
      const ConsentRecord& c = consents_[i];
      if (c.version == r.version && c.performer_id == r.performer_id) {
        return Qualifies(c, u.title_id, u.source_title_id, u.art->replica_kind, territory, t, *facts);
      }
    }
    return false;
  }

  // The distinct recognizable performers of a variant, in depicted order.
  std::vector<std::string> Recognizable(uint32_t title, uint32_t variant) const {
    std::vector<std::string> out;
    for (const DepictedPerformer& d : dataset_.catalog.titles()[title].artwork[variant].depicted) {
      const std::string& id = dataset_.catalog.performers()[d.performer].id;
      if (d.recognizable && !Contains(out, id)) out.push_back(id);
    }
    return out;
  }

 private:
  const Dataset& dataset_;
  std::unordered_map<std::string, PerformerFacts> facts_;
  std::vector<ConsentRecord> consents_;
  std::unordered_map<std::string, std::vector<size_t>> by_performer_, by_id_;
  std::unordered_map<std::string, std::vector<int64_t>> revoked_;
  std::vector<Takedown> takedowns_;
  std::vector<Restoration> restorations_;
};

// The policy's probabilities renormalised over `eligible` (even shares when
// it gives them all 0); asserts they sum to 1 within 1e-9.
std::vector<double> Renormalised(const ArtworkPolicy& policy, std::span<const float> context, uint32_t title,
                                 const std::vector<bool>& eligible) {
  std::vector<double> p(eligible.size());
  policy.Probabilities({context, title}, p);
  double mass = 0.0;
  size_t count = 0;
  for (size_t v = 0; v < p.size(); ++v) {
    if (eligible[v]) {
      mass += p[v];
      ++count;
    }
  }
  double sum = 0.0;
  for (size_t v = 0; v < p.size(); ++v) {
    p[v] = !eligible[v] ? 0.0 : mass > 0.0 ? p[v] / mass : 1.0 / static_cast<double>(count);
    sum += p[v];
  }
  EXPECT_NEAR(sum, 1.0, 1e-9);
  return p;
}

// The service with deaths inside the timeline: a synthetic catalog whose
// living performers partly die between kNow - 20 days and kNow + 70 days,
// some with a representative who signs for them.
std::unique_ptr<Dataset> ServiceWithDeaths(uint64_t seed) {
  SyntheticConfig config;
  config.members = 300;
  config.titles = 120;
  config.plays = 6000;
  config.seed = 7;
  Result<SyntheticService> service = GenerateService(config);
  EXPECT_TRUE(service.ok()) << service.status().ToString();
  if (!service.ok()) return nullptr;
  auto dataset = std::make_unique<Dataset>(std::move(service->dataset));
  Rng rng(seed);
  for (uint32_t i = 0; i < dataset->catalog.performers().size(); ++i) {
    Performer& p = dataset->catalog.performer(i);
    if (p.death_date || !p.birth_date || rng.Uniform() >= 0.12) continue;
    p.death_date = static_cast<int32_t>(kNow / kDay - 20 + rng.Below(90));
  }
  return dataset;
}

struct Counts {
  uint64_t decisions = 0, shown = 0, title_cards = 0, slow = 0, failures = 0;
  uint64_t writes[5] = {0, 0, 0, 0, 0};  // revocations, takedowns, restorations, expiring consents, versions
};

// A failed decision: reported (the first few in full) and counted.
#define PROPERTY_FAIL(counts, message)                   \
  do {                                                   \
    if (++(counts).failures <= 10) ADD_FAILURE() << message; \
  } while (0)

// A consent for `performer` of `title` valid from `from` to `until`, that the
// registry's ingest rules accept (a minor's from a guardian, ending by 18).
ConsentRecord ShortConsent(const std::string& id, const std::string& performer, const PerformerFacts& facts,
                           const std::string& title_id, int64_t from, int64_t until, Rng& rng) {
  ConsentRecord c;
  c.consent_id = id;
  c.performer_id = performer;
  c.agreement = "none";
  c.titles = {title_id};
  c.uses = {std::string(kUse)};
  c.replica_kinds = {ReplicaKind::kNone, ReplicaKind::kCustomaryAlteration, ReplicaKind::kMaterialAlteration,
                     ReplicaKind::kEmploymentBasedDigitalReplica};
  c.territories = rng.Below(2) == 0 ? std::vector<std::string>{"*"} : std::vector<std::string>{"US", "FR"};
  c.valid_from = from;
  c.valid_until = until;
  c.intended_use_description = "stills of the performer shown as personalized artwork for title " + title_id;
  c.survives_death = rng.Below(3) == 0;
  const int64_t eighteen = BirthdayStart(facts.birth_date, 18);
  if (from < eighteen) {
    c.grantor = GrantorKind::kCourtApprovedGuardian;
    c.grantor_name = "family court";
    c.valid_until = std::min(c.valid_until, eighteen);
  } else if (!facts.representative.empty() && rng.Below(2) == 0) {
    c.grantor = GrantorKind::kAuthorisedRepresentative;
    c.grantor_name = facts.representative;
  }
  return c;
}

TEST(ConsentGatePropertyTest, NoDecisionShowsAVariantIneligibleAtItsTime) {
  std::unique_ptr<Dataset> owned = ServiceWithDeaths(11);
  ASSERT_NE(owned, nullptr);
  const Dataset& dataset = *owned;
  const auto& titles = dataset.catalog.titles();
  test::TempDir dir;
  ReferenceRule reference(dataset);

  // The synthetic consents at kNow, in the gate's log and in the reference.
  const std::string log_path = dir.File("consents.jsonl");
  {
    ConsentRegistry registry(PerformerFactsOf(dataset.catalog));
    Result<std::unique_ptr<ConsentLog>> log = ConsentLog::Open(log_path, registry);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (const ConsentEntry& entry : SyntheticConsents(dataset, {.seed = 3, .now = kNow})) {
      Status s = (*log)->Append(entry);
      // Deaths moved into the timeline may make a consent for the dead refusable; skip those.
      if (s.ok()) reference.Add(entry);
    }
  }
  ASSERT_GT(reference.consents().size(), 200u);
  serve::ConsentGateOptions gate_options;
  gate_options.consent_log = log_path;
  gate_options.territories = {"US", "GB"};  // FR, DE and JP are checked directly
  gate_options.allow_misrepresenting_artwork = true;  // the consent rule alone (honest artwork has its own tests)
  gate_options.refresh_every = std::chrono::hours(1);  // the test moves time itself
  Result<std::unique_ptr<serve::ConsentGate>> opened = serve::ConsentGate::Open(dataset, gate_options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  serve::ConsentGate& gate = **opened;

  // Two policies behind the gate: epsilon-greedy (every variant has mass)
  // and LinUCB (all mass on a favourite that may be ineligible), trained a
  // little so that their probabilities are not even. Each service keeps
  // its policy (it is never told of outcomes); `mine` is a copy to check
  // propensities against.
  auto features = std::make_shared<const ArtworkFeatures>(dataset.catalog);
  Rng rng(20261130);
  std::vector<uint32_t> with_art;
  for (uint32_t t = 0; t < titles.size(); ++t) {
    if (!titles[t].artwork.empty()) with_art.push_back(t);
  }
  ASSERT_GT(with_art.size(), 60u);
  std::vector<std::vector<float>> contexts(dataset.members.size(), std::vector<float>(features->member_dim()));
  for (uint32_t m = 0; m < dataset.members.size(); ++m) {
    features->DatasetMemberVector(dataset.interactions, m, contexts[m]);
  }
  std::vector<std::unique_ptr<serve::ArtworkService>> services;
  std::vector<std::unique_ptr<ArtworkPolicy>> mine;
  for (const char* kind : {"epsilon-greedy", "linucb"}) {
    Result<std::unique_ptr<ArtworkPolicy>> policy = CreateArtworkPolicy(kind, Parameters{}, features);
    ASSERT_TRUE(policy.ok()) << policy.status().ToString();
    for (int i = 0; i < 3000; ++i) {
      const uint32_t title = with_art[rng.Below(static_cast<uint32_t>(with_art.size()))];
      const uint32_t v = rng.Below(static_cast<uint32_t>(titles[title].artwork.size()));
      (*policy)->Update({contexts[rng.Below(static_cast<uint32_t>(contexts.size()))], title}, v,
                        rng.Uniform() < (v % 2 == 0 ? 0.6 : 0.2) ? 1.0 : 0.0);
    }
    mine.push_back((*policy)->Clone());
    mine.back()->PrepareForReads();  // as the service prepares the copy it publishes
    Result<std::unique_ptr<serve::ArtworkService>> service =
        serve::ArtworkService::Create(dataset, features, std::move(*policy), {.seed = 5, .gate = &gate});
    ASSERT_TRUE(service.ok()) << service.status().ToString();
    services.push_back(std::move(*service));
  }

  const std::vector<std::string> territories = {"US", "GB", "FR", "DE", "JP"};
  const uint32_t flat_titles = static_cast<uint32_t>(titles.size());
  uint32_t max_variants = 0;
  for (const Title& t : titles) max_variants = std::max<uint32_t>(max_variants, static_cast<uint32_t>(t.artwork.size()));
  // Reference verdicts of one batch: [time slot][territory][title][variant]; -1 unknown.
  constexpr int kSlots = 4;
  std::vector<int8_t> memo;
  auto memo_at = [&](int slot, size_t territory, uint32_t title, uint32_t v) -> int8_t& {
    return memo[((static_cast<size_t>(slot) * territories.size() + territory) * flat_titles + title) * max_variants +
                v];
  };

  Counts counts;
  constexpr int kBatches = 400;
  constexpr int kChoosePerBatch = 125;  // x 16 titles = 2,000 decisions a batch
  constexpr size_t kTitlesPerChoose = 16;
  int64_t t = kNow - 25 * kDay;
  int next_id = 0;
  const std::vector<Performer>& performers = dataset.catalog.performers();
  std::vector<uint32_t> request(kTitlesPerChoose);
  std::vector<Event> impressions;
  std::vector<bool> ref_eligible;

  for (int batch = 0; batch < kBatches && counts.failures == 0; ++batch) {
    t += static_cast<int64_t>(rng.Below(5 * 3600));
    // Writes, each in force from now or a little later.
    const int writes = static_cast<int>(rng.Below(3));
    for (int w = 0; w < writes; ++w) {
      const uint32_t what = rng.Below(5);
      std::optional<ConsentEntry> entry;
      if (what == 0) {  // revoke a consent
        const ConsentRecord& c = reference.consents()[rng.Below(static_cast<uint32_t>(reference.consents().size()))];
        entry = Revocation{c.consent_id, t + (rng.Below(2) ? 0 : static_cast<int64_t>(rng.Below(6 * 3600))), "test"};
      } else if (what == 1) {  // take down a variant showing someone
        const uint32_t title = with_art[rng.Below(static_cast<uint32_t>(with_art.size()))];
        const Artwork& art = titles[title].artwork[rng.Below(static_cast<uint32_t>(titles[title].artwork.size()))];
        if (art.depicted.empty()) continue;
        entry = Takedown{"td-" + std::to_string(next_id++), performers[art.depicted[0].performer].id, art.id,
                         "counsel@example.org", t + static_cast<int64_t>(rng.Below(2 * 3600)), std::nullopt};
      } else if (what == 2) {  // restore a takedown that has stood its 14 days
        for (const Takedown& td : reference.takedowns()) {
          if (!reference.Restored(td.takedown_id) && td.restore_not_before && *td.restore_not_before <= t + kDay) {
            entry = Restoration{td.takedown_id, std::max(t, *td.restore_not_before), "heard"};
            break;
          }
        }
      } else {  // a short consent (expires within days), or a new version of one
        const uint32_t title = with_art[rng.Below(static_cast<uint32_t>(with_art.size()))];
        const Artwork& art = titles[title].artwork[rng.Below(static_cast<uint32_t>(titles[title].artwork.size()))];
        if (art.depicted.empty()) continue;
        const std::string& performer = performers[art.depicted[0].performer].id;
        const PerformerFacts* facts = reference.Facts(performer);
        if (facts == nullptr) continue;
        const std::string title_id(dataset.titles.ExternalId(title));
        if (what == 3) {
          entry = ShortConsent("short-" + std::to_string(next_id++), performer, *facts, title_id,
                               t - static_cast<int64_t>(rng.Below(3 * kDay)),
                               t + 3600 + static_cast<int64_t>(rng.Below(4 * kDay)), rng);
        } else {
          // The newest version of a consent of this performer, narrowed, from a little later.
          const ConsentRecord* latest = nullptr;
          for (const ConsentRecord& c : reference.consents()) {
            if (c.performer_id == performer && (latest == nullptr || c.consent_id == latest->consent_id)) {
              if (latest == nullptr || c.version > latest->version) latest = &c;
            }
          }
          if (latest == nullptr) continue;
          ConsentRecord next = ShortConsent(latest->consent_id, performer, *facts, title_id,
                                            t + static_cast<int64_t>(rng.Below(kDay)), t + 30 * kDay, rng);
          next.version = latest->version + 1;
          next.territories = {"GB"};
          entry = next;
        }
      }
      if (!entry) continue;
      Status s = gate.Add(*entry);
      if (s.ok()) {
        // What the registry stores for a takedown has restore_not_before filled in.
        if (auto* td = std::get_if<Takedown>(&*entry)) td->restore_not_before = td->received_at + 14 * kDay;
        reference.Add(*entry);
        ++counts.writes[what];
      }
    }
    // Most batches start on a fresh segment holding t; the others are
    // served outside the segment (checked directly).
    if (batch % 4 != 3) gate.RefreshForTesting(t);
    const auto snapshot = gate.Current();
    // The batch's times: now, a little later, and either side of the segment's end.
    int64_t times[kSlots] = {t, t + static_cast<int64_t>(rng.Below(3 * 3600)), t, t};
    if (snapshot->segment_end() > t && snapshot->segment_end() - t < 10 * kDay) {
      times[2] = snapshot->segment_end() - 1;
      times[3] = snapshot->segment_end();
    }
    memo.assign(static_cast<size_t>(kSlots) * territories.size() * flat_titles * max_variants, -1);

    for (int call = 0; call < kChoosePerBatch; ++call) {
      const uint32_t member = rng.Below(static_cast<uint32_t>(dataset.members.size()));
      // Mostly territories with a table (US, GB); a fifth without (FR, DE, JP).
      const uint32_t draw = rng.Below(20);
      const size_t territory = draw < 8 ? 0 : draw < 16 ? 1 : draw < 18 ? 2 : draw < 19 ? 3 : 4;
      const int slot = static_cast<int>(rng.Below(kSlots));
      const int64_t now = times[slot];
      const size_t which = rng.Below(2);
      for (uint32_t& title : request) title = with_art[rng.Below(static_cast<uint32_t>(with_art.size()))];
      impressions.clear();
      const std::string member_id(dataset.members.ExternalId(member));
      std::vector<serve::ArtworkChoice> choices =
          services[which]->Choose(member_id, request, now, impressions, nullptr, {territories[territory]});
      if (choices.size() != request.size() || impressions.size() != request.size()) {
        PROPERTY_FAIL(counts, "Choose answered " << choices.size() << " choices, " << impressions.size()
                                                 << " impressions for " << request.size() << " titles");
        break;
      }
      for (size_t i = 0; i < choices.size(); ++i) {
        const serve::ArtworkChoice& c = choices[i];
        const Event& e = impressions[i];
        const uint32_t title = request[i];
        const auto& variants = titles[title].artwork;
        ++counts.decisions;
        ref_eligible.assign(variants.size(), false);
        std::vector<std::string> ref_ids;
        for (uint32_t v = 0; v < variants.size(); ++v) {
          int8_t& m = memo_at(slot, territory, title, v);
          if (m < 0) m = reference.Eligible(title, v, territories[territory], now) ? 1 : 0;
          ref_eligible[v] = m == 1;
          if (m == 1) ref_ids.push_back(variants[v].id);
        }
        const std::string where = "decision " + std::to_string(counts.decisions) + ": title " +
                                  std::string(dataset.titles.ExternalId(title)) + " in " + territories[territory] +
                                  " at " + std::to_string(now) + " (segment [" +
                                  std::to_string(snapshot->segment_start()) + ", " +
                                  std::to_string(snapshot->segment_end()) + "))";
        if (e.eligible_artwork_ids != ref_ids) {
          PROPERTY_FAIL(counts, where << ": logged eligible set has " << e.eligible_artwork_ids.size()
                                      << " ids, the rule allows " << ref_ids.size());
        }
        if (ref_ids.empty()) {
          ++counts.title_cards;
          if (!c.title_card || c.has_artwork || !e.artwork_id.empty() || e.propensity != 1.0) {
            PROPERTY_FAIL(counts, where << ": nothing eligible but no title card (artwork '" << e.artwork_id << "')");
          }
          continue;
        }
        ++counts.shown;
        if (c.title_card || c.variant >= variants.size() || !ref_eligible[c.variant] ||
            e.artwork_id != variants[c.variant].id) {
          PROPERTY_FAIL(counts, where << ": showed '" << e.artwork_id << "', ineligible by the rule at its time");
          continue;
        }
        const std::vector<double> p = Renormalised(*mine[which], *c.context, title, ref_eligible);
        if (!(std::abs(c.propensity - p[c.variant]) <= 1e-9) || !(c.propensity > 0.0) ||
            e.propensity != c.propensity) {
          PROPERTY_FAIL(counts, where << ": propensity " << c.propensity << ", renormalised over the eligible set "
                                      << p[c.variant]);
        }
        // The consents it relied on: one per recognizable performer, each qualifying.
        const std::vector<std::string> people = reference.Recognizable(title, c.variant);
        bool relied_ok = c.relied_on.size() == people.size();
        for (size_t k = 0; relied_ok && k < people.size(); ++k) {
          relied_ok = c.relied_on[k].performer_id == people[k] &&
                      reference.ReliedConsentQualifies(c.relied_on[k], title, c.variant, territories[territory], now);
        }
        if (!relied_ok) PROPERTY_FAIL(counts, where << ": relied_on does not name a qualifying consent per performer");
      }
      if (counts.failures > 0) break;
    }
  }
  std::printf("gate property: %llu decisions (%llu shown, %llu title cards); writes: %llu revocations, %llu "
              "takedowns, %llu restorations, %llu expiring consents, %llu new versions; %llu slow checks\n",
              static_cast<unsigned long long>(counts.decisions), static_cast<unsigned long long>(counts.shown),
              static_cast<unsigned long long>(counts.title_cards), static_cast<unsigned long long>(counts.writes[0]),
              static_cast<unsigned long long>(counts.writes[1]), static_cast<unsigned long long>(counts.writes[2]),
              static_cast<unsigned long long>(counts.writes[3]), static_cast<unsigned long long>(counts.writes[4]),
              static_cast<unsigned long long>(gate.Stats().slow_checks));
  EXPECT_EQ(counts.failures, 0u);
  EXPECT_EQ(counts.decisions, static_cast<uint64_t>(kBatches) * kChoosePerBatch * kTitlesPerChoose);
  // The timeline exercised what it is about.
  EXPECT_GT(counts.title_cards, 1000u);
  EXPECT_GT(counts.shown, 100000u);
  for (uint64_t w : counts.writes) EXPECT_GT(w, 5u);
  EXPECT_GT(gate.Stats().slow_checks, 0u);
}

// Deaths learned after the consents (ConsentRegistry::SetPerformer: no gate
// route reaches it yet), with decisions by ConsentRegistry::Check's verdicts
// and DecideAmong: never a variant of a dead performer whose consent does
// not survive death (or come from the representative), and propensities
// renormalised over the eligible set.
TEST(ConsentGatePropertyTest, DeathsLearnedLaterAreHonouredByCheckAndDecideAmong) {
  std::unique_ptr<Dataset> owned = ServiceWithDeaths(12);
  ASSERT_NE(owned, nullptr);
  const Dataset& dataset = *owned;
  const auto& titles = dataset.catalog.titles();
  ReferenceRule reference(dataset);
  ConsentRegistry registry(PerformerFactsOf(dataset.catalog));
  for (const ConsentEntry& entry : SyntheticConsents(dataset, {.seed = 4, .now = kNow})) {
    if (registry.Add(entry).ok()) reference.Add(entry);
  }
  auto features = std::make_shared<const ArtworkFeatures>(dataset.catalog);
  Result<std::unique_ptr<ArtworkPolicy>> policy = CreateArtworkPolicy("epsilon-greedy", Parameters{}, features);
  ASSERT_TRUE(policy.ok());
  Rng rng(777);
  std::vector<uint32_t> with_art;
  for (uint32_t t = 0; t < titles.size(); ++t) {
    if (!titles[t].artwork.empty()) with_art.push_back(t);
  }
  std::vector<float> context(features->member_dim());
  for (int i = 0; i < 2000; ++i) {
    features->DatasetMemberVector(dataset.interactions, rng.Below(static_cast<uint32_t>(dataset.members.size())),
                                  context);
    const uint32_t title = with_art[rng.Below(static_cast<uint32_t>(with_art.size()))];
    const uint32_t v = rng.Below(static_cast<uint32_t>(titles[title].artwork.size()));
    (*policy)->Update({context, title}, v, v == 0 ? 1.0 : 0.0);
  }
  (*policy)->PrepareForReads();
  const ArtworkPolicy& chooser = **policy;

  // The living performers shown recognizably: candidates to die.
  std::vector<std::string> living;
  for (const Performer& p : dataset.catalog.performers()) {
    if (p.birth_date && !p.death_date) living.push_back(p.id);
  }
  ASSERT_GT(living.size(), 50u);
  const std::vector<std::string> territories = {"US", "GB", "FR"};
  uint64_t decisions = 0, cards = 0, deaths = 0, failures = 0, refused_for_death = 0, verdicts = 0;
  int64_t t = kNow - 10 * kDay;
  std::vector<bool> eligible, ref_eligible;
  for (int batch = 0; batch < 100 && failures == 0; ++batch) {
    t += static_cast<int64_t>(rng.Below(kDay));
    // A few deaths learned now: some days ago, today, or (announced) tomorrow;
    // half with a representative.
    for (int d = 0; d < 3; ++d) {
      const std::string& id = living[rng.Below(static_cast<uint32_t>(living.size()))];
      PerformerFacts facts = *registry.FindPerformer(id);
      if (facts.death_date) continue;
      facts.death_date = t / kDay - static_cast<int64_t>(rng.Below(30)) + 1;
      if (rng.Below(2) == 0) facts.representative = "estate of " + id;
      registry.SetPerformer(id, facts);
      reference.SetFacts(id, facts);
      ++deaths;
    }
    for (int i = 0; i < 2000; ++i) {
      const int64_t now = t + static_cast<int64_t>(rng.Below(2 * kDay));  // across midnights
      const uint32_t member = rng.Below(static_cast<uint32_t>(dataset.members.size()));
      const uint32_t title = with_art[rng.Below(static_cast<uint32_t>(with_art.size()))];
      const std::string& territory = territories[rng.Below(static_cast<uint32_t>(territories.size()))];
      const auto& variants = titles[title].artwork;
      eligible.assign(variants.size(), false);
      ref_eligible.assign(variants.size(), false);
      bool any = false;
      for (uint32_t v = 0; v < variants.size(); ++v) {
        const Eligibility e = registry.Check(LikenessUseOf(dataset, title, v, kUse, territory, now));
        eligible[v] = e.eligible && !variants[v].quarantined();
        refused_for_death += e.reason == IneligibleReason::kDeceased;
        ref_eligible[v] = reference.Eligible(title, v, territory, now);
        any |= ref_eligible[v];
        ++verdicts;
        if (eligible[v] != ref_eligible[v] && ++failures <= 10) {
          ADD_FAILURE() << variants[v].id << " in " << territory << " at " << now << ": Check says "
                        << IneligibleReasonName(e.reason) << ", the rule says "
                        << (ref_eligible[v] ? "eligible" : "ineligible");
        }
      }
      features->DatasetMemberVector(dataset.interactions, member, context);
      const std::string impression_id = "death-" + std::to_string(decisions);
      std::optional<ArtworkDecision> d = DecideAmong(chooser, {context, title}, eligible, 9, impression_id);
      ++decisions;
      if (!any) {
        ++cards;
        if (d) {
          if (++failures <= 10) ADD_FAILURE() << "title " << title << " at " << now << ": nothing eligible by the rule, "
                                              << "but variant " << d->variant << " was chosen";
        }
        continue;
      }
      if (!d || !ref_eligible[d->variant]) {
        if (++failures <= 10) ADD_FAILURE() << "title " << title << " in " << territory << " at " << now << ": chose "
                                            << (d ? std::to_string(d->variant) : "nothing")
                                            << ", not eligible by the rule";
        continue;
      }
      const std::vector<double> p = Renormalised(chooser, context, title, ref_eligible);
      if (!(std::abs(d->propensity - p[d->variant]) <= 1e-9)) {
        if (++failures <= 10) ADD_FAILURE() << "propensity " << d->propensity << ", renormalised " << p[d->variant];
      }
    }
  }
  std::printf("death property: %llu decisions, %llu with nothing eligible, %llu deaths learned, %llu verdicts "
              "refused as deceased\n",
              static_cast<unsigned long long>(decisions), static_cast<unsigned long long>(cards),
              static_cast<unsigned long long>(deaths), static_cast<unsigned long long>(refused_for_death));
  EXPECT_EQ(failures, 0u);
  EXPECT_EQ(decisions, 200000u);
  EXPECT_GT(refused_for_death, 100u);
}

}  // namespace
}  // namespace marquee
