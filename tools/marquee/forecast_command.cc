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
#include <numeric>

#include <fmt/format.h>

#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/forecast/audience_forecast.h"
#include "marquee/models/cold_start.h"
#include "marquee/models/registry.h"
#include "marquee/models/title_features.h"
#include "marquee/util/civil_time.h"
#include "model_flags.h"
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
  int days = ForecastOptions{}.days;
  std::string split_date;
  uint64_t seed = 42;
  ModelFlags flags;
};

// The data before `split` (seconds), same shape.
InteractionMatrix Before(const InteractionMatrix& data, int64_t split) {
  InteractionBuilder b;
  b.Reserve(data.nnz());
  for (uint32_t m = 0; m < data.rows(); ++m) {
    const auto titles = data.RowIndices(m);
    const auto weights = data.RowWeights(m);
    const auto times = data.RowTimes(m);
    for (size_t i = 0; i < titles.size(); ++i) {
      if (times[i] < split) b.Add(m, titles[i], weights[i], times[i]);
    }
  }
  return b.Build(data.rows(), data.cols(), DuplicateRule::kSum);
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

Status Backtest(const ForecastArgs& args) {
  MARQUEE_ASSIGN_OR_RETURN(Dataset dataset, LoadDataset(args.data));
  const InteractionMatrix& data = dataset.interactions;
  if (!data.has_times() || data.nnz() == 0) {
    return Status::InvalidArgument(args.data + ": the backtest needs interaction times (this dataset has none)");
  }
  const int64_t first_day = UnixDay(*std::min_element(data.times().begin(), data.times().end()));
  const int64_t last_day = UnixDay(data.LatestTime());
  int64_t split_day = DefaultSplitDay(data);
  if (!args.split_date.empty()) {
    MARQUEE_ASSIGN_OR_RETURN(int64_t split, ParseDate(args.split_date, "--split-date"));
    split_day = UnixDay(split);
  }
  if (split_day - args.days <= first_day || split_day + args.days > last_day + 1) {
    return Status::InvalidArgument(fmt::format(
        "--split-date {}: the backtest needs {} days of data on both sides of it (the data runs {} to {})",
        FormatCivilDate(split_day), args.days, FormatCivilDate(first_day), FormatCivilDate(last_day)));
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
    return Status::InvalidArgument(fmt::format("--split-date {}: no title launches after it with {} days of data",
                                               FormatCivilDate(split_day), args.days));
  }
  std::printf("backtest: split %s; iALS and the metadata mapping learn from the %s before it; %zu launches in the "
              "%lld days before calibrate, %zu launches after it are forecast (first %d days)\n",
              FormatCivilDate(split_day).c_str(), "interactions", past.size(),
              static_cast<long long>(CalibrationDays(args.days)), upcoming.size(), args.days);

  const InteractionMatrix train = Before(data, split_day * kSecondsPerDay);
  std::set<std::string> used;
  MARQUEE_ASSIGN_OR_RETURN(Parameters parameters, args.flags.For("ials", &used));
  MARQUEE_RETURN_IF_ERROR(CheckAllFlagsUsed(args.flags, used, {"ials"}));
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> model, CreateRecommender("ials", parameters));
  MARQUEE_RETURN_IF_ERROR(model->Fit(train, TrainContext{.seed = args.seed, .progress = TerminalProgress()}));
  const FactorModel* factors = model->AsFactorModel();
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
  const InteractionMatrix by_title = data.Transpose();
  MARQUEE_ASSIGN_OR_RETURN(AudienceForecaster forecaster,
                           AudienceForecaster::Fit(factors->member_factors(), mapped, by_title, launch, past,
                                                   {.days = args.days}));

  std::vector<double> errors, naive_errors;
  uint32_t covered = 0;
  std::printf("\n%-10s %-34s %-10s %9s %19s %8s %8s\n", "title", "name", "launch", "forecast", "80% interval",
              "actual", "naive");
  for (size_t i = 0; i < upcoming.size(); ++i) {
    const uint32_t t = upcoming[i];
    const AudienceForecast f = forecaster.Forecast({mapped.Row(t), mapped.factors()});
    const double actual = AudienceWithin(by_title, t, launch[t], args.days);
    double naive = 0.0, n = 0.0, all_sum = 0.0;
    for (uint32_t p : past) {
      const double audience = AudienceWithin(by_title, p, launch[p], args.days);
      all_sum += audience;
      if (ShareGenre(dataset.catalog.titles()[t], dataset.catalog.titles()[p])) {
        naive += audience;
        n += 1.0;
      }
    }
    naive = n > 0 ? naive / n : all_sum / static_cast<double>(past.size());
    errors.push_back(std::abs(f.expected - actual) / std::max(actual, 1.0));
    naive_errors.push_back(std::abs(naive - actual) / std::max(actual, 1.0));
    covered += actual >= f.low && actual <= f.high;
    if (i < 12) {
      std::printf("%-10s %-34.34s %-10s %9.1f [%8.1f, %8.1f] %8.0f %8.1f\n",
                  std::string(dataset.titles.ExternalId(t)).c_str(), dataset.catalog.titles()[t].name.c_str(),
                  FormatCivilDate(launch[t]).c_str(), f.expected, f.low, f.high, actual, naive);
    }
  }
  if (upcoming.size() > 12) std::printf("... and %zu more\n", upcoming.size() - 12);
  std::printf("\n%zu launches: median absolute percentage error %.1f%% (naive, the genre's mean audience: %.1f%%); "
              "the 80%% interval covered %.1f%%\n",
              upcoming.size(), 100.0 * Median(errors), 100.0 * Median(naive_errors),
              100.0 * covered / static_cast<double>(upcoming.size()));
  return Status::OK();
}

}  // namespace

Command AddForecastCommand(CLI::App& root) {
  auto* app = root.add_subcommand("forecast", "Audience forecasts before launch: the backtest (--backtest)");
  auto args = std::make_shared<ForecastArgs>();
  app->add_option("--data", args->data, "dataset file (.mqd) with interaction times")->required();
  app->add_flag("--backtest", args->backtest, "forecast the titles launched after --split-date and compare");
  app->add_option("--days", args->days, "the horizon: members who play a title in its first N days")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  app->add_option("--split-date", args->split_date,
                  "YYYY-MM-DD: learn before it, forecast launches after it (default: when 80% of the data is before)");
  app->add_option("--seed", args->seed, "random seed")->capture_default_str();
  args->flags.Register(app);
  return {app, [args]() {
            if (!args->backtest) {
              return ReportError("forecast", Status::InvalidArgument(
                                                 "--backtest: the forecast of new titles from a file is not built "
                                                 "yet; run the backtest with --backtest"));
            }
            Status s = Backtest(*args);
            return s.ok() ? 0 : ReportError("forecast", s);
          }};
}

}  // namespace marquee::cli
