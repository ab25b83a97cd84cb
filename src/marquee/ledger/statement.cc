#include "marquee/ledger/statement.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "marquee/ledger/render_util.h"
#include "marquee/util/civil_time.h"
#include "marquee/util/svg_chart.h"

namespace marquee {

namespace {


using ledger_render::IsoTime;
using ledger_render::Thousands;
using json = nlohmann::ordered_json;

constexpr int64_t kOpenFrom = std::numeric_limits<int64_t>::min();
constexpr int64_t kOpenTo = std::numeric_limits<int64_t>::max();

const ConsentRecord* FindConsent(const ConsentRegistry& consents, const ConsentRef& ref) {
  for (const ConsentRecord& c : consents.consents()) {
    if (c.consent_id == ref.consent_id && c.version == ref.version) return &c;
  }
  return nullptr;
}

int64_t CountOf(const std::map<ConsentRef, int64_t>& counts, const ConsentRef& ref) {
  auto it = counts.find(ref);
  return it == counts.end() ? 0 : it->second;
}

// The version's qualifying impressions, all time, before the period's start
// and before its end: what cumulative rounding is computed from.
struct CountsToDate {
  std::map<ConsentRef, int64_t> before_from;
  std::map<ConsentRef, int64_t> before_to;
};

CountsToDate CountsFor(const LedgerAccounts& accounts, std::string_view performer_id, const Period& period) {
  CountsToDate counts;
  counts.before_to = accounts.ForPerformer(performer_id, {kOpenFrom, period.to}).impressions_by_consent;
  if (period.from != kOpenFrom) {
    counts.before_from = accounts.ForPerformer(performer_id, {kOpenFrom, period.from}).impressions_by_consent;
  }
  return counts;
}

// The fees of one consent version for the period (see statement.h).
Status FillFees(const CountsToDate& counts, const Period& period, const std::map<ConsentRef, int64_t>& first_impression,
                ConsentFeeLine& line) {
  const int64_t to_date = CountOf(counts.before_to, line.consent);
  const int64_t before = CountOf(counts.before_from, line.consent);
  line.qualifying_impressions_to_date = to_date;
  if (!line.found) return Status::OK();
  MARQUEE_ASSIGN_OR_RETURN(Micros fee_to, ImpressionFee(line.terms.rate_per_1000_qualifying_micros, to_date));
  MARQUEE_ASSIGN_OR_RETURN(Micros fee_before, ImpressionFee(line.terms.rate_per_1000_qualifying_micros, before));
  line.impression_fee_micros = fee_to - fee_before;  // both in [0, fee_to]: no overflow
  auto first = first_impression.find(line.consent);
  if (first != first_impression.end() && period.Contains(first->second)) {
    line.flat_fee_micros = line.terms.flat_fee_micros;
  }
  if (__builtin_add_overflow(line.flat_fee_micros, line.impression_fee_micros, &line.total_micros)) {
    return Status::InvalidArgument(fmt::format("consent {} v{}: the fees overflow int64 micros",
                                               line.consent.consent_id, line.consent.version));
  }
  return Status::OK();
}

Result<std::vector<BonusLine>> BonusLines(const LedgerAccounts& accounts, const Dataset& dataset,
                                          const PerformerStatement& statement, const StatementOptions& options) {
  std::set<std::string> agreements;
  for (const ConsentFeeLine& c : statement.consents) {
    if (c.found && c.bonus_participation && c.qualifying_impressions > 0) agreements.insert(c.agreement);
  }
  std::set<std::string> titles;
  for (const auto& [key, count] : statement.totals.impressions_by_key) titles.insert(key.title_id);
  std::vector<BonusLine> lines;
  for (const std::string& title_id : titles) {
    for (const std::string& agreement : agreements) {
      BonusLine line{title_id, agreement, {}};
      if (!dataset.titles.Contains(title_id)) {
        line.exposure.unit_id = title_id;
        line.exposure.bonus_status = "title not in the dataset";
        lines.push_back(std::move(line));
        continue;
      }
      ExposureOptions exposure = options.exposure;
      exposure.agreement = agreement;
      MARQUEE_ASSIGN_OR_RETURN(ExposureReport report, ComputeExposure(accounts, dataset, exposure, title_id));
      line.exposure = std::move(report.units.at(0));
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

}  // namespace

Result<PerformerStatement> BuildStatement(const LedgerAccounts& accounts, const Dataset& dataset,
                                          const ConsentRegistry& consents, std::string_view performer_id,
                                          const StatementOptions& options) {
  if (options.period.from >= options.period.to) {
    return Status::InvalidField("period", fmt::format("period: from ({}) must be before to ({})",
                                                      IsoTime(options.period.from), IsoTime(options.period.to)));
  }
  PerformerStatement s;
  s.performer_id = std::string(performer_id);
  s.period = options.period;
  const uint32_t index = dataset.catalog.FindPerformer(performer_id);
  if (index != IdMap::kNotFound) s.performer_name = dataset.catalog.performers()[index].name;
  const std::map<ConsentRef, int64_t> first = accounts.FirstImpressionByConsent(performer_id);
  if (index == IdMap::kNotFound && first.empty() && accounts.ForPerformer(performer_id).qualifying_impressions == 0) {
    return Status::InvalidField("performer", fmt::format("performer: {} is in neither the catalog nor the ledger",
                                                         QuoteForError(performer_id)));
  }
  s.totals = accounts.ForPerformer(performer_id, options.period);

  // Every version relied on in the period, and any whose flat fee falls in it.
  std::set<ConsentRef> relied;
  for (const auto& [ref, count] : s.totals.impressions_by_consent) relied.insert(ref);
  for (const auto& [ref, time] : first) {
    if (options.period.Contains(time)) relied.insert(ref);
  }
  const CountsToDate counts = CountsFor(accounts, performer_id, options.period);
  for (const ConsentRef& ref : relied) {
    ConsentFeeLine line;
    line.consent = ref;
    line.qualifying_impressions = CountOf(s.totals.impressions_by_consent, ref);
    if (const ConsentRecord* record = FindConsent(consents, ref)) {
      line.found = true;
      line.agreement = record->agreement;
      line.bonus_participation = record->compensation.bonus_participation;
      line.terms = {record->compensation.flat_fee_micros, record->compensation.rate_per_1000_qualifying_micros};
    } else {
      s.problems.push_back(fmt::format("consent {} version {} is relied on by the ledger but not in the consent log; "
                                       "no fee is computed for it",
                                       QuoteForError(ref.consent_id), ref.version));
    }
    MARQUEE_RETURN_IF_ERROR(FillFees(counts, options.period, first, line));
    if (__builtin_add_overflow(s.total_fees_micros, line.total_micros, &s.total_fees_micros)) {
      return Status::InvalidArgument("the statement's total fees overflow int64 micros");
    }
    s.consents.push_back(std::move(line));
  }
  MARQUEE_ASSIGN_OR_RETURN(s.bonus, BonusLines(accounts, dataset, s, options));
  for (std::string& p : accounts.problems()) s.problems.push_back(std::move(p));
  return s;
}

namespace {

// "all time", "from 2026-01-01T00:00:00Z", "until ...", or "[from, to)" (to excluded).
std::string PeriodText(const Period& p) {
  const bool open_from = p.from == std::numeric_limits<int64_t>::min();
  const bool open_to = p.to == std::numeric_limits<int64_t>::max();
  if (open_from && open_to) return "all time";
  if (open_to) return "from " + IsoTime(p.from);
  if (open_from) return "before " + IsoTime(p.to);
  return fmt::format("[{}, {})", IsoTime(p.from), IsoTime(p.to));
}

std::string ViewsText(const ExposureUnit& u) {
  if (!u.views) return "-";
  if (!u.bonus) return Thousands(*u.views);
  return fmt::format("{} ({:.4f} of {} subscribers)", Thousands(*u.views), u.bonus->views_per_subscriber,
                     Thousands(u.bonus->domestic_subscribers));
}

}  // namespace

std::string StatementText(const PerformerStatement& s) {
  std::string out = fmt::format("statement for performer {}{} over {}\n", s.performer_id,
                                s.performer_name.empty() ? "" : " (" + s.performer_name + ")", PeriodText(s.period));
  out += fmt::format("qualifying impressions: {}\nqualifying plays attributed: {}\n\n",
                     Thousands(s.totals.qualifying_impressions), Thousands(s.totals.qualifying_plays));
  out += "impressions by title, territory and variant kind:\n";
  if (s.totals.impressions_by_key.empty()) out += "  (none)\n";
  else out += fmt::format("  {:<20} {:<9} {:<56} {:>12}\n", "title", "territory", "variant kind", "impressions");
  for (const auto& [key, count] : s.totals.impressions_by_key) {
    out += fmt::format("  {:<20} {:<9} {:<56} {:>12}\n", key.title_id, key.territory, key.variant_kind,
                       Thousands(count));
  }
  out += "\nqualifying plays attributed, by title:\n";
  if (s.totals.qualifying_plays_by_title.empty()) out += "  (none)\n";
  for (const auto& [title, count] : s.totals.qualifying_plays_by_title) {
    out += fmt::format("  {:<20} {:>12}\n", title, Thousands(count));
  }
  out += "\nconsents relied on, and fees:\n";
  if (s.consents.empty()) out += "  (none)\n";
  else {
    out += fmt::format("  {:<18} {:>3}  {:>14} {:>14} {:>12} {:>16} {:>16} {:>16}\n", "consent", "ver", "flat fee",
                       "rate / 1,000", "impressions", "flat fee due", "impression fee", "total");
  }
  for (const ConsentFeeLine& c : s.consents) {
    if (!c.found) {
      out += fmt::format("  {:<18} {:>3}  not in the consent log: no fee computed ({} impressions)\n",
                         c.consent.consent_id, c.consent.version, Thousands(c.qualifying_impressions));
      continue;
    }
    out += fmt::format("  {:<18} {:>3}  {:>14} {:>14} {:>12} {:>16} {:>16} {:>16}\n", c.consent.consent_id,
                       c.consent.version, FormatMicros(c.terms.flat_fee_micros),
                       FormatMicros(c.terms.rate_per_1000_qualifying_micros), Thousands(c.qualifying_impressions),
                       FormatMicros(c.flat_fee_micros), FormatMicros(c.impression_fee_micros),
                       FormatMicros(c.total_micros));
  }
  out += fmt::format("  total fees: {}\n", FormatMicros(s.total_fees_micros));
  out += "\nstreaming success bonus (titles shown under consents that participate):\n";
  if (s.bonus.empty()) out += "  (none)\n";
  for (const BonusLine& b : s.bonus) {
    out += fmt::format("  {:<20} {:<32} {} domestic hours, views {}: {}\n", b.title_id, b.agreement,
                       FormatHours(b.exposure.seconds_domestic), ViewsText(b.exposure), b.exposure.bonus_status);
  }
  if (!s.problems.empty()) {
    out += "\nproblems:\n";
    for (const std::string& p : s.problems) out += "  " + p + "\n";
  }
  return out;
}

std::string StatementJson(const PerformerStatement& s) {
  auto bound = [](int64_t t) { return t == kOpenFrom || t == kOpenTo ? json(nullptr) : json(t); };
  json impressions = json::array(), by_day = json::array(), plays = json::array(), consents = json::array(),
       bonus = json::array();
  for (const auto& [key, count] : s.totals.impressions_by_key) {
    impressions.push_back({{"title_id", key.title_id}, {"territory", key.territory},
                           {"variant_kind", key.variant_kind}, {"impressions", count}});
  }
  for (const auto& [day, count] : s.totals.impressions_by_day) {
    by_day.push_back({{"date", FormatCivilDate(day)}, {"impressions", count}});
  }
  for (const auto& [title, count] : s.totals.qualifying_plays_by_title) {
    plays.push_back({{"title_id", title}, {"qualifying_plays", count}});
  }
  for (const ConsentFeeLine& c : s.consents) {
    consents.push_back({{"consent_id", c.consent.consent_id},
                        {"version", c.consent.version},
                        {"found", c.found},
                        {"agreement", c.agreement},
                        {"bonus_participation", c.bonus_participation},
                        {"flat_fee", FormatMicros(c.terms.flat_fee_micros)},
                        {"rate_per_1000_qualifying", FormatMicros(c.terms.rate_per_1000_qualifying_micros)},
                        {"qualifying_impressions", c.qualifying_impressions},
                        {"qualifying_impressions_to_date", c.qualifying_impressions_to_date},
                        {"flat_fee_due", FormatMicros(c.flat_fee_micros)},
                        {"impression_fee", FormatMicros(c.impression_fee_micros)},
                        {"total", FormatMicros(c.total_micros)},
                        {"total_micros", c.total_micros}});
  }
  for (const BonusLine& b : s.bonus) {
    const ExposureUnit& u = b.exposure;
    json line = {{"title_id", b.title_id}, {"unit_id", u.unit_id}, {"agreement", b.agreement},
                 {"status", u.bonus_status}, {"seconds_domestic", u.seconds_domestic},
                 {"window_days", u.window_days}};
    line["views"] = u.views ? json(*u.views) : json(nullptr);
    line["views_per_subscriber"] = u.bonus ? json(u.bonus->views_per_subscriber) : json(nullptr);
    line["triggered"] = u.bonus ? json(u.bonus->triggered) : json(nullptr);
    bonus.push_back(std::move(line));
  }
  json out = {{"performer_id", s.performer_id},
              {"performer_name", s.performer_name},
              {"period", {{"from", bound(s.period.from)}, {"to", bound(s.period.to)}}},
              {"qualifying_impressions", s.totals.qualifying_impressions},
              {"qualifying_plays_attributed", s.totals.qualifying_plays},
              {"impressions", std::move(impressions)},
              {"impressions_by_day", std::move(by_day)},
              {"qualifying_plays_by_title", std::move(plays)},
              {"consents", std::move(consents)},
              {"total_fees", FormatMicros(s.total_fees_micros)},
              {"total_fees_micros", s.total_fees_micros},
              {"bonus", std::move(bonus)},
              {"problems", s.problems}};
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

namespace {

// Impressions per day, one series per statement, over the days the periods
// (where bounded) and the data cover; days without impressions are zeros.
std::string DailyChart(std::span<const PerformerStatement> statements) {
  int64_t first = std::numeric_limits<int64_t>::max(), last = std::numeric_limits<int64_t>::min();
  for (const PerformerStatement& s : statements) {
    if (s.period.from != kOpenFrom) first = std::min(first, UnixDay(s.period.from));
    if (s.period.to != kOpenTo) last = std::max(last, UnixDay(s.period.to - 1));
    if (!s.totals.impressions_by_day.empty()) {
      first = std::min(first, s.totals.impressions_by_day.begin()->first);
      last = std::max(last, s.totals.impressions_by_day.rbegin()->first);
    }
  }
  std::vector<LineSeries> series;
  const bool any = first <= last && last - first <= 36600;  // a century of days at most
  for (const PerformerStatement& s : statements) {
    LineSeries line{s.performer_name.empty() ? s.performer_id : s.performer_name + " (" + s.performer_id + ")", {},
                    {}};
    for (int64_t day = first; any && day <= last; ++day) {
      auto it = s.totals.impressions_by_day.find(day);
      line.xs.push_back(static_cast<double>(day - first));
      line.ys.push_back(it == s.totals.impressions_by_day.end() ? 0.0 : static_cast<double>(it->second));
    }
    series.push_back(std::move(line));
  }
  ChartOptions chart;
  chart.title = "Qualifying impressions per day";
  chart.x_label = any ? "days since " + FormatCivilDate(first) : "day";
  chart.y_label = "impressions";
  return LineChartSvg(series, chart);
}

std::string StatementSection(const PerformerStatement& s) {
  std::string out = fmt::format("<h2>{}{}</h2>\n<p>Period {}. Qualifying impressions <b>{}</b>; qualifying plays "
                                "attributed <b>{}</b>; fees <b>{}</b>.</p>\n",
                                XmlEscape(s.performer_id),
                                s.performer_name.empty() ? "" : " &mdash; " + XmlEscape(s.performer_name),
                                XmlEscape(PeriodText(s.period)), Thousands(s.totals.qualifying_impressions),
                                Thousands(s.totals.qualifying_plays), FormatMicros(s.total_fees_micros));
  out += "<table><tr><th>title</th><th>territory</th><th>variant kind</th><th>impressions</th></tr>\n";
  for (const auto& [key, count] : s.totals.impressions_by_key) {
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>\n", XmlEscape(key.title_id),
                       XmlEscape(key.territory), XmlEscape(key.variant_kind), Thousands(count));
  }
  out += "</table>\n<table><tr><th>consent</th><th>version</th><th>flat fee</th><th>rate per 1,000</th>"
         "<th>qualifying impressions</th><th>flat fee due</th><th>impression fee</th><th>total</th></tr>\n";
  for (const ConsentFeeLine& c : s.consents) {
    if (!c.found) {
      out += fmt::format("<tr><td>{}</td><td class=\"n\">{}</td><td colspan=\"6\">not in the consent log: no fee "
                         "computed ({} impressions)</td></tr>\n",
                         XmlEscape(c.consent.consent_id), c.consent.version, Thousands(c.qualifying_impressions));
      continue;
    }
    out += fmt::format("<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
                       "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
                       "</tr>\n",
                       XmlEscape(c.consent.consent_id), c.consent.version, FormatMicros(c.terms.flat_fee_micros),
                       FormatMicros(c.terms.rate_per_1000_qualifying_micros), Thousands(c.qualifying_impressions),
                       FormatMicros(c.flat_fee_micros), FormatMicros(c.impression_fee_micros),
                       FormatMicros(c.total_micros));
  }
  out += fmt::format("<tr><th colspan=\"7\">total</th><td class=\"n\"><b>{}</b></td></tr></table>\n",
                     FormatMicros(s.total_fees_micros));
  if (!s.bonus.empty()) {
    out += "<table><tr><th>title</th><th>agreement</th><th>domestic hours</th><th>views</th><th>bonus</th></tr>\n";
    for (const BonusLine& b : s.bonus) {
      out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
                         XmlEscape(b.title_id), XmlEscape(b.agreement), FormatHours(b.exposure.seconds_domestic),
                         XmlEscape(ViewsText(b.exposure)), XmlEscape(b.exposure.bonus_status));
    }
    out += "</table>\n";
  }
  if (!s.problems.empty()) {
    out += "<p><b>Problems</b></p><ul>\n";
    for (const std::string& p : s.problems) out += "<li>" + XmlEscape(p) + "</li>\n";
    out += "</ul>\n";
  }
  return out;
}

}  // namespace

std::string StatementHtml(std::span<const PerformerStatement> statements) {
  std::string out = ledger_render::PageStart(statements.size() == 1 ? "Statement: " + statements[0].performer_id
                                                                    : "Performers' statements");
  out += DailyChart(statements) + "\n";
  for (const PerformerStatement& s : statements) out += StatementSection(s);
  out += "<p class=\"note\">Amounts in currency units with six decimals, exact (docs/compensation.md). "
         "Members are never named.</p>\n";
  return out + ledger_render::PageEnd();
}

}  // namespace marquee
