#include "marquee/consent/eligibility.h"

#include "marquee/util/civil_time.h"

#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>

namespace marquee {
namespace {


template <typename T>
bool Contains(const std::vector<T>& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The position of a reason among checks 2..8: a consent failing a later check
// came further, and its reason is the one reported.
int Stage(IneligibleReason reason) {
  switch (reason) {
    case IneligibleReason::kTitleNotCovered: return 0;
    case IneligibleReason::kUseNotCovered: return 1;
    case IneligibleReason::kReplicaKindNotCovered: return 2;
    case IneligibleReason::kTerritoryNotCovered: return 3;
    case IneligibleReason::kNotYetValid:
    case IneligibleReason::kExpired:
    case IneligibleReason::kSuperseded: return 4;
    case IneligibleReason::kRevoked: return 5;
    case IneligibleReason::kDeceased: return 6;
    default: return 7;
  }
}

}  // namespace

std::string_view IneligibleReasonName(IneligibleReason reason) {
  switch (reason) {
    case IneligibleReason::kNone: return "eligible";
    case IneligibleReason::kTakenDown: return "taken_down";
    case IneligibleReason::kUnknownPerformer: return "unknown_performer";
    case IneligibleReason::kNoConsent: return "no_consent";
    case IneligibleReason::kTitleNotCovered: return "title_not_covered";
    case IneligibleReason::kUseNotCovered: return "use_not_covered";
    case IneligibleReason::kReplicaKindNotCovered: return "replica_kind_not_covered";
    case IneligibleReason::kTerritoryNotCovered: return "territory_not_covered";
    case IneligibleReason::kNotYetValid: return "not_yet_valid";
    case IneligibleReason::kExpired: return "expired";
    case IneligibleReason::kSuperseded: return "superseded";
    case IneligibleReason::kRevoked: return "revoked";
    case IneligibleReason::kDeceased: return "deceased";
  }
  return "?";
}

ConsentRegistry::ConsentRegistry(std::unordered_map<std::string, PerformerFacts> performers, IngestRules rules)
    : performers_(std::move(performers)), rules_(rules) {}

void ConsentRegistry::SetPerformer(const std::string& performer_id, PerformerFacts facts) {
  performers_[performer_id] = std::move(facts);
}

const PerformerFacts* ConsentRegistry::FindPerformer(std::string_view performer_id) const {
  auto it = performers_.find(std::string(performer_id));
  return it == performers_.end() ? nullptr : &it->second;
}

Status ConsentRegistry::Add(ConsentEntry entry) {
  return std::visit(
      [this](auto&& record) -> Status {
        using T = std::decay_t<decltype(record)>;
        if constexpr (std::is_same_v<T, ConsentRecord>) return AddConsent(std::move(record));
        else if constexpr (std::is_same_v<T, Revocation>) return AddRevocation(std::move(record));
        else if constexpr (std::is_same_v<T, Takedown>) return AddTakedown(std::move(record));
        else if constexpr (std::is_same_v<T, Restoration>) return AddRestoration(std::move(record));
        else return AddPerformer(std::move(record));
      },
      std::move(entry));
}

Status ConsentRegistry::AddPerformer(PerformerRecord record) {
  if (record.performer_id.empty()) return Status::InvalidField("performer_id", "performer_id: expected a non-empty id");
  if (record.death_date && *record.death_date < record.birth_date) {
    return Status::InvalidField("death_date", fmt::format("death_date: expected a day on or after the birth date {}, "
                                                          "found {}", FormatCivilDate(record.birth_date),
                                                          FormatCivilDate(*record.death_date)));
  }
  SetPerformer(record.performer_id, {record.birth_date, record.death_date, record.representative});
  return Status::OK();
}

Status ConsentRegistry::AddConsent(ConsentRecord consent) {
  const PerformerFacts* facts = FindPerformer(consent.performer_id);
  if (facts == nullptr) {
    return Status::NotFound(fmt::format("performer_id: unknown performer {}; add the performer (with a birth date) "
                                        "first", QuoteForError(consent.performer_id)))
        .WithField("performer_id");
  }
  MARQUEE_RETURN_IF_ERROR(ValidateConsent(consent, facts->birth_date, rules_));
  auto versions = versions_by_id_.find(consent.consent_id);
  if (versions != versions_by_id_.end()) {
    const ConsentRecord& latest = consents_[versions->second.back()];
    if (latest.performer_id != consent.performer_id) {
      return Status::InvalidField("performer_id", fmt::format("performer_id: consent {} is for performer {}, "
                                                              "found {}", QuoteForError(consent.consent_id),
                                                              QuoteForError(latest.performer_id),
                                                              QuoteForError(consent.performer_id)));
    }
    if (consent.version <= latest.version) {
      return Status::InvalidField("version", fmt::format("version: consent {} is at version {}; expected a version "
                                                         "above it, found {}", QuoteForError(consent.consent_id),
                                                         latest.version, consent.version));
    }
  }
  const size_t index = consents_.size();
  consents_by_performer_[consent.performer_id].push_back(index);
  versions_by_id_[consent.consent_id].push_back(index);
  consents_.push_back(std::move(consent));
  return Status::OK();
}

Status ConsentRegistry::AddRevocation(Revocation revocation) {
  if (versions_by_id_.count(revocation.consent_id) == 0) {
    return Status::InvalidField("consent_id", fmt::format("consent_id: no consent {} to revoke",
                                                          QuoteForError(revocation.consent_id)));
  }
  // A revocation that changes nothing (the consent is already revoked from
  // that time or earlier) is refused: the log holds only what took effect.
  // An earlier one (a correction) is taken and wins.
  auto [it, inserted] = revoked_from_.emplace(revocation.consent_id, revocation.effective_at);
  if (!inserted && it->second <= revocation.effective_at) {
    return Status::InvalidField("consent_id", fmt::format("consent_id: consent {} is already revoked from {}",
                                                          QuoteForError(revocation.consent_id), it->second));
  }
  if (!inserted) it->second = revocation.effective_at;
  revocations_.push_back(std::move(revocation));
  return Status::OK();
}

Status ConsentRegistry::AddTakedown(Takedown notice) {
  MARQUEE_ASSIGN_OR_RETURN(Takedown stored, IngestTakedown(std::move(notice), rules_));
  if (takedown_index_.count(stored.takedown_id) != 0) {
    return Status::InvalidField("takedown_id", fmt::format("takedown_id: {} was already received",
                                                           QuoteForError(stored.takedown_id)));
  }
  if (FindPerformer(stored.performer_id) == nullptr) {
    return Status::NotFound(fmt::format("performer_id: unknown performer {}", QuoteForError(stored.performer_id)))
        .WithField("performer_id");
  }
  const size_t index = takedowns_.size();
  takedown_index_[stored.takedown_id] = index;
  takedowns_by_material_[stored.material].push_back(index);
  takedowns_.push_back(std::move(stored));
  return Status::OK();
}

Status ConsentRegistry::AddRestoration(Restoration restoration) {
  auto it = takedown_index_.find(restoration.takedown_id);
  if (it == takedown_index_.end()) {
    return Status::InvalidField("takedown_id", fmt::format("takedown_id: no takedown {} to restore",
                                                           QuoteForError(restoration.takedown_id)));
  }
  if (restored_at_.count(restoration.takedown_id) != 0) {
    return Status::InvalidField("takedown_id", fmt::format("takedown_id: {} is already restored",
                                                           QuoteForError(restoration.takedown_id)));
  }
  const int64_t not_before = *takedowns_[it->second].restore_not_before;
  if (restoration.restored_at < not_before) {
    return Status::InvalidField("restored_at", fmt::format("restored_at: takedown {} may be restored no sooner "
                                                           "than {}, found {}",
                                                           QuoteForError(restoration.takedown_id), not_before,
                                                           restoration.restored_at));
  }
  restored_at_[restoration.takedown_id] = restoration.restored_at;
  restorations_.push_back(std::move(restoration));
  return Status::OK();
}

IneligibleReason ConsentRegistry::Evaluate(const ConsentRecord& c, const LikenessUse& use,
                                           const PerformerFacts& facts) const {
  const int64_t t = use.time;
  // 2. Title.
  const bool own_photography = use.source_title_id.empty() || use.source_title_id == use.title_id;
  const bool title_named = Contains(c.titles, use.title_id);
  const bool wildcard = Contains(c.titles, std::string(kWildcard));
  if (!title_named && !(wildcard && own_photography)) return IneligibleReason::kTitleNotCovered;
  // 3, 4, 5.
  if (!Contains(c.uses, use.use)) return IneligibleReason::kUseNotCovered;
  if (!Contains(c.replica_kinds, use.replica_kind)) return IneligibleReason::kReplicaKindNotCovered;
  if (!Contains(c.territories, use.territory) && !Contains(c.territories, std::string(kWildcard))) {
    return IneligibleReason::kTerritoryNotCovered;
  }
  // 6. Time, and the version in force.
  if (t < c.valid_from) return IneligibleReason::kNotYetValid;
  if (t >= c.valid_until) return IneligibleReason::kExpired;
  for (size_t index : versions_by_id_.at(c.consent_id)) {
    const ConsentRecord& other = consents_[index];
    if (other.version > c.version && other.valid_from <= t) return IneligibleReason::kSuperseded;
  }
  // 7. Revocation.
  if (auto it = revoked_from_.find(c.consent_id); it != revoked_from_.end() && it->second <= t) {
    return IneligibleReason::kRevoked;
  }
  // 8. Death.
  if (facts.death_date && *facts.death_date * kSecondsPerDay <= t) {
    const bool by_representative = c.grantor == GrantorKind::kAuthorisedRepresentative &&
                                   !facts.representative.empty() && c.grantor_name == facts.representative;
    if (!c.survives_death && !by_representative) return IneligibleReason::kDeceased;
  }
  return IneligibleReason::kNone;
}

Eligibility ConsentRegistry::Check(const LikenessUse& use) const {
  Eligibility result;
  // 1. Takedowns of this image.
  if (auto it = takedowns_by_material_.find(use.artwork_id); it != takedowns_by_material_.end()) {
    for (size_t index : it->second) {
      const Takedown& notice = takedowns_[index];
      if (notice.received_at > use.time) continue;
      auto restored = restored_at_.find(notice.takedown_id);
      if (restored != restored_at_.end() && restored->second <= use.time) continue;
      result.reason = IneligibleReason::kTakenDown;
      result.performer_id = notice.performer_id;
      result.record_id = notice.takedown_id;
      return result;
    }
  }
  // 2..8 per recognizable performer.
  std::set<std::string_view> seen;
  for (const DepictedPerson& person : use.depicted) {
    if (!person.recognizable || !seen.insert(person.performer_id).second) continue;
    const PerformerFacts* facts = FindPerformer(person.performer_id);
    auto fail = [&](IneligibleReason reason, std::string record_id) {
      result.relied_on.clear();
      result.reason = reason;
      result.performer_id = person.performer_id;
      result.record_id = std::move(record_id);
      return result;
    };
    if (facts == nullptr) return fail(IneligibleReason::kUnknownPerformer, "");
    auto consents = consents_by_performer_.find(person.performer_id);
    if (consents == consents_by_performer_.end()) return fail(IneligibleReason::kNoConsent, "");
    const ConsentRecord* relied = nullptr;
    IneligibleReason best = IneligibleReason::kNone;
    const ConsentRecord* best_consent = nullptr;
    for (size_t index : consents->second) {
      const ConsentRecord& c = consents_[index];
      const IneligibleReason reason = Evaluate(c, use, *facts);
      if (reason == IneligibleReason::kNone) {
        relied = &c;
        break;
      }
      if (best_consent == nullptr || Stage(reason) > Stage(best)) {
        best = reason;
        best_consent = &c;
      }
    }
    if (relied == nullptr) return fail(best, best_consent->consent_id);
    result.relied_on.push_back({person.performer_id, relied->consent_id, relied->version});
  }
  result.eligible = true;
  return result;
}

}  // namespace marquee
