// Approximate top-k retrieval by inner product over a title factor matrix,
// for catalogs too large to score exhaustively at serving rates. A wrapper
// around hnswlib's HNSW graph (Malkov & Yashunin 2018, "Efficient and robust
// approximate nearest neighbor search using Hierarchical Navigable Small
// World graphs") in its inner-product space, where the "distance" of a title
// y to a query x is 1 - x.y.
//
// Build: maximum inner product search is turned into nearest neighbours on
// the unit sphere (Bachrach et al. 2014): title y is inserted as
// (y, sqrt(phi^2 - |y|^2)) / phi, phi = max |y|, zero-padded to a multiple of
// 16 floats, in hnswlib's InnerProductSpace; a query is (x, 0). The order of
// inner products is unchanged, but the graph is built in a metric space.
// (Indexing raw y with inner-product "distance" links everything to a few
// high-norm hub titles: on iALS factors of 20k titles recall@20 stopped at
// 0.974 whatever ef, because other titles were unreachable.) Each title
// goes in with label = its index. Insertion runs on `threads` OpenMP threads
// (hnswlib's addPoint is thread-safe); the first point goes in alone.
// Parameters: M (graph degree; level 0 gets 2M links) and ef_construction
// (candidate list length while inserting) trade build time and memory for
// recall. hnswlib draws each point's level from a generator seeded with
// `seed`, so a build with threads = 1 is a function of (titles, M,
// ef_construction, seed). With more threads the insertion order -- and
// hence the levels and links -- depend on scheduling: recall is the same in
// distribution, but two such builds may differ in individual results.
// A built index answers identically to the same query every time.
//
// Search(query, k, ef, exclude): greedy descent through the upper layers,
// then a best-first search of level 0 keeping ef' = max(ef, k + |exclude|)
// candidates (ef is per call, not hnswlib's shared setEf, so concurrent
// searches with different ef are safe). Every candidate the search keeps
// is rescored exactly (Dot on an aligned copy of the factors: the same
// scores as ScoreAll, bit for bit, rather than hnswlib's rounded 1 - x.y),
// titles in `exclude` dropped, and the best k returned, best first, ties to
// the lower title index (the order TopK uses).
//
// Count guarantee: Search returns exactly min(k, titles not excluded)
// titles, always. When the graph search reaches fewer (a sparse graph, a
// small M, a long exclusion list, titles kept out of the graph), every title
// is scored exactly instead.
//
// Titles with no positive signal are not in the graph: those the caller
// marks in BuildOptions::no_signal (e.g. no training positives) and those
// whose factor norm is at most kColdNormFraction times the largest one
// (zero or near-zero vectors: an implicit model gives every title without
// positives the same ~0 vector, and thousands of them swamp a graph search,
// which then returns them instead of the titles that score). They are still
// returned, scored exactly, whenever they can rank: when the k-th best found
// scores at most |query| times the largest norm among them, they are all
// scored and merged; and by the exact fallback above when k exceeds what
// the graph holds. A title whose vector equals (bit for bit) an indexed
// title's is not in the graph either -- a clique of identical points cuts
// the graph in two -- and is returned with that title, with the same score.
//
// `exclude` may hold duplicates and out-of-range indices; it is copied and
// sorted per call (O(e log e)), and each excluded title widens the search by
// one, so a long history costs a wider search: pass only what must go.
//
// Larger ef means higher recall and slower queries; ef >= title count makes
// the level-0 search exhaustive over the titles reachable from the entry
// point. HNSW's neighbour pruning can leave a title with no incoming links
// (seen with M=16 on isotropic random vectors), so even that is not a
// guarantee of the exact answer; M=32 fixed it in the tests.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "marquee/util/factor_matrix.h"
#include "marquee/util/status.h"
#include "marquee/models/top_k.h"

namespace marquee {

class InnerProductIndex {
 public:
  // A title whose factor norm is at most this fraction of the largest title
  // norm has no signal to rank by and is kept out of the graph.
  static constexpr double kColdNormFraction = 1e-4;

  struct BuildOptions {
    uint32_t m = 16;                // HNSW degree M, >= 2
    uint32_t ef_construction = 200; // >= 1
    int threads = 0;                // 0: ThreadCount()
    uint64_t seed = 100;            // hnswlib's random_seed (levels)
    // One flag a title (shorter or empty: the rest 0): 1 keeps the title out
    // of the graph (no positive signal, e.g. no training positives). Only
    // read during Build.
    std::span<const uint8_t> no_signal = {};
  };

  InnerProductIndex();
  ~InnerProductIndex();
  InnerProductIndex(InnerProductIndex&&) noexcept;
  InnerProductIndex& operator=(InnerProductIndex&&) noexcept;
  InnerProductIndex(const InnerProductIndex&) = delete;
  InnerProductIndex& operator=(const InnerProductIndex&) = delete;

  // Builds the index over every row of `titles` (copied; the matrix need not
  // outlive the index). Replaces any previous index on success; on failure
  // the previous index (or none) stays. Errors: InvalidArgument for m < 2,
  // ef_construction < 1 or more than 1024 factors (padded stride); when
  // hnswlib fails (it throws; nothing escapes Build), ResourceExhausted for
  // memory and Corruption for its consistency checks, with its message.
  Status Build(const FactorMatrix& titles, const BuildOptions& options);
  Status Build(const FactorMatrix& titles, uint32_t m, uint32_t ef_construction, int threads, uint64_t seed) {
    return Build(titles, BuildOptions{m, ef_construction, threads, seed});
  }
  // The same with BuildOptions' default seed.
  Status Build(const FactorMatrix& titles, uint32_t m, uint32_t ef_construction, int threads) {
    BuildOptions options;
    options.m = m;
    options.ef_construction = ef_construction;
    options.threads = threads;
    return Build(titles, options);
  }

  bool built() const;
  uint32_t title_count() const;
  // Titles in the graph (title_count() less those with no signal and the
  // duplicates of an indexed vector).
  uint32_t indexed_count() const;
  uint32_t factors() const;
  // Bytes held by the graph and the vectors (hnswlib's storage plus the copy).
  size_t memory_bytes() const;

  // The (approximately) k best titles for `query` (factors() or the padded
  // stride of floats), best first, with exact inner-product scores, titles in
  // `exclude` left out: exactly min(k, titles not excluded) of them; empty
  // when nothing is built or k == 0. Cannot fail
  // once Build succeeded (a query of another length is zero-padded or cut to
  // factors()), so it returns no Status. Thread-safe: any number of
  // concurrent calls.
  std::vector<ScoredTitle> Search(std::span<const float> query, uint32_t k, uint32_t ef,
                                  std::span<const uint32_t> exclude = {}) const;

 private:
  struct Impl;  // hnswlib objects, kept out of this header
  Status BuildGraph(const FactorMatrix& titles, const BuildOptions& options);  // may throw
  std::unique_ptr<Impl> impl_;
};

}  // namespace marquee
