// Internal to the synthetic generator: the stages GenerateService runs, in
// order, and the seed streams they draw from. Not part of the public
// interface (include synthetic.h instead).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/synthetic/ground_truth.h"
#include "marquee/synthetic/synthetic.h"
#include "marquee/util/progress.h"
#include "marquee/util/random.h"

namespace marquee::synthetic {

// Each stage draws from its own stream, and within it one generator per
// member / title / performer (DeriveSeed(stream, index)), so that no stage's
// draws depend on another's count or on the thread schedule.
enum class Stream : uint64_t {
  kCatalog = 1,  // the popularity ranking (one sequential generator)
  kPerformers,
  kTitles,
  kKinds,        // per-kind style preferences
  kAppeal,
  kMembers,
  kPlays,
  kPerformerFacts,  // birth and death dates, unions, representatives
  kTitleFacts,      // runtimes, release dates, episodes, credits, artwork provenance
  kHonesty,         // qualifying probabilities and misleading variants
};
inline uint64_t StreamSeed(uint64_t seed, Stream stream) {
  return DeriveSeed(seed, 0x53594e5448000000ULL + static_cast<uint64_t>(stream));
}

// Genre weights: how common each named genre is among titles and tastes.
double GenreBaseWeight(uint32_t genre);
// "Sci-Fi" -> "sci-fi", for artwork mood tags.
std::string GenreSlug(const std::string& name);

// Catalog stage: dataset.titles, dataset.catalog (genres, performers, titles,
// artwork) and the title and artwork parts of the truth.
void GenerateCatalog(const SyntheticConfig& config, const ProgressCallback& progress,
                     Dataset& dataset, GroundTruth& truth);

// Member stage: dataset.members and the member part of the truth. Returns
// each member's join time (plays fall between it and the period's end).
std::vector<int64_t> GenerateMembers(const SyntheticConfig& config,
                                     const ProgressCallback& progress, Dataset& dataset,
                                     GroundTruth& truth);

// Splits `total` into one count per member, proportional to activity, each
// in [1, cap], summing exactly to total (largest remainders, ties to the lower
// index). Requires activity.size() <= total <= activity.size() * cap.
std::vector<uint32_t> AllocatePlays(const std::vector<float>& activity, uint64_t total,
                                    uint32_t cap);

// Play stage: dataset.interactions (CSR, rows sorted, repeats merged by sum)
// and truth.member_plays.
void SamplePlays(const SyntheticConfig& config, GroundTruth& truth,
                 const std::vector<int64_t>& join_times, const ProgressCallback& progress,
                 Dataset& dataset);

}  // namespace marquee::synthetic
