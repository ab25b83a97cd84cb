#include "marquee/serve/model_store.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "marquee/ranking/ranker_file.h"

namespace marquee::serve {

std::string_view RetrievalModeName(RetrievalOptions::Mode mode) {
  return mode == RetrievalOptions::Mode::kHnsw ? "hnsw" : "exact";
}

ModelStore::ModelStore(std::shared_ptr<const Dataset> dataset, const RetrievalOptions& retrieval)
    : dataset_(std::move(dataset)), retrieval_(retrieval) {}

Result<std::unique_ptr<ModelStore>> ModelStore::Open(std::shared_ptr<const Dataset> dataset,
                                                     const std::string& model_dir,
                                                     const RetrievalOptions& retrieval) {
  if (dataset == nullptr) return Status::InvalidArgument("model store: no dataset");
  std::unique_ptr<ModelStore> store(new ModelStore(std::move(dataset), retrieval));
  MARQUEE_ASSIGN_OR_RETURN(std::shared_ptr<const ServingModel> model, store->Load(model_dir, /*index_threads=*/0));
  store->current_.store(std::move(model));
  return store;
}

Result<std::shared_ptr<const ServingModel>> ModelStore::Load(const std::string& model_dir,
                                                             int index_threads) const {
  MARQUEE_ASSIGN_OR_RETURN(LoadedModel loaded, LoadAnyModel(model_dir));
  MARQUEE_RETURN_IF_ERROR(CheckModelMatchesDataset(loaded, *dataset_, model_dir));
  auto model = std::make_shared<ServingModel>();
  model->dataset = dataset_;
  model->dir = model_dir;
  model->loaded_at = static_cast<int64_t>(std::time(nullptr));
  if (loaded.info.has_min_rating) {
    model->positives = dataset_->interactions.KeepAtLeast(loaded.info.min_rating);
    model->uses_positives = true;
  }
  model->loaded = std::move(loaded);
  model->title_positives = model->scoring_rows().ColumnCounts();
  const std::vector<uint32_t> counts = model->dataset->interactions.ColumnCounts();
  model->popularity.assign(counts.begin(), counts.end());
  model->candidates = std::make_shared<CandidateCache>(model->dataset->catalog);
  if (retrieval_.mode == RetrievalOptions::Mode::kHnsw) MARQUEE_RETURN_IF_ERROR(BuildIndex(*model, index_threads));
  return std::shared_ptr<const ServingModel>(std::move(model));
}

Status ModelStore::BuildIndex(ServingModel& model, int threads) const {
  model.factors = model.model().AsFactorModel();
  if (model.factors == nullptr) {
    return Status::InvalidArgument(fmt::format("{}: hnsw retrieval indexes title factors and needs a factor model "
                                               "such as iALS; this is {}, which has none",
                                               model.dir, model.model().name()));
  }
  auto index = std::make_shared<InnerProductIndex>();
  // Titles the model has no positive for (with a minimum rating: none rated
  // at least that) stay out of the graph; exact scoring still reaches them.
  const std::vector<uint32_t>& positives = model.title_positives;
  std::vector<uint8_t> no_signal(positives.size());
  for (size_t t = 0; t < positives.size(); ++t) no_signal[t] = positives[t] == 0 ? 1 : 0;
  InnerProductIndex::BuildOptions options;
  options.m = retrieval_.m;
  options.ef_construction = retrieval_.ef_construction;
  options.threads = threads;
  options.no_signal = no_signal;
  MARQUEE_RETURN_IF_ERROR(index->Build(model.factors->title_factors(), options));
  model.ann = std::move(index);
  model.ann_ef = retrieval_.ef_search;
  return Status::OK();
}

Result<std::shared_ptr<const ServingModel>> ModelStore::Reload(
    const std::optional<std::string>& model_dir) {
  // One reload at a time: two concurrent reloads would race on which wins,
  // and each holds a whole model in memory while loading.
  MutexLock lock(&reload_mutex_);
  const std::string dir = model_dir.value_or(Current()->dir);
  MARQUEE_ASSIGN_OR_RETURN(std::shared_ptr<const ServingModel> model, Load(dir, std::max(1, retrieval_.reload_build_threads)));
  current_.store(model);
  return model;
}

}  // namespace marquee::serve
