// Catalog: what each title is -- name, year, genres, maturity rating,
// regions where it is available, runtime, release date, episode structure,
// credits -- and its artwork variants with the performers they depict and
// where each image came from (data/artwork_provenance.h). Performers and
// credits are in data/performers.h.
//
// Titles are indexed by the same dense index as the dataset's title IdMap.
// Genres and performers are interned (an index into genres() / performers())
// so that models and policies can use them as features directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/data/artwork_provenance.h"
#include "marquee/data/id_map.h"
#include "marquee/data/performers.h"

namespace marquee {

struct Artwork {
  std::string id;                   // external id, unique within the catalog
  std::vector<std::string> tags;    // descriptive: "mood:thriller", "closeup", ...
  // The recognizable performers shown (indices into Catalog::performers()):
  // the policies' features. Where `depicted` is filled, these are its
  // recognizable entries in order.
  std::vector<uint32_t> performers;
  // Generated or materially altered by AI. Derived from digital_source_type
  // where it is set (IsTrainedAlgorithmic); files written before provenance
  // keep the flag they had.
  bool ai_generated = false;
  // Everyone the image shows, recognizable or not (empty in files written
  // before provenance).
  std::vector<DepictedPerformer> depicted;
  DigitalSourceType digital_source_type = DigitalSourceType::kUnset;
  ReplicaKind replica_kind = ReplicaKind::kNone;
  // Title index whose photography the image comes from; kOwnTitle = this title.
  uint32_t source_title = kOwnTitle;
  std::string manifest_hash;  // content-credentials (C2PA) manifest hash; empty = none
  friend bool operator==(const Artwork&, const Artwork&) = default;

  // Stored, never served: no digital source type has been declared.
  bool quarantined() const { return digital_source_type == DigitalSourceType::kUnset; }
};

// Where an episode sits in its series. The series is an external id; it need
// not be a title of the catalog.
struct EpisodeOf {
  std::string series_id;
  uint32_t season = 1;   // 1-based
  uint32_t episode = 1;  // 1-based, within the season
  friend bool operator==(const EpisodeOf&, const EpisodeOf&) = default;
};

struct Title {
  std::string name;
  int32_t year = 0;                    // 0 = unknown
  std::vector<uint16_t> genres;        // indices into Catalog::genres()
  std::string maturity;                // e.g. "PG-13"; empty = unknown
  std::vector<std::string> regions;    // ISO country codes; empty = everywhere
  std::vector<Artwork> artwork;
  uint32_t runtime_minutes = 0;        // 0 = unknown
  std::optional<int32_t> release_date; // days since 1970-01-01 (util/civil_time.h)
  std::optional<EpisodeOf> episode_of; // set for an episode of a series
  std::vector<Credit> credits;         // billing order
  // Free-text tags members or editors gave it (MovieLens tags.csv), lower
  // case, trimmed, sorted and unique; empty = none known.
  std::vector<std::string> tags;
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

  // Performers, interned by id. AddPerformer returns the existing index
  // (leaving that performer as it was) when the id is known.
  uint32_t AddPerformer(Performer performer);
  const std::vector<Performer>& performers() const { return performers_; }
  // The performer at `index` (< performers().size()), to update its facts;
  // its id must not change.
  Performer& performer(uint32_t index) { return performers_[index]; }
  uint32_t FindPerformer(std::string_view id) const { return performer_ids_.Find(id); }

  size_t ArtworkCount() const;
  // Variants with no digital source type (Artwork::quarantined()).
  size_t QuarantinedCount() const;

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

// Each title's next episode: the episode after it in (season, episode)
// order within its series (after a season's last, the next season's first
// present), by title index; UINT32_MAX for the last episode and for titles
// that are not episodes.
std::vector<uint32_t> NextEpisodes(const Catalog& catalog);

}  // namespace marquee
