// Consent records for a catalog, made up (issue 11): what the synthetic
// service's performers would have signed, with a realistic share of missing,
// expiring, expired and revoked consents and of takedowns, so that the demo
// and the tests exercise every branch of the eligibility gate.
//
// Every record returned is accepted by a ConsentRegistry built from
// PerformerFactsOf(dataset.catalog) with `options.rules`, when added in the
// order returned (consents and their revocations performer by performer, then
// takedowns, each followed by its restoration if any).
//
// Works on any dataset whose catalog fills Artwork::depicted; it reads the
// catalog only, so the consent library stays free of the generator.
#pragma once

#include <cstdint>
#include <vector>

#include "marquee/consent/consent_record.h"
#include "marquee/data/dataset.h"

namespace marquee {

struct SyntheticConsentOptions {
  // The same seed, dataset and options give the same records.
  uint64_t seed = 1;
  // The reference time (unix seconds) the shares below are measured at:
  // 2026-01-01T00:00:00Z, the synthetic service's period_end, so a demo's
  // "now" and its catalog's ages agree.
  int64_t now = 1767225600;

  // Share of recognizably depicted performers with no consent at all (the
  // gate's no_consent): nobody asked them, or they never signed.
  double missing_share = 0.08;
  // Share of (performer, title) consents that end near `now`: half within the
  // next expiring_window_days (still valid at `now`), half already expired.
  double expiring_share = 0.05;
  int expiring_window_days = 30;
  // Share of (performer, title) consents revoked before `now`.
  double revoked_share = 0.02;
  // Share of artwork variants showing someone recognizably that a depicted
  // performer has asked to take down before `now`; of those that have stood
  // their restore period, restored_share are restored again.
  double takedown_share = 0.005;
  double restored_share = 0.25;

  // Share of performers whose consents also cover material alteration and
  // employment-based digital replicas; of those, independent_replica_share
  // also cover independently created replicas. Everyone else's AI variants
  // are ineligible (replica_kind_not_covered), as they would be in practice.
  double ai_replica_share = 0.5;
  double independent_replica_share = 0.3;
  // Share of consents that also grant the title's key art.
  double key_art_share = 0.3;
  // Share of consents for every territory; the rest name two to five ISO
  // codes, including "US" in us_in_regional_share of them.
  double worldwide_share = 0.7;
  double us_in_regional_share = 0.75;
  // Share of deceased performers whose consent was signed in life and
  // survives death (when they died recently enough for one to still run);
  // the rest were granted by their estate after death.
  double survives_death_share = 0.7;

  // The limits the records are made to satisfy (a registry with stricter
  // rules may refuse some).
  IngestRules rules;
};

// The consent entries for `dataset` (see the top of this file).
std::vector<ConsentEntry> SyntheticConsents(const Dataset& dataset, const SyntheticConsentOptions& options);

}  // namespace marquee
