#include "marquee/experiment/allocation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "marquee/experiment/bucket.h"
#include "marquee/util/civil_time.h"

namespace marquee::experiment {

uint32_t LayerBucket(std::string_view layer, std::string_view member_id) {
  return Bucket(member_id, "layer:" + std::string(layer));
}

uint32_t CellOf(const ExperimentSpec& spec, std::string_view member_id) {
  const uint32_t bucket = Bucket(member_id, "experiment:" + spec.name);
  double upper = 0.0;
  for (uint32_t c = 0; c < spec.cells.size(); ++c) {
    upper += spec.cells[c].share;
    // Rounded bounds, so that shares like 0.1 + 0.2 + 0.7 cover every bucket.
    if (bucket < std::llround(upper * kBuckets)) return c;
  }
  return static_cast<uint32_t>(spec.cells.size() - 1);
}

uint8_t ParametersOf(const ExperimentSpec& spec) {
  uint8_t changed = spec.method == ExperimentMethod::kInterleaving ? kRankingParameter : 0;
  for (const CellSpec& c : spec.cells) {
    if (!c.model.empty() || !c.retrieval.empty()) changed |= kRankingParameter;
    if (!c.artwork_policy.empty()) changed |= kArtworkParameter;
    if (!c.page_config.empty()) changed |= kPageParameter;
  }
  return changed;
}

namespace {

// The header's rule: another layer's experiment at overlapping dates changes
// a parameter `spec` changes.
Status CheckParameterLayer(const ExperimentSpec& spec, const PlacedExperiment& other) {
  const uint8_t shared = ParametersOf(spec) & ParametersOf(other.spec);
  if (shared == 0 || other.spec.layer == spec.layer) return Status::OK();
  const char* what = (shared & kRankingParameter)   ? "ranking (model, retrieval or interleaving)"
                     : (shared & kArtworkParameter) ? "the artwork policy"
                                                    : "the page configuration";
  return Status::InvalidField(
      "layer", fmt::format("layer: experiment {} of layer {} changes {} until {}; an experiment that changes it too "
                           "must be in layer {} (a parameter belongs to one layer, so that no member is shaped by "
                           "two experiments at once)",
                           other.spec.name, other.spec.layer, what, FormatCivilDate(UnixDay(other.Ends())),
                           other.spec.layer));
}

}  // namespace

Result<PlacedExperiment> PlaceExperiment(const ExperimentSpec& spec, std::span<const PlacedExperiment> existing) {
  std::vector<std::pair<uint32_t, uint32_t>> taken;
  std::string holders;
  for (const PlacedExperiment& e : existing) {
    if (e.spec.name == spec.name) {
      return Status::InvalidField("name", fmt::format("name: an experiment named {} exists already", spec.name));
    }
    const bool overlaps = e.spec.start < spec.end && spec.start < e.Ends();
    if (overlaps) MARQUEE_RETURN_IF_ERROR(CheckParameterLayer(spec, e));
    if (e.spec.layer != spec.layer || !overlaps) continue;
    taken.emplace_back(e.range_begin, e.range_end);
    holders += fmt::format("{}{} {:.2f}% ({} to {})", holders.empty() ? "" : ", ", e.spec.name,
                           100.0 * (e.range_end - e.range_begin) / kBuckets, FormatCivilDate(UnixDay(e.spec.start)),
                           FormatCivilDate(UnixDay(e.Ends())));
  }
  const uint32_t need = static_cast<uint32_t>(std::max<int64_t>(1, std::llround(spec.traffic * kBuckets)));
  std::sort(taken.begin(), taken.end());
  uint32_t free_from = 0;
  for (const auto& [begin, end] : taken) {
    if (begin >= free_from + need) break;
    free_from = std::max(free_from, end);
  }
  if (free_from + need > kBuckets) {
    // The largest gap says whether the room is there but split up.
    uint32_t largest = 0, from = 0;
    for (const auto& [begin, end] : taken) {
      if (begin > from) largest = std::max(largest, begin - from);
      from = std::max(from, end);
    }
    largest = std::max(largest, kBuckets - std::min(from, kBuckets));
    return Status::InvalidField(
        "traffic", fmt::format("traffic: layer {} has no free {:.2f}% of its members from {} to {} in one range "
                               "(the largest free range is {:.2f}%); held by {}",
                               spec.layer, 100.0 * need / kBuckets, FormatCivilDate(UnixDay(spec.start)),
                               FormatCivilDate(UnixDay(spec.end)), 100.0 * largest / kBuckets, holders));
  }
  PlacedExperiment placed;
  placed.spec = spec;
  placed.range_begin = free_from;
  placed.range_end = free_from + need;
  return placed;
}

namespace {

bool Targets(const ExperimentSpec& spec, const AllocationRequest& request) {
  if (spec.members == MemberTargeting::kNew && request.known_member) return false;
  if (spec.members == MemberTargeting::kExisting && !request.known_member) return false;
  if (spec.regions.empty()) return true;
  return std::find(spec.regions.begin(), spec.regions.end(), request.region) != spec.regions.end();
}

}  // namespace

std::vector<Assignment> Assign(std::span<const PlacedExperiment> experiments, const AllocationRequest& request) {
  std::vector<Assignment> out;
  std::vector<std::string_view> layers_done;
  for (const PlacedExperiment& e : experiments) {
    if (!e.RunningAt(request.now) || !Targets(e.spec, request)) continue;
    if (std::find(layers_done.begin(), layers_done.end(), e.spec.layer) != layers_done.end()) continue;
    const uint32_t bucket = LayerBucket(e.spec.layer, request.member_id);
    if (bucket < e.range_begin || bucket >= e.range_end) continue;
    layers_done.push_back(e.spec.layer);
    out.push_back({&e, e.spec.method == ExperimentMethod::kAB ? CellOf(e.spec, request.member_id) : 0});
  }
  return out;
}

}  // namespace marquee::experiment
