#include "marquee/util/svg_chart.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string_view>

namespace marquee {
std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even when escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

namespace {

// Distinguishable on white and for the common colour-vision deficiencies
// well enough for a handful of curves; past ten, dashes tell them apart.
constexpr std::array<std::string_view, 10> kColours = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
constexpr std::array<std::string_view, 3> kDashes = {"", "6 3", "2 2"};

constexpr int kMinWidth = 240;
constexpr int kMinHeight = 160;
constexpr double kLeftMargin = 70.0;   // room for y tick labels and the y label
constexpr double kTopMargin = 40.0;    // the title
constexpr double kBottomMargin = 50.0; // x tick labels and the x label
constexpr double kLegendGap = 20.0;
constexpr double kCharWidth = 7.0;     // rough width of a 12px sans-serif character


std::string Fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  return buffer;
}

// "%.2f" without trailing zeros (and without a dangling point).
std::string Trimmed(double value) {
  std::string s = Fixed(value, 2);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

// The smallest of 1, 2, 5, 10 times 10^k that is >= raw (> 0).
double NiceStep(double raw) {
  const double base = std::pow(10.0, std::floor(std::log10(raw)));
  const double mantissa = raw / base;
  // The slack absorbs rounding in log10 and the division (19.999... -> 20).
  constexpr double kSlack = 1e-9;
  if (mantissa <= 1.0 + kSlack) return base;
  if (mantissa <= 2.0 + kSlack) return 2.0 * base;
  if (mantissa <= 5.0 + kSlack) return 5.0 * base;
  return 10.0 * base;
}

struct Range {
  double lo = 0.0, hi = 1.0;
};

// The finite extent of the points (bands' edges included), or 0..1 when
// there are none.
void DataRanges(const std::vector<LineSeries>& series, const std::vector<BandSeries>& bands, Range& x, Range& y) {
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo;
  double ylo = xlo, yhi = -xlo;
  auto add = [&](double px, double py) {
    if (!std::isfinite(px) || !std::isfinite(py)) return;
    xlo = std::min(xlo, px);
    xhi = std::max(xhi, px);
    ylo = std::min(ylo, py);
    yhi = std::max(yhi, py);
  };
  for (const LineSeries& s : series) {
    const size_t n = std::min(s.xs.size(), s.ys.size());
    for (size_t i = 0; i < n; ++i) add(s.xs[i], s.ys[i]);
  }
  for (const BandSeries& b : bands) {
    const size_t n = std::min({b.xs.size(), b.lows.size(), b.highs.size()});
    for (size_t i = 0; i < n; ++i) {
      add(b.xs[i], b.lows[i]);
      add(b.xs[i], b.highs[i]);
    }
  }
  if (xlo <= xhi) x = {xlo, xhi};
  if (ylo <= yhi) y = {ylo, yhi};
}

// Pixel geometry of the plot area and the mapping from data to pixels.
struct Frame {
  double left = 0, right = 0, top = 0, bottom = 0;
  std::vector<double> xticks, yticks;

  double X(double x) const {
    return left + (x - xticks.front()) / (xticks.back() - xticks.front()) * (right - left);
  }
  double Y(double y) const {
    return bottom - (y - yticks.front()) / (yticks.back() - yticks.front()) * (bottom - top);
  }
};

void AppendAxes(const Frame& f, const ChartOptions& options, std::string& out) {
  for (double t : f.xticks) {
    const std::string px = Fixed(f.X(t), 1);
    out += "<line x1=\"" + px + "\" y1=\"" + Fixed(f.top, 1) + "\" x2=\"" + px + "\" y2=\"" +
           Fixed(f.bottom, 1) + "\" stroke=\"#e5e5e5\"/>\n";
    out += "<text x=\"" + px + "\" y=\"" + Fixed(f.bottom + 16, 1) +
           "\" text-anchor=\"middle\">" + XmlEscape(CompactNumber(t)) + "</text>\n";
  }
  for (double t : f.yticks) {
    const std::string py = Fixed(f.Y(t), 1);
    out += "<line x1=\"" + Fixed(f.left, 1) + "\" y1=\"" + py + "\" x2=\"" + Fixed(f.right, 1) +
           "\" y2=\"" + py + "\" stroke=\"#e5e5e5\"/>\n";
    out += "<text x=\"" + Fixed(f.left - 6, 1) + "\" y=\"" + Fixed(f.Y(t) + 4, 1) +
           "\" text-anchor=\"end\">" + XmlEscape(CompactNumber(t)) + "</text>\n";
  }
  out += "<path d=\"M" + Fixed(f.left, 1) + " " + Fixed(f.top, 1) + " V" + Fixed(f.bottom, 1) +
         " H" + Fixed(f.right, 1) + "\" fill=\"none\" stroke=\"#333\"/>\n";
  const double mid_x = (f.left + f.right) / 2;
  const double mid_y = (f.top + f.bottom) / 2;
  out += "<text x=\"" + Fixed(mid_x, 1) + "\" y=\"" + Fixed(f.bottom + 38, 1) +
         "\" text-anchor=\"middle\">" + XmlEscape(options.x_label) + "</text>\n";
  out += "<text x=\"16\" y=\"" + Fixed(mid_y, 1) + "\" text-anchor=\"middle\" transform=\"rotate(-90 16 " +
         Fixed(mid_y, 1) + ")\">" + XmlEscape(options.y_label) + "</text>\n";
}

std::string StrokeStyle(size_t index) {
  std::string style = "stroke=\"" + std::string(kColours[index % kColours.size()]) + "\"";
  const std::string_view dash = kDashes[(index / kColours.size()) % kDashes.size()];
  if (!dash.empty()) style += " stroke-dasharray=\"" + std::string(dash) + "\"";
  return style;
}

void AppendSeries(const Frame& f, const LineSeries& s, size_t index, std::string& out) {
  std::string points;
  size_t drawn = 0;
  double last_x = 0, last_y = 0;
  const size_t n = std::min(s.xs.size(), s.ys.size());
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(s.xs[i]) || !std::isfinite(s.ys[i])) continue;
    const double px = f.X(s.xs[i]);
    const double py = f.Y(s.ys[i]);
    if (!std::isfinite(px) || !std::isfinite(py)) continue;  // overflow at extreme values
    if (drawn++ > 0) points += ' ';
    points += Fixed(px, 1) + "," + Fixed(py, 1);
    last_x = px;
    last_y = py;
  }
  // Every series gets its polyline, even an empty one, so that series and
  // elements correspond one to one.
  out += "<polyline fill=\"none\" stroke-width=\"2\" " + StrokeStyle(index) + " points=\"" + points +
         "\"/>\n";
  // A polyline of one point draws nothing; a dot shows it.
  if (drawn == 1) {
    out += "<circle cx=\"" + Fixed(last_x, 1) + "\" cy=\"" + Fixed(last_y, 1) + "\" r=\"3\" fill=\"" +
           std::string(kColours[index % kColours.size()]) + "\"/>\n";
  }
}

// The band as one polygon: along the highs, back along the lows. Points
// with a non-finite coordinate are left out.
void AppendBand(const Frame& f, const BandSeries& b, size_t index, std::string& out) {
  std::vector<std::pair<double, double>> upper, lower;
  const size_t n = std::min({b.xs.size(), b.lows.size(), b.highs.size()});
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(b.xs[i]) || !std::isfinite(b.lows[i]) || !std::isfinite(b.highs[i])) continue;
    upper.emplace_back(f.X(b.xs[i]), f.Y(b.highs[i]));
    lower.emplace_back(f.X(b.xs[i]), f.Y(b.lows[i]));
  }
  std::string points;
  for (const auto& [px, py] : upper) points += (points.empty() ? "" : " ") + Fixed(px, 1) + "," + Fixed(py, 1);
  for (auto it = lower.rbegin(); it != lower.rend(); ++it) points += " " + Fixed(it->first, 1) + "," + Fixed(it->second, 1);
  out += "<polygon fill=\"" + std::string(kColours[index % kColours.size()]) +
         "\" fill-opacity=\"0.2\" stroke=\"none\" points=\"" + points + "\"/>\n";
}

void AppendLegend(const std::vector<LineSeries>& series, double x, double top, std::string& out) {
  for (size_t i = 0; i < series.size(); ++i) {
    const double y = top + 10 + 20.0 * static_cast<double>(i);
    out += "<line x1=\"" + Fixed(x, 1) + "\" y1=\"" + Fixed(y, 1) + "\" x2=\"" + Fixed(x + 24, 1) +
           "\" y2=\"" + Fixed(y, 1) + "\" stroke-width=\"2\" " + StrokeStyle(i) + "/>\n";
    out += "<text x=\"" + Fixed(x + 30, 1) + "\" y=\"" + Fixed(y + 4, 1) + "\">" +
           XmlEscape(series[i].name) + "</text>\n";
  }
}

}  // namespace

std::vector<double> NiceTicks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) {
    lo = 0.0;
    hi = 1.0;
  }
  if (lo > hi) std::swap(lo, hi);
  if (lo == hi) {
    // A constant: a band around it (around zero, 0..1).
    const double pad = lo == 0.0 ? 1.0 : std::abs(lo) * 0.1;
    hi = lo == 0.0 ? 1.0 : hi + pad;
    lo = lo == 0.0 ? 0.0 : lo - pad;
  }
  const double span = hi - lo;
  if (!std::isfinite(span)) return {lo, hi};  // beyond what ticks can help with
  const double step = NiceStep(span / std::max(1, target));
  const double first = std::floor(lo / step + 1e-9);
  const double last = std::ceil(hi / step - 1e-9);
  // Counted with an integer: at extreme magnitudes ++k on a double can stall.
  const int64_t count = static_cast<int64_t>(std::min(last - first, 1000.0));
  std::vector<double> ticks;
  for (int64_t i = 0; i <= count; ++i) {
    const double t = (first + static_cast<double>(i)) * step;
    // k * step is exact in units of step; snapping avoids "-0" and 1e-17.
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  }
  if (ticks.size() < 2) ticks.push_back(ticks.back() + step);
  return ticks;
}

std::string CompactNumber(double value) {
  if (!std::isfinite(value) || value == 0.0) return "0";
  const double a = std::abs(value);
  if (a < 1.0) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.3g", value);
    return buffer;
  }
  constexpr std::array<std::pair<double, const char*>, 4> kUnits = {
      {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}}};
  for (const auto& [scale, suffix] : kUnits) {
    if (a >= scale) return Trimmed(value / scale) + suffix;
  }
  return Trimmed(value);
}

std::string LineChartSvg(const std::vector<LineSeries>& series, const ChartOptions& options,
                         const std::vector<BandSeries>& bands) {
  const double width = std::max(options.width, kMinWidth);
  const double height = std::max(options.height, kMinHeight);
  size_t longest = 0;
  for (const LineSeries& s : series) longest = std::max(longest, s.name.size());
  for (const BandSeries& b : bands) longest = std::max(longest, b.name.size());
  const double legend_width = series.empty() && bands.empty()
                                  ? 0.0
                                  : std::min(width / 3, 40.0 + kCharWidth * static_cast<double>(longest));

  Range x, y;
  DataRanges(series, bands, x, y);
  Frame f;
  f.left = kLeftMargin;
  f.right = width - legend_width - kLegendGap;
  f.top = kTopMargin;
  f.bottom = height - kBottomMargin;
  f.xticks = NiceTicks(x.lo, x.hi);
  f.yticks = NiceTicks(y.lo, y.hi);

  const std::string w = Fixed(width, 0), h = Fixed(height, 0);
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h +
                    "\" viewBox=\"0 0 " + w + " " + h +
                    "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out += "<text x=\"" + Fixed(width / 2, 1) + "\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">" +
         XmlEscape(options.title) + "</text>\n";
  AppendAxes(f, options, out);
  for (size_t i = 0; i < bands.size(); ++i) AppendBand(f, bands[i], i, out);
  for (size_t i = 0; i < series.size(); ++i) AppendSeries(f, series[i], i, out);
  AppendLegend(series, f.right + kLegendGap, f.top, out);
  // Bands' legend entries follow the lines': a shaded swatch each.
  for (size_t i = 0; i < bands.size(); ++i) {
    const double ly = f.top + 10 + 20.0 * static_cast<double>(series.size() + i);
    const double lx = f.right + kLegendGap;
    out += "<rect x=\"" + Fixed(lx, 1) + "\" y=\"" + Fixed(ly - 6, 1) + "\" width=\"24\" height=\"12\" fill=\"" +
           std::string(kColours[i % kColours.size()]) + "\" fill-opacity=\"0.2\"/>\n";
    out += "<text x=\"" + Fixed(lx + 30, 1) + "\" y=\"" + Fixed(ly + 4, 1) + "\">" + XmlEscape(bands[i].name) +
           "</text>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace marquee
