#include "marquee/eval/page_evaluation.h"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>

#include "marquee/models/registry.h"
#include "marquee/page/page_builder.h"
#include "marquee/page/page_sources.h"
#include "marquee/util/civil_time.h"

namespace marquee {

namespace {

constexpr size_t kStrategies = std::size(kAllPageStrategies);
constexpr size_t kKinds = std::size(page::kAllRowKinds);

// Where one page put each row kind and what those rows found.
struct KindCounts {
  uint16_t rows[kKinds] = {};
  uint16_t position_sum[kKinds] = {};  // 1-based
  uint16_t hits[kKinds] = {};
};

constexpr size_t IndexOf(PageStrategy strategy) {
  return static_cast<size_t>(strategy);
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// What one member's pages measured, per strategy.
struct MemberMeasures {
  page::PageMeasure binary[kStrategies];
  page::PageMeasure graded[kStrategies];
  KindCounts kinds[kStrategies];
};

// Read-only state every member's pages are built from.
struct PageContext {
  const Dataset& train_data;  // the dataset as of the split: interactions = split.train
  const EvalSplit& split;
  const Recommender& model;
  const page::PageSources& sources;
  const page::PageBuilder& builder;
  const PageEvaluationOptions& options;
  std::span<const uint8_t> all_allowed;  // offline every title may be shown
  std::span<const uint8_t> none_seen;    // the unknown member's seen mask
};

// One thread's reusable buffers.
struct MemberBuffers {
  explicit MemberBuffers(size_t titles) : seen(titles, 0), scores(titles), gain(titles) {}
  std::vector<page::PagePlay> plays;
  std::vector<uint8_t> seen;
  std::vector<float> scores;
  std::vector<float> gain;
  std::vector<uint8_t> shown[kStrategies];  // titles on any page of this thread, per strategy
};

page::Page BuildPage(const PageContext& c, PageStrategy strategy, const page::PageInputs& member_inputs) {
  const page::AssembleRequest request{
      .rows = c.options.rows, .per_row = c.options.per_row, .order = page::RowOrder::kByValue};
  switch (strategy) {
    case PageStrategy::kPopularity: {
      page::PageInputs unknown = member_inputs;
      unknown.scores = c.sources.popularity();
      unknown.seen = c.none_seen;
      unknown.plays = {};
      unknown.personalized = false;
      return c.builder.Build(unknown, request);
    }
    case PageStrategy::kOneList:
      return page::CutIntoRows(member_inputs, request);
    case PageStrategy::kFixedOrder: {
      page::AssembleRequest fixed = request;
      fixed.order = page::RowOrder::kConfig;
      return c.builder.Build(member_inputs, fixed);
    }
    case PageStrategy::kPersonalized:
      return c.builder.Build(member_inputs, request);
  }
  return {};
}

void MarkShown(const page::Page& page, uint32_t rows, uint32_t per_row, std::vector<uint8_t>& shown) {
  for (size_t r = 0; r < std::min<size_t>(rows, page.rows.size()); ++r) {
    const auto& titles = page.rows[r].row.titles;
    for (size_t c = 0; c < std::min<size_t>(per_row, titles.size()); ++c) shown[titles[c].title] = 1;
  }
}

// `relevant` ascending (a CSR row). A title shown twice (only when the rules
// de-duplicate part of the page) counts once, in its upper row.
KindCounts CountKinds(const page::Page& page, std::span<const uint32_t> relevant, uint32_t rows,
                      uint32_t per_row) {
  KindCounts k;
  std::vector<uint32_t> found;
  for (size_t r = 0; r < std::min<size_t>(rows, page.rows.size()); ++r) {
    const page::CandidateRow& row = page.rows[r].row;
    const size_t kind = static_cast<size_t>(row.kind);
    ++k.rows[kind];
    k.position_sum[kind] += static_cast<uint16_t>(r + 1);
    for (size_t c = 0; c < std::min<size_t>(per_row, row.titles.size()); ++c) {
      const uint32_t t = row.titles[c].title;
      if (!std::binary_search(relevant.begin(), relevant.end(), t)) continue;
      if (std::find(found.begin(), found.end(), t) != found.end()) continue;
      found.push_back(t);
      ++k.hits[kind];
    }
  }
  return k;
}

MemberMeasures MeasureMember(const PageContext& c, uint32_t member, MemberBuffers& b) {
  b.plays.clear();
  page::AppendRowPlays(c.train_data, member, b.plays);
  for (const page::PagePlay& p : b.plays) b.seen[p.title] = 1;
  c.model.ScoreMember(member, History::Row(c.split.train, member), b.scores);
  const bool graded = static_cast<bool>(c.options.gains);
  if (graded) {
    std::fill(b.gain.begin(), b.gain.end(), 0.0f);
    c.options.gains(member, b.gain);
    for (const page::PagePlay& p : b.plays) b.gain[p.title] = 0.0f;
  }

  page::PageInputs in = c.sources.InputsAt(c.split.options.split_time);
  in.scores = b.scores;
  in.allowed = c.all_allowed;
  in.seen = b.seen;
  in.plays = b.plays;

  MemberMeasures m;
  const auto relevant = c.split.target.RowIndices(member);
  const uint32_t rows = c.options.rows, per_row = c.options.per_row;
  for (size_t s = 0; s < kStrategies; ++s) {
    const page::Page page = BuildPage(c, kAllPageStrategies[s], in);
    m.binary[s] = page::MeasurePage(page, relevant, rows, per_row, c.train_data.catalog, c.options.discount);
    if (graded) {
      m.graded[s] =
          page::MeasurePageGraded(page, b.gain, {}, rows, per_row, c.train_data.catalog, c.options.discount);
    }
    m.kinds[s] = CountKinds(page, relevant, rows, per_row);
    MarkShown(page, rows, per_row, b.shown[s]);
  }
  for (const page::PagePlay& p : b.plays) b.seen[p.title] = 0;
  return m;
}

std::vector<uint32_t> EvaluatedMembers(const EvalSplit& split, uint32_t max_members) {
  std::vector<uint32_t> members;
  for (uint32_t m = 0; m < split.target.rows(); ++m) {
    if (split.target.RowLength(m) == 0) continue;
    members.push_back(m);
    if (max_members != 0 && members.size() == max_members) break;
  }
  return members;
}

uint64_t NextPlays(const EvalSplit& split, std::span<const uint32_t> members) {
  uint64_t plays = 0;
  for (uint32_t m : members) plays += split.target.RowLength(m);
  return plays;
}

std::string UtcTime(int64_t seconds) {
  const int64_t day = UnixDay(seconds), in_day = seconds - day * kSecondsPerDay;
  return fmt::format("{} {:02}:{:02}:{:02} UTC", FormatCivilDate(day), in_day / 3600, in_day / 60 % 60,
                     in_day % 60);
}

std::vector<RowKindResult> SummarizeKinds(size_t s, std::span<const MemberMeasures> measures) {
  uint64_t rows[kKinds] = {}, positions[kKinds] = {}, hits[kKinds] = {}, all_hits = 0;
  for (const MemberMeasures& m : measures) {
    for (size_t k = 0; k < kKinds; ++k) {
      rows[k] += m.kinds[s].rows[k];
      positions[k] += m.kinds[s].position_sum[k];
      hits[k] += m.kinds[s].hits[k];
      all_hits += m.kinds[s].hits[k];
    }
  }
  std::vector<RowKindResult> out;
  for (size_t k = 0; k < kKinds; ++k) {
    RowKindResult r;
    r.kind = page::kAllRowKinds[k];
    r.rows = static_cast<double>(rows[k]) / std::max<size_t>(measures.size(), 1);
    r.position = rows[k] == 0 ? 0.0 : static_cast<double>(positions[k]) / rows[k];
    r.hit_share = all_hits == 0 ? 0.0 : static_cast<double>(hits[k]) / all_hits;
    out.push_back(r);
  }
  return out;
}

// Sums in member order, so that the result does not depend on the threads.
PageStrategyResult Summarize(PageStrategy strategy, size_t s, std::span<const MemberMeasures> measures,
                             std::span<const uint8_t> shown) {
  PageStrategyResult r;
  r.strategy = strategy;
  uint64_t hits = 0;
  for (const MemberMeasures& m : measures) {
    const page::PageMeasure& b = m.binary[s];
    r.recall += b.recall;
    r.ndcg += b.ndcg;
    r.graded_ndcg += m.graded[s].ndcg;
    r.graded_recall += m.graded[s].recall;
    r.genres += b.distinct_genres;
    r.visible_titles += b.visible_titles;
    r.continue_watching_share += b.continue_watching_share;
    if (b.first_hit_row == 0) continue;
    ++hits;
    r.first_hit_row += b.first_hit_row;
    r.first_hit_column += b.first_hit_column;
  }
  const double n = std::max<size_t>(measures.size(), 1);
  for (double* mean : {&r.recall, &r.ndcg, &r.graded_ndcg, &r.graded_recall, &r.genres, &r.visible_titles,
                       &r.continue_watching_share}) {
    *mean /= n;
  }
  r.hit_share = hits / n;
  if (hits > 0) {
    r.first_hit_row /= hits;
    r.first_hit_column /= hits;
  }
  const size_t distinct = std::count(shown.begin(), shown.end(), uint8_t{1});
  r.coverage = shown.empty() ? 0.0 : static_cast<double>(distinct) / shown.size();
  r.kinds = SummarizeKinds(s, measures);
  return r;
}

PagePairedDifference PairedDifference(std::span<const MemberMeasures> measures, size_t a, size_t b) {
  PagePairedDifference d;
  if (measures.empty()) return d;
  double sum = 0.0;
  for (const MemberMeasures& m : measures) {
    const double diff = m.binary[a].ndcg - m.binary[b].ndcg;
    sum += diff;
    d.better += diff > 0.0;
    d.worse += diff < 0.0;
  }
  const double n = static_cast<double>(measures.size());
  d.mean = sum / n;
  if (measures.size() < 2) return d;
  double squares = 0.0;
  for (const MemberMeasures& m : measures) {
    const double diff = m.binary[a].ndcg - m.binary[b].ndcg - d.mean;
    squares += diff * diff;
  }
  d.standard_error = std::sqrt(squares / (n - 1) / n);
  return d;
}

Status CheckShapes(const Dataset& dataset, const EvalSplit& split, const Recommender& model) {
  const size_t members = dataset.members.size(), titles = dataset.titles.size();
  if (split.train.rows() != members || split.train.cols() != titles || split.target.rows() != members ||
      split.target.cols() != titles) {
    return Status::InvalidArgument(
        fmt::format("page evaluation: the split is {} x {}, the dataset has {} members x {} titles",
                    split.train.rows(), split.train.cols(), members, titles));
  }
  if (model.member_count() != members || model.title_count() != titles) {
    return Status::InvalidArgument(fmt::format(
        "page evaluation: the model was trained on {} members x {} titles, the dataset has {} x {}",
        model.member_count(), model.title_count(), members, titles));
  }
  if (split.options.protocol != SplitProtocol::kTemporal) {
    return Status::InvalidArgument("page evaluation: expected a temporal split, got " +
                                   std::string(SplitProtocolName(split.options.protocol)));
  }
  return Status::OK();
}

}  // namespace

std::string_view PageStrategyName(PageStrategy strategy) {
  switch (strategy) {
    case PageStrategy::kPopularity:
      return "popularity";
    case PageStrategy::kOneList:
      return "one-list";
    case PageStrategy::kFixedOrder:
      return "fixed-order";
    case PageStrategy::kPersonalized:
      return "personalized";
  }
  return "unknown";
}

Status PageEvaluationOptions::Validate() const {
  if (split_time == 0 && !(split_quantile > 0.0 && split_quantile < 1.0)) {
    return Status::InvalidArgument(
        fmt::format("split_quantile: expected a number strictly between 0 and 1, got {}", split_quantile));
  }
  if (rows < 1 || rows > 100) {
    return Status::InvalidArgument(fmt::format("rows: expected 1..100, got {}", rows));
  }
  if (per_row < 1 || per_row > 200) {
    return Status::InvalidArgument(fmt::format("per_row: expected 1..200, got {}", per_row));
  }
  if (!(discount.row >= 0.0) || !(discount.column >= 0.0)) {
    return Status::InvalidArgument(fmt::format(
        "discount: expected row and column weights >= 0, got {} and {}", discount.row, discount.column));
  }
  if (config.rows.empty()) {
    return Status::InvalidArgument("config: expected at least one row kind, " + config.source + " has none");
  }
  return Status::OK();
}

Result<int64_t> TimeAtQuantile(const InteractionMatrix& data, double quantile) {
  if (!(quantile > 0.0 && quantile < 1.0)) {
    return Status::InvalidArgument(
        fmt::format("split quantile: expected a number strictly between 0 and 1, got {}", quantile));
  }
  if (!data.has_times() || data.times().size() < 2) {
    return Status::InvalidArgument("split quantile: the data has no interaction times to split by");
  }
  const size_t n = data.times().size();
  const size_t before = std::clamp<size_t>(static_cast<size_t>(std::llround(quantile * n)), 1, n - 1);
  std::optional<int64_t> at = SplitTimeAt(data.times(), before);
  if (!at) return Status::InvalidArgument("split quantile: every interaction has the same time, nothing to split");
  return *at;
}

Result<EvalSplit> MakePageSplit(const Dataset& dataset, const PageEvaluationOptions& options) {
  MARQUEE_RETURN_IF_ERROR(options.Validate());
  SplitOptions split;
  split.protocol = SplitProtocol::kTemporal;
  split.min_history = options.min_history;
  split.split_time = options.split_time;
  if (split.split_time == 0) {
    MARQUEE_ASSIGN_OR_RETURN(split.split_time, TimeAtQuantile(dataset.interactions, options.split_quantile));
  }
  return MakeSplit(dataset.interactions, split);
}

Status CheckMembersToEvaluate(const EvalSplit& split) {
  if (split.target.nnz() > 0) return Status::OK();
  return Status::InvalidArgument(fmt::format(
      "no member evaluated: no member has interactions on both sides of the split ({}) with at least {} "
      "interactions (min_history)",
      UtcTime(split.options.split_time), split.options.min_history));
}

Result<PageEvaluationResult> EvaluatePagesOnSplit(const Dataset& dataset, const EvalSplit& split,
                                                  const Recommender& model,
                                                  const PageEvaluationOptions& options) {
  MARQUEE_RETURN_IF_ERROR(options.Validate());
  MARQUEE_RETURN_IF_ERROR(CheckShapes(dataset, split, model));
  MARQUEE_RETURN_IF_ERROR(CheckMembersToEvaluate(split));
  const auto start = std::chrono::steady_clock::now();
  const int64_t split_time = split.options.split_time;
  const Dataset train_data{.members = dataset.members,
                           .titles = dataset.titles,
                           .interactions = split.train,
                           .catalog = dataset.catalog,
                           .weight_kind = dataset.weight_kind,
                           .source = dataset.source};
  const page::PageSources sources(
      train_data, model, options.config,
      {.trending_now = split_time, .title_positives = split.train.ColumnCounts()});
  const page::PageBuilder builder(options.config);
  const size_t titles = dataset.titles.size();
  const std::vector<uint8_t> all_allowed(titles, 1), none_seen(titles, 0);
  const PageContext context{train_data, split, model, sources, builder, options, all_allowed, none_seen};

  const std::vector<uint32_t> members = EvaluatedMembers(split, options.max_members);
  std::vector<MemberMeasures> measures(members.size());
  std::vector<std::vector<uint8_t>> shown(kStrategies, std::vector<uint8_t>(titles, 0));
  ProgressReporter progress(options.progress, "building pages", members.size());
#pragma omp parallel
  {
    MemberBuffers buffers(titles);
    for (auto& s : buffers.shown) s.assign(titles, 0);
#pragma omp for schedule(dynamic, 8)
    for (int64_t i = 0; i < static_cast<int64_t>(members.size()); ++i) {
      measures[i] = MeasureMember(context, members[i], buffers);
      progress.Advance(1);
    }
    // An OR of marks: the same whatever the order the threads arrive in.
#pragma omp critical(page_evaluation_shown)
    for (size_t s = 0; s < kStrategies; ++s) {
      for (size_t t = 0; t < titles; ++t) shown[s][t] |= buffers.shown[s][t];
    }
  }
  progress.Finish();

  PageEvaluationResult result;
  result.model = std::string(model.name());
  result.parameters = model.parameters();
  result.split_time = split_time;
  result.train_interactions = split.train.nnz();
  result.target_interactions = NextPlays(split, members);
  result.members_evaluated = members.size();
  result.rows = options.rows;
  result.per_row = options.per_row;
  result.graded = static_cast<bool>(options.gains);
  result.config_source = options.config.source;
  for (size_t s = 0; s < kStrategies; ++s) {
    result.strategies.push_back(Summarize(kAllPageStrategies[s], s, measures, shown[s]));
  }
  result.personalized_vs_fixed =
      PairedDifference(measures, IndexOf(PageStrategy::kPersonalized), IndexOf(PageStrategy::kFixedOrder));
  result.evaluate_seconds = SecondsSince(start);
  return result;
}

Result<PageEvaluationResult> EvaluatePages(const Dataset& dataset, const EvalSplit& split,
                                           const std::string& model_name, const Parameters& parameters,
                                           const PageEvaluationOptions& options,
                                           const TrainContext& context) {
  MARQUEE_RETURN_IF_ERROR(CheckMembersToEvaluate(split));  // before the training it would waste
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> model, CreateRecommender(model_name, parameters));
  const auto start = std::chrono::steady_clock::now();
  Status fitted = model->Fit(split.train, context);
  if (!fitted.ok()) return fitted.WithContext(model_name);
  const double train_seconds = SecondsSince(start);
  MARQUEE_ASSIGN_OR_RETURN(PageEvaluationResult result,
                           EvaluatePagesOnSplit(dataset, split, *model, options));
  result.train_seconds = train_seconds;
  return result;
}

std::string PageEvaluationTable(const PageEvaluationResult& r) {
  const std::string recall = fmt::format("recall@({},{})", r.rows, r.per_row);
  std::string out = fmt::format("{:<13} {:>14} {:>9}", "strategy", recall, "page NDCG");
  if (r.graded) out += fmt::format(" {:>10} {:>12}", "truth NDCG", "truth recall");
  out += fmt::format(" {:>9} {:>9} {:>9} {:>7} {:>9} {:>9}\n", "hit share", "first row", "first col",
                     "genres", "coverage", "CW share");
  for (const PageStrategyResult& s : r.strategies) {
    out += fmt::format("{:<13} {:>14.4f} {:>9.4f}", PageStrategyName(s.strategy), s.recall, s.ndcg);
    if (r.graded) out += fmt::format(" {:>10.4f} {:>12.4f}", s.graded_ndcg, s.graded_recall);
    out += fmt::format(" {:>9.4f} {:>9.2f} {:>9.2f} {:>7.2f} {:>9.4f} {:>9.4f}\n", s.hit_share,
                       s.first_hit_row, s.first_hit_column, s.genres, s.coverage, s.continue_watching_share);
  }
  const PagePairedDifference& d = r.personalized_vs_fixed;
  out += fmt::format(
      "personalized - fixed-order page NDCG: {:+.4f} +- {:.4f} (standard error over members); "
      "higher for {} members, lower for {}\n",
      d.mean, d.standard_error, d.better, d.worse);
  return out;
}

std::string PageRowKindTable(const PageEvaluationResult& r) {
  std::string out = fmt::format("{:<13} {:<20} {:>13} {:>9} {:>9}\n", "strategy", "row kind", "rows per page",
                                "position", "hit share");
  for (const PageStrategyResult& s : r.strategies) {
    for (const RowKindResult& k : s.kinds) {
      if (k.rows == 0.0) continue;
      out += fmt::format("{:<13} {:<20} {:>13.2f} {:>9.2f} {:>9.4f}\n", PageStrategyName(s.strategy),
                         page::RowKindName(k.kind), k.rows, k.position, k.hit_share);
    }
  }
  return out;
}

std::string PageEvaluationJson(const PageEvaluationResult& r, int indent) {
  nlohmann::json strategies = nlohmann::json::array();
  for (const PageStrategyResult& s : r.strategies) {
    nlohmann::json j = {{"strategy", PageStrategyName(s.strategy)},
                        {"recall", s.recall},
                        {"ndcg", s.ndcg},
                        {"hit_share", s.hit_share},
                        {"first_hit_row", s.first_hit_row},
                        {"first_hit_column", s.first_hit_column},
                        {"genres", s.genres},
                        {"visible_titles", s.visible_titles},
                        {"coverage", s.coverage},
                        {"continue_watching_share", s.continue_watching_share}};
    for (const RowKindResult& k : s.kinds) {
      j["row_kinds"][std::string(page::RowKindName(k.kind))] = {
          {"rows", k.rows}, {"position", k.position}, {"hit_share", k.hit_share}};
    }
    if (r.graded) {
      j["graded_ndcg"] = s.graded_ndcg;
      j["graded_recall"] = s.graded_recall;
    }
    strategies.push_back(std::move(j));
  }
  const nlohmann::json doc = {{"model", r.model},
                              {"parameters", r.parameters.values()},
                              {"split_time", r.split_time},
                              {"train_interactions", r.train_interactions},
                              {"target_interactions", r.target_interactions},
                              {"members_evaluated", r.members_evaluated},
                              {"rows", r.rows},
                              {"per_row", r.per_row},
                              {"graded", r.graded},
                              {"config", r.config_source},
                              {"train_seconds", r.train_seconds},
                              {"evaluate_seconds", r.evaluate_seconds},
                              {"strategies", std::move(strategies)},
                              {"personalized_vs_fixed_ndcg",
                               {{"mean", r.personalized_vs_fixed.mean},
                                {"standard_error", r.personalized_vs_fixed.standard_error},
                                {"better", r.personalized_vs_fixed.better},
                                {"worse", r.personalized_vs_fixed.worse}}}};
  return doc.dump(indent);
}

}  // namespace marquee
