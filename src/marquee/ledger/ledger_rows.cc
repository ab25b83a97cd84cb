#include "marquee/ledger/ledger_rows.h"

#include <cmath>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "marquee/util/sha256.h"

namespace marquee {

namespace {

using nlohmann::json;

// The canonical payload is written by hand, not by a JSON library, because
// its bytes are hashed into the chain: the key order is the order below, no
// whitespace, integers in decimal, and strings escaped minimally (", \ and
// control characters; every other byte as it is) so that no library upgrade
// can change a row's hash.
class CanonicalWriter {
 public:
  CanonicalWriter() {
    out_.reserve(640);  // an impression row is ~530 bytes
    out_.push_back('{');
  }

  CanonicalWriter& String(std::string_view key, std::string_view value) {
    KeyOf(key);
    Quote(value);
    return *this;
  }
  CanonicalWriter& Int(std::string_view key, int64_t value) {
    KeyOf(key);
    out_ += fmt::format("{}", value);
    return *this;
  }
  CanonicalWriter& Bool(std::string_view key, bool value) {
    KeyOf(key);
    out_ += value ? "true" : "false";
    return *this;
  }
  // 17 significant digits: every double reads back to the same bits.
  CanonicalWriter& Double(std::string_view key, double value) {
    KeyOf(key);
    out_ += std::isfinite(value) ? fmt::format("{:.17g}", value) : "null";
    return *this;
  }
  CanonicalWriter& Performers(std::string_view key, const std::vector<LedgerPerformer>& performers) {
    KeyOf(key);
    out_.push_back('[');
    for (size_t i = 0; i < performers.size(); ++i) {
      if (i > 0) out_.push_back(',');
      out_ += "{\"performer_id\":";
      Quote(performers[i].performer_id);
      out_ += ",\"consent_id\":";
      Quote(performers[i].consent_id);
      out_ += fmt::format(",\"consent_version\":{}}}", performers[i].consent_version);
    }
    out_.push_back(']');
    return *this;
  }

  std::string Finish() {
    out_.push_back('}');
    return std::move(out_);
  }

 private:
  void KeyOf(std::string_view key) {
    if (out_.size() > 1) out_.push_back(',');
    Quote(key);
    out_.push_back(':');
  }
  // Runs of characters that need no escape are appended whole: a row is
  // written per impression, on the serving path.
  void Quote(std::string_view text) {
    out_.push_back('"');
    size_t run = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(text[i]);
      if (c != '"' && c != '\\' && c >= 0x20) continue;
      out_.append(text.substr(run, i - run));
      if (c < 0x20) {
        out_ += fmt::format("\\u{:04x}", c);
      } else {
        out_.push_back('\\');
        out_.push_back(static_cast<char>(c));
      }
      run = i + 1;
    }
    out_.append(text.substr(run));
    out_.push_back('"');
  }

  std::string out_;
};

// Reads one payload, naming the entry and the field in every refusal.
class PayloadReader {
 public:
  PayloadReader(const LedgerEntry& entry, LedgerKind expected) : entry_(entry) {
    if (entry.kind != expected) {
      status_ = Fail("kind", fmt::format("expected a {} entry, found {}", LedgerKindName(expected),
                                         LedgerKindName(entry.kind)));
      return;
    }
    doc_ = json::parse(entry.payload, nullptr, /*allow_exceptions=*/false);
    if (doc_.is_discarded() || !doc_.is_object()) {
      status_ = Fail("payload", "not a JSON object");
    }
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  void String(const char* name, std::string& out) {
    const json* v = Find(name);
    if (v == nullptr) return;
    if (!v->is_string()) return Mismatch(name, "a string");
    out = v->get<std::string>();
  }
  void Int(const char* name, int64_t& out) {
    const json* v = Find(name);
    if (v == nullptr) return;
    if (!v->is_number_integer()) return Mismatch(name, "an integer");
    out = v->get<int64_t>();
  }
  template <typename T>
  void IntIn(const char* name, T& out, int64_t lo, int64_t hi) {
    int64_t value = 0;
    Int(name, value);
    if (!ok()) return;
    if (value < lo || value > hi) return Mismatch(name, fmt::format("an integer in [{}, {}]", lo, hi));
    out = static_cast<T>(value);
  }
  void Bool(const char* name, bool& out) {
    const json* v = Find(name);
    if (v == nullptr) return;
    if (!v->is_boolean()) return Mismatch(name, "true or false");
    out = v->get<bool>();
  }
  void Double(const char* name, double& out) {
    const json* v = Find(name);
    if (v == nullptr) return;
    if (!v->is_number()) return Mismatch(name, "a number");
    out = v->get<double>();
  }
  void Performers(const char* name, std::vector<LedgerPerformer>& out) {
    const json* v = Find(name);
    if (v == nullptr) return;
    if (!v->is_array()) return Mismatch(name, "an array");
    for (size_t i = 0; i < v->size() && ok(); ++i) {
      const json& p = (*v)[i];
      const std::string at = fmt::format("{}[{}]", name, i);
      if (!p.is_object() || p.size() != 3 || !p.contains("performer_id") || !p.contains("consent_id") ||
          !p.contains("consent_version") || !p["performer_id"].is_string() || !p["consent_id"].is_string() ||
          !p["consent_version"].is_number_integer()) {
        status_ = Fail(at, "expected {\"performer_id\":STRING,\"consent_id\":STRING,\"consent_version\":INTEGER}");
        return;
      }
      const int64_t version = p["consent_version"].get<int64_t>();
      if (version < 1 || version > INT32_MAX) {
        status_ = Fail(at + ".consent_version", "expected an integer >= 1");
        return;
      }
      out.push_back({p["performer_id"].get<std::string>(), p["consent_id"].get<std::string>(),
                     static_cast<int32_t>(version)});
    }
  }

  // After every field was read: a field the row does not have means the
  // payload is not this kind of row (or was written by a later version).
  void RejectUnknown() {
    if (!ok()) return;
    for (const auto& [key, value] : doc_.items()) {
      if (!read_.contains(key)) {
        status_ = Fail(key, "unknown field");
        return;
      }
    }
  }

 private:
  const json* Find(const char* name) {
    if (!ok()) return nullptr;
    read_.insert(name);
    auto it = doc_.find(name);
    if (it == doc_.end()) {
      status_ = Fail(name, "missing");
      return nullptr;
    }
    return &*it;
  }
  void Mismatch(const char* name, std::string_view expected) {
    status_ = Fail(name, fmt::format("expected {}", expected));
  }
  Status Fail(std::string_view field, std::string_view why) const {
    return Status::Corruption(fmt::format("ledger entry {}: {}: {}", QuoteForError(entry_.entry_id), field, why));
  }

  const LedgerEntry& entry_;
  json doc_;
  std::set<std::string, std::less<>> read_;
  Status status_;
};

}  // namespace

std::string HashMemberId(std::string_view member_id) {
  std::string bytes = "marquee-member\n";
  bytes.append(member_id);
  return Sha256Hex(bytes).substr(0, 32);
}

std::string EligibleSetHash(std::span<const std::string> artwork_ids) {
  std::string joined;
  for (size_t i = 0; i < artwork_ids.size(); ++i) {
    if (i > 0) joined.push_back('\n');
    joined += artwork_ids[i];
  }
  return Sha256Hex(joined);
}

std::string PlayEntryId(std::string_view member_id, std::string_view title_id, int64_t time, float watch_fraction) {
  const std::string bytes = fmt::format("{}\n{}\n{}\n{}", member_id, title_id, time,
                                        fmt::format("{:.9g}", static_cast<double>(watch_fraction)));
  return "play:" + Sha256Hex(bytes).substr(0, 32);
}

LedgerEntry ToLedgerEntry(const ImpressionLedgerRow& row) {
  CanonicalWriter w;
  w.String("impression_id", row.impression_id)
      .Int("time", row.time)
      .String("member_hash", row.member_hash)
      .String("title_id", row.title_id)
      .String("artwork_id", row.artwork_id)
      .Performers("performers", row.performers)
      .String("territory", row.territory)
      .Double("propensity", row.propensity)
      .String("eligible_set_hash", row.eligible_set_hash)
      .Int("eligible_count", row.eligible_count)
      .String("policy_version", row.policy_version)
      .String("digital_source_type", row.digital_source_type)
      .String("replica_kind", row.replica_kind)
      .Bool("disclosure_required", row.disclosure_required)
      .String("disclosure_basis", row.disclosure_basis)
      .String("ineligible_reason", row.ineligible_reason);
  return {LedgerKind::kImpression, row.impression_id, row.time, w.Finish()};
}

LedgerEntry ToLedgerEntry(const PlayLedgerRow& row) {
  CanonicalWriter w;
  w.String("play_id", row.play_id)
      .Int("time", row.time)
      .String("member_hash", row.member_hash)
      .String("title_id", row.title_id)
      .String("impression_id", row.impression_id)
      .String("territory", row.territory)
      .Int("seconds_watched", row.seconds_watched)
      .Bool("qualified", row.qualified);
  return {LedgerKind::kPlay, row.play_id, row.time, w.Finish()};
}

LedgerEntry ToLedgerEntry(const ReversalLedgerRow& row) {
  CanonicalWriter w;
  w.String("reversal_id", row.reversal_id)
      .Int("time", row.time)
      .String("reverses", row.reverses)
      .String("reason", row.reason);
  return {LedgerKind::kReversal, row.reversal_id, row.time, w.Finish()};
}

Result<ImpressionLedgerRow> ParseImpressionRow(const LedgerEntry& entry) {
  PayloadReader r(entry, LedgerKind::kImpression);
  ImpressionLedgerRow row;
  r.String("impression_id", row.impression_id);
  r.Int("time", row.time);
  r.String("member_hash", row.member_hash);
  r.String("title_id", row.title_id);
  r.String("artwork_id", row.artwork_id);
  r.Performers("performers", row.performers);
  r.String("territory", row.territory);
  r.Double("propensity", row.propensity);
  r.String("eligible_set_hash", row.eligible_set_hash);
  r.IntIn("eligible_count", row.eligible_count, 0, UINT32_MAX);
  r.String("policy_version", row.policy_version);
  r.String("digital_source_type", row.digital_source_type);
  r.String("replica_kind", row.replica_kind);
  r.Bool("disclosure_required", row.disclosure_required);
  r.String("disclosure_basis", row.disclosure_basis);
  r.String("ineligible_reason", row.ineligible_reason);
  r.RejectUnknown();
  if (!r.ok()) return r.status();
  // The entry's own columns are what the chain covers directly; a payload
  // that disagrees with them is not this entry's row.
  if (row.impression_id != entry.entry_id || row.time != entry.time) {
    return Status::Corruption(fmt::format("ledger entry {}: impression_id/time: the payload names {} at {}, the "
                                          "entry {} at {}",
                                          QuoteForError(entry.entry_id), QuoteForError(row.impression_id), row.time,
                                          QuoteForError(entry.entry_id), entry.time));
  }
  return row;
}

Result<PlayLedgerRow> ParsePlayRow(const LedgerEntry& entry) {
  PayloadReader r(entry, LedgerKind::kPlay);
  PlayLedgerRow row;
  r.String("play_id", row.play_id);
  r.Int("time", row.time);
  r.String("member_hash", row.member_hash);
  r.String("title_id", row.title_id);
  r.String("impression_id", row.impression_id);
  r.String("territory", row.territory);
  r.Int("seconds_watched", row.seconds_watched);
  r.Bool("qualified", row.qualified);
  r.RejectUnknown();
  if (!r.ok()) return r.status();
  if (row.seconds_watched < 0) {
    return Status::Corruption(
        fmt::format("ledger entry {}: seconds_watched: expected >= 0, found {}", QuoteForError(entry.entry_id),
                    row.seconds_watched));
  }
  if (row.play_id != entry.entry_id || row.time != entry.time) {
    return Status::Corruption(fmt::format("ledger entry {}: play_id/time: the payload names {} at {}, the entry "
                                          "{} at {}",
                                          QuoteForError(entry.entry_id), QuoteForError(row.play_id), row.time,
                                          QuoteForError(entry.entry_id), entry.time));
  }
  return row;
}

Result<ReversalLedgerRow> ParseReversalRow(const LedgerEntry& entry) {
  PayloadReader r(entry, LedgerKind::kReversal);
  ReversalLedgerRow row;
  r.String("reversal_id", row.reversal_id);
  r.Int("time", row.time);
  r.String("reverses", row.reverses);
  r.String("reason", row.reason);
  r.RejectUnknown();
  if (!r.ok()) return r.status();
  if (row.reverses.empty() || row.reason.empty()) {
    return Status::Corruption(fmt::format("ledger entry {}: {}: must not be empty", QuoteForError(entry.entry_id),
                                          row.reverses.empty() ? "reverses" : "reason"));
  }
  if (row.reversal_id != entry.entry_id || row.time != entry.time) {
    return Status::Corruption(fmt::format("ledger entry {}: reversal_id/time: the payload names {} at {}, the "
                                          "entry {} at {}",
                                          QuoteForError(entry.entry_id), QuoteForError(row.reversal_id), row.time,
                                          QuoteForError(entry.entry_id), entry.time));
  }
  return row;
}

}  // namespace marquee
