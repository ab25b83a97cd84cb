#include "marquee/serve/member_history.h"

#include <algorithm>

#include "marquee/data/id_map.h"

namespace marquee::serve {

void MemberHistory::Clear() {
  titles.clear();
  weights.clear();
  times.clear();
  seen.clear();
  has_new_titles = false;
}

namespace {

struct Entry {
  uint32_t title;
  float weight;
  bool positive;  // counts in the scoring history
  int64_t time;   // epoch seconds; 0 unknown
};

// An event's weight on the dataset's scale (see WeightKind).
Entry EventEntry(const ServingModel& model, uint32_t title, const Event& event) {
  const ModelInfo& info = model.loaded.info;
  float weight = 1.0f;
  if (model.dataset->weight_kind != WeightKind::kBinary) {
    if (event.rating) weight = *event.rating;
    else if (event.watch_fraction) weight = *event.watch_fraction;
  }
  bool positive = true;
  if (model.uses_positives) {
    // Trained on "rated at least min_rating" as 1: a low rating is watched,
    // not liked; a play without a rating counts as liked.
    positive = !event.rating || *event.rating >= info.min_rating;
    weight = 1.0f;
  }
  return {title, weight, positive, event.time};
}

// Appends the dataset row (scoring weights from the model's scoring rows).
void AddRow(const ServingModel& model, uint32_t member, std::vector<Entry>& entries) {
  const InteractionMatrix& all = model.dataset->interactions;
  const InteractionMatrix& scoring = model.scoring_rows();
  std::span<const uint32_t> seen = all.RowIndices(member);
  std::span<const uint32_t> liked = scoring.RowIndices(member);
  std::span<const float> liked_weights = scoring.RowWeights(member);
  std::span<const int64_t> times = all.RowTimes(member);
  size_t j = 0;
  for (size_t i = 0; i < seen.size(); ++i) {
    const uint32_t title = seen[i];
    while (j < liked.size() && liked[j] < title) ++j;
    const bool positive = j < liked.size() && liked[j] == title;
    entries.push_back({title, positive ? liked_weights[j] : 0.0f, positive, times.empty() ? 0 : times[i]});
  }
}

}  // namespace

void BuildMemberHistory(const ServingModel& model, uint32_t member, std::span<const Event> events,
                        MemberHistory& out) {
  out.Clear();
  thread_local std::vector<Entry> entries;
  entries.clear();
  const bool known = member != IdMap::kNotFound;
  if (known) AddRow(model, member, entries);
  const size_t row_size = entries.size();
  const IdMap& titles = model.dataset->titles;
  for (const Event& event : events) {
    if (event.kind != EventKind::kPlay && event.kind != EventKind::kRating) continue;
    const uint32_t title = titles.Find(event.title_id);
    if (title == IdMap::kNotFound) continue;
    entries.push_back(EventEntry(model, title, event));
  }
  // Row entries come first and the sort is stable, so within one title the
  // row's entry leads; any event for a title absent from the row is new.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.title < b.title; });
  for (size_t i = 0; i < entries.size();) {
    const uint32_t title = entries[i].title;
    bool positive = false;
    float weight = 0;
    int64_t time = 0;
    for (; i < entries.size() && entries[i].title == title; ++i) {
      if (entries[i].positive) weight = positive ? std::max(weight, entries[i].weight) : entries[i].weight;
      positive = positive || entries[i].positive;
      time = std::max(time, entries[i].time);
    }
    out.seen.push_back(title);
    if (positive) {
      out.titles.push_back(title);
      out.weights.push_back(weight);
      out.times.push_back(time);
    }
  }
  // New titles: the merged set is larger than the row (rows hold each title once).
  out.has_new_titles = out.seen.size() > row_size;
}

}  // namespace marquee::serve

namespace marquee::serve {

std::string NoSignalReason(uint32_t member, const MemberHistory& history) {
  if (member == IdMap::kNotFound && history.seen.empty()) {
    // Plays of titles the serving dataset lacks are stored (the next
    // training uses them) but not history, so "no plays logged" would be
    // untrue for a member who has some.
    return "unknown member: not in the dataset and no plays or ratings of this model's titles logged";
  }
  if (history.seen.empty()) return "no member signal: the member has no plays or ratings of this model's titles";
  return "no member signal: none of the member's plays or ratings counts as a positive for this model";
}

void ScoreMemberHistory(const ServingModel& model, uint32_t member, const MemberHistory& history,
                        std::span<float> scores) {
  if (member != IdMap::kNotFound && !history.has_new_titles) {
    model.model().ScoreMember(member, History::Row(model.scoring_rows(), member), scores);
  } else {
    model.model().ScoreHistory(history.scoring(), scores);
  }
}

}  // namespace marquee::serve
