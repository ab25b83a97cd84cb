// Parameters: a model's hyperparameters as name -> text, with typed, range-
// checked accessors. One representation serves the command line (--factors 64),
// model files (saved as given), and tuning (a search space of settings).
//
// A model reads every parameter it knows through Get*; CheckAllUsed() then
// rejects any the model did not ask for, so a typo is an error, not a no-op.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
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
  // A comma-separated list of distinct names, each one of `choices`, at
  // least one ("ials,ease,trending").
  Result<std::vector<std::string>> GetNameList(std::string_view model, const std::string& name,
                                               const std::vector<std::string>& fallback,
                                               const std::vector<std::string>& choices) const;
  // A number in (0, max]: GetDouble for values where zero is meaningless.
  Result<double> GetPositiveDouble(std::string_view model, const std::string& name,
                                   double fallback, double max) const;

  // What the Get* calls above expect, as their errors say it:
  // "a number in [0, 1]", "an integer in [1, 1024]", "a number in (0, 1e+12]".
  static std::string RangeText(double min, double max);
  static std::string IntRangeText(int64_t min, int64_t max);
  static std::string PositiveRangeText(double max);

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


// ---------------------------------------------------------------------------
// Tables of parameters. A model lists its hyperparameters once, as rows of
// (name, Options member, range, help); the same rows parse Parameters into
// the model's Options (range-checked, unknown names refused), write Options
// back to Parameters (what model files save), and describe the parameters to
// the command line. The defaults are those of a default-constructed Options:
// the member initialisers are the only place a default is written.

// One parameter as seen from outside its model (command-line help, docs).
struct ParameterInfo {
  std::string name;           // "factors"
  std::string expected;       // "an integer in [1, 1024]"
  std::string default_value;  // as Parameters holds it: "64"
  std::string help;           // one line, no trailing period
};

// The name of one enumerator, for ParseEnum / EnumName and Choice rows.
template <class E>
struct EnumEntry {
  std::string_view name;
  E value;
};
// A list of EnumEntry (any contiguous container converts; E comes from the
// other arguments).
template <class E>
using EnumEntries = std::type_identity_t<std::span<const EnumEntry<E>>>;

// "one of a, b, c".
template <class E>
std::string EnumChoices(EnumEntries<E> entries) {
  std::string text = "one of";
  for (size_t i = 0; i < entries.size(); ++i) {
    text += i ? ", " : " ";
    text += entries[i].name;
  }
  return text;
}

// The enumerator called `text`; InvalidArgument naming `what`, the known
// names and what was found otherwise.
template <class E>
Result<E> ParseEnum(std::string_view what, std::string_view text, EnumEntries<E> entries) {
  for (const EnumEntry<E>& e : entries) {
    if (e.name == text) return e.value;
  }
  return Status::InvalidArgument(std::string(what) + ": expected " + EnumChoices<E>(entries) +
                                 ", found " + QuoteForError(text));
}

// The name of `value` ("" if `entries` lacks it, which is a bug in the table).
template <class E>
std::string_view EnumName(E value, EnumEntries<E> entries) {
  for (const EnumEntry<E>& e : entries) {
    if (e.value == value) return e.name;
  }
  return "";
}

template <class Options>
class ParameterTable {
 public:
  explicit ParameterTable(std::string model) : model_(std::move(model)) {}

  // Rows. `member` may belong to Options or to one of its bases. Integers and
  // numbers are checked to lie in [min, max].
  template <class T, class C>
  ParameterTable& Int(std::string name, T C::*member, int64_t min, int64_t max, std::string help) {
    Row row{{name, Parameters::IntRangeText(min, max), "", std::move(help)}, {}, {}};
    row.read = [=](std::string_view model, const Parameters& p, Options& o) -> Status {
      MARQUEE_ASSIGN_OR_RETURN(int64_t v, p.GetInt(model, name, static_cast<int64_t>(o.*member),
                                                   min, max));
      o.*member = static_cast<T>(v);
      return Status::OK();
    };
    // As a number, like Double: the text model files have always held.
    row.write = [=](const Options& o, Parameters& p) { p.Set(name, static_cast<double>(o.*member)); };
    return Add(std::move(row));
  }
  template <class C>
  ParameterTable& Double(std::string name, double C::*member, double min, double max,
                         std::string help) {
    Row row{{name, Parameters::RangeText(min, max), "", std::move(help)}, {}, {}};
    row.read = [=](std::string_view model, const Parameters& p, Options& o) -> Status {
      MARQUEE_ASSIGN_OR_RETURN(o.*member, p.GetDouble(model, name, o.*member, min, max));
      return Status::OK();
    };
    row.write = [=](const Options& o, Parameters& p) { p.Set(name, o.*member); };
    return Add(std::move(row));
  }
  // A number in (0, max]: for values where zero is meaningless.
  template <class C>
  ParameterTable& PositiveDouble(std::string name, double C::*member, double max,
                                 std::string help) {
    Row row{{name, Parameters::PositiveRangeText(max), "", std::move(help)}, {}, {}};
    row.read = [=](std::string_view model, const Parameters& p, Options& o) -> Status {
      MARQUEE_ASSIGN_OR_RETURN(o.*member, p.GetPositiveDouble(model, name, o.*member, max));
      return Status::OK();
    };
    row.write = [=](const Options& o, Parameters& p) { p.Set(name, o.*member); };
    return Add(std::move(row));
  }
  template <class C>
  ParameterTable& Bool(std::string name, bool C::*member, std::string help) {
    Row row{{name, "true or false", "", std::move(help)}, {}, {}};
    row.read = [=](std::string_view model, const Parameters& p, Options& o) -> Status {
      MARQUEE_ASSIGN_OR_RETURN(o.*member, p.GetBool(model, name, o.*member));
      return Status::OK();
    };
    row.write = [=](const Options& o, Parameters& p) { p.Set(name, o.*member ? "true" : "false"); };
    return Add(std::move(row));
  }
  // A comma-separated list of distinct names from `choices`, at least one.
  template <class C>
  ParameterTable& NameList(std::string name, std::vector<std::string> C::*member,
                           std::vector<std::string> choices, std::string help) {
    std::string expected = "a comma-separated list of distinct names from";
    for (size_t i = 0; i < choices.size(); ++i) expected += (i ? ", " : " ") + choices[i];
    Row row{{name, expected, "", std::move(help)}, {}, {}};
    row.read = [=](std::string_view model, const Parameters& p, Options& o) -> Status {
      MARQUEE_ASSIGN_OR_RETURN(o.*member, p.GetNameList(model, name, o.*member, choices));
      return Status::OK();
    };
    row.write = [=](const Options& o, Parameters& p) {
      std::string text;
      for (const std::string& v : o.*member) text += (text.empty() ? "" : ",") + v;
      p.Set(name, text);
    };
    return Add(std::move(row));
  }
  // One of the names in `entries` (which must outlive the table: a constant).
  template <class E, class C>
  ParameterTable& Choice(std::string name, E C::*member, EnumEntries<E> entries,
                         std::string help) {
    Row row{{name, EnumChoices<E>(entries), "", std::move(help)}, {}, {}};
    row.read = [=](std::string_view model, const Parameters& p, Options& o) -> Status {
      std::vector<std::string> names;
      for (const EnumEntry<E>& e : entries) names.emplace_back(e.name);
      MARQUEE_ASSIGN_OR_RETURN(std::string text,
                               p.GetChoice(model, name, std::string(EnumName(o.*member, entries)),
                                           names));
      MARQUEE_ASSIGN_OR_RETURN(o.*member, ParseEnum<E>(model, text, entries));
      return Status::OK();
    };
    row.write = [=](const Options& o, Parameters& p) {
      p.Set(name, std::string(EnumName(o.*member, entries)));
    };
    return Add(std::move(row));
  }

  // Options{} with every given parameter read into it. Out-of-range values and
  // names no row knows are InvalidArgument errors naming the model, the
  // parameter and what was expected (for unknown names: the known ones).
  Result<Options> Read(const Parameters& parameters) const {
    Options options;
    for (const Row& row : rows_) MARQUEE_RETURN_IF_ERROR(row.read(model_, parameters, options));
    MARQUEE_RETURN_IF_ERROR(parameters.CheckAllUsed(model_));
    return options;
  }
  // Every row's value in `options`; Read(Write(o)) == o.
  Parameters Write(const Options& options) const {
    Parameters p;
    for (const Row& row : rows_) row.write(options, p);
    return p;
  }
  // The rows in table order, defaults from Options{}.
  std::vector<ParameterInfo> Describe() const {
    const Parameters defaults = Write(Options{});
    std::vector<ParameterInfo> infos;
    for (const Row& row : rows_) {
      infos.push_back(row.info);
      infos.back().default_value = defaults.values().at(row.info.name);
    }
    return infos;
  }

 private:
  struct Row {
    ParameterInfo info;  // default_value filled in by Describe
    std::function<Status(std::string_view, const Parameters&, Options&)> read;
    std::function<void(const Options&, Parameters&)> write;
  };
  ParameterTable& Add(Row row) {
    rows_.push_back(std::move(row));
    return *this;
  }

  std::string model_;
  std::vector<Row> rows_;
};

}  // namespace marquee
