#include "marquee/io/obd_log.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <numeric>

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
                                "no " + std::string(name) + " column in " +
                                    QuoteForError(header_line));
  };
  MARQUEE_RETURN_IF_ERROR(find("item_id", &cols.item));
  MARQUEE_RETURN_IF_ERROR(find("position", &cols.position));
  MARQUEE_RETURN_IF_ERROR(find("click", &cols.click));
  MARQUEE_RETURN_IF_ERROR(find("propensity_score", &cols.propensity));
  return cols;
}

// "column 4 (position)": how errors point at a field.
std::string ColumnName(size_t index, std::string_view name) {
  return "column " + std::to_string(index + 1) + " (" + std::string(name) + ")";
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
    too_few_ = "at least " + std::to_string(cols.needed) + " fields separated by ','";
    item_expected_ = "an item id";
    if (item_limit > 0) item_expected_ += " below the campaign's " + std::to_string(item_limit) + " items";
    item_expected_ += " in " + ColumnName(cols.item, "item_id");
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
// prior_bts.yaml: the subset it uses, "campaign:" keys at the left margin,
// indented "alpha:" / "beta:" keys under them, and "- number" items under those.

struct YamlList {
  std::vector<double> values;
  std::vector<size_t> lines;  // where each value was, for messages about it
  size_t key_line = 0;
};
using YamlSection = std::map<std::string, YamlList, std::less<>>;
using YamlDocument = std::map<std::string, YamlSection, std::less<>>;

size_t Indent(std::string_view line) {
  size_t k = 0;
  while (k < line.size() && line[k] == ' ') ++k;
  return k;
}

std::string_view StripComment(std::string_view line) {
  const size_t hash = line.find('#');
  return hash == std::string_view::npos ? line : line.substr(0, hash);
}

// "name:" with nothing after the colon, else an empty view. Names are plain
// words (letters, digits, '_', '-', '.'): all prior_bts.yaml needs.
std::string_view KeyOf(std::string_view text) {
  if (text.size() < 2 || text.back() != ':') return {};
  std::string_view key = text.substr(0, text.size() - 1);
  const bool plain = std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
  return plain && key[0] != '-' ? key : std::string_view();
}

class YamlReader {
 public:
  explicit YamlReader(const std::string& path) : path_(path) {}

  Status Line(std::string_view raw, size_t n) {
    std::string_view line = StripComment(raw);
    if (TrimSpaces(line).empty()) return Status::OK();
    if (line.find('\t') != std::string_view::npos) {
      return Status::ParseErrorAt(path_, n, "indentation by spaces (YAML forbids tabs)",
                                  QuoteForError(raw));
    }
    const size_t indent = Indent(line);
    std::string_view body = TrimSpaces(line);
    if (indent == 0) return TopKey(body, raw, n);
    if (body.size() >= 1 && body[0] == '-') return Item(body, indent, raw, n);
    return SubKey(body, indent, raw, n);
  }

  YamlDocument& document() { return doc_; }

 private:
  Status Unexpected(std::string_view expected, std::string_view raw, size_t n) const {
    return Status::ParseErrorAt(path_, n, expected, QuoteForError(raw));
  }

  Status TopKey(std::string_view body, std::string_view raw, size_t n) {
    std::string_view key = KeyOf(body);
    if (key.empty()) {
      return Unexpected("a campaign key like \"men:\" at the left margin (this reader takes "
                        "only keys and lists of numbers)",
                        raw, n);
    }
    auto [it, added] = doc_.try_emplace(std::string(key));
    if (!added) return Unexpected("each campaign once", raw, n);
    section_ = &it->second;
    list_ = nullptr;
    sub_indent_ = 0;
    return Status::OK();
  }

  Status SubKey(std::string_view body, size_t indent, std::string_view raw, size_t n) {
    std::string_view key = KeyOf(body);
    if (section_ == nullptr || key.empty()) {
      return Unexpected("an indented key like \"alpha:\" under a campaign, or a list item "
                        "\"- number\"",
                        raw, n);
    }
    if (sub_indent_ != 0 && indent != sub_indent_) {
      return Unexpected("keys of one campaign at the same indentation (" +
                            std::to_string(sub_indent_) + " spaces)",
                        raw, n);
    }
    sub_indent_ = indent;
    auto [it, added] = section_->try_emplace(std::string(key));
    if (!added) return Unexpected("each key once per campaign", raw, n);
    list_ = &it->second;
    list_->key_line = n;
    return Status::OK();
  }

  Status Item(std::string_view body, size_t indent, std::string_view raw, size_t n) {
    if (list_ == nullptr || indent < sub_indent_) {
      return Unexpected("a list item under a key like \"alpha:\"", raw, n);
    }
    double value;
    std::string_view number = body.size() >= 2 && body[1] == ' ' ? TrimSpaces(body.substr(2))
                                                                  : std::string_view();
    if (!ParseFiniteDouble(number, &value)) {
      return Unexpected("a list item \"- number\"", raw, n);
    }
    list_->values.push_back(value);
    list_->lines.push_back(n);
    return Status::OK();
  }

  const std::string& path_;
  YamlDocument doc_;
  YamlSection* section_ = nullptr;
  YamlList* list_ = nullptr;
  size_t sub_indent_ = 0;
};

std::string KeysOf(const YamlDocument& doc) {
  std::string out;
  for (const auto& [key, section] : doc) out += (out.empty() ? "" : ", ") + key;
  return out.empty() ? "none" : out;
}

// One Beta parameter list of a campaign: present, every value > 0.
Result<std::vector<double>> BetaParameters(const std::string& path, const std::string& campaign,
                                           const YamlSection& section, std::string_view key) {
  auto it = section.find(key);
  if (it == section.end()) {
    return Status::InvalidArgument(path + ": campaign " + campaign + " has no " +
                                   std::string(key) + ": list");
  }
  const YamlList& list = it->second;
  if (list.values.empty()) {
    return Status::ParseErrorAt(path, list.key_line, "a list of numbers after " + std::string(key) + ":",
                                "none");
  }
  for (size_t k = 0; k < list.values.size(); ++k) {
    if (!(list.values[k] > 0)) {
      return Status::ParseErrorAt(path, list.lines[k],
                                  "a positive Beta parameter in " + campaign + "'s " +
                                      std::string(key),
                                  std::to_string(list.values[k]));
    }
  }
  return list.values;
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
  YamlReader reader(yaml_path);
  LineScanner lines(file.bytes());
  std::string_view line;
  while (lines.Next(&line)) MARQUEE_RETURN_IF_ERROR(reader.Line(line, lines.line_number()));
  const YamlDocument& doc = reader.document();
  auto it = doc.find(campaign);
  if (it == doc.end()) {
    return Status::NotFound(yaml_path + ": no campaign " + QuoteForError(campaign) +
                            " (it has " + KeysOf(doc) + ")");
  }
  BtsPriors priors;
  MARQUEE_ASSIGN_OR_RETURN(priors.alpha, BetaParameters(yaml_path, campaign, it->second, "alpha"));
  MARQUEE_ASSIGN_OR_RETURN(priors.beta, BetaParameters(yaml_path, campaign, it->second, "beta"));
  if (priors.alpha.size() != priors.beta.size()) {
    return Status::InvalidArgument(yaml_path + ": campaign " + campaign + " has " +
                                   std::to_string(priors.alpha.size()) + " alpha values but " +
                                   std::to_string(priors.beta.size()) + " beta values");
  }
  return priors;
}

}  // namespace marquee
