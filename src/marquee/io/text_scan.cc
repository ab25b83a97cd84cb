#include "marquee/io/text_scan.h"

#include <charconv>
#include <cmath>

namespace marquee {

// ---------------------------------------------------------------- fields

bool FieldSplitter::Split(std::string_view line) {
  fields_.clear();
  unescaped_used_ = 0;
  size_t pos = 0;
  for (;;) {
    if (pos < line.size() && line[pos] == '"') {
      pos = SplitQuoted(line, pos);
      if (pos == std::string_view::npos) return false;
      if (pos == line.size()) return true;
      if (line[pos] != delimiter_) {
        error_ = "a delimiter after a closing quote";
        return false;
      }
      ++pos;
      continue;
    }
    const void* hit = pos < line.size()
                          ? std::memchr(line.data() + pos, delimiter_, line.size() - pos)
                          : nullptr;
    if (hit == nullptr) {
      fields_.push_back(line.substr(pos));
      return true;
    }
    size_t stop = static_cast<const char*>(hit) - line.data();
    fields_.push_back(line.substr(pos, stop - pos));
    pos = stop + 1;
  }
}

size_t FieldSplitter::SplitQuoted(std::string_view line, size_t pos) {
  const size_t start = pos + 1;
  size_t scan = start;
  bool has_escapes = false;
  for (;;) {
    size_t quote = line.find('"', scan);
    if (quote == std::string_view::npos) {
      error_ = "a closing quote";
      return std::string_view::npos;
    }
    if (quote + 1 < line.size() && line[quote + 1] == '"') {
      has_escapes = true;
      scan = quote + 2;
      continue;
    }
    std::string_view inside = line.substr(start, quote - start);
    if (!has_escapes) {
      fields_.push_back(inside);
    } else {
      // Doubled quotes need a copy; reuse a per-field buffer.
      if (unescaped_used_ == unescaped_.size()) unescaped_.emplace_back();
      std::string& out = unescaped_[unescaped_used_++];
      out.clear();
      for (size_t i = 0; i < inside.size(); ++i) {
        out += inside[i];
        if (inside[i] == '"') ++i;  // skip the second of a pair
      }
      fields_.push_back(out);
    }
    return quote + 1;
  }
}


namespace {
// Fields in rating files are a few bytes long: a plain loop beats a memchr
// call per field.
size_t SplitOnChar(std::string_view line, char delimiter, std::string_view* fields,
                   size_t max_fields) {
  size_t count = 0;
  const char* field = line.data();
  const char* end = line.data() + line.size();
  for (const char* p = field; p < end && count + 1 < max_fields; ++p) {
    if (*p == delimiter) {
      fields[count++] = std::string_view(field, p - field);
      field = p + 1;
    }
  }
  fields[count++] = std::string_view(field, end - field);
  return count;
}
}  // namespace

size_t SplitOnString(std::string_view line, std::string_view delimiter, std::string_view* fields,
                     size_t max_fields) {
  if (delimiter.size() == 1) return SplitOnChar(line, delimiter[0], fields, max_fields);
  size_t count = 0;
  size_t pos = 0;
  while (count + 1 < max_fields) {
    size_t hit = line.find(delimiter, pos);
    if (hit == std::string_view::npos) break;
    fields[count++] = line.substr(pos, hit - pos);
    pos = hit + delimiter.size();
  }
  fields[count++] = line.substr(pos);
  return count;
}

std::string DelimiterName(char delimiter) {
  if (delimiter == '\t') return "tab";
  if (delimiter == ' ') return "space";
  return std::string("'") + delimiter + "'";
}


// ---------------------------------------------------------------- numbers

bool ParseInt64(std::string_view text, int64_t* value) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *value);
  return ec == std::errc() && ptr == end && !text.empty();
}

bool ParseUint32(std::string_view text, uint32_t* value) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *value);
  return ec == std::errc() && ptr == end && !text.empty();
}

bool ParseFiniteFloat(std::string_view text, float* value) {
  // Fast path for the common "4", "3.5", "4.0": exact, and several times
  // quicker than the general parser.
  if (text.size() == 1 || (text.size() == 3 && text[1] == '.')) {
    unsigned a = static_cast<unsigned char>(text[0]) - '0';
    unsigned b = text.size() == 3 ? static_cast<unsigned char>(text[2]) - '0' : 0;
    if (a <= 9 && b <= 9) {
      *value = static_cast<float>(a * 10 + b) / 10.0f;
      return true;
    }
  }
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *value);
  return ec == std::errc() && ptr == end && !text.empty() && std::isfinite(*value);
}

// ---------------------------------------------------------------- time


namespace {

// Exactly `n` ASCII digits at text[pos..pos+n).
bool Digits(std::string_view text, size_t pos, size_t n, unsigned* value) {
  if (pos + n > text.size()) return false;
  unsigned v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    unsigned d = static_cast<unsigned char>(text[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  *value = v;
  return true;
}

unsigned DaysInMonth(unsigned year, unsigned month) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

bool ParseClock(std::string_view text, size_t pos, int64_t* seconds) {
  unsigned h, m, s;
  if (!Digits(text, pos, 2, &h) || text.size() < pos + 8 || text[pos + 2] != ':' ||
      !Digits(text, pos + 3, 2, &m) || text[pos + 5] != ':' || !Digits(text, pos + 6, 2, &s)) {
    return false;
  }
  if (h > 23 || m > 59 || s > 60) return false;
  pos += 8;
  if (pos < text.size() && text[pos] == '.') {  // fractional seconds: dropped
    ++pos;
    size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos, ++digits;
    if (digits == 0) return false;
  }
  if (pos < text.size() && text[pos] == 'Z') ++pos;
  if (pos != text.size()) return false;
  *seconds = h * 3600 + m * 60 + s;
  return true;
}

}  // namespace

bool ParseIsoTime(std::string_view text, int64_t* seconds) {
  unsigned year, month, day;
  if (text.size() < 10 || !Digits(text, 0, 4, &year) || text[4] != '-' ||
      !Digits(text, 5, 2, &month) || text[7] != '-' || !Digits(text, 8, 2, &day)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return false;
  int64_t clock = 0;
  if (text.size() > 10) {
    if (text[10] != 'T' && text[10] != ' ') return false;
    if (!ParseClock(text, 11, &clock)) return false;
  }
  *seconds = DaysFromCivil(year, month, day) * 86400 + clock;
  return true;
}

bool ParseTime(std::string_view text, int64_t* seconds) {
  if (ParseInt64(text, seconds)) return true;
  return ParseIsoTime(text, seconds);
}

// ---------------------------------------------------------------- text

bool IsValidUtf8(std::string_view text) { return FirstInvalidUtf8(text) == std::string_view::npos; }

size_t FirstInvalidUtf8(std::string_view text) {
  const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
  const auto* p = begin;
  const auto* end = p + text.size();
  while (p < end) {
    unsigned c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t extra;
    uint32_t code;
    if (c >= 0xC2 && c <= 0xDF) extra = 1, code = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) extra = 2, code = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) extra = 3, code = c & 0x07;
    else return static_cast<size_t>(p - begin);
    if (static_cast<size_t>(end - p) <= extra) return static_cast<size_t>(p - begin);
    for (size_t i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return static_cast<size_t>(p - begin);
      code = (code << 6) | (p[i] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((extra == 2 && code < 0x800) || (extra == 3 && (code < 0x10000 || code > 0x10FFFF)) ||
        (code >= 0xD800 && code <= 0xDFFF)) {
      return static_cast<size_t>(p - begin);
    }
    p += extra + 1;
  }
  return std::string_view::npos;
}

std::string Latin1ToUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char ch : text) {
    unsigned c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string ToUtf8(std::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  return Latin1ToUtf8(text);
}

void SplitTitleYear(std::string_view title, std::string_view* name, int32_t* year) {
  title = TrimSpaces(title);
  *name = title;
  *year = 0;
  const size_t n = title.size();
  unsigned y;
  if (n >= 6 && title[n - 1] == ')' && title[n - 6] == '(' && Digits(title, n - 5, 4, &y)) {
    std::string_view stripped = TrimSpaces(title.substr(0, n - 6));
    if (stripped.empty()) return;  // a title that is only "(1995)" keeps it
    *name = stripped;
    *year = static_cast<int32_t>(y);
  }
}

}  // namespace marquee
