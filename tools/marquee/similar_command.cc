// marquee similar --model MODEL_DIR --titles ID[,ID...] --k 20 [--data DATASET]
#include <cstdio>
#include <nlohmann/json.hpp>

#include "marquee/util/json_fields.h"
#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/models/model_file.h"
#include "marquee/ranking/ranker_file.h"
#include "marquee/models/recommend.h"
#include "model_flags.h"
#include "output_file.h"

namespace marquee::cli {

namespace {
struct SimilarArgs {
  std::string model;
  std::string titles;
  uint32_t k = RecommendOptions{}.k;
  std::string data;
  std::string format = "csv";
  std::string out;
};

int RunSimilar(const SimilarArgs& args) {
  Result<LoadedModel> model = LoadAnyModel(args.model);
  if (!model.ok()) return ReportError("similar", model.status());
  std::optional<Dataset> dataset;  // only for title names
  if (!args.data.empty()) {
    Result<Dataset> d = LoadDataset(args.data);
    if (!d.ok()) return ReportError("similar", d.status());
    Status match = CheckModelMatchesDataset(*model, *d, args.model);
    if (!match.ok()) return ReportError("similar", match);
    dataset = std::move(*d);
  }
  std::vector<uint32_t> titles;
  for (const std::string& id : SplitList(args.titles)) {
    uint32_t t = model->titles.Find(id);
    if (t == IdMap::kNotFound) {
      return ReportError("similar", Status::NotFound("--titles: " + QuoteForError(id) +
                                                     " is not a title the model knows"));
    }
    titles.push_back(t);
  }
  if (titles.empty()) {
    return ReportError("similar", Status::InvalidArgument("--titles: expected at least one title id"));
  }
  auto name = [&](uint32_t t) -> std::string {
    return dataset ? dataset->catalog.titles()[t].name : std::string();
  };
  Status written = WriteOutput(args.out, [&](std::FILE* f) {
    nlohmann::json all = nlohmann::json::array();
    if (args.format == "csv") std::fputs("title,rank,similar_title,score,name\n", f);
    for (uint32_t t : titles) {
      std::string id(model->titles.ExternalId(t));
      std::vector<ScoredTitle> similar = SimilarTitles(*model->model, t, args.k);
      nlohmann::json items = nlohmann::json::array();
      for (size_t r = 0; r < similar.size(); ++r) {
        std::string other(model->titles.ExternalId(similar[r].title));
        if (args.format == "csv") {
          std::fprintf(f, "%s,%zu,%s,%.6g,\"%s\"\n", id.c_str(), r + 1, other.c_str(),
                       similar[r].score, name(similar[r].title).c_str());
        } else {
          items.push_back({{"rank", r + 1}, {"title", other}, {"name", name(similar[r].title)},
                           {"score", similar[r].score}});
        }
      }
      if (args.format == "json") all.push_back({{"title", id}, {"name", name(t)}, {"similar", items}});
    }
    if (args.format == "json") std::fprintf(f, "%s\n", json_fields::Dump(all, 2).c_str());
  });
  if (!written.ok()) return ReportError("similar", written);
  return 0;
}
}  // namespace

Command AddSimilarCommand(CLI::App& root) {
  auto* app = root.add_subcommand("similar", "Titles most similar to given titles (\"because you watched\")");
  auto args = std::make_shared<SimilarArgs>();
  app->add_option("--model", args->model, "model directory (from marquee train)")->required();
  app->add_option("--titles", args->titles, "title ids, comma-separated")->required();
  app->add_option("--k", args->k, "similar titles per title")->check(CLI::Range(1, 1000))->capture_default_str();
  app->add_option("--data", args->data, "the model's dataset, to show title names");
  app->add_option("--format", args->format, "csv | json")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  app->add_option("--out", args->out, "write here instead of standard output");
  return {app, [args]() { return RunSimilar(*args); }};
}

}  // namespace marquee::cli
