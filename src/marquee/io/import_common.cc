#include "marquee/io/import_common.h"

#include <algorithm>

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
