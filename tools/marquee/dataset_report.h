// Printing a dataset's statistics for people (a table) and for scripts (JSON).
// Shared by `info`, `import`, `generate` and `demo`.
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>

#include "marquee/data/dataset.h"
#include "marquee/data/dataset_stats.h"

namespace marquee::cli {

nlohmann::json StatsJson(const Dataset& dataset, const DatasetStats& stats);
void PrintStatsTable(std::FILE* out, const Dataset& dataset, const DatasetStats& stats);

}  // namespace marquee::cli
