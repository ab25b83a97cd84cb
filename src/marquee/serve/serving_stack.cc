#include "marquee/serve/serving_stack.h"

#include <filesystem>

#include "marquee/bandit/policy.h"
#include "marquee/data/dataset_file.h"

namespace marquee::serve {

namespace {
bool IsPolicyFile(const std::string& spec) {
  return spec.ends_with(".mqp") || spec.find('/') != std::string::npos || std::filesystem::exists(spec);
}
}  // namespace

Result<std::unique_ptr<ArtworkService>> OpenArtworkService(const Dataset& dataset, const std::string& policy,
                                                           const ArtworkServiceOptions& options) {
  auto features = std::make_shared<const ArtworkFeatures>(dataset.catalog);
  std::unique_ptr<ArtworkPolicy> resolved;
  if (IsPolicyFile(policy)) {
    MARQUEE_ASSIGN_OR_RETURN(resolved, LoadArtworkPolicy(policy, dataset.catalog, features));
  } else {
    MARQUEE_ASSIGN_OR_RETURN(resolved, CreateArtworkPolicyFromSpec(policy, features));
  }
  return ArtworkService::Create(dataset, std::move(features), std::move(resolved), options);
}

Result<ServingStack> OpenServingStack(const ServingStackOptions& options) {
  ServingStack stack;
  stack.dataset = options.dataset;
  if (stack.dataset == nullptr) {
    MARQUEE_ASSIGN_OR_RETURN(Dataset dataset, LoadDataset(options.data));
    stack.dataset = std::make_shared<const Dataset>(std::move(dataset));
  }
  MARQUEE_ASSIGN_OR_RETURN(stack.models, ModelStore::Open(stack.dataset, options.model_dir, options.retrieval));
  MARQUEE_ASSIGN_OR_RETURN(stack.events, EventStore::Open(options.events_path, options.event_store));
  if (!options.artwork_policy.empty() && options.artwork_policy != "none") {
    MARQUEE_ASSIGN_OR_RETURN(stack.artwork,
                             OpenArtworkService(*stack.dataset, options.artwork_policy, options.artwork));
  }
  MARQUEE_ASSIGN_OR_RETURN(stack.recommendations, RecommendationService::Create(*stack.models, *stack.events));
  return stack;
}

}  // namespace marquee::serve
