// GroundTruth: what the synthetic service really is, hidden from the models --
// each member's true tastes, each title's quality and exposure, and how much
// each artwork variant appeals to each kind of member. Recommenders are
// measured against TrueAffinity, artwork policies simulate outcomes with
// PlayProbability.
//
// Member "kind" (the context an artwork policy sees) is the member's dominant
// genre: the argmax of the taste vector. So there are exactly genre_count
// kinds, they are interpretable ("the Horror fans"), and an artwork whose mood
// matches a kind appeals more to it. See synthetic.cc for the full model.
//
// Honest artwork (issue 11 §4): a started play *qualifies* (the member keeps
// watching; data/qualifying_play.h) with a probability of the variant's own,
// and a few variants are *misleading*: they draw more starts than the title's
// other images but few of those starts qualify (see synthetic.cc).
//
// Saved as a SectionFile with magic "MQTRUTH" (conventionally *.mqt). The
// honesty section (HNST: qualifying probabilities and misleading flags) is
// optional: files written before it load with both vectors empty, which
// means every start qualifies (probability 1, the rule before issue 11) and
// no variant misleads; readers before it skip the section.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "marquee/util/status.h"

namespace marquee {

inline constexpr uint32_t kGroundTruthFormatVersion = 1;

struct GroundTruth {
  // Play probability of a member shown a title with a neutral artwork:
  // kBasePlayFloor + kBasePlayScale * TasteMatch * quality, then scaled by the
  // artwork's appeal for the member's kind.
  static constexpr double kBasePlayFloor = 0.01;
  static constexpr double kBasePlayScale = 0.4;

  // How it was made.
  uint64_t seed = 0;
  std::string generator;          // "synthetic: seed=S members=N titles=M plays=P"
  uint32_t genre_count = 0;       // also the number of member kinds
  double mainstream_share = 0.0;  // share of plays drawn by popularity alone
  // The rest pick a genre g with probability proportional to
  // taste[g] * genre_popularity[g]^genre_exposure (0: taste alone; 1: taste
  // times how much of the catalog's exposure the genre has), then a title of g
  // by popularity.
  double genre_exposure = 0.0;

  // Members, by dataset member index.
  std::vector<float> member_taste;     // members x genre_count, row-major; rows sum to 1
  std::vector<float> member_activity;  // relative activity, mean about 1; plays are proportional
  std::vector<uint16_t> member_kind;   // dominant genre, < genre_count
  std::vector<uint32_t> member_plays;  // plays generated (re-watches included); sums to the total

  // Titles, by dataset title index.
  std::vector<float> title_quality;           // in (0, 1): how much it is enjoyed once started
  std::vector<float> title_popularity;        // exposure (power law), sums to 1
  std::vector<uint32_t> title_genre_offsets;  // titles + 1; genres of t in [off[t], off[t+1])
  std::vector<uint16_t> title_genres;         // the same genres as the catalog, primary first
  std::vector<float> genre_popularity;        // per genre: sum of title_popularity of its titles

  // Artwork: variant k of title t has global index artwork_offsets[t] + k,
  // the same order as the catalog's titles()[t].artwork[k].
  std::vector<uint32_t> artwork_offsets;  // titles + 1
  std::vector<float> artwork_appeal;      // artworks x genre_count: play-probability multiplier
  // Per artwork: P(a started play qualifies), in [0, 1]; empty = 1 for every
  // artwork (files written before the honesty section).
  std::vector<float> artwork_qualify;
  // Per artwork: 1 for a misleading variant (many starts, early abandonment);
  // empty = none.
  std::vector<uint8_t> artwork_misleading;

  uint32_t member_count() const { return static_cast<uint32_t>(member_kind.size()); }
  uint32_t title_count() const { return static_cast<uint32_t>(title_quality.size()); }
  uint32_t kind_count() const { return genre_count; }
  uint64_t artwork_count() const { return artwork_offsets.empty() ? 0 : artwork_offsets.back(); }

  std::span<const float> Taste(uint32_t member) const {
    return {member_taste.data() + static_cast<size_t>(member) * genre_count, genre_count};
  }
  uint16_t Kind(uint32_t member) const { return member_kind[member]; }
  std::span<const uint16_t> TitleGenres(uint32_t title) const {
    return {title_genres.data() + title_genre_offsets[title],
            title_genre_offsets[title + 1] - title_genre_offsets[title]};
  }
  uint32_t ArtworkCount(uint32_t title) const {
    return artwork_offsets[title + 1] - artwork_offsets[title];
  }
  uint32_t ArtworkIndex(uint32_t title, uint32_t variant) const {
    return artwork_offsets[title] + variant;
  }
  float ArtworkAppeal(uint32_t artwork, uint16_t kind) const {
    return artwork_appeal[static_cast<size_t>(artwork) * genre_count + kind];
  }

  // The member's taste mass on the title's genres, in [0, 1].
  float TasteMatch(uint32_t member, uint32_t title) const;

  // The probability that one play of `member` is of `title` under the
  // generative model (ignoring the avoidance of repeats). Sums to 1 over
  // titles; ranking by it is the best a recommender can do.
  float TrueAffinity(uint32_t member, uint32_t title) const;
  // TrueAffinity of `member` for every title (out.size() == title_count()),
  // faster than one call a title.
  void TrueAffinities(uint32_t member, std::span<float> out) const;

  // Probability that `member` plays `title` when shown artwork variant
  // `variant` (0-based within the title), in [0, 1]. For bandit simulation.
  // A *start*: whether the play then qualifies is QualifyProbability.
  double PlayProbability(uint32_t member, uint32_t title, uint32_t variant) const;
  // The same with a neutral image (appeal 1): BasePlayProbability * appeal,
  // clamped to [0, 1], is PlayProbability.
  double BasePlayProbability(uint32_t member, uint32_t title) const;

  // Probability that a play started from variant `variant` of `title`
  // qualifies (the member keeps watching), in [0, 1]; 1 when the truth has no
  // honesty section. P(qualifying play) = PlayProbability * QualifyProbability.
  double QualifyProbability(uint32_t title, uint32_t variant) const {
    return artwork_qualify.empty() ? 1.0 : artwork_qualify[ArtworkIndex(title, variant)];
  }
  // Whether the variant is one of the generator's deliberately misleading images.
  bool IsMisleading(uint32_t title, uint32_t variant) const {
    return !artwork_misleading.empty() && artwork_misleading[ArtworkIndex(title, variant)] != 0;
  }

  // Internal consistency (sizes, ranges, finiteness); Corruption otherwise.
  Status Validate() const;

  friend bool operator==(const GroundTruth&, const GroundTruth&) = default;
};

// Writes atomically (validating first). Load refuses damaged, truncated or
// inconsistent files with a Corruption status naming the file.
Status SaveGroundTruth(const GroundTruth& truth, const std::string& path);
Result<GroundTruth> LoadGroundTruth(const std::string& path);

}  // namespace marquee
