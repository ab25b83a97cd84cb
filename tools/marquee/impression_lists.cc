#include "impression_lists.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <string>

namespace marquee::cli {

namespace {
std::string ListKey(const Event& e) {
  if (e.placement) return fmt::format("{}\x1f{}\x1f{}", e.member_id, e.placement->page_id, e.placement->row_id);
  return fmt::format("{}\x1f{}", e.member_id, e.time);
}
}  // namespace

Result<ImpressionLists> BuildImpressionLists(std::span<const Event> events, const Dataset& dataset,
                                             const ImpressionListOptions& options) {
  uint64_t impressions_in_log = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].time == 0) {
      return Status::InvalidArgument(fmt::format(
          "event {} ({} of {} by {}) has no time; matching plays to impressions needs every event's time",
          i + 1, EventKindName(events[i].kind), events[i].title_id, events[i].member_id));
    }
    impressions_in_log += events[i].kind == EventKind::kImpression;
  }
  if (impressions_in_log == 0) {
    return Status::InvalidArgument(fmt::format("the event log has no impressions ({} events)", events.size()));
  }
  // Outcomes are matched in time order.
  std::vector<size_t> order(events.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return events[a].time < events[b].time; });
  RewardAttributor attributor(options.rules);
  std::vector<Attribution> finished;
  std::vector<double> reward(events.size(), 0.0);
  ImpressionLists out;
  bool any = false;
  for (size_t i : order) {
    const Event& e = events[i];
    attributor.Expire(e.time, finished);
    if (e.kind == EventKind::kImpression) {
      const uint32_t title = dataset.titles.Find(e.title_id);
      if (title == IdMap::kNotFound) {
        ++out.unknown_titles;
        continue;
      }
      if (!any || e.time < out.first_time) out.first_time = e.time;
      any = true;
      ImpressionRecord record;
      record.impression_id = e.impression_id;
      record.member_id = e.member_id;
      record.title_id = e.title_id;
      record.time = e.time;
      record.title = title;
      record.record = i;
      attributor.AddImpression(std::move(record), finished);
    } else {
      attributor.Observe(e, finished);
    }
  }
  attributor.ExpireAll(finished);
  if (!any) {
    return Status::InvalidArgument(fmt::format(
        "none of the event log's {} impressions is of a title this dataset knows; expected a log of this service",
        out.unknown_titles));
  }
  std::vector<bool> kept(events.size(), false);
  for (const Attribution& a : finished) {
    reward[a.impression.record] = a.reward;
    kept[a.impression.record] = true;
  }
  // Group, in the order lists were first shown.
  std::map<std::string, size_t> list_of;
  std::vector<double> inverse_sum;
  std::vector<uint32_t> inverse_count;
  for (size_t i : order) {
    if (!kept[i]) continue;
    const Event& e = events[i];
    auto [it, added] = list_of.emplace(ListKey(e), out.lists.size());
    if (added) {
      out.lists.emplace_back();
      out.lists.back().member = dataset.members.Find(e.member_id);
      inverse_sum.push_back(0.0);
      inverse_count.push_back(0);
    }
    ImpressionList& list = out.lists[it->second];
    const uint32_t title = dataset.titles.Find(e.title_id);
    const float label = static_cast<float>(reward[i]);
    auto same = std::find(list.titles.begin(), list.titles.end(), title);
    if (same != list.titles.end()) {
      // Shown twice in one list: one row, played if either was.
      float& l = list.labels[static_cast<size_t>(same - list.titles.begin())];
      l = std::max(l, label);
      continue;
    }
    list.titles.push_back(title);
    list.labels.push_back(label);
    ++out.impressions;
    out.played += reward[i] > 0;
    out.unknown_members += list.member == IdMap::kNotFound;
    if (!e.propensity) ++out.without_propensity;
    if (e.propensity && *e.propensity > 0) {
      inverse_sum[it->second] += std::min(1.0 / *e.propensity, options.max_weight);
      ++inverse_count[it->second];
    }
  }
  for (const ImpressionList& list : out.lists) {
    out.lists_played += std::any_of(list.labels.begin(), list.labels.end(), [](float l) { return l > 0; });
  }
  if (options.inverse_propensity) {
    for (size_t l = 0; l < out.lists.size(); ++l) {
      if (inverse_count[l] > 0) out.lists[l].weight = static_cast<float>(inverse_sum[l] / inverse_count[l]);
    }
  }
  return out;
}

}  // namespace marquee::cli
