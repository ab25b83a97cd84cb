// Generic delimited importer: any CSV / TSV / ';' / '|' log whose columns a
// ColumnMapping names. Titles and members come from the rows themselves.
#include <optional>

#include "marquee/io/import.h"
#include "marquee/io/import_common.h"
#include "marquee/io/text_scan.h"
#include "marquee/util/file.h"

namespace marquee {

namespace {

constexpr size_t kNoColumn = SIZE_MAX;

// Where each field lives, plus how error messages name those columns.
struct ResolvedColumns {
  size_t member = kNoColumn;
  size_t title = kNoColumn;
  size_t rating = kNoColumn;
  size_t time = kNoColumn;
  size_t needed = 0;  // fields a row must have
  std::string member_label, title_label, rating_label, time_label;
};

bool IsIndex(std::string_view spec) {
  return !spec.empty() && spec.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string HeaderList(const std::vector<std::string_view>& header) {
  std::string out;
  for (std::string_view name : header) {
    if (!out.empty()) out += ", ";
    out += QuoteForError(name, 30);
  }
  return out;
}

// A column given as a 0-based index, or as a name in the header line.
Result<size_t> ResolveColumn(std::string_view spec, std::string_view role, const std::string& path,
                             const std::vector<std::string_view>* header) {
  if (IsIndex(spec)) {
    uint32_t index;
    if (!ParseUint32(spec, &index) || index > 100000) {
      return Status::InvalidArgument("column index " + std::string(spec) + " for " +
                                     std::string(role) + " is too large");
    }
    return static_cast<size_t>(index);
  }
  if (header == nullptr) {
    return Status::InvalidArgument(
        "the " + std::string(role) + " column is given by name (" + QuoteForError(spec) + ") but " +
        path + " is read without a header line; give a 0-based index or enable the header");
  }
  for (size_t i = 0; i < header->size(); ++i) {
    if (TrimSpaces((*header)[i]) == spec) return i;
  }
  return Status::InvalidArgument("the " + std::string(role) + " column " + QuoteForError(spec) +
                                 " is not in the header of " + path + " (it has " +
                                 HeaderList(*header) + ")");
}

std::string ColumnLabel(size_t index, const std::vector<std::string_view>* header) {
  std::string label = "column " + std::to_string(index + 1);
  if (header != nullptr && index < header->size()) {
    label += " (" + QuoteForError((*header)[index], 30) + ")";
  }
  return label;
}

Result<ResolvedColumns> ResolveColumns(const ColumnMapping& mapping, const std::string& path,
                                       const std::vector<std::string_view>* header) {
  ResolvedColumns cols;
  auto resolve = [&](const std::string& spec, std::string_view role, size_t* index,
                     std::string* label) -> Status {
    if (spec.empty()) return Status::OK();
    MARQUEE_ASSIGN_OR_RETURN(*index, ResolveColumn(spec, role, path, header));
    *label = ColumnLabel(*index, header);
    cols.needed = std::max(cols.needed, *index + 1);
    return Status::OK();
  };
  MARQUEE_RETURN_IF_ERROR(resolve(mapping.member, "member", &cols.member, &cols.member_label));
  MARQUEE_RETURN_IF_ERROR(resolve(mapping.title, "title", &cols.title, &cols.title_label));
  MARQUEE_RETURN_IF_ERROR(resolve(mapping.rating, "rating", &cols.rating, &cols.rating_label));
  MARQUEE_RETURN_IF_ERROR(resolve(mapping.time, "time", &cols.time, &cols.time_label));
  const size_t used[] = {cols.member, cols.title, cols.rating, cols.time};
  for (size_t a = 0; a < 4; ++a) {
    for (size_t b = a + 1; b < 4; ++b) {
      if (used[a] != kNoColumn && used[a] == used[b]) {
        return Status::InvalidArgument("two fields of the column mapping use " +
                                       ColumnLabel(used[a], header) + " of " + path);
      }
    }
  }
  return cols;
}

std::string_view FormatName(char delimiter) {
  if (delimiter == ',') return "csv";
  if (delimiter == '\t') return "tsv";
  return "delimited";
}

class DelimitedReader {
 public:
  DelimitedReader(const std::string& path, char delimiter, const ResolvedColumns& cols,
                  const ImportOptions& options, RowCollector& rows)
      : path_(path),
        cols_(cols),
        options_(options),
        rows_(rows),
        splitter_(delimiter),
        too_few_("at least " + std::to_string(cols.needed) + " fields separated by " +
                 DelimiterName(delimiter)) {}

  Status ParseLine(std::string_view line, size_t n) {
    if (!splitter_.Split(line)) return FieldError(path_, n, splitter_.error(), line);
    if (splitter_.size() < cols_.needed) {
      return FieldCountError(path_, n, too_few_, splitter_.size(), line);
    }
    std::string_view member = splitter_[cols_.member];
    std::string_view title = splitter_[cols_.title];
    if (member.empty()) return FieldError(path_, n, "a member id in " + cols_.member_label, member);
    if (title.empty()) return FieldError(path_, n, "a title id in " + cols_.title_label, title);
    MARQUEE_RETURN_IF_ERROR(DecodeText(path_, n, member, options_.encoding, &member_buffer_, &member));
    MARQUEE_RETURN_IF_ERROR(DecodeText(path_, n, title, options_.encoding, &title_buffer_, &title));
    float rating = 1.0f;
    if (cols_.rating != kNoColumn) {
      std::string_view text = TrimSpaces(splitter_[cols_.rating]);
      if (!ParseFiniteFloat(text, &rating)) {
        return FieldError(path_, n, "a rating (number) in " + cols_.rating_label, text);
      }
    }
    int64_t time = 0;
    if (cols_.time != kNoColumn) {
      std::string_view text = TrimSpaces(splitter_[cols_.time]);
      MARQUEE_RETURN_IF_ERROR(ParseTimeField(
          path_, n, text, options_.time_unit,
          "a time (" + EpochUnitName(options_.time_unit) + " or YYYY-MM-DD[THH:MM:SS]) in " +
              cols_.time_label,
          &time));
    }
    rows_.Add(rows_.members().GetOrAdd(member), rows_.titles().GetOrAdd(title), rating, time);
    return Status::OK();
  }

 private:
  const std::string& path_;
  const ResolvedColumns& cols_;
  const ImportOptions& options_;
  RowCollector& rows_;
  std::string member_buffer_;  // converted ids (--encoding latin-1), reused
  std::string title_buffer_;
  FieldSplitter splitter_;
  std::string too_few_;
};

}  // namespace

Result<ImportResult> ImportDelimited(const std::string& path, const DelimitedOptions& delimited,
                                     const ImportOptions& options) {
  const char delimiter = delimited.delimiter;
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
    return Status::InvalidArgument("the delimiter cannot be a quote or a line break");
  }
  if (delimited.columns.member.empty() || delimited.columns.title.empty()) {
    return Status::InvalidArgument("the column mapping needs member and title columns");
  }
  MARQUEE_ASSIGN_OR_RETURN(MappedFile file, OpenInput(path, "a delimited file of interactions"));
  LineScanner lines(file.bytes());
  std::string_view line;

  // The header, when there is one, names the columns.
  FieldSplitter header_splitter(delimiter);
  std::vector<std::string_view> header;
  if (delimited.header) {
    if (!lines.Next(&line)) return EmptyFileError(path, "a header line naming the columns");
    if (!header_splitter.Split(line)) return FieldError(path, 1, header_splitter.error(), line);
    header = header_splitter.fields();
  }
  MARQUEE_ASSIGN_OR_RETURN(
      ResolvedColumns cols,
      ResolveColumns(delimited.columns, path, delimited.header ? &header : nullptr));
  MARQUEE_ASSIGN_OR_RETURN(RowCollector rows,
                           RowCollector::Create(options, cols.rating != kNoColumn));

  rows.Reserve(EstimateRows(file.size(), 24));
  ByteProgress progress(options.progress, "reading " + BaseName(path), file.size());
  DelimitedReader reader(path, delimiter, cols, options, rows);
  while (lines.Next(&line)) {
    progress.Tick(lines.offset());
    if (line.empty()) continue;
    rows.CountRow();
    Status s = reader.ParseLine(line, lines.line_number());
    if (!s.ok()) MARQUEE_RETURN_IF_ERROR(rows.Reject(std::move(s)));
  }
  progress.Set(file.size());
  if (rows.report().rows_read == 0) {
    if (!delimited.header && lines.line_number() == 0) return EmptyFileError(path, "a data line");
    return EndOfFileError(path, lines.line_number() + 1,
                          delimited.header ? "a data line after the header" : "a data line");
  }
  return rows.Finish(std::string(FormatName(delimiter)), path);
}

}  // namespace marquee
