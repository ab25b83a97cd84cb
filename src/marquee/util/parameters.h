// Parameters: a model's hyperparameters as name -> text, with typed, range-
// checked accessors. One representation serves the command line (--factors 64),
// model files (saved as given), and tuning (a search space of settings).
//
// A model reads every parameter it knows through Get*; CheckAllUsed() then
// rejects any the model did not ask for, so a typo is an error, not a no-op.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/util/status.h"

namespace marquee {

class Parameters {
 public:
  Parameters() = default;
  Parameters(std::initializer_list<std::pair<const std::string, std::string>> values)
      : values_(values) {}

  void Set(const std::string& name, const std::string& value) { values_[name] = value; }
  void Set(const std::string& name, double value);
  bool Has(const std::string& name) const { return values_.count(name) != 0; }
  const std::map<std::string, std::string>& values() const { return values_; }

  // The value of `name` (or `fallback` when absent), checked to lie in
  // [min, max]; errors name the model, the parameter and the expected range.
  Result<double> GetDouble(std::string_view model, const std::string& name, double fallback,
                           double min, double max) const;
  Result<int64_t> GetInt(std::string_view model, const std::string& name, int64_t fallback,
                         int64_t min, int64_t max) const;
  Result<std::string> GetChoice(std::string_view model, const std::string& name,
                                const std::string& fallback,
                                const std::vector<std::string>& choices) const;
  Result<bool> GetBool(std::string_view model, const std::string& name, bool fallback) const;

  // InvalidArgument naming any parameter that no Get* call asked for.
  Status CheckAllUsed(std::string_view model) const;

  // "alpha=2 factors=64" (sorted by name).
  std::string ToString() const;
  // Parses "factors=64,alpha=2" (also accepts spaces as separators).
  static Result<Parameters> Parse(std::string_view text);

  friend bool operator==(const Parameters& a, const Parameters& b) { return a.values_ == b.values_; }

 private:
  std::map<std::string, std::string> values_;
  mutable std::set<std::string> used_;
};

}  // namespace marquee
