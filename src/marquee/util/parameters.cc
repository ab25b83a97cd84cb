#include "marquee/util/parameters.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace marquee {

namespace {
std::string FormatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string RangeText(double min, double max) {
  return "a number in [" + FormatNumber(min) + ", " + FormatNumber(max) + "]";
}

Status BadValue(std::string_view model, const std::string& name, const std::string& expected,
                const std::string& found) {
  return Status::InvalidArgument(std::string(model) + ": parameter '" + name + "': expected " +
                                 expected + ", found " + QuoteForError(found));
}
}  // namespace

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
    return BadValue(model, name,
                    "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]",
                    text);
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
  std::string expected = "one of";
  for (size_t i = 0; i < choices.size(); ++i) expected += (i ? ", " : " ") + choices[i];
  return BadValue(model, name, expected, it->second);
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

Status Parameters::CheckAllUsed(std::string_view model) const {
  std::string unknown;
  for (const auto& [name, value] : values_) {
    if (used_.count(name) == 0) unknown += (unknown.empty() ? "'" : ", '") + name + "'";
  }
  if (unknown.empty()) return Status::OK();
  std::string known;
  for (const std::string& name : used_) known += (known.empty() ? "" : ", ") + name;
  return Status::InvalidArgument(std::string(model) + ": unknown parameter " + unknown +
                                 " (expected one of: " + known + ")");
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
      return Status::InvalidArgument("parameters: expected name=value, found " +
                                     QuoteForError(item));
    }
    p.Set(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
  }
  return p;
}

}  // namespace marquee
