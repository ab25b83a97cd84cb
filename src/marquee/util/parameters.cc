#include "marquee/util/parameters.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace marquee {

namespace {
// %.10g: the text model files have always held ("64", "0.03", "1e+12").
std::string FormatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

Status BadValue(std::string_view model, const std::string& name, const std::string& expected,
                const std::string& found) {
  return Status::InvalidArgument(
      fmt::format("{}: parameter '{}': expected {}, found {}", model, name, expected,
                  QuoteForError(found)));
}
}  // namespace

std::string Parameters::RangeText(double min, double max) {
  return fmt::format("a number in [{}, {}]", FormatNumber(min), FormatNumber(max));
}

std::string Parameters::IntRangeText(int64_t min, int64_t max) {
  return fmt::format("an integer in [{}, {}]", min, max);
}

std::string Parameters::PositiveRangeText(double max) {
  return fmt::format("a number in (0, {}]", FormatNumber(max));
}

void Parameters::Set(const std::string& name, double value) { values_[name] = FormatNumber(value); }

Result<double> Parameters::GetDouble(std::string_view model, const std::string& name,
                                     double fallback, double min, double max) const {
  used_.insert(name);
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  const std::string& text = it->second;
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v < min ||
      v > max) {
    return BadValue(model, name, RangeText(min, max), text);
  }
  return v;
}

Result<int64_t> Parameters::GetInt(std::string_view model, const std::string& name,
                                   int64_t fallback, int64_t min, int64_t max) const {
  used_.insert(name);
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  const std::string& text = it->second;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    return BadValue(model, name, IntRangeText(min, max), text);
  }
  return v;
}

Result<std::string> Parameters::GetChoice(std::string_view model, const std::string& name,
                                          const std::string& fallback,
                                          const std::vector<std::string>& choices) const {
  used_.insert(name);
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  for (const std::string& c : choices) {
    if (c == it->second) return c;
  }
  return BadValue(model, name, fmt::format("one of {}", fmt::join(choices, ", ")), it->second);
}

Result<std::vector<std::string>> Parameters::GetNameList(std::string_view model, const std::string& name,
                                                         const std::vector<std::string>& fallback,
                                                         const std::vector<std::string>& choices) const {
  used_.insert(name);
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  const std::string expected =
      fmt::format("a comma-separated list of distinct names from {}", fmt::join(choices, ", "));
  std::vector<std::string> names;
  std::string_view rest = it->second;
  while (true) {
    const size_t comma = rest.find(',');
    const std::string item(rest.substr(0, comma));
    const bool known = std::find(choices.begin(), choices.end(), item) != choices.end();
    if (!known) return BadValue(model, name, expected, it->second);
    if (std::find(names.begin(), names.end(), item) != names.end()) {
      return BadValue(model, name, expected + " (" + item + " is given twice)", it->second);
    }
    names.push_back(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return names;
}

Result<bool> Parameters::GetBool(std::string_view model, const std::string& name,
                                 bool fallback) const {
  used_.insert(name);
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  const std::string& v = it->second;
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  return BadValue(model, name, "true or false", v);
}

Result<double> Parameters::GetPositiveDouble(std::string_view model, const std::string& name,
                                             double fallback, double max) const {
  Result<double> v = GetDouble(model, name, fallback, 0, max);
  if (v.ok() && *v > 0) return v;
  // Only a given value can be out of range (a fallback of 0 is a bug).
  auto it = values_.find(name);
  return BadValue(model, name, PositiveRangeText(max), it == values_.end() ? "" : it->second);
}

Status Parameters::CheckAllUsed(std::string_view model) const {
  std::string unknown;
  for (const auto& [name, value] : values_) {
    if (used_.count(name) == 0) unknown += (unknown.empty() ? "'" : ", '") + name + "'";
  }
  if (unknown.empty()) return Status::OK();
  std::string known;
  for (const std::string& name : used_) known += (known.empty() ? "" : ", ") + name;
  return Status::InvalidArgument(
      fmt::format("{}: unknown parameter {} (expected one of: {})", model, unknown, known));
}

std::string Parameters::ToString() const {
  std::string out;
  for (const auto& [name, value] : values_) {
    if (!out.empty()) out += ' ';
    out += name + "=" + value;
  }
  return out;
}

Result<Parameters> Parameters::Parse(std::string_view text) {
  Parameters p;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of(", ", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size()) {
      return Status::InvalidArgument(
          fmt::format("parameters: expected name=value, found {}", QuoteForError(item)));
    }
    p.Set(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
  }
  return p;
}

}  // namespace marquee
