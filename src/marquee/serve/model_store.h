// ModelStore: the model the server answers with, and the dataset it was
// trained on, behind one atomically swapped pointer. A request takes a
// snapshot (Current()) and uses it to the end, so a reload never changes a
// model under a request that is running; the old model is freed when the
// last request holding it finishes.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <optional>
#include <string>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/models/ann_index.h"
#include "marquee/models/recommender.h"
#include "marquee/models/model_file.h"
#include "marquee/models/new_titles.h"
#include "marquee/serve/candidate_cache.h"
#include "marquee/util/mutex.h"
#include "marquee/util/status.h"

namespace marquee::serve {

// How recommendations find their top k: score every title (exact), or ask
// an HNSW index over a factor model's title factors (approximate; for catalogs too
// large to score per request). Requests with genre/region/maturity filters
// are always scored exactly: a graph search cannot restrict its candidates
// without losing recall unpredictably.
struct RetrievalOptions {
  enum class Mode : uint8_t { kExact, kHnsw };
  Mode mode = Mode::kExact;
  uint32_t m = InnerProductIndex::BuildOptions{}.m;  // HNSW degree
  uint32_t ef_construction = InnerProductIndex::BuildOptions{}.ef_construction;
  uint32_t ef_search = 100;         // candidates kept per query (>= k is enforced by the index)
  // Threads that build the index on a hot reload, while the server keeps
  // answering on the same cores: bounded so that serving keeps its latency.
  // At start-up nothing is served yet, and every core builds.
  int reload_build_threads = 1;
};
std::string_view RetrievalModeName(RetrievalOptions::Mode mode);  // "exact", "hnsw"

// One loaded model, never modified after it is published.
struct ServingModel {
  // The catalog and plays this model answers for: the dataset it was
  // trained on, with the titles added while serving after it.
  std::shared_ptr<const Dataset> dataset;
  LoadedModel loaded;
  // Titles the model learned (the trained dataset's); those at or beyond
  // this index were added while serving, with mapped vectors.
  uint32_t learned_titles = 0;
  // The mapping that gave added titles their vectors, fit on the trained
  // model once; null until titles are added.
  std::shared_ptr<const NewTitleMapper> title_mapper;
  std::string dir;
  int64_t loaded_at = 0;  // epoch seconds
  // What the model scores a training member with: the dataset's rows, or
  // only the positively rated entries when the model was trained with a
  // minimum rating (then the full rows still say what was watched).
  InteractionMatrix positives;
  bool uses_positives = false;
  // Members per title in scoring_rows(): 0 is a title the model learned
  // nothing about (no "similar" list; kept out of the hnsw graph unless it
  // was added, when its mapped vector is its signal).
  std::vector<uint32_t> title_positives;
  // Members per title in the dataset's rows, as scores: the answer when a
  // member has no signal (one a title of this model's dataset).
  std::vector<float> popularity;
  // Title masks for request filters over this model's catalog, cached.
  std::shared_ptr<CandidateCache> candidates;
  // With hnsw retrieval: the index over the model's title factors, built when
  // the model is loaded (so a reload swaps model and index together), and the
  // model's factor capability (Recommender::AsFactorModel) to fold members in.
  std::shared_ptr<const InnerProductIndex> ann;
  const FactorModel* factors = nullptr;
  uint32_t ann_ef = 0;

  const Recommender& model() const { return *loaded.model; }
  const std::string& version() const { return loaded.info.version; }
  const InteractionMatrix& scoring_rows() const {
    return uses_positives ? positives : dataset->interactions;
  }
};

class ModelStore {
 public:
  // Loads the model in `model_dir` and checks it was trained on `dataset`.
  // With hnsw retrieval the model must be a factor model (AsFactorModel(),
  // e.g. iALS; InvalidArgument naming the directory otherwise); an index is
  // built on every load.
  static Result<std::unique_ptr<ModelStore>> Open(std::shared_ptr<const Dataset> dataset,
                                                  const std::string& model_dir,
                                                  const RetrievalOptions& retrieval = {});

  // The model to answer the next request with. Lock-free; safe from any thread.
  std::shared_ptr<const ServingModel> Current() const { return current_.load(); }

  // Loads `model_dir` (or the current model's directory again), checks it
  // against the dataset and swaps it in. On any error the current model stays.
  // Reloads run one at a time; requests keep flowing meanwhile. After titles
  // were added (AddTitles) the new model gets them too, so it must be a
  // factor model (Unsupported otherwise: serving it would drop them).
  Result<std::shared_ptr<const ServingModel>> Reload(const std::optional<std::string>& model_dir);

  // Adds titles nobody has played yet to the catalog served, each with the
  // vector its metadata maps to (models/new_titles.h; issue 15 §2), without
  // retraining: the next request scores them for every member. `titles` are
  // parsed against dataset().catalog (ParseNewTitles). `commit`, when given,
  // runs once the new model is built and before it is published -- the
  // title log's durable append -- and its error refuses the addition.
  // Serialized with reloads. Errors, with nothing changed: AlreadyExists
  // naming a title id the catalog has; Unsupported when the served model
  // has no factors; `commit`'s.
  struct TitlesAdded {
    std::shared_ptr<const ServingModel> model;
    std::vector<size_t> feature_counts;  // metadata features each title was described by
  };
  Result<TitlesAdded> AddTitles(std::span<const NewTitle> titles, const std::function<Status()>& commit = nullptr);
  // Every title added since the store opened, in order (a copy).
  std::vector<NewTitle> added_titles() const;

  // What the store has served, oldest first: each model published (at open,
  // by a reload, by an addition of titles), for the dashboard's swap history.
  struct Swap {
    std::string version, dir, reason;  // reason: "opened", "reloaded", "titles added"
    int64_t at = 0;                    // epoch seconds
  };
  std::vector<Swap> history() const;

  // The dataset the served models were trained on, without added titles:
  // member ids and the catalog's genres and performers are the same in
  // every model's dataset, and its titles are a prefix of theirs.
  const Dataset& dataset() const { return *dataset_; }
  std::shared_ptr<const Dataset> shared_dataset() const { return dataset_; }
  // Members per title in the dataset (the fallback for unknown members),
  // as scores ready for ranking.
  const RetrievalOptions& retrieval() const { return retrieval_; }

 private:
  ModelStore(std::shared_ptr<const Dataset> dataset, const RetrievalOptions& retrieval);
  // `threads`: 0 = every core (InnerProductIndex::BuildOptions::threads).
  Status BuildIndex(ServingModel& model, int threads) const;
  // Loads and checks `model_dir`, then appends `added`.
  Result<std::shared_ptr<const ServingModel>> Load(const std::string& model_dir, std::span<const NewTitle> added,
                                                   int index_threads) const;
  // The ServingModel of `loaded`, answering for `dataset`: its derived
  // state (positives, popularity, filter masks, the hnsw index).
  Result<std::shared_ptr<ServingModel>> Prepare(LoadedModel loaded, std::shared_ptr<const Dataset> dataset,
                                                const std::string& model_dir, int index_threads) const;

  std::shared_ptr<const Dataset> dataset_;
  RetrievalOptions retrieval_;
  std::atomic<std::shared_ptr<const ServingModel>> current_;
  // Serializes reloads and title additions (current_ is atomic, so
  // requests never take it).
  mutable Mutex reload_mutex_;
  std::vector<NewTitle> added_ GUARDED_BY(reload_mutex_);
  std::vector<Swap> history_ GUARDED_BY(reload_mutex_);  // the last kMaxHistory
  static constexpr size_t kMaxHistory = 100;
  void NoteSwap(const ServingModel& model, const char* reason) REQUIRES(reload_mutex_);
};

}  // namespace marquee::serve
