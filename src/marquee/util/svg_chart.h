// A small SVG line chart: enough for a report to show how curves (regret,
// loss, recall) evolve, with no plotting library and no browser scripting.
//
// The output is one self-contained <svg> element: a title, axes with a few
// "nice" ticks (1, 2 or 5 times a power of ten) labelled compactly (20k,
// 1.5M), one polyline per series in a distinct colour, and a legend. Points
// that are not finite are skipped, so the text never holds "nan" or "inf";
// empty series, single points and constant values still give a valid chart.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace marquee {

struct LineSeries {
  std::string name;        // legend text (escaped on output)
  std::vector<double> xs;  // points (xs[i], ys[i]); the shorter of the two counts
  std::vector<double> ys;
};

// A shaded band between two curves (an interval around a forecast), drawn
// beneath the lines and named in the legend.
struct BandSeries {
  std::string name;
  std::vector<double> xs;     // points (xs[i], lows[i]..highs[i]); the shortest count
  std::vector<double> lows;
  std::vector<double> highs;
};

struct ChartOptions {
  std::string title;
  std::string x_label;
  std::string y_label;
  int width = 800;   // pixels, including margins and legend
  int height = 480;
};

// `text` safe inside XML or HTML text and attribute values: & < > " ' as
// entities; control characters XML 1.0 forbids (all below 0x20 but tab,
// newline and carriage return) dropped. The charts' labels and the ledger's
// HTML reports use it.
std::string XmlEscape(std::string_view text);

std::string LineChartSvg(const std::vector<LineSeries>& series, const ChartOptions& options,
                         const std::vector<BandSeries>& bands = {});

// Tick values covering [lo, hi] with a step of 1, 2 or 5 x 10^k chosen so that
// there are about `target` intervals; the first tick is <= lo and the last >=
// hi. A degenerate or non-finite range is widened to something sensible.
// Exposed for tests.
std::vector<double> NiceTicks(double lo, double hi, int target = 5);

// A short label for a tick: 20000 -> "20k", 1500000 -> "1.5M", 0.25 -> "0.25".
std::string CompactNumber(double value);

}  // namespace marquee
