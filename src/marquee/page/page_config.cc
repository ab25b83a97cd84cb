#include "marquee/page/page_config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "marquee/util/file.h"

namespace marquee::page {
namespace {

constexpr uint32_t kMaxWhole = std::numeric_limits<uint32_t>::max();

// The defaults of a row that names only its kind. continue_watching is the
// one kind with defaults of its own: pinned on top (what a member half-way
// through a film looks for first), and shown with a single title (one
// unfinished film is worth the row). DefaultPageConfig uses this too, so
// the built-in page and a file that omits these keys agree.
RowSpec RowDefaults(RowKind kind) {
  RowSpec spec;
  spec.kind = kind;
  if (kind == RowKind::kContinueWatching) {
    spec.pin = 0;
    spec.min_titles = 1;
  }
  return spec;
}

bool Repeats(RowKind kind) {
  return kind == RowKind::kBecauseYouWatched || kind == RowKind::kGenre;
}

// ---------------------------------------------------------------------------
// Errors: "FILE:LINE: FIELD: MESSAGE". yaml-cpp's marks are 0-based.

int LineOf(const YAML::Mark& mark) {
  return mark.is_null() ? 1 : mark.line + 1;
}

// A value's own mark, or its key's where the value has none worth naming: an
// empty value (`pin:`) is marked on the line after its key.
int LineOf(const YAML::Node& key, const YAML::Node& value) {
  return value.IsNull() || value.Mark().is_null() ? LineOf(key.Mark()) : LineOf(value.Mark());
}

Status ErrorAt(std::string_view file, int line, std::string_view field, std::string_view message) {
  return Status::InvalidArgument(fmt::format("{}:{}: {}: {}", file, line, field, message));
}

// How a node shows in a message: a scalar's text (quoted), else its shape.
std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return QuoteForError(node.Scalar());
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

std::string KeyList(const std::vector<std::string_view>& keys) {
  std::string out;
  for (std::string_view key : keys) out += fmt::format("{}{}", out.empty() ? "" : ", ", key);
  return out;
}

// One `key: value` of a map, with what errors need to name it.
struct Field {
  std::string_view file;
  std::string path;  // "rules.rows", "rows[2].window_days"
  YAML::Node key;
  YAML::Node value;
  const PageRules* rules = nullptr;  // for a row's checks against the page (pin)

  int line() const { return LineOf(key, value); }
  Status Error(std::string_view message) const { return ErrorAt(file, line(), path, message); }
  Status Expected(std::string_view what) const {
    return Error(fmt::format("expected {}, found {}", what, Describe(value)));
  }
  // A plain scalar: a quoted "90" is a string, never a number or a bool.
  bool Plain() const { return value.IsScalar() && value.Tag() == "?"; }
};

// A finite number satisfying `ok`; `what` says which ("a number in (0, 1]").
Status ReadNumber(const Field& f, std::string_view what, bool (*ok)(double), double* out) {
  if (!f.Plain()) return f.Expected(what);
  const std::string& text = f.value.Scalar();
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || !ok(v)) {
    return f.Expected(what);
  }
  *out = v;
  return Status::OK();
}

// A whole number in [lo, hi] (so "-3" and "2.5" are refused for counts).
Status ReadWhole(const Field& f, int64_t lo, int64_t hi, int64_t* out) {
  const std::string what = hi == kMaxWhole ? fmt::format("a whole number >= {}", lo)
                                           : fmt::format("a whole number in {}..{}", lo, hi);
  if (!f.Plain()) return f.Expected(what);
  const std::string& text = f.value.Scalar();
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) return f.Expected(what);
  *out = v;
  return Status::OK();
}

Status ReadUnsigned(const Field& f, uint32_t lo, uint32_t hi, uint32_t* out) {
  int64_t v = 0;
  MARQUEE_RETURN_IF_ERROR(ReadWhole(f, lo, hi, &v));
  *out = static_cast<uint32_t>(v);
  return Status::OK();
}

// YAML 1.2's booleans only: "yes"/"on" are YAML 1.1 and read as strings elsewhere.
Status ReadBool(const Field& f, bool* out) {
  if (f.Plain() && (f.value.Scalar() == "true" || f.value.Scalar() == "false")) {
    *out = f.value.Scalar() == "true";
    return Status::OK();
  }
  return f.Expected("true or false");
}

bool Positive(double v) {
  return v > 0;
}
bool NonNegative(double v) {
  return v >= 0;
}
bool UnitClosed(double v) {
  return v >= 0 && v <= 1;
}
bool UnitHalfOpen(double v) {
  return v > 0 && v <= 1;
}

// The text a value is written as: the shortest that reads back the same.
std::string Text(double v) {
  return fmt::format("{}", v);
}
std::string Text(uint32_t v) {
  return std::to_string(v);
}
std::string Text(int v) {
  return std::to_string(v);
}
std::string Text(bool v) {
  return v ? "true" : "false";
}

// ---------------------------------------------------------------------------
// The keys: each read and written here, once. A row parameter belongs to one
// kind (`only`); the other keys apply to every kind.

template <typename S>
struct Key {
  std::string_view name;
  std::optional<RowKind> only;  // nullopt: every kind (and every rule)
  std::function<Status(const Field&, S*)> read;
  std::function<std::string(const S&)> write;
};

template <typename S>
Key<S> WholeKey(std::string_view name, uint32_t lo, uint32_t hi, uint32_t S::*member) {
  return {name, std::nullopt, [=](const Field& f, S* s) { return ReadUnsigned(f, lo, hi, &(s->*member)); },
          [=](const S& s) { return Text(s.*member); }};
}

template <typename S>
Key<S> NumberKey(std::string_view name, std::string_view what, bool (*ok)(double), double S::*member,
                 std::optional<RowKind> only = std::nullopt) {
  return {name, only, [=](const Field& f, S* s) { return ReadNumber(f, what, ok, &(s->*member)); },
          [=](const S& s) { return Text(s.*member); }};
}

using RuleKey = Key<PageRules>;
using RowKey = Key<RowSpec>;

const std::vector<RuleKey>& RuleKeys() {
  static const std::vector<RuleKey> keys = {
      WholeKey("rows", 1, 100, &PageRules::rows),
      WholeKey("per_row", 1, 200, &PageRules::per_row),
      WholeKey("dedupe_rows", 0, kMaxWhole, &PageRules::dedupe_rows),
      WholeKey("dedupe_columns", 0, kMaxWhole, &PageRules::dedupe_columns),
      WholeKey("max_genre_rows", 0, kMaxWhole, &PageRules::max_genre_rows),
      NumberKey("overlap_penalty", "a number in [0, 1]", UnitClosed, &PageRules::overlap_penalty),
      NumberKey("same_genre_penalty", "a number in [0, 1]", UnitClosed, &PageRules::same_genre_penalty),
      NumberKey("column_weight", "a number >= 0", NonNegative, &PageRules::column_weight),
  };
  return keys;
}

// count > 1 only where a kind has several rows to offer (anchors, genres).
Status ReadCount(const Field& f, RowSpec* spec) {
  MARQUEE_RETURN_IF_ERROR(ReadUnsigned(f, 1, kMaxWhole, &spec->count));
  if (spec->count > 1 && !Repeats(spec->kind)) {
    return f.Error(fmt::format("expected 1, found {}: only because_you_watched and genre rows repeat",
                               Describe(f.value)));
  }
  return Status::OK();
}

Status ReadPin(const Field& f, RowSpec* spec) {
  int64_t pin = 0;
  MARQUEE_RETURN_IF_ERROR(ReadWhole(f, -1, kMaxWhole, &pin));
  if (pin >= f.rules->rows) {
    return f.Error(fmt::format("expected -1 or a row position in 0..{} (rules.rows is {}), found {}",
                               f.rules->rows - 1, f.rules->rows, Describe(f.value)));
  }
  spec->pin = static_cast<int>(pin);
  return Status::OK();
}

const std::vector<RowKey>& RowKeys() {
  static const std::vector<RowKey> keys = {
      {"count", std::nullopt, ReadCount, [](const RowSpec& s) { return Text(s.count); }},
      {"required", std::nullopt, [](const Field& f, RowSpec* s) { return ReadBool(f, &s->required); },
       [](const RowSpec& s) { return Text(s.required); }},
      {"pin", std::nullopt, ReadPin, [](const RowSpec& s) { return Text(s.pin); }},
      NumberKey("weight", "a number > 0", Positive, &RowSpec::weight),
      WholeKey("min_titles", 1, kMaxWhole, &RowSpec::min_titles),
      NumberKey("max_progress", "a number in (0, 1]", UnitHalfOpen, &RowSpec::max_progress,
                RowKind::kContinueWatching),
      NumberKey("window_days", "a number > 0", Positive, &RowSpec::window_days, RowKind::kContinueWatching),
      NumberKey("anchor_window_days", "a number > 0", Positive, &RowSpec::anchor_window_days,
                RowKind::kBecauseYouWatched),
      NumberKey("min_anchor_progress", "a number in [0, 1]", UnitClosed, &RowSpec::min_anchor_progress,
                RowKind::kBecauseYouWatched),
      NumberKey("anchor_half_life_days", "a number > 0", Positive, &RowSpec::anchor_half_life_days,
                RowKind::kBecauseYouWatched),
      NumberKey("half_life_days", "a number > 0", Positive, &RowSpec::half_life_days, RowKind::kTrending),
      NumberKey("release_window_days", "a number > 0", Positive, &RowSpec::release_window_days,
                RowKind::kNewReleases),
  };
  return keys;
}

bool AppliesTo(const RowKey& key, RowKind kind) {
  return !key.only || *key.only == kind;
}

// "kind, count, ..., half_life_days": what a row of `kind` may say.
std::string RowKeysOf(RowKind kind) {
  std::vector<std::string_view> names = {"kind"};
  for (const RowKey& key : RowKeys()) {
    if (AppliesTo(key, kind)) names.push_back(key.name);
  }
  return KeyList(names);
}

// ---------------------------------------------------------------------------
// Reading.

// The entries of a map in file order, each key a scalar and said once
// (yaml-cpp keeps both of a repeated key; which one a lookup finds would be
// an accident).
Result<std::vector<std::pair<YAML::Node, YAML::Node>>> Entries(std::string_view file, const YAML::Node& map,
                                                               std::string_view path) {
  std::vector<std::pair<YAML::Node, YAML::Node>> entries;
  std::vector<std::string> seen;
  const std::string prefix = path.empty() ? "" : fmt::format("{}.", path);
  for (const auto& entry : map) {
    if (!entry.first.IsScalar()) {
      return ErrorAt(file, LineOf(entry.first.Mark()), path.empty() ? "(file)" : path,
                     fmt::format("expected a key name, found {}", Describe(entry.first)));
    }
    const std::string& name = entry.first.Scalar();
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return ErrorAt(file, LineOf(entry.first.Mark()), prefix + name, "given twice");
    }
    seen.push_back(name);
    entries.emplace_back(entry.first, entry.second);
  }
  return entries;
}

Result<PageRules> ParseRules(std::string_view file, const YAML::Node& key, const YAML::Node& node) {
  PageRules rules;
  if (node.IsNull()) return rules;  // `rules:` with every key commented out
  if (!node.IsMap()) {
    return ErrorAt(file, LineOf(key, node), "rules",
                   fmt::format("expected a map of rules, found {}", Describe(node)));
  }
  MARQUEE_ASSIGN_OR_RETURN(auto entries, Entries(file, node, "rules"));
  for (const auto& [k, v] : entries) {
    const Field f{file, "rules." + k.Scalar(), k, v};
    const auto& keys = RuleKeys();
    const auto it =
        std::find_if(keys.begin(), keys.end(), [&](const RuleKey& r) { return r.name == k.Scalar(); });
    if (it == keys.end()) {
      std::vector<std::string_view> names;
      for (const RuleKey& r : keys) names.push_back(r.name);
      return f.Error(fmt::format("unknown key; rules has {}", KeyList(names)));
    }
    MARQUEE_RETURN_IF_ERROR(it->read(f, &rules));
  }
  return rules;
}

// A row as read, with the lines that later checks (a kind twice, a pin
// twice) name.
struct ParsedRow {
  RowSpec spec;
  int kind_line = 0;
  int pin_line = 0;
};

Result<RowKind> ParseKind(std::string_view file, const std::string& path, const YAML::Node& item) {
  for (const auto& entry : item) {
    if (!entry.first.IsScalar() || entry.first.Scalar() != "kind") continue;
    const Field f{file, path + ".kind", entry.first, entry.second};
    if (!f.Plain()) return f.Expected("a row kind");
    Result<RowKind> kind = ParseRowKind(entry.second.Scalar());
    if (!kind.ok()) return f.Error(kind.status().message());
    return kind;
  }
  return ErrorAt(file, LineOf(item.Mark()), path, "has no kind (every row says which kind it is)");
}

Status ParseRowKey(const Field& f, RowSpec* spec) {
  const std::string& name = f.key.Scalar();
  const auto& keys = RowKeys();
  const auto it = std::find_if(keys.begin(), keys.end(), [&](const RowKey& k) { return k.name == name; });
  if (it == keys.end()) {
    return f.Error(
        fmt::format("unknown key; a {} row has {}", RowKindName(spec->kind), RowKeysOf(spec->kind)));
  }
  if (!AppliesTo(*it, spec->kind)) {
    return f.Error(
        fmt::format("applies to {} only, not {}", RowKindName(*it->only), RowKindName(spec->kind)));
  }
  return it->read(f, spec);
}

Result<ParsedRow> ParseRow(std::string_view file, size_t index, const YAML::Node& item,
                           const PageRules& rules) {
  const std::string path = fmt::format("rows[{}]", index);
  if (!item.IsMap()) {
    return ErrorAt(file, LineOf(item.Mark()), path,
                   fmt::format("expected a map like \"- kind: top_picks\", found {}", Describe(item)));
  }
  MARQUEE_ASSIGN_OR_RETURN(auto entries, Entries(file, item, path));
  MARQUEE_ASSIGN_OR_RETURN(const RowKind kind, ParseKind(file, path, item));
  ParsedRow row{RowDefaults(kind), LineOf(item.Mark()), LineOf(item.Mark())};
  for (const auto& [k, v] : entries) {
    const Field f{file, path + "." + k.Scalar(), k, v, &rules};
    if (k.Scalar() == "kind") {
      row.kind_line = f.line();
      continue;
    }
    MARQUEE_RETURN_IF_ERROR(ParseRowKey(f, &row.spec));
    if (k.Scalar() == "pin") row.pin_line = f.line();
  }
  return row;
}

// Each kind once (more rows of a kind are its `count`), each pinned position
// taken by one kind.
Status CheckRowsTogether(std::string_view file, const std::vector<ParsedRow>& rows) {
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (rows[j].spec.kind == rows[i].spec.kind) {
        return ErrorAt(
            file, rows[i].kind_line, fmt::format("rows[{}].kind", i),
            fmt::format("{} is listed twice (first as rows[{}], line {}); more rows of a kind are its count",
                        RowKindName(rows[i].spec.kind), j, rows[j].kind_line));
      }
      if (rows[i].spec.pin >= 0 && rows[j].spec.pin == rows[i].spec.pin) {
        return ErrorAt(file, rows[i].pin_line, fmt::format("rows[{}].pin", i),
                       fmt::format("position {} is already pinned by rows[{}] ({}, line {})",
                                   rows[i].spec.pin, j, RowKindName(rows[j].spec.kind), rows[j].pin_line));
      }
    }
  }
  return Status::OK();
}

Result<std::vector<RowSpec>> ParseRows(std::string_view file, const YAML::Node& key, const YAML::Node& node,
                                       const PageRules& rules) {
  if (!node.IsSequence() || node.size() == 0) {
    return ErrorAt(file, LineOf(key, node), "rows",
                   fmt::format("expected a non-empty list of rows (\"- kind: top_picks\"), found {}",
                               node.IsSequence() ? "an empty list" : Describe(node)));
  }
  std::vector<ParsedRow> parsed;
  for (size_t i = 0; i < node.size(); ++i) {
    MARQUEE_ASSIGN_OR_RETURN(ParsedRow row, ParseRow(file, i, node[i], rules));
    parsed.push_back(std::move(row));
  }
  MARQUEE_RETURN_IF_ERROR(CheckRowsTogether(file, parsed));
  std::vector<RowSpec> specs;
  for (ParsedRow& row : parsed) specs.push_back(row.spec);
  return specs;
}

Result<PageConfig> ParseDocument(std::string_view file, const YAML::Node& doc) {
  if (doc.IsNull()) {
    return ErrorAt(file, 1, "(file)", "expected a page configuration with a rows: list, found an empty file");
  }
  if (!doc.IsMap()) {
    return ErrorAt(file, LineOf(doc.Mark()), "(file)",
                   fmt::format("expected a map with rules: and rows:, found {}", Describe(doc)));
  }
  MARQUEE_ASSIGN_OR_RETURN(auto entries, Entries(file, doc, ""));
  const std::pair<YAML::Node, YAML::Node>* rules_entry = nullptr;
  const std::pair<YAML::Node, YAML::Node>* rows_entry = nullptr;
  for (const auto& entry : entries) {
    const std::string& name = entry.first.Scalar();
    if (name != "rules" && name != "rows") {
      return ErrorAt(file, LineOf(entry.first.Mark()), name,
                     "unknown key; a page configuration has rules, rows");
    }
    (name == "rules" ? rules_entry : rows_entry) = &entry;
  }
  if (rows_entry == nullptr) {
    return ErrorAt(file, LineOf(doc.Mark()), "rows", "missing; expected a non-empty list of rows");
  }
  PageConfig config;
  config.source = std::string(file);
  // Rules first, wherever they are in the file: pins are checked against rules.rows.
  if (rules_entry != nullptr) {
    MARQUEE_ASSIGN_OR_RETURN(config.rules, ParseRules(file, rules_entry->first, rules_entry->second));
  }
  MARQUEE_ASSIGN_OR_RETURN(config.rows, ParseRows(file, rows_entry->first, rows_entry->second, config.rules));
  return config;
}

}  // namespace

const PageConfig& DefaultPageConfig() {
  static const PageConfig config = [] {
    PageConfig c;
    c.source = "built-in";
    for (RowKind kind :
         {RowKind::kContinueWatching, RowKind::kTopPicks, RowKind::kBecauseYouWatched, RowKind::kTrending,
          RowKind::kPopularInRegion, RowKind::kNewReleases, RowKind::kGenre}) {
      c.rows.push_back(RowDefaults(kind));
    }
    c.rows[1].required = true;  // top_picks: the page's reason to exist
    c.rows[2].count = 3;        // because_you_watched
    c.rows[6].count = 4;        // genre
    return c;
  }();
  return config;
}

Result<PageConfig> ParsePageConfig(std::string_view text, std::string_view file_name) {
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    // A second document ("---") would otherwise be read by nobody: refuse it
    // rather than serve half of what the file says.
    if (documents.size() > 1) {
      return ErrorAt(file_name, LineOf(documents[1].Mark()), "(file)",
                     fmt::format("expected one YAML document, found {} (separated by ---)", documents.size()));
    }
    return ParseDocument(file_name, documents.empty() ? YAML::Node() : documents.front());
  } catch (const YAML::Exception& e) {
    // e.msg is yaml-cpp's own description ("illegal map value", ...).
    return ErrorAt(file_name, LineOf(e.mark), "(file)",
                   fmt::format("expected well-formed YAML, found: {}", e.msg));
  }
}

Result<PageConfig> LoadPageConfig(const std::string& path) {
  Result<MappedFile> file = MappedFile::Open(path);
  if (!file.ok()) {
    return Status::IOError(fmt::format("cannot read the page configuration: {}", file.status().message()));
  }
  return ParsePageConfig(file->bytes(), path);
}

std::string PageConfigYaml(const PageConfig& config) {
  std::string out = fmt::format("# Marquee homepage configuration (docs/homepage.md); from {}\nrules:\n",
                                config.source.empty() ? "(unnamed)" : config.source);
  for (const RuleKey& key : RuleKeys()) out += fmt::format("  {}: {}\n", key.name, key.write(config.rules));
  out += "rows:\n";
  for (const RowSpec& spec : config.rows) {
    out += fmt::format("  - kind: {}\n", RowKindName(spec.kind));
    for (const RowKey& key : RowKeys()) {
      // count is 1 for a kind that does not repeat; saying so would only invite editing it (any
      // other count is written, so that reading the file back refuses it rather than losing it).
      if (!AppliesTo(key, spec.kind) || (key.name == "count" && !Repeats(spec.kind) && spec.count == 1))
        continue;
      out += fmt::format("    {}: {}\n", key.name, key.write(spec));
    }
  }
  return out;
}

}  // namespace marquee::page
