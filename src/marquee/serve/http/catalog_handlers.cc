// POST /v1/titles (issue 15 §2): titles nobody has played yet join the
// catalog while the server runs, each with the vector its metadata maps to,
// durable in the event store's title log before the answer.
#include <ctime>

#include "marquee/data/new_title_json.h"
#include "marquee/serve/http/handlers.h"

namespace marquee::serve {

Reply Handlers::PostTitles(std::string_view authorization, std::string_view body) {
  if (auto refused = RefuseUnauthorized(authorization)) return *refused;
  // Genres and performers are the trained catalog's, shared by every model's.
  Result<std::vector<NewTitle>> titles = ParseNewTitles(body, "body", models_.dataset().catalog, kMaxNewTitles);
  if (!titles.ok()) {
    ApiError error = FromStatus(titles.status(), titles.status().field().empty() ? "body" : "");
    return Reply::Error(error);
  }
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  std::vector<AddedTitleRecord> records;
  records.reserve(titles->size());
  for (const NewTitle& t : *titles) records.push_back({t.title_id, t.definition, now});
  // Logged (fsync) after the new model is built and before it serves: an
  // acknowledged title is served again after a restart, and a refused one
  // is neither logged nor served.
  Result<ModelStore::TitlesAdded> added =
      models_.AddTitles(*titles, [&]() -> Status { return events_.AppendAddedTitles(records); });
  if (!added.ok()) {
    ApiError error = FromStatus(added.status(), added.status().code() == Status::Code::kUnsupported ? "model" : "");
    if (error.field.empty() && added.status().code() == Status::Code::kAlreadyExists) error.field = "title";
    error.message = "no title added: " + error.message;
    return Reply::Error(error);
  }
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < titles->size(); ++i) {
    const NewTitle& t = (*titles)[i];
    list.push_back({{"title", t.title_id}, {"features", added->feature_counts[i]}, {"unknown", t.unknown}});
  }
  return Reply::Json({{"added", std::move(list)}, {"model", ModelJson(*added->model)}}, 201);
}

}  // namespace marquee::serve
