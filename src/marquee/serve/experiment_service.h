// ExperimentService: the experiments a server is running, and what each of
// a member's cells changes about their answer (issue 14 §1, §3).
//
// A request asks Resolve() which experiments the member is in (allocation.h:
// a hash of member id and salt, nothing stored per member) and gets an
// ExperimentArm: the model, artwork policy and page configuration to answer
// with (null: the server's own) and, for an interleaving experiment, the two
// rankers to merge. The route logs the member's first exposure to each
// experiment (ClaimExposures) in the same durable append as the answer's
// impressions, and names the experiments and cells in its answer.
//
// What a cell changes is loaded when the experiment is created (Add), so a
// cell naming a model that does not load, a policy file that does not parse
// or a page configuration that is refused is an error at creation, never at
// request time. Each parameter belongs to one layer (allocation.h
// ParametersOf, enforced when the experiment is placed). A route resolves
// only the experiments that change what it answers with (the recommendation
// list: ranking, and artwork when it shows artwork; the homepage: all three;
// the artwork route: artwork), so a member is exposed to an experiment only
// when an answer it shaped was shown.
//
// A cell's model is fixed when the experiment is created: a reload of the
// server's model changes the control (which follows the server) and not a
// treatment cell. A cell that changes only retrieval loads the server's
// model directory as it was then.
//
// Exposures: the first request of a member in an experiment reserves the
// (experiment, member) key; the reservation becomes permanent once the
// append that carries the exposure succeeds, and is released when it fails
// (the next request logs it). Keys already stored are read once at start.
// Concurrent first requests of one member therefore log exactly one exposure.
//
// Thread safety: every method may be called from many threads at once. The
// running set is an immutable snapshot swapped atomically on Add/Stop, so
// requests never wait for an experiment being loaded.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "marquee/experiment/allocation.h"
#include "marquee/experiment/experiment_spec.h"
#include "marquee/page/page_config.h"
#include "marquee/serve/artwork_service.h"
#include "marquee/serve/model_store.h"
#include "marquee/store/event_store.h"
#include "marquee/util/mutex.h"
#include "marquee/util/status.h"
#include "marquee/util/thread_annotations.h"

namespace marquee::serve {

struct ExperimentServiceOptions {
  // How a cell's artwork policy file is served: the server's options (its
  // consent gate included), without the snapshot file, which is the server
  // policy's alone.
  ArtworkServiceOptions artwork;
  // How a cell's model is retrieved unless the cell says otherwise.
  RetrievalOptions retrieval;
};

// What one cell serves; null members are the server's own.
struct CellVariant {
  std::shared_ptr<const ServingModel> model;
  std::shared_ptr<ArtworkService> artwork;
  std::shared_ptr<const page::PageConfig> page_config;
};

// An experiment the server knows, with its cells' variants loaded.
struct ServedExperiment {
  experiment::PlacedExperiment placed;
  std::vector<CellVariant> cells;  // one a spec cell
  // Why its variants could not be loaded at start (a model directory gone):
  // the experiment then allocates nobody. Empty when serving.
  std::string error;
};

// The experiments shaping one request.
struct ExperimentArm {
  struct Applied {
    const ServedExperiment* experiment = nullptr;
    uint32_t cell = 0;  // A/B: the member's cell; interleaving: 0
    bool interleaving() const { return experiment->placed.spec.method == experiment::ExperimentMethod::kInterleaving; }
  };
  std::shared_ptr<const std::vector<std::shared_ptr<const ServedExperiment>>> keep_alive;
  std::vector<Applied> applied;  // one an experiment the member is in, by layer
  // The variant to answer with (null: the server's).
  std::shared_ptr<const ServingModel> model;
  ArtworkService* artwork = nullptr;
  std::shared_ptr<const page::PageConfig> page_config;
  // The interleaving experiment whose two cells' rankers make the list, if any.
  const ServedExperiment* interleaving = nullptr;
};

// The exposures a request reserved; released unless Commit() is called
// (the append that carried `events` succeeded).
class ExposureClaim;

class ExperimentService {
 public:
  // Loads the stored experiments that have not ended and their variants (a
  // variant that no longer loads marks its experiment with the error and is
  // reported, not fatal), and the exposure keys stored. `models`, `events`
  // and `dataset` must outlive the service. Errors: the store's.
  static Result<std::unique_ptr<ExperimentService>> Create(ModelStore& models, EventStore& events,
                                                           const ExperimentServiceOptions& options = {});

  // Checks and loads `spec`'s variants, then stores it (experiment_registry.h
  // CreateExperiment) and starts serving it. InvalidField naming the field:
  // "cells[i].model" (a directory that does not load or was trained on
  // another dataset), "cells[i].artwork_policy", "cells[i].page_config",
  // "cells[i].retrieval", and PlaceExperiment's ("name", "layer", "traffic"),
  // "end".
  Result<experiment::PlacedExperiment> Add(const experiment::ExperimentSpec& spec, int64_t now);
  // Stops it now (StopExperiment's errors); nobody is allocated from then on.
  Status Stop(std::string_view name, int64_t now);
  // Every stored experiment, oldest first, and why any of them is not served.
  struct Listed {
    experiment::PlacedExperiment placed;
    std::string error;
  };
  Result<std::vector<Listed>> List() const;

  // The experiments `request` falls in (running, targeted, the member's
  // bucket in their range; at most one a layer) among those changing one of
  // `parameters` (experiment::ExperimentParameter bits), and the variant they make.
  ExperimentArm Resolve(const experiment::AllocationRequest& request,
                        uint8_t parameters = experiment::kAllParameters) const;

  // Reserves the member's first exposures to the experiments of `arm` and
  // returns them as events (time `now`) for the caller to append with the
  // answer's impressions; empty when every one is logged already.
  std::unique_ptr<ExposureClaim> ClaimExposures(std::string_view member_id, const ExperimentArm& arm, int64_t now);

  // Durable plays and clicks, for the cells' artwork policies to learn from
  // (ArtworkService::NoteOutcomes).
  void NoteOutcomes(std::span<const Event> events, int64_t now);

 private:
  friend class ExposureClaim;
  using Running = std::vector<std::shared_ptr<const ServedExperiment>>;
  ExperimentService(ModelStore& models, EventStore& events, const ExperimentServiceOptions& options);
  // The cells' variants; InvalidField naming the cell's field.
  Result<std::vector<CellVariant>> LoadVariants(const experiment::ExperimentSpec& spec) const;
  // A cell's own model over the served catalog, with the titles added so far.
  Result<std::unique_ptr<ModelStore>> OpenCellModel(const std::string& dir, const RetrievalOptions& retrieval) const;
  void Release(std::span<const std::string> keys);

  ModelStore& models_;
  EventStore& events_;
  ExperimentServiceOptions options_;
  std::atomic<std::shared_ptr<const Running>> running_;
  Mutex change_mutex_;  // serializes Add and Stop (guards no data: running_ is atomic)
  // Read-locked for the common case (every exposure logged already), so
  // requests of members seen before do not serialize.
  mutable SharedMutex exposed_mutex_;
  std::unordered_set<std::string> exposed_ GUARDED_BY(exposed_mutex_);  // experiment + '\n' + member
};

class ExposureClaim {
 public:
  ~ExposureClaim();
  const std::vector<Event>& events() const { return events_; }
  // The events are durable: keep the reservation.
  void Commit() { committed_ = true; }

 private:
  friend class ExperimentService;
  explicit ExposureClaim(ExperimentService& service) : service_(service) {}
  ExperimentService& service_;
  std::vector<std::string> keys_;
  std::vector<Event> events_;
  bool committed_ = false;
};

}  // namespace marquee::serve
