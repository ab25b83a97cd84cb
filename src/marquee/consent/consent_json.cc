#include "marquee/consent/consent_json.h"

#include "marquee/util/civil_time.h"

#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "marquee/data/event.h"
#include "marquee/util/json_fields.h"

namespace marquee {
namespace {

using nlohmann::json;

using json_fields::Expected;
using json_fields::IdText;
using json_fields::Join;
using json_fields::RejectUnknownFields;

// Times follow the events' rule (data/event.h): 9999-12-31T23:59:59Z at most.
constexpr int64_t kLatestTime = kLatestEventTime;

Status Required(const std::string& field) { return json_fields::Invalid(field, "required"); }

const json* Find(const json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

Status ReadId(const json& object, const char* name, std::string& out) {
  const json* value = Find(object, name);
  if (value == nullptr) return Required(name);
  std::optional<std::string> id = IdText(*value);
  if (!id || id->empty()) return Expected(name, "a non-empty string id", *value);
  out = std::move(*id);
  return Status::OK();
}

Status ReadText(const json& object, const char* name, bool required, std::string& out) {
  const json* value = Find(object, name);
  if (value == nullptr) return required ? Required(name) : Status::OK();
  if (!value->is_string()) return Expected(name, "a string", *value);
  out = value->get<std::string>();
  return Status::OK();
}

Status ReadTime(const json& object, const char* name, const std::string& field, bool required, int64_t& out) {
  const json* value = Find(object, name);
  if (value == nullptr) return required ? Required(field) : Status::OK();
  const bool in_range = value->is_number_integer() &&
                        (value->is_number_unsigned() ? value->get<uint64_t>() <= uint64_t(kLatestTime)
                                                     : value->get<int64_t>() >= 0 &&
                                                           value->get<int64_t>() <= kLatestTime);
  if (!in_range) return Expected(field, "an integer (unix seconds) in [0, 253402300799]", *value);
  out = value->get<int64_t>();
  return Status::OK();
}

Status ReadBool(const json& object, const char* name, const std::string& field, bool& out) {
  const json* value = Find(object, name);
  if (value == nullptr) return Status::OK();
  if (!value->is_boolean()) return Expected(field, "true or false", *value);
  out = value->get<bool>();
  return Status::OK();
}

Status ReadMicros(const json& object, const char* name, const std::string& field, int64_t& out) {
  const json* value = Find(object, name);
  if (value == nullptr) return Status::OK();
  const bool fits = value->is_number_integer() &&
                    (!value->is_number_unsigned() || value->get<uint64_t>() <= uint64_t(INT64_MAX));
  if (!fits) return Expected(field, "an integer amount in micro-units", *value);
  out = value->get<int64_t>();
  return Status::OK();
}

// A required array of strings; `ids` also takes integers (title ids).
Status ReadStrings(const json& object, const char* name, bool ids, std::vector<std::string>& out) {
  const json* value = Find(object, name);
  if (value == nullptr) return Required(name);
  if (!value->is_array()) return Expected(name, ids ? "an array of ids" : "an array of strings", *value);
  out.clear();
  for (size_t i = 0; i < value->size(); ++i) {
    const json& item = (*value)[i];
    std::optional<std::string> text = ids ? IdText(item) : (item.is_string() ? std::optional(item.get<std::string>())
                                                                             : std::nullopt);
    if (!text) return Expected(fmt::format("{}[{}]", name, i), ids ? "a string id" : "a string", item);
    out.push_back(std::move(*text));
  }
  return Status::OK();
}

const std::set<std::string> kConsentFields = {
    "type", "consent_id", "version", "performer_id", "grantor", "grantor_name", "agreement", "titles", "uses",
    "replica_kinds", "territories", "valid_from", "valid_until", "intended_use_description", "separately_signed",
    "evidence_hash", "survives_death", "compensation", "do_not_train"};
const std::set<std::string> kCompensationFields = {"flat_fee_micros", "rate_per_1000_qualifying_micros",
                                                   "bonus_participation"};
const std::set<std::string> kRevocationFields = {"type", "consent_id", "effective_at", "reason"};
const std::set<std::string> kTakedownFields = {"type",    "takedown_id", "performer_id",      "material",
                                               "contact", "received_at", "restore_not_before"};
const std::set<std::string> kRestorationFields = {"type", "takedown_id", "restored_at", "note"};
const std::set<std::string> kPerformerFields = {"type", "performer_id", "name", "birth_date", "death_date",
                                                "representative"};

Result<ConsentRecord> ConsentFromObject(const json& o) {
  MARQUEE_RETURN_IF_ERROR(RejectUnknownFields(o, kConsentFields, ""));
  ConsentRecord c;
  MARQUEE_RETURN_IF_ERROR(ReadId(o, "consent_id", c.consent_id));
  if (const json* version = Find(o, "version")) {
    if (!version->is_number_integer() || version->get<int64_t>() < 1 || version->get<int64_t>() > INT32_MAX) {
      return Expected("version", "an integer >= 1", *version);
    }
    c.version = static_cast<int32_t>(version->get<int64_t>());
  }
  MARQUEE_RETURN_IF_ERROR(ReadId(o, "performer_id", c.performer_id));
  const json* grantor = Find(o, "grantor");
  if (grantor == nullptr) return Required("grantor");
  if (!grantor->is_string()) return Expected("grantor", "a grantor kind", *grantor);
  Result<GrantorKind> kind = ParseGrantorKind(grantor->get<std::string>());
  if (!kind.ok()) return json_fields::Invalid("grantor", kind.status().message());
  c.grantor = *kind;
  MARQUEE_RETURN_IF_ERROR(ReadText(o, "grantor_name", false, c.grantor_name));
  MARQUEE_RETURN_IF_ERROR(ReadText(o, "agreement", true, c.agreement));
  MARQUEE_RETURN_IF_ERROR(ReadStrings(o, "titles", true, c.titles));
  MARQUEE_RETURN_IF_ERROR(ReadStrings(o, "uses", false, c.uses));
  std::vector<std::string> kinds;
  MARQUEE_RETURN_IF_ERROR(ReadStrings(o, "replica_kinds", false, kinds));
  for (size_t i = 0; i < kinds.size(); ++i) {
    std::optional<ReplicaKind> replica = ParseReplicaKind(kinds[i]);
    if (!replica) {
      return json_fields::Invalid(fmt::format("replica_kinds[{}]", i),
                                  fmt::format("expected one of {}, found {}", ReplicaKindNameList(),
                                              QuoteForError(kinds[i])));
    }
    c.replica_kinds.push_back(*replica);
  }
  MARQUEE_RETURN_IF_ERROR(ReadStrings(o, "territories", false, c.territories));
  MARQUEE_RETURN_IF_ERROR(ReadTime(o, "valid_from", "valid_from", true, c.valid_from));
  MARQUEE_RETURN_IF_ERROR(ReadTime(o, "valid_until", "valid_until", true, c.valid_until));
  MARQUEE_RETURN_IF_ERROR(ReadText(o, "intended_use_description", true, c.intended_use_description));
  MARQUEE_RETURN_IF_ERROR(ReadBool(o, "separately_signed", "separately_signed", c.separately_signed));
  MARQUEE_RETURN_IF_ERROR(ReadText(o, "evidence_hash", false, c.evidence_hash));
  MARQUEE_RETURN_IF_ERROR(ReadBool(o, "survives_death", "survives_death", c.survives_death));
  MARQUEE_RETURN_IF_ERROR(ReadBool(o, "do_not_train", "do_not_train", c.do_not_train));
  if (const json* terms = Find(o, "compensation")) {
    if (!terms->is_object()) return Expected("compensation", "an object", *terms);
    MARQUEE_RETURN_IF_ERROR(RejectUnknownFields(*terms, kCompensationFields, "compensation"));
    Compensation& m = c.compensation;
    MARQUEE_RETURN_IF_ERROR(ReadMicros(*terms, "flat_fee_micros", "compensation.flat_fee_micros",
                                       m.flat_fee_micros));
    MARQUEE_RETURN_IF_ERROR(ReadMicros(*terms, "rate_per_1000_qualifying_micros",
                                       "compensation.rate_per_1000_qualifying_micros",
                                       m.rate_per_1000_qualifying_micros));
    MARQUEE_RETURN_IF_ERROR(ReadBool(*terms, "bonus_participation", "compensation.bonus_participation",
                                     m.bonus_participation));
  }
  return c;
}

Result<Revocation> RevocationFromObject(const json& o) {
  MARQUEE_RETURN_IF_ERROR(RejectUnknownFields(o, kRevocationFields, ""));
  Revocation r;
  MARQUEE_RETURN_IF_ERROR(ReadId(o, "consent_id", r.consent_id));
  MARQUEE_RETURN_IF_ERROR(ReadTime(o, "effective_at", "effective_at", true, r.effective_at));
  MARQUEE_RETURN_IF_ERROR(ReadText(o, "reason", false, r.reason));
  return r;
}

Result<Takedown> TakedownFromObject(const json& o) {
  MARQUEE_RETURN_IF_ERROR(RejectUnknownFields(o, kTakedownFields, ""));
  Takedown t;
  MARQUEE_RETURN_IF_ERROR(ReadId(o, "takedown_id", t.takedown_id));
  MARQUEE_RETURN_IF_ERROR(ReadId(o, "performer_id", t.performer_id));
  MARQUEE_RETURN_IF_ERROR(ReadId(o, "material", t.material));
  MARQUEE_RETURN_IF_ERROR(ReadText(o, "contact", true, t.contact));
  MARQUEE_RETURN_IF_ERROR(ReadTime(o, "received_at", "received_at", true, t.received_at));
  if (Find(o, "restore_not_before") != nullptr) {
    int64_t not_before = 0;
    MARQUEE_RETURN_IF_ERROR(ReadTime(o, "restore_not_before", "restore_not_before", true, not_before));
    t.restore_not_before = not_before;
  }
  return t;
}

Result<Restoration> RestorationFromObject(const json& o) {
  MARQUEE_RETURN_IF_ERROR(RejectUnknownFields(o, kRestorationFields, ""));
  Restoration r;
  MARQUEE_RETURN_IF_ERROR(ReadId(o, "takedown_id", r.takedown_id));
  MARQUEE_RETURN_IF_ERROR(ReadTime(o, "restored_at", "restored_at", true, r.restored_at));
  MARQUEE_RETURN_IF_ERROR(ReadText(o, "note", false, r.note));
  return r;
}

// "YYYY-MM-DD" as a civil day.
Status ReadDay(const json& o, const char* name, bool required, std::optional<int64_t>& out) {
  const json* value = Find(o, name);
  if (value == nullptr) return required ? Required(name) : Status::OK();
  std::optional<int64_t> day = value->is_string() ? ParseCivilDate(value->get<std::string>()) : std::nullopt;
  if (!day) return Expected(name, "a date YYYY-MM-DD", *value);
  out = day;
  return Status::OK();
}

Result<PerformerRecord> PerformerFromObject(const json& o) {
  MARQUEE_RETURN_IF_ERROR(RejectUnknownFields(o, kPerformerFields, ""));
  PerformerRecord p;
  MARQUEE_RETURN_IF_ERROR(ReadId(o, "performer_id", p.performer_id));
  MARQUEE_RETURN_IF_ERROR(ReadText(o, "name", false, p.name));
  std::optional<int64_t> birth;
  MARQUEE_RETURN_IF_ERROR(ReadDay(o, "birth_date", true, birth));
  p.birth_date = *birth;
  MARQUEE_RETURN_IF_ERROR(ReadDay(o, "death_date", false, p.death_date));
  MARQUEE_RETURN_IF_ERROR(ReadText(o, "representative", false, p.representative));
  return p;
}

template <typename T>
Result<ConsentEntry> AsEntry(Result<T> r) {
  if (!r.ok()) return r.status();
  return ConsentEntry(std::move(r).value());
}

}  // namespace

Result<ConsentEntry> ParseConsentEntryJson(std::string_view text) {
  json o = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (o.is_discarded()) {
    return Status::ParseError("expected a JSON object, found text that is not valid JSON").WithField("body");
  }
  if (!o.is_object()) return Expected("body", "a consent, revocation, takedown or restoration object", o);
  const json* type = Find(o, "type");
  if (type == nullptr) return Required("type");
  const std::string name = type->is_string() ? type->get<std::string>() : "";
  if (name == "consent") return AsEntry(ConsentFromObject(o));
  if (name == "revocation") return AsEntry(RevocationFromObject(o));
  if (name == "takedown") return AsEntry(TakedownFromObject(o));
  if (name == "restoration") return AsEntry(RestorationFromObject(o));
  if (name == "performer") return AsEntry(PerformerFromObject(o));
  if (!type->is_string()) return Expected("type", "consent, revocation, takedown, restoration or performer", *type);
  return json_fields::Invalid("type", fmt::format("expected consent, revocation, takedown, restoration or "
                                                  "performer, found {}",
                                                  QuoteForError(name)));
}

std::string ConsentEntryToJson(const ConsentEntry& entry) {
  json j;
  if (const auto* c = std::get_if<ConsentRecord>(&entry)) {
    json kinds = json::array();
    for (ReplicaKind kind : c->replica_kinds) kinds.push_back(std::string(ReplicaKindName(kind)));
    j = {{"type", "consent"},
         {"consent_id", c->consent_id},
         {"version", c->version},
         {"performer_id", c->performer_id},
         {"grantor", std::string(GrantorKindName(c->grantor))},
         {"grantor_name", c->grantor_name},
         {"agreement", c->agreement},
         {"titles", c->titles},
         {"uses", c->uses},
         {"replica_kinds", kinds},
         {"territories", c->territories},
         {"valid_from", c->valid_from},
         {"valid_until", c->valid_until},
         {"intended_use_description", c->intended_use_description},
         {"separately_signed", c->separately_signed},
         {"evidence_hash", c->evidence_hash},
         {"survives_death", c->survives_death},
         {"compensation",
          {{"flat_fee_micros", c->compensation.flat_fee_micros},
           {"rate_per_1000_qualifying_micros", c->compensation.rate_per_1000_qualifying_micros},
           {"bonus_participation", c->compensation.bonus_participation}}},
         {"do_not_train", c->do_not_train}};
  } else if (const auto* r = std::get_if<Revocation>(&entry)) {
    j = {{"type", "revocation"}, {"consent_id", r->consent_id}, {"effective_at", r->effective_at},
         {"reason", r->reason}};
  } else if (const auto* t = std::get_if<Takedown>(&entry)) {
    j = {{"type", "takedown"},          {"takedown_id", t->takedown_id}, {"performer_id", t->performer_id},
         {"material", t->material},     {"contact", t->contact},         {"received_at", t->received_at}};
    if (t->restore_not_before) j["restore_not_before"] = *t->restore_not_before;
  } else if (const auto* s = std::get_if<Restoration>(&entry)) {
    j = {{"type", "restoration"}, {"takedown_id", s->takedown_id}, {"restored_at", s->restored_at},
         {"note", s->note}};
  } else if (const auto* p = std::get_if<PerformerRecord>(&entry)) {
    j = {{"type", "performer"},
         {"performer_id", p->performer_id},
         {"name", p->name},
         {"birth_date", FormatCivilDate(p->birth_date)},
         {"representative", p->representative}};
    if (p->death_date) j["death_date"] = FormatCivilDate(*p->death_date);
  }
  return json_fields::Dump(j);
}

}  // namespace marquee
