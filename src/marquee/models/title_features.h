// TitleFeatures: a title's metadata as a sparse feature row (issue 15 §2),
// what a title with no plays yet is known by. Rows are indicator features
// with value 1, so a title's row is the set of what describes it:
//   bias                      every title (the mean title)
//   genre:NAME                each of its genres
//   decade:YYYY0s             its year's decade; decade:unknown without one
//   maturity:RATING           its rating; maturity:unknown without one
//   runtime:BUCKET            <30, 30-59, 60-99, 100-139, 140+ minutes, unknown
//   performer:ID              its first `max_credits` billed performers, among
//                             those credited on at least `min_performer_titles`
//                             titles of the catalog (rarer ones carry no
//                             signal a regression could learn from others)
//   tag:TEXT                  its tags (Title::tags) given to at least
//                             `min_tag_titles` titles, by the same reasoning
// The vocabulary is fixed by Build from the catalog; FeaturesOf describes
// any title -- one added later included -- in that vocabulary, leaving out
// genres, ratings and performers the vocabulary does not have.
//
// Thread safety: immutable after Build; const methods may run concurrently.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "marquee/data/catalog.h"
#include "marquee/util/status.h"

namespace marquee {

struct TitleFeatureOptions {
  uint32_t max_credits = 5;           // billed performers a title contributes (>= 0)
  uint32_t min_performer_titles = 2;  // a performer's titles for a feature of their own (>= 1)
  uint32_t min_tag_titles = 2;        // a tag's titles for a feature of its own (>= 1)
  // Tags as features. Off for a fair cold-start test where tags come from
  // members after watching (MovieLens): a title nobody played has none.
  bool tags = true;
};

class TitleFeatures {
 public:
  // The vocabulary from `catalog` and every title's row. InvalidArgument
  // naming the field for min_performer_titles or min_tag_titles = 0.
  static Result<TitleFeatures> Build(const Catalog& catalog, const TitleFeatureOptions& options = {});

  // Feature names, index = feature id ("bias", "genre:Drama", ...).
  const std::vector<std::string>& names() const { return names_; }
  size_t feature_count() const { return names_.size(); }
  size_t title_count() const { return indptr_.size() - 1; }
  // The feature ids of catalog title `title` (< title_count()), ascending.
  std::span<const uint32_t> Row(uint32_t title) const {
    return {indices_.data() + indptr_[title], indices_.data() + indptr_[title + 1]};
  }
  // The feature ids describing `title` (of `catalog`, whose genre and
  // performer indices it uses), ascending; for titles not in the catalog the
  // features were built from, e.g. one added while serving.
  std::vector<uint32_t> FeaturesOf(const Title& title, const Catalog& catalog) const;
  // The id of feature `name`, or -1.
  int Find(std::string_view name) const;

 private:
  TitleFeatureOptions options_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<uint64_t> indptr_{0};
  std::vector<uint32_t> indices_;
};

}  // namespace marquee
