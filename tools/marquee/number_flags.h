// Validators for numeric flags, shared by the subcommands.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <limits>

namespace marquee::cli {

// A whole number from `min` to `max`, checked on the text so that every
// refusal says what was expected ("--max-connections: expected a positive
// whole number, found abc"): CLI::Range and CLI::PositiveNumber said "not in
// range 1 to ..." for text that is no number, and printed the largest double
// as a 300-digit bound. No `max` (the default): no upper bound worth saying.
CLI::Validator WholeNumber(int64_t min, int64_t max = std::numeric_limits<int64_t>::max());

}  // namespace marquee::cli
