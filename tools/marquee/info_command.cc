// marquee info DATASET [--json]
#include <cstdio>

#include "marquee/util/json_fields.h"
#include "commands.h"
#include "dataset_report.h"
#include "marquee/data/dataset_file.h"

namespace marquee::cli {

Command AddInfoCommand(CLI::App& root) {
  auto* app = root.add_subcommand("info", "Show the size and shape of a dataset file");
  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  app->add_option("dataset", *path, "dataset file (.mqd)")->required();
  app->add_flag("--json", *json, "print JSON (members, titles, interactions, density, ...)");
  return {app, [path, json]() -> int {
            Result<Dataset> dataset = LoadDataset(*path);
            if (!dataset.ok()) return ReportError("info", dataset.status());
            DatasetStats stats = ComputeStats(*dataset);
            if (*json) {
              std::printf("%s\n", json_fields::Dump(StatsJson(*dataset, stats), 2).c_str());
            } else {
              std::printf("%s\n", path->c_str());
              PrintStatsTable(stdout, *dataset, stats);
            }
            return 0;
          }};
}

}  // namespace marquee::cli
