// Reading JSON objects field by field, with errors that name the field and
// say what was expected and what was found: the helpers shared by every JSON
// codec (data/event_json.cc, serve/http/json_request.cc). The one public
// header outside the HTTP layer that includes nlohmann/json, because its
// subject is JSON values; codecs include it from their .cc files only.
//
// Every error is Status::InvalidField(field, "FIELD: expected ..., found ...").
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "marquee/util/status.h"

namespace marquee::json_fields {

// "null", "a string", "an integer", ... for "found ..." in messages.
std::string TypeName(const nlohmann::json& value);

// "prefix.name", or "name" when the prefix is empty ("events[2]" + "kind").
std::string Join(std::string_view prefix, std::string_view name);

// InvalidField(field, "FIELD: expected WHAT, found <type of found>").
Status Expected(const std::string& field, std::string_view what, const nlohmann::json& found);

// InvalidField(field, "FIELD: WHY").
Status Invalid(const std::string& field, std::string_view why);

// An id as text: strings as they are, integers in decimal (many catalogs
// number their titles and members: MovieLens, Netflix Prize); nullopt for
// anything else.
std::optional<std::string> IdText(const nlohmann::json& value);

// The first member of `object` whose name is not in `known`, as an error
// listing the known names; OK when there is none.
Status RejectUnknownFields(const nlohmann::json& object, const std::set<std::string>& known,
                           std::string_view prefix);

// An optional string member: absent leaves `out` as it is.
Status ReadString(const nlohmann::json& object, const char* name, std::string_view prefix, std::string& out);

// An optional list of non-empty strings, appended to `out`; absent adds
// nothing. Errors name the member ("regions") or the element ("regions[2]").
Status ReadStrings(const nlohmann::json& object, const char* name, std::string_view prefix,
                   std::vector<std::string>& out);

// Parses `text` (nlohmann's parser) and also finds the first key given twice
// in one object -- JSON leaves its meaning open and nlohmann keeps the last,
// so a definition's first "model" would silently lose. Returns the document
// (discarded when `text` is not JSON) and sets *repeated to the key's path
// ("cells[1].model", "traffic"), or leaves it empty when there is none.
nlohmann::json ParseNoRepeatedKeys(std::string_view text, std::string* repeated);

// `value` as JSON text that cannot throw: bytes that are not UTF-8 (an id
// from a dataset written before importers checked encodings) come out as
// U+FFFD instead of a nlohmann::json::type_error. indent < 0 is one line.
// Every dump() of text that can hold ids or names goes through this.
std::string Dump(const nlohmann::json& value, int indent = -1);

}  // namespace marquee::json_fields
