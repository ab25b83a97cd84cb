#include "marquee/models/item_knn.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "marquee/models/cooccurrence.h"
#include "marquee/models/top_k.h"

namespace marquee {

namespace {

constexpr uint32_t kStateTag = FourCC("IKNN");

// "a ranks before b": more similar, then lower index (deterministic ties).
bool Better(const ScoredTitle& a, const ScoredTitle& b) {
  return a.score > b.score || (a.score == b.score && a.title < b.title);
}

// ||x_t|| for every title, from the titles x members matrix.
std::vector<double> TitleNorms(const InteractionMatrix& xt) {
  std::vector<double> norms(xt.rows());
  for (uint32_t t = 0; t < xt.rows(); ++t) {
    double sum = 0;
    for (float w : xt.RowWeights(t)) sum += static_cast<double>(w) * w;
    norms[t] = std::sqrt(sum);
  }
  return norms;
}

// Keeps the k best of `candidates`, sorted best first.
void KeepBest(std::vector<ScoredTitle>& candidates, uint32_t k) {
  if (candidates.size() > k) {
    std::nth_element(candidates.begin(), candidates.begin() + k, candidates.end(), Better);
    candidates.resize(k);
  }
  std::sort(candidates.begin(), candidates.end(), Better);
}

}  // namespace

const ParameterTable<ItemKnnRecommender::Options>& ItemKnnRecommender::Table() {
  static const ParameterTable<Options> table = [] {
    ParameterTable<Options> t("itemknn");
    t.Int("neighbors", &Options::neighbors, 1, 1000000, "similar titles kept per title")
        .Double("shrink", &Options::shrink, 0, 1e12, "added to the cosine's denominator")
        .Choice("weighting", &Options::kind, kItemWeightingNames,
                "re-weighting before similarities (see item_weighting.h)")
        .Double("bm25_k1", &Options::bm25_k1, 0, 1e12, "BM25 saturation")
        .Double("bm25_b", &Options::bm25_b, 0, 1, "BM25 length normalization")
        .Bool("binary", &Options::binary, "every interaction counts 1");
    return t;
  }();
  return table;
}

Result<std::unique_ptr<Recommender>> ItemKnnRecommender::Create(const Parameters& parameters) {
  MARQUEE_ASSIGN_OR_RETURN(Options options, Table().Read(parameters));
  return std::unique_ptr<Recommender>(std::make_unique<ItemKnnRecommender>(options));
}

Parameters ItemKnnRecommender::parameters() const { return Table().Write(options_); }

Status ItemKnnRecommender::Fit(const InteractionMatrix& train, const TrainContext& context) {
  const uint32_t n = train.cols();
  const InteractionMatrix x = ApplyItemWeighting(train, options_);
  const InteractionMatrix xt = x.Transpose();
  const std::vector<double> norms = TitleNorms(xt);

  std::vector<std::vector<ScoredTitle>> lists(n);
  ProgressReporter reporter(context.progress, "itemknn: similarities", n);
#pragma omp parallel
  {
    CooccurrenceRow row(n);  // one dense accumulator per thread
    std::vector<ScoredTitle> candidates;
#pragma omp for schedule(dynamic, 16)
    for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
      row.Compute(x, xt, static_cast<uint32_t>(i));
      candidates.clear();
      for (uint32_t j : row.touched()) {
        const double dot = row.value(j);
        if (j == i || !(dot > 0)) continue;
        const double sim = dot / (norms[i] * norms[j] + options_.shrink);
        candidates.push_back({j, static_cast<float>(sim)});
      }
      KeepBest(candidates, options_.neighbors);
      lists[i] = candidates;
      reporter.Advance(1);
    }
  }

  indptr_.assign(1, 0);
  neighbors_.clear();
  similarities_.clear();
  for (const std::vector<ScoredTitle>& list : lists) {
    for (const ScoredTitle& s : list) {
      neighbors_.push_back(s.title);
      similarities_.push_back(s.score);
    }
    indptr_.push_back(neighbors_.size());
  }
  member_count_ = train.rows();
  title_count_ = n;
  return Status::OK();
}

void ItemKnnRecommender::ScoreHistory(History history, std::span<float> scores) const {
  std::fill(scores.begin(), scores.end(), 0.0f);
  for (size_t k = 0; k < history.titles.size(); ++k) {
    const uint32_t title = history.titles[k];
    if (title >= title_count_) continue;  // a title newer than the model
    const float w = options_.binary || history.weights.empty() ? 1.0f : history.weights[k];
    const uint64_t end = indptr_[title + 1];
    for (uint64_t e = indptr_[title]; e < end; ++e) scores[neighbors_[e]] += w * similarities_[e];
  }
}

void ItemKnnRecommender::ScoreSimilar(uint32_t title, std::span<float> scores) const {
  std::fill(scores.begin(), scores.end(), 0.0f);
  if (title >= title_count_) return;
  const uint64_t end = indptr_[title + 1];
  for (uint64_t e = indptr_[title]; e < end; ++e) scores[neighbors_[e]] = similarities_[e];
}

void ItemKnnRecommender::SaveState(SectionFileWriter& out) const {
  ByteWriter w;
  w.U32(member_count_);
  w.U32(title_count_);
  w.Array<uint64_t>(indptr_);
  w.Array<uint32_t>(neighbors_);
  w.Array<float>(similarities_);
  out.AddSection(kStateTag, std::move(w));
}

Status ItemKnnRecommender::LoadState(const SectionFileReader& in) {
  MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, in.Section(kStateTag));
  ByteReader r(payload, in.path() + ": itemknn state");
  const uint32_t members = r.U32();
  const uint32_t titles = r.U32();
  std::vector<uint64_t> indptr = r.Array<uint64_t>();
  std::vector<uint32_t> neighbors = r.Array<uint32_t>();
  std::vector<float> similarities = r.Array<float>();
  if (r.ok() && !r.AtEnd()) r.Fail("trailing bytes");
  if (r.ok() && (indptr.size() != static_cast<size_t>(titles) + 1 || indptr.front() != 0 ||
                 indptr.back() != neighbors.size() || similarities.size() != neighbors.size() ||
                 !std::is_sorted(indptr.begin(), indptr.end()))) {
    r.Fail(fmt::format("neighbour lists do not match {} titles", titles));
  }
  if (r.ok() && std::any_of(neighbors.begin(), neighbors.end(),
                            [&](uint32_t j) { return j >= titles; })) {
    r.Fail("neighbour index out of range");
  }
  MARQUEE_RETURN_IF_ERROR(r.status());
  member_count_ = members;
  title_count_ = titles;
  indptr_ = std::move(indptr);
  neighbors_ = std::move(neighbors);
  similarities_ = std::move(similarities);
  return Status::OK();
}

}  // namespace marquee
