#include "marquee/serve/serving_stack.h"

#include <filesystem>

#include <fmt/format.h>
#include <system_error>

#include "marquee/bandit/policy.h"
#include "marquee/data/dataset_file.h"
#include "marquee/data/new_title_json.h"
#include "marquee/store/title_log.h"

namespace marquee::serve {

Result<std::unique_ptr<ArtworkService>> OpenArtworkService(const Dataset& dataset, const std::string& policy,
                                                           const ArtworkServiceOptions& options) {
  auto features = std::make_shared<const ArtworkFeatures>(dataset.catalog);
  // A file only when named as one (file:PATH or *.mqp): never guessed from the file system.
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<ArtworkPolicy> resolved,
                           CreateArtworkPolicyFromSpec(policy, dataset.catalog, features));
  SnapshotRestore restore;
  std::error_code error;
  if (!options.snapshot_path.empty() && std::filesystem::exists(options.snapshot_path, error)) {
    Result<std::unique_ptr<ArtworkPolicy>> snapshot =
        LoadArtworkPolicy(options.snapshot_path, dataset.catalog, features, &restore.counters);
    if (snapshot.ok()) {
      resolved = std::move(*snapshot);
      restore.restored = true;
    } else {
      restore.refused = snapshot.status();
      restore.counters = {};
    }
  }
  return ArtworkService::Create(dataset, std::move(features), std::move(resolved), options, std::move(restore));
}

Status ReplayTitleLog(const EventStore& events, const std::string& events_path, ModelStore& models) {
  MARQUEE_ASSIGN_OR_RETURN(std::vector<NewTitle> titles, ReadTitleLog(events, events_path, models.dataset().catalog));
  if (titles.empty()) return Status::OK();
  Result<ModelStore::TitlesAdded> added = models.AddTitles(titles);
  if (!added.ok()) {
    return added.status().WithContext(fmt::format("{}: the title log's {} titles cannot be served", events_path,
                                                  titles.size()));
  }
  return Status::OK();
}

Result<ServingStack> OpenServingStack(const ServingStackOptions& options) {
  ServingStack stack;
  stack.ingest = options.ingest;
  stack.dataset = options.dataset;
  if (stack.dataset == nullptr) {
    MARQUEE_ASSIGN_OR_RETURN(Dataset dataset, LoadDataset(options.data));
    stack.dataset = std::make_shared<const Dataset>(std::move(dataset));
  }
  MARQUEE_ASSIGN_OR_RETURN(stack.models, ModelStore::Open(stack.dataset, options.model_dir, options.retrieval));
  MARQUEE_ASSIGN_OR_RETURN(stack.events, EventStore::Open(options.events_path, options.event_store));
  MARQUEE_RETURN_IF_ERROR(ReplayTitleLog(*stack.events, options.events_path, *stack.models));
  if (!options.artwork_policy.empty() && options.artwork_policy != "none") {
    MARQUEE_ASSIGN_OR_RETURN(stack.consent, ConsentGate::Open(*stack.dataset, options.consent));
    ArtworkServiceOptions artwork = options.artwork;
    // Off, the artwork path is the one from before the gate (no eligible
    // sets, no ledger): the baseline the gate's cost is measured against.
    artwork.gate = options.consent.enabled ? stack.consent.get() : nullptr;
    MARQUEE_ASSIGN_OR_RETURN(stack.artwork, OpenArtworkService(*stack.dataset, options.artwork_policy, artwork));
  }
  MARQUEE_ASSIGN_OR_RETURN(stack.recommendations, RecommendationService::Create(*stack.models, *stack.events));
  MARQUEE_ASSIGN_OR_RETURN(stack.homepage,
                           HomepageService::Create(*stack.models, *stack.recommendations, options.homepage));
  ExperimentServiceOptions experiments{.artwork = options.artwork, .retrieval = options.retrieval};
  experiments.artwork.gate = stack.artwork != nullptr ? stack.artwork->options().gate : nullptr;
  MARQUEE_ASSIGN_OR_RETURN(stack.experiments, ExperimentService::Create(*stack.models, *stack.events, experiments));
  return stack;
}

}  // namespace marquee::serve
