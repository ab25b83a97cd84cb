#include "marquee/serve/http/openapi.h"

#include <string>

#include "marquee/serve/http/json_request.h"

namespace marquee::serve {

namespace {

using nlohmann::json;

json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json JsonContent(const json& schema) { return {{"application/json", {{"schema", schema}}}}; }

json Reply(const std::string& description, const std::string& schema) {
  return {{"description", description}, {"content", JsonContent(Ref(schema))}};
}

json Param(const std::string& name, const std::string& in, const json& schema,
           const std::string& description, bool required = false) {
  return {{"name", name}, {"in", in}, {"required", required || in == "path"},
          {"schema", schema}, {"description", description}};
}

json KParam() {
  return Param("k", "query", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxK}, {"default", kDefaultK}},
               "how many titles");
}

// Every operation may fail with the common error body.
json Operation(const std::string& summary, json responses) {
  responses["4XX"] = Reply("bad request: the error names the field", "Error");
  responses["5XX"] = Reply("the server failed", "Error");
  return {{"summary", summary}, {"responses", std::move(responses)}};
}

json Schemas() {
  json string = {{"type", "string"}};
  json artwork = {{"type", "object"},
                  {"nullable", true},
                  {"description", "the variant shown, logged as an impression; null when the title has none; "
                                  "{title_card: true, reason} when the consent gate found no variant eligible"},
                  {"properties",
                   {{"id", string}, {"propensity", {{"type", "number"}}}, {"impression_id", string},
                    {"ai_disclosure", {{"type", "object"},
                                       {"properties", {{"required", {{"type", "boolean"}}}, {"text", string},
                                                       {"basis", string}}}}},
                    {"title_card", {{"type", "boolean"}}}, {"reason", string}}}};
  json item = {{"type", "object"},
               {"properties",
                {{"rank", {{"type", "integer"}}}, {"title", string}, {"name", string},
                 {"score", {{"type", "number"}}}, {"artwork", artwork}}}};
  json artwork_list = {
      {"type", "object"},
      {"properties",
       {{"member", string}, {"policy", string},
        {"artwork", {{"type", "array"},
                     {"items", {{"type", "object"}, {"properties", {{"title", string}, {"artwork", artwork}}}}}}}}}};
  json list = {{"type", "object"},
               {"properties",
                {{"member", string}, {"title", string}, {"model_version", string},
                 {"retrieval", {{"type", "string"}, {"enum", {"exact", "hnsw", "popularity"}}}},
                 {"fallback", {{"type", "boolean"}}}, {"fallback_reason", string},
                 {"recommendations", {{"type", "array"}, {"items", item}}}}}};
  const json position = {{"type", "integer"}, {"minimum", 0}, {"maximum", 4294967295u}};
  json placement = {
      {"type", "object"},
      {"required", {"page_id", "row_id", "row", "column"}},
      {"additionalProperties", false},
      {"properties", {{"page_id", string}, {"row_id", string}, {"row", position}, {"column", position}}}};
  json event = {{"type", "object"},
                {"required", {"kind", "member", "title"}},
                {"additionalProperties", false},
                {"properties",
                 {{"kind", {{"type", "string"}, {"enum", {"play", "rating", "impression", "click"}}}},
                  {"member", string}, {"title", string},
                  {"time", {{"type", "integer"}, {"description", "epoch seconds; default now"}}},
                  {"watch_fraction", {{"type", "number"}, {"exclusiveMinimum", 0}, {"maximum", 1}}},
                  {"rating", {{"type", "number"}}}, {"artwork", string},
                  {"propensity", {{"type", "number"}, {"exclusiveMinimum", 0}, {"maximum", 1}}},
                  {"impression_id", string},
                  // Impressions only (ValidateEvent): the gate's eligible set and the page position.
                  {"eligible", {{"type", "array"}, {"items", string}}},
                  {"placement", placement}}}};
  json error = {{"type", "object"},
                {"properties",
                 {{"error",
                   {{"type", "object"},
                    {"properties", {{"code", string}, {"message", string}, {"field", string}}}}}}}};
  json model = {{"type", "object"},
                {"properties",
                 {{"name", string}, {"version", string}, {"dir", string},
                  {"parameters", {{"type", "object"}, {"additionalProperties", string}}},
                  {"trained_at", {{"type", "integer"}}}, {"loaded_at", {{"type", "integer"}}},
                  {"titles", {{"type", "integer"}}}, {"added_titles", {{"type", "integer"}}},
                  {"members", {{"type", "integer"}}}}}};
  return {{"RecommendationList", list}, {"ArtworkList", artwork_list}, {"Event", event},
          {"Error", error}, {"Model", model}};
}

json Paths() {
  json paths;
  paths["/v1/members/{id}/recommendations"]["get"] = Operation(
      "Top-k titles for a member (fold-in of plays logged since training). With no member signal -- an "
      "unknown member, a member with only impressions or clicks, or one none of whose plays or ratings the "
      "model counts as a positive -- the most watched titles, with fallback true, retrieval \"popularity\" "
      "and a fallback_reason",
      {{"200", Reply("the ranked titles", "RecommendationList")}});
  paths["/v1/members/{id}/recommendations"]["get"]["parameters"] = {
      Param("id", "path", {{"type", "string"}}, "member id"), KParam(),
      Param("exclude_watched", "query", {{"type", "boolean"}, {"default", true}}, "leave out watched titles"),
      Param("genre", "query", {{"type", "string"}}, "only this genre (repeatable: any of them)"),
      Param("region", "query", {{"type", "string"}}, "only titles available here"),
      Param("maturity", "query", {{"type", "string"}}, "at most this rating (G, PG, PG-13, R, TV-MA, ...)"),
      Param("artwork", "query", {{"type", "boolean"}, {"default", true}},
            "choose each title's artwork (logged as impressions before the answer)"),
      Param("preview", "query", {{"type", "boolean"}, {"default", false}},
            "a look at what the member would get, with no side effect: no experiment, no exposure, no "
            "impression; the artwork is the policy's choice now, without an impression id")};

  paths["/v1/members/{id}/homepage"]["get"] = Operation(
      "The member's homepage (docs/homepage.md): rows chosen and ordered for the member (continue watching, "
      "top picks, because you watched, trending, popular in the region, new releases, genre rows), a title "
      "once in the visible area, every title available in the region and within the maturity limit. Artwork "
      "for the first artwork_columns titles of each row, logged as impressions with their placement (page_id, "
      "row_id, row, column) before the answer. An unknown member gets the popular page with fallback true and "
      "a fallback_reason",
      {{"200", {{"description", "member, page_id, model_version, personalized, fallback, fallback_reason?, "
                                "region, device, per_row, rows: [{position, row_id, kind, title, reason, anchor?: "
                                "{title, name}, genre?, value, titles: [{column, title, name, score, artwork?}]}]"}}},
       {"400", Reply("a parameter out of range or unknown (named in field)", "Error")}});
  paths["/v1/members/{id}/homepage"]["get"]["parameters"] = {
      Param("id", "path", {{"type", "string"}}, "member id"),
      Param("rows", "query", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxPageRows}},
            "rows on the page (default: the page configuration's)"),
      Param("per_row", "query", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxPagePerRow}},
            "titles per row (default: the page configuration's)"),
      Param("region", "query", {{"type", "string"}}, "ISO 3166 code: only titles available here; the consent "
                                                     "territory of the artwork"),
      Param("maturity", "query", {{"type", "string"}}, "at most this rating (G, PG, PG-13, R, TV-MA, ...)"),
      Param("exclude", "query", {{"type", "string"}}, "comma-separated title ids the member excluded"),
      Param("device", "query", {{"type", "string"}, {"enum", {"tv", "web", "mobile", "tablet"}}}, "echoed"),
      Param("artwork", "query", {{"type", "boolean"}, {"default", true}}, "choose artwork for the visible titles"),
      Param("artwork_columns", "query",
            {{"type", "integer"}, {"minimum", 0}, {"maximum", kMaxPagePerRow}, {"default", kDefaultArtworkColumns}},
            "leading titles of each row that get artwork (the visible part)"),
      Param("preview", "query", {{"type", "boolean"}, {"default", false}},
            "the page the member would get, with no side effect (no experiment, exposure or impression)")};
  paths["/v1/page-config/reload"]["post"] = Operation(
      "Reads the page configuration (the body's path, or the current file again) and swaps it in for the "
      "next requests (admin). A refused file leaves the previous configuration serving; the error names the "
      "file, line and field",
      {{"200", {{"description", "source and the row kinds configured"}}},
       {"400", Reply("the file was refused", "Error")}});

  paths["/v1/members/{id}/artwork"]["get"] = Operation(
      "The artwork variant to show a member for each title, with its propensity and impression id "
      "(logged before the answer; rewards arrive as plays or clicks through /v1/events)",
      {{"200", Reply("one choice a title", "ArtworkList")}, {"404", Reply("a title is not in the catalog", "Error")}});
  paths["/v1/members/{id}/artwork"]["get"]["parameters"] = {
      Param("id", "path", {{"type", "string"}}, "member id"),
      Param("titles", "query", {{"type", "string"}}, "comma-separated title ids (1 to " + std::to_string(kMaxArtworkTitles) + ")", true)};
  paths["/v1/artwork/policy"]["get"] = Operation(
      "The artwork policy and its online learning counters (including everything acknowledged before the "
      "request, unless the learner is more than a second behind)",
      {{"200", {{"description", "policy, decisions, updates, rewarded, pending, evicted, learn_queue_depth (calls "
                       "waiting for the learner), learn_dropped (calls dropped because its queue was full), and "
                       "snapshot: null without "
                       "--policy-snapshot, else {path, restored, written, last_time (unix seconds or null), "
                       "refused and last_error when there are}"}}}});

  json history_body = {{"type", "object"},
                       {"required", {"history"}},
                       {"properties",
                        {{"history", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                         {"k", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxK}}},
                         {"genre", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                         {"region", {{"type", "string"}}}, {"maturity", {{"type", "string"}}},
                         {"artwork", {{"type", "boolean"}, {"default", false}}},
                         {"session_id", {{"type", "string"}}}}}};
  paths["/v1/recommendations"]["post"] = Operation(
      "Top-k titles for a history the model never saw (fold-in). An empty history is not an error: it "
      "gets the most watched titles with fallback true, retrieval \"popularity\" and a fallback_reason. "
      "Any title id not in the catalog is a 400 with code unknown_titles and field history. With artwork "
      "true each title carries the artwork policy's choice, logged as an impression under session_id "
      "(required then)",
      {{"200", Reply("the ranked titles", "RecommendationList")}});
  paths["/v1/recommendations"]["post"]["requestBody"] = {{"required", true},
                                                         {"content", JsonContent(history_body)}};

  paths["/v1/titles/{id}/similar"]["get"] =
      Operation("Titles similar to a title. A title the model was trained on no positive for has none: "
                "the most watched titles, with fallback true, retrieval \"popularity\" and a fallback_reason",
                {{"200", Reply("the ranked titles", "RecommendationList")}});
  paths["/v1/titles/{id}/similar"]["get"]["parameters"] = {
      Param("id", "path", {{"type", "string"}}, "title id"), KParam()};

  json events_body = {{"oneOf", {Ref("Event"),
                                 {{"type", "object"},
                                  {"properties", {{"events", {{"type", "array"}, {"items", Ref("Event")}}}}}}}}};
  paths["/v1/events"]["post"] = Operation(
      "Log events; answers once they are durable",
      {{"200", {{"description", "accepted"},
                {"content", JsonContent({{"type", "object"},
                                         {"properties", {{"accepted", {{"type", "integer"}}}}}})}}},
       {"413", Reply("body larger than the limit", "Error")}});
  paths["/v1/events"]["post"]["requestBody"] = {{"required", true}, {"content", JsonContent(events_body)}};

  paths["/v1/models"]["get"] = Operation("The model being served", {{"200", Reply("the model", "Model")}});
  // The dashboard (issue 16 §2): the page at / and the JSON it polls.
  paths["/v1/stats"]["get"] = Operation(
      "What the dashboard polls: the model and its swap history, per-route request counts and latency "
      "histograms (latency_buckets: upper bounds in seconds, then +Inf), events ingested, artwork counters",
      {{"200", {{"description", "counters since the server started"},
                {"content", JsonContent({{"type", "object"}})}}}});
  paths["/"]["get"] = Operation("The dashboard (HTML; its files under /dashboard/)",
                                {{"200", {{"description", "the page"}}}});
  paths["/v1/models/reload"]["post"] = Operation(
      "Load the model directory again (or another one) and swap it in; the old model serves on failure",
      {{"200", Reply("the model now served", "Model")}, {"401", Reply("admin token missing or wrong", "Error")}});
  paths["/v1/models/reload"]["post"]["requestBody"] = {
      {"required", false},
      {"content", JsonContent({{"type", "object"}, {"properties", {{"model", {{"type", "string"}}}}}})}};
  paths["/v1/models/reload"]["post"]["security"] = {{{"bearer", json::array()}}};

  // New titles while serving (issue 15 §2): JSON lines, one title a line.
  const json string = {{"type", "string"}};
  const json added_title = {{"type", "object"},
                            {"properties",
                             {{"title", string}, {"features", {{"type", "integer"}}},
                              {"unknown", {{"type", "array"}, {"items", string}}}}}};
  paths["/v1/titles"]["post"] = Operation(
      "Add titles nobody has played yet (admin): each gets the vector its metadata maps to, is logged durably and "
      "is recommended from the next request; no retraining",
      {{"201", {{"description", "added"},
                {"content", JsonContent({{"type", "object"},
                                         {"properties",
                                          {{"added", {{"type", "array"}, {"items", added_title}}},
                                           {"model", Ref("Model")}}}})}}},
       {"400", Reply("a title refused: the line and field, and what was expected", "Error")},
       {"401", Reply("admin token missing or wrong", "Error")},
       {"409", Reply("a title id the catalog has already", "Error")},
       {"422", Reply("the served model has no title factors to map into (not a factor model)", "Error")}});
  paths["/v1/titles"]["post"]["requestBody"] = {
      {"required", true},
      {"content",
       {{"application/x-ndjson",
         {{"schema",
           {{"type", "string"},
            {"description", "one JSON object a line: {\"title\": ID, \"name\", \"genres\": [..], \"year\", "
                            "\"maturity\", \"runtime_minutes\", \"performers\": [..], \"tags\": [..]}"}}}}}}}};
  paths["/v1/titles"]["post"]["security"] = {{{"bearer", json::array()}}};

  // The consent gate and the ledger (admin: Authorization: Bearer <token>).
  const json object = {{"type", "object"}};
  auto admin_post = [&](const std::string& path, const std::string& summary, bool body_required) {
    paths[path]["post"] = Operation(summary, {{"201", {{"description", "stored, durable and in force"},
                                                       {"content", JsonContent(object)}}},
                                              {"401", Reply("admin token missing or wrong", "Error")}});
    paths[path]["post"]["requestBody"] = {{"required", body_required}, {"content", JsonContent(object)}};
    paths[path]["post"]["security"] = {{{"bearer", json::array()}}};
  };
  admin_post("/v1/performers", "A performer's facts: birth date, death date, representative", true);
  admin_post("/v1/consents", "A consent record (consent_json.h); refusals name the field", true);
  admin_post("/v1/consents/{id}/revoke", "Revoke a consent: {effective_at?, reason?}", false);
  admin_post("/v1/takedowns", "A takedown notice: performer, material, contact", true);
  admin_post("/v1/takedowns/{id}/restore", "Restore taken-down material (no sooner than 14 days)", false);
  auto admin_get = [&](const std::string& path, const std::string& summary) {
    paths[path]["get"] = Operation(summary, {{"200", {{"description", "ok"}, {"content", JsonContent(object)}}},
                                             {"401", Reply("admin token missing or wrong", "Error")}});
    paths[path]["get"]["security"] = {{{"bearer", json::array()}}};
  };
  admin_get("/v1/consents/gate", "The consent gate's counters");
  admin_get("/v1/performers/{id}/statement",
            "A performer's statement from the ledger; ?from=YYYY-MM-DD&to=YYYY-MM-DD (inclusive)");
  admin_get("/v1/titles/{id}/exposure", "A title's exposure: hours, views, the bonus metric; ?agreement=");

  // Experiments (docs/experiments.md). The member routes name the experiments
  // that shaped an answer in its "experiments" key: [{experiment, cell}], or
  // [{experiment, method: "interleaving"}] (teams are never revealed).
  paths["/v1/experiments"]["post"] = Operation(
      "Create an experiment (a spec as docs/experiments.md; admin). Each cell's model, artwork policy and page "
      "configuration is loaded first: one that does not load is refused here, naming cells[i].FIELD",
      {{"201", {{"description", "the experiment as placed: the spec, bucket_range, stopped_at, status"},
                {"content", JsonContent(object)}}},
       {"400", Reply("refused, naming the field", "Error")},
       {"401", Reply("admin token missing or wrong", "Error")}});
  paths["/v1/experiments"]["post"]["requestBody"] = {{"required", true}, {"content", JsonContent(object)}};
  paths["/v1/experiments"]["post"]["security"] = {{{"bearer", json::array()}}};
  admin_get("/v1/experiments",
            "Every stored experiment with its status (scheduled, running, stopped, ended, or not_serving with "
            "the error when its variants no longer load)");
  paths["/v1/experiments/{id}/stop"]["post"] = Operation(
      "Stop an experiment now (admin): nobody is allocated from then on",
      {{"200", {{"description", "the experiment, stopped"}, {"content", JsonContent(object)}}},
       {"400", Reply("it has ended or was stopped already", "Error")},
       {"404", Reply("no experiment of that name", "Error")},
       {"401", Reply("admin token missing or wrong", "Error")}});
  paths["/v1/experiments/{id}/stop"]["post"]["security"] = {{{"bearer", json::array()}}};
  paths["/v1/experiments/{id}/report"]["get"] = Operation(
      "An experiment's report so far (admin), as `marquee experiment report --json`: A/B lift per metric with "
      "its interval, or interleaving's preference share",
      {{"200", {{"description", "the report"}, {"content", JsonContent({{"type", "object"}})}}},
       {"401", Reply("admin token missing or wrong", "Error")},
       {"404", Reply("no experiment of that name", "Error")},
       {"409", Reply("the experiment has not started", "Error")}});
  paths["/v1/experiments/{id}/report"]["get"]["security"] = {{{"bearer", json::array()}}};

  paths["/healthz"]["get"] = Operation(
      "Liveness", {{"200", {{"description", "ok"},
                            {"content", JsonContent({{"type", "object"},
                                                     {"properties", {{"status", {{"type", "string"}}}}}})}}}});
  paths["/metrics"]["get"] = Operation(
      "Prometheus metrics", {{"200", {{"description", "text format 0.0.4"},
                                      {"content", {{"text/plain", {{"schema", {{"type", "string"}}}}}}}}}});
  paths["/openapi.json"]["get"] =
      Operation("This document", {{"200", {{"description", "an OpenAPI 3 document"}}}});
  return paths;
}

}  // namespace

json OpenApiDocument() {
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "Marquee"}, {"version", "0.1.0"},
                    {"description", "Recommendations, similar titles and event ingestion for a video service. Every answer is whole "
                     "and unencoded: Range and Accept-Encoding request headers are ignored on every route; a request "
                     "body with a Content-Encoding other than identity is refused (415, field Content-Encoding), one "
                     "with Transfer-Encoding (chunked) is refused (411, field Transfer-Encoding: send Content-Length), "
                     "and a Range header that cannot be parsed as bytes ranges is refused (416, field Range)."}}},
          {"paths", Paths()},
          {"components",
           {{"schemas", Schemas()},
            {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}}};
}

}  // namespace marquee::serve
