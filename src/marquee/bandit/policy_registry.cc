// CreateArtworkPolicy: the one place that turns a kind and its parameters into
// a policy, so every parameter's default and range is stated once (and matches
// policy.h).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "marquee/bandit/epsilon_greedy_policy.h"
#include "marquee/bandit/linucb_policy.h"
#include "marquee/bandit/policy.h"
#include "marquee/bandit/thompson_policy.h"
#include "marquee/bandit/uniform_policy.h"

namespace marquee {

namespace {

// Upper bound for the real-valued settings: generous, but finite so that a
// typo of many zeros is caught.
constexpr double kMaxSetting = 1e12;

// A number in (0, kMaxSetting]: GetDouble checks closed ranges, and 0 would
// make the ridge prior singular or the posterior a point.
Result<double> GetPositive(const Parameters& parameters, std::string_view kind,
                           const std::string& name, double fallback) {
  Result<double> value = parameters.GetDouble(kind, name, fallback, 0.0, kMaxSetting);
  if (value.ok() && *value > 0.0) return value;
  return Status::InvalidArgument(fmt::format("{}: parameter '{}': expected a number in (0, 1e+12], found {}",
                                             kind, name, QuoteForError(parameters.values().at(name))));
}

Result<ArmModels::Shape> GetShape(const Parameters& parameters, std::string_view kind) {
  MARQUEE_ASSIGN_OR_RETURN(std::string shape,
                           parameters.GetChoice(kind, "model", "shared", {"shared", "disjoint"}));
  return shape == "shared" ? ArmModels::Shape::kShared : ArmModels::Shape::kDisjoint;
}

using PolicyResult = Result<std::unique_ptr<ArtworkPolicy>>;

PolicyResult CreateUniform(const Parameters& parameters,
                           std::shared_ptr<const ArtworkFeatures> features) {
  MARQUEE_RETURN_IF_ERROR(parameters.CheckAllUsed("uniform"));
  return std::unique_ptr<ArtworkPolicy>(
      std::make_unique<UniformPolicy>(std::move(features), parameters));
}

PolicyResult CreateEpsilonGreedy(const Parameters& parameters,
                                 std::shared_ptr<const ArtworkFeatures> features) {
  constexpr std::string_view kKind = "epsilon-greedy";
  EpsilonGreedyOptions options;
  MARQUEE_ASSIGN_OR_RETURN(options.epsilon,
                           parameters.GetDouble(kKind, "epsilon", options.epsilon, 0.0, 1.0));
  MARQUEE_ASSIGN_OR_RETURN(options.lambda, GetPositive(parameters, kKind, "lambda", options.lambda));
  MARQUEE_RETURN_IF_ERROR(parameters.CheckAllUsed(kKind));
  return std::unique_ptr<ArtworkPolicy>(
      std::make_unique<EpsilonGreedyPolicy>(std::move(features), parameters, options));
}

PolicyResult CreateLinUcb(const Parameters& parameters,
                          std::shared_ptr<const ArtworkFeatures> features) {
  constexpr std::string_view kKind = "linucb";
  LinUcbOptions options;
  MARQUEE_ASSIGN_OR_RETURN(options.shape, GetShape(parameters, kKind));
  MARQUEE_ASSIGN_OR_RETURN(options.alpha,
                           parameters.GetDouble(kKind, "alpha", options.alpha, 0.0, kMaxSetting));
  MARQUEE_ASSIGN_OR_RETURN(options.lambda, GetPositive(parameters, kKind, "lambda", options.lambda));
  MARQUEE_RETURN_IF_ERROR(parameters.CheckAllUsed(kKind));
  return std::unique_ptr<ArtworkPolicy>(
      std::make_unique<LinUcbPolicy>(std::move(features), parameters, options));
}

PolicyResult CreateThompson(const Parameters& parameters,
                            std::shared_ptr<const ArtworkFeatures> features) {
  constexpr std::string_view kKind = "thompson";
  ThompsonOptions options;
  MARQUEE_ASSIGN_OR_RETURN(options.shape, GetShape(parameters, kKind));
  MARQUEE_ASSIGN_OR_RETURN(options.scale, GetPositive(parameters, kKind, "scale", options.scale));
  MARQUEE_ASSIGN_OR_RETURN(options.lambda, GetPositive(parameters, kKind, "lambda", options.lambda));
  MARQUEE_ASSIGN_OR_RETURN(int64_t samples,
                           parameters.GetInt(kKind, "samples", options.samples, 1, 100000));
  options.samples = static_cast<uint32_t>(samples);
  MARQUEE_RETURN_IF_ERROR(parameters.CheckAllUsed(kKind));
  return std::unique_ptr<ArtworkPolicy>(
      std::make_unique<ThompsonPolicy>(std::move(features), parameters, options));
}

}  // namespace

std::vector<std::string> ArtworkPolicyKinds() {
  return {"uniform", "epsilon-greedy", "linucb", "thompson"};
}

Result<std::unique_ptr<ArtworkPolicy>> CreateArtworkPolicy(
    std::string_view kind, const Parameters& parameters,
    std::shared_ptr<const ArtworkFeatures> features) {
  if (features == nullptr) {
    return Status::InvalidArgument(
        fmt::format("artwork policy '{}': expected artwork features, found none", kind));
  }
  if (kind == "uniform") return CreateUniform(parameters, std::move(features));
  if (kind == "epsilon-greedy") return CreateEpsilonGreedy(parameters, std::move(features));
  if (kind == "linucb") return CreateLinUcb(parameters, std::move(features));
  if (kind == "thompson") return CreateThompson(parameters, std::move(features));
  return Status::InvalidArgument(fmt::format("unknown artwork policy {} (expected one of: {})",
                                             QuoteForError(kind), fmt::join(ArtworkPolicyKinds(), ", ")));
}

namespace {

constexpr std::string_view kFilePrefix = "file:";
constexpr std::string_view kFileSuffix = ".mqp";

// The path when `spec` names a policy file, "" when it is a kind. Decided by
// the spec's text alone: a kind never ends in ".mqp" or starts with "file:".
std::string_view PolicyFilePath(std::string_view spec) {
  if (spec.starts_with(kFilePrefix)) return spec.substr(kFilePrefix.size());
  if (spec.ends_with(kFileSuffix)) return spec;
  return {};
}

bool IsFileSpec(std::string_view spec) {
  return spec.starts_with(kFilePrefix) || spec.ends_with(kFileSuffix);
}

Result<std::unique_ptr<ArtworkPolicy>> CreateFromKindSpec(
    std::string_view spec, std::shared_ptr<const ArtworkFeatures> features) {
  const size_t colon = spec.find(':');
  const std::string_view kind = spec.substr(0, colon);
  const std::vector<std::string> kinds = ArtworkPolicyKinds();
  if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
    return Status::InvalidArgument(fmt::format(
        "unknown artwork policy {} (expected one of: {}, with optional parameters as in "
        "\"linucb:alpha=0.5\"; or a policy file: file:PATH or PATH{})",
        QuoteForError(spec), fmt::join(kinds, ", "), kFileSuffix));
  }
  Parameters parameters;
  if (colon != std::string_view::npos) {
    Result<Parameters> parsed = Parameters::Parse(spec.substr(colon + 1));
    if (!parsed.ok()) {
      return Status::InvalidArgument(
          fmt::format("artwork policy {}: {}", QuoteForError(spec), parsed.status().message()));
    }
    parameters = std::move(*parsed);
  }
  return CreateArtworkPolicy(kind, parameters, std::move(features));
}

}  // namespace

Result<std::unique_ptr<ArtworkPolicy>> CreateArtworkPolicyFromSpec(
    std::string_view spec, std::shared_ptr<const ArtworkFeatures> features) {
  if (IsFileSpec(spec)) {
    return Status::InvalidArgument(fmt::format(
        "artwork policy {}: a policy file; loading one needs the catalog (the overload that takes it)",
        QuoteForError(spec)));
  }
  return CreateFromKindSpec(spec, std::move(features));
}

Result<std::unique_ptr<ArtworkPolicy>> CreateArtworkPolicyFromSpec(
    std::string_view spec, const Catalog& catalog, std::shared_ptr<const ArtworkFeatures> features) {
  if (!IsFileSpec(spec)) return CreateFromKindSpec(spec, std::move(features));
  const std::string_view path = PolicyFilePath(spec);
  if (path.empty()) {
    return Status::InvalidArgument(
        fmt::format("artwork policy {}: expected file:PATH with a path, found none", QuoteForError(spec)));
  }
  return LoadArtworkPolicy(std::string(path), catalog, std::move(features));
}

std::string ArtworkPolicyName(const ArtworkPolicy& policy) {
  std::string name(policy.kind());
  const std::string parameters = policy.parameters().ToString();
  if (!parameters.empty()) name += " " + parameters;
  return name;
}

}  // namespace marquee
