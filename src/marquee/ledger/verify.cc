#include "marquee/ledger/verify.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "marquee/ledger/accounts.h"
#include "marquee/ledger/ledger_rows.h"

namespace marquee {

namespace {

// A play without a watch fraction is a whole play, as reward attribution
// reads it (bandit/reward_attribution.h).
constexpr float kUnrecordedWatchFraction = 1.0f;

class Recompute {
 public:
  Recompute(const Dataset& dataset, const VerifyOptions& options, LedgerVerification& report)
      : dataset_(dataset), options_(options), report_(report) {}

  void ReadRows(std::span<const LedgerRow> rows);
  void CheckEvents(std::span<const Event> events);
  void CheckUnmatchedRows();
  void CheckTotals();

 private:
  struct StoredImpression {
    uint64_t seq;
    ImpressionLedgerRow row;
  };
  struct StoredPlay {
    uint64_t seq;
    PlayLedgerRow row;
  };
  // An impression event as attribution needs it.
  struct SeenImpression {
    int64_t time;
    std::string impression_id;
    std::vector<std::string> performers;
  };

  void Mismatch(uint64_t event_seq, uint64_t ledger_seq, std::string entry_id, std::string problem);
  void CheckImpression(uint64_t event_seq, const Event& e);
  void CheckPlay(uint64_t event_seq, const Event& e);
  // The recognizable performers the catalog says `artwork_id` of `title_id`
  // shows; nullopt (and a mismatch) when the catalog lacks the variant.
  std::optional<std::vector<std::string>> PerformersOf(uint64_t event_seq, const Event& e);
  uint32_t RuntimeOf(std::string_view title_id) const;
  // Whether the ledger reverses `entry_id` (a live-or-reversed entry it holds).
  bool Reversed(const std::string& entry_id) const {
    return stored_ids_.contains(entry_id) && !accounts_.IsLive(entry_id);
  }

  const Dataset& dataset_;
  const VerifyOptions& options_;
  LedgerVerification& report_;
  LedgerAccounts accounts_;
  std::unordered_set<std::string> stored_ids_;
  std::unordered_map<std::string, StoredImpression> impression_rows_;
  std::unordered_map<std::string, StoredPlay> play_rows_;
  std::unordered_set<std::string> impression_events_;  // ids with an event
  std::unordered_set<std::string> play_events_;
  std::deque<SeenImpression> impressions_seen_;  // a deque: pointers into it stay valid
  // Member id + "\n" + title id -> its impressions so far, in append order.
  std::unordered_map<std::string, std::vector<const SeenImpression*>> seen_;
  std::unordered_map<std::string, const SeenImpression*> by_impression_id_;
  std::map<std::string, std::pair<int64_t, int64_t>> raw_totals_;  // performer -> (impressions, plays)
};

void Recompute::Mismatch(uint64_t event_seq, uint64_t ledger_seq, std::string entry_id, std::string problem) {
  ++report_.mismatch_count;
  report_.ok = false;
  if (report_.mismatches.size() < options_.max_mismatches) {
    report_.mismatches.push_back({event_seq, ledger_seq, std::move(entry_id), std::move(problem)});
  }
}

void Recompute::ReadRows(std::span<const LedgerRow> rows) {
  for (const LedgerRow& r : rows) {
    ++report_.ledger_rows;
    const LedgerEntry& entry = r.entry;
    Status folded = accounts_.Add(entry);
    if (!folded.ok()) {
      Mismatch(0, r.seq, entry.entry_id, folded.message());
      continue;
    }
    stored_ids_.insert(entry.entry_id);
    switch (entry.kind) {
      case LedgerKind::kImpression:
        ++report_.impression_rows;
        impression_rows_.emplace(entry.entry_id, StoredImpression{r.seq, *ParseImpressionRow(entry)});
        break;
      case LedgerKind::kPlay:
        ++report_.play_rows;
        play_rows_.emplace(entry.entry_id, StoredPlay{r.seq, *ParsePlayRow(entry)});
        break;
      case LedgerKind::kReversal:
        ++report_.reversal_rows;
        break;
    }
  }
}

std::optional<std::vector<std::string>> Recompute::PerformersOf(uint64_t event_seq, const Event& e) {
  std::vector<std::string> ids;
  if (e.artwork_id.empty()) return ids;  // a title card shows nobody
  const uint32_t t = dataset_.titles.Find(e.title_id);
  const Title* title = t == IdMap::kNotFound ? nullptr : &dataset_.catalog.titles()[t];
  const Artwork* art = nullptr;
  for (size_t i = 0; title != nullptr && i < title->artwork.size() && art == nullptr; ++i) {
    if (title->artwork[i].id == e.artwork_id) art = &title->artwork[i];
  }
  if (art == nullptr) {
    Mismatch(event_seq, 0, e.impression_id,
             fmt::format("artwork {} of title {} is not in the dataset's catalog: its performers cannot be checked",
                         QuoteForError(e.artwork_id), QuoteForError(e.title_id)));
    return std::nullopt;
  }
  std::vector<uint32_t> indices;
  if (art->depicted.empty()) {
    indices = art->performers;
  } else {
    for (const DepictedPerformer& d : art->depicted) {
      if (d.recognizable) indices.push_back(d.performer);
    }
  }
  const auto& performers = dataset_.catalog.performers();
  for (uint32_t p : indices) {
    if (p >= performers.size()) continue;
    const std::string& id = performers[p].id;
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

uint32_t Recompute::RuntimeOf(std::string_view title_id) const {
  const uint32_t t = dataset_.titles.Find(title_id);
  return t == IdMap::kNotFound ? 0 : dataset_.catalog.titles()[t].runtime_minutes;
}

void Recompute::CheckImpression(uint64_t seq, const Event& e) {
  ++report_.impression_events;
  const std::string& id = e.impression_id;
  if (id.empty()) return Mismatch(seq, 0, "", "impression event without an impression_id: no ledger row can name it");
  if (!impression_events_.insert(id).second) {
    return Mismatch(seq, 0, id, "a second impression event with this impression_id");
  }
  std::optional<std::vector<std::string>> performers = PerformersOf(seq, e);
  impressions_seen_.push_back({e.time, id, performers.value_or(std::vector<std::string>{})});
  seen_[e.member_id + "\n" + e.title_id].push_back(&impressions_seen_.back());
  by_impression_id_[id] = &impressions_seen_.back();

  auto it = impression_rows_.find(id);
  if (it == impression_rows_.end()) return Mismatch(seq, 0, id, "no ledger impression row");
  const ImpressionLedgerRow& row = it->second.row;
  const uint64_t row_seq = it->second.seq;
  auto differs = [&](std::string_view field, const std::string& ledger, const std::string& event) {
    Mismatch(seq, row_seq, id,
             fmt::format("{}: the ledger has {}, the event {}", field, QuoteForError(ledger), QuoteForError(event)));
  };
  if (row.time != e.time) differs("time", std::to_string(row.time), std::to_string(e.time));
  if (row.member_hash != HashMemberId(e.member_id)) differs("member_hash", row.member_hash, HashMemberId(e.member_id));
  if (row.title_id != e.title_id) differs("title_id", row.title_id, e.title_id);
  if (row.artwork_id != e.artwork_id) differs("artwork_id", row.artwork_id, e.artwork_id);
  const double propensity = e.propensity.value_or(1.0);
  if (row.propensity != propensity) {
    differs("propensity", fmt::format("{:.17g}", row.propensity), fmt::format("{:.17g}", propensity));
  }
  const std::string set_hash = EligibleSetHash(e.eligible_artwork_ids);
  if (row.eligible_set_hash != set_hash) differs("eligible_set_hash", row.eligible_set_hash, set_hash);
  if (row.eligible_count != e.eligible_artwork_ids.size()) {
    differs("eligible_count", std::to_string(row.eligible_count), std::to_string(e.eligible_artwork_ids.size()));
  }
  if (performers) {
    std::vector<std::string> listed;
    for (const LedgerPerformer& p : row.performers) listed.push_back(p.performer_id);
    if (listed != *performers) {
      differs("performers", fmt::format("[{}]", fmt::join(listed, ",")),
              fmt::format("[{}] (the catalog's recognizable performers of the variant)", fmt::join(*performers, ",")));
    }
  }
}

void Recompute::CheckPlay(uint64_t seq, const Event& e) {
  const float fraction = e.watch_fraction.value_or(kUnrecordedWatchFraction);
  const std::string id = PlayEntryId(e.member_id, e.title_id, e.time, fraction);
  if (!play_events_.insert(id).second) return;  // the same play posted again: one entry
  ++report_.play_events;

  // The member's last impression of the title within the window.
  const SeenImpression* attributed = nullptr;
  auto seen = seen_.find(e.member_id + "\n" + e.title_id);
  if (seen != seen_.end()) {
    for (const SeenImpression* s : seen->second) {
      if (s->time > e.time || e.time - s->time > options_.reward_window_seconds) continue;
      if (attributed == nullptr || s->time >= attributed->time) attributed = s;
    }
  }
  const uint32_t runtime = RuntimeOf(e.title_id);
  const int64_t seconds = SecondsWatched(fraction, runtime);
  const bool qualified = IsQualifyingPlay(options_.qualifying, fraction, runtime);
  if (qualified && attributed != nullptr && !Reversed(id) && !Reversed(attributed->impression_id)) {
    for (const std::string& p : attributed->performers) ++raw_totals_[p].second;
  }

  auto it = play_rows_.find(id);
  if (it == play_rows_.end()) return Mismatch(seq, 0, id, "no ledger play row");
  const PlayLedgerRow& row = it->second.row;
  const uint64_t row_seq = it->second.seq;
  auto differs = [&](std::string_view field, const std::string& ledger, const std::string& recomputed) {
    Mismatch(seq, row_seq, id,
             fmt::format("{}: the ledger has {}, recomputed from the events {}", field, QuoteForError(ledger),
                         QuoteForError(recomputed)));
  };
  const std::string expected_impression = attributed == nullptr ? "" : attributed->impression_id;
  if (row.impression_id != expected_impression) differs("impression_id", row.impression_id, expected_impression);
  if (row.member_hash != HashMemberId(e.member_id)) differs("member_hash", row.member_hash, HashMemberId(e.member_id));
  if (row.title_id != e.title_id) differs("title_id", row.title_id, e.title_id);
  if (row.seconds_watched != seconds) differs("seconds_watched", std::to_string(row.seconds_watched), std::to_string(seconds));
  if (row.qualified != qualified) differs("qualified", row.qualified ? "true" : "false", qualified ? "true" : "false");
  std::string territory;
  if (auto imp = impression_rows_.find(row.impression_id); imp != impression_rows_.end()) {
    territory = imp->second.row.territory;
  }
  if (row.territory != territory) differs("territory", row.territory, territory);
}

void Recompute::CheckEvents(std::span<const Event> events) {
  for (size_t i = 0; i < events.size(); ++i) {
    ++report_.events;
    const uint64_t seq = report_.events;
    if (events[i].kind == EventKind::kImpression) CheckImpression(seq, events[i]);
    if (events[i].kind == EventKind::kPlay) CheckPlay(seq, events[i]);
  }
  // Raw impression totals, once every event is read.
  for (const auto& [id, impression] : by_impression_id_) {
    if (Reversed(id)) continue;
    for (const std::string& p : impression->performers) ++raw_totals_[p].first;
  }
}

void Recompute::CheckUnmatchedRows() {
  std::map<uint64_t, std::string> orphans;  // by seq, so the report reads in ledger order
  for (const auto& [id, stored] : impression_rows_) {
    if (!impression_events_.contains(id)) orphans.emplace(stored.seq, id);
  }
  for (const auto& [id, stored] : play_rows_) {
    if (!play_events_.contains(id)) orphans.emplace(stored.seq, id);
  }
  for (const auto& [seq, id] : orphans) {
    Mismatch(0, seq, id, impression_rows_.contains(id) ? "ledger impression row without an impression event"
                                                       : "ledger play row without a play event");
  }
}

void Recompute::CheckTotals() {
  std::map<std::string, std::pair<int64_t, int64_t>> ledger;
  for (const auto& [id, totals] : accounts_.AllPerformers()) {
    ledger[id] = {totals.qualifying_impressions, totals.qualifying_plays};
  }
  std::map<std::string, std::pair<int64_t, int64_t>> all = ledger;
  for (const auto& [id, counts] : raw_totals_) all.emplace(id, std::pair<int64_t, int64_t>{0, 0});
  report_.performers = all.size();
  for (const auto& [id, unused] : all) {
    const auto l = ledger.contains(id) ? ledger.at(id) : std::pair<int64_t, int64_t>{0, 0};
    const auto r = raw_totals_.contains(id) ? raw_totals_.at(id) : std::pair<int64_t, int64_t>{0, 0};
    if (l.first != r.first) {
      Mismatch(0, 0, "performer " + id,
               fmt::format("qualifying impressions: the ledger counts {}, the events {}", l.first, r.first));
    }
    if (l.second != r.second) {
      Mismatch(0, 0, "performer " + id,
               fmt::format("qualifying plays attributed: the ledger counts {}, the events {}", l.second, r.second));
    }
  }
  report_.problems = accounts_.problems();
}

}  // namespace

LedgerVerification RecomputeLedger(std::span<const Event> events, std::span<const LedgerRow> rows,
                                   const Dataset& dataset, const VerifyOptions& options) {
  LedgerVerification report;
  report.chain.rows = rows.size();
  Recompute recompute(dataset, options, report);
  recompute.ReadRows(rows);
  recompute.CheckEvents(events);
  recompute.CheckUnmatchedRows();
  recompute.CheckTotals();
  return report;
}

Result<LedgerVerification> VerifyLedger(const EventStore& store, const Dataset& dataset,
                                        const VerifyOptions& options) {
  if (options.reward_window_seconds < 0) {
    return Status::InvalidField("reward_window_seconds", fmt::format("reward_window_seconds: expected >= 0, found {}",
                                                                     options.reward_window_seconds));
  }
  if (options.page == 0) return Status::InvalidField("page", "page: expected >= 1");
  MARQUEE_RETURN_IF_ERROR(ValidateQualifyingPlayRule(options.qualifying));
  Result<ChainVerification> chain = store.VerifyLedgerChain();
  if (!chain.ok() && chain.status().code() == Status::Code::kCorruption) {
    // A row that cannot even be read (an unknown kind) breaks the ledger as
    // surely as a bad hash: a finding, not a failure to look.
    LedgerVerification report;
    report.ok = false;
    report.chain.ok = false;
    report.chain.problem = chain.status().message();
    return report;
  }
  if (!chain.ok()) return chain.status();
  std::vector<Event> events;  // every kind: an event's position is its event_seq
  MARQUEE_RETURN_IF_ERROR(store.Scan(options.page, [&](std::span<const Event> page) {
    events.insert(events.end(), page.begin(), page.end());
  }));
  std::vector<LedgerRow> rows;
  MARQUEE_RETURN_IF_ERROR(store.ScanLedger(options.page, [&](std::span<const LedgerRow> page) {
    rows.insert(rows.end(), page.begin(), page.end());
  }));
  LedgerVerification report = RecomputeLedger(events, rows, dataset, options);
  report.chain = std::move(*chain);
  if (!report.chain.ok) report.ok = false;
  return report;
}

std::string VerificationText(const LedgerVerification& v) {
  std::string out;
  if (v.ok) {
    out = fmt::format("ledger verified: chain of {} rows intact (last hash {}); {} events ({} impressions, {} plays) "
                      "match {} impression rows and {} play rows ({} reversals); totals of {} performers agree\n",
                      v.chain.rows, v.chain.last_hash.empty() ? "-" : v.chain.last_hash, v.events,
                      v.impression_events, v.play_events, v.impression_rows, v.play_rows, v.reversal_rows,
                      v.performers);
  } else {
    out = "ledger verification FAILED\n";
    if (!v.chain.ok && v.chain.first_bad == 0) out += fmt::format("  ledger unreadable: {}\n", v.chain.problem);
    if (!v.chain.ok && v.chain.first_bad != 0) {
      out += fmt::format("  chain broken at row {}: {}\n", v.chain.first_bad, v.chain.problem);
    }
    if (v.mismatch_count > 0) {
      out += fmt::format("  {} mismatches between the events and the ledger; the first {}:\n", v.mismatch_count,
                         v.mismatches.size());
    }
    for (const LedgerMismatch& m : v.mismatches) {
      out += fmt::format("  event {} / ledger row {} / {}: {}\n", m.event_seq == 0 ? "-" : std::to_string(m.event_seq),
                         m.ledger_seq == 0 ? "-" : std::to_string(m.ledger_seq),
                         m.entry_id.empty() ? "-" : m.entry_id, m.problem);
    }
  }
  for (const std::string& p : v.problems) out += "  note: " + p + "\n";
  return out;
}

}  // namespace marquee
