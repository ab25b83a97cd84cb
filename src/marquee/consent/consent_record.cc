#include "marquee/consent/consent_record.h"
#include "marquee/util/strings.h"

#include <array>
#include <cctype>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "marquee/util/civil_time.h"

namespace marquee {
namespace {


constexpr std::array<std::pair<GrantorKind, std::string_view>, 4> kGrantorNames = {{
    {GrantorKind::kSelf, "self"},
    {GrantorKind::kAuthorisedRepresentative, "authorised_representative"},
    {GrantorKind::kUnion, "union"},
    {GrantorKind::kCourtApprovedGuardian, "court_approved_guardian"},
}};


template <typename Enum, size_t N>
Result<Enum> ParseName(const std::array<std::pair<Enum, std::string_view>, N>& names, std::string_view name) {
  std::vector<std::string_view> known;
  for (const auto& [value, text] : names) {
    if (text == name) return value;
    known.push_back(text);
  }
  return Status::InvalidArgument(fmt::format("expected one of {}, found {}", fmt::join(known, ", "),
                                             QuoteForError(name)));
}

bool IsTerritoryCode(std::string_view code) {
  return code.size() == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z';
}


int CountWords(std::string_view text) {
  int words = 0;
  bool in_word = false;
  for (char c : text) {
    const bool word_char = std::isalnum(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) >= 0x80);
    if (word_char && !in_word) ++words;
    in_word = word_char;
  }
  return words;
}

Status NotNegative(int64_t value, const char* field) {
  if (value >= 0) return Status::OK();
  return Status::InvalidField(field, fmt::format("{}: expected an amount >= 0, found {}", field, value));
}

}  // namespace

std::string_view GrantorKindName(GrantorKind kind) {
  for (const auto& [value, text] : kGrantorNames) if (value == kind) return text;
  return "?";
}

Result<GrantorKind> ParseGrantorKind(std::string_view name) { return ParseName(kGrantorNames, name); }

bool IsDigitalReplica(ReplicaKind kind) {
  return kind != ReplicaKind::kNone && kind != ReplicaKind::kCustomaryAlteration;
}

const std::vector<std::string_view>& KnownUses() {
  static const std::vector<std::string_view> kUses = {"artwork.personalized", "artwork.key_art",
                                                      "artwork.preview", "artwork.promotional"};
  return kUses;
}

bool IsKnownUse(std::string_view use) {
  for (std::string_view known : KnownUses()) if (known == use) return true;
  return false;
}

const std::vector<std::string_view>& GenericDescriptionPhrases() {
  static const std::vector<std::string_view> kPhrases = {
      "any use",       "any purpose",     "all purposes",    "all uses",         "any and all",
      "in perpetuity", "perpetual",       "any media",       "all media",        "hereafter devised",
      "any project",   "any production",  "throughout the universe", "without limitation",
      "for any reason", "as needed",      "tbd",             "to be determined", "various",
  };
  return kPhrases;
}

Status CheckDescription(std::string_view description, const IngestRules& rules) {
  constexpr const char* kField = "intended_use_description";
  if (description.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::InvalidField(kField, fmt::format("{}: required: a specific description of the intended use",
                                                    kField));
  }
  const int words = CountWords(description);
  if (words < rules.min_description_words) {
    return Status::InvalidField(kField, fmt::format("{}: too generic: expected at least {} words describing the "
                                                    "intended use, found {}", kField, rules.min_description_words,
                                                    words));
  }
  // Padded with spaces so "various" matches as a word, not inside "variously".
  std::string text = " " + AsciiLower(description) + " ";
  for (char& c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 0x80) c = ' ';
  }
  for (std::string_view phrase : GenericDescriptionPhrases()) {
    if (text.find(fmt::format(" {} ", phrase)) != std::string::npos) {
      return Status::InvalidField(kField, fmt::format("{}: too generic: \"{}\" grants no specific use; describe "
                                                      "the titles, images and surfaces instead", kField, phrase));
    }
  }
  return Status::OK();
}

int64_t AddCalendarYears(int64_t time, int years) {
  const int64_t day = UnixDay(time);
  const int64_t second_of_day = time - day * kSecondsPerDay;
  CivilDate c = CivilFromDays(day);
  c.year += years;
  if (c.month == 2 && c.day == 29 && !IsLeapYear(c.year)) c.day = 28;
  return DaysFromCivil(c.year, c.month, c.day) * kSecondsPerDay + second_of_day;
}

int64_t BirthdayStart(int64_t birth_date, int years) {
  CivilDate c = CivilFromDays(birth_date);
  c.year += years;
  if (c.month == 2 && c.day == 29 && !IsLeapYear(c.year)) {
    c.month = 3;
    c.day = 1;
  }
  return DaysFromCivil(c.year, c.month, c.day) * kSecondsPerDay;
}

Status ValidateConsent(const ConsentRecord& r, int64_t birth_date, const IngestRules& rules) {
  if (r.consent_id.empty()) return Status::InvalidField("consent_id", "consent_id: required");
  if (r.version < 1) {
    return Status::InvalidField("version", fmt::format("version: expected an integer >= 1, found {}", r.version));
  }
  if (r.performer_id.empty()) return Status::InvalidField("performer_id", "performer_id: required");
  if (r.grantor != GrantorKind::kSelf && r.grantor_name.empty()) {
    return Status::InvalidField("grantor_name", fmt::format("grantor_name: required for grantor {}",
                                                            GrantorKindName(r.grantor)));
  }
  if (r.agreement.empty()) {
    return Status::InvalidField("agreement", "agreement: required (the collective agreement, or \"none\")");
  }

  bool replica = false;
  if (r.replica_kinds.empty()) {
    return Status::InvalidField("replica_kinds", "replica_kinds: expected at least one replica kind (\"none\" for "
                                                 "photographs as taken)");
  }
  for (ReplicaKind kind : r.replica_kinds) replica = replica || IsDigitalReplica(kind);

  // Titles: a digital replica is consented to per project, never wholesale.
  if (r.titles.empty()) {
    return Status::InvalidField("titles", replica ? "titles: required: a consent to a digital replica must name "
                                                    "the titles it covers"
                                                  : "titles: expected at least one title id, or \"*\"");
  }
  for (size_t i = 0; i < r.titles.size(); ++i) {
    if (r.titles[i].empty()) {
      return Status::InvalidField(fmt::format("titles[{}]", i), fmt::format("titles[{}]: expected a title id, "
                                                                            "found an empty string", i));
    }
    if (r.titles[i] == kWildcard) {
      if (replica) {
        return Status::InvalidField("titles", "titles: \"*\" is not allowed in a consent to a digital replica; "
                                              "name each title");
      }
      if (r.titles.size() > 1) return Status::InvalidField("titles", "titles: \"*\" must be the only entry");
    }
  }

  if (r.uses.empty()) {
    return Status::InvalidField("uses", fmt::format("uses: expected at least one of {}", fmt::join(KnownUses(), ", ")));
  }
  for (size_t i = 0; i < r.uses.size(); ++i) {
    if (!IsKnownUse(r.uses[i])) {
      const std::string field = fmt::format("uses[{}]", i);
      return Status::InvalidField(field, fmt::format("{}: expected one of {}, found {}", field,
                                                     fmt::join(KnownUses(), ", "), QuoteForError(r.uses[i])));
    }
  }

  if (r.territories.empty()) {
    return Status::InvalidField("territories", "territories: expected ISO 3166-1 alpha-2 codes, or \"*\"");
  }
  for (size_t i = 0; i < r.territories.size(); ++i) {
    const std::string& code = r.territories[i];
    if (code == kWildcard) {
      if (r.territories.size() > 1) {
        return Status::InvalidField("territories", "territories: \"*\" (worldwide) must be the only entry");
      }
      continue;
    }
    if (!IsTerritoryCode(code)) {
      const std::string field = fmt::format("territories[{}]", i);
      return Status::InvalidField(field, fmt::format("{}: expected an ISO 3166-1 alpha-2 code (two upper-case "
                                                     "letters, \"US\") or \"*\", found {}", field,
                                                     QuoteForError(code)));
    }
  }

  if (r.valid_until <= r.valid_from) {
    return Status::InvalidField("valid_until", fmt::format("valid_until: expected a time after valid_from ({}), "
                                                           "found {}", r.valid_from, r.valid_until));
  }
  const int64_t adult_from = BirthdayStart(birth_date, 18);
  const bool minor = r.valid_from < adult_from;
  if (minor) {
    if (r.grantor != GrantorKind::kCourtApprovedGuardian) {
      return Status::InvalidField("grantor", fmt::format("grantor: a minor's consent must be granted by a "
                                                         "court_approved_guardian, found {}",
                                                         GrantorKindName(r.grantor)));
    }
    if (r.valid_until > adult_from) {
      return Status::InvalidField("valid_until", fmt::format("valid_until: a minor's consent must end by the 18th "
                                                             "birthday ({}), found {}", adult_from, r.valid_until));
    }
  }
  const int max_years = minor ? rules.max_minor_years : rules.max_adult_years;
  const int64_t limit = AddCalendarYears(r.valid_from, max_years);
  if (r.valid_until > limit) {
    return Status::InvalidField("valid_until", fmt::format("valid_until: a {} consent may run at most {} years "
                                                           "(until {}), found {}", minor ? "minor's" : "adult's",
                                                           max_years, limit, r.valid_until));
  }

  MARQUEE_RETURN_IF_ERROR(CheckDescription(r.intended_use_description, rules));
  if (r.separately_signed && r.evidence_hash.empty()) {
    return Status::InvalidField("evidence_hash", "evidence_hash: required when separately_signed is true");
  }
  MARQUEE_RETURN_IF_ERROR(NotNegative(r.compensation.flat_fee_micros, "compensation.flat_fee_micros"));
  MARQUEE_RETURN_IF_ERROR(NotNegative(r.compensation.rate_per_1000_qualifying_micros,
                                      "compensation.rate_per_1000_qualifying_micros"));
  return Status::OK();
}

Result<Takedown> IngestTakedown(Takedown notice, const IngestRules& rules) {
  if (notice.takedown_id.empty()) return Status::InvalidField("takedown_id", "takedown_id: required");
  if (notice.performer_id.empty()) {
    return Status::InvalidField("performer_id", "performer_id: required: a notice must name the performer");
  }
  if (notice.material.empty()) {
    return Status::InvalidField("material", "material: required: a notice must name the image (artwork id)");
  }
  if (notice.contact.find_first_not_of(" \t") == std::string::npos) {
    return Status::InvalidField("contact", "contact: required: a notice must give a contact");
  }
  const int64_t earliest = notice.received_at + int64_t{rules.takedown_restore_days} * kSecondsPerDay;
  if (!notice.restore_not_before) {
    notice.restore_not_before = earliest;
  } else if (*notice.restore_not_before < earliest) {
    return Status::InvalidField("restore_not_before", fmt::format("restore_not_before: expected no sooner than "
                                                                  "received_at + {} days ({}), found {}",
                                                                  rules.takedown_restore_days, earliest,
                                                                  *notice.restore_not_before));
  }
  return notice;
}

}  // namespace marquee
