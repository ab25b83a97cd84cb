#include "marquee/eval/tuner.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

#include "marquee/models/ials.h"
#include "marquee/util/random.h"

namespace marquee {

namespace {
std::vector<std::string> SplitOn(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find(sep, pos);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

bool ParseNumber(const std::string& s, double* v) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(*v);
}

Result<ParameterRange> ParseRange(const std::string& item) {
  size_t eq = item.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
    return Status::InvalidArgument("search space: expected name=values, found " +
                                   QuoteForError(item));
  }
  ParameterRange r;
  r.name = item.substr(0, eq);
  std::string spec = item.substr(eq + 1);
  if (spec.find(':') == std::string::npos) {
    r.values = SplitOn(spec, '|');
    for (const std::string& v : r.values) {
      if (v.empty()) return Status::InvalidArgument("search space: empty value for " + r.name);
    }
    return r;
  }
  std::vector<std::string> parts = SplitOn(spec, ':');
  if (parts.size() < 2 || !ParseNumber(parts[0], &r.low) || !ParseNumber(parts[1], &r.high) ||
      r.low > r.high) {
    return Status::InvalidArgument("search space: " + r.name +
                                   ": expected LOW:HIGH[:log][:int] with LOW <= HIGH, found " +
                                   QuoteForError(spec));
  }
  for (size_t i = 2; i < parts.size(); ++i) {
    if (parts[i] == "log") r.log_scale = true;
    else if (parts[i] == "int") r.integer = true;
    else return Status::InvalidArgument("search space: " + r.name + ": unknown flag " +
                                        QuoteForError(parts[i]) + " (expected log or int)");
  }
  if (r.log_scale && r.low <= 0) {
    return Status::InvalidArgument("search space: " + r.name + ": a log range needs LOW > 0");
  }
  return r;
}

std::string FormatValue(double v, bool integer) {
  if (integer) return std::to_string(static_cast<int64_t>(std::llround(v)));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string Sample(const ParameterRange& r, Rng& rng) {
  if (!r.values.empty()) return r.values[rng.Below(static_cast<uint32_t>(r.values.size()))];
  double u = rng.Uniform();
  double v = r.log_scale ? std::exp(std::log(r.low) + u * (std::log(r.high) - std::log(r.low)))
                         : r.low + u * (r.high - r.low);
  return FormatValue(v, r.integer);
}
}  // namespace

Result<SearchSpace> SearchSpace::Parse(const std::string& text) {
  SearchSpace space;
  for (const std::string& item : SplitOn(text, ';')) {
    if (item.empty()) continue;
    MARQUEE_ASSIGN_OR_RETURN(ParameterRange r, ParseRange(item));
    for (const ParameterRange& other : space.ranges) {
      if (other.name == r.name) {
        return Status::InvalidArgument("search space: " + r.name + " is given twice");
      }
    }
    space.ranges.push_back(std::move(r));
  }
  if (space.ranges.empty()) return Status::InvalidArgument("search space: empty");
  return space;
}

Result<std::string> DefaultSearchSpace(const std::string& model, const Parameters& fixed) {
  if (model == "ranker") return std::string("rounds=25|50|100;depth=2|3|5;learning_rate=0.05|0.1|0.2");
  if (model != "ials") {
    return Status::InvalidArgument("no default search space for model '" + model +
                                   "'; give one with --space");
  }
  MARQUEE_ASSIGN_OR_RETURN(IalsRecommender::Options options, IalsRecommender::Table().Read(fixed));
  return std::string(options.scaling == IalsRecommender::Scaling::kPlain
                         ? "regularization=0.001:100:log"
                         : "regularization=0.0001:1:log");
}

Result<std::vector<Parameters>> SearchSettings(const TuneOptions& options) {
  std::vector<Parameters> settings;
  if (options.strategy == SearchStrategy::kGrid) {
    settings.push_back(options.fixed);
    for (const ParameterRange& r : options.space.ranges) {
      if (r.values.empty()) {
        return Status::InvalidArgument("grid search: " + r.name +
                                       " is a range; give a list of values (a|b|c) instead");
      }
      std::vector<Parameters> next;
      for (const Parameters& p : settings) {
        for (const std::string& v : r.values) {
          Parameters q = p;
          q.Set(r.name, v);
          next.push_back(std::move(q));
        }
      }
      settings = std::move(next);
    }
    return settings;
  }
  if (options.trials == 0) return Status::InvalidArgument("random search: trials must be >= 1");
  Rng rng(options.seed);
  // Distinct settings only: a small space of lists would otherwise train the
  // same setting several times. A space that yields nothing new in many
  // draws is taken as exhausted.
  constexpr int kDrawsPerTrial = 200;
  std::set<std::string> seen;
  for (uint32_t t = 0; t < options.trials; ++t) {
    bool fresh = false;
    for (int draw = 0; draw < kDrawsPerTrial && !fresh; ++draw) {
      Parameters p = options.fixed;
      for (const ParameterRange& r : options.space.ranges) p.Set(r.name, Sample(r, rng));
      fresh = seen.insert(p.ToString()).second;
      if (fresh) settings.push_back(std::move(p));
    }
    if (!fresh) break;
  }
  return settings;
}

Result<TuneResult> Tune(const TuneOptions& options, const EvalSplit& validation,
                        const EvalSplit& test) {
  MARQUEE_RETURN_IF_ERROR(ValidateMetricName(options.metric, options.evaluate.cutoffs));
  MARQUEE_ASSIGN_OR_RETURN(std::vector<Parameters> settings, SearchSettings(options));
  TuneResult result;
  ProgressReporter reporter(options.progress, "tuning " + options.model, settings.size());
  TrainContext context{.seed = options.seed};
  auto run = [&](const Parameters& p, const EvalSplit& split) -> Result<EvaluationResult> {
    if (!options.create) return TrainAndEvaluate(options.model, p, split, options.evaluate, context);
    MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> model, options.create(p));
    return TrainAndEvaluate(std::move(model), split, options.evaluate, context);
  };
  for (const Parameters& p : settings) {
    MARQUEE_ASSIGN_OR_RETURN(EvaluationResult r, run(p, validation));
    MARQUEE_ASSIGN_OR_RETURN(double score, r.Metric(options.metric));
    result.trials.push_back(TuneTrial{p, score, std::move(r)});
    if (score > result.trials[result.best].score) result.best = result.trials.size() - 1;
    reporter.Advance(1);
  }
  reporter.Finish();
  MARQUEE_ASSIGN_OR_RETURN(result.test, run(result.trials[result.best].parameters, test));
  return result;
}

}  // namespace marquee
