#include "marquee/data/new_title_json.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "marquee/data/title_filter.h"
#include "marquee/util/file.h"
#include "marquee/util/json_fields.h"
#include "marquee/util/strings.h"

namespace marquee {

namespace {

using nlohmann::json;

Status ReadCount(const json& object, const char* name, int64_t lo, int64_t hi, int64_t& out) {
  if (!object.contains(name)) return Status::OK();
  const json& v = object[name];
  if (!v.is_number_integer()) return json_fields::Expected(name, fmt::format("an integer from {} to {}", lo, hi), v);
  if (v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
    return Status::InvalidField(name, fmt::format("{}: expected an integer from {} to {}, found {}", name, lo, hi,
                                                  v.get<int64_t>()));
  }
  out = v.get<int64_t>();
  return Status::OK();
}

// A title id must name a chart file: letters, digits, '.', '_', '-', 1 to
// 100 characters, not starting with '.'.
bool IsSafeId(std::string_view id) {
  if (id.empty() || id.size() > 100 || id[0] == '.') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

// The catalog's genre named `name`, ignoring ASCII case; -1 when none.
int FindGenreIgnoringCase(const Catalog& catalog, std::string_view name) {
  const int exact = catalog.FindGenre(name);
  if (exact >= 0) return exact;
  const std::string wanted = AsciiLower(name);
  for (size_t g = 0; g < catalog.genres().size(); ++g) {
    if (AsciiLower(catalog.genres()[g]) == wanted) return static_cast<int>(g);
  }
  return -1;
}

using RatingSpellings = std::map<std::string, std::string>;

Result<NewTitle> ParseNewTitle(const json& v, const Catalog& catalog, const RatingSpellings& ratings) {
  if (!v.is_object()) return json_fields::Expected("line", "an object describing a title", v);
  MARQUEE_RETURN_IF_ERROR(json_fields::RejectUnknownFields(
      v, {"title", "name", "genres", "year", "maturity", "runtime_minutes", "performers", "tags"}, ""));
  NewTitle t;
  if (!v.contains("title")) return Status::InvalidField("title", "title: missing; expected the new title's id");
  MARQUEE_RETURN_IF_ERROR(json_fields::ReadString(v, "title", "", t.title_id));
  if (!IsSafeId(t.title_id)) {
    return Status::InvalidField("title", fmt::format("title: expected 1 to 100 letters, digits, '.', '_' or '-' (it "
                                                     "names the chart file), found {}",
                                                     QuoteForError(t.title_id)));
  }
  MARQUEE_RETURN_IF_ERROR(json_fields::ReadString(v, "name", "", t.title.name));
  MARQUEE_RETURN_IF_ERROR(json_fields::ReadString(v, "maturity", "", t.title.maturity));
  if (!t.title.maturity.empty()) {
    // Spelled as the catalog spells it (ignoring case), else as the standard
    // scale does; a rating neither knows is kept but named in `unknown` (it
    // is no feature, and maturity filters leave the title out).
    const auto known = ratings.find(AsciiLower(t.title.maturity));
    if (known != ratings.end()) {
      t.title.maturity = known->second;
    } else {
      std::string upper = t.title.maturity;
      for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
      if (MaturityLevel(upper).has_value()) t.title.maturity = upper;
      else t.unknown.push_back("maturity:" + t.title.maturity);
    }
  }
  int64_t year = 0, runtime = 0;
  MARQUEE_RETURN_IF_ERROR(ReadCount(v, "year", 1800, 2200, year));
  MARQUEE_RETURN_IF_ERROR(ReadCount(v, "runtime_minutes", 1, 10000, runtime));
  t.title.year = static_cast<int32_t>(year);
  t.title.runtime_minutes = static_cast<uint32_t>(runtime);
  std::vector<std::string> genres, performers, tags;
  MARQUEE_RETURN_IF_ERROR(json_fields::ReadStrings(v, "genres", "", genres));
  MARQUEE_RETURN_IF_ERROR(json_fields::ReadStrings(v, "performers", "", performers));
  MARQUEE_RETURN_IF_ERROR(json_fields::ReadStrings(v, "tags", "", tags));
  for (const std::string& g : genres) {
    const int index = FindGenreIgnoringCase(catalog, g);
    if (index < 0) t.unknown.push_back("genre:" + g);
    else t.title.genres.push_back(static_cast<uint16_t>(index));
  }
  for (const std::string& p : performers) {
    const uint32_t index = catalog.FindPerformer(p);
    if (index == IdMap::kNotFound) t.unknown.push_back("performer:" + p);
    else t.title.credits.push_back({index, CastRole::kLead});
  }
  std::set<std::string> unique;
  for (const std::string& tag : tags) unique.insert(AsciiLower(tag));
  t.title.tags.assign(unique.begin(), unique.end());
  t.definition = json_fields::Dump(v);
  return t;
}

}  // namespace

NewTitleParser::NewTitleParser(const Catalog& catalog) : catalog_(catalog) {
  for (const Title& t : catalog.titles()) {
    if (!t.maturity.empty()) ratings_.emplace(AsciiLower(t.maturity), t.maturity);
  }
}

Result<std::vector<NewTitle>> ParseNewTitles(std::string_view text, std::string_view source, const Catalog& catalog,
                                             size_t max_titles) {
  return NewTitleParser(catalog).Parse(text, source, max_titles);
}

Result<std::vector<NewTitle>> NewTitleParser::Parse(std::string_view text, std::string_view source,
                                                    size_t max_titles) const {
  std::set<std::string> ids;
  std::vector<NewTitle> out;
  size_t line_number = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    std::string repeated;
    const json v = json_fields::ParseNoRepeatedKeys(line, &repeated);
    if (v.is_discarded()) {
      return Status::InvalidArgument(fmt::format("{}:{}: expected a JSON object, found text that is not JSON", source,
                                                 line_number));
    }
    if (!repeated.empty()) {
      return Status::InvalidField(repeated, fmt::format("{}:{}: {}: expected each field once, found it twice", source,
                                                        line_number, repeated));
    }
    Result<NewTitle> title = ParseNewTitle(v, catalog_, ratings_);
    if (!title.ok()) return title.status().WithContext(fmt::format("{}:{}", source, line_number));
    if (!ids.insert(title->title_id).second) {
      return Status::InvalidField("title", fmt::format("{}:{}: title: {} is listed twice", source, line_number,
                                                       title->title_id));
    }
    if (out.size() == max_titles) {
      return Status::InvalidArgument(fmt::format("{}:{}: expected at most {} titles at once", source, line_number,
                                                 max_titles));
    }
    out.push_back(std::move(*title));
  }
  if (out.empty()) return Status::InvalidArgument(fmt::format("{}: expected one title a line, found none", source));
  return out;
}

Result<std::vector<NewTitle>> ReadNewTitles(const std::string& path, const Catalog& catalog) {
  MARQUEE_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  return ParseNewTitles(file.bytes(), path, catalog);
}

}  // namespace marquee
