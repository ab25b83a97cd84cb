#include "marquee/models/ann_index.h"

#include <fmt/format.h>
#include <hnswlib/hnswlib.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <exception>
#include <mutex>
#include <new>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "marquee/util/threads.h"

namespace marquee {

namespace {
// Search keeps the query on the stack, padded for the vector kernels.
constexpr uint32_t kMaxStride = 1024;

// Best first, ties to the lower title index (TopK's order).
bool Better(const ScoredTitle& a, const ScoredTitle& b) {
  return a.score > b.score || (a.score == b.score && a.title < b.title);
}

// Sorts `items` best first and keeps the best k.
void KeepBest(std::vector<ScoredTitle>& items, uint32_t k) {
  if (items.size() > k) {
    std::partial_sort(items.begin(), items.begin() + k, items.end(), Better);
    items.resize(k);
  } else {
    std::sort(items.begin(), items.end(), Better);
  }
}
}  // namespace

struct InnerProductIndex::Impl {
  FactorMatrix vectors;  // aligned copy, for exact rescoring
  // The space must outlive the graph (the graph keeps a pointer to its dim).
  std::unique_ptr<hnswlib::InnerProductSpace> space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
  uint32_t dim = 0;  // of the graph's (augmented, padded) vectors
  // Titles kept out of the graph (no positive signal), ascending, and the
  // largest norm among them: a bound on any of their scores.
  std::vector<uint32_t> cold;
  double cold_norm = 0;
  uint32_t indexed = 0;  // titles in the graph
  // Titles whose vector equals an earlier indexed title's (bit for bit) are
  // not in the graph either (a clique of identical points cuts the graph):
  // twins[twin_offsets[r] .. twin_offsets[r + 1]) are those of title r.
  std::vector<uint32_t> twin_offsets;
  std::vector<uint32_t> twins;
};

InnerProductIndex::InnerProductIndex() = default;
InnerProductIndex::~InnerProductIndex() = default;
InnerProductIndex::InnerProductIndex(InnerProductIndex&&) noexcept = default;
InnerProductIndex& InnerProductIndex::operator=(InnerProductIndex&&) noexcept = default;

Status InnerProductIndex::Build(const FactorMatrix& titles, const BuildOptions& options) {
  if (options.m < 2) {
    return Status::InvalidArgument(
        fmt::format("ann index: M: expected an integer >= 2, found {}", options.m));
  }
  if (options.ef_construction < 1) {
    return Status::InvalidArgument("ann index: ef_construction: expected an integer >= 1, found 0");
  }
  if (titles.stride() > kMaxStride) {
    return Status::InvalidArgument(fmt::format(
        "ann index: expected at most {} factors, found {}", kMaxStride, titles.factors()));
  }
  // hnswlib reports failures (allocation, corrupt links) by throwing
  // std::runtime_error; they stop here, as a Status.
  // Its messages about memory start "Not enough memory"; the others report
  // inconsistent links.
  try {
    return BuildGraph(titles, options);
  } catch (const std::exception& e) {
    const std::string message = fmt::format(
        "ann index: building the HNSW graph over {} titles failed: {}", titles.rows(), e.what());
    const bool memory = dynamic_cast<const std::bad_alloc*>(&e) != nullptr ||
                        std::string_view(e.what()).starts_with("Not enough memory");
    return memory ? Status::ResourceExhausted(message) : Status::Corruption(message);
  }
}

Status InnerProductIndex::BuildGraph(const FactorMatrix& titles, const BuildOptions& options) {
  auto impl = std::make_unique<Impl>();
  const uint32_t n = titles.rows();
  impl->vectors = FactorMatrix(n, titles.factors());
  if (n > 0) {
    std::memcpy(impl->vectors.data(), titles.data(),
                static_cast<size_t>(n) * titles.stride() * sizeof(float));
  }
  // Maximum inner product search as nearest neighbours on the unit sphere
  // (Bachrach et al. 2014): y' = (y, sqrt(phi^2 - |y|^2)) / phi, phi = max |y|,
  // so every y' has norm 1, 1 - x.y' is half the squared distance between
  // unit vectors (a metric: the graph stays navigable), and for a query
  // (x, 0) the order of x.y' is that of x.y.
  const uint32_t dim = PaddedStride(titles.factors() + 1);
  impl->dim = dim;
  std::vector<double> norms2(n);
  double max2 = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const float* row = titles.Row(i);
    double s = 0;
    for (uint32_t j = 0; j < titles.factors(); ++j) s += static_cast<double>(row[j]) * row[j];
    norms2[i] = s;
    max2 = std::max(max2, s);
  }
  // Titles with no positive signal stay out of the graph: those the caller
  // names, and those whose vector is (near) zero. Thousands of identical
  // tiny vectors make a graph whose searches return them and little else.
  const double cold2 = kColdNormFraction * kColdNormFraction * max2;
  std::vector<uint32_t> warm;
  warm.reserve(n);
  double phi2 = 0;
  std::unordered_map<std::string_view, uint32_t> first_of;  // row bytes -> first title
  std::vector<uint32_t> twin_of(n, n);                      // n: not a twin
  bool any_twin = false;
  const size_t row_bytes = static_cast<size_t>(titles.factors()) * sizeof(float);
  for (uint32_t i = 0; i < n; ++i) {
    const bool told = i < options.no_signal.size() && options.no_signal[i] != 0;
    if (told || norms2[i] <= cold2) {
      impl->cold.push_back(i);
      impl->cold_norm = std::max(impl->cold_norm, std::sqrt(norms2[i]));
      continue;
    }
    auto [it, inserted] =
        first_of.try_emplace(std::string_view(reinterpret_cast<const char*>(titles.Row(i)), row_bytes), i);
    if (!inserted) {
      twin_of[i] = it->second;
      any_twin = true;
      continue;
    }
    warm.push_back(i);
    phi2 = std::max(phi2, norms2[i]);
  }
  if (any_twin) {
    impl->twin_offsets.assign(static_cast<size_t>(n) + 1, 0);
    for (uint32_t i = 0; i < n; ++i) {
      if (twin_of[i] < n) ++impl->twin_offsets[twin_of[i] + 1];
    }
    for (uint32_t i = 0; i < n; ++i) impl->twin_offsets[i + 1] += impl->twin_offsets[i];
    impl->twins.resize(impl->twin_offsets[n]);
    std::vector<uint32_t> fill(impl->twin_offsets.begin(), impl->twin_offsets.end() - 1);
    for (uint32_t i = 0; i < n; ++i) {
      if (twin_of[i] < n) impl->twins[fill[twin_of[i]]++] = i;
    }
  }
  impl->indexed = static_cast<uint32_t>(warm.size());
  const uint32_t indexed = impl->indexed;
  const double scale = phi2 > 0 ? 1.0 / std::sqrt(phi2) : 1.0;
  impl->space = std::make_unique<hnswlib::InnerProductSpace>(dim);
  impl->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
      impl->space.get(), std::max<size_t>(indexed, 1), options.m, options.ef_construction,
      options.seed);
  if (indexed > 0) {
    hnswlib::HierarchicalNSW<float>& graph = *impl->graph;
    auto insert = [&](uint32_t i, std::vector<float>& buffer) {
      const float* row = titles.Row(i);
      std::fill(buffer.begin(), buffer.end(), 0.0f);
      for (uint32_t j = 0; j < titles.factors(); ++j) buffer[j] = static_cast<float>(row[j] * scale);
      buffer[titles.factors()] =
          static_cast<float>(std::sqrt(std::max(0.0, phi2 - norms2[i])) * scale);
      graph.addPoint(buffer.data(), i);
    };
    // An exception must not leave an OpenMP region: the first one is kept and
    // rethrown after it.
    std::exception_ptr failure;
    std::mutex failure_mutex;
    std::atomic<bool> failed{false};
    std::vector<float> first(dim);
    insert(warm[0], first);  // the entry point, alone (as hnswlib's bindings do)
    const int threads = options.threads > 0 ? options.threads : ThreadCount();
#pragma omp parallel num_threads(threads)
    {
      std::vector<float> buffer(dim);
#pragma omp for schedule(dynamic, 64)
      for (uint32_t w = 1; w < indexed; ++w) {
        if (failed.load(std::memory_order_relaxed)) continue;
        try {
          insert(warm[w], buffer);
        } catch (...) {
          std::lock_guard<std::mutex> lock(failure_mutex);
          if (!failure) failure = std::current_exception();
          failed = true;
        }
      }
    }
    if (failure) std::rethrow_exception(failure);
  }
  impl_ = std::move(impl);
  return Status::OK();
}

bool InnerProductIndex::built() const { return impl_ != nullptr; }
uint32_t InnerProductIndex::title_count() const { return impl_ ? impl_->vectors.rows() : 0; }
uint32_t InnerProductIndex::indexed_count() const { return impl_ ? impl_->indexed : 0; }
uint32_t InnerProductIndex::factors() const { return impl_ ? impl_->vectors.factors() : 0; }

size_t InnerProductIndex::memory_bytes() const {
  if (!impl_) return 0;
  const hnswlib::HierarchicalNSW<float>& g = *impl_->graph;
  size_t bytes = g.max_elements_ * g.size_data_per_element_;
  for (size_t i = 0; i < g.cur_element_count; ++i) {
    bytes += g.element_levels_[i] * g.size_links_per_element_;
  }
  bytes += static_cast<size_t>(impl_->vectors.rows()) * impl_->vectors.stride() * sizeof(float);
  bytes += (impl_->cold.size() + impl_->twins.size() + impl_->twin_offsets.size()) * sizeof(uint32_t);
  return bytes;
}

std::vector<ScoredTitle> InnerProductIndex::Search(std::span<const float> query, uint32_t k,
                                                   uint32_t ef,
                                                   std::span<const uint32_t> exclude) const {
  std::vector<ScoredTitle> result;
  if (!impl_ || k == 0) return result;
  const FactorMatrix& vectors = impl_->vectors;
  const hnswlib::HierarchicalNSW<float>& g = *impl_->graph;
  const uint32_t n = vectors.rows();
  if (n == 0) return result;

  // The query, padded and 64-byte aligned for the vector kernels.
  alignas(64) float q[kMaxStride + kLaneFloats];
  const uint32_t stride = vectors.stride();  // <= kMaxStride, checked by Build
  const size_t given = std::min<size_t>(query.size(), vectors.factors());
  std::copy(query.begin(), query.begin() + given, q);
  std::fill(q + given, q + std::max(stride, impl_->dim), 0.0f);  // the graph's extra dim: 0

  std::vector<uint32_t> excluded(exclude.begin(), exclude.end());
  std::sort(excluded.begin(), excluded.end());
  excluded.erase(std::unique(excluded.begin(), excluded.end()), excluded.end());
  const size_t in_range = static_cast<size_t>(
      std::lower_bound(excluded.begin(), excluded.end(), n) - excluded.begin());
  // What must come back: k titles, or every title not excluded when fewer.
  const size_t need = std::min<size_t>(k, n - in_range);
  if (need == 0) return result;
  auto is_excluded = [&](uint32_t title) { return std::binary_search(excluded.begin(), excluded.end(), title); };

  if (impl_->indexed > 0) {
    const size_t fetch = std::min<size_t>(impl_->indexed, static_cast<size_t>(k) + excluded.size());
    const size_t width = std::max<size_t>(ef, fetch);

    // hnswlib's searchKnn with a per-call ef: greedy descent of the upper layers...
    hnswlib::tableint current = g.enterpoint_node_;
    float current_distance = g.fstdistfunc_(q, g.getDataByInternalId(current), g.dist_func_param_);
    for (int level = g.maxlevel_; level > 0; --level) {
      bool changed = true;
      while (changed) {
        changed = false;
        hnswlib::linklistsizeint* links = g.get_linklist(current, level);
        const int size = g.getListCount(links);
        const hnswlib::tableint* neighbours = reinterpret_cast<const hnswlib::tableint*>(links + 1);
        for (int j = 0; j < size; ++j) {
          const float d = g.fstdistfunc_(q, g.getDataByInternalId(neighbours[j]), g.dist_func_param_);
          if (d < current_distance) {
            current_distance = d;
            current = neighbours[j];
            changed = true;
          }
        }
      }
    }
    // ...then the best-first search of level 0 with `width` candidates.
    auto candidates = g.searchBaseLayerST<false>(current, q, width);
    result.reserve(candidates.size());
    while (!candidates.empty()) {
      const uint32_t title = static_cast<uint32_t>(g.getExternalLabel(candidates.top().second));
      candidates.pop();
      const float score = Dot(q, vectors.Row(title), stride);
      if (!is_excluded(title)) result.push_back({title, score});
      if (impl_->twin_offsets.empty()) continue;
      for (uint32_t i = impl_->twin_offsets[title]; i < impl_->twin_offsets[title + 1]; ++i) {
        if (!is_excluded(impl_->twins[i])) result.push_back({impl_->twins[i], score});
      }
    }
  }

  if (result.size() < need) {
    // The graph reached too few titles (a sparse graph, a long exclusion
    // list, titles kept out of it): score every title exactly instead.
    result.clear();
    result.reserve(n - in_range);
    for (uint32_t title = 0; title < n; ++title) {
      if (!is_excluded(title)) result.push_back({title, Dot(q, vectors.Row(title), stride)});
    }
    KeepBest(result, k);
    return result;
  }
  KeepBest(result, k);
  // Titles kept out of the graph score at most |q| * cold_norm; when that
  // could reach the k-th best found, they are scored exactly and merged.
  if (!impl_->cold.empty()) {
    double q2 = 0;
    for (uint32_t j = 0; j < vectors.factors(); ++j) q2 += static_cast<double>(q[j]) * q[j];
    const double bound = std::sqrt(q2) * impl_->cold_norm;
    const double slack = 1e-5 * bound + 1e-30;  // float rounding of Dot
    if (static_cast<double>(result.back().score) <= bound + slack) {
      for (uint32_t title : impl_->cold) {
        if (!is_excluded(title)) result.push_back({title, Dot(q, vectors.Row(title), stride)});
      }
      KeepBest(result, k);
    }
  }
  return result;
}

}  // namespace marquee
