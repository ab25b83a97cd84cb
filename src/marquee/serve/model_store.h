// ModelStore: the model the server answers with, and the dataset it was
// trained on, behind one atomically swapped pointer. A request takes a
// snapshot (Current()) and uses it to the end, so a reload never changes a
// model under a request that is running; the old model is freed when the
// last request holding it finishes.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/models/ann_index.h"
#include "marquee/models/recommender.h"
#include "marquee/models/model_file.h"
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
  std::shared_ptr<const Dataset> dataset;
  LoadedModel loaded;
  std::string dir;
  int64_t loaded_at = 0;  // epoch seconds
  // What the model scores a training member with: the dataset's rows, or
  // only the positively rated entries when the model was trained with a
  // minimum rating (then the full rows still say what was watched).
  InteractionMatrix positives;
  bool uses_positives = false;
  // Members per title in scoring_rows(): 0 is a title the model learned
  // nothing about (kept out of the hnsw graph; no "similar" list).
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
  // Reloads run one at a time; requests keep flowing meanwhile.
  Result<std::shared_ptr<const ServingModel>> Reload(const std::optional<std::string>& model_dir);

  const Dataset& dataset() const { return *dataset_; }
  // Members per title in the dataset (the fallback for unknown members),
  // as scores ready for ranking.
  const RetrievalOptions& retrieval() const { return retrieval_; }

 private:
  ModelStore(std::shared_ptr<const Dataset> dataset, const RetrievalOptions& retrieval);
  // `threads`: 0 = every core (InnerProductIndex::BuildOptions::threads).
  Status BuildIndex(ServingModel& model, int threads) const;
  Result<std::shared_ptr<const ServingModel>> Load(const std::string& model_dir, int index_threads) const;

  std::shared_ptr<const Dataset> dataset_;
  RetrievalOptions retrieval_;
  std::atomic<std::shared_ptr<const ServingModel>> current_;
  // Serializes reloads; guards no data (current_ is atomic, so requests never take it).
  Mutex reload_mutex_;
};

}  // namespace marquee::serve
