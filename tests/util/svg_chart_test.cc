#include "marquee/util/svg_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace marquee {
namespace {

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The checks every chart must pass, whatever its data.
void ExpectWellFormed(const std::string& svg, size_t series) {
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u) << svg;
  ASSERT_GE(svg.size(), 7u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_EQ(Occurrences(svg, "<svg"), 1u);
  EXPECT_EQ(Occurrences(svg, "<polyline"), series);
  for (const char* bad : {"nan", "NaN", "inf", "Inf"}) EXPECT_EQ(svg.find(bad), std::string::npos) << bad;
  // Every element that opens a text closes it.
  EXPECT_EQ(Occurrences(svg, "<text"), Occurrences(svg, "</text>"));
}

TEST(SvgChartTest, DrawsOnePolylinePerSeriesWithALegend) {
  std::vector<LineSeries> series = {
      {"linucb <shared> & \"alpha\"=1", {0, 10, 20}, {0, 5, 8}},
      {"uniform", {0, 10, 20}, {0, 12, 25}},
  };
  ChartOptions options;
  options.title = "Regret & reward";
  options.x_label = "rounds";
  options.y_label = "cumulative regret";
  const std::string svg = LineChartSvg(series, options);
  ExpectWellFormed(svg, 2);
  EXPECT_NE(svg.find("linucb &lt;shared&gt; &amp; &quot;alpha&quot;=1"), std::string::npos);
  EXPECT_EQ(svg.find("<shared>"), std::string::npos);
  EXPECT_NE(svg.find("Regret &amp; reward"), std::string::npos);
  EXPECT_NE(svg.find(">rounds<"), std::string::npos);
  EXPECT_NE(svg.find(">cumulative regret<"), std::string::npos);
  EXPECT_NE(svg.find("width=\"800\" height=\"480\""), std::string::npos);
  // Distinct colours.
  EXPECT_NE(svg.find("#1f77b4"), std::string::npos);
  EXPECT_NE(svg.find("#d62728"), std::string::npos);
  // Each polyline holds its three points.
  const size_t first = svg.find("<polyline");
  const std::string line = svg.substr(first, svg.find("/>", first) - first);
  EXPECT_EQ(Occurrences(line, ","), 3u) << line;
}

TEST(SvgChartTest, HigherValuesAreDrawnHigher) {
  const std::string svg = LineChartSvg({{"a", {0, 1}, {0, 100}}}, {});
  const size_t at = svg.find("points=\"") + 8;
  double x0, y0, x1, y1;
  ASSERT_EQ(std::sscanf(svg.c_str() + at, "%lf,%lf %lf,%lf", &x0, &y0, &x1, &y1), 4) << svg;
  EXPECT_LT(x0, x1);
  EXPECT_GT(y0, y1);  // SVG's y grows downwards
}

TEST(SvgChartTest, NiceTicksForKnownRanges) {
  EXPECT_EQ(NiceTicks(0, 97), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  EXPECT_EQ(NiceTicks(0, 100), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  EXPECT_EQ(NiceTicks(0, 200000), (std::vector<double>{0, 50000, 100000, 150000, 200000}));
  EXPECT_EQ(NiceTicks(3, 9), (std::vector<double>{2, 4, 6, 8, 10}));
  EXPECT_EQ(NiceTicks(-7, 7), (std::vector<double>{-10, -5, 0, 5, 10}));
  const std::vector<double> small = NiceTicks(0, 1);
  ASSERT_EQ(small.size(), 6u);
  for (size_t i = 0; i < small.size(); ++i) EXPECT_NEAR(small[i], 0.2 * i, 1e-12);
  // The step is always 1, 2 or 5 times a power of ten, and the ticks cover the range.
  for (double hi : {0.37, 3.0, 13.0, 77.0, 1234.0, 9.9e6}) {
    const std::vector<double> t = NiceTicks(0.1 * hi, hi);
    ASSERT_GE(t.size(), 2u);
    EXPECT_LE(t.front(), 0.1 * hi);
    EXPECT_GE(t.back(), hi);
    EXPECT_LE(t.size(), 12u);
    const double step = t[1] - t[0];
    const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    EXPECT_TRUE(std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 || std::abs(mantissa - 5) < 1e-6)
        << hi << " step " << step;
  }
}

TEST(SvgChartTest, DegenerateTickRangesStillHaveTwoTicks) {
  for (auto [lo, hi] : std::vector<std::pair<double, double>>{
           {0, 0}, {5, 5}, {-3, -3}, {1e-12, 1e-12}, {10, 2},
           {std::nan(""), 1}, {0, std::numeric_limits<double>::infinity()}}) {
    const std::vector<double> t = NiceTicks(lo, hi);
    ASSERT_GE(t.size(), 2u) << lo << " " << hi;
    EXPECT_LT(t.front(), t.back());
    for (double v : t) EXPECT_TRUE(std::isfinite(v));
  }
  const std::vector<double> zero = NiceTicks(0, 0);  // a constant zero: 0..1
  EXPECT_EQ(zero.front(), 0.0);
  EXPECT_NEAR(zero.back(), 1.0, 1e-12);
  const std::vector<double> five = NiceTicks(5, 5);
  EXPECT_LE(five.front(), 5);
  EXPECT_GE(five.back(), 5);
}

TEST(SvgChartTest, CompactNumbers) {
  EXPECT_EQ(CompactNumber(0), "0");
  EXPECT_EQ(CompactNumber(-0.0), "0");
  EXPECT_EQ(CompactNumber(5), "5");
  EXPECT_EQ(CompactNumber(120), "120");
  EXPECT_EQ(CompactNumber(20000), "20k");
  EXPECT_EQ(CompactNumber(1500000), "1.5M");
  EXPECT_EQ(CompactNumber(2e9), "2B");
  EXPECT_EQ(CompactNumber(-2500), "-2.5k");
  EXPECT_EQ(CompactNumber(0.25), "0.25");
  EXPECT_EQ(CompactNumber(0.1 + 0.2), "0.3");
  EXPECT_EQ(CompactNumber(2.5), "2.5");
}

TEST(SvgChartTest, DegenerateInputsGiveAValidChart) {
  const double nan = std::nan("");
  const double inf = std::numeric_limits<double>::infinity();
  // No series at all.
  ExpectWellFormed(LineChartSvg({}, {}), 0);
  // An empty series, a single point, constant values, mismatched lengths and
  // non-finite points.
  const std::vector<LineSeries> series = {
      {"empty", {}, {}},
      {"single", {3}, {7}},
      {"flat", {1, 2, 3}, {4, 4, 4}},
      {"ragged", {1, 2, 3, 4}, {1, 2}},
      {"holes", {1, nan, 3, inf}, {nan, 2, 3, 4}},
  };
  const std::string svg = LineChartSvg(series, {});
  ExpectWellFormed(svg, series.size());
  EXPECT_NE(svg.find("<circle"), std::string::npos);  // the single point is visible
  // All points identical in x and y.
  ExpectWellFormed(LineChartSvg({{"dot", {5, 5}, {0, 0}}}, {}), 1);
  // Only non-finite points.
  ExpectWellFormed(LineChartSvg({{"void", {nan}, {inf}}}, {}), 1);
  // A tiny canvas is enlarged rather than inverted.
  ChartOptions tiny;
  tiny.width = 10;
  tiny.height = -5;
  const std::string small = LineChartSvg({{"a", {0, 1}, {0, 1}}}, tiny);
  ExpectWellFormed(small, 1);
  EXPECT_EQ(small.find("width=\"10\""), std::string::npos);
}

TEST(SvgChartTest, ControlCharactersAreDropped) {
  const std::string svg = LineChartSvg({{std::string("a\x01" "b"), {0}, {0}}}, {});
  EXPECT_EQ(svg.find('\x01'), std::string::npos);
  EXPECT_NE(svg.find(">ab<"), std::string::npos);
}

}  // namespace
}  // namespace marquee

namespace marquee {
namespace {

// A band is one shaded polygon: along the highs, then back along the lows,
// enclosing the line drawn within it; its edges set the vertical range.
TEST(SvgChartTest, BandsAreShadedPolygonsAroundTheirLine) {
  const std::vector<BandSeries> bands = {{"80% interval", {0, 1, 2}, {0, 5, 8}, {0, 20, 40}}};
  const std::string svg = LineChartSvg({{"expected", {0, 1, 2}, {0, 10, 20}}}, {}, bands);
  EXPECT_EQ(svg.find("<polyline") != std::string::npos, true);
  EXPECT_EQ(Occurrences(svg, "<polygon"), 1u);
  EXPECT_NE(svg.find(">80% interval<"), std::string::npos);
  EXPECT_NE(svg.find("fill-opacity=\"0.2\""), std::string::npos);
  const size_t at = svg.find("<polygon");
  const size_t points = svg.find("points=\"", at) + 8;
  std::vector<std::pair<double, double>> p(6);
  ASSERT_EQ(std::sscanf(svg.c_str() + points, "%lf,%lf %lf,%lf %lf,%lf %lf,%lf %lf,%lf %lf,%lf", &p[0].first,
                        &p[0].second, &p[1].first, &p[1].second, &p[2].first, &p[2].second, &p[3].first,
                        &p[3].second, &p[4].first, &p[4].second, &p[5].first, &p[5].second),
            12)
      << svg;
  // Highs left to right, lows right to left.
  EXPECT_LT(p[0].first, p[2].first);
  EXPECT_EQ(p[3].first, p[2].first);
  EXPECT_EQ(p[5].first, p[0].first);
  // At x = 2 the high (40) is above the low (8); 40 is on the chart.
  EXPECT_LT(p[2].second, p[3].second);
  EXPECT_NE(svg.find(">40<"), std::string::npos);
  // Non-finite points are skipped, not printed.
  const std::string gaps = LineChartSvg({}, {}, {{"b", {0, 1, 2}, {0, NAN, 1}, {1, 2, INFINITY}}});
  for (const char* bad : {"nan", "inf"}) EXPECT_EQ(gaps.find(bad), std::string::npos) << bad;
}

}  // namespace
}  // namespace marquee
