// Model files: a trained recommender with what it was trained on, in
// MODEL_DIR/model.mqm (a section file, magic "MQMODEL", written atomically)
// plus MODEL_DIR/model.json, a human-readable summary that nothing reads back.
//
// The file records the fingerprint of the dataset's member and title ids, so
// a model is never applied to a dataset whose indices mean something else.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "marquee/data/dataset.h"
#include "marquee/models/recommender.h"
#include "marquee/util/status.h"

namespace marquee {

inline constexpr uint32_t kModelFormatVersion = 1;

struct ModelInfo {
  std::string model;            // registry name
  Parameters parameters;        // as in effect
  uint64_t id_fingerprint = 0;  // DatasetIdFingerprint of the training dataset
  uint32_t members = 0;
  uint32_t titles = 0;
  uint64_t interactions = 0;
  std::string dataset_source;
  int64_t trained_at = 0;       // epoch seconds
  double train_seconds = 0;
  std::string version;          // a short id: model name + time, shown by the server
};

// Hash of the member and title id maps: equal for datasets that index the
// same members and titles the same way.
uint64_t DatasetIdFingerprint(const Dataset& dataset);

Status SaveModel(const Recommender& model, const ModelInfo& info, const std::string& dir);

struct LoadedModel {
  std::unique_ptr<Recommender> model;
  ModelInfo info;
};
Result<LoadedModel> LoadModel(const std::string& dir);

// OK when `info` was trained on a dataset with the same ids as `dataset`;
// otherwise InvalidArgument saying how they differ.
Status CheckModelMatchesDataset(const ModelInfo& info, const Dataset& dataset,
                                const std::string& model_dir);

}  // namespace marquee
