#include "dataset_report.h"

#include <ctime>
#include <string>

#include "progress_bar.h"

namespace marquee::cli {

namespace {
nlohmann::json PercentilesJson(const DatasetStats::Percentiles& p) {
  return {{"p1", p.p1}, {"p10", p.p10}, {"p50", p.p50}, {"p90", p.p90},
          {"p99", p.p99}, {"max", p.max}, {"mean", p.mean}};
}

std::string Date(int64_t t) {
  if (t == 0) return "-";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

void Row(std::FILE* out, const char* name, const std::string& value) {
  std::fprintf(out, "  %-30s %s\n", name, value.c_str());
}

std::string Fmt(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string PercentileLine(const DatasetStats::Percentiles& p) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "p10 %.0f  p50 %.0f  p90 %.0f  p99 %.0f  max %.0f  (mean %.1f)",
                p.p10, p.p50, p.p90, p.p99, p.max, p.mean);
  return buf;
}
}  // namespace

nlohmann::json StatsJson(const Dataset& dataset, const DatasetStats& s) {
  return {
      {"source", dataset.source},
      {"weight_kind", std::string(WeightKindName(dataset.weight_kind))},
      {"members", s.members},
      {"titles", s.titles},
      {"interactions", s.interactions},
      {"density", s.density},
      {"popularity_gini", s.popularity_gini},
      {"members_without_interactions", s.members_without_interactions},
      {"titles_without_interactions", s.titles_without_interactions},
      {"member_activity", PercentilesJson(s.member_activity)},
      {"title_popularity", PercentilesJson(s.title_popularity)},
      {"weight", {{"min", s.weight_min}, {"max", s.weight_max}, {"mean", s.weight_mean}}},
      {"time", {{"min", s.time_min}, {"max", s.time_max}}},
      {"genres", s.genres},
      {"artwork", s.artwork},
      {"performers", s.performers},
  };
}

void PrintStatsTable(std::FILE* out, const Dataset& dataset, const DatasetStats& s) {
  Row(out, "source", dataset.source.empty() ? "-" : dataset.source);
  Row(out, "members", std::to_string(s.members));
  Row(out, "titles", std::to_string(s.titles));
  Row(out, "interactions", std::to_string(s.interactions) + "  (" +
                               HumanCount(static_cast<double>(s.interactions)) + ")");
  Row(out, "density", Fmt("%.4f%%", s.density * 100));
  Row(out, "popularity Gini", Fmt("%.3f", s.popularity_gini));
  Row(out, "plays per member", PercentileLine(s.member_activity));
  Row(out, "plays per title", PercentileLine(s.title_popularity));
  Row(out, "weights", std::string(WeightKindName(dataset.weight_kind)) + ", " +
                          Fmt("min %g", s.weight_min) + Fmt(", mean %.3g", s.weight_mean) +
                          Fmt(", max %g", s.weight_max));
  Row(out, "period", Date(s.time_min) + " .. " + Date(s.time_max));
  Row(out, "genres / artwork / performers", std::to_string(s.genres) + " / " +
                                              std::to_string(s.artwork) + " / " +
                                              std::to_string(s.performers));
}

}  // namespace marquee::cli
