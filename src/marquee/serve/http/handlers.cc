#include "marquee/util/json_fields.h"
#include "marquee/serve/http/handlers.h"

#include "marquee/util/strings.h"

#include "marquee/serve/play_ledger.h"

#include <chrono>
#include <ctime>
#include <functional>

#include "marquee/serve/http/openapi.h"
#include "marquee/util/json_writer.h"

namespace marquee::serve {

using nlohmann::json;

Reply Reply::Json(const json& body, int status) {
  // Replace invalid UTF-8 (ids echoed from a client) instead of throwing.
  return {status, json_fields::Dump(body), "application/json"};
}

Reply Reply::Error(const ApiError& error) { return Json(error.ToJson(), error.http_status); }

json ModelJson(const ServingModel& model) {
  const ModelInfo& info = model.loaded.info;
  return {{"name", info.model},
          {"version", info.version},
          {"dir", model.dir},
          {"parameters", info.parameters.values()},
          {"trained_at", info.trained_at},
          {"loaded_at", model.loaded_at},
          {"titles", model.model().title_count()},
          {"added_titles", model.model().title_count() - model.learned_titles},
          {"members", model.model().member_count()},
          {"interactions", info.interactions},
          {"dataset_source", info.dataset_source}};
}

namespace {

// The codes the recommendation routes answered before the services spoke
// Status, which clients may match on: an unknown history title is
// "unknown_titles", an unknown genre "invalid_argument" (CandidateMask's code).
ApiError RecommendationError(const Status& status) {
  ApiError error = FromStatus(status);
  if (error.field == "history") error.code = "unknown_titles";
  if (error.field == "genre") error.code = "invalid_argument";
  return error;
}

// Equal strings, in time independent of where they differ (the admin token).
bool SameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

Handlers::Handlers(const ServerOptions& options, ModelStore& models, EventStore& events,
                   Metrics& metrics, RecommendationService& recommendations, ArtworkService* artwork,
                   const IngestOptions& ingest, ConsentGate* consent, HomepageService* homepage,
                   ExperimentService* experiments)
    : options_(options),
      models_(models),
      events_(events),
      metrics_(metrics),
      recommendations_(recommendations),
      artwork_(artwork),
      ingest_(ingest),
      consent_(consent),
      homepage_(homepage),
      experiments_(experiments),
      ledger_book_(consent != nullptr ? std::make_unique<LedgerBook>(events) : nullptr),
      openapi_(OpenApiDocument().dump(2)),
      started_at_(static_cast<int64_t>(std::time(nullptr))) {}

namespace {
json DisclosureJson(const AiDisclosure& d) {
  return {{"required", d.required}, {"text", d.text}, {"basis", d.basis}};
}

json ArtworkJson(const Dataset& dataset, const ArtworkChoice& c) {
  if (c.title_card) {
    return {{"title_card", true}, {"reason", std::string(c.reason)}, {"impression_id", c.impression_id}};
  }
  if (!c.has_artwork) return nullptr;
  return {{"id", dataset.catalog.titles()[c.title].artwork[c.variant].id},
          {"propensity", c.propensity},
          {"impression_id", c.impression_id},
          {"ai_disclosure", DisclosureJson(c.disclosure)}};
}
}  // namespace

namespace {
// An impression of an interleaved list's title that has no artwork: the
// credit of plays to teams reads it (experiment/interleaving_report.h).
Event TeamImpression(const Dataset& dataset, std::string_view member_id, uint32_t title, int64_t now,
                     const ServedExperiment& experiment, experiment::Team team) {
  Event e;
  e.kind = EventKind::kImpression;
  e.member_id = std::string(member_id);
  e.title_id = std::string(dataset.titles.ExternalId(title));
  e.time = now;
  e.experiment = ExperimentTag{experiment.placed.spec.name, "", std::string(experiment::TeamName(team))};
  return e;
}
}  // namespace

void WriteArtwork(JsonWriter& out, const Dataset& dataset, const ArtworkChoice& c) {
  if (c.title_card) {
    out.BeginObject()
        .Key("impression_id").String(c.impression_id)
        .Key("reason").String(c.reason)
        .Key("title_card").Bool(true)
        .EndObject();
    return;
  }
  if (!c.has_artwork) {
    out.Null();
    return;
  }
  out.BeginObject()
      .Key("ai_disclosure").BeginObject()
          .Key("basis").String(c.disclosure.basis)
          .Key("required").Bool(c.disclosure.required)
          .Key("text").String(c.disclosure.text)
          .EndObject()
      .Key("id").String(dataset.catalog.titles()[c.title].artwork[c.variant].id)
      .Key("impression_id").String(c.impression_id)
      .Key("propensity").Double(c.propensity)
      .EndObject();
}

// "experiments": [{"cell", "experiment"}] -- for an interleaving experiment
// {"experiment", "method": "interleaving"}: its members see both cells, and
// which ranker picked which title is never told to the client.
json ExperimentsJson(const ExperimentArm& arm) {
  JsonWriter out;
  out.BeginObject();
  WriteExperiments(out, arm);
  out.EndObject();
  return json::parse(out.Take())["experiments"];
}

void WriteExperiments(JsonWriter& out, const ExperimentArm& arm) {
  out.Key("experiments").BeginArray();
  for (const ExperimentArm::Applied& a : arm.applied) {
    const experiment::ExperimentSpec& spec = a.experiment->placed.spec;
    out.BeginObject();
    if (a.interleaving()) {
      out.Key("experiment").String(spec.name);
      out.Key("method").String("interleaving");
    } else {
      out.Key("cell").String(spec.cells[a.cell].name);
      out.Key("experiment").String(spec.name);
    }
    out.EndObject();
  }
  out.EndArray();
}

// The list is the answer the server sends most, so it is written with
// JsonWriter rather than built as a nlohmann tree: the same text Reply::Json
// would give (keys in sorted order, as nlohmann's objects keep them).
Reply Handlers::RenderList(const Recommendations& list, std::string_view key, std::string_view id,
                           const std::vector<ArtworkChoice>& artwork, const ExperimentArm* experiments,
                           bool interleaved) {
  const Dataset& dataset = *list.model->dataset;
  JsonWriter out;
  // The echoed id goes where its key sorts among the fixed keys.
  auto echo_id_if = [&](bool here) {
    if (here && !key.empty()) out.Key(key).String(id);
  };
  out.BeginObject();
  if (experiments != nullptr && !experiments->applied.empty()) WriteExperiments(out, *experiments);
  out.Key("fallback").Bool(list.fallback);
  if (list.fallback) out.Key("fallback_reason").String(list.fallback_reason);
  echo_id_if(key < "model_version");
  out.Key("model_version").String(list.model->version());
  echo_id_if(key > "model_version" && key < "recommendations");
  out.Key("recommendations").BeginArray();
  for (size_t r = 0; r < list.items.size(); ++r) {
    const uint32_t title = list.items[r].title;
    out.BeginObject();
    if (r < artwork.size()) {
      const ArtworkChoice& c = artwork[r];
      out.Key("artwork");
      WriteArtwork(out, dataset, c);
    }
    out.Key("name").String(dataset.catalog.titles()[title].name);
    out.Key("rank").Uint(r + 1);
    out.Key("score").Double(interleaved ? static_cast<double>(list.items.size() - r) / list.items.size()
                                        : list.items[r].score);
    out.Key("title").String(dataset.titles.ExternalId(title));
    out.EndObject();
  }
  out.EndArray();
  echo_id_if(key > "recommendations" && key < "retrieval");
  out.Key("retrieval").String(list.retrieval);
  echo_id_if(key > "retrieval");
  out.EndObject();
  return {200, out.Take(), "application/json"};
}

Reply Handlers::MemberRecommendations(std::string_view member_id, const QueryParams& params) {
  MemberQuery query;
  Parsed<uint32_t> k = ParseKParam(params);
  if (!k.ok()) return Reply::Error(k.error());
  query.k = *k;
  Parsed<bool> exclude = ParseBoolParam(params, "exclude_watched", true);
  if (!exclude.ok()) return Reply::Error(exclude.error());
  query.exclude_watched = *exclude;
  Parsed<TitleFilter> filter = ParseFilterParams(params);
  if (!filter.ok()) return Reply::Error(filter.error());
  query.filter = std::move(*filter);
  Parsed<std::string> territory = ParseTerritoryParam(params, options_.default_territory);
  if (!territory.ok()) return Reply::Error(territory.error());
  Parsed<bool> with_artwork = ParseBoolParam(params, "artwork", artwork_ != nullptr);
  if (!with_artwork.ok()) return Reply::Error(with_artwork.error());
  // preview=true: a look at what the member would get (the dashboard), with
  // no side effect -- no experiment, no exposure, no impression.
  Parsed<bool> preview = ParseBoolParam(params, "preview", false);
  if (!preview.ok()) return Reply::Error(preview.error());
  if (*preview) {
    Result<Recommendations> list = recommendations_.ForMember(member_id, query, nullptr);
    if (!list.ok()) return Reply::Error(RecommendationError(list.status()));
    if (!*with_artwork) return RenderList(*list, "member", member_id, {});
    std::vector<uint32_t> titles;
    for (const ScoredTitle& item : list->items) titles.push_back(item.title);
    Parsed<std::vector<ArtworkChoice>> artwork = PreviewArtwork(member_id, titles, *territory, &list->live_history);
    if (!artwork.ok()) return Reply::Error(artwork.error());
    return RenderList(*list, "member", member_id, *artwork);
  }
  const ExperimentArm arm =
      ResolveExperiments(member_id, *territory, experiment::kRankingParameter | (*with_artwork ? experiment::kArtworkParameter : 0));

  std::vector<experiment::Team> teams;
  Result<Recommendations> list = arm.interleaving != nullptr
                                     ? InterleavedList(member_id, query, *arm.interleaving, teams)
                                     : recommendations_.ForMember(member_id, query, arm.model);
  if (!list.ok()) return Reply::Error(RecommendationError(list.status()));
  std::vector<uint32_t> titles;
  for (const ScoredTitle& item : list->items) titles.push_back(item.title);
  const std::unique_ptr<ExposureClaim> exposures = ClaimExposures(member_id, arm);
  const ImpressionContext shown{.arm = &arm,
                                .teams = teams,
                                .exposures = exposures.get(),
                                .dataset = list->model != nullptr ? list->model->dataset.get() : nullptr};
  const bool interleaved = arm.interleaving != nullptr;
  if (!*with_artwork) {
    if (std::optional<ApiError> error = LogWithoutArtwork(member_id, titles, shown)) return Reply::Error(*error);
    return RenderList(*list, "member", member_id, {}, &arm, interleaved);
  }
  // The list's own read of the member's events serves the artwork context too.
  Parsed<std::vector<ArtworkChoice>> artwork =
      ChooseArtwork(member_id, titles, *territory, &list->live_history, shown);
  if (!artwork.ok()) return Reply::Error(artwork.error());
  return RenderList(*list, "member", member_id, *artwork, &arm, interleaved);
}

ExperimentArm Handlers::ResolveExperiments(std::string_view member_id, std::string_view territory,
                                           uint8_t parameters) const {
  if (experiments_ == nullptr) return {};
  const bool known = models_.dataset().members.Find(member_id) != IdMap::kNotFound;
  return experiments_->Resolve({.member_id = member_id,
                                .now = static_cast<int64_t>(std::time(nullptr)),
                                .region = territory,
                                .known_member = known},
                               parameters);
}

std::unique_ptr<ExposureClaim> Handlers::ClaimExposures(std::string_view member_id, const ExperimentArm& arm) {
  if (experiments_ == nullptr || arm.applied.empty()) return nullptr;
  return experiments_->ClaimExposures(member_id, arm, static_cast<int64_t>(std::time(nullptr)));
}

Result<Recommendations> Handlers::InterleavedList(std::string_view member_id, const MemberQuery& query,
                                                  const ServedExperiment& experiment,
                                                  std::vector<experiment::Team>& teams) {
  MARQUEE_ASSIGN_OR_RETURN(Recommendations a, recommendations_.ForMember(member_id, query, experiment.cells[0].model));
  MARQUEE_ASSIGN_OR_RETURN(Recommendations b, recommendations_.ForMember(member_id, query, experiment.cells[1].model));
  std::vector<uint32_t> list_a, list_b;
  for (const ScoredTitle& item : a.items) list_a.push_back(item.title);
  for (const ScoredTitle& item : b.items) list_b.push_back(item.title);
  const uint64_t seed = std::hash<std::string_view>{}(member_id) ^
                        static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  const std::vector<experiment::InterleavedTitle> merged = experiment::TeamDraftInterleave(list_a, list_b, query.k, seed);
  // The answer is a's (its model names the version and dataset); its items
  // become the merged list. Both lists fall back alike (no member signal).
  a.items.clear();
  teams.clear();
  for (const experiment::InterleavedTitle& t : merged) {
    a.items.push_back({t.title, 0.0f});
    teams.push_back(t.team);
  }
  return a;
}

Parsed<std::vector<ArtworkChoice>> Handlers::PreviewArtwork(std::string_view member_id,
                                                            std::span<const uint32_t> titles,
                                                            const std::string& territory,
                                                            const std::optional<MemberHistory>* live) {
  if (artwork_ == nullptr) return ApiError{503, "artwork_disabled", "this server has no artwork policy", "artwork"};
  std::optional<History> live_history;
  if (live != nullptr && live->has_value()) live_history = (*live)->scoring();
  std::vector<Event> discarded;
  ArtworkRequest request{territory};
  request.preview = true;
  std::vector<ArtworkChoice> choices =
      artwork_->Choose(member_id, titles, static_cast<int64_t>(std::time(nullptr)), discarded,
                       live_history ? &*live_history : nullptr, request);
  for (ArtworkChoice& c : choices) c.impression_id.clear();
  return choices;
}

Parsed<std::vector<ArtworkChoice>> Handlers::ChooseArtwork(std::string_view member_id,
                                                           std::span<const uint32_t> titles,
                                                           const std::string& territory,
                                                           const std::optional<MemberHistory>* live,
                                                           const ImpressionContext& shown) {
  ArtworkService* artwork = shown.arm != nullptr && shown.arm->artwork != nullptr ? shown.arm->artwork : artwork_;
  if (artwork == nullptr) {
    return ApiError{503, "artwork_disabled", "this server has no artwork policy", "artwork"};
  }
  // The member's plays logged since start-up shape the context too, through
  // the same history fold-in uses.
  Result<std::optional<MemberHistory>> looked_up = std::optional<MemberHistory>();
  if (live == nullptr) {
    looked_up = recommendations_.LiveHistory(member_id);
    if (!looked_up.ok()) return FromStatus(looked_up.status());
    live = &*looked_up;
  }
  std::optional<History> live_history;
  if (live->has_value()) live_history = (*live)->scoring();
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::vector<Event> impressions;
  std::vector<LedgerEntry> ledger;
  std::vector<ArtworkChoice> choices = artwork->Choose(member_id, titles, now, impressions,
                                                       live_history ? &*live_history : nullptr, {territory}, &ledger);
  // Each impression where it was shown and, in an interleaved list, with its
  // team: Choose logs them in the choices' order, skipping titles that got none.
  const ServedExperiment* interleaving = shown.arm != nullptr ? shown.arm->interleaving : nullptr;
  std::vector<Event> logged;
  if (shown.exposures != nullptr) logged = shown.exposures->events();
  size_t next = 0;
  for (size_t i = 0; i < choices.size(); ++i) {
    const bool has_impression = next < impressions.size() && impressions[next].impression_id == choices[i].impression_id;
    if (has_impression) {
      Event& e = impressions[next++];
      if (i < shown.placements.size()) e.placement = shown.placements[i];
      if (interleaving != nullptr && i < shown.teams.size()) {
        e.experiment = ExperimentTag{interleaving->placed.spec.name, "", std::string(experiment::TeamName(shown.teams[i]))};
      }
      logged.push_back(std::move(e));
    } else if (interleaving != nullptr && i < shown.teams.size()) {
      logged.push_back(TeamImpression(shown.dataset != nullptr ? *shown.dataset : models_.dataset(), member_id,
                                      titles[i], now, *interleaving, shown.teams[i]));
    }
  }
  // Shown only once recorded: an impression that cannot be logged is not
  // served; its ledger rows commit in the same transaction.
  Status stored = events_.AppendWithLedger(logged, ledger, ingest_.impressions);
  if (!stored.ok()) return FromStatus(stored);
  if (shown.exposures != nullptr) shown.exposures->Commit();
  metrics_.AddEventsIngested(logged.size());
  artwork->NoteLogged(member_id, choices, now);
  return choices;
}

std::optional<ApiError> Handlers::LogWithoutArtwork(std::string_view member_id, std::span<const uint32_t> titles,
                                                    const ImpressionContext& shown) {
  std::vector<Event> logged;
  if (shown.exposures != nullptr) logged = shown.exposures->events();
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  const ServedExperiment* interleaving = shown.arm != nullptr ? shown.arm->interleaving : nullptr;
  if (interleaving != nullptr) {
    for (size_t i = 0; i < titles.size() && i < shown.teams.size(); ++i) {
      logged.push_back(TeamImpression(shown.dataset != nullptr ? *shown.dataset : models_.dataset(), member_id,
                                      titles[i], now, *interleaving, shown.teams[i]));
    }
  }
  if (logged.empty()) return std::nullopt;
  Status stored = events_.Append(logged, ingest_.impressions);
  if (!stored.ok()) return FromStatus(stored);
  if (shown.exposures != nullptr) shown.exposures->Commit();
  metrics_.AddEventsIngested(logged.size());
  return std::nullopt;
}

Reply Handlers::MemberArtwork(std::string_view member_id, const QueryParams& params) {
  if (member_id.empty()) return Reply::Error(ApiError::BadField("member", "member: expected a non-empty id"));
  const Dataset& dataset = models_.dataset();
  std::vector<uint32_t> titles;
  std::string unknown, added;
  for (const std::string& id : ParseListParam(params, "titles")) {
    const uint32_t title = dataset.titles.Find(id);
    // Titles added while serving have no artwork yet (the artwork service
    // and its gate know the trained catalog).
    std::string& list = AddedWhileServing(id) ? added : unknown;
    if (title == IdMap::kNotFound) list += (list.empty() ? "" : ", ") + QuoteForError(id);
    else titles.push_back(title);
  }
  if (!unknown.empty()) return Reply::Error(ApiError::NotFound("titles not in the catalog: " + unknown, "titles"));
  if (!added.empty()) {
    return Reply::Error(ApiError::NotFound("titles added while serving have no artwork yet: " + added, "titles"));
  }
  if (titles.empty() || titles.size() > kMaxArtworkTitles) {
    return Reply::Error(ApiError::BadField(
        "titles", "titles: expected 1 to " + std::to_string(kMaxArtworkTitles) + " comma-separated title ids, found " +
                      std::to_string(titles.size())));
  }
  Parsed<std::string> territory = ParseTerritoryParam(params, options_.default_territory);
  if (!territory.ok()) return Reply::Error(territory.error());
  // An artwork experiment's cell chooses here too (its exposure logged with
  // the impressions); ranking experiments do not shape this answer.
  const ExperimentArm arm = ResolveExperiments(member_id, *territory, experiment::kArtworkParameter);
  const std::unique_ptr<ExposureClaim> exposures = ClaimExposures(member_id, arm);
  Parsed<std::vector<ArtworkChoice>> choices =
      ChooseArtwork(member_id, titles, *territory, nullptr, {.arm = &arm, .exposures = exposures.get()});
  if (!choices.ok()) return Reply::Error(choices.error());
  ArtworkService* policy = arm.artwork != nullptr ? arm.artwork : artwork_;
  json items = json::array();
  for (const ArtworkChoice& c : *choices) {
    items.push_back({{"title", std::string(dataset.titles.ExternalId(c.title))}, {"artwork", ArtworkJson(dataset, c)}});
  }
  json answer = {{"member", std::string(member_id)}, {"policy", policy->policy_name()}, {"artwork", std::move(items)}};
  if (!arm.applied.empty()) answer["experiments"] = ExperimentsJson(arm);
  return Reply::Json(answer);
}

namespace {
// null without --policy-snapshot; last_time is unix seconds (null before the first write).
json SnapshotJson(const ArtworkStats& stats) {
  if (stats.snapshot_path.empty()) return nullptr;
  json snapshot = {{"path", stats.snapshot_path},
                   {"restored", stats.restored},
                   {"written", stats.snapshots_written},
                   {"last_time", nullptr}};
  if (stats.last_snapshot_time != 0) snapshot["last_time"] = stats.last_snapshot_time;
  if (!stats.snapshot_refused.empty()) snapshot["refused"] = stats.snapshot_refused;
  if (!stats.last_snapshot_error.empty()) snapshot["last_error"] = stats.last_snapshot_error;
  return snapshot;
}
}  // namespace

Reply Handlers::ArtworkPolicyStats() {
  if (artwork_ == nullptr) {
    return Reply::Error({503, "artwork_disabled", "this server has no artwork policy", "artwork"});
  }
  // Counts include everything acknowledged before this request (learning runs
  // behind the requests); a learner more than a second behind answers with
  // what it has applied so far.
  (void)artwork_->FlushFor(std::chrono::seconds(1));
  ArtworkStats stats = artwork_->Stats();
  return Reply::Json({{"policy", stats.policy},
                      {"decisions", stats.decisions},
                      {"updates", stats.updates},
                      {"rewarded", stats.rewarded},
                      {"pending", stats.pending},
                      {"evicted", stats.evicted},
                      {"learn_queue_depth", stats.learn_queue_depth},
                      {"learn_dropped", stats.learn_dropped},
                      {"snapshot", SnapshotJson(stats)}});
}

Reply Handlers::HistoryRecommendations(std::string_view body) {
  Parsed<HistoryRequest> request = ParseHistoryRequest(body);
  if (!request.ok()) return Reply::Error(request.error());
  Result<Recommendations> list = recommendations_.ForHistory(*request);
  if (!list.ok()) return Reply::Error(RecommendationError(list.status()));
  if (!request->artwork) return RenderList(*list, "", "");
  std::vector<uint32_t> titles;
  for (const ScoredTitle& item : list->items) titles.push_back(item.title);
  const std::string& territory = request->territory.empty() ? options_.default_territory : request->territory;
  Parsed<std::vector<ArtworkChoice>> artwork = ChooseArtwork(request->session_id, titles, territory);
  if (!artwork.ok()) return Reply::Error(artwork.error());
  return RenderList(*list, "session_id", request->session_id, *artwork);
}

Reply Handlers::SimilarTitles(std::string_view title_id, const QueryParams& params) {
  Parsed<uint32_t> k = ParseKParam(params);
  if (!k.ok()) return Reply::Error(k.error());
  Result<Recommendations> list = recommendations_.Similar(title_id, *k);
  if (!list.ok()) return Reply::Error(FromStatus(list.status()));
  return RenderList(*list, "title", title_id);
}

Reply Handlers::PostEvents(std::string_view body) {
  Parsed<std::vector<Event>> events = ParseEventsRequest(body, static_cast<int64_t>(std::time(nullptr)));
  if (!events.ok()) return Reply::Error(events.error());
  // Behind the consent gate plays are accounted for: their ledger rows
  // (attributed impression, seconds watched, qualified) commit with them.
  std::vector<LedgerEntry> ledger;
  if (artwork_ != nullptr && consent_ != nullptr && consent_->enabled()) {
    // Runtimes from the served catalog, which may have outgrown the store's
    // startup one (docs/adding_titles.md).
    const std::shared_ptr<const ServingModel> served = models_.Current();
    Result<std::vector<LedgerEntry>> plays =
        PlayLedgerEntries(events_, *served->dataset, *events, artwork_->options().reward.reward_window_seconds,
                          artwork_->options().qualifying);
    if (!plays.ok()) return Reply::Error(FromStatus(plays.status()));
    ledger = std::move(*plays);
  }
  // Answer only once the store says the events are durable.
  Status appended = events_.AppendWithLedger(*events, ledger, ingest_.posted_events);
  if (!appended.ok()) return Reply::Error(FromStatus(appended));
  recommendations_.NoteAppended(*events);
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (artwork_ != nullptr) artwork_->NoteOutcomes(*events, now);
  if (experiments_ != nullptr) experiments_->NoteOutcomes(*events, now);
  metrics_.AddEventsIngested(events->size());
  return Reply::Json({{"accepted", events->size()}});
}

Reply Handlers::CurrentModel() { return Reply::Json(ModelJson(*models_.Current())); }

bool Handlers::AddedWhileServing(std::string_view title_id) const {
  return models_.dataset().titles.Find(title_id) == IdMap::kNotFound &&
         models_.Current()->dataset->titles.Find(title_id) != IdMap::kNotFound;
}

bool Handlers::Authorized(std::string_view authorization) const {
  if (options_.admin_token.empty()) return true;
  // The scheme is case-insensitive (RFC 7235 §2.1); the token is not.
  constexpr std::string_view kBearer = "bearer ";
  if (AsciiLower(authorization.substr(0, kBearer.size())) != kBearer) return false;
  return SameSecret(authorization.substr(kBearer.size()), options_.admin_token);
}

Reply Handlers::ReloadModel(std::string_view authorization, std::string_view body) {
  if (!Authorized(authorization)) {
    return Reply::Error({401, "unauthorized", "expected the header Authorization: Bearer <admin token>",
                         "Authorization"});
  }
  Parsed<std::optional<std::string>> dir = ParseReloadRequest(body);
  if (!dir.ok()) return Reply::Error(dir.error());
  Result<std::shared_ptr<const ServingModel>> loaded = models_.Reload(*dir);
  if (!loaded.ok()) {
    ApiError error = FromStatus(loaded.status(), "model");
    error.message = "reload refused, the previous model keeps serving: " + error.message;
    return Reply::Error(error);
  }
  return Reply::Json(ModelJson(**loaded));
}

Reply Handlers::Health() { return Reply::Json({{"status", "ok"}}); }

Reply Handlers::MetricsText() {
  std::shared_ptr<const ServingModel> model = models_.Current();
  std::string gauge =
      "# HELP marquee_model_info The model being served (value 1), labelled by name and version.\n"
      "# TYPE marquee_model_info gauge\n"
      "marquee_model_info{model=\"" + PrometheusLabel(model->loaded.info.model) + "\",version=\"" +
      PrometheusLabel(model->version()) + "\"} 1\n"
      "# HELP marquee_model_loaded_at_seconds When the served model was loaded (epoch seconds).\n"
      "# TYPE marquee_model_loaded_at_seconds gauge\n"
      "marquee_model_loaded_at_seconds " + std::to_string(model->loaded_at) + "\n";
  return {200, metrics_.Render(gauge), "text/plain; version=0.0.4"};
}

Reply Handlers::OpenApi() { return {200, openapi_, "application/json"}; }

}  // namespace marquee::serve
