#include "marquee/bandit/artwork_features.h"
#include "marquee/util/strings.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string_view>
#include <unordered_map>

namespace marquee {
namespace {

// Affinity is smoothed towards uniform with this many pseudo-plays, so a
// member with one play is not certain of their taste.
constexpr float kAffinityPseudoPlays = 2.0f;


std::string_view TagValue(std::string_view tag, std::string_view key) {
  if (tag.size() <= key.size() || tag.substr(0, key.size()) != key) return {};
  return tag.substr(key.size());
}

}  // namespace

ArtworkFeatures::ArtworkFeatures(const Catalog& catalog)
    : genre_count_(static_cast<uint32_t>(catalog.genres().size())) {
  std::unordered_map<std::string, int16_t> genre_by_slug;
  for (uint32_t g = 0; g < genre_count_; ++g) {
    genre_by_slug.emplace(AsciiLower(catalog.genres()[g]), static_cast<int16_t>(g));
  }
  // Prominence: how many artworks feature each performer.
  std::vector<uint32_t> featured(catalog.performers().size(), 0);
  for (const Title& title : catalog.titles()) {
    for (const Artwork& art : title.artwork) {
      for (uint32_t p : art.performers) {
        if (p < featured.size()) ++featured[p];
      }
    }
  }
  const uint32_t most = featured.empty() ? 0 : *std::max_element(featured.begin(), featured.end());
  const float scale = most == 0 ? 0.0f : 1.0f / std::log1p(static_cast<float>(most));

  std::unordered_map<std::string, int16_t> style_index;
  for (const Title& title : catalog.titles()) {
    for (const Artwork& artwork : title.artwork) {
      Art art;
      art.ai_generated = artwork.ai_generated;
      for (uint32_t p : artwork.performers) {
        if (p >= featured.size()) continue;
        art.has_performer = true;
        art.prominence = std::max(art.prominence, std::log1p(static_cast<float>(featured[p])) * scale);
      }
      for (const std::string& tag : artwork.tags) {
        if (std::string_view mood = TagValue(tag, "mood:"); !mood.empty()) {
          auto it = genre_by_slug.find(AsciiLower(mood));
          if (it != genre_by_slug.end()) art.mood = it->second;
        } else if (std::string_view style = TagValue(tag, "style:"); !style.empty()) {
          auto [it, added] = style_index.emplace(std::string(style), static_cast<int16_t>(styles_.size()));
          if (added) styles_.emplace_back(style);
          art.style = it->second;
        }
      }
      art_.push_back(art);
    }
    offsets_.push_back(static_cast<uint32_t>(art_.size()));
    for (uint16_t g : title.genres) {
      if (g < genre_count_) title_genres_.push_back(g);
    }
    title_genre_offsets_.push_back(static_cast<uint32_t>(title_genres_.size()));
  }
}

uint32_t ArtworkFeatures::TitleOf(uint32_t artwork) const {
  // The last title whose first variant is at or before `artwork`; titles
  // without artwork share their offset with the next title, and upper_bound
  // steps past them.
  auto it = std::upper_bound(offsets_.begin(), offsets_.end(), artwork);
  return static_cast<uint32_t>(it - offsets_.begin()) - 1;
}

void ArtworkFeatures::MemberVector(std::span<const uint32_t> titles, std::span<const float> weights,
                                   std::span<float> out) const {
  std::fill(out.begin(), out.end(), 0.0f);
  out[0] = 1.0f;
  std::span<float> affinity = out.subspan(1, genre_count_);
  float total = 0.0f;
  for (size_t i = 0; i < titles.size(); ++i) {
    if (titles[i] >= title_count()) continue;
    const float w = weights.empty() ? 1.0f : weights[i];
    const uint32_t begin = title_genre_offsets_[titles[i]];
    const uint32_t end = title_genre_offsets_[titles[i] + 1];
    if (begin == end || !(w > 0.0f)) continue;
    const float share = w / static_cast<float>(end - begin);
    for (uint32_t j = begin; j < end; ++j) affinity[title_genres_[j]] += share;
    total += w;
  }
  if (genre_count_ == 0) return;
  const float prior = kAffinityPseudoPlays / static_cast<float>(genre_count_);
  const float norm = 1.0f / (total + kAffinityPseudoPlays);
  for (float& a : affinity) a = (a + prior) * norm;
}

void ArtworkFeatures::DatasetMemberVector(const InteractionMatrix& interactions, uint32_t member,
                                          std::span<float> out) const {
  if (member >= interactions.rows()) return MemberVector({}, {}, out);
  MemberVector(interactions.RowIndices(member), interactions.RowWeights(member), out);
}

void ArtworkFeatures::JointFeatures(std::span<const float> member, uint32_t artwork,
                                    std::span<float> out) const {
  std::fill(out.begin(), out.end(), 0.0f);
  const Art& art = art_[artwork];
  const float* affinity = member.data() + 1;
  size_t at = 0;
  out[at++] = 1.0f;
  out[at++] = art.mood >= 0 ? affinity[art.mood] : 0.0f;
  if (art.style >= 0) {
    float* block = out.data() + at + static_cast<size_t>(art.style) * genre_count_;
    std::copy(affinity, affinity + genre_count_, block);
  }
  at += static_cast<size_t>(style_count()) * genre_count_;
  if (art.mood >= 0) out[at + art.mood] = 1.0f;
  at += genre_count_;
  out[at++] = art.has_performer ? 1.0f : 0.0f;
  out[at++] = art.prominence;
  out[at++] = art.ai_generated ? 1.0f : 0.0f;
}

void ArtworkFeatures::JointTermsOf(std::span<const float> member, uint32_t artwork, JointTerms& out) const {
  // JointFeatures' layout, entry by entry, in increasing order.
  const Art& art = art_[artwork];
  const float* affinity = member.data() + 1;
  out.count = 0;
  auto add = [&](size_t index, float value) {
    if (value == 0.0f) return;
    out.index[out.count] = static_cast<uint32_t>(index);
    out.value[out.count] = value;
    ++out.count;
  };
  add(0, 1.0f);
  add(1, art.mood >= 0 ? affinity[art.mood] : 0.0f);
  out.style = art.style;
  out.block_start = art.style >= 0 ? StyleBlockStart(static_cast<uint32_t>(art.style)) : 0;
  size_t at = 2 + static_cast<size_t>(style_count()) * genre_count_;
  if (art.mood >= 0) add(at + static_cast<size_t>(art.mood), 1.0f);
  at += genre_count_;
  add(at, art.has_performer ? 1.0f : 0.0f);
  add(at + 1, art.prominence);
  add(at + 2, art.ai_generated ? 1.0f : 0.0f);
}

}  // namespace marquee
