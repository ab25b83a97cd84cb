#include "marquee/io/obd_log.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "marquee/io/import_common.h"
#include "marquee/io/text_scan.h"
#include "marquee/util/file.h"
#include "marquee/util/random.h"

namespace marquee {

namespace {

// ZOZOTOWN shows three items a page; the files number the slots 1..3.
constexpr uint32_t kObdPositions = 3;

// Strict double parse (the whole text, finite). Propensities need the full
// precision: 1/34 read as a float would make a uniform target's weights
// differ from 1 in the eighth digit.
bool ParseFiniteDouble(std::string_view text, double* value) {
  if (text.empty() || text[0] == '+') return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(*value);
}

// ---------------------------------------------------------------------------
// The log.

struct ObdColumns {
  size_t item = 0, position = 0, click = 0, propensity = 0;
  size_t needed = 0;  // fields a line must have
};

Result<ObdColumns> FindColumns(const std::string& path, std::string_view header_line) {
  FieldSplitter header(',');
  if (!header.Split(header_line)) return FieldError(path, 1, header.error(), header_line);
  ObdColumns cols;
  auto find = [&](std::string_view name, size_t* index) -> Status {
    for (size_t i = 0; i < header.size(); ++i) {
      if (TrimSpaces(header[i]) == name) {
        *index = i;
        cols.needed = std::max(cols.needed, i + 1);
        return Status::OK();
      }
    }
    return Status::ParseErrorAt(path, 1,
                                "a header naming the columns item_id, position, click and "
                                "propensity_score",
                                fmt::format("no {} column in {}", name, QuoteForError(header_line)));
  };
  MARQUEE_RETURN_IF_ERROR(find("item_id", &cols.item));
  MARQUEE_RETURN_IF_ERROR(find("position", &cols.position));
  MARQUEE_RETURN_IF_ERROR(find("click", &cols.click));
  MARQUEE_RETURN_IF_ERROR(find("propensity_score", &cols.propensity));
  return cols;
}

// "column 4 (position)": how errors point at a field.
std::string ColumnName(size_t index, std::string_view name) {
  return fmt::format("column {} ({})", index + 1, name);
}

// Rows of item_context.csv beside the log (its header excluded), or 0 when
// there is no such file.
Result<uint32_t> ItemContextRows(const std::string& csv_path) {
  const size_t slash = csv_path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : csv_path.substr(0, slash);
  const std::string path = JoinPath(dir, "item_context.csv");
  if (!FileExists(path)) return 0u;
  MARQUEE_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  LineScanner lines(file.bytes());
  std::string_view line;
  uint32_t rows = 0;
  while (lines.Next(&line)) {
    if (lines.line_number() > 1 && !TrimSpaces(line).empty()) ++rows;
  }
  return rows;
}

class ObdLineParser {
 public:
  ObdLineParser(const std::string& path, const ObdColumns& cols, uint32_t item_limit)
      : path_(path), cols_(cols), item_limit_(item_limit), splitter_(',') {
    too_few_ = fmt::format("at least {} fields separated by ','", cols.needed);
    item_expected_ = item_limit > 0 ? fmt::format("an item id below the campaign's {} items in {}",
                                                  item_limit, ColumnName(cols.item, "item_id"))
                                    : fmt::format("an item id in {}", ColumnName(cols.item, "item_id"));
  }

  Status Parse(std::string_view line, size_t n, LoggedBanditData* out) {
    if (!splitter_.Split(line)) return FieldError(path_, n, splitter_.error(), line);
    if (splitter_.size() < cols_.needed) {
      return FieldCountError(path_, n, too_few_, splitter_.size(), line);
    }
    uint32_t item, position, click;
    double propensity;
    std::string_view text = TrimSpaces(splitter_[cols_.item]);
    if (!ParseUint32(text, &item) || (item_limit_ > 0 && item >= item_limit_)) {
      return FieldError(path_, n, item_expected_, text);
    }
    text = TrimSpaces(splitter_[cols_.position]);
    if (!ParseUint32(text, &position) || position < 1 || position > kObdPositions) {
      return FieldError(path_, n, "a position 1, 2 or 3 in " + ColumnName(cols_.position, "position"),
                        text);
    }
    text = TrimSpaces(splitter_[cols_.click]);
    if (!ParseUint32(text, &click) || click > 1) {
      return FieldError(path_, n, "a click 0 or 1 in " + ColumnName(cols_.click, "click"), text);
    }
    text = TrimSpaces(splitter_[cols_.propensity]);
    if (!ParseFiniteDouble(text, &propensity) || !(propensity > 0.0 && propensity <= 1.0)) {
      return FieldError(path_, n,
                        "a probability in (0, 1] in " +
                            ColumnName(cols_.propensity, "propensity_score"),
                        text);
    }
    // Subnormals (1e-320) and other specks pass (0, 1] but make 1/p
    // overflow or stand for more impressions than any log holds.
    if (!(propensity >= kMinPropensity)) {
      return FieldError(path_, n,
                        fmt::format("a propensity of at least {:g} (kMinPropensity: a smaller one "
                                    "gives a weight 1/p over 1e12 or infinite) in {}",
                                    kMinPropensity, ColumnName(cols_.propensity, "propensity_score")),
                        text);
    }
    out->action.push_back(item);
    out->position.push_back(position - 1);
    out->reward.push_back(click);
    out->propensity.push_back(propensity);
    return Status::OK();
  }

 private:
  const std::string& path_;
  const ObdColumns& cols_;
  uint32_t item_limit_;
  FieldSplitter splitter_;
  std::string too_few_, item_expected_;
};

// Every record offers every item: candidate c of record i is item c.
void SetAllItemsAsCandidates(uint32_t items, LoggedBanditData* data) {
  const size_t n = data->size();
  data->offsets.resize(n + 1);
  data->candidate_ids.resize(n * items);
  for (size_t i = 0; i <= n; ++i) data->offsets[i] = i * items;
  for (size_t i = 0; i < n; ++i) {
    std::iota(data->candidate_ids.begin() + i * items, data->candidate_ids.begin() + (i + 1) * items,
              0u);
  }
}

// ---------------------------------------------------------------------------
// prior_bts.yaml: a map of campaigns, each a map with "alpha" and "beta"
// lists of positive numbers. yaml-cpp parses it; it throws, so its exceptions
// stop here and become Statuses. Marks are 0-based; messages count from 1.

// "FILE:LINE: expected EXPECTED, found FOUND (column C)" at a node or mark.
Status YamlError(const std::string& path, const YAML::Mark& mark, std::string_view expected,
                 std::string_view found) {
  if (mark.is_null()) {  // yaml-cpp did not say where
    return Status::ParseError(fmt::format("{}: expected {}, found {}", path, expected, found));
  }
  return Status::ParseErrorAt(path, static_cast<size_t>(mark.line) + 1, expected,
                              fmt::format("{} (column {})", found, mark.column + 1));
}

// How a node shows in a message: its text when it is a scalar, else its kind.
std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return QuoteForError(node.Scalar());
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

// The keys of a map node in file order, refusing repeated ones (yaml-cpp keeps
// both; which one a lookup returns would be an accident).
Result<std::vector<std::string>> MapKeys(const std::string& path, const YAML::Node& map,
                                         std::string_view what) {
  std::vector<std::string> keys;
  for (const auto& entry : map) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) return YamlError(path, key.Mark(), fmt::format("a {} name", what), Describe(key));
    if (std::find(keys.begin(), keys.end(), key.Scalar()) != keys.end()) {
      return YamlError(path, key.Mark(), fmt::format("each {} once", what),
                       fmt::format("{} again", QuoteForError(key.Scalar())));
    }
    keys.push_back(key.Scalar());
  }
  return keys;
}

std::string KeysOf(const std::vector<std::string>& keys) {
  return keys.empty() ? "none" : fmt::format("{}", fmt::join(keys, ", "));
}

// One Beta parameter list of a campaign: present, every value a finite number > 0.
Result<std::vector<double>> BetaParameters(const std::string& path, const std::string& campaign,
                                           const YAML::Node& section, const YAML::Node& key_node,
                                           const std::string& key) {
  const YAML::Node list = section[key];
  if (!list.IsDefined()) {
    return Status::InvalidArgument(
        fmt::format("{}: campaign {} has no {}: list", path, campaign, key));
  }
  if (!list.IsSequence() || list.size() == 0) {
    const YAML::Mark mark = list.IsNull() ? key_node.Mark() : list.Mark();
    return YamlError(path, mark, fmt::format("a list of numbers after {}:", key), Describe(list));
  }
  std::vector<double> values;
  values.reserve(list.size());
  for (const YAML::Node& item : list) {
    double value = 0;
    if (!item.IsScalar() || !ParseFiniteDouble(item.Scalar(), &value)) {
      return YamlError(path, item.Mark(), fmt::format("a number in {}'s {}", campaign, key),
                       Describe(item));
    }
    if (!(value > 0)) {
      return YamlError(path, item.Mark(),
                       fmt::format("a positive Beta parameter in {}'s {}", campaign, key),
                       item.Scalar());
    }
    values.push_back(value);
  }
  return values;
}

// The key node of `key` in a map node (for the line of a key with no value).
YAML::Node KeyNode(const YAML::Node& map, const std::string& key) {
  for (const auto& entry : map) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.first;
  }
  return YAML::Node();
}

Result<BtsPriors> PriorsOf(const std::string& path, const YAML::Node& doc,
                           const std::string& campaign) {
  if (!doc.IsMap()) {
    return YamlError(path, doc.Mark(), "a map of campaigns like \"men:\"", Describe(doc));
  }
  MARQUEE_ASSIGN_OR_RETURN(std::vector<std::string> campaigns, MapKeys(path, doc, "campaign"));
  if (std::find(campaigns.begin(), campaigns.end(), campaign) == campaigns.end()) {
    return Status::NotFound(fmt::format("{}: no campaign {} (it has {})", path,
                                        QuoteForError(campaign), KeysOf(campaigns)));
  }
  const YAML::Node section = doc[campaign];
  if (!section.IsMap()) {
    return YamlError(path, section.IsNull() ? KeyNode(doc, campaign).Mark() : section.Mark(),
                     "keys \"alpha:\" and \"beta:\" under the campaign", Describe(section));
  }
  MARQUEE_RETURN_IF_ERROR(MapKeys(path, section, "key of a campaign").status());
  BtsPriors priors;
  MARQUEE_ASSIGN_OR_RETURN(priors.alpha, BetaParameters(path, campaign, section,
                                                        KeyNode(section, "alpha"), "alpha"));
  MARQUEE_ASSIGN_OR_RETURN(priors.beta, BetaParameters(path, campaign, section,
                                                       KeyNode(section, "beta"), "beta"));
  if (priors.alpha.size() != priors.beta.size()) {
    return Status::InvalidArgument(fmt::format("{}: campaign {} has {} alpha values but {} beta values",
                                               path, campaign, priors.alpha.size(),
                                               priors.beta.size()));
  }
  return priors;
}

}  // namespace

Result<LoggedBanditData> ReadObdLog(const std::string& csv_path, const ObdReadOptions& options) {
  uint32_t items = options.item_count;
  if (items == 0) {
    MARQUEE_ASSIGN_OR_RETURN(items, ItemContextRows(csv_path));
  }
  MARQUEE_ASSIGN_OR_RETURN(MappedFile file, OpenInput(csv_path, "an Open Bandit Dataset log"));
  LineScanner lines(file.bytes());
  std::string_view line;
  if (!lines.Next(&line)) return EmptyFileError(csv_path, "a header line naming the columns");
  MARQUEE_ASSIGN_OR_RETURN(ObdColumns cols, FindColumns(csv_path, line));

  LoggedBanditData data;
  data.source = csv_path;
  const size_t expected_rows = file.size() / 200;  // OBD lines are about 400 bytes
  data.action.reserve(expected_rows);
  data.position.reserve(expected_rows);
  data.reward.reserve(expected_rows);
  data.propensity.reserve(expected_rows);
  ObdLineParser parser(csv_path, cols, items);
  while (lines.Next(&line)) {
    if (line.empty()) continue;
    MARQUEE_RETURN_IF_ERROR(parser.Parse(line, lines.line_number(), &data));
  }
  if (data.size() == 0) {
    return EndOfFileError(csv_path, lines.line_number() + 1, "a data line after the header");
  }
  if (items == 0) items = *std::max_element(data.action.begin(), data.action.end()) + 1;
  SetAllItemsAsCandidates(items, &data);
  return data;
}

Result<BtsPriors> ReadBtsPriors(const std::string& yaml_path, const std::string& campaign) {
  MARQUEE_ASSIGN_OR_RETURN(MappedFile file, OpenInput(yaml_path, "the BTS priors (prior_bts.yaml)"));
  const std::string text(file.bytes().begin(), file.bytes().end());
  try {
    return PriorsOf(yaml_path, YAML::Load(text), campaign);
  } catch (const YAML::Exception& e) {
    // e.msg is yaml-cpp's own description ("illegal map value", ...).
    return YamlError(yaml_path, e.mark, "well-formed YAML (a map of campaigns with alpha: and beta: lists)",
                     e.msg);
  }
}

}  // namespace marquee
