#include "number_flags.h"

#include <fmt/format.h>

#include <charconv>
#include <string>

namespace marquee::cli {

CLI::Validator WholeNumber(int64_t min, int64_t max) {
  const bool bounded = max != std::numeric_limits<int64_t>::max();
  std::string expected = min == 1 ? "a positive whole number" : fmt::format("a whole number from {}", min);
  if (bounded) expected += min == 1 ? fmt::format(" (at most {})", max) : fmt::format(" to {}", max);
  const std::string description =
      bounded ? fmt::format("INT in [{} - {}]", min, max) : fmt::format("INT >= {}", min);
  return CLI::Validator(
      [min, max, expected](std::string& text) {
        int64_t value = 0;
        const char* end = text.data() + text.size();
        auto [stop, ec] = std::from_chars(text.data(), end, value);
        // Whole text only: "1.5" and "5s" are refused, not read as 1 and 5.
        if (ec != std::errc() || stop != end || value < min || value > max) {
          return "expected " + expected + ", found " + text;
        }
        return std::string();
      },
      description);
}

}  // namespace marquee::cli
