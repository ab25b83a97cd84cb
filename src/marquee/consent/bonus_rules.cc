#include "marquee/consent/bonus_rules.h"

#include <fmt/format.h>

#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "marquee/util/civil_time.h"
#include "marquee/util/file.h"
#include "marquee/util/json_fields.h"

namespace marquee {
namespace {

using nlohmann::json;
namespace jf = json_fields;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// The file's identity, so that a rules file for something else (a policy
// file, a consent export) is refused by name rather than field by field.
constexpr const char* kFormatName = "marquee.bonus_rules";
constexpr int64_t kFormatVersion = 1;


// A required member; Expected(...) naming it when absent.
Result<const json*> Required(const json& object, const char* name, const std::string& prefix, std::string_view what) {
  auto it = object.find(name);
  if (it == object.end()) return jf::Invalid(jf::Join(prefix, name), fmt::format("missing; expected {}", what));
  return &*it;
}

Result<std::string> RequiredText(const json& object, const char* name, const std::string& prefix) {
  MARQUEE_ASSIGN_OR_RETURN(const json* v, Required(object, name, prefix, "a non-empty string"));
  if (!v->is_string() || v->get<std::string>().empty()) {
    return jf::Expected(jf::Join(prefix, name), "a non-empty string", *v);
  }
  return v->get<std::string>();
}

// An integer in [min, max]; a JSON float (even 20.0) is refused: every count
// and percent here is whole, and a fraction would be silently truncated.
Result<int64_t> IntegerIn(const json& v, const std::string& field, int64_t min, int64_t max) {
  if (!v.is_number_integer()) {
    return jf::Expected(field, fmt::format("an integer in [{}, {}]", min, max), v);
  }
  if (v.is_number_unsigned() ? v.get<uint64_t>() > static_cast<uint64_t>(max) : v.get<int64_t>() > max) {
    return jf::Invalid(field, fmt::format("expected an integer in [{}, {}], found {}", min, max, v.dump()));
  }
  const int64_t x = v.get<int64_t>();
  if (x < min) return jf::Invalid(field, fmt::format("expected an integer in [{}, {}], found {}", min, max, x));
  return x;
}

Result<int64_t> RequiredInteger(const json& object, const char* name, const std::string& prefix, int64_t min,
                                int64_t max) {
  MARQUEE_ASSIGN_OR_RETURN(const json* v, Required(object, name, prefix, fmt::format("an integer in [{}, {}]", min, max)));
  return IntegerIn(*v, jf::Join(prefix, name), min, max);
}

Result<int64_t> RequiredDay(const json& object, const char* name, const std::string& prefix) {
  const std::string field = jf::Join(prefix, name);
  MARQUEE_ASSIGN_OR_RETURN(const json* v, Required(object, name, prefix, "a date YYYY-MM-DD"));
  if (!v->is_string()) return jf::Expected(field, "a date YYYY-MM-DD", *v);
  Result<int64_t> day = ParseIsoDay(v->get<std::string>());
  if (!day.ok()) return jf::Invalid(field, day.status().message());
  return *day;
}

// json_fields::RejectUnknownFields, with the field's name in front of the
// message like every other error here ("rules[0].threshold: unknown field ...").
Status RejectUnknown(const json& object, const std::set<std::string>& known, const std::string& prefix) {
  Status s = jf::RejectUnknownFields(object, known, prefix);
  return s.ok() ? s : jf::Invalid(s.field(), s.message());
}

Status CheckSplits(const std::vector<BonusSplit>& splits, const std::string& field) {
  if (splits.empty()) return jf::Invalid(field, "expected at least one {recipient, percent}, found none");
  int64_t sum = 0;
  for (const BonusSplit& s : splits) {
    if (s.percent < 1 || s.percent > 100) {
      return jf::Invalid(field, fmt::format("percent of {} must be in [1, 100], found {}",
                                            QuoteForError(s.recipient), s.percent));
    }
    sum += s.percent;
  }
  if (sum != 100) return jf::Invalid(field, fmt::format("percents must sum to 100, found {}", sum));
  return Status::OK();
}

Result<BonusRules> ParseRule(const json& object, const std::string& prefix) {
  if (!object.is_object()) return jf::Expected(prefix, "an object", object);
  MARQUEE_RETURN_IF_ERROR(RejectUnknown(
      object,
      {"agreement", "version", "effective_from", "effective_until", "window_days",
       "threshold_percent_of_subscribers", "bonus_percent_of_fixed_residual", "splits", "domestic_subscribers",
       "note"},
      prefix));
  BonusRules r;
  r.source = prefix;
  MARQUEE_ASSIGN_OR_RETURN(r.agreement, RequiredText(object, "agreement", prefix));
  MARQUEE_ASSIGN_OR_RETURN(r.version, RequiredText(object, "version", prefix));
  MARQUEE_ASSIGN_OR_RETURN(r.effective_from_day, RequiredDay(object, "effective_from", prefix));
  MARQUEE_ASSIGN_OR_RETURN(r.effective_until_day, RequiredDay(object, "effective_until", prefix));
  if (r.effective_until_day < r.effective_from_day) {
    return jf::Invalid(jf::Join(prefix, "effective_until"),
                       fmt::format("{} is before effective_from {}", FormatCivilDate(r.effective_until_day),
                                   FormatCivilDate(r.effective_from_day)));
  }
  // Upper bounds keep every product in EvaluateBonus far inside 128 bits and
  // catch a figure typed in the wrong unit (a window of 90000 days).
  MARQUEE_ASSIGN_OR_RETURN(r.window_days, RequiredInteger(object, "window_days", prefix, 1, 3660));
  MARQUEE_ASSIGN_OR_RETURN(r.threshold_percent_of_subscribers,
                           RequiredInteger(object, "threshold_percent_of_subscribers", prefix, 1, 10'000));
  MARQUEE_ASSIGN_OR_RETURN(r.bonus_percent_of_fixed_residual,
                           RequiredInteger(object, "bonus_percent_of_fixed_residual", prefix, 1, 10'000));
  if (auto it = object.find("domestic_subscribers"); it != object.end()) {
    MARQUEE_ASSIGN_OR_RETURN(r.domestic_subscribers,
                             IntegerIn(*it, jf::Join(prefix, "domestic_subscribers"), 1, kInt64Max));
  }
  const std::string splits_field = jf::Join(prefix, "splits");
  MARQUEE_ASSIGN_OR_RETURN(const json* splits, Required(object, "splits", prefix, "an array of {recipient, percent}"));
  if (!splits->is_array()) return jf::Expected(splits_field, "an array of {recipient, percent}", *splits);
  std::set<std::string> recipients;
  for (size_t i = 0; i < splits->size(); ++i) {
    const std::string at = fmt::format("{}[{}]", splits_field, i);
    const json& s = (*splits)[i];
    if (!s.is_object()) return jf::Expected(at, "an object {recipient, percent}", s);
    MARQUEE_RETURN_IF_ERROR(RejectUnknown(s, {"recipient", "percent"}, at));
    BonusSplit split;
    MARQUEE_ASSIGN_OR_RETURN(split.recipient, RequiredText(s, "recipient", at));
    MARQUEE_ASSIGN_OR_RETURN(split.percent, RequiredInteger(s, "percent", at, 1, 100));
    if (!recipients.insert(split.recipient).second) {
      return jf::Invalid(jf::Join(at, "recipient"), fmt::format("{} is listed twice", QuoteForError(split.recipient)));
    }
    r.splits.push_back(std::move(split));
  }
  MARQUEE_RETURN_IF_ERROR(CheckSplits(r.splits, splits_field));
  return r;
}

Result<std::vector<BonusRules>> ParseDocument(std::string_view text, std::string_view source) {
  json document = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    return Status::ParseError(fmt::format("{}: expected a JSON bonus rules document, found malformed JSON", source));
  }
  auto in_file = [&](const Status& s) { return s.WithContext(source); };
  if (!document.is_object()) return in_file(jf::Expected("(document)", "an object", document));
  Status s = RejectUnknown(document, {"format", "format_version", "note", "rules"}, "");
  if (!s.ok()) return in_file(s);
  Result<std::string> format = RequiredText(document, "format", "");
  if (!format.ok()) return in_file(format.status());
  if (*format != kFormatName) {
    return in_file(jf::Invalid("format", fmt::format("expected \"{}\", found {}", kFormatName, QuoteForError(*format))));
  }
  Result<int64_t> version = RequiredInteger(document, "format_version", "", 1, kInt64Max);
  if (!version.ok()) return in_file(version.status());
  if (*version != kFormatVersion) {
    return Status::Unsupported(
        fmt::format("{}: format_version: this build reads version {}, found {}", source, kFormatVersion, *version))
        .WithField("format_version");
  }
  Result<const json*> rules = Required(document, "rules", "", "an array of rules");
  if (!rules.ok()) return in_file(rules.status());
  if (!(*rules)->is_array() || (*rules)->empty()) {
    return in_file(jf::Expected("rules", "a non-empty array of rules", **rules));
  }
  std::vector<BonusRules> out;
  for (size_t i = 0; i < (*rules)->size(); ++i) {
    Result<BonusRules> r = ParseRule((**rules)[i], fmt::format("rules[{}]", i));
    if (!r.ok()) return in_file(r.status());
    r->source = fmt::format("{}: {}", source, r->source);
    out.push_back(std::move(*r));
  }
  return out;
}

// The source's "FILE: rules[i]" split into the file and the field, for an
// error found after parsing (an overlap between versions).
Status RuleError(const BonusRules& r, std::string_view name, std::string_view why) {
  const size_t colon = r.source.rfind(": ");
  const std::string file = colon == std::string::npos ? std::string() : r.source.substr(0, colon);
  const std::string rule = colon == std::string::npos ? r.source : r.source.substr(colon + 2);
  Status s = jf::Invalid(jf::Join(rule, name), why);
  return file.empty() ? s : s.WithContext(file);
}

}  // namespace

Result<int64_t> ParseIsoDay(std::string_view text) {
  if (std::optional<int64_t> day = ParseCivilDate(text)) return *day;
  return Status::ParseError(fmt::format("expected a date YYYY-MM-DD (a day that exists), found {}", QuoteForError(text)));
}

Result<std::vector<BonusPayment>> SplitAmount(Micros total, const std::vector<BonusSplit>& splits) {
  MARQUEE_RETURN_IF_ERROR(CheckSplits(splits, "splits"));
  if (total < 0) return Status::InvalidArgument(fmt::format("cannot split a negative amount {}", FormatMicros(total)));
  std::vector<BonusPayment> out;
  out.reserve(splits.size());
  Micros assigned = 0;
  size_t largest = 0;
  for (size_t i = 0; i < splits.size(); ++i) {
    // total × percent < 2^63 × 100: exact in 128 bits; the quotient <= total.
    const Micros share = static_cast<Micros>(static_cast<__int128>(total) * splits[i].percent / 100);
    out.push_back({splits[i].recipient, splits[i].percent, share});
    assigned += share;  // <= total: the percents sum to 100
    if (splits[i].percent > splits[largest].percent) largest = i;
  }
  out[largest].amount_micros += total - assigned;
  return out;
}

Result<BonusEvaluation> EvaluateBonus(const BonusRules& rules, const BonusInput& input) {
  // A rule built in code rather than loaded gets the loader's range checks
  // here (a zero threshold would divide by zero below).
  if (rules.threshold_percent_of_subscribers < 1 || rules.threshold_percent_of_subscribers > 10'000) {
    return Status::InvalidField("threshold_percent_of_subscribers",
                                fmt::format("{}: threshold_percent_of_subscribers: expected [1, 10000], found {}",
                                            rules.source, rules.threshold_percent_of_subscribers));
  }
  if (rules.bonus_percent_of_fixed_residual < 1 || rules.bonus_percent_of_fixed_residual > 10'000) {
    return Status::InvalidField("bonus_percent_of_fixed_residual",
                                fmt::format("{}: bonus_percent_of_fixed_residual: expected [1, 10000], found {}",
                                            rules.source, rules.bonus_percent_of_fixed_residual));
  }
  MARQUEE_RETURN_IF_ERROR(CheckSplits(rules.splits, "splits"));
  if (input.episode_runtime_minutes.empty()) {
    return Status::InvalidField("episode_runtime_minutes",
                                "episode_runtime_minutes: expected at least one runtime, found none");
  }
  __int128 runtime = 0;
  for (size_t i = 0; i < input.episode_runtime_minutes.size(); ++i) {
    const int64_t m = input.episode_runtime_minutes[i];
    if (m <= 0) {
      return Status::InvalidField(
          "episode_runtime_minutes",
          fmt::format("episode_runtime_minutes[{}]: expected minutes > 0, found {}", i, m));
    }
    runtime += m;
  }
  if (runtime > kInt64Max / 60) {
    return Status::InvalidArgument("the season's runtime overflows a 64-bit count of seconds");
  }
  if (input.seconds_streamed_domestic < 0) {
    return Status::InvalidField("seconds_streamed_domestic",
                                fmt::format("seconds_streamed_domestic: expected >= 0, found {}",
                                            input.seconds_streamed_domestic));
  }
  if (input.fixed_residual_micros < 0) {
    return Status::InvalidField("fixed_residual_micros",
                                fmt::format("fixed_residual_micros: expected >= 0, found {}",
                                            FormatMicros(input.fixed_residual_micros)));
  }
  const int64_t subscribers = input.domestic_subscribers != 0 ? input.domestic_subscribers : rules.domestic_subscribers;
  if (subscribers <= 0) {
    return Status::InvalidField(
        "domestic_subscribers",
        input.domestic_subscribers < 0
            ? fmt::format("domestic_subscribers: expected > 0, found {}", input.domestic_subscribers)
            : fmt::format("domestic_subscribers: none given, and {} sets none", rules.source));
  }

  BonusEvaluation e;
  e.agreement = rules.agreement;
  e.version = rules.version;
  e.runtime_minutes = static_cast<int64_t>(runtime);
  e.domestic_subscribers = subscribers;
  const __int128 runtime_seconds = runtime * 60;
  const __int128 seconds = input.seconds_streamed_domestic;
  e.views = static_cast<int64_t>(seconds / runtime_seconds);  // <= seconds
  // seconds × 100 < 2^70 always fits; runtime seconds × percent (< 2^77)
  // × subscribers (< 2^63) may not, and when it would not, it exceeds lhs.
  const __int128 lhs = seconds * 100;
  const __int128 per_subscriber = runtime_seconds * rules.threshold_percent_of_subscribers;  // < 2^77
  const __int128 limit = std::numeric_limits<__int128>::max() / per_subscriber;
  if (subscribers > limit) {
    e.triggered = false;  // rhs > 2^127 > lhs (lhs < 2^70)
  } else {
    e.triggered = lhs >= per_subscriber * subscribers;
  }
  e.views_per_subscriber = static_cast<double>(input.seconds_streamed_domestic) /
                           (static_cast<double>(runtime_seconds) * static_cast<double>(subscribers));
  if (!e.triggered) return e;

  // residual × percent: < 2^63 × 10,000 < 2^77; rounded half up to the micro.
  const __int128 bonus =
      (static_cast<__int128>(input.fixed_residual_micros) * rules.bonus_percent_of_fixed_residual + 50) / 100;
  if (bonus > kInt64Max) {
    return Status::InvalidArgument(fmt::format("bonus of {}% of {} does not fit in 64-bit micros",
                                               rules.bonus_percent_of_fixed_residual,
                                               FormatMicros(input.fixed_residual_micros)));
  }
  e.bonus_micros = static_cast<Micros>(bonus);
  MARQUEE_ASSIGN_OR_RETURN(e.payments, SplitAmount(e.bonus_micros, rules.splits));
  return e;
}

Result<BonusRuleBook> BonusRuleBook::Parse(std::string_view json_text, std::string_view source_name) {
  MARQUEE_ASSIGN_OR_RETURN(std::vector<BonusRules> rules, ParseDocument(json_text, source_name));
  BonusRuleBook book;
  MARQUEE_RETURN_IF_ERROR(book.Add(std::move(rules)));
  return book;
}

Result<BonusRuleBook> BonusRuleBook::LoadFile(const std::string& path) { return LoadFiles({path}); }

Result<BonusRuleBook> BonusRuleBook::LoadFiles(const std::vector<std::string>& paths) {
  BonusRuleBook book;
  for (const std::string& path : paths) {
    Result<MappedFile> file = MappedFile::Open(path);
    if (!file.ok()) return file.status();
    MARQUEE_ASSIGN_OR_RETURN(std::vector<BonusRules> rules, ParseDocument(file->bytes(), path));
    MARQUEE_RETURN_IF_ERROR(book.Add(std::move(rules)));
  }
  return book;
}

Status BonusRuleBook::Add(std::vector<BonusRules> more) {
  for (BonusRules& r : more) {
    for (const BonusRules& had : rules_) {
      if (had.agreement != r.agreement) continue;
      if (had.version == r.version) {
        return RuleError(r, "version",
                         fmt::format("{} of {} is also defined at {}", QuoteForError(r.version),
                                     QuoteForError(r.agreement), had.source));
      }
      if (r.effective_from_day <= had.effective_until_day && had.effective_from_day <= r.effective_until_day) {
        return RuleError(r, "effective_from",
                         fmt::format("{}..{} overlaps version {} ({}..{}) at {}: one date must pick one version",
                                     FormatCivilDate(r.effective_from_day), FormatCivilDate(r.effective_until_day),
                                     QuoteForError(had.version), FormatCivilDate(had.effective_from_day),
                                     FormatCivilDate(had.effective_until_day), had.source));
      }
    }
    rules_.push_back(std::move(r));
  }
  return Status::OK();
}

Result<const BonusRules*> BonusRuleBook::Find(std::string_view agreement, int64_t day) const {
  bool known = false;
  for (const BonusRules& r : rules_) {
    if (r.agreement != agreement) continue;
    known = true;
    if (r.effective_from_day <= day && day <= r.effective_until_day) return &r;
  }
  if (!known) {
    return Status::NotFound(fmt::format("no bonus rule in effect: no rules file defines agreement {}",
                                        QuoteForError(agreement)));
  }
  return Status::NotFound(fmt::format("no bonus rule in effect for {} on {}: no version covers that day",
                                      QuoteForError(agreement), FormatCivilDate(day)));
}

}  // namespace marquee
