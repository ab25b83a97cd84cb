// GET /v1/members/{id}/homepage and POST /v1/page-config/reload.
#include <ctime>
#include <string>
#include <vector>

#include "marquee/serve/http/handlers.h"
#include "marquee/util/json_writer.h"

namespace marquee::serve {

namespace {

ApiError NoHomepage() { return {503, "homepage_disabled", "this server has no homepage service", "homepage"}; }

// The visible titles that get artwork: the first `columns` of every row, in
// reading order, with where each is shown.
void VisibleForArtwork(const Homepage& home, uint32_t columns, std::vector<uint32_t>& titles,
                       std::vector<PagePlacement>& placements) {
  for (size_t r = 0; r < home.page.rows.size(); ++r) {
    const page::CandidateRow& row = home.page.rows[r].row;
    for (size_t c = 0; c < row.titles.size() && c < columns; ++c) {
      titles.push_back(row.titles[c].title);
      placements.push_back({home.page_id, row.row_id, static_cast<uint32_t>(r), static_cast<uint32_t>(c)});
    }
  }
}

void WriteRow(JsonWriter& out, const Dataset& dataset, const page::PageRow& shown, uint32_t position,
              std::span<const ArtworkChoice> artwork) {
  const page::CandidateRow& row = shown.row;
  out.BeginObject();
  out.Key("position").Uint(position);
  out.Key("row_id").String(row.row_id);
  out.Key("kind").String(page::RowKindName(row.kind));
  out.Key("title").String(row.heading);
  out.Key("reason").String(row.reason);
  if (row.anchor != page::kNoTitle) {
    out.Key("anchor").BeginObject();
    out.Key("title").String(dataset.titles.ExternalId(row.anchor));
    out.Key("name").String(dataset.catalog.titles()[row.anchor].name);
    out.EndObject();
  }
  if (row.genre >= 0) out.Key("genre").String(dataset.catalog.genres()[row.genre]);
  out.Key("value").Double(shown.value);
  out.Key("titles").BeginArray();
  for (size_t c = 0; c < row.titles.size(); ++c) {
    const uint32_t title = row.titles[c].title;
    out.BeginObject();
    out.Key("column").Uint(c);
    out.Key("title").String(dataset.titles.ExternalId(title));
    out.Key("name").String(dataset.catalog.titles()[title].name);
    out.Key("score").Double(row.titles[c].score);
    if (c < artwork.size()) {
      out.Key("artwork");
      WriteArtwork(out, dataset, artwork[c]);
    }
    out.EndObject();
  }
  out.EndArray();
  out.EndObject();
}

}  // namespace

Reply Handlers::MemberHomepage(std::string_view member_id, const QueryParams& params) {
  if (homepage_ == nullptr) return Reply::Error(NoHomepage());
  if (member_id.empty()) return Reply::Error(ApiError::BadField("member", "member: expected a non-empty id"));
  Parsed<HomepageRequest> request = ParseHomepageRequest(params, options_.default_territory, artwork_ != nullptr);
  if (!request.ok()) return Reply::Error(request.error());
  const bool with_artwork = request->artwork && request->artwork_columns > 0;
  // preview=true: the page the member would get, with no side effect (no
  // experiment, exposure or impression): the dashboard's look at a member.
  Parsed<bool> preview = ParseBoolParam(params, "preview", false);
  if (!preview.ok()) return Reply::Error(preview.error());
  ExperimentArm arm = *preview ? ExperimentArm{}
                               : ResolveExperiments(member_id, request->territory,
                                                    experiment::kRankingParameter | experiment::kPageParameter |
                                                        (with_artwork ? experiment::kArtworkParameter : 0));
  // Interleaving compares rankers on the recommendation list; its members'
  // pages are the server's, and this answer does not expose them to it.
  std::erase_if(arm.applied, [](const ExperimentArm::Applied& a) { return a.interleaving(); });
  arm.interleaving = nullptr;
  Result<Homepage> home = homepage_->ForMember(member_id, request->query, {arm.model, arm.page_config});
  if (!home.ok()) return Reply::Error(FromStatus(home.status()));
  const std::unique_ptr<ExposureClaim> exposures = *preview ? nullptr : ClaimExposures(member_id, arm);
  const Dataset& dataset = *home->model().dataset;

  // Artwork only for what the member sees first, each impression logged with
  // its place on the page (durable before the page is answered).
  std::vector<ArtworkChoice> artwork;
  std::vector<size_t> row_start;  // index into `artwork` of each row's first choice
  if (with_artwork) {
    std::vector<uint32_t> titles;
    std::vector<PagePlacement> placements;
    VisibleForArtwork(*home, request->artwork_columns, titles, placements);
    Parsed<std::vector<ArtworkChoice>> chosen =
        *preview ? PreviewArtwork(member_id, titles, request->territory, &home->live_history)
                 : ChooseArtwork(member_id, titles, request->territory, &home->live_history,
                                 {.placements = placements, .arm = &arm, .exposures = exposures.get()});
    if (!chosen.ok()) return Reply::Error(chosen.error());
    artwork = std::move(*chosen);
  } else if (*preview) {
    // Nothing to log.
  } else if (std::optional<ApiError> error = LogWithoutArtwork(member_id, {}, {.exposures = exposures.get()})) {
    return Reply::Error(*error);
  }
  JsonWriter out;
  out.BeginObject();
  if (!arm.applied.empty()) WriteExperiments(out, arm);
  out.Key("member").String(member_id);
  out.Key("page_id").String(home->page_id);
  out.Key("model_version").String(home->model().version());
  out.Key("personalized").Bool(!home->fallback);
  out.Key("fallback").Bool(home->fallback);
  if (home->fallback) out.Key("fallback_reason").String(home->fallback_reason);
  out.Key("region").String(request->query.region);
  out.Key("device").String(request->device);
  out.Key("per_row").Uint(home->per_row);
  out.Key("rows").BeginArray();
  size_t next = 0;
  for (size_t r = 0; r < home->page.rows.size(); ++r) {
    const size_t with_artwork = artwork.empty() ? 0
        : std::min<size_t>(home->page.rows[r].row.titles.size(), request->artwork_columns);
    WriteRow(out, dataset, home->page.rows[r], static_cast<uint32_t>(r),
             std::span<const ArtworkChoice>(artwork).subspan(next, with_artwork));
    next += with_artwork;
  }
  out.EndArray();
  out.EndObject();
  return {200, out.Take(), "application/json"};
}

Reply Handlers::ReloadPageConfig(std::string_view authorization, std::string_view body) {
  if (auto refused = RefuseUnauthorized(authorization)) return *refused;
  if (homepage_ == nullptr) return Reply::Error(NoHomepage());
  Parsed<std::optional<std::string>> path = ParsePageConfigReloadRequest(body);
  if (!path.ok()) return Reply::Error(path.error());
  Result<std::shared_ptr<const page::PageConfig>> config = homepage_->ReloadConfig(*path);
  if (!config.ok()) {
    ApiError error = FromStatus(config.status(), "page_config");
    // A file that cannot be read is the caller's path, not a server fault.
    if (config.status().code() == Status::Code::kIOError) {
      error.http_status = 400;
      error.code = "invalid_argument";
    }
    error.message = "reload refused, the previous page configuration keeps serving: " + error.message;
    return Reply::Error(error);
  }
  std::vector<std::string> kinds;
  for (const page::RowSpec& spec : (*config)->rows) kinds.emplace_back(page::RowKindName(spec.kind));
  return Reply::Json({{"source", (*config)->source}, {"rows", kinds}});
}

}  // namespace marquee::serve
