#include "marquee/serve/model_store.h"

#include <ctime>

namespace marquee::serve {

ModelStore::ModelStore(std::shared_ptr<const Dataset> dataset) : dataset_(std::move(dataset)) {
  std::vector<uint32_t> counts = dataset_->interactions.ColumnCounts();
  popularity_.assign(counts.begin(), counts.end());
}

Result<std::unique_ptr<ModelStore>> ModelStore::Open(std::shared_ptr<const Dataset> dataset,
                                                     const std::string& model_dir) {
  if (dataset == nullptr) return Status::InvalidArgument("model store: no dataset");
  std::unique_ptr<ModelStore> store(new ModelStore(std::move(dataset)));
  MARQUEE_ASSIGN_OR_RETURN(std::shared_ptr<const ServingModel> model, store->Load(model_dir));
  store->current_.store(std::move(model));
  return store;
}

Result<std::shared_ptr<const ServingModel>> ModelStore::Load(const std::string& model_dir) const {
  MARQUEE_ASSIGN_OR_RETURN(LoadedModel loaded, LoadModel(model_dir));
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
  return std::shared_ptr<const ServingModel>(std::move(model));
}

Result<std::shared_ptr<const ServingModel>> ModelStore::Reload(
    const std::optional<std::string>& model_dir) {
  // One reload at a time: two concurrent reloads would race on which wins,
  // and each holds a whole model in memory while loading.
  std::lock_guard<std::mutex> lock(reload_mutex_);
  const std::string dir = model_dir.value_or(Current()->dir);
  MARQUEE_ASSIGN_OR_RETURN(std::shared_ptr<const ServingModel> model, Load(dir));
  current_.store(model);
  return model;
}

}  // namespace marquee::serve
