#include "marquee/bandit/impression_log.h"

#include <algorithm>
#include <unordered_map>

#include "marquee/data/id_map.h"

namespace marquee {
namespace {

constexpr size_t kMaxMessages = 5;

std::string PairKey(std::string_view member, std::string_view title) {
  std::string key(member);
  key += '\x1f';
  key += title;
  return key;
}

// Builds the log record by record; outcomes are matched once all
// impressions are known (a click may be logged before a late impression).
class Joiner {
 public:
  Joiner(const Dataset& dataset, const ArtworkFeatures& features, const ImpressionJoinOptions& options,
         const std::string& source)
      : dataset_(dataset), features_(features), options_(options), source_(source) {
    log_.data.source = source;
  }

  void AddImpression(const Event& e, size_t position) {
    ++log_.impressions_seen;
    if (!e.propensity || !(*e.propensity > 0.0)) {
      return Skip(log_.skipped_no_propensity, position, "impression without a propensity");
    }
    const uint32_t title = dataset_.titles.Find(e.title_id);
    if (title == IdMap::kNotFound || title >= features_.title_count()) {
      return Skip(log_.skipped_unknown_title, position,
                  "title " + QuoteForError(e.title_id) + " is not in the catalog");
    }
    const int variant = FindVariant(title, e.artwork_id);
    if (variant < 0) {
      return Skip(
          log_.skipped_unknown_artwork, position,
          "artwork " + QuoteForError(e.artwork_id) + " is not a variant of title " + QuoteForError(e.title_id));
    }
    const uint32_t record = static_cast<uint32_t>(log_.data.size());
    if (!e.impression_id.empty() && !by_id_.emplace(e.impression_id, record).second) {
      return Skip(log_.skipped_duplicate_id, position,
                  "impression id " + QuoteForError(e.impression_id) + " used twice");
    }
    LoggedBanditData& d = log_.data;
    const uint32_t first = features_.artwork_offset(title);
    for (uint32_t v = 0; v < features_.variant_count(title); ++v) d.candidate_ids.push_back(first + v);
    d.offsets.push_back(d.candidate_ids.size());
    d.action.push_back(static_cast<uint32_t>(variant));
    d.position.push_back(0);
    d.propensity.push_back(*e.propensity);
    d.reward.push_back(0.0);
    d.member.push_back(dataset_.members.Find(e.member_id));
    log_.title.push_back(title);
    log_.member_id.push_back(e.member_id);
    log_.time.push_back(e.time);
    by_pair_[PairKey(e.member_id, e.title_id)].push_back(record);
  }

  void AddOutcome(const Event& e) {
    const double value = options_.weight_by_watch_fraction && e.watch_fraction ? *e.watch_fraction : 1.0;
    if (!e.impression_id.empty()) {
      auto it = by_id_.find(e.impression_id);
      if (it != by_id_.end()) return Reward(it->second, value);
      if (e.kind == EventKind::kClick) {
        ++log_.unmatched_outcomes;
        return;
      }
    }
    auto it = by_pair_.find(PairKey(e.member_id, e.title_id));
    if (it == by_pair_.end()) return;
    for (uint32_t record : it->second) {
      const int64_t shown = log_.time[record];
      if (e.time >= shown && e.time - shown <= options_.reward_window_seconds) Reward(record, value);
    }
  }

  ImpressionLog Take() { return std::move(log_); }

 private:
  int FindVariant(uint32_t title, std::string_view artwork) const {
    const std::vector<Artwork>& variants = dataset_.catalog.titles()[title].artwork;
    for (size_t v = 0; v < variants.size(); ++v) {
      if (variants[v].id == artwork) return static_cast<int>(v);
    }
    return -1;
  }

  void Reward(uint32_t record, double value) {
    log_.data.reward[record] = std::max(log_.data.reward[record], value);
  }

  void Skip(uint64_t& counter, size_t position, const std::string& why) {
    ++counter;
    if (log_.messages.size() < kMaxMessages) {
      log_.messages.push_back(source_ + ": event " + std::to_string(position + 1) + ": " + why);
    }
  }

  const Dataset& dataset_;
  const ArtworkFeatures& features_;
  const ImpressionJoinOptions& options_;
  const std::string& source_;
  ImpressionLog log_;
  std::unordered_map<std::string, uint32_t> by_id_;
  std::unordered_map<std::string, std::vector<uint32_t>> by_pair_;
};

}  // namespace

std::string ImpressionLog::Summary() const {
  std::string s = std::to_string(impressions_seen) + " impressions: " + std::to_string(data.size()) +
                  " used, " + std::to_string(skipped()) + " skipped";
  if (skipped() > 0) {
    s += " (" + std::to_string(skipped_no_propensity) + " without propensity, " +
         std::to_string(skipped_unknown_title) + " unknown title, " +
         std::to_string(skipped_unknown_artwork) + " unknown artwork, " +
         std::to_string(skipped_duplicate_id) + " duplicate id)";
  }
  s += "; " + std::to_string(unmatched_outcomes) + " clicks for unknown impressions";
  return s;
}

ImpressionLog JoinImpressions(std::span<const Event> events, const Dataset& dataset,
                              const ArtworkFeatures& features, const ImpressionJoinOptions& options,
                              const std::string& source) {
  Joiner joiner(dataset, features, options, source);
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].kind == EventKind::kImpression) joiner.AddImpression(events[i], i);
  }
  for (const Event& e : events) {
    if (e.kind == EventKind::kPlay || e.kind == EventKind::kClick) joiner.AddOutcome(e);
  }
  return joiner.Take();
}

std::vector<float> RecordMemberContexts(const ImpressionLog& log, const Dataset& dataset,
                                        const ArtworkFeatures& features) {
  const size_t dim = features.member_dim();
  std::vector<float> out(log.data.size() * dim);
  for (size_t i = 0; i < log.data.size(); ++i) {
    features.DatasetMemberVector(dataset.interactions, log.data.member[i],
                                 std::span<float>(out.data() + i * dim, dim));
  }
  return out;
}

}  // namespace marquee
