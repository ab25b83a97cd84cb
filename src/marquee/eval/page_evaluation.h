// Page-level evaluation (issue 13 §3): how good whole homepages are, offline.
//
// Protocol. A temporal split (eval/split.h): the model learns from everything
// before the split time; each member with plays on both sides is evaluated on
// the titles they played from the split time on (their "next plays"). For
// each such member the page is built as of the split time -- their plays
// before it, the model's scores for them, trending decayed to the split time
// -- and measured over its visible R x C area (page/page_metrics.h): recall
// of the next plays, the two-dimensional discounted gain, the first hit,
// genres shown, the share of Continue Watching; across members, the share of
// the catalog shown to anyone (coverage).
//
// Strategies compared on the same members, model and configuration:
//   popularity    the page an unknown member gets: the configured rows built
//                 on popularity, without the member's plays
//   one-list      the member's single Top Picks list cut into rows
//                 (page_builder.h CutIntoRows)
//   fixed-order   the configured rows in the configuration's order
//   personalized  the configured rows assembled by value (page_assembler.h)
//
// With graded gains (the synthetic service's expected plays under each
// member's true tastes) the pages are also measured against them
// (MeasurePageGraded): a measure of taste, free of the sampling noise of
// which titles a member happened to play next.
//
// Offline there are no regions or maturity limits: every title is allowed.
// A dataset cell holds a member's plays of a title together, at their latest
// time, so a title played before the split is almost never among the next
// plays: Continue Watching rows mostly cost recall here, and their share is
// reported so that the cost can be read.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/data/dataset.h"
#include "marquee/eval/split.h"
#include "marquee/models/recommender.h"
#include "marquee/page/page_config.h"
#include "marquee/page/page_metrics.h"
#include "marquee/util/parameters.h"
#include "marquee/util/progress.h"
#include "marquee/util/status.h"

namespace marquee {

enum class PageStrategy : uint8_t { kPopularity, kOneList, kFixedOrder, kPersonalized };
inline constexpr PageStrategy kAllPageStrategies[] = {PageStrategy::kPopularity, PageStrategy::kOneList,
                                                      PageStrategy::kFixedOrder, PageStrategy::kPersonalized};
// "popularity", "one-list", "fixed-order", "personalized".
std::string_view PageStrategyName(PageStrategy strategy);

// Fills gain[t] (>= 0, one entry per title) for a member of the dataset.
// Called from many threads at once, so it must only read shared state.
using PageGainFunction = std::function<void(uint32_t member, std::span<float> gain)>;

struct PageEvaluationOptions {
  // The split time, epoch seconds; 0 = the time that leaves split_quantile of
  // the timed interactions before it (TimeAtQuantile).
  int64_t split_time = 0;
  double split_quantile = 0.8;  // (0, 1)
  uint32_t min_history = 2;     // members with fewer interactions are not evaluated
  // The visible area: rows x per_row.
  uint32_t rows = 10;     // 1..100 (PageRules)
  uint32_t per_row = 20;  // 1..200
  page::PageConfig config = page::DefaultPageConfig();
  page::DiscountWeights discount;
  // Graded gains; empty = binary measures only. Titles the member played
  // before the split count 0 (as in the binary measures, see above).
  PageGainFunction gains;
  // At most this many members, the first by index (0 = all): quick looks.
  uint32_t max_members = 0;
  ProgressCallback progress;

  // InvalidArgument naming the field.
  Status Validate() const;
};

// Where a strategy's pages put one row kind, and what it found.
struct RowKindResult {
  page::RowKind kind = page::RowKind::kTopPicks;
  double rows = 0.0;      // rows of this kind per page (mean over members)
  double position = 0.0;  // mean 1-based position of those rows (0 when none)
  // Share of the next plays found on the pages that were found in rows of
  // this kind (the visible area's hits, each counted once).
  double hit_share = 0.0;
};

// Means over the evaluated members unless said otherwise.
struct PageStrategyResult {
  PageStrategy strategy = PageStrategy::kPersonalized;
  double recall = 0.0;         // page recall@(rows, per_row) of the next plays
  double ndcg = 0.0;           // page NDCG, binary gain on the next plays
  double graded_ndcg = 0.0;    // page NDCG on the graded gains (0 without them)
  double graded_recall = 0.0;  // MeasurePageGraded's recall (0 without gains)
  double hit_share = 0.0;      // share of members with a next play on the page
  // 1-based position of the first hit, over members with a hit (0 when none).
  double first_hit_row = 0.0;
  double first_hit_column = 0.0;
  double genres = 0.0;          // distinct genres in the visible area
  double visible_titles = 0.0;  // cells filled
  double continue_watching_share = 0.0;
  // Distinct titles shown on any member's page / titles in the catalog.
  double coverage = 0.0;
  std::vector<RowKindResult> kinds;  // page::kAllRowKinds order
};

// Personalized minus fixed-order page NDCG, member by member: the question
// the issue asks (does assembling by value beat the configured order?) with
// its noise, since the two pages differ little for most members.
struct PagePairedDifference {
  double mean = 0.0;               // mean over members of the difference
  double standard_error = 0.0;     // of that mean (sample standard deviation / sqrt(n))
  uint64_t better = 0, worse = 0;  // members whose personalized page scored higher / lower
};

struct PageEvaluationResult {
  std::string model;
  Parameters parameters;
  int64_t split_time = 0;
  uint64_t train_interactions = 0;
  // The next plays of the evaluated members (fewer than the split's when
  // max_members leaves some out).
  uint64_t target_interactions = 0;
  uint64_t members_evaluated = 0;
  uint32_t rows = 0, per_row = 0;
  bool graded = false;
  std::string config_source;
  double train_seconds = 0.0;
  double evaluate_seconds = 0.0;
  std::vector<PageStrategyResult> strategies;  // kAllPageStrategies order
  PagePairedDifference personalized_vs_fixed;
};

// The time before which `quantile` of the data's timed interactions fall,
// moved to the next distinct time when ties would leave nothing before it.
// InvalidArgument when the data has no times, fewer than two distinct
// times, or quantile is outside (0, 1).
Result<int64_t> TimeAtQuantile(const InteractionMatrix& data, double quantile);

// The temporal split of dataset.interactions these options ask for.
Result<EvalSplit> MakePageSplit(const Dataset& dataset, const PageEvaluationOptions& options);

// OK when `split` leaves a member to evaluate: one with interactions on both
// sides of the split time and at least the split's min_history. Otherwise
// InvalidArgument saying so, so that no one reads a table of zeros (means
// over no member) as a result. EvaluatePages and EvaluatePagesOnSplit check it.
Status CheckMembersToEvaluate(const EvalSplit& split);

// Measures every strategy with `model`, already trained on split.train.
// split must have the dataset's shape (a temporal split of it).
Result<PageEvaluationResult> EvaluatePagesOnSplit(const Dataset& dataset, const EvalSplit& split,
                                                  const Recommender& model,
                                                  const PageEvaluationOptions& options);

// Creates `model_name` with `parameters`, trains it on split.train (split:
// MakePageSplit of the dataset) and evaluates the pages.
Result<PageEvaluationResult> EvaluatePages(const Dataset& dataset, const EvalSplit& split,
                                           const std::string& model_name, const Parameters& parameters,
                                           const PageEvaluationOptions& options, const TrainContext& context);

// One line per strategy, with a header (graded columns when graded), and a
// line on the personalized - fixed-order difference.
std::string PageEvaluationTable(const PageEvaluationResult& result);
// One line per strategy and row kind on its pages: rows per page, mean
// position, share of the hits.
std::string PageRowKindTable(const PageEvaluationResult& result);
// The result as a JSON document (indented by `indent` spaces).
std::string PageEvaluationJson(const PageEvaluationResult& result, int indent = 2);

}  // namespace marquee
