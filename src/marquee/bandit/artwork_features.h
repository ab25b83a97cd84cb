// ArtworkFeatures: what an artwork policy knows about a member and about each
// artwork variant, as plain float vectors.
//
// A member's context is their genre affinity: the share of their history in
// each catalog genre (a title with several genres spreads its weight over
// them), smoothed towards uniform so that a new member is not a zero vector.
// An artwork is described by what its catalog tags say: its mood genre
// ("mood:<genre slug>"), its style ("style:<name>", interned from the catalog),
// whether it features performers and how prominent the most prominent one is
// (log of the number of artworks that feature them, scaled to [0, 1]), and
// whether it is AI-generated.
//
// Policies see two vectors:
//   MemberVector  (member_dim = 1 + genres): bias, then genre affinity -- the
//                 context of the disjoint per-artwork models;
//   JointFeatures (joint_dim): interactions of the member's affinity with the
//                 artwork's features -- the context of the shared models, so
//                 that a new title learns from what old titles taught.
// Joint layout: [bias, mood match (affinity to the artwork's mood genre),
// style one-hot (x) affinity (styles x genres), mood one-hot (genres),
// has performer, prominence, ai generated].
//
// Artwork is addressed by a global index: variant v of title t is
// artwork_offset(t) + v, the catalog's order (the same as GroundTruth's).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "marquee/data/catalog.h"
#include "marquee/data/interactions.h"

namespace marquee {

class ArtworkFeatures {
 public:
  // Reads the tags of every artwork in the catalog. Tags it does not know are
  // ignored; an artwork without a mood or style tag has none.
  explicit ArtworkFeatures(const Catalog& catalog);

  uint32_t genre_count() const { return genre_count_; }
  uint32_t style_count() const { return static_cast<uint32_t>(styles_.size()); }
  const std::vector<std::string>& styles() const { return styles_; }
  uint32_t title_count() const { return static_cast<uint32_t>(offsets_.size() - 1); }
  uint32_t artwork_count() const { return offsets_.back(); }
  uint32_t artwork_offset(uint32_t title) const { return offsets_[title]; }
  uint32_t variant_count(uint32_t title) const { return offsets_[title + 1] - offsets_[title]; }
  // The title an artwork (global index < artwork_count()) belongs to.
  uint32_t TitleOf(uint32_t artwork) const;

  size_t member_dim() const { return 1 + genre_count_; }
  size_t joint_dim() const { return 2 + (style_count() + 1) * genre_count_ + 3; }

  // Member context from the titles a member played (dataset title indices,
  // repeats allowed; weights optional, 1 each when empty). out.size() == member_dim().
  void MemberVector(std::span<const uint32_t> titles, std::span<const float> weights,
                    std::span<float> out) const;
  // The context of member row `member` of `interactions` (the dataset's
  // history); a member beyond the matrix (IdMap::kNotFound: not in the
  // dataset) has no history and gets the smoothed prior.
  void DatasetMemberVector(const InteractionMatrix& interactions, uint32_t member,
                           std::span<float> out) const;
  // Joint features of showing `artwork` (global index) to a member with
  // context `member` (a MemberVector). out.size() == joint_dim().
  void JointFeatures(std::span<const float> member, uint32_t artwork, std::span<float> out) const;

  // The same vector as terms, for products with a matrix that need not build
  // it: x = sum_k value[k] e_{index[k]} (k < count, indices increasing, no
  // zero values) plus, when style >= 0, the member's genre affinity
  // (member[1..genres]) placed at block_start = StyleBlockStart(style).
  // Every non-zero of JointFeatures is in exactly one of the two parts.
  struct JointTerms {
    int style = -1;
    size_t block_start = 0;
    uint32_t count = 0;
    std::array<uint32_t, 6> index{};
    std::array<float, 6> value{};
  };
  void JointTermsOf(std::span<const float> member, uint32_t artwork, JointTerms& out) const;
  // Where style `style`'s block of genres starts in the joint vector.
  size_t StyleBlockStart(uint32_t style) const { return 2 + static_cast<size_t>(style) * genre_count_; }

  // What was read from the tags, for tests and reports. -1 when absent.
  int mood_genre(uint32_t artwork) const { return art_[artwork].mood; }
  int style(uint32_t artwork) const { return art_[artwork].style; }
  float prominence(uint32_t artwork) const { return art_[artwork].prominence; }

 private:
  struct Art {
    int16_t mood = -1;
    int16_t style = -1;
    bool has_performer = false;
    bool ai_generated = false;
    float prominence = 0.0f;
  };
  uint32_t genre_count_ = 0;
  std::vector<std::string> styles_;
  std::vector<uint32_t> offsets_{0};  // titles + 1: global artwork index of variant 0
  std::vector<Art> art_;
  std::vector<uint32_t> title_genre_offsets_{0};  // titles + 1
  std::vector<uint16_t> title_genres_;
};

}  // namespace marquee
