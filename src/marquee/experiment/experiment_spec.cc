#include "marquee/experiment/experiment_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "marquee/data/territory.h"
#include "marquee/util/civil_time.h"
#include "marquee/util/json_fields.h"

namespace marquee::experiment {

using json_fields::Expected;
using json_fields::Join;
using nlohmann::json;

std::string_view ExperimentMethodName(ExperimentMethod method) {
  return method == ExperimentMethod::kAB ? "ab" : "interleaving";
}

std::string_view MemberTargetingName(MemberTargeting members) {
  switch (members) {
    case MemberTargeting::kAll:
      return "all";
    case MemberTargeting::kNew:
      return "new";
    case MemberTargeting::kExisting:
      return "existing";
  }
  return "all";
}

namespace {

constexpr double kShareTolerance = 1e-9;

// InvalidField(field, message); the messages here name their field themselves.
Status Invalid(const std::string& field, std::string message) {
  return Status::InvalidField(field, std::move(message));
}

// [a-z0-9_-], 1..64 characters: names are salts, keys and file names.
bool IsName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

Status ReadName(const json& object, const char* name, std::string_view prefix, bool required, std::string& out) {
  const std::string field = Join(prefix, name);
  if (!object.contains(name)) {
    return required ? Invalid(field, field + ": missing; expected a name of a-z, 0-9, _ and - (1 to 64)")
                    : Status::OK();
  }
  const json& v = object[name];
  if (!v.is_string() || !IsName(v.get<std::string>())) {
    return v.is_string() ? Invalid(field, fmt::format("{}: expected a name of a-z, 0-9, _ and - (1 to 64), found {}",
                                                      field, QuoteForError(v.get<std::string>())))
                         : Expected(field, "a name of a-z, 0-9, _ and - (1 to 64)", v);
  }
  out = v.get<std::string>();
  return Status::OK();
}

// A share in (0, 1].
Status ReadShare(const json& object, const char* name, std::string_view prefix, bool required, double& out) {
  const std::string field = Join(prefix, name);
  if (!object.contains(name)) {
    return required ? Invalid(field, field + ": missing; expected a share in (0, 1]") : Status::OK();
  }
  const json& v = object[name];
  if (!v.is_number() || !(v.get<double>() > 0.0 && v.get<double>() <= 1.0)) {
    return v.is_number() ? Invalid(field, fmt::format("{}: expected a share in (0, 1], found {}", field, v.dump()))
                         : Expected(field, "a share in (0, 1]", v);
  }
  out = v.get<double>();
  return Status::OK();
}

Status ReadDate(const json& object, const char* name, int64_t& out) {
  const std::string field = name;
  if (!object.contains(name)) return Invalid(field, field + ": missing; expected a date YYYY-MM-DD (UTC)");
  const json& v = object[name];
  std::optional<int64_t> day = v.is_string() ? ParseCivilDate(v.get<std::string>()) : std::nullopt;
  if (!day) {
    return v.is_string() ? Invalid(field, fmt::format("{}: expected a date YYYY-MM-DD (UTC), found {}", field,
                                                      QuoteForError(v.get<std::string>())))
                         : Expected(field, "a date YYYY-MM-DD (UTC)", v);
  }
  out = *day * kSecondsPerDay;
  return Status::OK();
}

bool CatalogInvalid(const std::string& catalog) {
  if (catalog.empty()) return false;
  return catalog.size() != 16 ||
         !std::all_of(catalog.begin(), catalog.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Result<CellSpec> ParseCell(const json& v, size_t index) {
  const std::string prefix = fmt::format("cells[{}]", index);
  if (!v.is_object()) return Expected(prefix, "an object with a name", v);
  MARQUEE_RETURN_IF_ERROR(json_fields::RejectUnknownFields(
      v, {"name", "share", "model", "artwork_policy", "page_config", "retrieval"}, prefix));
  CellSpec cell;
  MARQUEE_RETURN_IF_ERROR(ReadName(v, "name", prefix, true, cell.name));
  MARQUEE_RETURN_IF_ERROR(ReadShare(v, "share", prefix, false, cell.share));
  for (auto [key, out] : {std::pair{"model", &cell.model}, std::pair{"artwork_policy", &cell.artwork_policy},
                          std::pair{"page_config", &cell.page_config}, std::pair{"retrieval", &cell.retrieval}}) {
    MARQUEE_RETURN_IF_ERROR(json_fields::ReadString(v, key, prefix, *out));
    // An empty value would make the cell serve what the control serves: an
    // A/A test nobody asked for. Absent is how a cell changes nothing.
    if (v.contains(key) && out->empty()) {
      const std::string field = Join(prefix, key);
      return Invalid(field, fmt::format("{}: expected a non-empty value (leave the field out for a cell that "
                                        "changes nothing), found \"\"", field));
    }
  }
  if (!cell.retrieval.empty() && cell.retrieval != "exact" && cell.retrieval != "hnsw") {
    const std::string field = Join(prefix, "retrieval");
    return Invalid(field, fmt::format("{}: expected exact or hnsw, found {}", field, QuoteForError(cell.retrieval)));
  }
  return cell;
}

Status CheckCells(const ExperimentSpec& spec) {
  if (spec.cells.size() < 2) return Invalid("cells", "cells: expected at least two cells (a control and a treatment)");
  std::set<std::string> names;
  for (size_t i = 0; i < spec.cells.size(); ++i) {
    if (!names.insert(spec.cells[i].name).second) {
      const std::string field = fmt::format("cells[{}].name", i);
      return Invalid(field, fmt::format("{}: {} names two cells", field, QuoteForError(spec.cells[i].name)));
    }
  }
  if (spec.method == ExperimentMethod::kInterleaving) {
    if (spec.cells.size() != 2) {
      return Invalid("cells", fmt::format("cells: an interleaving experiment merges two rankers: expected 2 cells, "
                                          "found {}", spec.cells.size()));
    }
    for (size_t i = 0; i < 2; ++i) {
      if (spec.cells[i].share != 0.0) {
        const std::string field = fmt::format("cells[{}].share", i);
        return Invalid(field, field + ": an interleaving experiment shows every member both rankers; cells have no "
                                      "share (traffic says how many members are in it)");
      }
      if (spec.cells[i].model.empty()) {
        const std::string field = fmt::format("cells[{}].model", i);
        return Invalid(field, field + ": missing; each interleaved cell names its ranker's model directory");
      }
    }
    return Status::OK();
  }
  double sum = 0.0;
  for (size_t i = 0; i < spec.cells.size(); ++i) {
    if (spec.cells[i].share == 0.0) {
      const std::string field = fmt::format("cells[{}].share", i);
      return Invalid(field, field + ": missing; expected a share in (0, 1] (an A/B cell's share of the members)");
    }
    sum += spec.cells[i].share;
  }
  if (std::abs(sum - 1.0) > kShareTolerance) {
    return Invalid("cells", fmt::format("cells: expected shares summing to 1, found {:.6g}", sum));
  }
  return Status::OK();
}

Result<ExperimentSpec> ParseObject(const json& doc) {
  if (!doc.is_object()) return Expected("(document)", "an object with name, layer, start, end and cells", doc);
  MARQUEE_RETURN_IF_ERROR(json_fields::RejectUnknownFields(
      doc, {"name", "hypothesis", "layer", "traffic", "start", "end", "method", "regions", "members", "cells", "catalog"},
      ""));
  ExperimentSpec spec;
  MARQUEE_RETURN_IF_ERROR(ReadName(doc, "name", "", true, spec.name));
  MARQUEE_RETURN_IF_ERROR(json_fields::ReadString(doc, "hypothesis", "", spec.hypothesis));
  MARQUEE_RETURN_IF_ERROR(ReadName(doc, "layer", "", false, spec.layer));
  MARQUEE_RETURN_IF_ERROR(ReadShare(doc, "traffic", "", false, spec.traffic));
  // Allocation has 10,000 buckets a layer: less than one would be rounded up
  // to one, ten or more times what was asked.
  if (spec.traffic < 1e-4) {
    return Invalid("traffic", fmt::format("traffic: expected at least 0.0001 (one of a layer's 10,000 buckets), "
                                          "found {}", spec.traffic));
  }
  MARQUEE_RETURN_IF_ERROR(ReadDate(doc, "start", spec.start));
  MARQUEE_RETURN_IF_ERROR(ReadDate(doc, "end", spec.end));
  if (spec.end <= spec.start) {
    return Invalid("end", fmt::format("end: expected a date after start ({}), found {}",
                                      FormatCivilDate(UnixDay(spec.start)), FormatCivilDate(UnixDay(spec.end))));
  }
  std::string method = "ab";
  MARQUEE_RETURN_IF_ERROR(json_fields::ReadString(doc, "method", "", method));
  if (method != "ab" && method != "interleaving") {
    return Invalid("method", fmt::format("method: expected ab or interleaving, found {}", QuoteForError(method)));
  }
  spec.method = method == "ab" ? ExperimentMethod::kAB : ExperimentMethod::kInterleaving;
  MARQUEE_RETURN_IF_ERROR(json_fields::ReadString(doc, "catalog", "", spec.catalog));
  if (CatalogInvalid(spec.catalog)) {
    return Invalid("catalog", fmt::format("catalog: expected 16 lower-case hex digits (set by the server), found {}",
                                          QuoteForError(spec.catalog)));
  }
  MARQUEE_RETURN_IF_ERROR(json_fields::ReadStrings(doc, "regions", "", spec.regions));
  // Targeting compares them with the request's territory: a lower-case or
  // three-letter code would match nobody, silently.
  for (size_t i = 0; i < spec.regions.size(); ++i) {
    if (std::find(spec.regions.begin(), spec.regions.begin() + i, spec.regions[i]) != spec.regions.begin() + i) {
      return Status::InvalidField(fmt::format("regions[{}]", i), fmt::format("regions[{}]: {} is listed twice", i,
                                                                             QuoteForError(spec.regions[i])));
    }
    if (!IsTerritoryCode(spec.regions[i])) {
      return Status::InvalidField(fmt::format("regions[{}]", i),
                                  fmt::format("regions[{}]: expected an ISO 3166 code such as US or US-NY, found {}", i,
                                              QuoteForError(spec.regions[i])));
    }
  }
  std::string members = "all";
  MARQUEE_RETURN_IF_ERROR(json_fields::ReadString(doc, "members", "", members));
  if (members == "all" || members == "new" || members == "existing") {
    spec.members = members == "all" ? MemberTargeting::kAll
                   : members == "new" ? MemberTargeting::kNew
                                      : MemberTargeting::kExisting;
  } else {
    return Invalid("members", fmt::format("members: expected all, new or existing, found {}", QuoteForError(members)));
  }
  if (!doc.contains("cells") || !doc["cells"].is_array()) {
    return doc.contains("cells") ? Expected("cells", "a list of cells", doc["cells"])
                                 : Invalid("cells", "cells: missing; expected a list of at least two cells");
  }
  for (size_t i = 0; i < doc["cells"].size(); ++i) {
    MARQUEE_ASSIGN_OR_RETURN(CellSpec cell, ParseCell(doc["cells"][i], i));
    spec.cells.push_back(std::move(cell));
  }
  MARQUEE_RETURN_IF_ERROR(CheckCells(spec));
  return spec;
}

}  // namespace

Result<ExperimentSpec> ParseExperimentSpec(std::string_view text, std::string_view source) {
  std::string repeated;
  json doc = json_fields::ParseNoRepeatedKeys(text, &repeated);
  if (doc.is_discarded()) {
    return Status::InvalidArgument(fmt::format("{}: expected a JSON object, found text that is not JSON", source));
  }
  if (!repeated.empty()) {
    return Status::InvalidField(repeated, fmt::format("{}: {}: expected each field once in an object, found it twice",
                                                      source, repeated));
  }
  Result<ExperimentSpec> spec = ParseObject(doc);
  if (!spec.ok()) return spec.status().WithContext(std::string(source));
  return spec;
}

std::string ExperimentSpecJson(const ExperimentSpec& spec, int indent) {
  json cells = json::array();
  for (const CellSpec& c : spec.cells) {
    json cell = {{"name", c.name}};
    if (spec.method == ExperimentMethod::kAB) cell["share"] = c.share;
    if (!c.model.empty()) cell["model"] = c.model;
    if (!c.artwork_policy.empty()) cell["artwork_policy"] = c.artwork_policy;
    if (!c.page_config.empty()) cell["page_config"] = c.page_config;
    if (!c.retrieval.empty()) cell["retrieval"] = c.retrieval;
    cells.push_back(std::move(cell));
  }
  json doc = {{"name", spec.name},
              {"hypothesis", spec.hypothesis},
              {"layer", spec.layer},
              {"traffic", spec.traffic},
              {"start", FormatCivilDate(UnixDay(spec.start))},
              {"end", FormatCivilDate(UnixDay(spec.end))},
              {"method", ExperimentMethodName(spec.method)},
              {"regions", spec.regions},
              {"members", MemberTargetingName(spec.members)},
              {"cells", std::move(cells)}};
  if (!spec.catalog.empty()) doc["catalog"] = spec.catalog;
  return json_fields::Dump(doc, indent);
}

}  // namespace marquee::experiment
