// Catalog: what each title is -- name, year, genres, maturity rating,
// regions where it is available -- and its artwork variants with the
// performers they depict.
//
// Titles are indexed by the same dense index as the dataset's title IdMap.
// Genres and performers are interned (an index into genres() / performers())
// so that models and policies can use them as features directly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/data/id_map.h"

namespace marquee {

struct Performer {
  std::string id;    // stable external id
  std::string name;  // display name
  friend bool operator==(const Performer&, const Performer&) = default;
};

struct Artwork {
  std::string id;                   // external id, unique within the catalog
  std::vector<std::string> tags;    // descriptive: "mood:thriller", "closeup", ...
  std::vector<uint32_t> performers; // indices into Catalog::performers()
  bool ai_generated = false;        // generated or materially altered by AI
  friend bool operator==(const Artwork&, const Artwork&) = default;
};

struct Title {
  std::string name;
  int32_t year = 0;                    // 0 = unknown
  std::vector<uint16_t> genres;        // indices into Catalog::genres()
  std::string maturity;                // e.g. "PG-13"; empty = unknown
  std::vector<std::string> regions;    // ISO country codes; empty = everywhere
  std::vector<Artwork> artwork;
  friend bool operator==(const Title&, const Title&) = default;
};

class Catalog {
 public:
  // Titles: index i describes title index i of the dataset.
  std::vector<Title>& titles() { return titles_; }
  const std::vector<Title>& titles() const { return titles_; }
  size_t size() const { return titles_.size(); }

  // Genre names, interned. GenreIndex adds a new name when unseen.
  uint16_t GenreIndex(std::string_view name);
  // Index of an existing genre, or -1.
  int FindGenre(std::string_view name) const;
  const std::vector<std::string>& genres() const { return genres_; }

  // Performers, interned by id.
  uint32_t AddPerformer(Performer performer);
  const std::vector<Performer>& performers() const { return performers_; }
  uint32_t FindPerformer(std::string_view id) const { return performer_ids_.Find(id); }

  size_t ArtworkCount() const;

  // Makes titles() exactly n long (new titles are blank).
  void Resize(size_t n) { titles_.resize(n); }

  friend bool operator==(const Catalog& a, const Catalog& b) {
    return a.titles_ == b.titles_ && a.genres_ == b.genres_ && a.performers_ == b.performers_;
  }

 private:
  std::vector<Title> titles_;
  std::vector<std::string> genres_;
  std::vector<Performer> performers_;
  IdMap performer_ids_;
};

}  // namespace marquee
