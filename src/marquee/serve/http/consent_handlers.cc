// The consent gate's admin routes (issue 11 §2): consents, revocations,
// takedowns and restorations, each durable in the consent log and in force
// before the answer.
#include <ctime>

#include "marquee/consent/consent_json.h"
#include "marquee/data/id_map.h"
#include "marquee/ledger/exposure.h"
#include "marquee/ledger/statement.h"
#include "marquee/util/civil_time.h"
#include "marquee/serve/http/handlers.h"

namespace marquee::serve {
namespace {

using json = nlohmann::json;

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

ApiError NoGate() {
  return {503, "consent_disabled", "this server has no consent gate (it serves no artwork)", "consent"};
}

// The body as a JSON object of the consent codec with `type` set: a client
// may leave out "type" (the route says it) but may not contradict it.
Parsed<json> EntryObject(std::string_view body, std::string_view type) {
  Parsed<json> object = ParseJsonBody(body);
  if (!object.ok()) return object;
  if (!object->is_object()) return ApiError::BadField("body", "body: expected a JSON object");
  auto found = object->find("type");
  if (found == object->end()) {
    (*object)["type"] = std::string(type);
  } else if (*found != type) {
    return ApiError::BadField("type", "type: expected \"" + std::string(type) + "\" on this route, found " +
                                          found->dump());
  }
  return object;
}

Parsed<ConsentEntry> ParseEntry(const json& object) {
  Result<ConsentEntry> entry = ParseConsentEntryJson(object.dump());
  if (!entry.ok()) return FromStatus(entry.status());
  return std::move(*entry);
}

// ?from=DAY&to=DAY (UTC days, both inclusive) as a Period.
Parsed<Period> PeriodParams(const QueryParams& params) {
  Period period;
  for (const char* name : {"from", "to"}) {
    auto it = params.find(name);
    if (it == params.end()) continue;
    std::optional<int64_t> day = ParseCivilDate(it->second);
    if (!day) {
      return ApiError::BadField(name, std::string(name) + ": expected a day YYYY-MM-DD, found \"" +
                                          it->second.substr(0, 40) + "\"");
    }
    if (std::string_view(name) == "from") period.from = *day * kSecondsPerDay;
    else period.to = (*day + 1) * kSecondsPerDay;
  }
  if (period.from >= period.to) return ApiError::BadField("to", "to: expected a day on or after from");
  return period;
}

}  // namespace

std::optional<Reply> Handlers::RefuseUnauthorized(std::string_view authorization) const {
  if (Authorized(authorization)) return std::nullopt;
  return Reply::Error(
      {401, "unauthorized", "expected the header Authorization: Bearer <admin token>", "Authorization"});
}

Reply Handlers::AddConsentEntry(const ConsentEntry& entry) {
  Status added = consent_->Add(entry);
  if (!added.ok()) {
    ApiError error = FromStatus(added);
    // No log: a server configuration, not the client's request.
    if (added.code() == Status::Code::kUnsupported) error.http_status = 503;
    return Reply::Error(error);
  }
  return Reply::Json(json::parse(ConsentEntryToJson(entry)), 201);
}

Reply Handlers::PostConsent(std::string_view authorization, std::string_view body) {
  if (auto refused = RefuseUnauthorized(authorization)) return *refused;
  if (consent_ == nullptr) return Reply::Error(NoGate());
  Parsed<json> object = EntryObject(body, "consent");
  if (!object.ok()) return Reply::Error(object.error());
  Parsed<ConsentEntry> entry = ParseEntry(*object);
  if (!entry.ok()) return Reply::Error(entry.error());
  return AddConsentEntry(*entry);
}

Reply Handlers::PostPerformer(std::string_view authorization, std::string_view body) {
  if (auto refused = RefuseUnauthorized(authorization)) return *refused;
  if (consent_ == nullptr) return Reply::Error(NoGate());
  Parsed<json> object = EntryObject(body, "performer");
  if (!object.ok()) return Reply::Error(object.error());
  Parsed<ConsentEntry> entry = ParseEntry(*object);
  if (!entry.ok()) return Reply::Error(entry.error());
  const PerformerRecord& record = std::get<PerformerRecord>(*entry);
  if (record.death_date && *record.death_date > Now() / kSecondsPerDay) {
    return Reply::Error(ApiError::BadField("death_date", "death_date: expected a day no later than today, found " +
                                                             FormatCivilDate(*record.death_date)));
  }
  return AddConsentEntry(*entry);
}

Reply Handlers::RevokeConsent(std::string_view authorization, std::string_view consent_id, std::string_view body) {
  if (auto refused = RefuseUnauthorized(authorization)) return *refused;
  if (consent_ == nullptr) return Reply::Error(NoGate());
  Parsed<json> object = EntryObject(body.find_first_not_of(" \t\r\n") == std::string_view::npos ? "{}" : body,
                                    "revocation");
  if (!object.ok()) return Reply::Error(object.error());
  if (object->contains("consent_id") && (*object)["consent_id"] != consent_id) {
    return Reply::Error(ApiError::BadField("consent_id", "consent_id: the body names another consent than the path"));
  }
  (*object)["consent_id"] = std::string(consent_id);
  if (!object->contains("effective_at")) (*object)["effective_at"] = Now();
  Parsed<ConsentEntry> entry = ParseEntry(*object);
  if (!entry.ok()) return Reply::Error(entry.error());
  return AddConsentEntry(*entry);
}

Reply Handlers::PostTakedown(std::string_view authorization, std::string_view body) {
  if (auto refused = RefuseUnauthorized(authorization)) return *refused;
  if (consent_ == nullptr) return Reply::Error(NoGate());
  Parsed<json> object = EntryObject(body, "takedown");
  if (!object.ok()) return Reply::Error(object.error());
  if (!object->contains("received_at")) (*object)["received_at"] = Now();
  Parsed<ConsentEntry> entry = ParseEntry(*object);
  if (!entry.ok()) return Reply::Error(entry.error());
  return AddConsentEntry(*entry);
}

Reply Handlers::RestoreTakedown(std::string_view authorization, std::string_view takedown_id,
                                std::string_view body) {
  if (auto refused = RefuseUnauthorized(authorization)) return *refused;
  if (consent_ == nullptr) return Reply::Error(NoGate());
  Parsed<json> object = EntryObject(body.find_first_not_of(" \t\r\n") == std::string_view::npos ? "{}" : body,
                                    "restoration");
  if (!object.ok()) return Reply::Error(object.error());
  (*object)["takedown_id"] = std::string(takedown_id);
  if (!object->contains("restored_at")) (*object)["restored_at"] = Now();
  Parsed<ConsentEntry> entry = ParseEntry(*object);
  if (!entry.ok()) return Reply::Error(entry.error());
  return AddConsentEntry(*entry);
}

Reply Handlers::PerformerStatement(std::string_view authorization, std::string_view performer_id,
                                   const QueryParams& params) {
  if (auto refused = RefuseUnauthorized(authorization)) return *refused;
  if (consent_ == nullptr) return Reply::Error(NoGate());
  Parsed<Period> period = PeriodParams(params);
  if (!period.ok()) return Reply::Error(period.error());
  StatementOptions options;
  options.period = *period;
  options.exposure.domestic_territory = options_.domestic_territory;
  options.exposure.domestic_subscribers = options_.domestic_subscribers;
  options.exposure.rules = options_.bonus_rules.get();
  const std::shared_ptr<const ConsentGate::Snapshot> gate = consent_->Current();
  Result<marquee::PerformerStatement> statement = Status::OK();
  Status read = ledger_book_->Read([&](const LedgerAccounts& accounts) {
    statement = BuildStatement(accounts, models_.dataset(), gate->registry(), performer_id, options);
  });
  if (!read.ok()) return Reply::Error(FromStatus(read));
  if (!statement.ok()) {
    ApiError error = FromStatus(statement.status());
    if (statement.status().field() == "performer") error.http_status = 404;
    return Reply::Error(error);
  }
  return {200, StatementJson(*statement), "application/json"};
}

Reply Handlers::TitleExposure(std::string_view authorization, std::string_view title_id,
                              const QueryParams& params) {
  if (auto refused = RefuseUnauthorized(authorization)) return *refused;
  if (consent_ == nullptr) return Reply::Error(NoGate());
  if (models_.dataset().titles.Find(title_id) == IdMap::kNotFound) {
    // A title added while serving has no artwork, so no exposure yet.
    return Reply::Error(ApiError::NotFound(
        (AddedWhileServing(title_id) ? "title added while serving has no artwork, so no exposure yet: \"" : "title not in the catalog: \"") +
            std::string(title_id) + "\"",
        "title"));
  }
  ExposureOptions options;
  options.agreement = options_.bonus_agreement;
  if (auto it = params.find("agreement"); it != params.end()) options.agreement = it->second;
  options.domestic_territory = options_.domestic_territory;
  options.domestic_subscribers = options_.domestic_subscribers;
  options.rules = options_.bonus_rules.get();
  Result<ExposureReport> report = Status::OK();
  Status read = ledger_book_->Read([&](const LedgerAccounts& accounts) {
    report = ComputeExposure(accounts, models_.dataset(), options, title_id);
  });
  if (!read.ok()) return Reply::Error(FromStatus(read));
  if (!report.ok()) {
    ApiError error = FromStatus(report.status());
    if (report.status().field() == "title") error.http_status = 404;
    return Reply::Error(error);
  }
  return {200, ExposureJson(*report), "application/json"};
}

Reply Handlers::ConsentGateStats(std::string_view authorization) {
  if (auto refused = RefuseUnauthorized(authorization)) return *refused;
  if (consent_ == nullptr) return Reply::Error(NoGate());
  const serve::ConsentGateStats stats = consent_->Stats();
  return Reply::Json({{"enabled", stats.enabled},
                      {"consent_log", stats.consent_log},
                      {"consents", stats.consents},
                      {"revocations", stats.revocations},
                      {"takedowns", stats.takedowns},
                      {"restorations", stats.restorations},
                      {"publishes", stats.publishes},
                      {"segment_start", stats.segment_start},
                      {"segment_end", stats.segment_end},
                      {"tables", stats.tables},
                      {"slow_checks", stats.slow_checks},
                      {"last_build_ms", stats.last_build_ms}});
}

}  // namespace marquee::serve
