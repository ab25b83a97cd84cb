#include "marquee/serve/play_ledger.h"

#include <string>
#include <unordered_map>

#include "marquee/data/id_map.h"
#include "marquee/ledger/ledger_rows.h"

namespace marquee::serve {
namespace {

// The latest impression of `play`'s title by its member in `candidates`
// (appended in this order) that the window lets the play answer.
const Event* LatestAttributable(std::span<const Event> candidates, const Event& play, int64_t window_seconds,
                                const Event* best) {
  for (const Event& e : candidates) {
    if (e.kind != EventKind::kImpression || e.member_id != play.member_id || e.title_id != play.title_id) continue;
    if (e.time <= play.time && play.time <= e.time + window_seconds) best = &e;
  }
  return best;
}

}  // namespace

Result<std::vector<LedgerEntry>> PlayLedgerEntries(const EventStore& store, const Dataset& dataset,
                                                   std::span<const Event> events, int64_t window_seconds,
                                                   const QualifyingPlayRule& rule) {
  std::vector<LedgerEntry> out;
  std::unordered_map<std::string, std::vector<Event>> stored;  // member -> events already in the store
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& play = events[i];
    if (play.kind != EventKind::kPlay) continue;
    auto it = stored.find(play.member_id);
    if (it == stored.end()) {
      MARQUEE_ASSIGN_OR_RETURN(std::vector<Event> member, store.MemberEvents(play.member_id));
      it = stored.emplace(play.member_id, std::move(member)).first;
    }
    const Event* impression = LatestAttributable(it->second, play, window_seconds, nullptr);
    impression = LatestAttributable(events.subspan(0, i), play, window_seconds, impression);

    const float fraction = play.watch_fraction.value_or(1.0f);
    const uint32_t title = dataset.titles.Find(play.title_id);
    const uint32_t runtime = title == IdMap::kNotFound ? 0 : dataset.catalog.titles()[title].runtime_minutes;
    PlayLedgerRow row;
    row.play_id = PlayEntryId(play.member_id, play.title_id, play.time, fraction);
    row.time = play.time;
    row.member_hash = HashMemberId(play.member_id);
    row.title_id = play.title_id;
    row.seconds_watched = SecondsWatched(fraction, runtime);
    row.qualified = IsQualifyingPlay(rule, fraction, runtime);
    if (impression != nullptr) {
      row.impression_id = impression->impression_id;
      MARQUEE_ASSIGN_OR_RETURN(std::optional<LedgerRow> shown, store.FindLedgerEntry(impression->impression_id));
      if (shown && shown->entry.kind == LedgerKind::kImpression) {
        MARQUEE_ASSIGN_OR_RETURN(ImpressionLedgerRow shown_row, ParseImpressionRow(shown->entry));
        row.territory = shown_row.territory;
      }
    }
    out.push_back(ToLedgerEntry(row));
  }
  return out;
}

}  // namespace marquee::serve
