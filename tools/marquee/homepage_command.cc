// marquee homepage --model MODEL_DIR --data DATASET --member ID [--rows N] [--per-row N]
//                  [--region R] [--maturity M] [--config page.yaml] [--now YYYY-MM-DD]
//                  [--html OUT.html] [--json OUT.json]
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <set>

#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/data/title_filter.h"
#include "marquee/models/model_file.h"
#include "marquee/page/page_builder.h"
#include "marquee/page/page_sources.h"
#include "marquee/util/civil_time.h"
#include "marquee/util/json_fields.h"
#include "output_file.h"
#include "member_page.h"
#include "page_render.h"

namespace marquee::cli {

namespace {

constexpr std::string_view kCommand = "homepage";

struct HomepageArgs {
  std::string model;
  std::string data;
  std::string member;
  uint32_t rows = 0;     // given only when rows_option was
  uint32_t per_row = 0;  // given only when per_row_option was
  CLI::Option* rows_option = nullptr;
  CLI::Option* per_row_option = nullptr;
  std::string region;
  std::string maturity;
  std::string config;
  std::string now;
  std::string html;
  std::string json;
};

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// CandidateMask treats every region alike (a title without regions is
// everywhere), so a misspelt region would silently show the unrestricted
// titles only; refuse a region that no title of the catalog names.
Status CheckRegion(const Catalog& catalog, const std::string& region) {
  if (region.empty()) return Status::OK();
  std::set<std::string> known;
  for (const Title& title : catalog.titles()) {
    for (const std::string& r : title.regions) known.insert(Upper(r));
  }
  if (known.empty() || known.contains(Upper(region))) return Status::OK();
  std::string list;
  for (const std::string& r : known) list += (list.empty() ? "" : ", ") + r;
  return Status::InvalidArgument("--region: " + QuoteForError(region) +
                                 " is not a region of the catalog (expected one of: " + list + ")");
}

Result<std::vector<uint8_t>> AllowedTitles(const Catalog& catalog, const HomepageArgs& args) {
  MARQUEE_RETURN_IF_ERROR(CheckRegion(catalog, args.region));
  Result<std::vector<uint8_t>> mask =
      CandidateMask(catalog, {.region = args.region, .max_maturity = args.maturity});
  if (!mask.ok()) return Status::InvalidArgument("--maturity: " + mask.status().message());
  return mask;
}

// --now as epoch seconds; without it the dataset's latest interaction (the
// page as it would have looked when the data ends), or the clock for data
// without times.
Result<int64_t> PageTime(const Dataset& dataset, const std::string& now) {
  if (!now.empty()) {
    std::optional<int64_t> days = ParseCivilDate(now);
    if (!days)
      return Status::InvalidArgument("--now: expected a date YYYY-MM-DD, found " + QuoteForError(now));
    return *days * kSecondsPerDay;
  }
  std::span<const int64_t> times = dataset.interactions.times();
  if (!times.empty()) return *std::max_element(times.begin(), times.end());
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<page::PageConfig> PageConfigFor(const HomepageArgs& args) {
  if (args.config.empty()) return page::DefaultPageConfig();
  return page::LoadPageConfig(args.config);
}

std::string Summary(const HomepageArgs& args, const LoadedModel& model, const page::PageConfig& config,
                    const page::Page& page, int64_t now) {
  std::string where = args.region.empty() ? "any region" : "region " + args.region;
  if (!args.maturity.empty()) where += ", maturity up to " + args.maturity;
  std::string line =
      page.personalized
          ? fmt::format("Homepage for member {} (personalized by {})", args.member, model.info.model)
          : fmt::format(
                "Homepage for member {} (not personalized: member {} is unknown; the "
                "popular page)",
                args.member, args.member);
  return line + fmt::format("\n{}; config {}; as of {}; {} rows\n\n", where, config.source,
                            FormatCivilDate(UnixDay(now)), page.rows.size());
}

Status WriteFiles(const HomepageArgs& args, const page::Page& page, const Dataset& dataset) {
  if (!args.html.empty()) {
    std::string subtitle =
        page.personalized ? "" : "not personalized: member " + args.member + " is unknown; the popular page";
    std::string html = RenderPageHtml(page, dataset, args.member, subtitle);
    MARQUEE_RETURN_IF_ERROR(WriteOutput(args.html, [&](std::FILE* f) { std::fputs(html.c_str(), f); }));
  }
  if (!args.json.empty()) {
    nlohmann::json j = PageJson(page, dataset);
    j["member"] = args.member;
    std::string text = json_fields::Dump(j, 2) + "\n";
    MARQUEE_RETURN_IF_ERROR(WriteOutput(args.json, [&](std::FILE* f) { std::fputs(text.c_str(), f); }));
  }
  return Status::OK();
}

int RunHomepage(const HomepageArgs& args) {
  Result<page::PageConfig> config = PageConfigFor(args);
  if (!config.ok()) return ReportError(kCommand, config.status());
  Result<Dataset> dataset = LoadDataset(args.data);
  if (!dataset.ok()) return ReportError(kCommand, dataset.status());
  Result<LoadedModel> model = LoadModel(args.model);
  if (!model.ok()) return ReportError(kCommand, model.status());
  Status match = CheckModelMatchesDataset(*model, *dataset, args.model);
  if (!match.ok()) return ReportError(kCommand, match);
  Result<std::vector<uint8_t>> allowed = AllowedTitles(dataset->catalog, args);
  if (!allowed.ok()) return ReportError(kCommand, allowed.status());
  Result<int64_t> now = PageTime(*dataset, args.now);
  if (!now.ok()) return ReportError(kCommand, now.status());

  // Score with the history the model was trained on (positives only when it
  // was trained with --min-rating), as `recommend` does.
  const InteractionMatrix& all = dataset->interactions;
  InteractionMatrix history = model->info.has_min_rating ? all.KeepAtLeast(model->info.min_rating) : all;
  page::PageSourcesOptions options;
  options.title_positives = history.ColumnCounts();
  page::PageSources sources(*dataset, *model->model, *config, std::move(options));
  MemberInputs member = ForMember(*model->model, *dataset, history, sources, dataset->members.Find(args.member));

  page::PageInputs in{.catalog = &dataset->catalog,
                      .index = &sources.index(),
                      .scores = member.scores,
                      .allowed = *allowed,
                      .seen = member.seen,
                      .plays = member.plays,
                      .similar = &sources.similar(),
                      .trending = &sources.trending(),
                      .region = args.region,
                      .now = *now,
                      .personalized = member.personalized};
  page::AssembleRequest request{
      .rows = args.rows_option->count() ? args.rows : config->rules.rows,
      .per_row = args.per_row_option->count() ? args.per_row : config->rules.per_row};
  page::Page page = page::PageBuilder(*config).Build(in, request);

  // The files first: a page that could not be written is not printed as if all went well.
  Status written = WriteFiles(args, page, *dataset);
  if (!written.ok()) return ReportError(kCommand, written);
  std::string text = Summary(args, *model, *config, page, *now) + RenderPageText(page, *dataset);
  written = WriteOutput("", [&](std::FILE* f) { std::fputs(text.c_str(), f); });
  if (!written.ok()) return ReportError(kCommand, written);
  return 0;
}

}  // namespace

Command AddHomepageCommand(CLI::App& root) {
  auto* app =
      root.add_subcommand("homepage", "One member's homepage: rows of titles, each with why it is there");
  auto args = std::make_shared<HomepageArgs>();
  app->add_option("--model", args->model, "model directory (from marquee train)")->required();
  app->add_option("--data", args->data, "the dataset the model was trained on")->required();
  app->add_option("--member", args->member, "member id (unknown: the non-personalized, popular page)")
      ->required();
  args->rows_option = app->add_option("--rows", args->rows, "rows on the page (default: the config's, 10)")
                          ->check(CLI::Range(1, 100));
  args->per_row_option =
      app->add_option("--per-row", args->per_row, "titles shown per row (default: the config's, 20)")
          ->check(CLI::Range(1, 200));
  app->add_option("--region", args->region, "only titles available in this region (e.g. DE)");
  app->add_option("--maturity", args->maturity,
                  "only titles rated at most this (G, PG, PG-13, R, TV-MA, ...)");
  app->add_option("--config", args->config, "page configuration, YAML (docs/homepage.md); default: built in");
  app->add_option("--now", args->now,
                  "the date the page is built for, YYYY-MM-DD (default: the data's last)");
  app->add_option("--html", args->html, "also write the page as a self-contained HTML file");
  app->add_option("--json", args->json, "also write the page as JSON");
  return {app, [args]() { return RunHomepage(*args); }};
}

}  // namespace marquee::cli
