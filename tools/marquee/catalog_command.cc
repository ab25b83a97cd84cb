// marquee catalog import FILE.jsonl --data DATASET --out DATASET [--skip-invalid]
#include <cstdio>

#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/io/catalog_import.h"

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
  return {app, [args]() { return RunCatalogImport(*args); }};
}

}  // namespace marquee::cli
