// The eligibility gate (issue 11 §3): may this image of these people be shown
// here, now, for this purpose? ConsentRegistry holds the consent records and
// answers that question; the serving gate, the ledger and the simulator all
// ask it, so this header is the one statement of the rule.
//
// THE RULE. Check(use) is eligible if and only if:
//   1. No takedown of use.artwork_id is in force at use.time: a takedown is in
//      force from received_at (inclusive) until a restoration's restored_at
//      (inclusive, so restored at t means shown at t). Reason kTakenDown.
//   2..7 hold for EVERY depicted performer marked recognizable; performers
//      who are not recognizable need nothing. For each such performer P there
//      must be one consent C of P (some version of some consent_id) with:
//   2. Title: C names use.title_id. "*" covers the title only when the image
//      comes from the title's own photography (source_title_id empty or equal
//      to title_id): a variant reused from another title's photography needs
//      a consent naming the target title. Reason kTitleNotCovered.
//   3. Use: use.use is in C.uses. Reason kUseNotCovered.
//   4. Replica kind: use.replica_kind is in C.replica_kinds (no kind implies
//      another). Reason kReplicaKindNotCovered.
//   5. Territory: use.territory is in C.territories, or C's is "*".
//      Reason kTerritoryNotCovered.
//   6. Time: valid_from <= t < valid_until (kNotYetValid, kExpired), and no
//      later version of the same consent_id has valid_from <= t (a new
//      version replaces the old from its own start; kSuperseded).
//   7. Not revoked: no revocation of C's consent_id with effective_at <= t.
//      Reason kRevoked.
//   8. Death: if P died by t (the death day's 00:00 UTC <= t), C survives
//      death, or C was granted by P's authorised representative (grantor
//      authorised_representative and grantor_name equal to the
//      representative in P's PerformerFacts; none known means none
//      qualifies). Reason kDeceased.
//   A recognizable performer missing from the facts is never covered
//   (kUnknownPerformer): whether they have died cannot be told. One with no
//   consent record at all gets kNoConsent.
//
// When a performer has no qualifying consent the reason is that of the consent
// that came furthest through checks 2..8 in that order (the first such consent
// in the order added), so that a log says "revoked" rather than "title not
// covered" when a consent for the title existed. The first performer (in
// `depicted` order) without one is reported. When eligible, `relied_on`
// names, per distinct recognizable performer, the first qualifying consent in
// the order added.
//
// Thread contract: thread-compatible. Const methods (Check, lookups) may run
// concurrently with each other; Add* and SetPerformer need exclusive access.
// The serving process publishes a new registry (or guards this one) on writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "marquee/consent/consent_record.h"
#include "marquee/util/status.h"

namespace marquee {

// What the gate needs to know about a performer. The catalog holds more;
// the glue copies these out of it.
struct PerformerFacts {
  int64_t birth_date = 0;             // civil day (days since 1970-01-01)
  std::optional<int64_t> death_date;  // civil day; absent while alive
  std::string representative;         // authorised representative's name; empty when none is known
};

// One person an image shows, by external id (the catalog's DepictedPerformer holds a dense index).
struct DepictedPerson {
  std::string performer_id;
  bool recognizable = true;
};

// One intended showing of one image.
struct LikenessUse {
  std::string artwork_id;       // the variant (what takedowns name)
  std::string title_id;         // the title it is shown for
  std::string source_title_id;  // whose photography it was made from; empty = title_id
  std::string use;              // from KnownUses(): "artwork.personalized", ...
  ReplicaKind replica_kind = ReplicaKind::kNone;
  std::string territory;        // ISO 3166-1 alpha-2, as the request's
  int64_t time = 0;             // unix seconds
  std::vector<DepictedPerson> depicted;
};

// Why an image is ineligible, for logs and metrics; stable names below.
enum class IneligibleReason {
  kNone,                   // eligible
  kTakenDown,              // rule 1
  kUnknownPerformer,       // no PerformerFacts
  kNoConsent,              // not a single consent record
  kTitleNotCovered,        // rule 2
  kUseNotCovered,          // rule 3
  kReplicaKindNotCovered,  // rule 4
  kTerritoryNotCovered,    // rule 5
  kNotYetValid,            // rule 6: t < valid_from
  kExpired,                // rule 6: t >= valid_until
  kSuperseded,             // rule 6: a later version has started
  kRevoked,                // rule 7
  kDeceased,               // rule 8
};

// "taken_down", "no_consent", "title_not_covered", ...; "eligible" for kNone.
std::string_view IneligibleReasonName(IneligibleReason reason);

struct ReliedConsent {
  std::string performer_id;
  std::string consent_id;
  int32_t version = 1;
  friend bool operator==(const ReliedConsent&, const ReliedConsent&) = default;
};

struct Eligibility {
  bool eligible = false;
  IneligibleReason reason = IneligibleReason::kNone;
  std::string performer_id;  // whose consent is missing, or who filed the takedown; empty when eligible
  std::string record_id;     // the consent_id the reason concerns, or the takedown_id; may be empty
  std::vector<ReliedConsent> relied_on;  // when eligible: one per recognizable performer, in depicted order
};

class ConsentRegistry {
 public:
  explicit ConsentRegistry(std::unordered_map<std::string, PerformerFacts> performers = {},
                           IngestRules rules = {});

  // Adds or replaces a performer's facts (a death is learned later). Consents
  // already accepted stay accepted; Check reads the facts as they are now.
  void SetPerformer(const std::string& performer_id, PerformerFacts facts);
  const PerformerFacts* FindPerformer(std::string_view performer_id) const;
  const std::unordered_map<std::string, PerformerFacts>& performers() const { return performers_; }

  // Appends a record after checking it. Errors (nothing is added):
  //   consents: NotFound naming "performer_id" for an unknown performer;
  //     ValidateConsent's refusals; InvalidField "version" for a
  //     (consent_id, version) already present or not above the latest one;
  //     InvalidField "performer_id" for a version naming another performer.
  //   revocations: InvalidField "consent_id" for an unknown consent, or one
  //     already revoked from the same time or earlier.
  //   takedowns: IngestTakedown's refusals; InvalidField "takedown_id" for a
  //     duplicate id; NotFound "performer_id" for an unknown performer.
  //   restorations: InvalidField "takedown_id" for an unknown or already
  //     restored takedown; "restored_at" before restore_not_before.
  Status Add(ConsentEntry entry);
  Status AddConsent(ConsentRecord consent);
  Status AddRevocation(Revocation revocation);
  Status AddTakedown(Takedown notice);
  Status AddRestoration(Restoration restoration);
  // InvalidField "death_date" for a death before the birth; otherwise the
  // performer's facts become the record's (SetPerformer).
  Status AddPerformer(PerformerRecord record);

  // The rule at the top of this file.
  Eligibility Check(const LikenessUse& use) const;

  // Everything accepted, in the order added.
  const std::vector<ConsentRecord>& consents() const { return consents_; }
  const std::vector<Revocation>& revocations() const { return revocations_; }
  const std::vector<Takedown>& takedowns() const { return takedowns_; }
  const std::vector<Restoration>& restorations() const { return restorations_; }
  const IngestRules& rules() const { return rules_; }

 private:
  // How far consent `c` gets through checks 2..8 for `use` and performer
  // facts `facts`: kNone when it qualifies, else the first failing reason.
  IneligibleReason Evaluate(const ConsentRecord& c, const LikenessUse& use, const PerformerFacts& facts) const;

  std::unordered_map<std::string, PerformerFacts> performers_;
  IngestRules rules_;
  std::vector<ConsentRecord> consents_;
  std::vector<Revocation> revocations_;
  std::vector<Takedown> takedowns_;
  std::vector<Restoration> restorations_;
  // Indices into the vectors above.
  std::unordered_map<std::string, std::vector<size_t>> consents_by_performer_;
  std::unordered_map<std::string, std::vector<size_t>> versions_by_id_;  // ascending version
  std::unordered_map<std::string, int64_t> revoked_from_;                // earliest effective_at
  std::unordered_map<std::string, std::vector<size_t>> takedowns_by_material_;
  std::unordered_map<std::string, size_t> takedown_index_;
  std::unordered_map<std::string, int64_t> restored_at_;                 // by takedown_id
};

}  // namespace marquee
