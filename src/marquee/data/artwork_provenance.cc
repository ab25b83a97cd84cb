#include "marquee/data/artwork_provenance.h"

#include <array>

namespace marquee {

namespace {
constexpr std::array<std::string_view, kDigitalSourceTypeCount> kCodes = {
    "",
    "digitalCapture",
    "computationalCapture",
    "negativeFilm",
    "positiveFilm",
    "print",
    "humanEdits",
    "compositeCapture",
    "algorithmicallyEnhanced",
    "dataDrivenMedia",
    "digitalArt",
    "digitalCreation",
    "virtualRecording",
    "compositeSynthetic",
    "trainedAlgorithmicMedia",
    "compositeWithTrainedAlgorithmicMedia",
    "algorithmicMedia",
    "screenCapture",
};
constexpr std::string_view kCodeList =
    "digitalCapture, computationalCapture, negativeFilm, positiveFilm, print, humanEdits, "
    "compositeCapture, algorithmicallyEnhanced, dataDrivenMedia, digitalArt, digitalCreation, "
    "virtualRecording, compositeSynthetic, trainedAlgorithmicMedia, "
    "compositeWithTrainedAlgorithmicMedia, algorithmicMedia, screenCapture";

constexpr std::array<std::string_view, kReplicaKindCount> kReplicaNames = {
    "none",
    "customary_alteration",
    "material_alteration",
    "employment_based_digital_replica",
    "independently_created_digital_replica",
    "synthetic_performer",
};
constexpr std::string_view kReplicaList =
    "none, customary_alteration, material_alteration, employment_based_digital_replica, "
    "independently_created_digital_replica, synthetic_performer";
}  // namespace

std::string_view DigitalSourceTypeCode(DigitalSourceType type) {
  return kCodes[static_cast<uint8_t>(type)];
}

std::optional<DigitalSourceType> ParseDigitalSourceType(std::string_view code) {
  for (uint8_t i = 1; i < kDigitalSourceTypeCount; ++i) {
    if (kCodes[i] == code) return static_cast<DigitalSourceType>(i);
  }
  return std::nullopt;
}

bool IsTrainedAlgorithmic(DigitalSourceType type) {
  return type == DigitalSourceType::kTrainedAlgorithmicMedia ||
         type == DigitalSourceType::kCompositeWithTrainedAlgorithmicMedia;
}

std::string_view DigitalSourceTypeCodeList() { return kCodeList; }

std::string_view ReplicaKindName(ReplicaKind kind) { return kReplicaNames[static_cast<uint8_t>(kind)]; }

std::optional<ReplicaKind> ParseReplicaKind(std::string_view name) {
  for (uint8_t i = 0; i < kReplicaKindCount; ++i) {
    if (kReplicaNames[i] == name) return static_cast<ReplicaKind>(i);
  }
  return std::nullopt;
}

std::string_view ReplicaKindNameList() { return kReplicaList; }

}  // namespace marquee
