// Saving and loading rankers, and loading any model directory.
//
// A ranker's directory DIR holds its own model.mqm (the ensemble, title
// statistics and references to its sources) and each source as an ordinary
// model directory, DIR/candidates/NAME (usable alone: `marquee recommend
// --model DIR/candidates/ials`). The ranker records each source's registry
// name, training-data fingerprint and version; loading refuses a ranker whose
// source directory is missing or holds another model (retrained, replaced),
// since its ensemble learned that model's scores.
//
// Thread safety: reentrant; concurrent saves to one directory are not.
#pragma once

#include <string>

#include "marquee/data/dataset.h"
#include "marquee/models/model_file.h"
#include "marquee/ranking/ranker.h"

namespace marquee {

// DIR/candidates/NAME for source NAME.
std::string RankerSourceDir(const std::string& dir, const std::string& source);

// Writes `ranker`, fitted on `train` (rows and columns of `dataset`), to DIR:
// each source first, then the ranker with `info` (DescribeTrainedModel of
// the ranker; min_rating is copied to the sources).
Status SaveRanker(RankerRecommender& ranker, const ModelInfo& info, const Dataset& dataset,
                  const InteractionMatrix& train, const std::string& dir);

// Any trained model: a registry model (LoadModel) or a ranker with its
// sources. Errors name DIR or the source directory: NotFound for a missing
// source, InvalidArgument for one that is not the model the ranker was
// trained with.
Result<LoadedModel> LoadAnyModel(const std::string& dir);

}  // namespace marquee
