#include "marquee/serve/homepage_service.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "marquee/data/id_map.h"

namespace marquee::serve {

namespace {

Result<std::shared_ptr<const page::PageConfig>> ReadConfig(const std::string& path) {
  if (path.empty()) return std::make_shared<const page::PageConfig>(page::DefaultPageConfig());
  MARQUEE_ASSIGN_OR_RETURN(page::PageConfig config, page::LoadPageConfig(path));
  return std::make_shared<const page::PageConfig>(std::move(config));
}

Status CheckSize(std::string_view field, uint32_t value, uint32_t max) {
  if (value >= 1 && value <= max) return Status::OK();
  return Status::InvalidField(std::string(field), fmt::format("{}: expected 1 to {}, found {}", field, max, value));
}

// Zeroes allowed[t] for each excluded id; InvalidField naming every unknown id.
Status ApplyExclusions(const IdMap& titles, const std::vector<std::string>& ids, std::vector<uint8_t>& allowed) {
  std::string unknown;
  for (const std::string& id : ids) {
    uint32_t t = titles.Find(id);
    if (t == IdMap::kNotFound) unknown += (unknown.empty() ? "" : ", ") + QuoteForError(id);
    else allowed[t] = 0;
  }
  if (unknown.empty()) return Status::OK();
  return Status::InvalidField("exclude", "exclude: titles not in the catalog: " + unknown);
}

}  // namespace

HomepageService::HomepageService(ModelStore& models, RecommendationService& recommendations,
                                 const HomepageOptions& options, std::shared_ptr<const page::PageConfig> config)
    : models_(models), recommendations_(recommendations), options_(options), config_(std::move(config)) {
  MutexLock lock(&rebuild_mutex_);
  config_path_ = options.config_path;
}

Result<std::unique_ptr<HomepageService>> HomepageService::Create(ModelStore& models,
                                                                 RecommendationService& recommendations,
                                                                 const HomepageOptions& options) {
  MARQUEE_ASSIGN_OR_RETURN(std::shared_ptr<const page::PageConfig> config, ReadConfig(options.config_path));
  std::unique_ptr<HomepageService> service(new HomepageService(models, recommendations, options, std::move(config)));
  service->State();  // the first page pays nothing for the catalog index and trending counts
  return service;
}

std::shared_ptr<const PageState> HomepageService::BuildState(std::shared_ptr<const ServingModel> model,
                                                             std::shared_ptr<const page::PageConfig> config) const {
  auto state = std::make_shared<PageState>();
  state->model = std::move(model);
  state->config = std::move(config);
  page::PageSourcesOptions sources;
  sources.neighbours = options_.neighbours;
  sources.title_positives = state->model->title_positives;
  sources.popularity = state->model->popularity;  // counted when the model was loaded
  state->sources = std::make_unique<page::PageSources>(*state->model->dataset, state->model->model(),
                                                       *state->config, std::move(sources));
  state->builder = std::make_unique<page::PageBuilder>(*state->config);
  return state;
}

std::shared_ptr<const PageState> HomepageService::State() {
  std::shared_ptr<const PageState> state = state_.load();
  std::shared_ptr<const ServingModel> model = models_.Current();
  std::shared_ptr<const page::PageConfig> config = config_.load();
  if (state != nullptr && state->model == model && state->config == config) return state;
  MutexLock lock(&rebuild_mutex_);
  state = state_.load();  // another request may have rebuilt it meanwhile
  model = models_.Current();
  config = config_.load();
  if (state == nullptr || state->model != model || state->config != config) {
    state = BuildState(std::move(model), std::move(config));
    state_.store(state);
  }
  return state;
}

Result<std::shared_ptr<const page::PageConfig>> HomepageService::ReloadConfig(
    const std::optional<std::string>& path) {
  std::shared_ptr<const page::PageConfig> config;
  {
    MutexLock lock(&rebuild_mutex_);
    const std::string file = path.value_or(config_path_);
    MARQUEE_ASSIGN_OR_RETURN(config, ReadConfig(file));
    config_path_ = file;
    config_.store(config);
  }
  State();  // built now, not by the next request
  return config;
}

std::shared_ptr<const PageState> HomepageService::VariantState(const PageVariant& variant) {
  std::shared_ptr<const ServingModel> model = variant.model != nullptr ? variant.model : models_.Current();
  std::shared_ptr<const page::PageConfig> config = variant.config != nullptr ? variant.config : config_.load();
  // Built under the lock: a variant's first pages wait for one build rather
  // than each building its own (the catalog index and neighbours take a while).
  MutexLock lock(&variant_mutex_);
  for (const std::shared_ptr<const PageState>& state : variant_states_) {
    if (state->model == model && state->config == config) return state;
  }
  std::shared_ptr<const PageState> state = BuildState(std::move(model), std::move(config));
  if (variant_states_.size() >= kMaxVariantStates) variant_states_.erase(variant_states_.begin());
  variant_states_.push_back(state);
  return state;
}

Result<Homepage> HomepageService::ForMember(std::string_view member_id, const HomepageQuery& query,
                                            const PageVariant& variant) {
  Homepage out;
  out.state = variant.model == nullptr && variant.config == nullptr ? State() : VariantState(variant);
  const ServingModel& model = *out.state->model;
  const page::PageConfig& config = *out.state->config;
  const Dataset& dataset = *model.dataset;
  out.rows = query.rows != 0 ? query.rows : config.rules.rows;
  out.per_row = query.per_row != 0 ? query.per_row : config.rules.per_row;
  MARQUEE_RETURN_IF_ERROR(CheckSize("rows", out.rows, kMaxPageRows));
  MARQUEE_RETURN_IF_ERROR(CheckSize("per_row", out.per_row, kMaxPagePerRow));

  // A region the catalog does not know would quietly show only the titles
  // available everywhere: a typo, refused like an unknown maturity.
  const page::CatalogIndex& index = out.state->sources->index();
  if (!query.region.empty() && !index.KnowsRegion(query.region)) {
    return Status::InvalidField("region", fmt::format("region: {} is not a region of the catalog (expected one of: {})",
                                                      QuoteForError(query.region),
                                                      fmt::join(index.regions(), ", ")));
  }
  // Which titles may be shown: region and maturity (the cached mask), then
  // the member's exclusions.
  const TitleFilter filter{.region = query.region, .max_maturity = query.max_maturity};
  MARQUEE_ASSIGN_OR_RETURN(std::shared_ptr<const std::vector<uint8_t>> mask,
                           RecommendationService::Candidates(*out.state->model, filter));
  const size_t n = dataset.titles.size();
  thread_local std::vector<uint8_t> allowed, seen;
  if (mask != nullptr) allowed.assign(mask->begin(), mask->end());
  else allowed.assign(n, 1);
  MARQUEE_RETURN_IF_ERROR(ApplyExclusions(dataset.titles, query.exclude_ids, allowed));

  // The member now: dataset row and the events logged since.
  MARQUEE_ASSIGN_OR_RETURN(std::vector<Event> events, recommendations_.MemberEvents(member_id));
  const uint32_t member = dataset.members.Find(member_id);
  thread_local MemberHistory history;
  BuildMemberHistory(model, member, events, history);
  if (!events.empty()) out.live_history = history;
  thread_local std::vector<page::PagePlay> plays;
  plays.clear();
  if (member != IdMap::kNotFound) page::AppendRowPlays(dataset, member, plays);
  page::MergeEventPlays(events, dataset.titles, plays);
  seen.assign(n, 0);
  for (uint32_t t : history.seen) seen[t] = 1;

  // One scoring pass that every personalized row reads.
  thread_local std::vector<float> scores;
  scores.resize(n);
  const bool personalized = !history.titles.empty();
  if (personalized) {
    ScoreMemberHistory(model, member, history, scores);
  } else {
    auto popular = out.state->sources->popularity();
    std::copy(popular.begin(), popular.end(), scores.begin());
    out.fallback = true;
    out.fallback_reason = NoSignalReason(member, history);
  }

  out.now = static_cast<int64_t>(std::time(nullptr));
  page::PageInputs in = out.state->sources->InputsAt(out.now);
  in.scores = scores;
  in.allowed = allowed;
  in.seen = seen;
  in.plays = plays;
  in.region = query.region;
  in.personalized = personalized;
  out.page = out.state->builder->Build(in, {.rows = out.rows, .per_row = out.per_row});
  out.page_id = "page-" + page_ids_.Next();
  return out;
}

}  // namespace marquee::serve
