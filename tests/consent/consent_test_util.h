// Records the consent tests start from: each valid on its own, so a test
// changes one field and sees that one field's effect.
#pragma once

#include <cstdint>

#include "marquee/consent/consent_record.h"
#include "marquee/util/civil_time.h"

namespace marquee::test {

constexpr int64_t kDay = 86400;
constexpr int64_t kT0 = 1704067200;  // 2024-01-01T00:00:00Z

inline int64_t AdultBirthDate() { return DaysFromCivil(1980, 5, 17); }

// An adult's consent to personalized artwork for title t1, photographs and
// customary retouching, in the US and GB, for one year from kT0.
inline ConsentRecord ValidConsent() {
  ConsentRecord c;
  c.consent_id = "c1";
  c.performer_id = "p1";
  c.grantor = GrantorKind::kSelf;
  c.agreement = "SAG-AFTRA TV/Theatrical 2023";
  c.titles = {"t1"};
  c.uses = {"artwork.personalized"};
  c.replica_kinds = {ReplicaKind::kNone, ReplicaKind::kCustomaryAlteration};
  c.territories = {"US", "GB"};
  c.valid_from = kT0;
  c.valid_until = kT0 + 365 * kDay;
  c.intended_use_description =
      "Unit photography stills from season one, retouched, shown as personalized artwork for the title";
  c.compensation.flat_fee_micros = 500'000'000;
  c.compensation.rate_per_1000_qualifying_micros = 4'000'000;
  return c;
}

}  // namespace marquee::test
