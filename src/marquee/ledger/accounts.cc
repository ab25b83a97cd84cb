#include "marquee/ledger/accounts.h"

#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "marquee/util/civil_time.h"

namespace marquee {

std::string VariantKindOf(const ImpressionLedgerRow& row) {
  if (row.replica_kind.empty() && row.digital_source_type.empty()) return "title_card";
  return row.replica_kind + "/" + row.digital_source_type;
}

Status LedgerAccounts::Add(const LedgerEntry& entry) {
  switch (entry.kind) {
    case LedgerKind::kImpression: {
      MARQUEE_ASSIGN_OR_RETURN(ImpressionLedgerRow row, ParseImpressionRow(entry));
      AddImpression(row);
      return Status::OK();
    }
    case LedgerKind::kPlay: {
      MARQUEE_ASSIGN_OR_RETURN(PlayLedgerRow row, ParsePlayRow(entry));
      AddPlay(row);
      return Status::OK();
    }
    case LedgerKind::kReversal: {
      MARQUEE_ASSIGN_OR_RETURN(ReversalLedgerRow row, ParseReversalRow(entry));
      AddReversal(row);
      return Status::OK();
    }
  }
  return Status::Corruption(fmt::format("ledger entry {}: kind: unknown kind {}", QuoteForError(entry.entry_id),
                                        static_cast<int>(entry.kind)));
}

Status LedgerAccounts::AddRows(std::span<const LedgerRow> rows) {
  for (const LedgerRow& row : rows) {
    Status s = Add(row.entry);
    if (!s.ok()) return s.WithContext(fmt::format("ledger row {}", row.seq));
  }
  return Status::OK();
}

bool LedgerAccounts::Remember(const std::string& entry_id, EntryKind kind, size_t index) {
  auto [it, added] = entries_.emplace(entry_id, EntryRef{kind, index});
  if (!added) {
    duplicate_problems_.push_back(
        fmt::format("entry id {} appears twice; the second entry is ignored", QuoteForError(entry_id)));
  }
  return added;
}

void LedgerAccounts::AddImpression(const ImpressionLedgerRow& row) {
  if (!Remember(row.impression_id, EntryKind::kImpression, impressions_.size())) return;
  ImpressionRecord record{row.impression_id, row.time, {row.title_id, row.territory, VariantKindOf(row)}, {}};
  // A performer shown twice in one image is one likeness shown once.
  for (const LedgerPerformer& p : row.performers) {
    const bool seen = std::any_of(record.performers.begin(), record.performers.end(),
                                  [&](const LedgerPerformer& q) { return q.performer_id == p.performer_id; });
    if (!seen) record.performers.push_back(p);
  }
  impressions_.push_back(std::move(record));
}

void LedgerAccounts::AddPlay(const PlayLedgerRow& row) {
  if (!Remember(row.play_id, EntryKind::kPlay, plays_.size())) return;
  plays_.push_back({row.play_id, row.time, row.title_id, row.impression_id, row.territory, row.seconds_watched,
                    row.qualified});
}

void LedgerAccounts::AddReversal(const ReversalLedgerRow& row) {
  if (!Remember(row.reversal_id, EntryKind::kReversal, reversals_.size())) return;
  reversals_.push_back(row);
  reversed_.emplace(row.reverses, row.reversal_id);  // the first reversal of an entry is the one applied
}

bool LedgerAccounts::IsLive(std::string_view entry_id) const {
  auto it = entries_.find(std::string(entry_id));
  if (it == entries_.end() || it->second.kind == EntryKind::kReversal) return false;
  return !reversed_.contains(it->first);
}

void LedgerAccounts::CountImpression(const ImpressionRecord& impression, const LedgerPerformer& performer,
                                     PerformerTotals& totals) {
  ++totals.qualifying_impressions;
  ++totals.impressions_by_key[impression.key];
  ++totals.impressions_by_day[UnixDay(impression.time)];
  ++totals.impressions_by_consent[{performer.consent_id, performer.consent_version}];
}

PerformerTotals LedgerAccounts::ForPerformer(std::string_view performer_id, const Period& period) const {
  PerformerTotals totals;
  totals.performer_id = std::string(performer_id);
  std::unordered_set<std::string_view> shown;  // impressions of this performer, live (any time)
  for (const ImpressionRecord& impression : impressions_) {
    if (Reversed(impression.impression_id)) continue;
    for (const LedgerPerformer& p : impression.performers) {
      if (p.performer_id != performer_id) continue;
      shown.insert(impression.impression_id);
      if (period.Contains(impression.time)) CountImpression(impression, p, totals);
    }
  }
  for (const PlayRecord& play : plays_) {
    if (!play.qualified || !period.Contains(play.time) || Reversed(play.play_id)) continue;
    if (!shown.contains(play.impression_id)) continue;
    ++totals.qualifying_plays;
    ++totals.qualifying_plays_by_title[play.title_id];
  }
  return totals;
}

std::map<std::string, PerformerTotals> LedgerAccounts::AllPerformers(const Period& period) const {
  std::map<std::string, PerformerTotals> all;
  std::unordered_map<std::string_view, const ImpressionRecord*> live;
  for (const ImpressionRecord& impression : impressions_) {
    for (const LedgerPerformer& p : impression.performers) {
      PerformerTotals& totals = all[p.performer_id];
      totals.performer_id = p.performer_id;
      if (!Reversed(impression.impression_id) && period.Contains(impression.time)) {
        CountImpression(impression, p, totals);
      }
    }
    if (!Reversed(impression.impression_id)) live.emplace(impression.impression_id, &impression);
  }
  for (const PlayRecord& play : plays_) {
    if (!play.qualified || !period.Contains(play.time) || Reversed(play.play_id)) continue;
    auto it = live.find(play.impression_id);
    if (it == live.end()) continue;
    for (const LedgerPerformer& p : it->second->performers) {
      PerformerTotals& totals = all[p.performer_id];
      ++totals.qualifying_plays;
      ++totals.qualifying_plays_by_title[play.title_id];
    }
  }
  return all;
}

std::map<ConsentRef, int64_t> LedgerAccounts::FirstImpressionByConsent(std::string_view performer_id) const {
  std::map<ConsentRef, int64_t> first;
  for (const ImpressionRecord& impression : impressions_) {
    if (Reversed(impression.impression_id)) continue;
    for (const LedgerPerformer& p : impression.performers) {
      if (p.performer_id != performer_id) continue;
      auto [it, added] = first.emplace(ConsentRef{p.consent_id, p.consent_version}, impression.time);
      if (!added) it->second = std::min(it->second, impression.time);
    }
  }
  return first;
}

std::vector<std::string> LedgerAccounts::problems() const {
  std::vector<std::string> out = duplicate_problems_;
  for (const ReversalLedgerRow& r : reversals_) {
    auto target = entries_.find(r.reverses);
    if (target == entries_.end()) {
      out.push_back(fmt::format("reversal {} names {}, which is no impression or play of the ledger; it changes "
                                "nothing",
                                QuoteForError(r.reversal_id), QuoteForError(r.reverses)));
    } else if (target->second.kind == EntryKind::kReversal) {
      out.push_back(fmt::format("reversal {} names reversal {}; a reversal cannot be reversed, it changes nothing",
                                QuoteForError(r.reversal_id), QuoteForError(r.reverses)));
    } else if (reversed_.at(r.reverses) != r.reversal_id) {
      out.push_back(fmt::format("reversal {} names {}, already reversed by {}; it changes nothing",
                                QuoteForError(r.reversal_id), QuoteForError(r.reverses),
                                QuoteForError(reversed_.at(r.reverses))));
    }
  }
  return out;
}

}  // namespace marquee
