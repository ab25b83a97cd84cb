// Helpers shared by the model tests: small random interaction matrices, a
// per-member holdout with recall@k, and a save/load round trip through a
// section file.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "marquee/data/interactions.h"
#include "marquee/models/recommend.h"
#include "marquee/models/recommender.h"
#include "marquee/util/random.h"
#include "marquee/util/section_file.h"
#include "../test_util.h"

namespace marquee::test {

// `members` x `titles`, each member with 1..max_per_member distinct titles,
// skewed towards low indices so some titles are popular; weights in [0.5, 3]
// (exactly 1 when !weighted).
inline InteractionMatrix RandomInteractions(uint32_t members, uint32_t titles,
                                            uint32_t max_per_member, uint64_t seed,
                                            bool weighted = true) {
  Rng rng(seed);
  InteractionBuilder builder;
  for (uint32_t m = 0; m < members; ++m) {
    const uint32_t count = 1 + rng.Below(max_per_member);
    for (uint32_t k = 0; k < count; ++k) {
      const double u = rng.Uniform();
      const uint32_t t = std::min<uint32_t>(titles - 1, static_cast<uint32_t>(u * u * titles));
      builder.Add(m, t, weighted ? static_cast<float>(rng.Uniform(0.5, 3.0)) : 1.0f);
    }
  }
  return builder.Build(members, titles, DuplicateRule::kMax);
}

struct Holdout {
  InteractionMatrix train;
  std::vector<uint32_t> members;                 // evaluated members
  std::vector<std::vector<uint32_t>> heldout;    // per evaluated member, sorted
};

// Holds out a random `fraction` (at least one) of the titles of every
// member with at least `min_history` of them.
inline Holdout HoldOut(const InteractionMatrix& data, double fraction, uint32_t min_history,
                       uint64_t seed) {
  Rng rng(seed);
  Holdout out;
  InteractionBuilder builder;
  for (uint32_t m = 0; m < data.rows(); ++m) {
    std::span<const uint32_t> titles = data.RowIndices(m);
    std::span<const float> weights = data.RowWeights(m);
    const bool evaluated = titles.size() >= min_history;
    std::vector<uint32_t> held;
    for (size_t i = 0; i < titles.size(); ++i) {
      if (evaluated && rng.Uniform() < fraction) {
        held.push_back(titles[i]);
      } else {
        builder.Add(m, titles[i], weights[i]);
      }
    }
    if (!held.empty()) {
      out.members.push_back(m);
      out.heldout.push_back(std::move(held));
    }
  }
  out.train = builder.Build(data.rows(), data.cols(), DuplicateRule::kMax);
  return out;
}

// Mean over evaluated members of hits@k / min(k, |held out|).
inline double RecallAt(const std::vector<std::vector<ScoredTitle>>& lists, const Holdout& holdout,
                       uint32_t k) {
  double sum = 0;
  for (size_t i = 0; i < lists.size(); ++i) {
    const std::vector<uint32_t>& held = holdout.heldout[i];
    uint32_t hits = 0;
    for (const ScoredTitle& s : lists[i]) {
      hits += std::binary_search(held.begin(), held.end(), s.title);
    }
    sum += static_cast<double>(hits) / std::min<size_t>(k, held.size());
  }
  return lists.empty() ? 0 : sum / lists.size();
}

inline double ModelRecallAt(const Recommender& model, const Holdout& holdout, uint32_t k) {
  RecommendOptions options;
  options.k = k;
  return RecallAt(RecommendBatch(model, holdout.train, holdout.members, options), holdout, k);
}

// Recall of k titles drawn at random among those a member has not watched.
inline double RandomRecallAt(const Holdout& holdout, uint32_t k, uint64_t seed) {
  Rng rng(seed);
  std::vector<std::vector<ScoredTitle>> lists;
  std::vector<float> scores(holdout.train.cols());
  for (uint32_t m : holdout.members) {
    for (float& s : scores) s = static_cast<float>(rng.Uniform());
    ExcludeTitles(scores, holdout.train.RowIndices(m));
    lists.push_back(TopK(scores, k));
  }
  return RecallAt(lists, holdout, k);
}

// Saves `model`'s state to a section file and loads it into `into`.
inline void SaveAndLoad(const Recommender& model, Recommender& into, const TempDir& dir) {
  const std::string path = dir.File("state.mqt");
  SectionFileWriter writer("MQTEST", 1);
  model.SaveState(writer);
  ASSERT_TRUE(writer.Write(path).ok());
  Result<SectionFileReader> reader = SectionFileReader::Open(path, "MQTEST", 1, "test state");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Status loaded = into.LoadState(*reader);
  ASSERT_TRUE(loaded.ok()) << loaded.ToString();
}

// Scores of every title for every member's own history.
inline std::vector<float> AllScores(const Recommender& model, const InteractionMatrix& data) {
  std::vector<float> all;
  std::vector<float> scores(model.title_count());
  for (uint32_t m = 0; m < data.rows(); ++m) {
    model.ScoreMember(m, History::Row(data, m), scores);
    all.insert(all.end(), scores.begin(), scores.end());
  }
  return all;
}

}  // namespace marquee::test
