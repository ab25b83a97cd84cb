#include "marquee/experiment/interleaving_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>
#include <vector>

#include "marquee/util/civil_time.h"

namespace marquee::experiment {

namespace {

// One member's tagged impressions by title (time, team), and plays, in time order.
struct MemberLog {
  std::map<std::string, std::vector<std::pair<int64_t, Team>>, std::less<>> shown;
  std::vector<const Event*> plays;
};

// The team credited for `play`, or none (header's rule).
std::optional<Team> CreditFor(const MemberLog& log, const Event& play, int64_t window) {
  const auto it = log.shown.find(play.title_id);
  if (it == log.shown.end()) return std::nullopt;
  std::optional<std::pair<int64_t, Team>> latest;
  for (const auto& shown : it->second) {
    if (shown.first <= play.time && (!latest || shown.first >= latest->first)) latest = shown;
  }
  if (!latest || play.time - latest->first > window) return std::nullopt;
  return latest->second;
}

}  // namespace

Result<InterleavingReport> BuildInterleavingReport(const PlacedExperiment& e, std::span<const Event> events,
                                                   const InterleavingReportOptions& o) {
  if (e.spec.method != ExperimentMethod::kInterleaving || e.spec.cells.size() != 2) {
    return Status::InvalidArgument(
        fmt::format("experiment {}: expected an interleaving experiment of two cells", e.spec.name));
  }
  if (!(o.attribution_hours > 0.0)) {
    return Status::InvalidArgument(fmt::format("attribution_hours: expected > 0, got {}", o.attribution_hours));
  }
  const int64_t as_of = o.as_of == 0 ? e.Ends() : std::min(o.as_of, e.Ends());
  const int64_t window = static_cast<int64_t>(std::llround(o.attribution_hours * 3600.0));
  std::unordered_map<std::string_view, MemberLog> logs;
  for (const Event& ev : events) {
    if (ev.time < e.spec.start || ev.time >= as_of) continue;
    if (ev.kind == EventKind::kImpression && ev.experiment && ev.experiment->experiment == e.spec.name) {
      const Team team = ev.experiment->team == "b" ? Team::kB : Team::kA;
      logs[ev.member_id].shown[ev.title_id].emplace_back(ev.time, team);
    }
  }
  for (const Event& ev : events) {
    if (ev.kind != EventKind::kPlay || ev.time < e.spec.start || ev.time >= as_of) continue;
    auto it = logs.find(ev.member_id);
    if (it != logs.end()) it->second.plays.push_back(&ev);
  }
  InterleavingReport r;
  r.name = e.spec.name;
  r.cell_a = e.spec.cells[0].name;
  r.cell_b = e.spec.cells[1].name;
  r.start = e.spec.start;
  r.end = e.Ends();
  r.as_of = as_of;
  r.members = logs.size();
  std::vector<TeamCredit> credits;
  credits.reserve(logs.size());
  for (const auto& [member, log] : logs) {
    TeamCredit credit;
    for (const Event* play : log.plays) {
      if (std::optional<Team> team = CreditFor(log, *play, window)) credit.Add(*team);
    }
    r.credited_a += credit.a;
    r.credited_b += credit.b;
    credits.push_back(credit);
  }
  r.preferences = CountPreferences(credits);
  r.preference_delta = PreferenceDelta(r.preferences);
  Result<SignTestResult> sign = SignTest(static_cast<int64_t>(r.preferences.b), static_cast<int64_t>(r.preferences.a));
  std::vector<double> prefers_b;
  for (const TeamCredit& c : credits) {
    if (c.a != c.b) prefers_b.push_back(c.b > c.a ? 1.0 : 0.0);
  }
  Result<Interval> interval = BootstrapShareInterval(prefers_b, o.bootstrap);
  if (!sign.ok() || !interval.ok()) {
    r.note = !sign.ok() ? sign.status().message() : interval.status().message();
    return r;
  }
  r.tested = true;
  r.sign = *sign;
  r.b_share_interval = *interval;
  return r;
}

std::string InterleavingReportTable(const InterleavingReport& r) {
  std::string out = fmt::format("interleaving experiment {}: team a = {}, team b = {}; {} to {}, data through {}\n",
                                r.name, r.cell_a, r.cell_b, FormatCivilDate(UnixDay(r.start)),
                                FormatCivilDate(UnixDay(r.end)), FormatCivilDate(UnixDay(r.as_of - 1)));
  if (r.members == 0) return out + "no member has seen an interleaved list yet: nothing to report\n";
  out += fmt::format("members {}, plays credited: a {}, b {}\n", r.members, r.credited_a, r.credited_b);
  out += fmt::format("members preferring a {}, b {}, ties {}; preference for b {:+.4f}\n", r.preferences.a,
                     r.preferences.b, r.preferences.ties, r.preference_delta);
  if (!r.tested) return out + "no test: " + r.note + "\n";
  out += fmt::format("share preferring b among those with a preference: {:.4f} [{:.4f}, {:.4f}] (bootstrap 95%); "
                     "sign test p = {:.4g}{}\n",
                     r.sign.win_share, r.b_share_interval.low, r.b_share_interval.high, r.sign.p_value,
                     r.sign.p_value < 0.05 ? fmt::format("  -> members prefer {}", r.sign.win_share > 0.5 ? r.cell_b : r.cell_a)
                                           : "  -> no preference shown at 5%");
  return out;
}

std::string InterleavingReportJson(const InterleavingReport& r, int indent) {
  using nlohmann::json;
  json out = {{"experiment", r.name},
              {"method", "interleaving"},
              {"team_a", r.cell_a},
              {"team_b", r.cell_b},
              {"start", FormatCivilDate(UnixDay(r.start))},
              {"end", FormatCivilDate(UnixDay(r.end))},
              {"as_of", r.as_of},
              {"members", r.members},
              {"credited_plays", {{"a", r.credited_a}, {"b", r.credited_b}}},
              {"preferences", {{"a", r.preferences.a}, {"b", r.preferences.b}, {"ties", r.preferences.ties}}},
              {"preference_delta", r.preference_delta}};
  if (r.tested) {
    out["test"] = {{"p_value", r.sign.p_value},
                   {"b_share", r.sign.win_share},
                   {"b_share_interval", {r.b_share_interval.low, r.b_share_interval.high}}};
  } else {
    out["no_test"] = r.note;
  }
  return out.dump(indent);
}

}  // namespace marquee::experiment
