#include "marquee/ledger/exposure.h"

#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "marquee/ledger/render_util.h"
#include "marquee/util/svg_chart.h"
#include "marquee/util/civil_time.h"

namespace marquee {

namespace {


using ledger_render::Thousands;

std::string UnitIdOf(const Dataset& dataset, uint32_t title) {
  const Title& t = dataset.catalog.titles()[title];
  if (t.episode_of) return fmt::format("{} season {}", t.episode_of->series_id, t.episode_of->season);
  return std::string(dataset.titles.ExternalId(title));
}

// The unit of every title of the dataset, keyed by unit id, titles in
// catalog order.
std::map<std::string, ExposureUnit> UnitsOf(const Dataset& dataset) {
  std::map<std::string, ExposureUnit> units;
  for (uint32_t i = 0; i < dataset.catalog.size(); ++i) {
    const Title& t = dataset.catalog.titles()[i];
    const std::string id = UnitIdOf(dataset, i);
    ExposureUnit& unit = units[id];
    if (unit.unit_id.empty()) {
      unit.unit_id = id;
      unit.name = t.episode_of || t.name.empty() ? id : t.name;
    }
    unit.title_ids.emplace_back(dataset.titles.ExternalId(i));
    unit.runtime_minutes.push_back(t.runtime_minutes);
    if (t.release_date && (!unit.release_day || *t.release_date < *unit.release_day)) unit.release_day = *t.release_date;
  }
  return units;
}

Result<std::string> ResolveAgreement(const ExposureOptions& options) {
  if (options.rules == nullptr || !options.agreement.empty()) return options.agreement;
  std::set<std::string> agreements;
  for (const BonusRules& r : options.rules->rules()) agreements.insert(r.agreement);
  if (agreements.size() == 1) return *agreements.begin();
  return Status::InvalidField("agreement", fmt::format("agreement: the bonus rules define {} agreements; name the one "
                                                       "to evaluate",
                                                       agreements.size()));
}

// The rule in effect for `unit`, or null with the reason in `why`.
const BonusRules* RuleFor(const ExposureUnit& unit, const ExposureOptions& options, const std::string& agreement,
                          std::string& why) {
  if (options.rules == nullptr) {
    why = "no bonus rules given";
    return nullptr;
  }
  if (!unit.release_day) {
    why = "release date unknown";
    return nullptr;
  }
  Result<const BonusRules*> rule = options.rules->Find(agreement, *unit.release_day);
  if (!rule.ok()) {
    why = rule.status().message();
    return nullptr;
  }
  return *rule;
}

Status CheckOptions(const ExposureOptions& options) {
  const std::string& t = options.domestic_territory;
  if (t.size() != 2 || t[0] < 'A' || t[0] > 'Z' || t[1] < 'A' || t[1] > 'Z') {
    return Status::InvalidField("domestic_territory", fmt::format("domestic_territory: expected two upper-case "
                                                                  "letters (ISO 3166-1 alpha-2), found {}",
                                                                  QuoteForError(t)));
  }
  if (options.window_days < 1) {
    return Status::InvalidField("window_days", fmt::format("window_days: expected >= 1, found {}", options.window_days));
  }
  if (options.domestic_subscribers < 0) {
    return Status::InvalidField("domestic_subscribers", fmt::format("domestic_subscribers: expected >= 0, found {}",
                                                                    options.domestic_subscribers));
  }
  return Status::OK();
}

Status AddSeconds(int64_t& sum, int64_t seconds, const std::string& unit_id) {
  if (__builtin_add_overflow(sum, seconds, &sum)) {
    return Status::InvalidArgument(fmt::format("{}: seconds streamed overflow a 64-bit count", unit_id));
  }
  return Status::OK();
}

}  // namespace

Status EvaluateExposure(ExposureUnit& unit, const ExposureOptions& options) {
  unit.views.reset();
  unit.bonus.reset();
  int64_t runtime = 0;
  bool known = !unit.runtime_minutes.empty();
  for (int64_t m : unit.runtime_minutes) {
    known = known && m > 0;
    runtime += m;
  }
  if (!known) {
    unit.bonus_status = "runtime unknown";
    return Status::OK();
  }
  unit.views = unit.seconds_domestic / (runtime * 60);
  MARQUEE_ASSIGN_OR_RETURN(std::string agreement, ResolveAgreement(options));
  const BonusRules* rule = RuleFor(unit, options, agreement, unit.bonus_status);
  if (rule == nullptr) return Status::OK();
  BonusInput input{unit.runtime_minutes, unit.seconds_domestic, options.domestic_subscribers, 0};
  MARQUEE_ASSIGN_OR_RETURN(BonusEvaluation evaluation, EvaluateBonus(*rule, input));
  unit.views = evaluation.views;
  unit.bonus_status = evaluation.triggered ? "triggered" : "not triggered";
  unit.bonus = std::move(evaluation);
  return Status::OK();
}

Result<ExposureReport> ComputeExposure(const LedgerAccounts& accounts, const Dataset& dataset,
                                       const ExposureOptions& options, std::string_view title_id) {
  MARQUEE_RETURN_IF_ERROR(CheckOptions(options));
  MARQUEE_ASSIGN_OR_RETURN(std::string agreement, ResolveAgreement(options));
  std::map<std::string, ExposureUnit> units = UnitsOf(dataset);
  std::string only;
  if (!title_id.empty()) {
    const uint32_t t = dataset.titles.Find(title_id);
    if (t == IdMap::kNotFound) {
      return Status::InvalidField("title", fmt::format("title: no title {} in the dataset", QuoteForError(title_id)));
    }
    only = UnitIdOf(dataset, t);
  }
  // Each unit's window, from its rule when one is in effect.
  for (auto& [id, unit] : units) {
    std::string why;
    const BonusRules* rule = RuleFor(unit, options, agreement, why);
    unit.window_days = rule != nullptr ? rule->window_days : options.window_days;
  }
  // Plays of titles the catalog lacks form units of their own, runtime unknown.
  for (const PlayRecord& play : accounts.plays()) {
    if (!accounts.IsLive(play.play_id)) continue;
    const uint32_t t = dataset.titles.Find(play.title_id);
    const std::string id = t == IdMap::kNotFound ? play.title_id : UnitIdOf(dataset, t);
    if (!only.empty() && id != only) continue;
    ExposureUnit& unit = units[id];
    if (unit.unit_id.empty()) {
      unit = {.unit_id = id, .name = id, .title_ids = {id}, .runtime_minutes = {0}, .window_days = options.window_days};
    }
    ++unit.plays;
    MARQUEE_RETURN_IF_ERROR(AddSeconds(unit.seconds_streamed, play.seconds_watched, id));
    if (play.territory != options.domestic_territory || !unit.release_day) continue;
    const int64_t start = *unit.release_day * kSecondsPerDay;
    if (play.time >= start && (play.time - start) / kSecondsPerDay < unit.window_days) {
      MARQUEE_RETURN_IF_ERROR(AddSeconds(unit.seconds_domestic, play.seconds_watched, id));
    }
  }
  ExposureReport report{options.domestic_territory, options.domestic_subscribers, agreement, {}};
  for (auto& [id, unit] : units) {
    if (only.empty() ? unit.plays == 0 : id != only) continue;
    MARQUEE_RETURN_IF_ERROR(EvaluateExposure(unit, options));
    report.units.push_back(std::move(unit));
  }
  return report;
}

std::string FormatHours(int64_t seconds) {
  // Hundredths of an hour = seconds / 36, rounded half up (seconds >= 0).
  const int64_t hundredths = seconds / 36 + (seconds % 36 >= 18 ? 1 : 0);
  return fmt::format("{}.{:02}", Thousands(hundredths / 100), hundredths % 100);
}

namespace {

std::string Ratio(const ExposureUnit& unit) {
  return unit.bonus ? fmt::format("{:.4f}", unit.bonus->views_per_subscriber) : "-";
}

std::string Runtime(const ExposureUnit& unit) {
  int64_t sum = 0;
  for (int64_t m : unit.runtime_minutes) {
    if (m <= 0) return "unknown";
    sum += m;
  }
  return unit.runtime_minutes.size() == 1 ? fmt::format("{} min", sum)
                                          : fmt::format("{} episodes, {} min", unit.runtime_minutes.size(), sum);
}

}  // namespace

std::string ExposureText(const ExposureReport& report) {
  std::string out = fmt::format("exposure (domestic: {}; subscribers: {}; agreement: {})\n", report.domestic_territory,
                                report.domestic_subscribers > 0 ? Thousands(report.domestic_subscribers) : "the rule's",
                                report.agreement.empty() ? "none" : report.agreement);
  if (report.units.empty()) return out + "  (no plays in the ledger)\n";
  out += fmt::format("  {:<28} {:>8} {:>18} {:>18} {:>6} {:>14} {:>7}  {}\n", "title / season", "plays", "hours",
                     "domestic hours", "window", "views", "ratio", "bonus");
  for (const ExposureUnit& u : report.units) {
    out += fmt::format("  {:<28} {:>8} {:>18} {:>18} {:>5}d {:>14} {:>7}  {}\n", u.unit_id, Thousands(u.plays),
                       FormatHours(u.seconds_streamed), FormatHours(u.seconds_domestic), u.window_days,
                       u.views ? Thousands(*u.views) : "-", Ratio(u), u.bonus_status);
    out += fmt::format("    runtime {}, released {}\n", Runtime(u),
                       u.release_day ? FormatCivilDate(*u.release_day) : "unknown");
  }
  return out;
}

std::string ExposureJson(const ExposureReport& report) {
  nlohmann::ordered_json units = nlohmann::ordered_json::array();
  for (const ExposureUnit& u : report.units) {
    nlohmann::ordered_json j = {{"unit_id", u.unit_id}, {"name", u.name}, {"title_ids", u.title_ids},
                                {"runtime_minutes", u.runtime_minutes}};
    j["release_date"] = u.release_day ? nlohmann::ordered_json(FormatCivilDate(*u.release_day)) : nullptr;
    j["window_days"] = u.window_days;
    j["plays"] = u.plays;
    j["seconds_streamed"] = u.seconds_streamed;
    j["seconds_domestic"] = u.seconds_domestic;
    j["hours_streamed"] = FormatHours(u.seconds_streamed);
    j["hours_domestic"] = FormatHours(u.seconds_domestic);
    j["views"] = u.views ? nlohmann::ordered_json(*u.views) : nullptr;
    j["bonus_status"] = u.bonus_status;
    if (u.bonus) {
      j["bonus"] = {{"agreement", u.bonus->agreement}, {"version", u.bonus->version},
                    {"domestic_subscribers", u.bonus->domestic_subscribers},
                    {"views_per_subscriber", u.bonus->views_per_subscriber}, {"triggered", u.bonus->triggered}};
    } else {
      j["bonus"] = nullptr;
    }
    units.push_back(std::move(j));
  }
  nlohmann::ordered_json out = {{"domestic_territory", report.domestic_territory},
                                {"domestic_subscribers", report.domestic_subscribers},
                                {"agreement", report.agreement},
                                {"units", std::move(units)}};
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string ExposureHtml(const ExposureReport& report) {
  std::string out = ledger_render::PageStart("Exposure and the streaming success bonus");
  out += fmt::format("<p>Domestic territory {}; subscribers {}; agreement {}.</p>\n",
                     XmlEscape(report.domestic_territory),
                     report.domestic_subscribers > 0 ? Thousands(report.domestic_subscribers) : "as the rule sets",
                     XmlEscape(report.agreement.empty() ? "none" : report.agreement));
  out += "<table><tr><th>title / season</th><th>runtime</th><th>released</th><th>plays</th><th>hours</th>"
         "<th>domestic hours (window)</th><th>views</th><th>ratio</th><th>bonus</th></tr>\n";
  for (const ExposureUnit& u : report.units) {
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{} ({} d)</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
        XmlEscape(u.unit_id), Runtime(u), u.release_day ? FormatCivilDate(*u.release_day) : "unknown",
        Thousands(u.plays), FormatHours(u.seconds_streamed), FormatHours(u.seconds_domestic), u.window_days,
        u.views ? Thousands(*u.views) : "-", Ratio(u), XmlEscape(u.bonus_status));
  }
  out += "</table>\n<p class=\"note\">Hours are exact seconds / 3600 shown to the hundredth; views = domestic "
         "seconds in the window / runtime seconds, floored; the trigger is compared in exact integers "
         "(docs/compensation.md).</p>\n";
  return out + ledger_render::PageEnd();
}

}  // namespace marquee
