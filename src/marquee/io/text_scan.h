// Text scanning for the importers: lines out of a memory-mapped file,
// delimited fields (with simple RFC-4180 quoting), numbers, dates and the
// Latin-1 -> UTF-8 fix-up old data sets need.
//
// Everything works on string_views into the mapped bytes; nothing allocates
// per line (the field splitter reuses its buffers), so scanning stays far
// faster than building the dataset afterwards.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/util/civil_time.h"  // DaysFromCivil
#include "marquee/util/strings.h"  // SplitPlain, TrimSpaces

namespace marquee {

// Walks the lines of a buffer. A line ends at '\n'; a trailing '\r' is
// dropped (CRLF files) and the last line needs no newline.
class LineScanner {
 public:
  explicit LineScanner(std::string_view text) : begin_(text.data()), pos_(text.data()),
                                                 end_(text.data() + text.size()) {
    SkipUtf8Bom();
  }

  // The next line into *line; false at the end of the buffer.
  bool Next(std::string_view* line) {
    if (pos_ >= end_) return false;
    const char* nl = static_cast<const char*>(std::memchr(pos_, '\n', end_ - pos_));
    const char* stop = nl != nullptr ? nl : end_;
    size_t length = stop - pos_;
    if (length > 0 && stop[-1] == '\r') --length;
    *line = std::string_view(pos_, length);
    pos_ = nl != nullptr ? nl + 1 : end_;
    ++line_number_;
    return true;
  }

  // 1-based number of the line Next() returned last.
  size_t line_number() const { return line_number_; }
  // Bytes consumed so far (for progress).
  size_t offset() const { return static_cast<size_t>(pos_ - begin_); }

 private:
  void SkipUtf8Bom() {
    if (end_ - pos_ >= 3 && std::memcmp(pos_, "\xEF\xBB\xBF", 3) == 0) pos_ += 3;
  }

  const char* begin_;
  const char* pos_;
  const char* end_;
  size_t line_number_ = 0;
};

// Splits one line into fields at a single-character delimiter. A field that
// starts with '"' is quoted: it ends at the next lone '"', and "" inside it
// stands for one quote. Quotes elsewhere are taken literally. Quoted fields
// cannot span lines. Buffers are reused, so steady-state splitting does not
// allocate; the views stay valid until the next Split().
class FieldSplitter {
 public:
  explicit FieldSplitter(char delimiter) : delimiter_(delimiter) {}

  // False (with error() describing why) on a malformed quoted field.
  bool Split(std::string_view line);

  size_t size() const { return fields_.size(); }
  std::string_view operator[](size_t i) const { return fields_[i]; }
  const std::vector<std::string_view>& fields() const { return fields_; }
  const char* error() const { return error_; }

 private:
  // Parses the quoted field starting at line[pos] (a '"'); returns the
  // position after its closing quote, or npos on error.
  size_t SplitQuoted(std::string_view line, size_t pos);

  char delimiter_;
  std::vector<std::string_view> fields_;
  std::vector<std::string> unescaped_;  // one per field that had "" inside
  size_t unescaped_used_ = 0;
  const char* error_ = "";
};

// Splits `line` at the string `delimiter` ("::") into at most `max_fields`
// views (the last one takes the rest). Returns the number of fields found.
size_t SplitOnString(std::string_view line, std::string_view delimiter, std::string_view* fields,
                     size_t max_fields);

// "','" or "tab" -- how error messages name a delimiter.
std::string DelimiterName(char delimiter);

// Strict number parsers: the whole text must be the number (no spaces, no
// '+'), and floats must be finite.
bool ParseInt64(std::string_view text, int64_t* value);
bool ParseUint32(std::string_view text, uint32_t* value);
bool ParseFiniteFloat(std::string_view text, float* value);

// A canonical decimal id ("0", "17", not "017" or "+1") below `limit`, so
// that the text and the number identify each other one to one.
inline bool ParseSmallDecimalId(std::string_view text, uint32_t limit, uint32_t* value) {
  if (text.empty() || text.size() > 9 || (text[0] == '0' && text.size() > 1)) return false;
  uint32_t n = 0;
  for (char c : text) {
    unsigned d = static_cast<unsigned char>(c) - '0';
    if (d > 9) return false;
    n = n * 10 + d;
  }
  if (n >= limit) return false;
  *value = n;
  return true;
}


// "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS[.fff][Z]" or "YYYY-MM-DD HH:MM:SS" as
// seconds since the epoch, UTC. Fields are range-checked.
bool ParseIsoTime(std::string_view text, int64_t* seconds);

// Epoch seconds as an integer, or any form ParseIsoTime accepts.
bool ParseTime(std::string_view text, int64_t* seconds);

bool IsValidUtf8(std::string_view text);
// The offset of the first byte that does not start a valid UTF-8 sequence,
// or npos when the whole text is valid.
size_t FirstInvalidUtf8(std::string_view text);
// Each byte as the Unicode code point of the same value (Latin-1).
std::string Latin1ToUtf8(std::string_view text);
// The text as is when it is valid UTF-8, otherwise read as Latin-1: old
// MovieLens and Netflix files mix the two, and this rule handles both.
std::string ToUtf8(std::string_view text);

// "Toy Story (1995)" -> name "Toy Story", year 1995. Titles without a
// trailing "(YYYY)" keep their name (trailing spaces trimmed) and year 0.
void SplitTitleYear(std::string_view title, std::string_view* name, int32_t* year);

}  // namespace marquee
