// marquee homepage --model MODEL_DIR --data DATASET --member ID [--rows N] [--per-row N]
//                  [--region R] [--maturity M] [--config page.yaml] [--now YYYY-MM-DD]
//                  [--html OUT.html] [--json OUT.json]
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/data/title_filter.h"
#include "marquee/models/model_file.h"
#include "marquee/ranking/ranker_file.h"
#include "marquee/page/page_builder.h"
#include "marquee/page/page_sources.h"
#include "marquee/util/civil_time.h"
#include "marquee/util/json_fields.h"
#include "member_page.h"
#include "number_flags.h"
#include "output_file.h"
#include "page_render.h"
#include "split_flags.h"

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

// CandidateMask treats every region alike (a title without regions is
// everywhere), so a misspelt region would silently show the unrestricted
// titles only; refuse a region that no title of the catalog names. Exactly
// as the catalog spells it, as GET /v1/members/{id}/homepage does: "de" is
// refused rather than shown as "Popular in de".
Status CheckRegion(const page::CatalogIndex& index, const std::string& region) {
  if (region.empty() || index.KnowsRegion(region)) return Status::OK();
  return Status::InvalidArgument(fmt::format("--region: {} is not a region of the catalog (expected one of: {})",
                                             QuoteForError(region), fmt::join(index.regions(), ", ")));
}

Result<std::vector<uint8_t>> AllowedTitles(const page::CatalogIndex& index, const HomepageArgs& args) {
  MARQUEE_RETURN_IF_ERROR(CheckRegion(index, args.region));
  Result<std::vector<uint8_t>> mask =
      CandidateMask(index.catalog(), {.region = args.region, .max_maturity = args.maturity});
  if (!mask.ok()) return Status::InvalidArgument("--maturity: " + mask.status().message());
  return mask;
}

// --now as epoch seconds; without it the dataset's latest interaction (the
// page as it would have looked when the data ends), or the clock for data
// without times. --now moves only the rows' time windows, the model and
// trending counts stay those of all the data, so a date before the data
// begins would be a page of the future's scores: refused.
Result<int64_t> PageTime(const Dataset& dataset, const std::string& now) {
  std::span<const int64_t> times = dataset.interactions.times();
  if (!now.empty()) {
    MARQUEE_ASSIGN_OR_RETURN(int64_t at, ParseDate(now, "--now"));
    if (times.empty()) return at;
    const int64_t first_day = UnixDay(*std::min_element(times.begin(), times.end()));
    if (UnixDay(at) < first_day) {
      return Status::InvalidArgument("--now: " + now + " is before the data's first interaction (" +
                                     FormatCivilDate(first_day) + ")");
    }
    return at;
  }
  if (!times.empty()) return dataset.interactions.LatestTime();
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
  const size_t rows = page.rows.size();
  return line + fmt::format("\n{}; config {}; as of {}; {} {}\n\n", where, config.source,
                            FormatCivilDate(UnixDay(now)), rows, rows == 1 ? "row" : "rows");
}

Status WriteFiles(const HomepageArgs& args, const page::Page& page, const Dataset& dataset,
                  const PageJsonHeader& header) {
  if (!args.html.empty()) {
    std::string subtitle =
        page.personalized ? "" : "not personalized: member " + args.member + " is unknown; the popular page";
    std::string html = RenderPageHtml(page, dataset, args.member, subtitle);
    MARQUEE_RETURN_IF_ERROR(WriteOutput(args.html, [&](std::FILE* f) { std::fputs(html.c_str(), f); }));
  }
  if (!args.json.empty()) {
    std::string text = json_fields::Dump(PageJson(page, dataset, header), 2) + "\n";
    MARQUEE_RETURN_IF_ERROR(WriteOutput(args.json, [&](std::FILE* f) { std::fputs(text.c_str(), f); }));
  }
  return Status::OK();
}

int RunHomepage(const HomepageArgs& args) {
  Result<page::PageConfig> config = PageConfigFor(args);
  if (!config.ok()) return ReportError(kCommand, config.status());
  Result<Dataset> dataset = LoadDataset(args.data);
  if (!dataset.ok()) return ReportError(kCommand, dataset.status());
  Result<LoadedModel> model = LoadAnyModel(args.model);
  if (!model.ok()) return ReportError(kCommand, model.status());
  Status match = CheckModelMatchesDataset(*model, *dataset, args.model);
  if (!match.ok()) return ReportError(kCommand, match);
  Result<int64_t> now = PageTime(*dataset, args.now);
  if (!now.ok()) return ReportError(kCommand, now.status());

  // Score with the history the model was trained on (positives only when it
  // was trained with --min-rating), as `recommend` does.
  const InteractionMatrix& all = dataset->interactions;
  InteractionMatrix history = model->info.has_min_rating ? all.KeepAtLeast(model->info.min_rating) : all;
  page::PageSourcesOptions options;
  options.title_positives = history.ColumnCounts();
  page::PageSources sources(*dataset, *model->model, *config, std::move(options));
  Result<std::vector<uint8_t>> allowed = AllowedTitles(sources.index(), args);
  if (!allowed.ok()) return ReportError(kCommand, allowed.status());
  MemberInputs member = ForMember(*model->model, *dataset, history, sources, dataset->members.Find(args.member));

  page::PageInputs in = member.At(sources, *allowed, *now);
  in.region = args.region;
  page::AssembleRequest request{
      .rows = args.rows_option->count() ? args.rows : config->rules.rows,
      .per_row = args.per_row_option->count() ? args.per_row : config->rules.per_row};
  page::Page page = page::PageBuilder(*config).Build(in, request);

  // The files first: a page that could not be written is not printed as if all went well.
  const PageJsonHeader header{.member = args.member,
                              .region = args.region,
                              .per_row = request.per_row,
                              .now = *now,
                              .config_source = config->source,
                              .fallback_reason = "unknown member: not in the dataset"};
  Status written = WriteFiles(args, page, *dataset, header);
  if (!written.ok()) return ReportError(kCommand, written);
  std::string text = Summary(args, *model, *config, page, *now) + RenderPageText(page, *dataset);
  written = WriteOutput("", [&](std::FILE* f) { std::fputs(text.c_str(), f); });
  if (!written.ok()) return ReportError(kCommand, written);
  return 0;
}

// Refuses an empty value: `--member ''` would otherwise be taken as an
// unknown member and quietly get the popular page.
CLI::Validator NonEmpty(const std::string& what) {
  return CLI::Validator(
      [what](std::string& text) { return text.empty() ? "expected " + what + ", found an empty value" : ""; },
      "NONEMPTY");
}

}  // namespace

Command AddHomepageCommand(CLI::App& root) {
  auto* app =
      root.add_subcommand("homepage", "One member's homepage: rows of titles, each with why it is there");
  auto args = std::make_shared<HomepageArgs>();
  app->add_option("--model", args->model, "model directory (from marquee train)")->required();
  app->add_option("--data", args->data, "the dataset the model was trained on")->required();
  app->add_option("--member", args->member, "member id (unknown: the non-personalized, popular page)")
      ->required()
      ->check(NonEmpty("a member id"));
  args->rows_option = app->add_option("--rows", args->rows, "rows on the page (default: the config's, 10)")
                          ->check(WholeNumber(1, 100));
  args->per_row_option =
      app->add_option("--per-row", args->per_row, "titles shown per row (default: the config's, 20)")
          ->check(WholeNumber(1, 200));
  app->add_option("--region", args->region,
                  "only titles available in this region, as the catalog spells it (e.g. DE)");
  app->add_option("--maturity", args->maturity,
                  "only titles rated at most this (G, PG, PG-13, R, TV-MA, ...)");
  app->add_option("--config", args->config, "page configuration, YAML (docs/homepage.md); default: built in");
  app->add_option("--now", args->now,
                  "the date the page is built for, YYYY-MM-DD (default: the data's last); it moves the "
                  "rows' time windows (continue watching, because you watched, new releases) only: the "
                  "model's scores and trending counts are those of the whole dataset");
  app->add_option("--html", args->html, "also write the page as a self-contained HTML file");
  app->add_option("--json", args->json, "also write the page as JSON");
  return {app, [args]() { return RunHomepage(*args); }};
}

}  // namespace marquee::cli
