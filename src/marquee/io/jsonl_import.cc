// JSON-lines importer: one object per line, the ColumnMapping names keys.
// Parsing goes through nlohmann::json: event logs in JSON are rarely the
// large inputs, and a full parser gets the escapes right.
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "marquee/data/event.h"
#include "marquee/io/import.h"
#include "marquee/io/import_common.h"
#include "marquee/io/text_scan.h"
#include "marquee/util/file.h"
#include "marquee/util/json_fields.h"

namespace marquee {

namespace {

using nlohmann::json;

// A value as JSON text for error messages; never throws on bad UTF-8.
std::string Dump(const json& value) {
  return json_fields::Dump(value);
}

class JsonLineReader {
 public:
  JsonLineReader(const std::string& path, const ColumnMapping& keys, const ImportOptions& options,
                 RowCollector& rows)
      : path_(path), keys_(keys), options_(options), rows_(rows) {}

  Status ParseLine(std::string_view line, size_t n) {
    // Structure is ASCII, so the whole line converts (or is checked) at once;
    // the parser then sees UTF-8 only and every string it returns is UTF-8.
    MARQUEE_RETURN_IF_ERROR(DecodeText(path_, n, line, options_.encoding, &line_buffer_, &line));
    json object = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
    if (!object.is_object()) return FieldError(path_, n, "a JSON object", line);
    MARQUEE_RETURN_IF_ERROR(ReadId(object, keys_.member, "member id", line, n, &member_));
    MARQUEE_RETURN_IF_ERROR(ReadId(object, keys_.title, "title id", line, n, &title_));
    float rating = 1.0f;
    if (!keys_.rating.empty()) MARQUEE_RETURN_IF_ERROR(ReadRating(object, line, n, &rating));
    int64_t time = 0;
    if (!keys_.time.empty()) MARQUEE_RETURN_IF_ERROR(ReadTime(object, line, n, &time));
    rows_.Add(rows_.members().GetOrAdd(member_), rows_.titles().GetOrAdd(title_), rating, time);
    return Status::OK();
  }

 private:
  std::string KeyLabel(const std::string& key, std::string_view what) const {
    return "key " + QuoteForError(key) + " (" + std::string(what) + ")";
  }

  // The value under `key`, or an error naming the missing key.
  Result<const json*> Lookup(const json& object, const std::string& key, std::string_view what,
                             std::string_view line, size_t n) const {
    auto it = object.find(key);
    if (it == object.end()) return FieldError(path_, n, "a " + KeyLabel(key, what), line);
    return &*it;
  }

  // Ids may be strings or integers; integers become their decimal text.
  Status ReadId(const json& object, const std::string& key, std::string_view what,
                std::string_view line, size_t n, std::string* out) const {
    MARQUEE_ASSIGN_OR_RETURN(const json* value, Lookup(object, key, what, line, n));
    if (value->is_string()) {
      *out = value->get<std::string>();
    } else if (value->is_number_unsigned()) {
      *out = std::to_string(value->get<uint64_t>());
    } else if (value->is_number_integer()) {
      *out = std::to_string(value->get<int64_t>());
    } else {
      return Status::ParseErrorAt(path_, n, "a string or integer for " + KeyLabel(key, what),
                                  QuoteForError(Dump(*value)));
    }
    if (out->empty()) {
      return Status::ParseErrorAt(path_, n, "a non-empty " + KeyLabel(key, what), "\"\"");
    }
    return Status::OK();
  }

  Status ReadRating(const json& object, std::string_view line, size_t n, float* rating) const {
    MARQUEE_ASSIGN_OR_RETURN(const json* value, Lookup(object, keys_.rating, "rating", line, n));
    if (value->is_number()) {
      *rating = static_cast<float>(value->get<double>());
      if (std::isfinite(*rating)) return Status::OK();
    }
    return Status::ParseErrorAt(path_, n, "a finite number for " + KeyLabel(keys_.rating, "rating"),
                                QuoteForError(Dump(*value)));
  }

  // An epoch number in --time-unit, or a string of one or an ISO date/time.
  Status ReadTime(const json& object, std::string_view line, size_t n, int64_t* time) const {
    MARQUEE_ASSIGN_OR_RETURN(const json* value, Lookup(object, keys_.time, "time", line, n));
    const TimeUnit unit = options_.time_unit;
    if (value->is_number_integer() && !value->is_number_unsigned()) {
      return EpochToSeconds(path_, n, value->get<int64_t>(), unit, time);
    }
    if (value->is_number_unsigned()) {
      const uint64_t v = value->get<uint64_t>();
      if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return EpochToSeconds(path_, n, static_cast<int64_t>(v), unit, time);
      }
      return EpochToSeconds(path_, n, static_cast<double>(v), unit, time);
    }
    if (value->is_number_float()) return EpochToSeconds(path_, n, value->get<double>(), unit, time);
    const std::string expected =
        EpochUnitName(unit) + " or an ISO date/time for " + KeyLabel(keys_.time, "time");
    if (value->is_string()) {
      const std::string& text = value->get_ref<const std::string&>();
      int64_t number;
      if (ParseInt64(text, &number)) return EpochToSeconds(path_, n, number, unit, time);
      if (ParseIsoTime(text, time) && *time <= kLatestEventTime) return Status::OK();
    }
    return Status::ParseErrorAt(path_, n, expected, QuoteForError(Dump(*value)));
  }

  const std::string& path_;
  const ColumnMapping& keys_;
  const ImportOptions& options_;
  RowCollector& rows_;
  std::string line_buffer_;  // the line converted from Latin-1, reused
  std::string member_;  // reused between lines
  std::string title_;
};

}  // namespace

Result<ImportResult> ImportJsonLines(const std::string& path, const ColumnMapping& columns,
                                     const ImportOptions& options) {
  if (columns.member.empty() || columns.title.empty()) {
    return Status::InvalidArgument("the column mapping needs member and title keys");
  }
  MARQUEE_ASSIGN_OR_RETURN(MappedFile file, OpenInput(path, "a JSON-lines file of interactions"));
  MARQUEE_ASSIGN_OR_RETURN(RowCollector rows, RowCollector::Create(options, !columns.rating.empty()));
  ByteProgress progress(options.progress, "reading " + BaseName(path), file.size());
  JsonLineReader reader(path, columns, options, rows);
  LineScanner lines(file.bytes());
  std::string_view line;
  while (lines.Next(&line)) {
    progress.Tick(lines.offset());
    if (TrimSpaces(line).empty()) continue;
    rows.CountRow();
    Status s;
    try {
      s = reader.ParseLine(line, lines.line_number());
    } catch (const json::exception&) {  // defensive: the calls above should not throw
      s = FieldError(path, lines.line_number(), "a JSON object", line);
    }
    if (!s.ok()) MARQUEE_RETURN_IF_ERROR(rows.Reject(std::move(s)));
  }
  progress.Set(file.size());
  if (rows.report().rows_read == 0) {
    if (lines.line_number() == 0) return EmptyFileError(path, "a JSON object");
    return EndOfFileError(path, lines.line_number() + 1, "a JSON object");
  }
  return rows.Finish("jsonl", path);
}

}  // namespace marquee
