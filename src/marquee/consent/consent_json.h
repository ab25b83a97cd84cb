// The JSON codec of consent entries: one object a record, one record a line
// of a consent file (what `marquee consent import` and the admin routes
// will read). The member names are the C++ names (consent_record.h):
//
//   {"type": "consent", "consent_id": ID, "version": 1, "performer_id": ID,
//    "grantor": "self"|"authorised_representative"|"union"|"court_approved_guardian",
//    "grantor_name": "...", "agreement": "SAG-AFTRA TV/Theatrical 2023",
//    "titles": [ID, ...], "uses": ["artwork.personalized", ...],
//    "replica_kinds": ["none", ...], "territories": ["US", ...],
//    "valid_from": SECONDS, "valid_until": SECONDS,
//    "intended_use_description": "...", "separately_signed": false,
//    "evidence_hash": "...", "survives_death": false,
//    "compensation": {"flat_fee_micros": N, "rate_per_1000_qualifying_micros": N,
//                     "bonus_participation": false},
//    "do_not_train": true}
//   {"type": "revocation", "consent_id": ID, "effective_at": SECONDS, "reason": "..."}
//   {"type": "takedown", "takedown_id": ID, "performer_id": ID, "material": ARTWORK_ID,
//    "contact": "...", "received_at": SECONDS, "restore_not_before": SECONDS}
//   {"type": "restoration", "takedown_id": ID, "restored_at": SECONDS, "note": "..."}
//   {"type": "performer", "performer_id": ID, "name": "...", "birth_date": "YYYY-MM-DD",
//    "death_date": "YYYY-MM-DD", "representative": "..."}   (death_date, name, representative optional)
//
// Required in a consent: consent_id, performer_id, grantor, agreement, titles,
// uses, replica_kinds, territories, valid_from, valid_until,
// intended_use_description; the rest default as in consent_record.h. Ids may
// be strings or integers. Times are integers in [0, 253402300799]. Unknown
// fields, wrong types and unknown enum names are errors; what a record means
// (vocabularies, durations, minors) is checked when the registry takes it
// (ValidateConsent), not here.
#pragma once

#include <string>
#include <string_view>

#include "marquee/consent/consent_record.h"
#include "marquee/util/status.h"

namespace marquee {

// One entry. Errors: ParseError naming field "body" for text that is not
// JSON; otherwise InvalidField("field", "field: expected ..., found ...").
Result<ConsentEntry> ParseConsentEntryJson(std::string_view text);

// One entry as a compact JSON object, the inverse of ParseConsentEntryJson
// (every field written, so a file says exactly what was accepted).
std::string ConsentEntryToJson(const ConsentEntry& entry);

}  // namespace marquee
