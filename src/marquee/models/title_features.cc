#include "marquee/models/title_features.h"

#include <fmt/format.h>

#include <algorithm>

namespace marquee {

namespace {

std::string RuntimeBucket(uint32_t minutes) {
  if (minutes == 0) return "runtime:unknown";
  if (minutes < 30) return "runtime:<30";
  if (minutes < 60) return "runtime:30-59";
  if (minutes < 100) return "runtime:60-99";
  if (minutes < 140) return "runtime:100-139";
  return "runtime:140+";
}

std::string Decade(int32_t year) {
  if (year <= 0) return "decade:unknown";
  return fmt::format("decade:{}0s", year / 10);
}

// Every feature name describing `title`, without the performer rule applied.
std::vector<std::string> Describe(const Title& title, const Catalog& catalog, uint32_t max_credits, bool tags) {
  std::vector<std::string> out = {
      "bias", Decade(title.year),
      "maturity:" + (title.maturity.empty() ? std::string("unknown") : title.maturity),
      RuntimeBucket(title.runtime_minutes)};
  for (uint16_t g : title.genres) out.push_back("genre:" + catalog.genres()[g]);
  for (size_t c = 0; c < title.credits.size() && c < max_credits; ++c) {
    out.push_back("performer:" + catalog.performers()[title.credits[c].performer].id);
  }
  if (tags) {
    for (const std::string& tag : title.tags) out.push_back("tag:" + tag);
  }
  return out;
}

}  // namespace

Result<TitleFeatures> TitleFeatures::Build(const Catalog& catalog, const TitleFeatureOptions& options) {
  if (options.min_performer_titles == 0) {
    return Status::InvalidField("min_performer_titles", "min_performer_titles: expected at least 1, found 0");
  }
  if (options.min_tag_titles == 0) {
    return Status::InvalidField("min_tag_titles", "min_tag_titles: expected at least 1, found 0");
  }
  // Performers (within the billed credits) and tags on enough titles.
  std::unordered_map<std::string, uint32_t> titles_with;
  for (const Title& t : catalog.titles()) {
    for (const std::string& name : Describe(t, catalog, options.max_credits, options.tags)) {
      if (name.starts_with("performer:") || name.starts_with("tag:")) ++titles_with[name];
    }
  }
  auto too_rare = [&](const std::string& name) {
    if (name.starts_with("performer:")) return titles_with[name] < options.min_performer_titles;
    if (name.starts_with("tag:")) return titles_with[name] < options.min_tag_titles;
    return false;
  };
  TitleFeatures f;
  f.options_ = options;
  std::vector<uint32_t> row;
  for (const Title& t : catalog.titles()) {
    row.clear();
    for (const std::string& name : Describe(t, catalog, options.max_credits, options.tags)) {
      if (too_rare(name)) continue;
      auto [it, added] = f.ids_.try_emplace(name, static_cast<uint32_t>(f.names_.size()));
      if (added) f.names_.push_back(name);
      row.push_back(it->second);
    }
    std::sort(row.begin(), row.end());
    row.erase(std::unique(row.begin(), row.end()), row.end());
    f.indices_.insert(f.indices_.end(), row.begin(), row.end());
    f.indptr_.push_back(f.indices_.size());
  }
  return f;
}

std::vector<uint32_t> TitleFeatures::FeaturesOf(const Title& title, const Catalog& catalog) const {
  std::vector<uint32_t> row;
  for (const std::string& name : Describe(title, catalog, options_.max_credits, options_.tags)) {
    if (auto it = ids_.find(name); it != ids_.end()) row.push_back(it->second);
  }
  std::sort(row.begin(), row.end());
  row.erase(std::unique(row.begin(), row.end()), row.end());
  return row;
}

int TitleFeatures::Find(std::string_view name) const {
  auto it = ids_.find(std::string(name));
  return it == ids_.end() ? -1 : static_cast<int>(it->second);
}

}  // namespace marquee
