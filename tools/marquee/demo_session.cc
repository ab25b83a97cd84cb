#include "demo_session.h"

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

#include <nlohmann/json.hpp>

#include "marquee/ledger/ledger_input.h"
#include "marquee/ledger/statement.h"
#include "marquee/ledger/verify.h"
#include "marquee/serve/http/handlers.h"
#include "output_file.h"

namespace marquee::cli {
namespace {

using json = nlohmann::json;

// One member's visit: their homepage row with artwork, then the plays the
// truth draws for what they were shown (a start, and whether they kept
// watching). Returns the plays posted.
Result<size_t> Visit(serve::Handlers& handlers, const Dataset& dataset, const GroundTruth& truth, uint32_t member,
                     uint32_t k, std::mt19937_64& rng) {
  const std::string member_id(dataset.members.ExternalId(member));
  serve::QueryParams params = {{"k", std::to_string(k)}};
  serve::Reply page = handlers.MemberRecommendations(member_id, params);
  if (page.status != 200) return Status::IOError("demo session: homepage for " + member_id + ": " + page.body);
  json list = json::parse(page.body);
  json plays = json::array();
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (const json& item : list["recommendations"]) {
    const json& art = item.value("artwork", json());
    if (!art.is_object() || !art.contains("id")) continue;  // a title card or no artwork
    const uint32_t title = dataset.titles.Find(item["title"].get<std::string>());
    const auto& variants = dataset.catalog.titles()[title].artwork;
    uint32_t variant = 0;
    while (variants[variant].id != art["id"].get<std::string>()) ++variant;
    if (u(rng) >= truth.PlayProbability(member, title, variant)) continue;
    const bool kept_watching = u(rng) < truth.QualifyProbability(title, variant);
    plays.push_back({{"kind", "play"},
                     {"member", member_id},
                     {"title", item["title"]},
                     {"watch_fraction", kept_watching ? 0.85 : 0.04}});
  }
  if (plays.empty()) return size_t{0};
  serve::Reply posted = handlers.PostEvents(json{{"events", plays}}.dump());
  if (posted.status != 200) return Status::IOError("demo session: plays of " + member_id + ": " + posted.body);
  return plays.size();
}

}  // namespace

Status RunDemoSession(serve::ServingStack& stack, const GroundTruth& truth, const DemoSessionOptions& options,
                      std::FILE* out) {
  serve::ServerOptions server_options;
  serve::Metrics metrics;
  serve::Handlers handlers(server_options, *stack.models, *stack.events, metrics, *stack.recommendations,
                           stack.artwork.get(), stack.ingest, stack.consent.get(), stack.homepage.get());
  const Dataset& dataset = *stack.dataset;
  std::mt19937_64 rng(options.seed);
  const uint32_t members = std::min<uint32_t>(options.members, static_cast<uint32_t>(dataset.members.size()));
  size_t plays = 0;
  for (uint32_t m = 0; m < members; ++m) {
    MARQUEE_ASSIGN_OR_RETURN(size_t n, Visit(handlers, dataset, truth, m, options.k, rng));
    plays += n;
  }
  MARQUEE_ASSIGN_OR_RETURN(LedgerVerification verified, VerifyLedger(*stack.events, dataset));
  std::fprintf(out, "\nThe ledger: %u members browsed the live server behind the consent gate and played %zu titles\n",
               members, plays);
  std::fprintf(out, "  %llu impression rows and %llu play rows, hash-chained; marquee ledger verify: %s\n",
               static_cast<unsigned long long>(verified.impression_rows),
               static_cast<unsigned long long>(verified.play_rows), verified.ok ? "ok" : "MISMATCH");
  if (!verified.ok) std::fputs(VerificationText(verified).c_str(), out);
  if (!options.events_path.empty()) {
    std::fprintf(out, "Next: marquee ledger verify --events %s --data %s\n", options.events_path.c_str(),
                 options.data_path.c_str());
  }

  MARQUEE_ASSIGN_OR_RETURN(LedgerAccounts accounts, FoldLedger(*stack.events));
  std::map<std::string, PerformerTotals> all = accounts.AllPerformers();
  // Most qualifying plays first, then most impressions: a statement with plays in it.
  std::vector<std::tuple<int64_t, int64_t, std::string>> by_impressions;
  for (const auto& [id, totals] : all) {
    by_impressions.push_back({-totals.qualifying_plays, -totals.qualifying_impressions, id});
  }
  std::sort(by_impressions.begin(), by_impressions.end());
  if (by_impressions.empty()) return Status::OK();
  const ConsentRegistry& registry = stack.consent->Current()->registry();
  std::vector<PerformerStatement> statements;
  for (size_t i = 0; i < std::min<size_t>(5, by_impressions.size()); ++i) {
    MARQUEE_ASSIGN_OR_RETURN(PerformerStatement s,
                             BuildStatement(accounts, dataset, registry, std::get<2>(by_impressions[i]), {}));
    statements.push_back(std::move(s));
  }
  std::fprintf(out, "\nThe statement of the performer whose images led to the most qualifying plays (what they or "
                    "their union would read):\n");
  std::fputs(StatementText(statements.front()).c_str(), out);
  if (!options.report_path.empty()) {
    MARQUEE_RETURN_IF_ERROR(WriteOutput(options.report_path, [&](std::FILE* f) {
      std::fputs(StatementHtml(statements).c_str(), f);
    }));
    std::fprintf(out, "Wrote %s (the statements of the %zu performers with the most qualifying plays, with their impressions by day)\n",
                 options.report_path.c_str(), statements.size());
    if (!options.events_path.empty()) {
      std::fprintf(out, "Next: marquee statement --events %s --data %s --consents %s --performer %s --format html "
                        "--out statement.html\n",
                   options.events_path.c_str(), options.data_path.c_str(), options.consents_path.c_str(),
                   statements.front().performer_id.c_str());
    }
  }
  return Status::OK();
}

}  // namespace marquee::cli
