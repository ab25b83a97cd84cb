// HomepageService: what GET /v1/members/{id}/homepage does, without HTTP --
// the member's history now (dataset row + plays logged since), one scoring
// pass over the catalog, every configured row kind, page assembly
// (page/page_builder.h), under the request's region, maturity and the
// member's exclusions. Artwork for the visible titles is chosen by the
// caller (the HTTP layer logs it with each title's page placement).
//
// Per model snapshot and page configuration the service keeps one
// PageSources (catalog index, neighbours, trending counts): built on the
// first request after a model swap, and at once when the configuration is
// reloaded. Both swaps are atomic: a request uses one model and one
// configuration from start to end.
//
// Thread safety: every method may be called from many threads at once.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/page/page_builder.h"
#include "marquee/page/page_config.h"
#include "marquee/page/page_sources.h"
#include "marquee/serve/impression_ids.h"
#include "marquee/serve/member_history.h"
#include "marquee/serve/model_store.h"
#include "marquee/serve/recommendation_service.h"
#include "marquee/util/mutex.h"
#include "marquee/util/status.h"

namespace marquee::serve {

struct HomepageOptions {
  // The page configuration file (docs/homepage.md); empty: the built-in one.
  std::string config_path;
  // Neighbours kept per title for Because You Watched rows.
  uint32_t neighbours = page::PageSourcesOptions{}.neighbours;
};

// The largest page a request may ask for.
inline constexpr uint32_t kMaxPageRows = 100;
inline constexpr uint32_t kMaxPagePerRow = 200;

struct HomepageQuery {
  uint32_t rows = 0;     // 0: the configuration's rules.rows
  uint32_t per_row = 0;  // 0: the configuration's rules.per_row
  std::string region;        // ISO code; "" = everywhere
  std::string max_maturity;  // "" = no limit
  // The member's exclusions: title ids never to show (unknown ids are an error).
  std::vector<std::string> exclude_ids;
};

// What the page was built from, kept alive by the pages that use it.
struct PageState {
  std::shared_ptr<const ServingModel> model;
  std::shared_ptr<const page::PageConfig> config;
  std::unique_ptr<page::PageSources> sources;
  std::unique_ptr<page::PageBuilder> builder;
};

struct Homepage {
  std::shared_ptr<const PageState> state;
  page::Page page;
  std::string page_id;  // unique per answer: "page-PREFIX-N"
  uint32_t rows = 0, per_row = 0;
  int64_t now = 0;
  // No member signal (unknown member, no positive): the popular page, flagged.
  bool fallback = false;
  std::string fallback_reason;
  // The member's history when they have logged events (the artwork context).
  std::optional<MemberHistory> live_history;
  const ServingModel& model() const { return *state->model; }
};

// What an experiment cell changes about a page (serve/experiment_service.h);
// null members are the service's own.
struct PageVariant {
  std::shared_ptr<const ServingModel> model;
  std::shared_ptr<const page::PageConfig> config;
};

class HomepageService {
 public:
  // `models` and `recommendations` must outlive the service. Errors: the
  // configuration file's (LoadPageConfig: file, line, field).
  static Result<std::unique_ptr<HomepageService>> Create(ModelStore& models, RecommendationService& recommendations,
                                                         const HomepageOptions& options = {});

  // Errors: InvalidArgument with field "rows" / "per_row" (out of 1..max),
  // "region" (none of the catalog's titles is restricted to it, when the
  // catalog records regions), "maturity" (unknown rating), "exclude" (title
  // ids not in the catalog);
  // the event store's read errors.
  // `variant`: an experiment cell's model and/or configuration; its page
  // sources are built on its first request and kept (kMaxVariantStates).
  Result<Homepage> ForMember(std::string_view member_id, const HomepageQuery& query,
                             const PageVariant& variant = {});

  // Reads `path` (nullopt: the current file again; the built-in config when
  // there is none) and swaps it in for the next requests. On any error the
  // current configuration stays and the error names the file, line and field.
  Result<std::shared_ptr<const page::PageConfig>> ReloadConfig(const std::optional<std::string>& path);
  std::shared_ptr<const page::PageConfig> config() const { return config_.load(); }

 private:
  HomepageService(ModelStore& models, RecommendationService& recommendations, const HomepageOptions& options,
                  std::shared_ptr<const page::PageConfig> config);
  // The state for the current model and configuration, built when either changed.
  std::shared_ptr<const PageState> State();
  // The state for a variant's model and configuration (either null: the
  // current one), from variant_states_ or built.
  std::shared_ptr<const PageState> VariantState(const PageVariant& variant);
  std::shared_ptr<const PageState> BuildState(std::shared_ptr<const ServingModel> model,
                                              std::shared_ptr<const page::PageConfig> config) const;

  ModelStore& models_;
  RecommendationService& recommendations_;
  HomepageOptions options_;
  ImpressionIds page_ids_;
  std::atomic<std::shared_ptr<const page::PageConfig>> config_;
  std::atomic<std::shared_ptr<const PageState>> state_;
  // Serializes state rebuilds and configuration reloads; requests never take it
  // unless the model or configuration changed since the state was built.
  Mutex rebuild_mutex_;
  std::string config_path_ GUARDED_BY(rebuild_mutex_);
  // Experiment variants' states, most recently built last; the oldest goes
  // beyond kMaxVariantStates (an experiment stopped, a model reloaded).
  static constexpr size_t kMaxVariantStates = 16;
  Mutex variant_mutex_;
  std::vector<std::shared_ptr<const PageState>> variant_states_ GUARDED_BY(variant_mutex_);
};

}  // namespace marquee::serve
