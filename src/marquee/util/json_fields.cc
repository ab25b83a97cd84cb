#include "marquee/util/json_fields.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <vector>

namespace marquee::json_fields {

using nlohmann::json;

std::string TypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number";
    default: return "a value";
  }
}

std::string Join(std::string_view prefix, std::string_view name) {
  return prefix.empty() ? std::string(name) : fmt::format("{}.{}", prefix, name);
}

Status Expected(const std::string& field, std::string_view what, const json& found) {
  return Status::InvalidField(field, fmt::format("{}: expected {}, found {}", field, what, TypeName(found)));
}

Status Invalid(const std::string& field, std::string_view why) {
  return Status::InvalidField(field, fmt::format("{}: {}", field, why));
}

std::optional<std::string> IdText(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_unsigned()) return std::to_string(value.get<uint64_t>());
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  return std::nullopt;
}

Status RejectUnknownFields(const json& object, const std::set<std::string>& known, std::string_view prefix) {
  for (const auto& [name, value] : object.items()) {
    if (known.count(name) == 0) {
      return Status::InvalidField(Join(prefix, name), fmt::format("unknown field {}; expected one of: {}",
                                                                  QuoteForError(name), fmt::join(known, ", ")));
    }
  }
  return Status::OK();
}

Status ReadString(const json& object, const char* name, std::string_view prefix, std::string& out) {
  auto it = object.find(name);
  if (it == object.end()) return Status::OK();
  if (!it->is_string()) return Expected(Join(prefix, name), "a string", *it);
  out = it->get<std::string>();
  return Status::OK();
}

Status ReadStrings(const json& object, const char* name, std::string_view prefix, std::vector<std::string>& out) {
  if (!object.contains(name)) return Status::OK();
  const json& v = object[name];
  const std::string field = Join(prefix, name);
  if (!v.is_array()) return Expected(field, "a list of strings", v);
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string element = fmt::format("{}[{}]", field, i);
    if (!v[i].is_string() || v[i].get<std::string>().empty()) return Expected(element, "a non-empty string", v[i]);
    out.push_back(v[i].get<std::string>());
  }
  return Status::OK();
}

std::string Dump(const json& value, int indent) {
  return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

nlohmann::json ParseNoRepeatedKeys(std::string_view text, std::string* repeated) {
  using json = nlohmann::json;
  // One frame per open object or array: an object's keys so far and its
  // current key; an array's current element index.
  struct Frame {
    bool array = false;
    int64_t index = -1;
    std::string key;
    std::set<std::string> keys;
  };
  std::vector<Frame> frames;
  repeated->clear();
  auto path = [&frames]() {
    std::string out;
    for (const Frame& f : frames) {
      if (f.array) out += "[" + std::to_string(f.index) + "]";
      else if (!f.key.empty()) out += (out.empty() ? "" : ".") + f.key;
    }
    return out;
  };
  auto element_starts = [&frames]() {
    if (!frames.empty() && frames.back().array) ++frames.back().index;
  };
  json::parser_callback_t check = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        element_starts();
        frames.push_back({.array = event == json::parse_event_t::array_start});
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!frames.empty()) frames.pop_back();
        break;
      case json::parse_event_t::key:
        if (!frames.empty()) {
          Frame& f = frames.back();
          const std::string key = parsed.get<std::string>();
          if (!f.keys.insert(key).second && repeated->empty()) {
            f.key.clear();
            const std::string where = path();
            *repeated = where.empty() ? key : where + "." + key;
          }
          f.key = key;
        }
        break;
      case json::parse_event_t::value:
        element_starts();
        break;
    }
    return true;
  };
  return json::parse(text, check, /*allow_exceptions=*/false);
}

}  // namespace marquee::json_fields
