// Handlers: one function a route, from the request's parts (path ids, query
// parameters, body) to a Reply. They know nothing of the HTTP library, so the
// server's only job is plumbing: routing, instrumentation, and lifetime.
#pragma once

#include <string>
#include <string_view>

#include "marquee/store/event_store.h"
#include "marquee/serve/http/api_error.h"
#include "marquee/experiment/interleaving.h"
#include "marquee/serve/artwork_service.h"
#include "marquee/serve/experiment_service.h"
#include "marquee/serve/ledger_book.h"
#include "marquee/serve/http/json_request.h"
#include "marquee/serve/ingest_options.h"
#include "marquee/serve/http/metrics.h"
#include "marquee/serve/model_store.h"
#include "marquee/util/json_writer.h"
#include "marquee/serve/recommendation_service.h"
#include "marquee/serve/http/server_options.h"

namespace marquee::serve {

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";

  static Reply Json(const nlohmann::json& body, int status = 200);
  static Reply Error(const ApiError& error);
};

// A choice's artwork object as every route writes it -- {id, propensity,
// impression_id, ai_disclosure}, a title card {title_card, reason,
// impression_id}, or null for a title without variants -- keys sorted, as
// nlohmann's objects keep them.
void WriteArtwork(JsonWriter& out, const Dataset& dataset, const ArtworkChoice& c);
// The "experiments" key of an answer shaped by experiments (handlers.cc).
void WriteExperiments(JsonWriter& out, const ExperimentArm& arm);
nlohmann::json ExperimentsJson(const ExperimentArm& arm);

// What an answer logs with its impressions besides the artwork choices:
// placements, an experiment cell's artwork policy, interleaving teams and
// first exposures (Handlers::ChooseArtwork).
struct ImpressionContext {
  std::span<const PagePlacement> placements;  // one a title, or empty
  const ExperimentArm* arm = nullptr;          // its artwork policy replaces the server's
  std::span<const experiment::Team> teams;    // interleaved list: one a title
  ExposureClaim* exposures = nullptr;         // logged in the same append, committed once durable
  // The answering model's dataset, whose indices `titles` are; null: the
  // store's (docs/adding_titles.md: a served catalog may outgrow it).
  const Dataset* dataset = nullptr;
};

// The model a server answers with, as GET /v1/models shows it: name,
// version, directory, parameters, times, counts (titles includes
// added_titles, those added while serving).
nlohmann::json ModelJson(const ServingModel& model);

class Handlers {
 public:
  // All must outlive the handlers.
  // `artwork` may be null: the artwork routes then answer 503. `ingest`: the
  // durability of the impressions and of the posted events they append.
  // `consent` may be null: the consent routes then answer 503.
  Handlers(const ServerOptions& options, ModelStore& models, EventStore& events, Metrics& metrics,
           RecommendationService& recommendations, ArtworkService* artwork, const IngestOptions& ingest,
           ConsentGate* consent = nullptr, HomepageService* homepage = nullptr,
           ExperimentService* experiments = nullptr);

  Reply MemberRecommendations(std::string_view member_id, const QueryParams& params);
  Reply HistoryRecommendations(std::string_view body);
  Reply SimilarTitles(std::string_view title_id, const QueryParams& params);
  Reply PostEvents(std::string_view body);
  // GET /v1/members/{id}/artwork?titles=a,b,c
  Reply MemberArtwork(std::string_view member_id, const QueryParams& params);
  Reply ArtworkPolicyStats();
  // GET /v1/members/{id}/homepage (homepage_handlers.cc): the page, artwork
  // for the first artwork_columns titles of every row logged as impressions
  // with their placement (page id, row id, row, column). 503 without a
  // homepage service.
  Reply MemberHomepage(std::string_view member_id, const QueryParams& params);
  // POST /v1/page-config/reload ({"path"?: file}; admin): reads the page
  // configuration and swaps it in; 400 naming the file, line and field when
  // it is refused (the previous one keeps serving).
  Reply ReloadPageConfig(std::string_view authorization, std::string_view body);
  // Admin routes of the experiments (experiment_handlers.cc; 503 without an
  // experiment service): POST /v1/experiments (a spec, docs/experiments.md;
  // 201 with the experiment as placed, 400 naming the field when refused),
  // GET /v1/experiments (every stored one, with its status), POST
  // /v1/experiments/{name}/stop (body empty or {}; 200; 404 for an unknown
  // name, 400 for one already ended or stopped, or for any other body).
  Reply PostExperiment(std::string_view authorization, std::string_view body);
  Reply ListExperiments(std::string_view authorization);
  Reply StopExperiment(std::string_view authorization, std::string_view name, std::string_view body);
  // GET /v1/experiments/{name}/report (admin): the report so far, as
  // `marquee experiment report --json` writes it (A/B: per cell and metric,
  // lift with its interval, CUPED, Holm, the sample ratio check; interleaving:
  // the preference share). 404 for an unknown name, 409 before it starts.
  Reply ExperimentReport(std::string_view authorization, std::string_view name);
  Reply CurrentModel();
  // The dashboard (dashboard_handlers.cc): GET / is the page, GET
  // /dashboard/{file} its files (404 for another name), GET /v1/stats the
  // JSON it polls: the served model and its swap history, per-route request
  // counts and latency histograms (Metrics::kLatencyBuckets), events
  // ingested, the artwork policy's counters. Public, like /metrics.
  Reply DashboardPage();
  Reply DashboardFile(std::string_view name);
  Reply Stats();
  // POST /v1/titles (catalog_handlers.cc; admin): new titles as JSON lines
  // (data/new_title_json.h; at most kMaxNewTitles), added to the catalog
  // served (ModelStore::AddTitles) and to the title log, both before the
  // 201 {"added": [{"title", "features", "unknown"}], "model"}. 400 naming
  // the line and field of a refused title, 409 for an id in the catalog
  // already, 422 when the served model has no factors; nothing is added
  // then.
  Reply PostTitles(std::string_view authorization, std::string_view body);
  // `authorization` is the Authorization header ("" when absent).
  Reply ReloadModel(std::string_view authorization, std::string_view body);
  // Admin routes of the consent gate (serve/consent_gate.h), each durable and
  // in force before it answers 201 with the entry as stored:
  // POST /v1/consents (a consent record), POST /v1/consents/{id}/revoke
  // ({"effective_at"?, "reason"?}), POST /v1/takedowns (a notice),
  // POST /v1/takedowns/{id}/restore ({"restored_at"?, "note"?}). A missing
  // time is the request's. 400 naming the field for a refused entry, 404 for
  // an unknown performer, consent or takedown, 503 without a gate or a log.
  Reply PostConsent(std::string_view authorization, std::string_view body);
  // POST /v1/performers: a performer's facts (consent_json.h "performer":
  // birth date, death date, representative), durable and in force (a death
  // recorded here is honoured at once) before the 201.
  Reply PostPerformer(std::string_view authorization, std::string_view body);
  Reply RevokeConsent(std::string_view authorization, std::string_view consent_id, std::string_view body);
  Reply PostTakedown(std::string_view authorization, std::string_view body);
  Reply RestoreTakedown(std::string_view authorization, std::string_view takedown_id, std::string_view body);
  // GET /v1/performers/{id}/statement?from=YYYY-MM-DD&to=YYYY-MM-DD (days
  // in UTC, both inclusive; absent: unbounded) and GET /v1/titles/{id}/
  // exposure: ledger/statement.h and ledger/exposure.h as JSON, from the
  // ledger as it stands. Admin routes (the figures are the performers' pay).
  // 400 naming "from"/"to"/"performer"; 404 for an unknown title; 503
  // without a gate (no ledger is written).
  Reply PerformerStatement(std::string_view authorization, std::string_view performer_id, const QueryParams& params);
  Reply TitleExposure(std::string_view authorization, std::string_view title_id, const QueryParams& params);
  // GET /v1/consents/gate: the gate's counters (admin).
  Reply ConsentGateStats(std::string_view authorization);
  Reply Health();
  Reply MetricsText();
  Reply OpenApi();

 private:
  // `experiments`: the experiments that shaped the list (named in the
  // answer, without teams); `interleaved`: the list is an interleaving, so
  // its scores are its order (neither ranker's scale shows).
  Reply RenderList(const Recommendations& list, std::string_view key, std::string_view id,
                   const std::vector<ArtworkChoice>& artwork = {}, const ExperimentArm* experiments = nullptr,
                   bool interleaved = false);
  // Chooses artwork for `titles` and makes the impressions durable (at
  // ingest_.impressions) before returning them; the error when logging fails (nothing is then shown).
  // `live`: the member's history now when the caller already read it (a
  // recommendation list carries it); nullptr: read here.
  // `shown`: what else the answer logs with its impressions (ImpressionContext).
  // The artwork the policy would choose now, with no side effect
  // (ArtworkRequest::preview): nothing logged, held, counted or learned; the
  // choices carry no impression id. 503 without an artwork policy.
  Parsed<std::vector<ArtworkChoice>> PreviewArtwork(std::string_view member_id, std::span<const uint32_t> titles,
                                                    const std::string& territory,
                                                    const std::optional<MemberHistory>* live);
  Parsed<std::vector<ArtworkChoice>> ChooseArtwork(std::string_view member_id, std::span<const uint32_t> titles,
                                                   const std::string& territory,
                                                   const std::optional<MemberHistory>* live = nullptr,
                                                   const ImpressionContext& shown = {});
  // An answer without artwork: logs its exposures and, for an interleaved
  // list, an impression of every title tagged with its team (the credit of
  // plays needs them). Nothing is logged when there is neither.
  std::optional<ApiError> LogWithoutArtwork(std::string_view member_id, std::span<const uint32_t> titles,
                                            const ImpressionContext& shown);
  // The member's experiments for a request from `territory`; empty without
  // an experiment service.
  // Only experiments changing one of `parameters` (experiment::ExperimentParameter bits).
  ExperimentArm ResolveExperiments(std::string_view member_id, std::string_view territory, uint8_t parameters) const;
  // The member's first exposures to the experiments of `arm`, reserved now
  // (ExperimentService::ClaimExposures); null when no experiment applies.
  std::unique_ptr<ExposureClaim> ClaimExposures(std::string_view member_id, const ExperimentArm& arm);
  // The list a member in an interleaving experiment sees: both cells'
  // rankings for `query`, merged by team draft (seeded by the member and the
  // time, so each request draws anew). `teams` gets each position's team.
  Result<Recommendations> InterleavedList(std::string_view member_id, const MemberQuery& query,
                                          const ServedExperiment& experiment, std::vector<experiment::Team>& teams);
  bool Authorized(std::string_view authorization) const;
  // Whether `title_id` was added while serving (POST /v1/titles): in the
  // served model's catalog, not in the trained one that artwork, the gate and
  // the ledger know.
  bool AddedWhileServing(std::string_view title_id) const;
  // The 401 reply when `authorization` does not carry the admin token.
  std::optional<Reply> RefuseUnauthorized(std::string_view authorization) const;
  // Adds a parsed consent entry through the gate; 201 with the entry stored.
  Reply AddConsentEntry(const ConsentEntry& entry);

  const ServerOptions& options_;
  ModelStore& models_;
  EventStore& events_;
  Metrics& metrics_;
  RecommendationService& recommendations_;
  ArtworkService* artwork_;
  const IngestOptions ingest_;
  ConsentGate* consent_;
  HomepageService* homepage_;
  ExperimentService* experiments_;
  std::unique_ptr<LedgerBook> ledger_book_;  // with a gate: the ledger's running totals
  const std::string openapi_;  // rendered once
  const int64_t started_at_;   // epoch seconds, for the dashboard's uptime
};

}  // namespace marquee::serve
