#include "marquee/ranking/ranker.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "marquee/models/registry.h"
#include "marquee/ranking/lambdamart.h"
#include "marquee/ranking/ranking_dataset.h"

namespace marquee {

namespace {
constexpr uint32_t kEnsembleTag = FourCC("RXGB");
constexpr uint32_t kStatsTag = FourCC("RSTA");
constexpr uint32_t kSourcesTag = FourCC("RSRC");
constexpr uint32_t kMembersTag = FourCC("RMEM");
constexpr uint32_t kFewQueries = 100;
constexpr int kTrainingThreads = 4;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// `context`: its seed, and its progress (each source's training shows).
Result<std::vector<std::unique_ptr<Recommender>>> FitSources(const RankerRecommender::Options& options,
                                                             const InteractionMatrix& train, const TrainContext& context,
                                                             std::vector<double>* seconds) {
  std::vector<std::unique_ptr<Recommender>> models;
  for (const std::string& name : options.candidates) {
    MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> model,
                             CreateRecommender(RankerRecommender::SourceModel(name).first,
                                               RankerRecommender::SourceParameters(options, name)));
    const auto start = std::chrono::steady_clock::now();
    Status fitted = model->Fit(train, TrainContext{.seed = context.seed, .progress = context.progress});
    if (!fitted.ok()) return fitted.WithContext("candidate source " + name);
    if (seconds != nullptr) seconds->push_back(SecondsSince(start));
    models.push_back(std::move(model));
  }
  return models;
}

std::vector<CandidateSource> Views(const std::vector<std::string>& names,
                                   const std::vector<std::unique_ptr<Recommender>>& models) {
  std::vector<CandidateSource> views;
  for (size_t i = 0; i < models.size(); ++i) views.push_back({names[i], models[i].get()});
  return views;
}
}  // namespace

const ParameterTable<RankerRecommender::Options>& RankerRecommender::Table() {
  static const ParameterTable<Options> table = [] {
    ParameterTable<Options> t("ranker");
    t.NameList("candidates", &Options::candidates, SourceNames(),
               "the retrieval sources whose candidates the ranker orders")
        .Int("per_source", &Options::per_source, 1, 10000, "candidates each source retrieves")
        .Int("rounds", &Options::rounds, 1, 5000, "boosting rounds (trees)")
        .Int("depth", &Options::depth, 1, 16, "depth of each tree")
        .Double("learning_rate", &Options::learning_rate, 1e-4, 1, "shrinkage of each tree (eta)")
        .Double("label_share", &Options::label_share, 0.01, 0.9,
                "each member's latest share of plays held back as the ranker's labels")
        .Int("max_queries", &Options::max_queries, 0, 100000000,
             "members the ranker learns from (0 = every member with a held-back play retrieved)")
        .Int("trend_days", &Options::trend_days, 1, 3650, "the window of the trend feature, in days");
    return t;
  }();
  return table;
}

std::vector<std::string> RankerRecommender::SourceNames() {
  return {"ials", "ease", "itemknn", "popularity", "trending"};
}

std::pair<std::string, Parameters> RankerRecommender::SourceModel(std::string_view source) {
  if (source == "trending") return {"popularity", Parameters{{"half_life", "7"}}};
  return {std::string(source), Parameters{}};
}

Parameters RankerRecommender::SourceParameters(const Options& options, const std::string& source) {
  Parameters p = SourceModel(source).second;
  auto it = options.source_parameters.find(source);
  if (it != options.source_parameters.end()) {
    for (const auto& [name, value] : it->second.values()) p.Set(name, value);
  }
  return p;
}

Result<RankerRecommender::Options> RankerRecommender::ReadOptions(const Parameters& parameters) {
  Parameters own;
  std::map<std::string, Parameters> by_source;
  for (const auto& [name, value] : parameters.values()) {
    const size_t dot = name.find('.');
    if (dot == std::string::npos) {
      own.Set(name, value);
    } else {
      by_source[name.substr(0, dot)].Set(name.substr(dot + 1), value);
    }
  }
  MARQUEE_ASSIGN_OR_RETURN(Options options, Table().Read(own));
  for (auto& [source, values] : by_source) {
    if (std::find(options.candidates.begin(), options.candidates.end(), source) == options.candidates.end()) {
      return Status::InvalidArgument(fmt::format("parameter {}.{}: {} is not one of the candidates ({})",
                                                 source, values.values().begin()->first, QuoteForError(source),
                                                 fmt::join(options.candidates, ",")));
    }
    options.source_parameters[source] = values;
    Result<std::unique_ptr<Recommender>> check =
        CreateRecommender(SourceModel(source).first, SourceParameters(options, source));
    if (!check.ok()) return check.status().WithContext("candidate source " + source);
  }
  return options;
}

Result<std::unique_ptr<RankerRecommender>> RankerRecommender::Create(const Parameters& parameters,
                                                                     const Catalog* catalog) {
  MARQUEE_ASSIGN_OR_RETURN(Options options, ReadOptions(parameters));
  std::unique_ptr<RankerRecommender> ranker(new RankerRecommender(std::move(options)));
  ranker->catalog_ = catalog;
  return ranker;
}

Parameters RankerRecommender::parameters() const {
  Parameters p = Table().Write(options_);
  for (const auto& [source, values] : options_.source_parameters) {
    for (const auto& [name, value] : values.values()) p.Set(source + "." + name, value);
  }
  return p;
}

void RankerRecommender::SetSources(std::vector<std::unique_ptr<Recommender>> models) {
  source_models_ = std::move(models);
  sources_ = Views(options_.candidates, source_models_);
  // Similarity from the first source that relates titles to each other;
  // popularity's is the same list for every title.
  similar_source_ = 0;
  for (size_t i = sources_.size(); i-- > 0;) {
    if (SourceModel(sources_[i].name).first != "popularity") similar_source_ = i;
  }
}

void RankerRecommender::SetStats(TitleStats stats) {
  stats_ = std::move(stats);
  max_log_popularity_ = 0.0f;
  for (float p : stats_.log_popularity) max_log_popularity_ = std::max(max_log_popularity_, p);
}

Status RankerRecommender::Fit(const InteractionMatrix& train, const TrainContext& context) {
  if (catalog_ == nullptr) {
    return Status::InvalidArgument("ranker: Fit needs the catalog the ranker was created with");
  }
  const int trend_days = static_cast<int>(options_.trend_days);
  // The ensemble learns what members played next among the candidates of
  // sources that had not seen it.
  if (!train.has_times() && context.on_notice) {
    context.on_notice({TrainingNotice::Level::kWarning,
                       "ranker: the interactions have no times, so the plays held back as labels are a random "
                       "share of each member's, not their latest: the ranker learns to find held-out titles, "
                       "not what members play next"});
  }
  const LabelSplit split = SplitLatestPerMember(train, options_.label_share, context.seed);
  MARQUEE_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Recommender>> early,
                           FitSources(options_, split.train, context, nullptr));
  const std::vector<CandidateSource> early_views = Views(options_.candidates, early);
  const TitleStats early_stats = TitleStats::Compute(split.train, *catalog_, trend_days);
  const RankingDataset dataset =
      BuildRankingDataset(early_views, split.train, split.target, early_stats,
                          {.per_source = static_cast<uint32_t>(options_.per_source),
                           .max_members = static_cast<uint32_t>(options_.max_queries),
                           .seed = context.seed});
  if (dataset.members.empty()) {
    return Status::InvalidArgument(
        "ranker: no member played a held-back title among the candidates, so there is nothing to learn "
        "(too few members with two or more plays, or too few candidates: raise per_source)");
  }
  return Learn(dataset, train, context);
}

Status RankerRecommender::FitFromImpressions(const InteractionMatrix& before, const InteractionMatrix& train,
                                             std::span<const ImpressionList> lists, const TrainContext& context) {
  if (catalog_ == nullptr) {
    return Status::InvalidArgument("ranker: training needs the catalog the ranker was created with");
  }
  const int trend_days = static_cast<int>(options_.trend_days);
  MARQUEE_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Recommender>> early,
                           FitSources(options_, before, context, nullptr));
  const std::vector<CandidateSource> early_views = Views(options_.candidates, early);
  const TitleStats early_stats = TitleStats::Compute(before, *catalog_, trend_days);
  const RankingDataset dataset = BuildRankingDatasetFromImpressions(
      early_views, before, lists, early_stats, static_cast<uint32_t>(options_.per_source));
  if (dataset.members.empty()) {
    return Status::InvalidArgument(fmt::format(
        "ranker: none of the {} impression lists has a title played after it was shown, so there is nothing "
        "to learn (a longer reward window, or a log with plays)",
        lists.size()));
  }
  return Learn(dataset, train, context);
}

Status RankerRecommender::Learn(const RankingDataset& dataset, const InteractionMatrix& train,
                                const TrainContext& context) {
  const bool from_lists = !dataset.data.group_weight.empty();
  training_ = {static_cast<uint32_t>(dataset.members.size()), dataset.data.rows(), dataset.targets,
               dataset.targets_retrieved};
  if (context.on_notice) {
    context.on_notice({TrainingNotice::Level::kInfo,
                       fmt::format("ranker: learning from {} {}, {} candidates; {:.1f}% of their played titles "
                                   "were among the sources' own candidates",
                                   training_.queries, from_lists ? "impression lists" : "members", training_.rows,
                                   100.0 * training_.targets_retrieved / std::max<uint64_t>(training_.targets, 1))});
  }
  if (training_.queries < kFewQueries && context.on_notice) {
    context.on_notice({TrainingNotice::Level::kWarning,
                       fmt::format("ranker: only {} queries to learn from (fewer than {}); its order will be "
                                   "little better than its sources'",
                                   training_.queries, kFewQueries)});
  }
  LambdaMartOptions lm;
  // A fixed thread count: XGBoost's result depends on it, and the same seed
  // must give the same ranker on every machine.
  lm.threads = kTrainingThreads;
  lm.rounds = static_cast<int>(options_.rounds);
  lm.max_depth = static_cast<int>(options_.depth);
  lm.learning_rate = options_.learning_rate;
  lm.seed = context.seed;
  MARQUEE_ASSIGN_OR_RETURN(LambdaMart booster, LambdaMart::Train(dataset.data, lm));
  MARQUEE_ASSIGN_OR_RETURN(ensemble_json_, booster.Save());
  MARQUEE_ASSIGN_OR_RETURN(ensemble_, TreeEnsemble::FromXGBoostJson(ensemble_json_, dataset.data.features));
  // Served: the sources fitted on everything.
  source_seconds_.clear();
  MARQUEE_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Recommender>> full,
                           FitSources(options_, train, context, &source_seconds_));
  SetSources(std::move(full));
  SetStats(TitleStats::Compute(train, *catalog_, static_cast<int>(options_.trend_days)));
  member_count_ = train.rows();
  refs_.clear();
  return Status::OK();
}

void RankerRecommender::Score(uint32_t member, History history, std::span<float> scores) const {
  const Candidates c = GatherCandidates(sources_, member, history, history.titles,
                                        static_cast<uint32_t>(options_.per_source));
  std::vector<float> x;
  x.reserve(c.titles.size() * ensemble_.features());
  AppendRankingFeatures(c, history, stats_, x);
  std::vector<float> predicted(c.titles.size());
  ensemble_.PredictRows(x, predicted);
  // Titles no source retrieved follow the candidates, most popular first
  // (a list longer than the candidates, or one a filter thinned).
  float floor = 0.0f;
  if (!predicted.empty()) floor = *std::min_element(predicted.begin(), predicted.end()) - 2.0f;
  for (size_t t = 0; t < scores.size(); ++t) {
    scores[t] = floor + stats_.log_popularity[t] / (1.0f + max_log_popularity_);
  }
  for (size_t i = 0; i < c.titles.size(); ++i) scores[c.titles[i]] = predicted[i];
}

void RankerRecommender::ScoreMember(uint32_t member, History history, std::span<float> scores) const {
  Score(member, history, scores);
}

void RankerRecommender::ScoreHistory(History history, std::span<float> scores) const {
  Score(IdMap::kNotFound, history, scores);
}

void RankerRecommender::ScoreSimilar(uint32_t title, std::span<float> scores) const {
  source_models_[similar_source_]->ScoreSimilar(title, scores);
}

void RankerRecommender::SaveState(SectionFileWriter& out) const {
  ByteWriter ensemble;
  ensemble.U32(ensemble_.features());
  ensemble.String(ensemble_json_);
  out.AddSection(kEnsembleTag, std::move(ensemble));
  ByteWriter stats;
  stats_.Save(stats);
  out.AddSection(kStatsTag, std::move(stats));
  ByteWriter members;
  members.U32(member_count_);
  out.AddSection(kMembersTag, std::move(members));
  ByteWriter refs;
  refs.U32(static_cast<uint32_t>(refs_.size()));
  for (const SourceRef& r : refs_) {
    refs.String(r.name);
    refs.String(r.model);
    refs.U64(r.data_fingerprint);
    refs.String(r.version);
  }
  out.AddSection(kSourcesTag, std::move(refs));
}

Status RankerRecommender::LoadState(const SectionFileReader& in) {
  return Status::Unsupported(in.path() +
                                    ": a ranker loads together with its candidate models (LoadAnyModel)");
}

Result<std::vector<RankerRecommender::SourceRef>> RankerRecommender::ReadSourceRefs(const SectionFileReader& in) {
  MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, in.Section(kSourcesTag));
  ByteReader r(payload, in.path() + ": candidate model references");
  std::vector<SourceRef> refs(r.U32());
  if (refs.size() > payload.size()) r.Fail("reference count");
  for (size_t i = 0; i < refs.size() && r.ok(); ++i) {
    refs[i].name = r.String();
    refs[i].model = r.String();
    refs[i].data_fingerprint = r.U64();
    refs[i].version = r.String();
  }
  if (r.ok() && !r.AtEnd()) r.Fail("trailing bytes");
  if (!r.ok()) return r.status();
  return refs;
}

Result<std::unique_ptr<RankerRecommender>> RankerRecommender::FromState(
    const Parameters& parameters, const SectionFileReader& in, std::vector<std::unique_ptr<Recommender>> sources) {
  MARQUEE_ASSIGN_OR_RETURN(Options options, ReadOptions(parameters));
  std::unique_ptr<RankerRecommender> ranker(new RankerRecommender(std::move(options)));
  if (sources.size() != ranker->options_.candidates.size()) {
    return Status::InvalidArgument(fmt::format("{}: the ranker has {} candidate sources, {} were given", in.path(),
                                               ranker->options_.candidates.size(), sources.size()));
  }
  MARQUEE_ASSIGN_OR_RETURN(ranker->refs_, ReadSourceRefs(in));
  MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, in.Section(kEnsembleTag));
  ByteReader e(payload, in.path() + ": ranking ensemble");
  const uint32_t features = e.U32();
  ranker->ensemble_json_ = e.String();
  if (!e.ok()) return e.status();
  MARQUEE_ASSIGN_OR_RETURN(payload, in.Section(kStatsTag));
  ByteReader s(payload, in.path() + ": title statistics");
  MARQUEE_ASSIGN_OR_RETURN(TitleStats stats, TitleStats::Load(s));
  ranker->SetStats(std::move(stats));
  MARQUEE_ASSIGN_OR_RETURN(payload, in.Section(kMembersTag));
  ByteReader m(payload, in.path() + ": member count");
  ranker->member_count_ = m.U32();
  if (!m.ok()) return m.status();
  ranker->SetSources(std::move(sources));
  if (features != RankingFeatureNames(ranker->sources_).size()) {
    return Status::Corruption(fmt::format("{}: the ensemble reads {} features, its sources give {}", in.path(),
                                          features, RankingFeatureNames(ranker->sources_).size()));
  }
  Result<TreeEnsemble> ensemble = TreeEnsemble::FromXGBoostJson(ranker->ensemble_json_, features);
  if (!ensemble.ok()) return Status::Corruption(in.path() + ": " + ensemble.status().message());
  ranker->ensemble_ = std::move(*ensemble);
  for (const std::unique_ptr<Recommender>& source : ranker->source_models_) {
    if (source->title_count() != ranker->stats_.titles()) {
      return Status::Corruption(fmt::format("{}: a candidate model has {} titles, the ranker {}", in.path(),
                                            source->title_count(), ranker->stats_.titles()));
    }
  }
  return ranker;
}

}  // namespace marquee
