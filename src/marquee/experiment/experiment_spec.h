// ExperimentSpec: what an experiment is -- its cells and what each changes,
// who may be in it, when, and in which layer -- as a product owner writes it
// (a JSON document: `marquee experiment create FILE`, `POST /v1/experiments`;
// docs/experiments.md is its reference).
//
// Layers (Tang, Agarwal, O'Brien, Meyer, "Overlapping Experiment
// Infrastructure", KDD 2010): experiments in one layer never share a
// member (each owns a range of the layer's buckets); experiments in
// different layers are independent (each layer hashes members with its own
// salt), so a member may be in one experiment of every layer.
//
// Errors: ParseExperimentSpec returns InvalidArgument "SOURCE: FIELD:
// expected ..., found ...": an unknown field, a wrong type, a name that is
// not [a-z0-9_-], shares that do not sum to 1, fewer than two cells, an
// interleaving experiment without exactly two cells that each name a model,
// an end not after the start. Checks against other experiments (a layer's
// traffic over 100% at overlapping dates) are PlaceExperiment's
// (allocation.h); checks that a model loads are the server's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/util/status.h"

namespace marquee::experiment {

// A/B: each member sees their cell's version. Interleaving: each member in
// the experiment sees both cells' rankings merged by team draft
// (interleaving.h); cell shares do not apply.
enum class ExperimentMethod : uint8_t { kAB, kInterleaving };
std::string_view ExperimentMethodName(ExperimentMethod method);  // "ab", "interleaving"

// Targeting by tenure: members the served dataset knows (existing) or not (new).
enum class MemberTargeting : uint8_t { kAll, kNew, kExisting };
std::string_view MemberTargetingName(MemberTargeting members);  // "all", "new", "existing"

struct CellSpec {
  std::string name;    // [a-z0-9_-], 1..64 characters, unique in the experiment
  double share = 0.0;  // of the experiment's members, (0, 1]; an experiment's shares sum to 1 (A/B)
  // What the cell changes; empty = as served (a control changes nothing).
  std::string model;           // a model directory (`marquee train --out`)
  std::string artwork_policy;  // an artwork policy file (.mqp)
  std::string page_config;     // a page configuration (YAML, docs/homepage.md)
  std::string retrieval;       // "exact" or "hnsw"
  friend bool operator==(const CellSpec&, const CellSpec&) = default;
};

struct ExperimentSpec {
  std::string name;  // [a-z0-9_-], 1..64 characters; also the salt of cell assignment
  std::string hypothesis;
  std::string layer = "default";  // [a-z0-9_-], 1..64 characters
  double traffic = 1.0;           // share of the layer's members in the experiment, (0, 1]
  int64_t start = 0, end = 0;     // epoch seconds, [start, end), end > start (dates are UTC midnights)
  ExperimentMethod method = ExperimentMethod::kAB;
  std::vector<std::string> regions;  // members requesting from these regions only; empty = anywhere
  MemberTargeting members = MemberTargeting::kAll;
  std::vector<CellSpec> cells;  // at least 2; the first is the control
  // The fingerprint of the catalog it is served with (CatalogFingerprintHex):
  // set when it is created against a dataset (by the server, or `create
  // --data`), so that a report against another catalog -- other runtimes,
  // hence other streaming hours -- is refused. 16 lower-case hex digits; empty
  // = not recorded.
  std::string catalog;
  friend bool operator==(const ExperimentSpec&, const ExperimentSpec&) = default;
};

// `text` is a JSON object (docs/experiments.md); `source` names it in errors.
Result<ExperimentSpec> ParseExperimentSpec(std::string_view text, std::string_view source);
// The spec as the JSON ParseExperimentSpec reads back equal.
std::string ExperimentSpecJson(const ExperimentSpec& spec, int indent = 2);

}  // namespace marquee::experiment
