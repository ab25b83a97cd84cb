// The cold-title protocol (issue 15 §2): how well a method finds the
// audience of titles nobody has played yet. A share of the titles is held
// out entirely -- every play of them leaves training -- and each method
// scores the held-out ("cold") titles for the members from what it may know:
// the members' plays of the other titles and the cold titles' metadata.
//
//   member side   for each evaluated member who played a cold title, the
//                 cold titles ranked by the method's score (ties in a
//                 seeded random order): Recall@K and NDCG@K of the ones
//                 they played (ranking_metrics.h)
//   title side    for each cold title, the AUC of its audience (evaluated
//                 members who played it) against the other evaluated
//                 members: the probability that a random audience member
//                 scores above a random non-member (Mann-Whitney, ties
//                 count one half); averaged over cold titles
// A method that scores every member alike (a title's popularity) has AUC
// 0.5 by construction; it can only order titles for a member.
//
// Thread safety: pure functions; scorers are called from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "marquee/data/catalog.h"
#include "marquee/data/interactions.h"
#include "marquee/util/factor_matrix.h"
#include "marquee/util/status.h"

namespace marquee {

struct ColdTitleOptions {
  double fraction = 0.1;          // share of the eligible titles held out, (0, 1)
  uint32_t min_audience = 5;      // titles with fewer members are never held out (their AUC is noise)
  uint32_t min_history = 2;       // members evaluated need this many training titles
  std::vector<uint32_t> cutoffs = {10, 20};
  uint64_t seed = 42;
  Status Validate() const;        // InvalidArgument naming the field
};

struct ColdTitleSplit {
  InteractionMatrix train;           // the data without any interaction of a cold title
  std::vector<uint32_t> cold;        // held-out titles, ascending
  std::vector<uint32_t> warm;        // the other titles, ascending
  // Evaluated members (min_history training titles), ascending, and for each
  // the positions in `cold` of the cold titles they played (ascending).
  std::vector<uint32_t> members;
  std::vector<std::vector<uint32_t>> played;
};

// InvalidArgument naming the field: options.Validate(); fewer than two
// eligible titles or too few to hold out one ("fraction").
Result<ColdTitleSplit> MakeColdTitleSplit(const InteractionMatrix& data, const ColdTitleOptions& options);

// A method: the score of each cold title (split.cold order) for `member`;
// out.size() == split.cold.size().
using ColdTitleScorer = std::function<void(uint32_t member, std::span<float> out)>;

struct ColdTitleResult {
  std::string method;
  std::vector<uint32_t> cutoffs;
  std::vector<double> recall, ndcg;  // one per cutoff, means over members with a cold play
  double auc = 0.0;                  // mean over cold titles with an audience and a non-audience
  uint32_t members = 0;              // members with a cold play
  uint32_t titles = 0;               // cold titles in the AUC mean
};

ColdTitleResult EvaluateColdTitles(const ColdTitleSplit& split, std::string method, const ColdTitleScorer& scorer,
                                   const ColdTitleOptions& options);

// Baselines from genres (the metadata every catalog has):
//   genre affinity    sum over the title's genres of the member's share of
//                     training plays in that genre (smoothed towards the
//                     genre's share of all plays with weight 1 play):
//                     personalized, metadata only
//   genre popularity  the mean training popularity of the warm titles that
//                     share a genre with it: the same for every member
ColdTitleScorer GenreAffinityScorer(const ColdTitleSplit& split, const Catalog& catalog);
ColdTitleScorer GenrePopularityScorer(const ColdTitleSplit& split, const Catalog& catalog);
// The member's training plays, the same for every title: how much of a
// title-side AUC comes from active members being in every audience (its
// member-side ranking is random, as a constant's).
ColdTitleScorer ActivityScorer(const ColdTitleSplit& split);
// Uniform random scores (seeded): the floor.
ColdTitleScorer RandomScorer(const ColdTitleSplit& split, uint64_t seed);
// member_factors.Row(member) . cold_vectors.Row(cold title): a factor model's
// members against cold-title vectors (models/cold_start.h). Both must
// outlive the scorer.
ColdTitleScorer FactorScorer(const ColdTitleSplit& split, const FactorMatrix& member_factors,
                             const FactorMatrix& title_vectors);

std::string ColdTitleTable(std::span<const ColdTitleResult> results);

}  // namespace marquee
