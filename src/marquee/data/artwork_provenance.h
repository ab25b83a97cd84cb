// Where an artwork variant's image came from and whom it shows: the IPTC
// digital source type, the kind of digital replica (if any), the performers
// depicted and how recognizably, the title whose photography it reuses, and
// an optional content-credentials (C2PA) manifest hash.
//
// A variant whose digital source type is unset is *quarantined*: stored, and
// never to be served until its provenance is declared.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "marquee/data/performers.h"

namespace marquee {

// The IPTC NewsCodes "Digital Source Type" vocabulary
// (http://cv.iptc.org/newscodes/digitalsourcetype/), by its code names.
// kUnset is not a code: the variant's provenance is unknown (quarantined).
// digitalCreation is the current name of what older metadata calls digitalArt;
// both are accepted and kept as written.
enum class DigitalSourceType : uint8_t {
  kUnset = 0,
  kDigitalCapture,
  kComputationalCapture,
  kNegativeFilm,
  kPositiveFilm,
  kPrint,
  kHumanEdits,
  kCompositeCapture,
  kAlgorithmicallyEnhanced,
  kDataDrivenMedia,
  kDigitalArt,
  kDigitalCreation,
  kVirtualRecording,
  kCompositeSynthetic,
  kTrainedAlgorithmicMedia,
  kCompositeWithTrainedAlgorithmicMedia,
  kAlgorithmicMedia,
  kScreenCapture,
};
inline constexpr uint8_t kDigitalSourceTypeCount = 18;  // kUnset included

// The IPTC code ("digitalCapture", ...); "" for kUnset.
std::string_view DigitalSourceTypeCode(DigitalSourceType type);
// The inverse of DigitalSourceTypeCode (exact, case-sensitive); nullopt for
// anything else, "" included.
std::optional<DigitalSourceType> ParseDigitalSourceType(std::string_view code);
// Whether the image was made, wholly or in part, by a model trained on
// sampled content: trainedAlgorithmicMedia, compositeWithTrainedAlgorithmicMedia.
bool IsTrainedAlgorithmic(DigitalSourceType type);
// Every code, comma-separated, for messages and docs.
std::string_view DigitalSourceTypeCodeList();

// How a performer's likeness in the image relates to what they performed,
// in the terms of the 2023 SAG-AFTRA TV/Theatrical agreement.
enum class ReplicaKind : uint8_t {
  kNone = 0,                             // photography of the performance as it was
  kCustomaryAlteration,                  // retouching, colour, cropping
  kMaterialAlteration,                   // changes what the performer appears to do or say
  kEmploymentBasedDigitalReplica,        // made with the performer's participation on the production
  kIndependentlyCreatedDigitalReplica,   // made from existing material without their participation
  kSyntheticPerformer,                   // a generated person who is no identifiable performer
};
inline constexpr uint8_t kReplicaKindCount = 6;

// "none", "customary_alteration", "material_alteration",
// "employment_based_digital_replica", "independently_created_digital_replica",
// "synthetic_performer".
std::string_view ReplicaKindName(ReplicaKind kind);
std::optional<ReplicaKind> ParseReplicaKind(std::string_view name);
std::string_view ReplicaKindNameList();

// One person an image shows.
struct DepictedPerformer {
  uint32_t performer = 0;        // index into Catalog::performers()
  bool recognizable = true;      // identifiable by a viewer (a face, a signature look)
  CastRole prominence = CastRole::kLead;
  friend bool operator==(const DepictedPerformer&, const DepictedPerformer&) = default;
};

// Artwork::source_title when the image comes from the title's own photography.
inline constexpr uint32_t kOwnTitle = UINT32_MAX;

}  // namespace marquee
