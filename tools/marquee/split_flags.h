// The flags that choose an evaluation protocol, shared by `evaluate` and `tune`,
// and the date parsing every date flag uses.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "marquee/data/dataset.h"
#include "marquee/eval/split.h"

namespace marquee::cli {

// "2024-05-01" -> epoch seconds (UTC midnight); errors name `flag`. Only
// dates that exist: "2025-02-30" is refused, not moved to March.
Result<int64_t> ParseDate(const std::string& text, std::string_view flag);

struct SplitFlags {
  std::string protocol = "random-holdout";
  double fraction = 0.2;
  uint32_t last_n = 1;
  std::string split_date;      // temporal: YYYY-MM-DD
  uint32_t heldout_members = 0;
  uint32_t min_history = 2;
  uint64_t seed = 42;
  std::optional<float> min_rating;
  std::string split_file;      // read a saved split instead of making one
  std::string save_split;      // write the split made

  // `cold_titles`: --protocol also takes cold-titles (evaluate).
  void Register(CLI::App* app, bool cold_titles = false);
  // The split of `dataset` these flags ask for (made, or read from --split).
  Result<EvalSplit> MakeOrLoad(const Dataset& dataset) const;
};

}  // namespace marquee::cli
