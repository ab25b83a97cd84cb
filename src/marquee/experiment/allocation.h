// Allocation: which experiments and cells shape a member's answer.
//
// Deterministic and stateless (bucket.h): nothing is stored per member.
//   layer bucket  = Bucket(member_id, "layer:" + layer)       in [0, kBuckets)
//   in experiment E of the layer  <=>  E.range_begin <= layer bucket < E.range_end
//                                      and E is running at the request's time
//                                      and the member matches E's targeting
//   cell          = the first cell c with Bucket(member_id, "experiment:" + E.name)
//                   < kBuckets x (share of cells 0..c)   (A/B; interleaving has none)
// Experiments of one layer own disjoint bucket ranges, so they never share a
// member; layers hash with different salts, so they are independent. The
// cell hash is salted by the experiment, so which range an experiment got
// does not bias its cells. A range is fixed when the experiment is placed
// and kept when others start or stop, so nobody changes cell mid-test.
//
// Thread safety: pure functions over immutable inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "marquee/experiment/experiment_spec.h"
#include "marquee/util/status.h"

namespace marquee::experiment {

// An experiment with the range of its layer's buckets it owns.
struct PlacedExperiment {
  ExperimentSpec spec;
  uint32_t range_begin = 0, range_end = 0;  // [begin, end) of the layer's buckets
  int64_t stopped_at = 0;                   // epoch seconds; 0 = not stopped (runs until spec.end)
  // When it stops: the earlier of spec.end and stopped_at.
  int64_t Ends() const { return stopped_at > 0 && stopped_at < spec.end ? stopped_at : spec.end; }
  bool RunningAt(int64_t now) const { return spec.start <= now && now < Ends(); }
  friend bool operator==(const PlacedExperiment&, const PlacedExperiment&) = default;
};

// What an experiment changes, as bits: ranking (a cell's model or
// retrieval, and every interleaving experiment), the artwork policy, the
// page configuration; 0 for an A/A test (no cell changes anything), which
// therefore never conflicts. Each parameter belongs to one layer (Tang et al.,
// KDD 2010, §4: a layer owns its parameters): a member in two layers'
// experiments that changed the same one would be shaped by both at once.
enum ExperimentParameter : uint8_t {
  kRankingParameter = 1,
  kArtworkParameter = 2,
  kPageParameter = 4,
  kAllParameters = 7,
};
uint8_t ParametersOf(const ExperimentSpec& spec);

// Gives `spec` the lowest free range of round(traffic x kBuckets) buckets in
// its layer, among the experiments of `existing` in the same layer whose
// dates overlap it (stopped ones keep their range until they stop).
// InvalidArgument naming the field: `name` already used; `layer` when an
// experiment of another layer at overlapping dates changes a parameter
// `spec` changes; `traffic` when the layer's free buckets at those dates are
// fewer than it needs (the message lists the experiments holding them).
Result<PlacedExperiment> PlaceExperiment(const ExperimentSpec& spec, std::span<const PlacedExperiment> existing);

// The member and request, as targeting reads them.
struct AllocationRequest {
  std::string_view member_id;
  int64_t now = 0;              // epoch seconds
  std::string_view region;      // "" = unknown: matches experiments without regions only
  bool known_member = true;     // the served dataset knows them (targeting "existing")
};

struct Assignment {
  const PlacedExperiment* experiment = nullptr;
  uint32_t cell = 0;  // index into experiment->spec.cells; 0 for interleaving
};

// At most one assignment a layer, in the order of `experiments`.
std::vector<Assignment> Assign(std::span<const PlacedExperiment> experiments, const AllocationRequest& request);

// The cell of `member_id` in `spec` (A/B): the rule above.
uint32_t CellOf(const ExperimentSpec& spec, std::string_view member_id);
// The member's bucket in `layer`.
uint32_t LayerBucket(std::string_view layer, std::string_view member_id);

}  // namespace marquee::experiment
