#include "marquee/io/import_common.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "marquee/data/event.h"

namespace marquee {

// ---------------------------------------------------------------- IdIndex

uint32_t IdIndex::AddDense(std::string_view id, uint32_t number) {
  uint32_t index = map_->GetOrAdd(id);
  if (number >= dense_.size()) {
    size_t grown = std::max<size_t>(number + 1, dense_.size() * 2);
    dense_.resize(std::min<size_t>(grown, kDenseLimit), 0);
  }
  dense_[number] = index + 1;
  return index;
}

// ---------------------------------------------------------------- RowCollector

RowCollector::RowCollector(const ImportOptions& options, bool has_ratings)
    : options_(&options),
      has_ratings_(has_ratings),
      has_min_rating_(options.min_rating.has_value()),
      min_rating_(options.min_rating.value_or(0.0f)),
      dataset_(std::make_unique<Dataset>()),
      members_(&dataset_->members),
      titles_(&dataset_->titles) {}

Result<RowCollector> RowCollector::Create(const ImportOptions& options, bool has_ratings) {
  if (options.min_rating.has_value() && !has_ratings) {
    return Status::InvalidArgument(
        "min_rating needs ratings, but the column mapping has no rating column");
  }
  return RowCollector(options, has_ratings);
}

Status RowCollector::Reject(Status error) {
  if (!options_->skip_invalid) return error;
  ++report_.rows_invalid;
  if (report_.invalid_examples.size() < kMaxInvalidExamples) {
    report_.invalid_examples.push_back(error.message());
  }
  return Status::OK();
}

ImportResult RowCollector::Finish(std::string format, std::string_view path) {
  ImportResult result;
  using Clock = std::chrono::steady_clock;
  const Clock::time_point parsed = Clock::now();
  Dataset& d = *dataset_;
  d.catalog.Resize(d.titles.size());
  d.interactions = builder_.Build(d.members.size(), d.titles.size(), options_->duplicates);
  report_.parse_seconds = std::chrono::duration<double>(parsed - start_).count();
  report_.build_seconds = std::chrono::duration<double>(Clock::now() - parsed).count();
  d.weight_kind = has_ratings_ && !has_min_rating_ ? WeightKind::kRating : WeightKind::kBinary;
  d.source = format + ": " + std::string(path);
  report_.format = std::move(format);
  result.dataset = std::move(d);
  result.report = std::move(report_);
  return result;
}

// ---------------------------------------------------------------- files and errors

Result<MappedFile> OpenInput(const std::string& path, std::string_view what) {
  if (IsDirectory(path)) {
    return Status::InvalidArgument(path + ": is a directory, expected " + std::string(what));
  }
  if (!FileExists(path)) {
    return Status::NotFound(path + ": no such file (expected " + std::string(what) + ")");
  }
  return MappedFile::Open(path);
}

Status FieldCountError(std::string_view file, size_t line, std::string_view expected,
                       size_t found_count, std::string_view text) {
  return Status::ParseErrorAt(file, line, expected,
                              std::to_string(found_count) + " in " + QuoteForError(text));
}

Status EmptyFileError(std::string_view file, std::string_view expected) {
  return Status::ParseErrorAt(file, 1, expected, "an empty file");
}

Status EndOfFileError(std::string_view file, size_t line, std::string_view expected) {
  return Status::ParseErrorAt(file, line, expected, "the end of the file");
}

namespace {
// Ids that read well unquoted in a sentence.
bool IsPlainId(std::string_view id) {
  if (id.empty() || id.size() > 40) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '_' || c == '-' || c == '.';
  });
}
}  // namespace

Status UnknownTitleError(std::string_view file, size_t line, std::string_view id,
                         std::string_view catalog) {
  std::string msg(file);
  msg.append(":").append(std::to_string(line)).append(": title ");
  msg.append(IsPlainId(id) ? std::string(id) : QuoteForError(id));
  msg.append(" is not in ").append(catalog);
  return Status::NotFound(std::move(msg));
}

// ---------------------------------------------------------------- options

Result<TextEncoding> ParseTextEncoding(std::string_view name) {
  if (name == "utf-8" || name == "utf8" || name == "UTF-8") return TextEncoding::kUtf8;
  if (name == "latin-1" || name == "latin1" || name == "iso-8859-1" || name == "ISO-8859-1") {
    return TextEncoding::kLatin1;
  }
  return Status::InvalidArgument("expected an encoding utf-8 or latin-1, found " +
                                 QuoteForError(name));
}

Result<TimeUnit> ParseTimeUnit(std::string_view name) {
  if (name == "s") return TimeUnit::kSeconds;
  if (name == "ms") return TimeUnit::kMilliseconds;
  if (name == "us") return TimeUnit::kMicroseconds;
  return Status::InvalidArgument("expected a time unit s, ms or us, found " + QuoteForError(name));
}

// ---------------------------------------------------------------- encoding

Status NotUtf8Error(std::string_view file, size_t line, std::string_view text, size_t offset) {
  const unsigned byte = static_cast<unsigned char>(text[offset]);
  return Status::ParseErrorAt(
      file, line, "UTF-8",
      fmt::format("byte 0x{:02X} -- another encoding? use --encoding latin-1 for Latin-1 text", byte));
}

Status DecodeText(std::string_view file, size_t line, std::string_view text, TextEncoding encoding,
                  std::string* buffer, std::string_view* out) {
  bool ascii = true;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    *out = text;
    return Status::OK();
  }
  if (encoding == TextEncoding::kLatin1) {
    *buffer = Latin1ToUtf8(text);
    *out = *buffer;
    return Status::OK();
  }
  const size_t bad = FirstInvalidUtf8(text);
  if (bad != std::string_view::npos) return NotUtf8Error(file, line, text, bad);
  *out = text;
  return Status::OK();
}

// ---------------------------------------------------------------- time

namespace {

constexpr TimeUnit kUnits[] = {TimeUnit::kSeconds, TimeUnit::kMilliseconds, TimeUnit::kMicroseconds};

int64_t UnitsPerSecond(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMilliseconds: return 1000;
    case TimeUnit::kMicroseconds: return 1000000;
    case TimeUnit::kSeconds: break;
  }
  return 1;
}

std::string_view UnitFlag(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMilliseconds: return "ms";
    case TimeUnit::kMicroseconds: return "us";
    case TimeUnit::kSeconds: break;
  }
  return "s";
}

}  // namespace

std::string_view TimeUnitWord(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMilliseconds: return "milliseconds";
    case TimeUnit::kMicroseconds: return "microseconds";
    case TimeUnit::kSeconds: break;
  }
  return "seconds";
}

namespace {

// The accepted range in `unit`: both ends fit int64 for every unit.
int64_t Lowest(TimeUnit unit) { return kEarliestImportTime * UnitsPerSecond(unit); }
int64_t Highest(TimeUnit unit) {
  return kLatestEventTime * UnitsPerSecond(unit) + (UnitsPerSecond(unit) - 1);
}

bool InRange(double value, TimeUnit unit) {
  return value >= static_cast<double>(Lowest(unit)) && value < static_cast<double>(Highest(unit)) + 1;
}

Status OutOfRange(std::string_view file, size_t line, double value, std::string_view found,
                  TimeUnit unit) {
  std::string expected =
      value > 0 ? fmt::format("{} up to {} (year 9999)", EpochUnitName(unit), Highest(unit))
                : fmt::format("{} from {} (year 0)", EpochUnitName(unit), Lowest(unit));
  std::string what(found);
  // The hint names a finer unit in which the number is a time since 1970:
  // what a log in the wrong unit looks like (old history is seldom written
  // in milliseconds).
  for (TimeUnit other : kUnits) {
    if (UnitsPerSecond(other) > UnitsPerSecond(unit) && value >= 0 && InRange(value, other)) {
      what += fmt::format(" -- {}? use --time-unit {}", TimeUnitWord(other), UnitFlag(other));
      break;
    }
  }
  return Status::ParseErrorAt(file, line, expected, what);
}

// floor(a / b) for b > 0.
int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

}  // namespace

std::string EpochUnitName(TimeUnit unit) { return "epoch " + std::string(TimeUnitWord(unit)); }

Status EpochToSeconds(std::string_view file, size_t line, int64_t value, TimeUnit unit,
                      int64_t* seconds) {
  if (value < Lowest(unit) || value > Highest(unit)) {
    return OutOfRange(file, line, static_cast<double>(value), std::to_string(value), unit);
  }
  *seconds = FloorDiv(value, UnitsPerSecond(unit));
  return Status::OK();
}

Status EpochToSeconds(std::string_view file, size_t line, double value, TimeUnit unit,
                      int64_t* seconds) {
  if (!std::isfinite(value) || !InRange(value, unit)) {
    return OutOfRange(file, line, std::isfinite(value) ? value : 0, fmt::format("{}", value), unit);
  }
  *seconds = static_cast<int64_t>(std::floor(value / static_cast<double>(UnitsPerSecond(unit))));
  return Status::OK();
}

Status ParseTimeField(std::string_view file, size_t line, std::string_view text, TimeUnit unit,
                      std::string_view expected, int64_t* seconds) {
  int64_t number;
  if (ParseInt64(text, &number)) return EpochToSeconds(file, line, number, unit, seconds);
  if (ParseIsoTime(text, seconds)) {
    // Four-digit years keep dates in range but for 9999-12-31T23:59:60.
    if (*seconds > kLatestEventTime) return FieldError(file, line, expected, text);
    return Status::OK();
  }
  // Digits too long for int64 are a number out of range, not a format error.
  if (!text.empty() && text.find_first_not_of("-0123456789") == std::string_view::npos &&
      text.find('-', 1) == std::string_view::npos && text != "-") {
    const double value = std::strtod(std::string(text).c_str(), nullptr);
    return OutOfRange(file, line, value, text, unit);
  }
  return FieldError(file, line, expected, text);
}

// ---------------------------------------------------------------- ColumnMapping

namespace {
std::string* MappingField(ColumnMapping* mapping, std::string_view key) {
  if (key == "member") return &mapping->member;
  if (key == "title") return &mapping->title;
  if (key == "rating") return &mapping->rating;
  if (key == "time") return &mapping->time;
  return nullptr;
}
}  // namespace

Result<ColumnMapping> ColumnMapping::Parse(const std::string& spec) {
  ColumnMapping mapping;
  const std::string in = " in column mapping " + QuoteForError(spec);
  std::vector<std::string_view> parts;
  SplitPlain(spec, ',', &parts);
  for (std::string_view part : parts) {
    part = TrimSpaces(part);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument("expected key=column, found " + QuoteForError(part) + in);
    }
    std::string_view key = TrimSpaces(part.substr(0, eq));
    std::string_view value = TrimSpaces(part.substr(eq + 1));
    std::string* field = MappingField(&mapping, key);
    if (field == nullptr) {
      return Status::InvalidArgument("unknown key " + QuoteForError(key) + in +
                                     " (expected member, title, rating or time)");
    }
    if (!field->empty()) {
      return Status::InvalidArgument("key " + QuoteForError(key) + " given twice" + in);
    }
    if (value.empty()) {
      return Status::InvalidArgument("key " + QuoteForError(key) + " has no column" + in);
    }
    field->assign(value);
  }
  if (mapping.member.empty() || mapping.title.empty()) {
    return Status::InvalidArgument("member and title columns are required" + in +
                                   " (e.g. \"member=0,title=1,rating=2,time=3\")");
  }
  return mapping;
}

}  // namespace marquee
