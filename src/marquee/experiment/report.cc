#include "marquee/experiment/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "marquee/util/checksum.h"
#include "marquee/util/civil_time.h"
#include "marquee/util/json_fields.h"
#include "marquee/util/svg_chart.h"

namespace marquee::experiment {

namespace {

constexpr const char* kMeanMetrics[] = {"plays", "streaming_hours", "active_days", "played_any"};
constexpr size_t kMeans = std::size(kMeanMetrics);

// One member's counts in one period.
struct Counts {
  double plays = 0.0, hours = 0.0;
  std::vector<int64_t> days;  // distinct unix days with a play (sorted at the end)
  double qualifying = 0.0, impressions = 0.0;
  double Mean(size_t metric) const {
    switch (metric) {
      case 0:
        return plays;
      case 1:
        return hours;
      case 2:
        return static_cast<double>(days.size());
      default:
        return plays > 0.0 ? 1.0 : 0.0;
    }
  }
};

struct MemberData {
  uint32_t cell = 0;
  int64_t exposed = 0;
  Counts during, before;
  std::vector<int64_t> play_times;  // during the experiment, for the cumulative lift
};

uint32_t Runtime(const ReportInputs& in, const std::string& title_id) {
  if (in.titles == nullptr || in.catalog == nullptr) return 0;
  const uint32_t t = in.titles->Find(title_id);
  return t == IdMap::kNotFound || t >= in.catalog->titles().size() ? 0 : in.catalog->titles()[t].runtime_minutes;
}

void Count(const ReportInputs& in, const ReportOptions& o, const Event& e, Counts& c) {
  if (e.kind == EventKind::kImpression) {
    c.impressions += 1.0;
    return;
  }
  if (e.kind != EventKind::kPlay) return;
  const uint32_t runtime = Runtime(in, e.title_id);
  const float fraction = e.watch_fraction.value_or(1.0f);
  c.plays += 1.0;
  c.hours += SecondsWatched(fraction, runtime) / 3600.0;
  c.qualifying += IsQualifyingPlay(o.qualifying, fraction, runtime) ? 1.0 : 0.0;
  const int64_t day = UnixDay(e.time);
  if (std::find(c.days.begin(), c.days.end(), day) == c.days.end()) c.days.push_back(day);
}

// Events of the exposed members that name titles the dataset does not know
// mean the report was given another service's dataset: its runtimes (and so
// hours and take rates) would be wrong, silently.
Status CheckTitlesKnown(const ReportInputs& in, const std::unordered_map<std::string_view, MemberData>& members) {
  if (in.titles == nullptr) return Status::OK();
  uint64_t unknown = 0, titled = 0;
  std::string_view example;
  for (const Event& ev : in.events) {
    if (ev.title_id.empty() || !members.contains(ev.member_id)) continue;
    ++titled;
    if (in.titles->Find(ev.title_id) != IdMap::kNotFound) continue;
    if (unknown++ == 0) example = ev.title_id;
  }
  if (unknown == 0) return Status::OK();
  return Status::InvalidArgument(fmt::format(
      "titles: {} of the exposed members' {} events name titles the dataset does not know (the first: {}); "
      "expected the dataset the experiment was served with",
      unknown, titled, QuoteForError(example)));
}

Status Check(const ReportInputs& in, const ReportOptions& o) {
  if (in.experiment == nullptr) return Status::InvalidArgument("experiment: expected an experiment to report on");
  if (in.experiment->spec.method != ExperimentMethod::kAB) {
    return Status::InvalidArgument(fmt::format(
        "experiment {}: an interleaving experiment is read by its preference test (interleaving_report.h), not an "
        "A/B report",
        in.experiment->spec.name));
  }
  if (o.pre_days < 1) return Status::InvalidArgument(fmt::format("pre_days: expected >= 1, got {}", o.pre_days));
  if (!(o.alpha > 0.0 && o.alpha < 1.0)) {
    return Status::InvalidArgument(fmt::format("alpha: expected a number in (0, 1), got {}", o.alpha));
  }
  for (size_t i = 0; i < in.exposures.size(); ++i) {
    if (in.exposures[i].cell >= in.experiment->spec.cells.size()) {
      return Status::InvalidArgument(fmt::format("exposures[{}].cell: expected a cell of {} (0..{}), got {}", i,
                                                 in.experiment->spec.name, in.experiment->spec.cells.size() - 1,
                                                 in.exposures[i].cell));
    }
  }
  return Status::OK();
}

// Members by id, the earliest exposure of each kept.
std::unordered_map<std::string_view, MemberData> CollectMembers(const ReportInputs& in) {
  std::unordered_map<std::string_view, MemberData> members;
  for (const Exposure& x : in.exposures) {
    auto [it, added] = members.try_emplace(x.member_id, MemberData{x.cell, x.time});
    if (!added && x.time < it->second.exposed) it->second = MemberData{x.cell, x.time};
  }
  return members;
}

MetricComparison CompareMeans(size_t metric, const std::string& treatment, const std::vector<const MemberData*>& c,
                              const std::vector<const MemberData*>& t, double alpha) {
  MetricComparison m;
  m.metric = kMeanMetrics[metric];
  m.treatment = treatment;
  std::vector<double> yc, xc, yt, xt;
  for (const MemberData* d : c) {
    yc.push_back(d->during.Mean(metric));
    xc.push_back(d->before.Mean(metric));
  }
  for (const MemberData* d : t) {
    yt.push_back(d->during.Mean(metric));
    xt.push_back(d->before.Mean(metric));
  }
  const TestOptions test{.alpha = alpha};
  Result<MeanComparison> welch = WelchTTest(yc, yt, test);
  if (!welch.ok()) {
    m.note = welch.status().message();
    return m;
  }
  m.control = welch->control_mean;
  m.treatment_value = welch->treatment_mean;
  m.difference = welch->difference;
  m.relative_lift = m.unadjusted_relative_lift = welch->relative_lift;
  m.difference_interval = welch->difference_interval;
  m.relative_lift_interval = welch->relative_lift_interval;
  m.p_value = m.welch_p_value = welch->p_value;
  // CUPED when the pre-period says something about the metric.
  Result<CupedComparison> cuped = CupedWelchTTest(yc, xc, yt, xt, test);
  if (cuped.ok()) {
    m.cuped = true;
    m.theta = cuped->theta;
    m.variance_reduction = cuped->variance_reduction;
    m.difference = cuped->adjusted.difference;
    m.difference_interval = cuped->adjusted.difference_interval;
    m.p_value = cuped->adjusted.p_value;
    // The lift relative to the unadjusted control mean (CUPED moves both means alike).
    m.relative_lift = m.difference / m.control;
    m.relative_lift_interval = {m.difference_interval.low / m.control, m.difference_interval.high / m.control};
  }
  return m;
}

MetricComparison CompareTakeRates(const std::string& treatment, const std::vector<const MemberData*>& c,
                                  const std::vector<const MemberData*>& t, double alpha) {
  MetricComparison m;
  m.metric = "take_rate";
  m.treatment = treatment;
  std::vector<double> nc, dc, nt, dt;
  for (const MemberData* d : c) {
    nc.push_back(d->during.qualifying);
    dc.push_back(d->during.impressions);
  }
  for (const MemberData* d : t) {
    nt.push_back(d->during.qualifying);
    dt.push_back(d->during.impressions);
  }
  Result<RatioComparison> r = CompareRatios(nc, dc, nt, dt, {.alpha = alpha});
  if (!r.ok()) {
    // CompareRatios names its arguments; the report speaks of cells.
    const std::string_view field = r.status().field();
    const std::string cell = field.starts_with("control") ? "the control" : "the treatment";
    if (field == "control_numerator" && !nc.empty()) {
      m.note = "the control's take rate is 0 (no qualifying plays): a relative lift cannot divide by it";
    } else if (field.ends_with("_denominator") || field.ends_with("_numerator")) {
      std::string_view reason = r.status().message();
      if (reason.starts_with(field) && reason.substr(field.size()).starts_with(": ")) reason.remove_prefix(field.size() + 2);
      m.note = fmt::format("{} has no take rate to compare: {}", cell, reason);
    } else {
      m.note = r.status().message();
    }
    return m;
  }
  m.control = r->control.ratio;
  m.treatment_value = r->treatment.ratio;
  m.difference = r->difference;
  m.relative_lift = m.unadjusted_relative_lift = r->relative_lift;
  m.difference_interval = r->difference_interval;
  m.relative_lift_interval = r->relative_lift_interval;
  m.p_value = m.welch_p_value = r->p_value;
  return m;
}

CellSummary Summarize(const CellSpec& spec, const std::vector<const MemberData*>& members) {
  CellSummary s;
  s.cell = spec.name;
  s.share = spec.share;
  s.members = members.size();
  for (const MemberData* d : members) {
    s.plays += d->during.plays;
    s.streaming_hours += d->during.hours;
    s.active_days += static_cast<double>(d->during.days.size());
    s.played_any += d->during.plays > 0.0;
    s.impressions += static_cast<uint64_t>(d->during.impressions);
    s.qualifying_plays += static_cast<uint64_t>(d->during.qualifying);
  }
  const double n = std::max<double>(1.0, static_cast<double>(members.size()));
  s.plays /= n;
  s.streaming_hours /= n;
  s.active_days /= n;
  s.played_any /= n;
  s.take_rate = s.impressions == 0 ? 0.0 : static_cast<double>(s.qualifying_plays) / s.impressions;
  return s;
}

std::vector<LiftPoint> CumulativeLift(const PlacedExperiment& e, int64_t as_of,
                                      const std::vector<std::vector<const MemberData*>>& by_cell, double alpha) {
  std::vector<LiftPoint> points;
  if (by_cell.size() < 2) return points;
  for (int64_t day = UnixDay(e.spec.start); day * kSecondsPerDay < as_of; ++day) {
    const int64_t until = (day + 1) * kSecondsPerDay;
    auto plays_by = [&](const std::vector<const MemberData*>& cell) {
      std::vector<double> out;
      for (const MemberData* d : cell) {
        if (d->exposed >= until) continue;
        out.push_back(static_cast<double>(
            std::lower_bound(d->play_times.begin(), d->play_times.end(), until) - d->play_times.begin()));
      }
      return out;
    };
    const std::vector<double> c = plays_by(by_cell[0]), t = plays_by(by_cell[1]);
    Result<MeanComparison> w = WelchTTest(c, t, {.alpha = alpha});
    if (!w.ok()) continue;  // too few members yet, or no plays
    points.push_back({day, w->relative_lift, w->relative_lift_interval, c.size() + t.size()});
  }
  return points;
}

}  // namespace

Result<ExperimentReport> BuildReport(const ReportInputs& in, const ReportOptions& o) {
  MARQUEE_RETURN_IF_ERROR(Check(in, o));
  const PlacedExperiment& e = *in.experiment;
  const int64_t as_of = o.as_of == 0 ? e.Ends() : std::min(o.as_of, e.Ends());
  if (as_of <= e.spec.start) {
    return Status::InvalidArgument(fmt::format("as_of: experiment {} starts on {}; a report needs a time after it",
                                               e.spec.name, FormatCivilDate(UnixDay(e.spec.start))));
  }
  const int64_t pre_from = e.spec.start - o.pre_days * kSecondsPerDay;
  std::unordered_map<std::string_view, MemberData> members = CollectMembers(in);
  // Members first exposed after the report's time are not in it yet.
  std::erase_if(members, [as_of](const auto& entry) { return entry.second.exposed >= as_of; });
  MARQUEE_RETURN_IF_ERROR(CheckTitlesKnown(in, members));
  for (const Event& ev : in.events) {
    auto it = members.find(ev.member_id);
    if (it == members.end()) continue;
    MemberData& d = it->second;
    if (ev.time >= pre_from && ev.time < e.spec.start) {
      Count(in, o, ev, d.before);
    } else if (ev.time >= d.exposed && ev.time >= e.spec.start && ev.time < as_of) {
      Count(in, o, ev, d.during);
      if (ev.kind == EventKind::kPlay) d.play_times.push_back(ev.time);
    }
  }
  std::vector<std::vector<const MemberData*>> by_cell(e.spec.cells.size());
  for (auto& [id, d] : members) {
    std::sort(d.play_times.begin(), d.play_times.end());
    by_cell[d.cell].push_back(&d);
  }

  ExperimentReport report;
  report.name = e.spec.name;
  report.layer = e.spec.layer;
  report.method = std::string(ExperimentMethodName(e.spec.method));
  report.start = e.spec.start;
  report.end = e.Ends();
  report.as_of = as_of;
  std::vector<int64_t> counts;
  std::vector<double> shares;
  for (size_t c = 0; c < by_cell.size(); ++c) {
    report.cells.push_back(Summarize(e.spec.cells[c], by_cell[c]));
    counts.push_back(static_cast<int64_t>(by_cell[c].size()));
    shares.push_back(e.spec.cells[c].share);
  }
  Result<SampleRatioCheck> srm = CheckSampleRatio(counts, shares);
  if (srm.ok()) {
    report.sample_ratio = *srm;
    report.trustworthy = !srm->mismatch;
  } else {
    report.trustworthy = false;  // no member at all: nothing to trust
  }
  for (size_t c = 1; c < by_cell.size(); ++c) {
    for (size_t metric = 0; metric < kMeans; ++metric) {
      report.comparisons.push_back(CompareMeans(metric, e.spec.cells[c].name, by_cell[0], by_cell[c], o.alpha));
    }
    report.comparisons.push_back(CompareTakeRates(e.spec.cells[c].name, by_cell[0], by_cell[c], o.alpha));
  }
  // Holm over the comparisons that have a test.
  std::vector<double> p;
  std::vector<size_t> tested;
  for (size_t i = 0; i < report.comparisons.size(); ++i) {
    if (!report.comparisons[i].note.empty()) continue;
    p.push_back(report.comparisons[i].p_value);
    tested.push_back(i);
  }
  if (!p.empty()) {
    MARQUEE_ASSIGN_OR_RETURN(std::vector<double> adjusted, HolmAdjust(p));
    for (size_t j = 0; j < tested.size(); ++j) {
      MetricComparison& m = report.comparisons[tested[j]];
      m.adjusted_p_value = adjusted[j];
      m.significant = adjusted[j] < o.alpha;
    }
  }
  report.cumulative_lift = CumulativeLift(e, as_of, by_cell, o.alpha);
  return report;
}

std::string ReportTable(const ExperimentReport& r) {
  std::string out = fmt::format("experiment {} (layer {}, {}), {} to {}, data through {}\n", r.name, r.layer, r.method,
                                FormatCivilDate(UnixDay(r.start)), FormatCivilDate(UnixDay(r.end)),
                                FormatCivilDate(UnixDay(r.as_of - 1)));
  uint64_t members = 0;
  for (const CellSummary& c : r.cells) members += c.members;
  if (members == 0) return out + "no member has been exposed to it yet: nothing to report\n";
  out += fmt::format("sample ratio: chi-square {:.3f}, p = {:.4g}{}\n\n", r.sample_ratio.chi_square,
                     r.sample_ratio.p_value,
                     r.trustworthy ? "" : "  ** SAMPLE RATIO MISMATCH: the report is not to be trusted **");
  out += fmt::format("{:<16} {:>9} {:>7} {:>9} {:>9} {:>9} {:>9} {:>10}\n", "cell", "members", "share", "plays",
                     "hours", "days", "played", "take rate");
  for (const CellSummary& c : r.cells) {
    out += fmt::format("{:<16} {:>9} {:>7.3f} {:>9.4f} {:>9.4f} {:>9.4f} {:>9.4f} {:>10.4f}\n", c.cell, c.members,
                       c.share, c.plays, c.streaming_hours, c.active_days, c.played_any, c.take_rate);
  }
  out += fmt::format("\n{:<16} {:<16} {:>9} {:>10} {:>22} {:>9} {:>9} {:>8}\n", "treatment", "metric", "lift",
                     "CUPED lift", "95% interval", "p", "Holm p", "var cut");
  for (const MetricComparison& m : r.comparisons) {
    if (!m.note.empty()) {
      out += fmt::format("{:<16} {:<16} no test: {}\n", m.treatment, m.metric, m.note);
      continue;
    }
    out += fmt::format("{:<16} {:<16} {:>+8.2f}% {:>10} [{:>+8.2f}%, {:>+8.2f}%] {:>9.4f} {:>9.4f} {:>8}{}\n",
                       m.treatment, m.metric, 100 * m.unadjusted_relative_lift,
                       m.cuped ? fmt::format("{:+.2f}%", 100 * m.relative_lift) : "",
                       100 * m.relative_lift_interval.low, 100 * m.relative_lift_interval.high, m.p_value,
                       m.adjusted_p_value, m.cuped ? fmt::format("{:.0f}%", 100 * m.variance_reduction) : "",
                       m.significant ? " *" : "");
  }
  out += "\nlift: treatment vs control from the cell means; CUPED lift: the same difference estimated with the "
         "pre-period as covariate (less variance: var cut), which the interval and p belong to where it is "
         "shown; Holm over every row; * significant at 5% after Holm\n";
  return out;
}

std::string ReportJson(const ExperimentReport& r, int indent) {
  using nlohmann::json;
  json cells = json::array();
  for (const CellSummary& c : r.cells) {
    cells.push_back({{"cell", c.cell}, {"members", c.members}, {"share", c.share}, {"plays", c.plays},
                     {"streaming_hours", c.streaming_hours}, {"active_days", c.active_days},
                     {"played_any", c.played_any}, {"take_rate", c.take_rate}, {"impressions", c.impressions},
                     {"qualifying_plays", c.qualifying_plays}});
  }
  json comparisons = json::array();
  for (const MetricComparison& m : r.comparisons) {
    json j = {{"treatment", m.treatment}, {"metric", m.metric}};
    if (!m.note.empty()) {
      j["no_test"] = m.note;
    } else {
      j.update({{"control", m.control}, {"treatment_value", m.treatment_value}, {"difference", m.difference},
                {"difference_interval", {m.difference_interval.low, m.difference_interval.high}},
                {"relative_lift", m.relative_lift},
                {"relative_lift_interval", {m.relative_lift_interval.low, m.relative_lift_interval.high}},
                {"unadjusted_relative_lift", m.unadjusted_relative_lift},
                {"p_value", m.p_value}, {"holm_p_value", m.adjusted_p_value}, {"significant", m.significant},
                {"cuped", m.cuped}, {"welch_p_value", m.welch_p_value}});
      if (m.cuped) j.update({{"theta", m.theta}, {"variance_reduction", m.variance_reduction}});
    }
    comparisons.push_back(std::move(j));
  }
  json lift = json::array();
  for (const LiftPoint& p : r.cumulative_lift) {
    lift.push_back({{"day", FormatCivilDate(p.day)}, {"lift", p.lift},
                    {"interval", {p.interval.low, p.interval.high}}, {"members", p.members}});
  }
  json doc = {{"experiment", r.name},
              {"layer", r.layer},
              {"method", r.method},
              {"start", FormatCivilDate(UnixDay(r.start))},
              {"end", FormatCivilDate(UnixDay(r.end))},
              {"as_of", r.as_of},
              {"sample_ratio", {{"chi_square", r.sample_ratio.chi_square}, {"p_value", r.sample_ratio.p_value},
                                {"mismatch", r.sample_ratio.mismatch}}},
              {"trustworthy", r.trustworthy},
              {"correction", "holm"},
              {"cells", std::move(cells)},
              {"comparisons", std::move(comparisons)},
              {"cumulative_lift", std::move(lift)}};
  return json_fields::Dump(doc, indent);
}

std::string CumulativeLiftSvg(const ExperimentReport& r) {
  LineSeries lift{.name = "lift in plays per member, unadjusted (%)"}, low{.name = "95% interval, lower"},
      high{.name = "95% interval, upper"};
  const int64_t first = UnixDay(r.start);
  for (const LiftPoint& p : r.cumulative_lift) {
    const double x = static_cast<double>(p.day - first + 1);
    lift.xs.push_back(x);
    lift.ys.push_back(100 * p.lift);
    low.xs.push_back(x);
    low.ys.push_back(100 * p.interval.low);
    high.xs.push_back(x);
    high.ys.push_back(100 * p.interval.high);
  }
  const std::string treatment = r.cells.size() > 1 ? r.cells[1].cell : "treatment";
  return LineChartSvg({lift, low, high},
                      {.title = fmt::format("{}: {} vs {}, cumulative lift", r.name, treatment,
                                            r.cells.empty() ? "control" : r.cells[0].cell),
                       .x_label = "day of the experiment",
                       .y_label = "lift (%)"});
}

std::string CatalogFingerprintHex(const IdMap& titles, const Catalog& catalog) {
  uint64_t h = Hash64(titles.arena(), titles.size());
  h = Hash64(std::string_view(reinterpret_cast<const char*>(titles.offsets().data()),
                              titles.offsets().size() * sizeof(titles.offsets()[0])),
             h);
  std::vector<uint32_t> runtimes;
  runtimes.reserve(catalog.size());
  for (const Title& t : catalog.titles()) runtimes.push_back(t.runtime_minutes);
  h = Hash64(std::string_view(reinterpret_cast<const char*>(runtimes.data()), runtimes.size() * sizeof(uint32_t)), h);
  return fmt::format("{:016x}", h);
}

}  // namespace marquee::experiment
