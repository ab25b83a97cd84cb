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
  MARQUEE_ASSIGN_OR_RETURN(std::shared_ptr<const ServingModel> model,
                           store->Load(model_dir, {}, /*index_threads=*/0));
  {
    MutexLock lock(&store->reload_mutex_);
    store->NoteSwap(*model, "opened");
  }
  store->current_.store(std::move(model));
  return store;
}

Result<std::shared_ptr<const ServingModel>> ModelStore::Load(const std::string& model_dir,
                                                             std::span<const NewTitle> added,
                                                             int index_threads) const {
  MARQUEE_ASSIGN_OR_RETURN(LoadedModel loaded, LoadAnyModel(model_dir));
  MARQUEE_RETURN_IF_ERROR(CheckModelMatchesDataset(loaded, *dataset_, model_dir));
  if (added.empty()) {
    MARQUEE_ASSIGN_OR_RETURN(std::shared_ptr<ServingModel> model,
                             Prepare(std::move(loaded), dataset_, model_dir, index_threads));
    return std::shared_ptr<const ServingModel>(std::move(model));
  }
  // Titles were added while serving: the new model must serve them too.
  Result<NewTitleMapper> fitted = NewTitleMapper::Fit(*dataset_, loaded, model_dir);
  if (!fitted.ok()) {
    return fitted.status().WithContext(fmt::format("{} titles were added while serving, and a model without them "
                                                   "would drop them",
                                                   added.size()));
  }
  auto mapper = std::make_shared<const NewTitleMapper>(std::move(*fitted));
  MARQUEE_ASSIGN_OR_RETURN(ModelWithNewTitles extended, AppendNewTitles(*dataset_, loaded, *mapper, added));
  MARQUEE_ASSIGN_OR_RETURN(
      std::shared_ptr<ServingModel> model,
      Prepare(std::move(extended.model), std::make_shared<const Dataset>(std::move(extended.dataset)), model_dir,
              index_threads));
  model->title_mapper = std::move(mapper);
  return std::shared_ptr<const ServingModel>(std::move(model));
}

Result<std::shared_ptr<ServingModel>> ModelStore::Prepare(LoadedModel loaded, std::shared_ptr<const Dataset> dataset,
                                                          const std::string& model_dir, int index_threads) const {
  auto model = std::make_shared<ServingModel>();
  model->dataset = std::move(dataset);
  model->dir = model_dir;
  model->loaded_at = static_cast<int64_t>(std::time(nullptr));
  model->learned_titles = dataset_->titles.size();
  if (loaded.info.has_min_rating) {
    model->positives = model->dataset->interactions.KeepAtLeast(loaded.info.min_rating);
    model->uses_positives = true;
  }
  model->loaded = std::move(loaded);
  model->title_positives = model->scoring_rows().ColumnCounts();
  const std::vector<uint32_t> counts = model->dataset->interactions.ColumnCounts();
  model->popularity.assign(counts.begin(), counts.end());
  model->candidates = std::make_shared<CandidateCache>(model->dataset->catalog);
  if (retrieval_.mode == RetrievalOptions::Mode::kHnsw) MARQUEE_RETURN_IF_ERROR(BuildIndex(*model, index_threads));
  return model;
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
  // An added title's mapped vector is what it has instead, so it is in.
  const std::vector<uint32_t>& positives = model.title_positives;
  std::vector<uint8_t> no_signal(positives.size());
  for (size_t t = 0; t < positives.size(); ++t) no_signal[t] = positives[t] == 0 && t < model.learned_titles ? 1 : 0;
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
  MARQUEE_ASSIGN_OR_RETURN(std::shared_ptr<const ServingModel> model,
                           Load(dir, added_, std::max(1, retrieval_.reload_build_threads)));
  NoteSwap(*model, "reloaded");
  current_.store(model);
  return model;
}

Result<ModelStore::TitlesAdded> ModelStore::AddTitles(std::span<const NewTitle> titles,
                                                      const std::function<Status()>& commit) {
  MutexLock lock(&reload_mutex_);
  std::shared_ptr<const ServingModel> current = Current();
  for (const NewTitle& t : titles) {
    if (current->dataset->titles.Find(t.title_id) != IdMap::kNotFound) {
      return Status::AlreadyExists(fmt::format("title: {} is in the catalog already", t.title_id));
    }
  }
  // The mapping is fit once per loaded model, on what it was trained on
  // (the store's dataset), so later batches map like the first.
  std::shared_ptr<const NewTitleMapper> mapper = current->title_mapper;
  if (mapper == nullptr) {
    MARQUEE_ASSIGN_OR_RETURN(NewTitleMapper fitted, NewTitleMapper::Fit(*dataset_, current->loaded, current->dir));
    mapper = std::make_shared<const NewTitleMapper>(std::move(fitted));
  }
  MARQUEE_ASSIGN_OR_RETURN(ModelWithNewTitles extended,
                           AppendNewTitles(*current->dataset, current->loaded, *mapper, titles));
  TitlesAdded out;
  out.feature_counts = std::move(extended.feature_counts);
  MARQUEE_ASSIGN_OR_RETURN(
      std::shared_ptr<ServingModel> model,
      Prepare(std::move(extended.model), std::make_shared<const Dataset>(std::move(extended.dataset)), current->dir,
              std::max(1, retrieval_.reload_build_threads)));
  model->title_mapper = std::move(mapper);
  if (commit) MARQUEE_RETURN_IF_ERROR(commit());
  added_.insert(added_.end(), titles.begin(), titles.end());
  NoteSwap(*model, "titles added");
  out.model = model;
  current_.store(std::move(model));
  return out;
}

void ModelStore::NoteSwap(const ServingModel& model, const char* reason) {
  if (history_.size() == kMaxHistory) history_.erase(history_.begin());
  history_.push_back({model.version(), model.dir, reason, static_cast<int64_t>(std::time(nullptr))});
}

std::vector<ModelStore::Swap> ModelStore::history() const {
  MutexLock lock(&reload_mutex_);
  return history_;
}

std::vector<NewTitle> ModelStore::added_titles() const {
  MutexLock lock(&reload_mutex_);
  return added_;
}

}  // namespace marquee::serve
