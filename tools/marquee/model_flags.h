// The model hyperparameter flags shared by `train`, `evaluate` and `tune`
// (--factors, --lambda, ...), turned into the library's Parameters.
#pragma once

#include <CLI/CLI.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/models/recommender.h"
#include "marquee/util/parameters.h"

namespace marquee::cli {

struct ModelFlags {
  std::map<std::string, std::string> values;  // parameter name -> value, as given
  std::vector<std::string> extra;             // --param name=value

  // Registers one flag per parameter of every registered model, from the
  // models' parameter tables (half_life -> --half-life; help: model, meaning,
  // range, default), and the catch-all --param on `app`.
  void Register(CLI::App* app);

  // All given parameters.
  Result<Parameters> All() const;
  // The given parameters that `model` knows. When several models are run
  // together a flag may be meant for another one; `used` collects the names
  // some model took, so that leftovers can be reported.
  Result<Parameters> For(const std::string& model, std::set<std::string>* used) const;
};

// The registry's models and "ranker" (ranking/ranker.h), which the command
// line offers alike.
std::vector<std::string> ModelNames();
Result<std::vector<ParameterInfo>> ModelParameters(const std::string& model);
// A model to Fit on `dataset`'s interactions (the ranker reads its catalog,
// so `dataset` must outlive the Fit).
Result<std::unique_ptr<Recommender>> CreateModel(const std::string& model, const Parameters& parameters,
                                                 const Dataset& dataset);

// OK when `parameters` are valid for `model` (CreateModel's checks, without
// a dataset): what `tune` checks before reading any data.
Status CheckModelParameters(const std::string& model, const Parameters& parameters);

// Errors for flags that no selected model knows.
Status CheckAllFlagsUsed(const ModelFlags& flags, const std::set<std::string>& used,
                         const std::vector<std::string>& models);

// "10,20,100" -> {10, 20, 100}; each 1..10000.
Result<std::vector<uint32_t>> ParseCutoffs(const std::string& text);

// "ials,ease" -> {"ials", "ease"}.
std::vector<std::string> SplitList(const std::string& text);

}  // namespace marquee::cli
