// Helpers shared by the page tests: a request built around a hand-made
// catalog (masks sized to it, plays marking titles seen), running one
// generator, and a recommender whose similarities are a fixed table.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "marquee/data/catalog.h"
#include "marquee/models/recommender.h"
#include "marquee/page/catalog_index.h"
#include "marquee/page/page_types.h"
#include "marquee/page/row_generator.h"
#include "marquee/util/civil_time.h"

namespace marquee::page::test {

inline constexpr int64_t kDay = kSecondsPerDay;

// A titled catalog: one title per entry of `genres` (genre names, interned
// in order of first appearance), named "T<index>" unless renamed.
inline Catalog MakeCatalog(const std::vector<std::vector<std::string>>& genres) {
  Catalog catalog;
  for (size_t t = 0; t < genres.size(); ++t) {
    Title title;
    title.name = "T" + std::to_string(t);
    for (const std::string& g : genres[t]) title.genres.push_back(catalog.GenreIndex(g));
    catalog.titles().push_back(std::move(title));
  }
  return catalog;
}

// One member's request over `catalog`: everything allowed, nothing seen,
// scores 0, until the test says otherwise.
struct Request {
  explicit Request(Catalog c, int64_t now_seconds = 1000 * kDay)
      : catalog(std::move(c)),
        index(std::make_unique<CatalogIndex>(catalog)),
        scores(catalog.size(), 0.0f),
        allowed(catalog.size(), 1),
        seen(catalog.size(), 0),
        now(now_seconds) {}

  // A play (or, with progress < 0, a rating) of `title`, which becomes seen.
  void Play(uint32_t title, int64_t time, float progress, float weight = 1.0f) {
    plays.push_back({title, time, progress, weight});
    seen[title] = 1;
  }

  PageInputs Inputs() const {
    PageInputs in;
    in.catalog = &catalog;
    in.index = index.get();
    in.scores = scores;
    in.allowed = allowed;
    in.seen = seen;
    in.plays = plays;
    in.similar = similar;
    in.trending = trending;
    in.region = region;
    in.now = now;
    in.personalized = personalized;
    in.row_length = row_length;
    return in;
  }

  Catalog catalog;
  std::unique_ptr<CatalogIndex> index;
  std::vector<float> scores;
  std::vector<uint8_t> allowed, seen;
  std::vector<PagePlay> plays;
  const SimilarTitles* similar = nullptr;
  const TrendingIndex* trending = nullptr;
  std::string region;
  int64_t now = 0;
  bool personalized = true;
  uint32_t row_length = 40;
};

// A spec of `kind` that keeps rows of any length.
inline RowSpec Spec(RowKind kind, uint32_t count = 1) {
  RowSpec spec;
  spec.kind = kind;
  spec.count = count;
  spec.min_titles = 1;
  return spec;
}

inline std::vector<CandidateRow> Generate(const RowSpec& spec, const PageInputs& in) {
  std::vector<CandidateRow> rows;
  MakeRowGenerator(spec)->Generate(in, rows);
  return rows;
}

inline std::vector<uint32_t> TitlesOf(const CandidateRow& row) {
  std::vector<uint32_t> out;
  for (const RowTitle& t : row.titles) out.push_back(t.title);
  return out;
}

// ScoreSimilar reads a fixed table (similarity[title][other]); the rest is
// what the Recommender interface requires and the page never calls.
class FixedSimilarity final : public Recommender {
 public:
  explicit FixedSimilarity(std::vector<std::vector<float>> similarity) : similarity_(std::move(similarity)) {}
  std::string_view name() const override { return "fixed"; }
  Parameters parameters() const override { return {}; }
  Status Fit(const InteractionMatrix&, const TrainContext&) override { return Status::OK(); }
  uint32_t member_count() const override { return 0; }
  uint32_t title_count() const override { return static_cast<uint32_t>(similarity_.size()); }
  void ScoreHistory(History, std::span<float> scores) const override {
    std::fill(scores.begin(), scores.end(), 0.0f);
  }
  void ScoreSimilar(uint32_t title, std::span<float> scores) const override {
    std::copy(similarity_[title].begin(), similarity_[title].end(), scores.begin());
  }
  void SaveState(SectionFileWriter&) const override {}
  Status LoadState(const SectionFileReader&) override { return Status::OK(); }

 private:
  std::vector<std::vector<float>> similarity_;
};

}  // namespace marquee::page::test
