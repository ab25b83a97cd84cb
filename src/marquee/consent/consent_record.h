// Performers' consent records and takedowns (issue 11 §2), and the rules a
// record must pass before it is accepted (ValidateConsent, IngestTakedown).
//
// Every record is immutable once accepted. Nothing is ever edited: a change
// of terms is a new version of the consent, an early end is a Revocation, a
// performer's objection to one image is a Takedown, and lifting it is a
// Restoration. Expiry needs no record: it is the consent's valid_until.
//
// Times are unix seconds (UTC). Dates of birth and death are civil days since
// 1970-01-01 (util/civil_time.h), because that is what a date of birth is.
//
// The C++ member names are the JSON names (consent_json.h), so an error that
// names "titles" or "uses[1]" reads the same from the library and the wire.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "marquee/data/artwork_provenance.h"
#include "marquee/util/status.h"

namespace marquee {

// Who signed for the performer.
enum class GrantorKind {
  kSelf,                      // "self": the performer
  kAuthorisedRepresentative,  // "authorised_representative": agent, estate executor
  kUnion,                     // "union": a collective agreement
  kCourtApprovedGuardian,     // "court_approved_guardian": the only grantor a minor may have
};

std::string_view GrantorKindName(GrantorKind kind);
// The wire names above; InvalidArgument listing them for anything else.
Result<GrantorKind> ParseGrantorKind(std::string_view name);

// Everything past customary alteration (ReplicaKind is the catalog's,
// data/artwork_provenance.h): such a consent must name its titles.
bool IsDigitalReplica(ReplicaKind kind);

// The uses a consent may grant (the `uses` vocabulary). A new surface is a new
// entry here, never a free-form string, so that "covers that use" is exact.
//   artwork.personalized  a variant the artwork policy chooses per member
//   artwork.key_art       the title's default artwork, shown to everyone
//   artwork.preview       in-product motion previews
//   artwork.promotional   advertising outside the product
bool IsKnownUse(std::string_view use);
const std::vector<std::string_view>& KnownUses();

// "*" in `titles` or `territories`. A title wildcard is allowed only for a
// consent without digital replicas, and covers a title only for images made
// from that title's own photography (see eligibility.h, rule 2).
inline constexpr std::string_view kWildcard = "*";

struct Compensation {
  int64_t flat_fee_micros = 0;                   // once per consent, micro-currency units
  int64_t rate_per_1000_qualifying_micros = 0;   // per 1,000 qualifying impressions
  bool bonus_participation = false;              // shares in the streaming success bonus
  friend bool operator==(const Compensation&, const Compensation&) = default;
};

struct ConsentRecord {
  std::string consent_id;
  // Versions of one consent_id start at 1 and only grow; a later version
  // replaces the earlier ones from its own valid_from (eligibility.h, rule 5).
  int32_t version = 1;
  std::string performer_id;
  GrantorKind grantor = GrantorKind::kSelf;
  std::string grantor_name;              // required unless grantor is self
  std::string agreement;                 // "SAG-AFTRA TV/Theatrical 2023", or "none"; never empty
  std::vector<std::string> titles;       // title ids, or {"*"} (not for digital replicas)
  std::vector<std::string> uses;         // from KnownUses()
  std::vector<ReplicaKind> replica_kinds;
  std::vector<std::string> territories;  // ISO 3166-1 alpha-2 ("US", "GB"), or {"*"} for worldwide
  int64_t valid_from = 0;                // inclusive
  int64_t valid_until = 0;               // exclusive; required: no consent is perpetual
  std::string intended_use_description;  // specific; see IngestRules::min_description_words
  bool separately_signed = false;        // signed apart from the employment contract
  std::string evidence_hash;             // required when separately_signed
  bool survives_death = false;
  Compensation compensation;
  bool do_not_train = true;              // the images may not train generative models
  friend bool operator==(const ConsentRecord&, const ConsentRecord&) = default;
};

// Ends every version of a consent from effective_at on. Final: renewed
// consent is a new consent_id.
struct Revocation {
  std::string consent_id;
  int64_t effective_at = 0;
  std::string reason;  // free text, may be empty
  friend bool operator==(const Revocation&, const Revocation&) = default;
};

// A performer's notice against one image: it is not shown from received_at
// until a Restoration, which may come no sooner than restore_not_before.
struct Takedown {
  std::string takedown_id;
  std::string performer_id;
  std::string material;  // the artwork (variant) id
  std::string contact;   // how to reach whoever sent the notice
  int64_t received_at = 0;
  // received_at + IngestRules::takedown_restore_days; IngestTakedown fills it
  // in when absent and refuses an earlier one.
  std::optional<int64_t> restore_not_before;
  friend bool operator==(const Takedown&, const Takedown&) = default;
};

struct Restoration {
  std::string takedown_id;
  int64_t restored_at = 0;
  std::string note;  // free text, may be empty
  friend bool operator==(const Restoration&, const Restoration&) = default;
};

// A performer's facts declared after the catalog, or corrected (a death
// learned later, a new authorised representative): POST /v1/performers. The
// newest record of a performer replaces the facts the registry had for them
// (the catalog's, or an earlier record's); consents already accepted stay.
struct PerformerRecord {
  std::string performer_id;
  std::string name;                   // may be empty
  int64_t birth_date = 0;             // civil day (days since 1970-01-01); required
  std::optional<int64_t> death_date;  // civil day; absent while alive
  std::string representative;         // authorised representative; empty when none
  friend bool operator==(const PerformerRecord&, const PerformerRecord&) = default;
};

// One line of a consent file: what the JSON codec reads and the registry takes.
// (Append new kinds at the end: callers count entries by index.)
using ConsentEntry = std::variant<ConsentRecord, Revocation, Takedown, Restoration, PerformerRecord>;

// The limits ingest enforces. Defaults are written here and nowhere else.
struct IngestRules {
  // The longest a consent may run (valid_until - valid_from), in calendar
  // years. 10 for adults and 5 for minors follow the proposed NO FAKES Act
  // (proposed law, not yet enacted); a service may configure stricter ones.
  int max_adult_years = 10;
  int max_minor_years = 5;
  // How long a takedown stands before the image may be restored (days),
  // whatever the restoration says: time for the performer to be heard.
  int takedown_restore_days = 14;
  // A description with fewer words than this is "generic": "Key art." says
  // nothing about what a likeness will be used for.
  int min_description_words = 6;
};

// Lower-case phrases that make a description generic wherever they appear:
// the blanket-grant boilerplate the strike was about ("in perpetuity", "any
// and all uses", "now known or hereafter devised", ...).
const std::vector<std::string_view>& GenericDescriptionPhrases();

// OK, or why `description` is not a specific description of the intended use
// (empty, too short, or containing a generic phrase).
Status CheckDescription(std::string_view description, const IngestRules& rules);

// Whether `consent` may be accepted for a performer born on `birth_date`
// (civil day). Refuses with Status::InvalidField naming the field:
//   consent_id, performer_id, agreement: empty;  version: below 1;
//   grantor_name: empty for a grantor other than self;
//   titles: empty, an empty id, "*" with other ids, or "*" in a consent that
//     allows a digital replica (IsDigitalReplica);
//   uses / uses[i]: empty, or not in KnownUses();
//   replica_kinds: empty;
//   territories / territories[i]: empty, "*" with other codes, or not two
//     upper-case letters;
//   valid_until: not after valid_from; longer than the limit; for a minor,
//     past the 18th birthday;
//   grantor: a minor's consent not granted by a court-approved guardian;
//   intended_use_description: see CheckDescription;
//   evidence_hash: empty although separately_signed;
//   compensation.*: negative amounts.
// A performer is a minor when valid_from is before their 18th birthday (a
// 29 February birthday falls on 1 March in other years: the later date).
Status ValidateConsent(const ConsentRecord& consent, int64_t birth_date, const IngestRules& rules);

// The notice as it is stored: checked (takedown_id, performer_id, material,
// contact required) and with restore_not_before filled in; an explicit one
// earlier than received_at + takedown_restore_days is refused.
Result<Takedown> IngestTakedown(Takedown notice, const IngestRules& rules);

// Unix seconds `years` calendar years after `time`; 29 February goes to
// 28 February in a non-leap year (the earlier date, so limits never stretch).
int64_t AddCalendarYears(int64_t time, int years);

// The start (unix seconds, 00:00 UTC) of the day someone born on
// `birth_date` turns `years` old.
int64_t BirthdayStart(int64_t birth_date, int years);

}  // namespace marquee
