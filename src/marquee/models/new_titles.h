// New titles for a trained factor model (issue 15 §2): titles nobody has
// played yet join a dataset and its model at once, each with the title
// vector its metadata maps to (ColdStartMapping), so every member has a score
// for it before anyone plays it. Nothing is retrained.
//
// The mapping is fit once per model, on the catalog and plays the model was
// trained on (TitleFeatures' vocabulary from that catalog, at most
// kMaxMappedFeatures; the warm titles those with a positive). Titles added in several batches therefore get the
// same vectors as the same titles added in one: the server replays its title
// log at start (serve/model_store.h) and must land where it was.
//
// Thread safety: a NewTitleMapper is immutable after Fit; Map may run
// concurrently.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/data/new_title_json.h"
#include "marquee/models/cold_start.h"
#include "marquee/models/model_file.h"
#include "marquee/models/title_features.h"
#include "marquee/util/factor_matrix.h"
#include "marquee/util/status.h"

namespace marquee {

// The largest metadata vocabulary a mapping is fit on. Catalogs with more
// performers or tags keep those credited on the most titles.
inline constexpr size_t kMaxMappedFeatures = 2048;

class NewTitleMapper {
 public:
  // Fits the mapping of `model`, trained on `trained_on` (its ids must be
  // the model's: CheckModelMatchesDataset). Unsupported naming `model_dir`
  // when the model has no title factors (only a factor model such as iALS
  // has a space to map into; a ranker is retrained with its sources);
  // ColdStartMapping::Fit's errors otherwise.
  static Result<NewTitleMapper> Fit(const Dataset& trained_on, const LoadedModel& model,
                                    const std::string& model_dir);

  // One row per title of `titles` (their genre and performer indices are
  // `catalog`'s, which shares the trained catalog's genres and performers):
  // the mapped vectors, factors() wide. `feature_counts`, when given,
  // receives how many metadata features each title had in the vocabulary.
  FactorMatrix Map(std::span<const NewTitle> titles, const Catalog& catalog,
                   std::vector<size_t>* feature_counts = nullptr) const;

  uint32_t factors() const { return mapping_.factors(); }
  // Titles of the dataset the model was trained on: those at or beyond
  // this index were added.
  uint32_t learned_titles() const { return learned_titles_; }
  // The trained model's version, which added titles' versions extend.
  const std::string& base_version() const { return base_version_; }

 private:
  NewTitleMapper(TitleFeatures features, ColdStartMapping mapping) : features_(std::move(features)), mapping_(mapping) {}

  TitleFeatures features_;
  ColdStartMapping mapping_;
  uint32_t learned_titles_ = 0;
  std::string base_version_;
};

// A dataset and its model with titles appended.
struct ModelWithNewTitles {
  Dataset dataset;
  LoadedModel model;
  std::vector<size_t> feature_counts;  // per new title, as NewTitleMapper::Map
};

// `dataset` (the model's: the trained one, or one extended before) and
// `model` with `titles` appended after the existing titles: the dataset by
// WithNewTitles, the model by FactorModel::WithTitles with the mapper's
// vectors. The model's info counts the titles, fingerprints the extended
// dataset and gets version "<base version>+<N>titles" (N: every title added
// since training). Errors: Unsupported when `model` has no factors;
// WithNewTitles' InvalidArgument (a title id in the dataset already or
// given twice) naming the id.
Result<ModelWithNewTitles> AppendNewTitles(const Dataset& dataset, const LoadedModel& model,
                                           const NewTitleMapper& mapper, std::span<const NewTitle> titles);

}  // namespace marquee
