// marquee recommend --model MODEL_DIR --data DATASET --members all|FILE --k 20 --format csv|json
#include <cstdio>
#include <nlohmann/json.hpp>
#include <fstream>

#include "marquee/util/json_fields.h"
#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/data/title_filter.h"
#include "marquee/models/model_file.h"
#include "marquee/ranking/ranker_file.h"
#include "marquee/models/recommend.h"
#include "output_file.h"
#include "progress_bar.h"

namespace marquee::cli {

namespace {
struct RecommendArgs {
  std::string model;
  std::string data;
  std::string members = "all";
  uint32_t k = RecommendOptions{}.k;
  std::string format = "csv";
  std::string out;
  TitleFilter filter;
};

// Members named one a line in `path` (blank lines and '#' comments skipped).
Result<std::vector<uint32_t>> ReadMemberList(const std::string& path, const IdMap& members) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(path + ": cannot open the member list");
  std::vector<uint32_t> out;
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    uint32_t m = members.Find(line);
    if (m == IdMap::kNotFound) {
      return Status::NotFound(path + ":" + std::to_string(number) +
                              ": expected a member of the dataset, found " + QuoteForError(line));
    }
    out.push_back(m);
  }
  return out;
}

void WriteCsv(std::FILE* f, const Dataset& d, std::span<const uint32_t> members,
              const std::vector<std::vector<ScoredTitle>>& lists) {
  std::fputs("member,rank,title,score\n", f);
  for (size_t i = 0; i < members.size(); ++i) {
    std::string_view member = d.members.ExternalId(members[i]);
    for (size_t r = 0; r < lists[i].size(); ++r) {
      std::string_view title = d.titles.ExternalId(lists[i][r].title);
      std::fprintf(f, "%.*s,%zu,%.*s,%.6g\n", static_cast<int>(member.size()), member.data(),
                   r + 1, static_cast<int>(title.size()), title.data(), lists[i][r].score);
    }
  }
}

void WriteJson(std::FILE* f, const Dataset& d, std::span<const uint32_t> members,
               const std::vector<std::vector<ScoredTitle>>& lists) {
  // Streamed by hand: "all" members of a large service would be a huge DOM.
  std::fputs("[\n", f);
  for (size_t i = 0; i < members.size(); ++i) {
    nlohmann::json items = nlohmann::json::array();
    for (size_t r = 0; r < lists[i].size(); ++r) {
      items.push_back({{"rank", r + 1},
                       {"title", std::string(d.titles.ExternalId(lists[i][r].title))},
                       {"name", d.catalog.titles()[lists[i][r].title].name},
                       {"score", lists[i][r].score}});
    }
    nlohmann::json entry = {{"member", std::string(d.members.ExternalId(members[i]))},
                            {"recommendations", items}};
    std::fprintf(f, "  %s%s\n", json_fields::Dump(entry).c_str(), i + 1 < members.size() ? "," : "");
  }
  std::fputs("]\n", f);
}

int RunRecommend(const RecommendArgs& args) {
  Result<LoadedModel> model = LoadAnyModel(args.model);
  if (!model.ok()) return ReportError("recommend", model.status());
  Result<Dataset> dataset = LoadDataset(args.data);
  if (!dataset.ok()) return ReportError("recommend", dataset.status());
  Status match = CheckModelMatchesDataset(*model, *dataset, args.model);
  if (!match.ok()) return ReportError("recommend", match);

  std::vector<uint32_t> members;
  if (args.members == "all") {
    for (uint32_t m = 0; m < dataset->members.size(); ++m) members.push_back(m);
  } else {
    Result<std::vector<uint32_t>> list = ReadMemberList(args.members, dataset->members);
    if (!list.ok()) return ReportError("recommend", list.status());
    members = std::move(*list);
  }
  // Score with the history the model was trained on (positives only, when it
  // was trained with --min-rating); exclude everything the member has seen.
  const InteractionMatrix& seen = dataset->interactions;
  InteractionMatrix history =
      model->info.has_min_rating ? seen.KeepAtLeast(model->info.min_rating) : seen;
  Result<std::vector<uint8_t>> candidates = CandidateMask(dataset->catalog, args.filter);
  if (!candidates.ok()) return ReportError("recommend", candidates.status());
  RecommendOptions options{.k = args.k};
  if (!args.filter.empty()) options.candidates = *candidates;
  std::vector<std::vector<ScoredTitle>> lists =
      RecommendBatch(*model->model, history, members, options, TerminalProgress(), &seen);
  Status written = WriteOutput(args.out, [&](std::FILE* f) {
    if (args.format == "json") WriteJson(f, *dataset, members, lists);
    else WriteCsv(f, *dataset, members, lists);
  });
  if (!written.ok()) return ReportError("recommend", written);
  return 0;
}
}  // namespace

Command AddRecommendCommand(CLI::App& root) {
  auto* app = root.add_subcommand("recommend", "Top-k titles for members, with original ids");
  auto args = std::make_shared<RecommendArgs>();
  app->add_option("--model", args->model, "model directory (from marquee train)")->required();
  app->add_option("--data", args->data, "the dataset the model was trained on")->required();
  app->add_option("--members", args->members, "all, or a file with one member id a line")
      ->capture_default_str();
  app->add_option("--k", args->k, "titles per member")->check(CLI::Range(1, 1000))->capture_default_str();
  app->add_option("--format", args->format, "csv | json")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  app->add_option("--out", args->out, "write here instead of standard output");
  app->add_option("--genre", args->filter.genres, "only titles of this genre (repeatable: any of them)")
      ->group("Candidates");
  app->add_option("--region", args->filter.region, "only titles available in this region")
      ->group("Candidates");
  app->add_option("--maturity", args->filter.max_maturity,
                  "only titles rated at most this (G, PG, PG-13, R, TV-MA, ...)")
      ->group("Candidates");
  return {app, [args]() { return RunRecommend(*args); }};
}

}  // namespace marquee::cli
