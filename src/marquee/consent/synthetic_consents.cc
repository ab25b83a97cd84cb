#include "marquee/consent/synthetic_consents.h"

#include "marquee/util/civil_time.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "marquee/util/random.h"

namespace marquee {

namespace {

constexpr int64_t kDay = kSecondsPerDay;
constexpr int64_t kYear = 365 * kDay;
constexpr std::string_view kUnionAgreement = "SAG-AFTRA TV/Theatrical 2023";
// Territories a regional consent draws from, "US" apart.
constexpr std::array<std::string_view, 11> kRegions = {"GB", "CA", "DE", "FR", "AU", "BR",
                                                       "JP", "ES", "IT", "MX", "IN"};
// Streams of the seed, so that one kind of record does not shift another's draws.
constexpr uint64_t kPerformerStream = 1;
constexpr uint64_t kTakedownStream = 2;

enum class Ending { kRunning, kExpiringSoon, kExpired, kRevoked };

// A time uniformly in [lo, hi] (lo <= hi).
int64_t TimeBetween(Rng& rng, int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  return lo +
         std::min<int64_t>(static_cast<int64_t>(rng.Uniform() * static_cast<double>(hi - lo + 1)), hi - lo);
}

std::string Hex64(Rng& rng) {
  std::string hash;
  for (int i = 0; i < 4; ++i) hash += fmt::format("{:016x}", rng.Next());
  return hash;
}

std::vector<std::string> Territories(Rng& rng, const SyntheticConsentOptions& options) {
  if (rng.Bernoulli(options.worldwide_share)) return {std::string(kWildcard)};
  std::vector<std::string> out;
  if (rng.Bernoulli(options.us_in_regional_share)) out.emplace_back("US");
  std::array<std::string_view, kRegions.size()> pool = kRegions;
  const size_t want = 2 + rng.Below(4);
  for (size_t i = 0; out.size() < want && i < pool.size(); ++i) {
    const size_t j = i + rng.Below(static_cast<uint32_t>(pool.size() - i));
    std::swap(pool[i], pool[j]);
    out.emplace_back(pool[i]);
  }
  return out;
}

// A specific description naming the performer, the title and the uses;
// falls back to the ids alone if a name happens to contain a generic phrase.
std::string Description(const Performer& performer, const Title& title, std::string_view title_id,
                        bool key_art, bool ai, bool independent, const IngestRules& rules) {
  const std::string uses = key_art ? "as personalized artwork and as key art" : "as personalized artwork";
  std::string replicas;
  if (ai) {
    replicas = independent ? "; also material alterations and digital replicas, made with or without their "
                             "participation, for this title only"
                           : "; also material alterations and digital replicas made with their participation "
                             "on the production, for this title only";
  }
  std::string text = fmt::format(
      "Photographs of {} from \"{}\" ({}), retouched only as customary, shown {} for "
      "that title{}",
      performer.name, title.name, title_id, uses, replicas);
  if (CheckDescription(text, rules).ok()) return text;
  return fmt::format(
      "Photographs of performer {} from title {}, retouched only as customary, shown {} for that "
      "title{}",
      performer.id, title_id, uses, replicas);
}

// Every (performer, title) a variant shows recognizably: the title the
// variant is shown for, whatever photography it was made from.
std::map<uint32_t, std::set<uint32_t>> RecognizablePairs(const Dataset& dataset) {
  std::map<uint32_t, std::set<uint32_t>> pairs;
  const auto& titles = dataset.catalog.titles();
  for (uint32_t t = 0; t < titles.size(); ++t) {
    for (const Artwork& art : titles[t].artwork) {
      for (const DepictedPerformer& d : art.depicted) {
        if (d.recognizable) pairs[d.performer].insert(t);
      }
    }
  }
  return pairs;
}

// What is drawn once per performer.
struct PerformerTerms {
  bool missing = false;
  bool ai = false;           // material alteration and employment-based replicas
  bool independent = false;  // independently created replicas too
  bool signed_in_life = false;
  bool union_member = false;
};

PerformerTerms DrawPerformerTerms(Rng& rng, const Performer& p, const SyntheticConsentOptions& options) {
  PerformerTerms terms;
  terms.missing = rng.Bernoulli(options.missing_share);
  terms.ai = rng.Bernoulli(options.ai_replica_share);
  terms.independent = rng.Bernoulli(options.independent_replica_share) && terms.ai;
  terms.signed_in_life = rng.Bernoulli(options.survives_death_share);
  terms.union_member = std::find(p.unions.begin(), p.unions.end(), "SAG-AFTRA") != p.unions.end();
  return terms;
}

}  // namespace

std::vector<ConsentEntry> SyntheticConsents(const Dataset& dataset, const SyntheticConsentOptions& options) {
  std::vector<ConsentEntry> out;
  const Catalog& catalog = dataset.catalog;
  const int64_t now = options.now;
  const int64_t window = static_cast<int64_t>(std::max(options.expiring_window_days, 1)) * kDay;

  for (const auto& [index, titles] : RecognizablePairs(dataset)) {
    const Performer& p = catalog.performers()[index];
    if (!p.birth_date) continue;  // no facts: the registry cannot take a consent for them
    const uint64_t performer_seed = DeriveSeed(DeriveSeed(options.seed, kPerformerStream), index);
    Rng prng(performer_seed);
    const PerformerTerms terms = DrawPerformerTerms(prng, p, options);
    if (terms.missing) continue;
    const int64_t birth = static_cast<int64_t>(*p.birth_date) * kDay;
    const int64_t adult_from = BirthdayStart(*p.birth_date, 18);
    const bool dead = p.death_date && static_cast<int64_t>(*p.death_date) * kDay <= now;
    const int64_t death = dead ? static_cast<int64_t>(*p.death_date) * kDay : 0;
    // Signed in life and surviving death needs a death recent enough for a
    // consent of at most 10 years to still run; without a known
    // representative nobody else could have signed.
    const bool in_life =
        dead && ((terms.signed_in_life && now - death < 8 * kYear) || p.representative.empty());

    for (uint32_t t : titles) {
      Rng rng(DeriveSeed(performer_seed, t + 1));
      const std::string title_id(dataset.titles.ExternalId(t));
      const double u = rng.Uniform();
      Ending ending = Ending::kRunning;
      if (u < options.expiring_share / 2) {
        ending = Ending::kExpiringSoon;
      } else if (u < options.expiring_share) {
        ending = Ending::kExpired;
      } else if (u < options.expiring_share + options.revoked_share) {
        ending = Ending::kRevoked;
      }
      // An estate cannot have signed before the death: an expiry before it becomes one ahead.
      int64_t until = 0;
      if (ending == Ending::kExpiringSoon) until = now + TimeBetween(rng, 3600, window);
      if (ending == Ending::kExpired) {
        until = now - TimeBetween(rng, kDay, 180 * kDay);
        if (dead && !in_life && until <= death + kDay) until = now + TimeBetween(rng, 3600, window);
      }
      int64_t from = until != 0 ? until - TimeBetween(rng, kYear, 4 * kYear)
                                : now - TimeBetween(rng, 30 * kDay, 3 * kYear);

      ConsentRecord c;
      c.consent_id = fmt::format("consent-{}-{}", p.id, title_id);
      c.performer_id = p.id;
      c.agreement = terms.union_member ? std::string(kUnionAgreement) : "none";
      c.titles = {title_id};
      const bool key_art = rng.Bernoulli(options.key_art_share);
      c.uses = {"artwork.personalized"};
      if (key_art) c.uses.emplace_back("artwork.key_art");
      c.replica_kinds = {ReplicaKind::kNone, ReplicaKind::kCustomaryAlteration};
      if (terms.ai) {
        c.replica_kinds.push_back(ReplicaKind::kMaterialAlteration);
        c.replica_kinds.push_back(ReplicaKind::kEmploymentBasedDigitalReplica);
      }
      if (terms.independent) c.replica_kinds.push_back(ReplicaKind::kIndependentlyCreatedDigitalReplica);
      c.territories = Territories(rng, options);
      c.intended_use_description =
          Description(p, catalog.titles()[t], title_id, key_art, terms.ai, terms.independent, options.rules);
      c.separately_signed = terms.ai || rng.Bernoulli(0.4);
      const std::string evidence = Hex64(rng);
      if (c.separately_signed) c.evidence_hash = evidence;
      c.compensation.flat_fee_micros = static_cast<int64_t>(250 + rng.Below(4751)) * 1'000'000;
      c.compensation.rate_per_1000_qualifying_micros = 500'000 + static_cast<int64_t>(rng.Below(4'500'001));
      c.compensation.bonus_participation = rng.Bernoulli(0.5) && terms.union_member;
      const double revoke_at = rng.Uniform();

      if (dead && in_life) {
        from = std::min(from, death - kDay);  // signed while alive
        c.survives_death = true;
      } else if (dead) {
        from = std::max(from, death);  // granted by the estate after the death
        c.grantor = GrantorKind::kAuthorisedRepresentative;
        c.grantor_name = p.representative;
      }
      // Someone who came of age before the consent would start signs as an adult.
      if (from < adult_from && adult_from <= now && ending != Ending::kExpired && !dead) from = adult_from;
      if (from < birth) continue;  // not born yet at the start: no consent for this title
      const bool minor = from < adult_from;
      const int64_t limit =
          AddCalendarYears(from, minor ? options.rules.max_minor_years : options.rules.max_adult_years);
      if (until == 0) {
        // Running: ends comfortably after the expiring window.
        const int64_t lo = std::max(now + window + 30 * kDay, from + kYear);
        until = lo < limit ? TimeBetween(rng, lo, limit) : limit;
      }
      until = std::min(until, limit);
      if (minor) {
        c.grantor = GrantorKind::kCourtApprovedGuardian;
        c.grantor_name = p.representative.empty() ? "Court-approved guardian of " + p.name : p.representative;
        until = std::min(until, adult_from);
      }
      if (until <= from) continue;
      c.valid_from = from;
      c.valid_until = until;
      const bool revoke = ending == Ending::kRevoked && now > from;
      const std::string consent_id = c.consent_id;
      out.emplace_back(std::move(c));
      if (revoke) {
        Revocation r;
        r.consent_id = consent_id;
        r.effective_at = from + 1 +
                         std::min<int64_t>(static_cast<int64_t>(revoke_at * static_cast<double>(now - from)),
                                           now - from - 1);
        r.reason = "The performer withdrew consent for this title";
        out.emplace_back(std::move(r));
      }
    }
  }

  // Takedowns, variant by variant in catalog order.
  Rng rng(DeriveSeed(options.seed, kTakedownStream));
  const int64_t restore_period = static_cast<int64_t>(options.rules.takedown_restore_days) * kDay;
  const auto& titles = catalog.titles();
  for (uint32_t t = 0; t < titles.size(); ++t) {
    for (const Artwork& art : titles[t].artwork) {
      std::vector<uint32_t> shown;
      for (const DepictedPerformer& d : art.depicted) {
        if (d.recognizable && catalog.performers()[d.performer].birth_date) shown.push_back(d.performer);
      }
      if (shown.empty()) continue;
      const bool take_down = rng.Bernoulli(options.takedown_share);
      const uint32_t who = shown[rng.Below(static_cast<uint32_t>(shown.size()))];
      const int64_t received = now - TimeBetween(rng, kDay, 90 * kDay);
      const bool restore = rng.Bernoulli(options.restored_share);
      const double restore_at = rng.Uniform();
      if (!take_down) continue;
      const Performer& p = catalog.performers()[who];
      Takedown td;
      td.takedown_id = fmt::format("takedown-{}", art.id);
      td.performer_id = p.id;
      td.material = art.id;
      td.contact = p.representative.empty() ? fmt::format("{} (via the performer's own notice)", p.name)
                                            : fmt::format("{} for {}", p.representative, p.name);
      td.received_at = received;
      td.restore_not_before = received + restore_period;
      const int64_t not_before = *td.restore_not_before;
      const std::string takedown_id = td.takedown_id;
      out.emplace_back(std::move(td));
      if (restore && not_before < now) {
        Restoration r;
        r.takedown_id = takedown_id;
        r.restored_at = not_before + static_cast<int64_t>(restore_at * static_cast<double>(now - not_before));
        r.note = "Reviewed with the performer; the image is shown again";
        out.emplace_back(std::move(r));
      }
    }
  }
  return out;
}

}  // namespace marquee
