// marquee forecast --data DATASET --titles NEW.jsonl [--days 28] [--chart-dir DIR] [iALS parameters]
// marquee forecast --data DATASET --backtest [--days 28] [--split-date YYYY-MM-DD] [iALS parameters]
//
// The backtest of audience forecasts before launch (forecast/audience_forecast.h):
// everything before the split date trains iALS and the metadata mapping;
// titles launched in the max(180, 4N) days before it, with their first N days
// inside it, calibrate; every title launched after it (with its first N
// days in the data) is forecast from its metadata and compared with what
// happened, against the naive forecast (the mean first-N-day audience of the
// calibration launches that share a genre with it).
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include <optional>

#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/data/new_title_json.h"
#include "marquee/forecast/audience_forecast.h"
#include "marquee/models/cold_start.h"
#include "marquee/models/registry.h"
#include "marquee/models/title_features.h"
#include "marquee/util/civil_time.h"
#include "marquee/util/svg_chart.h"
#include "marquee/synthetic/expected_audience.h"
#include "marquee/models/model_file.h"
#include "marquee/ranking/ranker_file.h"
#include "model_flags.h"
#include "output_file.h"
#include "progress_bar.h"
#include "split_flags.h"

namespace marquee::cli {

namespace {

// Launches calibrate when they fall within this many days before the split
// (at least four horizons, so a long horizon still finds some).
int64_t CalibrationDays(int days) { return std::max<int64_t>(180, 4 * static_cast<int64_t>(days)); }

struct ForecastArgs {
  std::string data;
  bool backtest = false;
  std::string titles;  // new titles (JSON lines) to forecast
  std::string chart_dir;
  int days = ForecastOptions{}.days;
  std::string split_date;
  std::string truth;  // --backtest on the synthetic service: its ground truth
  std::string model;  // --titles: a trained factor model (or a ranker with iALS) instead of training iALS
  uint64_t seed = 42;
  ModelFlags flags;
};

// The synthetic truth's expected first-N-day audience of each title in
// `titles` (synthetic/expected_audience.h), members' joins estimated by
// their first plays.
// The truth of `dataset`: the one `generate` wrote with it (same generator
// description and sizes); InvalidArgument naming --truth otherwise.
Result<GroundTruth> LoadTruthOf(const ForecastArgs& args, const Dataset& dataset) {
  MARQUEE_ASSIGN_OR_RETURN(GroundTruth truth, LoadGroundTruth(args.truth));
  const InteractionMatrix& data = dataset.interactions;
  if (truth.generator != dataset.source) {
    return Status::InvalidArgument(fmt::format(
        "--truth {}: the ground truth of \"{}\", but the dataset is \"{}\"; expected the truth written with this "
        "dataset (marquee generate --truth)",
        args.truth, truth.generator, dataset.source));
  }
  if (truth.member_count() != data.rows() || truth.title_count() != data.cols()) {
    return Status::InvalidArgument(fmt::format(
        "--truth {}: the ground truth has {} members and {} titles, the dataset {} and {}; expected the truth "
        "written with this dataset (marquee generate --truth)",
        args.truth, truth.member_count(), truth.title_count(), data.rows(), data.cols()));
  }
  return truth;
}

Result<std::vector<double>> TruthAudiences(const ForecastArgs& args, const Dataset& dataset, const GroundTruth& truth,
                                           const std::vector<uint32_t>& titles, const std::vector<int64_t>& launch) {
  const InteractionMatrix& data = dataset.interactions;
  std::vector<int64_t> join(data.rows(), data.LatestTime());
  for (uint32_t m = 0; m < data.rows(); ++m) {
    const auto times = data.RowTimes(m);
    if (!times.empty()) join[m] = *std::min_element(times.begin(), times.end());
  }
  const std::vector<double> rates = SuccessiveSamplingRates(truth);
  std::vector<double> expected;
  for (uint32_t t : titles) {
    expected.push_back(ExpectedAudienceWithin(truth, dataset.catalog, join, rates, data.LatestTime() + 1, t,
                                              launch[t], args.days));
  }
  return expected;
}

// The data before `split` (seconds), same shape.
InteractionMatrix Before(const InteractionMatrix& data, int64_t split) {
  return FilterEntries(data, [&](uint32_t, uint64_t i) { return data.times()[i] < split; });
}

// The day 80% of the interactions happened before.
int64_t DefaultSplitDay(const InteractionMatrix& data) {
  std::vector<int64_t> times = data.times();
  std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(times.size() * 8 / 10), times.end());
  return UnixDay(times[times.size() * 8 / 10]);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

bool ShareGenre(const Title& a, const Title& b) {
  for (uint16_t g : a.genres) {
    if (std::find(b.genres.begin(), b.genres.end(), g) != b.genres.end()) return true;
  }
  return false;
}

// --model: a trained model whose member and title factors the forecast
// uses: a factor model (iALS), or a ranker with one among its sources.
Result<std::unique_ptr<Recommender>> LoadFactorModel(const ForecastArgs& args, const Dataset& dataset,
                                                     const FactorModel** factors) {
  MARQUEE_ASSIGN_OR_RETURN(Parameters given, args.flags.All());
  if (!given.values().empty()) {
    return Status::InvalidArgument(fmt::format("--model: the model is trained already; its parameters cannot be "
                                               "given ({} was)",
                                               given.values().begin()->first));
  }
  MARQUEE_ASSIGN_OR_RETURN(LoadedModel loaded, LoadAnyModel(args.model));
  MARQUEE_RETURN_IF_ERROR(CheckModelMatchesDataset(loaded, dataset, args.model));
  *factors = loaded.model->AsFactorModel();
  if (const auto* ranker = dynamic_cast<const RankerRecommender*>(loaded.model.get()); ranker != nullptr) {
    for (size_t i = 0; i < ranker->sources().size() && *factors == nullptr; ++i) {
      *factors = ranker->source_model(i).AsFactorModel();
    }
  }
  if (*factors == nullptr) {
    return Status::InvalidArgument(fmt::format(
        "--model {}: a forecast scores members against titles' factor vectors, and this {} model has none "
        "(expected iALS, or a ranker with iALS among its candidates)",
        args.model, loaded.info.model));
  }
  std::printf("using %s (%s, version %s)\n", args.model.c_str(), loaded.info.model.c_str(), loaded.info.version.c_str());
  return std::move(loaded.model);
}

// What a forecast learns from the data before `split_day`: iALS, the
// metadata mapping, every title's mapped vector, and the calibration on
// `past` launches.
struct Model {
  InteractionMatrix train;
  std::unique_ptr<Recommender> recommender;
  const FactorModel* factors = nullptr;
  TitleFeatures features;
  ColdStartMapping mapping;
  FactorMatrix mapped;
  InteractionMatrix by_title;
  AudienceForecaster forecaster;
};

Result<Model> Prepare(const Dataset& dataset, int64_t split_day, const std::vector<uint32_t>& past,
                      const std::vector<int64_t>& launch, const ForecastArgs& args) {
  const InteractionMatrix& data = dataset.interactions;
  InteractionMatrix train = Before(data, split_day * kSecondsPerDay);
  std::unique_ptr<Recommender> model;
  const FactorModel* factors = nullptr;
  if (!args.model.empty()) {
    MARQUEE_ASSIGN_OR_RETURN(model, LoadFactorModel(args, dataset, &factors));
  } else {
    std::set<std::string> used;
    MARQUEE_ASSIGN_OR_RETURN(Parameters parameters, args.flags.For("ials", &used));
    MARQUEE_RETURN_IF_ERROR(CheckAllFlagsUsed(args.flags, used, {"ials"}));
    MARQUEE_ASSIGN_OR_RETURN(model, CreateRecommender("ials", parameters));
    MARQUEE_RETURN_IF_ERROR(model->Fit(train, TrainContext{.seed = args.seed, .progress = TerminalProgress()}));
    factors = model->AsFactorModel();
  }
  MARQUEE_ASSIGN_OR_RETURN(TitleFeatures features, TitleFeatures::Build(dataset.catalog));
  const std::vector<uint32_t> counts = train.ColumnCounts();
  std::vector<uint32_t> learned;
  for (uint32_t t = 0; t < data.cols(); ++t) {
    if (counts[t] > 0) learned.push_back(t);
  }
  MARQUEE_ASSIGN_OR_RETURN(ColdStartMapping mapping, ColdStartMapping::Fit(features, factors->title_factors(), learned));
  // Every title's vector from its metadata alone: what was known before launch.
  FactorMatrix mapped(data.cols(), factors->title_factors().factors());
  std::vector<uint32_t> all(data.cols());
  std::iota(all.begin(), all.end(), 0u);
  mapping.MapTitles(features, all, mapped);
  InteractionMatrix by_title = data.Transpose();
  MARQUEE_ASSIGN_OR_RETURN(AudienceForecaster forecaster,
                           AudienceForecaster::Fit(factors->member_factors(), mapped, by_title, launch, past,
                                                   {.days = args.days}));
  return Model{std::move(train), std::move(model),  factors,           std::move(features), std::move(mapping),
               std::move(mapped), std::move(by_title), std::move(forecaster)};
}

Status Backtest(const ForecastArgs& args) {
  MARQUEE_ASSIGN_OR_RETURN(Dataset dataset, LoadDataset(args.data));
  const InteractionMatrix& data = dataset.interactions;
  if (!data.has_times() || data.nnz() == 0) {
    return Status::InvalidArgument(args.data + ": the backtest needs interaction times (this dataset has none)");
  }
  // The truth is checked before any work.
  std::optional<GroundTruth> truth;
  if (!args.truth.empty()) {
    MARQUEE_ASSIGN_OR_RETURN(truth, LoadTruthOf(args, dataset));
  }
  const int64_t first_day = UnixDay(*std::min_element(data.times().begin(), data.times().end()));
  const int64_t last_day = UnixDay(data.LatestTime());
  // By default 80% of the data is before the split, moved earlier when
  // fewer than two horizons would follow it (launches need their whole
  // first N days after it).
  int64_t split_day = std::min(DefaultSplitDay(data), last_day + 1 - 2 * static_cast<int64_t>(args.days));
  if (!args.split_date.empty()) {
    MARQUEE_ASSIGN_OR_RETURN(int64_t split, ParseDate(args.split_date, "--split-date"));
    split_day = UnixDay(split);
  }
  if (split_day - args.days <= first_day || split_day + args.days > last_day + 1) {
    return Status::InvalidArgument(fmt::format(
        "{} {}: the backtest needs {} days of data on both sides of it (the data runs {} to {})",
        args.split_date.empty() ? "the default split" : "--split-date", FormatCivilDate(split_day), args.days,
        FormatCivilDate(first_day), FormatCivilDate(last_day)));
  }
  const std::vector<int64_t> launch = LaunchDays(data, dataset.catalog);
  // Calibrate on launches whose whole window is before the split (and after
  // the data begins: a title launched before it has no first days here);
  // forecast those launched after it with their window inside the data.
  std::vector<uint32_t> past, upcoming;
  for (uint32_t t = 0; t < data.cols(); ++t) {
    if (launch[t] == INT64_MIN || launch[t] < first_day) continue;
    if (launch[t] >= split_day - CalibrationDays(args.days) && launch[t] + args.days <= split_day) past.push_back(t);
    if (launch[t] >= split_day && launch[t] + args.days <= last_day + 1) upcoming.push_back(t);
  }
  if (upcoming.empty()) {
    return Status::InvalidArgument(fmt::format("{} {}: no title launches after it with {} days of data",
                                               args.split_date.empty() ? "the default split" : "--split-date",
                                               FormatCivilDate(split_day), args.days));
  }
  std::printf("backtest: split %s; iALS and the metadata mapping learn from the %s before it; %zu launches in the "
              "%lld days before calibrate, %zu launches after it are forecast (first %d days)\n",
              FormatCivilDate(split_day).c_str(), "interactions", past.size(),
              static_cast<long long>(CalibrationDays(args.days)), upcoming.size(), args.days);

  MARQUEE_ASSIGN_OR_RETURN(Model m, Prepare(dataset, split_day, past, launch, args));
  const FactorMatrix& mapped = m.mapped;
  const InteractionMatrix& by_title = m.by_title;
  const AudienceForecaster& forecaster = m.forecaster;
  // The calibration launches' actual audiences, for the naive forecast.
  std::vector<double> past_audience;
  for (uint32_t p : past) past_audience.push_back(AudienceWithin(by_title, p, launch[p], args.days));
  std::vector<double> errors, naive_errors, truth_errors, forecast_vs_truth;
  std::vector<double> truth_audience;
  if (truth) {
    MARQUEE_ASSIGN_OR_RETURN(truth_audience, TruthAudiences(args, dataset, *truth, upcoming, launch));
  }
  uint32_t covered = 0;
  std::printf("\n%-10s %-34s %-10s %9s %19s %8s %8s%s\n", "title", "name", "launch", "forecast", "80% interval",
              "actual", "naive", truth_audience.empty() ? "" : "    truth");
  for (size_t i = 0; i < upcoming.size(); ++i) {
    const uint32_t t = upcoming[i];
    const AudienceForecast f = forecaster.Forecast({mapped.Row(t), mapped.factors()});
    const double actual = AudienceWithin(by_title, t, launch[t], args.days);
    double naive = 0.0, n = 0.0, all_sum = 0.0;
    for (size_t j = 0; j < past.size(); ++j) {
      all_sum += past_audience[j];
      if (ShareGenre(dataset.catalog.titles()[t], dataset.catalog.titles()[past[j]])) {
        naive += past_audience[j];
        n += 1.0;
      }
    }
    naive = n > 0 ? naive / n : all_sum / static_cast<double>(past.size());
    errors.push_back(std::abs(f.expected - actual) / std::max(actual, 1.0));
    naive_errors.push_back(std::abs(naive - actual) / std::max(actual, 1.0));
    covered += actual >= f.low && actual <= f.high;
    std::string truth_column;
    if (!truth_audience.empty()) {
      truth_errors.push_back(std::abs(truth_audience[i] - actual) / std::max(actual, 1.0));
      forecast_vs_truth.push_back(std::abs(f.expected - truth_audience[i]) / std::max(truth_audience[i], 1.0));
      truth_column = fmt::format(" {:8.1f}", truth_audience[i]);
    }
    if (i < 12) {
      std::printf("%-10s %-34.34s %-10s %9.1f [%8.1f, %8.1f] %8.0f %8.1f%s\n",
                  std::string(dataset.titles.ExternalId(t)).c_str(), dataset.catalog.titles()[t].name.c_str(),
                  FormatCivilDate(launch[t]).c_str(), f.expected, f.low, f.high, actual, naive, truth_column.c_str());
    }
  }
  if (upcoming.size() > 12) std::printf("... and %zu more\n", upcoming.size() - 12);
  std::printf("\n%zu launches: median absolute percentage error %.1f%% (naive, the genre's mean audience: %.1f%%); "
              "the 80%% interval covered %.1f%%\n",
              upcoming.size(), 100.0 * Median(errors), 100.0 * Median(naive_errors),
              100.0 * covered / static_cast<double>(upcoming.size()));
  if (!truth_audience.empty()) {
    std::printf("the ground truth's expected audience: median absolute percentage error %.1f%% against what "
                "happened (the noise no forecast can remove); the forecast is %.1f%% from it (median)\n",
                100.0 * Median(truth_errors), 100.0 * Median(forecast_vs_truth));
  }
  return Status::OK();
}


// The share of the first `days` days' audience reached by each day 1..days,
// averaged over the past launches that had an audience.
std::vector<double> LaunchCurve(const InteractionMatrix& by_title, const std::vector<int64_t>& launch,
                                const std::vector<uint32_t>& past, int days) {
  std::vector<double> curve(days, 0.0);
  double n = 0.0;
  for (uint32_t t : past) {
    const double total = AudienceWithin(by_title, t, launch[t], days);
    if (total == 0) continue;
    for (int d = 1; d <= days; ++d) curve[d - 1] += AudienceWithin(by_title, t, launch[t], d) / total;
    n += 1.0;
  }
  for (double& c : curve) c = n > 0 ? c / n : 1.0;
  return curve;
}

double Cosine(const float* a, const float* b, uint32_t n) {
  double ab = 0, aa = 0, bb = 0;
  for (uint32_t k = 0; k < n; ++k) {
    ab += double(a[k]) * b[k];
    aa += double(a[k]) * a[k];
    bb += double(b[k]) * b[k];
  }
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0;
}

// Forecasts of the titles in args.titles, learning from all the data: the
// audience, its interval, who they are (by activity, and their favourite
// genres), the most similar past launches with their actual audiences, and
// a chart per title.
Status ForecastNewTitles(const ForecastArgs& args) {
  MARQUEE_ASSIGN_OR_RETURN(Dataset dataset, LoadDataset(args.data));
  const InteractionMatrix& data = dataset.interactions;
  if (!data.has_times() || data.nnz() == 0) {
    return Status::InvalidArgument(args.data + ": a forecast needs interaction times (this dataset has none)");
  }
  MARQUEE_ASSIGN_OR_RETURN(std::vector<NewTitle> titles, ReadNewTitles(args.titles, dataset.catalog));
  const int64_t first_day = UnixDay(*std::min_element(data.times().begin(), data.times().end()));
  const int64_t end_day = UnixDay(data.LatestTime()) + 1;
  const std::vector<int64_t> launch = LaunchDays(data, dataset.catalog);
  std::vector<uint32_t> past;
  for (uint32_t t = 0; t < data.cols(); ++t) {
    if (launch[t] != INT64_MIN && launch[t] >= first_day && launch[t] >= end_day - CalibrationDays(args.days) &&
        launch[t] + args.days <= end_day) {
      past.push_back(t);
    }
  }
  MARQUEE_ASSIGN_OR_RETURN(Model m, Prepare(dataset, end_day, past, launch, args));
  const std::vector<double> curve = LaunchCurve(m.by_title, launch, past, args.days);
  // Members by activity (training plays): the lightest, middle and heaviest thirds.
  std::vector<uint32_t> activity(data.rows());
  for (uint32_t u = 0; u < data.rows(); ++u) activity[u] = m.train.RowLength(u);
  std::vector<uint32_t> sorted = activity;
  std::sort(sorted.begin(), sorted.end());
  const uint32_t light = sorted[sorted.size() / 3], heavy = sorted[sorted.size() * 2 / 3];
  std::printf("forecasts from %s to %s (%zu launches calibrate); first %d %s after launch\n",
              FormatCivilDate(first_day).c_str(), FormatCivilDate(end_day - 1).c_str(), past.size(), args.days,
              args.days == 1 ? "day" : "days");
  // Every member's genre tastes (each member's viewing shares summed), the
  // baseline of each forecast's audience tastes.
  std::vector<double> everyone(dataset.catalog.genres().size(), 0.0);
  for (uint32_t u = 0; u < data.rows(); ++u) {
    const auto row = m.train.RowIndices(u);
    for (uint32_t title : row) {
      for (uint16_t g : dataset.catalog.titles()[title].genres) everyone[g] += 1.0 / row.size();
    }
  }
  const uint32_t f = m.mapped.factors();
  std::vector<float> vector(m.mapped.stride(), 0.0f);
  for (const NewTitle& t : titles) {
    m.mapping.Map(m.features.FeaturesOf(t.title, dataset.catalog), vector);
    const AudienceForecast forecast = m.forecaster.Forecast({vector.data(), f});
    std::printf("\n%s%s%s: %.0f %s [%.0f, %.0f] (80%% interval)\n", t.title_id.c_str(),
                t.title.name.empty() ? "" : " ", t.title.name.c_str(), forecast.expected,
                std::lround(forecast.expected) == 1 ? "member" : "members", forecast.low, forecast.high);
    std::vector<std::string> unknown_metadata = t.unknown;
    if (!t.title.maturity.empty() && m.features.Find("maturity:" + t.title.maturity) < 0) {
      unknown_metadata.push_back("maturity:" + t.title.maturity);
    }
    for (const std::string& tag : t.title.tags) {
      if (m.features.Find("tag:" + tag) < 0) unknown_metadata.push_back("tag:" + tag);
    }
    if (!unknown_metadata.empty()) {
      std::string unknown;
      for (const std::string& u : unknown_metadata) unknown += (unknown.empty() ? "" : ", ") + u;
      std::printf("  not features of the catalog, so not used: %s\n", unknown.c_str());
    }
    double by_activity[3] = {0, 0, 0};
    // Genre tastes of the expected audience against every member's: a lift
    // above 1 is a genre the audience likes more than members in general.
    std::vector<double> audience_taste(everyone.size(), 0.0);
    for (uint32_t u = 0; u < data.rows(); ++u) {
      const double p = forecast.probability[u];
      by_activity[activity[u] <= light ? 0 : activity[u] <= heavy ? 1 : 2] += p;
      const auto row = m.train.RowIndices(u);
      if (row.empty() || p == 0) continue;
      for (uint32_t title : row) {
        for (uint16_t g : dataset.catalog.titles()[title].genres) audience_taste[g] += p / row.size();
      }
    }
    const double total = std::max(forecast.expected, 1e-12);
    std::printf("  audience by activity: light %.0f%%, middle %.0f%%, heavy %.0f%%\n", 100 * by_activity[0] / total,
                100 * by_activity[1] / total, 100 * by_activity[2] / total);
    const double audience_sum = std::accumulate(audience_taste.begin(), audience_taste.end(), 0.0);
    const double everyone_sum = std::accumulate(everyone.begin(), everyone.end(), 0.0);
    std::vector<double> lift(audience_taste.size(), 0.0);
    for (size_t g = 0; g < lift.size(); ++g) {
      if (everyone[g] > 0 && audience_sum > 0) lift[g] = (audience_taste[g] / audience_sum) / (everyone[g] / everyone_sum);
    }
    std::vector<uint32_t> order(lift.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return lift[a] > lift[b]; });
    std::string tastes;
    for (size_t i = 0; i < order.size() && i < 3 && lift[order[i]] > 0; ++i) {
      tastes += fmt::format("{}{} x{:.2f}", i ? ", " : "", dataset.catalog.genres()[order[i]], lift[order[i]]);
    }
    std::printf("  genres its audience likes more than members in general (share of their viewing vs everyone's): "
                "%s\n",
                tastes.empty() ? "(none)" : tastes.c_str());
    // Comparables: the past launches whose metadata vectors are closest.
    std::vector<std::pair<double, uint32_t>> similar;
    for (uint32_t p : past) similar.emplace_back(Cosine(vector.data(), m.mapped.Row(p), f), p);
    std::sort(similar.begin(), similar.end(), std::greater<>());
    std::printf("  comparable launches (first %d days):", args.days);
    for (size_t i = 0; i < similar.size() && i < 3; ++i) {
      const uint32_t p = similar[i].second;
      std::printf("%s %s %s (%s): %u", i ? ";" : "", std::string(dataset.titles.ExternalId(p)).c_str(),
                  dataset.catalog.titles()[p].name.c_str(), FormatCivilDate(launch[p]).c_str(),
                  AudienceWithin(m.by_title, p, launch[p], args.days));
    }
    std::printf("\n");
    if (!args.chart_dir.empty()) {
      LineSeries expected{"expected", {}, {}};
      BandSeries band{"80% interval", {}, {}, {}};
      for (int d = 0; d <= args.days; ++d) {
        const double share = d == 0 ? 0.0 : curve[d - 1];
        expected.xs.push_back(d);
        band.xs.push_back(d);
        expected.ys.push_back(forecast.expected * share);
        band.lows.push_back(forecast.low * share);
        band.highs.push_back(forecast.high * share);
      }
      const std::string path = args.chart_dir + "/forecast-" + t.title_id + ".svg";
      const std::string svg = LineChartSvg({expected},
                                           {.title = fmt::format("{}: members who will have played it", t.title_id),
                                            .x_label = "days after launch",
                                            .y_label = "members (cumulative)"},
                                           {band});
      MARQUEE_RETURN_IF_ERROR(WriteOutput(path, [&](std::FILE* out) { std::fputs(svg.c_str(), out); }));
      std::printf("  chart: %s\n", path.c_str());
    }
  }
  return Status::OK();
}

}  // namespace

Command AddForecastCommand(CLI::App& root) {
  auto* app = root.add_subcommand("forecast", "Audience forecasts before launch (--titles FILE), and their backtest");
  auto args = std::make_shared<ForecastArgs>();
  app->add_option("--data", args->data, "dataset file (.mqd) with interaction times")->required();
  app->add_option("--titles", args->titles, "new titles to forecast, one JSON object a line (metadata only)");
  app->add_option("--chart-dir", args->chart_dir, "with --titles: write forecast-TITLE.svg here for each title");
  app->add_flag("--backtest", args->backtest, "forecast the titles launched after --split-date and compare");
  app->add_option("--days", args->days, "the horizon: members who play a title in its first N days")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  app->add_option("--split-date", args->split_date,
                  "YYYY-MM-DD: learn before it, forecast launches after it (default: when 80% of the data is before)");
  app->add_option("--model", args->model,
                  "--titles: a trained model directory (iALS, or a ranker with iALS among its candidates) whose "
                  "factors the forecast uses, instead of training iALS on the data");
  app->add_option("--truth", args->truth,
                  "--backtest on the synthetic service: its ground truth (marquee generate --truth), to compare "
                  "each forecast with the audience the truth expects");
  app->add_option("--seed", args->seed, "random seed")->capture_default_str();
  args->flags.Register(app);
  return {app, [args]() {
            if (args->backtest == !args->titles.empty()) {
              return ReportError("forecast", Status::InvalidArgument(
                                                 "--titles, --backtest: expected one of them (forecast new titles "
                                                 "from a file, or backtest the forecasts on the data)"));
            }
            if (args->backtest && !args->chart_dir.empty()) {
              return ReportError("forecast", Status::InvalidArgument("--chart-dir: charts are drawn for --titles "
                                                                     "forecasts, not for the backtest"));
            }
            if (args->backtest && !args->model.empty()) {
              return ReportError("forecast", Status::InvalidArgument(
                                                 "--model: the backtest trains iALS on the data before its split "
                                                 "date; a trained model has seen the launches it would forecast"));
            }
            if (!args->backtest && !args->truth.empty()) {
              return ReportError("forecast", Status::InvalidArgument("--truth: compares the backtest's forecasts "
                                                                     "with the ground truth; give --backtest"));
            }
            if (!args->backtest && !args->split_date.empty()) {
              return ReportError("forecast", Status::InvalidArgument("--split-date: the backtest's; --titles "
                                                                     "forecasts learn from all the data"));
            }
            if (!args->chart_dir.empty()) {
              std::error_code error;
              std::filesystem::create_directories(args->chart_dir, error);
              if (error) {
                return ReportError("forecast", Status::IOError(args->chart_dir + ": cannot create the chart folder: " +
                                                               error.message()));
              }
            }
            Status s = args->backtest ? Backtest(*args) : ForecastNewTitles(*args);
            return s.ok() ? 0 : ReportError("forecast", s);
          }};
}

}  // namespace marquee::cli
