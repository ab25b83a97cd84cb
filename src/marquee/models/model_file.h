// Model files: a trained recommender with what it was trained on, in
// MODEL_DIR/model.mqm (a section file, magic "MQMODEL", written atomically)
// plus MODEL_DIR/model.json, a human-readable summary that nothing reads back.
//
// The file holds the member and title ids the model's indices stand for, so
// it can answer in external ids on its own (`marquee similar`), and is never
// applied to a dataset whose indices mean something else.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "marquee/data/dataset.h"
#include "marquee/data/id_map.h"
#include "marquee/models/factor_rank.h"
#include "marquee/models/recommender.h"
#include "marquee/util/status.h"

namespace marquee {

inline constexpr uint32_t kModelFormatVersion = 1;

struct ModelInfo {
  std::string model;            // registry name
  Parameters parameters;        // as in effect
  uint64_t data_fingerprint = 0;  // TrainingDataFingerprint of what it learned from
  uint32_t members = 0;
  uint32_t titles = 0;
  uint64_t interactions = 0;
  float min_rating = 0;         // when has_min_rating: trained on weights >= this, as 1
  bool has_min_rating = false;
  std::string dataset_source;
  int64_t trained_at = 0;       // epoch seconds
  double train_seconds = 0;
  std::string version;          // a short id: model name + time, shown by the server
  // Factor models: how many dimensions the learned factors use
  // (factor_rank.h). Kept in its own optional section ("RANK"), so files
  // written before it existed load with this empty, and older readers skip it.
  std::optional<FactorRanks> factor_ranks;
};

// Hash of the dataset's ids and the training matrix (after any filtering or
// splitting): two models with equal fingerprints learned from the same data.
uint64_t TrainingDataFingerprint(const Dataset& dataset, const InteractionMatrix& train);

// The ModelInfo of `model`, just fitted on `train` (rows and columns of
// `dataset`) in `train_seconds`, registered as `name`: parameters in effect,
// fingerprint, counts, trained_at = now, version = name-trained_at, and the
// factor ranks of a factor model. One description for every command that
// trains (train, demo); callers add what only they know (min_rating).
ModelInfo DescribeTrainedModel(const Recommender& model, const std::string& name, const Dataset& dataset,
                               const InteractionMatrix& train, double train_seconds);

// Writes the model with the ids of the dataset it was trained on.
Status SaveModel(const Recommender& model, const ModelInfo& info, const IdMap& members,
                 const IdMap& titles, const std::string& dir);

// A model file opened and its common sections read, before any model is
// built from it: what LoadModel and the loader of composite models (the
// ranker, ranking/ranker_file.h) share. `reader` holds the model's own
// sections.
struct ModelFile {
  ModelInfo info;
  IdMap members;
  IdMap titles;
  SectionFileReader reader;
};
// NotFound when DIR has no model.mqm, InvalidArgument when DIR is a file,
// Corruption (naming the file) when it is damaged.
Result<ModelFile> OpenModelFile(const std::string& dir);

struct LoadedModel {
  std::unique_ptr<Recommender> model;
  ModelInfo info;
  IdMap members;
  IdMap titles;
};
// A model of the registry (models/registry.h). A ranker's directory is
// refused with a message naming LoadAnyModel (ranking/ranker_file.h), which
// loads both kinds.
Result<LoadedModel> LoadModel(const std::string& dir);
// The same from a file already opened (OpenModelFile), so that a caller
// that looked at its ModelInfo first does not read it twice.
Result<LoadedModel> LoadModel(ModelFile file);

// OK when the model was trained on a dataset with the same ids as `dataset`;
// otherwise InvalidArgument saying how they differ.
Status CheckModelMatchesDataset(const LoadedModel& model, const Dataset& dataset,
                                const std::string& model_dir);

}  // namespace marquee
