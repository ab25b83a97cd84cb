#include "marquee/consent/ai_disclosure.h"

namespace marquee {

namespace {

// 2026-08-02T00:00:00Z, when Art. 50 of the EU AI Act applies.
constexpr int64_t kEuArticle50From = 1785628800;

bool TerritoryCovered(const std::vector<std::string>& territories, std::string_view territory) {
  for (const std::string& t : territories) {
    if (t == "*" || t == territory) return true;
    // "US" covers "US-NY": a subdivision is inside its country.
    if (territory.size() > t.size() && territory.substr(0, t.size()) == t && territory[t.size()] == '-') return true;
  }
  return false;
}

bool UseCovered(const std::vector<std::string>& uses, std::string_view use) {
  if (uses.empty()) return true;
  for (const std::string& u : uses) {
    if (u == use) return true;
  }
  return false;
}

bool Triggered(DisclosureTrigger trigger, const DisclosureQuery& q) {
  switch (trigger) {
    case DisclosureTrigger::kAiDepictingRealPerson:
      return IsAiMade(q.source, q.replica_kind) && q.depicts_recognizable_person;
    case DisclosureTrigger::kSyntheticPerformer:
      return q.replica_kind == ReplicaKind::kSyntheticPerformer;
  }
  return false;
}

}  // namespace

bool IsAiMade(DigitalSourceType source, ReplicaKind replica_kind) {
  switch (source) {
    case DigitalSourceType::kTrainedAlgorithmicMedia:
    case DigitalSourceType::kCompositeWithTrainedAlgorithmicMedia:
    case DigitalSourceType::kAlgorithmicMedia:
    case DigitalSourceType::kCompositeSynthetic:
      return true;
    default:
      break;
  }
  return replica_kind != ReplicaKind::kNone && replica_kind != ReplicaKind::kCustomaryAlteration;
}

std::vector<DisclosureRule> DefaultDisclosureRules() {
  DisclosureRule eu;
  eu.basis = "EU AI Act Art. 50(4)";
  eu.text = "This image was generated or altered with AI.";
  eu.trigger = DisclosureTrigger::kAiDepictingRealPerson;
  eu.territories = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
                    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"};
  eu.effective_from = kEuArticle50From;
  DisclosureRule ny;
  ny.basis = "New York GBL \u00a7396-b";
  ny.text = "This advertisement features a synthetic performer.";
  ny.trigger = DisclosureTrigger::kSyntheticPerformer;
  ny.territories = {"US-NY"};
  ny.uses = {"artwork.promotional"};
  return {eu, ny};
}

AiDisclosure DisclosureFor(const DisclosureQuery& query, const std::vector<DisclosureRule>& rules) {
  AiDisclosure out;
  for (const DisclosureRule& rule : rules) {
    if (query.time < rule.effective_from || !TerritoryCovered(rule.territories, query.territory) ||
        !UseCovered(rule.uses, query.use) || !Triggered(rule.trigger, query)) {
      continue;
    }
    if (!out.required) out.text = rule.text;
    out.basis += (out.required ? "; " : "") + rule.basis;
    out.required = true;
  }
  return out;
}

}  // namespace marquee
