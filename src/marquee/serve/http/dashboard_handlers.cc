// The dashboard (issue 16 §2): GET / (the page), GET /dashboard/{file} (its
// script, style and chart library) and GET /v1/stats, the JSON the page
// polls. Read-only: the page's admin actions call the admin routes with the
// token a person types in.
#include <ctime>

#include <fmt/format.h>

#include "marquee/serve/consent_gate.h"
#include "marquee/serve/http/dashboard_assets.h"
#include "marquee/serve/http/handlers.h"

namespace marquee::serve {

using nlohmann::json;

Reply Handlers::DashboardPage() { return DashboardFile("index.html"); }

Reply Handlers::DashboardFile(std::string_view name) {
  std::optional<DashboardAsset> asset = FindDashboardAsset(name);
  if (!asset) return Reply::Error(ApiError::NotFound("no dashboard file named " + std::string(name)));
  return {200, std::string(asset->bytes), std::string(asset->content_type)};
}

Reply Handlers::Stats() {
  json routes = json::array();
  for (const Metrics::RouteSnapshot& r : metrics_.Snapshot()) {
    routes.push_back({{"route", r.label},
                      {"requests", r.requests},
                      {"client_errors", r.client_errors},
                      {"server_errors", r.server_errors},
                      {"buckets", r.buckets},
                      {"seconds", r.seconds}});
  }
  json history = json::array();
  for (const ModelStore::Swap& s : models_.history()) {
    history.push_back({{"version", s.version}, {"dir", s.dir}, {"reason", s.reason}, {"at", s.at}});
  }
  const std::shared_ptr<const ServingModel> served = models_.Current();  // one snapshot for the whole card
  json model = ModelJson(*served);
  model["data_fingerprint"] = fmt::format("{:016x}", served->loaded.info.data_fingerprint);
  json out = {{"now", static_cast<int64_t>(std::time(nullptr))},
              {"started_at", started_at_},
              {"model", std::move(model)},
              {"history", std::move(history)},
              {"events_ingested", metrics_.events_ingested()},
              {"latency_buckets", Metrics::kLatencyBuckets},
              {"routes", std::move(routes)},
              {"artwork", nullptr},
              {"consent", nullptr},
              {"admin_token", !options_.admin_token.empty()},
              {"experiments", experiments_ != nullptr}};
  if (artwork_ != nullptr) {
    const ArtworkStats stats = artwork_->Stats();
    out["artwork"] = {{"policy", stats.policy},         {"decisions", stats.decisions},
                      {"updates", stats.updates},       {"rewarded", stats.rewarded},
                      {"pending", stats.pending},       {"learn_dropped", stats.learn_dropped},
                      {"gate_variants", stats.gate_variants}, {"gate_ineligible", stats.gate_ineligible},
                      {"title_cards", stats.title_cards}};
  }
  // The gate's counts (not its records): public like the rest of the page.
  if (consent_ != nullptr) {
    const serve::ConsentGateStats gate = consent_->Stats();  // qualified: a member function has the name
    out["consent"] = {{"enabled", gate.enabled},         {"consent_log", !gate.consent_log.empty()},
                      {"consents", gate.consents},
                      {"revocations", gate.revocations}, {"takedowns", gate.takedowns},
                      {"restorations", gate.restorations}, {"publishes", gate.publishes}};
  }
  return Reply::Json(out);
}

}  // namespace marquee::serve
