#include "marquee/ledger/render_util.h"

#include <limits>

#include <fmt/format.h>

#include "marquee/util/civil_time.h"
#include "marquee/util/svg_chart.h"

namespace marquee::ledger_render {

std::string Thousands(int64_t value) {
  // Through uint64 so that the most negative value has a magnitude.
  const bool negative = value < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::string digits = fmt::format("{}", magnitude), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return negative ? "-" + out : out;
}

std::string IsoTime(int64_t t) {
  if (t == std::numeric_limits<int64_t>::min() || t == std::numeric_limits<int64_t>::max()) return "-";
  const int64_t day = UnixDay(t), secs = t - day * kSecondsPerDay;
  return fmt::format("{}T{:02}:{:02}:{:02}Z", FormatCivilDate(day), secs / 3600, secs / 60 % 60, secs % 60);
}

std::string PageStart(std::string_view title) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{0}</title>\n"
      "<style>body{{font-family:sans-serif;margin:2em;color:#111}}table{{border-collapse:collapse;margin:1em 0}}"
      "th,td{{border:1px solid #999;padding:4px 8px;text-align:left}}td.n{{text-align:right;"
      "font-variant-numeric:tabular-nums}}h2{{margin-top:2em}}.note{{color:#555;font-size:90%}}"
      "@media print{{body{{margin:0}}h2{{page-break-before:auto}}}}</style></head><body>\n<h1>{0}</h1>\n",
      XmlEscape(title));
}

std::string PageEnd() { return "</body></html>\n"; }

}  // namespace marquee::ledger_render
