#include "marquee/bandit/impression_log.h"

#include <algorithm>

#include <fmt/format.h>

#include "marquee/data/id_map.h"

namespace marquee {
namespace {

constexpr size_t kMaxMessages = 5;
// The record number a title card is attributed under: it has no record, but
// a play naming it must answer it rather than an older image of the title.
constexpr uint64_t kTitleCardRecord = ~uint64_t{0};

// Builds the log record by record; rewards come back from the attributor as
// impressions finish and are written into their records.
class Joiner {
 public:
  Joiner(const Dataset& dataset, const ArtworkFeatures& features, const RewardRules& rules,
         const std::string& source)
      : dataset_(dataset), features_(features), attributor_(rules), source_(source) {
    log_.data.source = source;
  }

  void Add(const Event& e, size_t position) {
    attributor_.Expire(e.time, finished_);
    if (e.kind == EventKind::kImpression) {
      AddImpression(e, position);
    } else {
      attributor_.Observe(e, finished_);
    }
    Collect();
  }

  ImpressionLog Finish() {
    attributor_.ExpireAll(finished_);
    Collect();
    log_.unmatched_outcomes = attributor_.unmatched_clicks();
    // A log with no gate restricting any record keeps no mask, exactly as
    // before eligible sets were recorded.
    std::vector<uint8_t>& eligible = log_.data.eligible;
    if (std::all_of(eligible.begin(), eligible.end(), [](uint8_t f) { return f != 0; })) eligible.clear();
    return std::move(log_);
  }

  // Whether the join must stop: the first impression whose propensity no
  // estimator can use (see kMinPropensity).
  const Status& refused() const { return refused_; }

 private:
  void AddImpression(const Event& e, size_t position) {
    ++log_.impressions_seen;
    // A title card (no image, nothing eligible) was no choice of the policy:
    // learning or weighting it would credit the policy with the gate's work.
    if (e.artwork_id.empty() && e.eligible_artwork_ids.empty()) {
      ++log_.title_cards;
      const uint32_t title = dataset_.titles.Find(e.title_id);
      if (title == IdMap::kNotFound || title >= features_.title_count()) return;
      log_.title_card_titles.push_back(title);
      // Pending like an image, so that a play naming the card answers it; a
      // repeated id is the duplicate rule's business, and the card is dropped.
      attributor_.AddImpression({e.impression_id, e.member_id, e.title_id, e.time, title, 0, kTitleCardRecord},
                                finished_);
      return;
    }
    if (!e.propensity) {
      return Skip(log_.skipped_no_propensity, position, "impression without a propensity");
    }
    const double p = *e.propensity;
    if (!(p >= kMinPropensity && p <= 1.0)) {
      // Not skipped: dropping the rarest impressions would bias every
      // estimate towards what the logging policy liked.
      refused_ = Status::InvalidArgument(fmt::format(
          "{}: event {}: impression {} has propensity {:g}, outside [{:g}, 1] (kMinPropensity: a "
          "smaller one gives a weight 1/p over 1e12 or infinite)",
          source_, position + 1, QuoteForError(e.impression_id), p, kMinPropensity));
      return;
    }
    const uint32_t title = dataset_.titles.Find(e.title_id);
    if (title == IdMap::kNotFound || title >= features_.title_count()) {
      return Skip(log_.skipped_unknown_title, position,
                  fmt::format("title {} is not in the catalog", QuoteForError(e.title_id)));
    }
    std::vector<uint8_t> eligible;
    refused_ = EligibleMask(e, position, title, &eligible);
    if (!refused_.ok()) return;
    const int variant = FindVariant(title, e.artwork_id);
    if (variant < 0) {
      return Skip(log_.skipped_unknown_artwork, position,
                  fmt::format("artwork {} is not a variant of title {}", QuoteForError(e.artwork_id),
                              QuoteForError(e.title_id)));
    }
    const uint32_t record = static_cast<uint32_t>(log_.data.size());
    ImpressionRecord impression{e.impression_id, e.member_id, e.title_id, e.time,
                                title,           static_cast<uint32_t>(variant), record};
    if (!attributor_.AddImpression(std::move(impression), finished_)) {
      return Skip(log_.skipped_duplicate_id, position,
                  fmt::format("impression id {} used twice", QuoteForError(e.impression_id)));
    }
    LoggedBanditData& d = log_.data;
    const uint32_t first = features_.artwork_offset(title);
    for (uint32_t v = 0; v < features_.variant_count(title); ++v) d.candidate_ids.push_back(first + v);
    d.offsets.push_back(d.candidate_ids.size());
    d.eligible.insert(d.eligible.end(), eligible.begin(), eligible.end());
    d.action.push_back(static_cast<uint32_t>(variant));
    d.position.push_back(0);
    d.propensity.push_back(*e.propensity);
    d.reward.push_back(0.0);
    d.member.push_back(dataset_.members.Find(e.member_id));
    log_.title.push_back(title);
    log_.member_id.push_back(e.member_id);
    log_.time.push_back(e.time);
  }

  // The impression's eligible set as one flag a variant of `title` (all 1
  // when none was recorded). Refuses, naming the impression, a set that names
  // an artwork the title does not have or names one twice, and a chosen
  // artwork outside its set: the propensity is a probability given the set,
  // so such a record has no meaning an estimator could use.
  Status EligibleMask(const Event& e, size_t position, uint32_t title, std::vector<uint8_t>* mask) const {
    const size_t variants = dataset_.catalog.titles()[title].artwork.size();
    if (e.eligible_artwork_ids.empty()) {
      mask->assign(variants, 1);
      return Status::OK();
    }
    auto refuse = [&](const std::string& why) {
      return Status::InvalidArgument(fmt::format("{}: impression {} (event {}): {}", source_,
                                                 QuoteForError(e.impression_id), position + 1, why));
    };
    mask->assign(variants, 0);
    for (const std::string& id : e.eligible_artwork_ids) {
      const int v = FindVariant(title, id);
      if (v < 0) {
        return refuse(fmt::format("its eligible set names artwork {}, which is not a variant of title {}",
                                  QuoteForError(id), QuoteForError(e.title_id)));
      }
      if ((*mask)[v]) return refuse(fmt::format("its eligible set names artwork {} twice", QuoteForError(id)));
      (*mask)[v] = 1;
    }
    const int chosen = FindVariant(title, e.artwork_id);
    if (chosen < 0 || !(*mask)[chosen]) {
      std::string set;
      for (const std::string& id : e.eligible_artwork_ids) set += (set.empty() ? "" : ", ") + QuoteForError(id);
      return refuse(fmt::format("artwork {} is not in its eligible set [{}]", QuoteForError(e.artwork_id), set));
    }
    return Status::OK();
  }

  // Records are pushed right after AddImpression accepts them; an overflow
  // in that call may finish older records only, so every index is valid here.
  void Collect() {
    for (const Attribution& a : finished_) {
      if (a.impression.record != kTitleCardRecord) log_.data.reward[a.impression.record] = a.reward;
    }
    finished_.clear();
  }

  int FindVariant(uint32_t title, std::string_view artwork) const {
    const std::vector<Artwork>& variants = dataset_.catalog.titles()[title].artwork;
    for (size_t v = 0; v < variants.size(); ++v) {
      if (variants[v].id == artwork) return static_cast<int>(v);
    }
    return -1;
  }

  void Skip(uint64_t& counter, size_t position, const std::string& why) {
    ++counter;
    if (log_.messages.size() < kMaxMessages) {
      log_.messages.push_back(fmt::format("{}: event {}: {}", source_, position + 1, why));
    }
  }

  const Dataset& dataset_;
  const ArtworkFeatures& features_;
  RewardAttributor attributor_;
  const std::string& source_;
  ImpressionLog log_;
  std::vector<Attribution> finished_;
  Status refused_;
};

}  // namespace

std::string ImpressionLog::Summary() const {
  std::string s = fmt::format("{} impressions: {} used, {} skipped", impressions_seen, data.size(), skipped());
  if (skipped() > 0) {
    s += fmt::format(" ({} without propensity, {} unknown title, {} unknown artwork, {} duplicate id)",
                     skipped_no_propensity, skipped_unknown_title, skipped_unknown_artwork,
                     skipped_duplicate_id);
  }
  if (title_cards > 0) {
    s += fmt::format("; {} title cards (no image shown, nothing to learn or weigh)", title_cards);
  }
  s += fmt::format("; {} clicks for unknown impressions", unmatched_outcomes);
  return s;
}

Result<ImpressionLog> JoinImpressions(std::span<const Event> events, const Dataset& dataset,
                                      const ArtworkFeatures& features, const RewardRules& rules,
                                      const std::string& source) {
  Joiner joiner(dataset, features, rules, source);
  for (size_t i = 0; i < events.size(); ++i) {
    joiner.Add(events[i], i);
    if (!joiner.refused().ok()) return joiner.refused();
  }
  return joiner.Finish();
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
