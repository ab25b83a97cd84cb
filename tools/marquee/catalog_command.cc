// marquee catalog import FILE.jsonl --data DATASET --out DATASET [--skip-invalid]
// marquee catalog add-titles NEW.jsonl --data DATASET --model MODEL_DIR --out-data DATASET --out-model MODEL_DIR
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdio>

#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/data/new_title_json.h"
#include "marquee/io/catalog_import.h"
#include "marquee/models/model_file.h"
#include "marquee/models/new_titles.h"
#include "marquee/ranking/ranker_file.h"

namespace marquee::cli {

namespace {
struct CatalogImportArgs {
  std::string input;
  std::string data;
  std::string out;
  bool skip_invalid = false;
};

unsigned long long U(uint64_t v) { return static_cast<unsigned long long>(v); }

int RunCatalogImport(const CatalogImportArgs& args) {
  Result<Dataset> dataset = LoadDataset(args.data);
  if (!dataset.ok()) return ReportError("catalog import", dataset.status());
  CatalogImportOptions options;
  options.skip_invalid = args.skip_invalid;
  Result<CatalogImportReport> report = ImportCatalog(args.input, options, *dataset);
  if (!report.ok()) return ReportError("catalog import", report.status());
  const CatalogImportReport& r = *report;
  std::printf("imported catalog %s: %llu records: %llu performers (%llu new), %llu titles, "
              "%llu artwork variants (%llu new)\n",
              args.input.c_str(), U(r.records), U(r.performers), U(r.performers_added), U(r.titles),
              U(r.artwork), U(r.artwork_added));
  if (r.quarantined > 0) {
    std::printf("%llu variants quarantined: no digital_source_type (stored, never served)\n",
                U(r.quarantined));
  }
  if (r.invalid > 0) {
    std::printf("skipped %llu invalid records (--skip-invalid); the first:\n", U(r.invalid));
    for (const std::string& e : r.invalid_examples) std::printf("  %s\n", e.c_str());
  }
  Status saved = SaveDataset(*dataset, args.out);
  if (!saved.ok()) return ReportError("catalog import", saved);
  std::printf("wrote %s (%zu performers, %zu artwork variants, %zu quarantined)\n", args.out.c_str(),
              dataset->catalog.performers().size(), dataset->catalog.ArtworkCount(),
              dataset->catalog.QuarantinedCount());
  return 0;
}
struct AddTitlesArgs {
  std::string input;
  std::string data;
  std::string model;
  std::string out_data;
  std::string out_model;
};

// New titles join the catalog and the model at once (issue 15 §2): each gets
// the title vector its metadata maps to (ColdStartMapping, fit on the
// model's titles with plays), so every member has a score for it before
// anyone plays it; nothing is retrained.
Status AddTitles(const AddTitlesArgs& args) {
  MARQUEE_ASSIGN_OR_RETURN(Dataset dataset, LoadDataset(args.data));
  MARQUEE_ASSIGN_OR_RETURN(LoadedModel loaded, LoadAnyModel(args.model));
  MARQUEE_RETURN_IF_ERROR(CheckModelMatchesDataset(loaded, dataset, args.model));
  Result<NewTitleMapper> mapper = NewTitleMapper::Fit(dataset, loaded, args.model);
  if (!mapper.ok()) return mapper.status().WithContext("--model");
  MARQUEE_ASSIGN_OR_RETURN(std::vector<NewTitle> titles, ReadNewTitles(args.input, dataset.catalog));
  Result<ModelWithNewTitles> extended = AppendNewTitles(dataset, loaded, *mapper, titles);
  if (!extended.ok()) return extended.status().WithContext(args.input);
  for (size_t i = 0; i < titles.size(); ++i) {
    const std::vector<std::string>& unknown = titles[i].unknown;
    std::printf("%s: a vector from %zu metadata features%s%s\n", titles[i].title_id.c_str(),
                extended->feature_counts[i], unknown.empty() ? "" : "; not features of the catalog, so not used: ",
                fmt::format("{}", fmt::join(unknown, ", ")).c_str());
  }
  const ModelInfo& info = extended->model.info;
  MARQUEE_RETURN_IF_ERROR(SaveDataset(extended->dataset, args.out_data));
  MARQUEE_RETURN_IF_ERROR(SaveModel(*extended->model.model, info, extended->dataset.members, extended->dataset.titles, args.out_model));
  std::printf("added %zu titles: wrote %s (%u titles) and %s (version %s); serve them together\n", titles.size(),
              args.out_data.c_str(), extended->dataset.titles.size(), args.out_model.c_str(), info.version.c_str());
  return Status::OK();
}
}  // namespace

Command AddCatalogCommand(CLI::App& root) {
  auto* app = root.add_subcommand("catalog", "Bring a service's catalog: titles, credits, performers, artwork");
  app->require_subcommand(1);
  auto* import = app->add_subcommand(
      "import", "Import titles, performers and artwork provenance from JSON lines "
                "(format: docs/entrances/catalog.md)");
  auto args = std::make_shared<CatalogImportArgs>();
  import->add_option("input", args->input, "JSON-lines file, one record a line (\"type\": performer|title|artwork)")
      ->required();
  import->add_option("--data", args->data, "dataset whose catalog to extend (.mqd)")->required();
  import->add_option("--out", args->out, "dataset file to write (.mqd; may be --data)")->required();
  import->add_flag("--skip-invalid", args->skip_invalid,
                   "skip malformed records and report how many, instead of stopping");
  auto* add = app->add_subcommand(
      "add-titles", "Add titles nobody has played yet to a dataset and its iALS model, each with the vector its "
                    "metadata maps to (no retraining)");
  auto add_args = std::make_shared<AddTitlesArgs>();
  add->add_option("input", add_args->input,
                  "JSON lines, one new title a line: {\"title\": ID, \"name\", \"genres\", \"year\", "
                  "\"maturity\", \"runtime_minutes\", \"performers\", \"tags\"} (as forecast --titles)")
      ->required();
  add->add_option("--data", add_args->data, "the dataset the model was trained on (.mqd)")->required();
  add->add_option("--model", add_args->model, "an iALS model directory trained on --data")->required();
  add->add_option("--out-data", add_args->out_data, "the dataset with the new titles (.mqd)")->required();
  add->add_option("--out-model", add_args->out_model, "the model with their vectors (a model directory)")->required();
  return {app, [args, add_args, add]() {
            if (add->parsed()) {
              const Status s = AddTitles(*add_args);
              return s.ok() ? 0 : ReportError("catalog add-titles", s);
            }
            return RunCatalogImport(*args);
          }};
}

}  // namespace marquee::cli
