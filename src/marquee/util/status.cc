#include "marquee/util/status.h"

namespace marquee {

std::string_view CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "OK";
    case Status::Code::kInvalidArgument: return "invalid argument";
    case Status::Code::kNotFound: return "not found";
    case Status::Code::kParseError: return "parse error";
    case Status::Code::kCorruption: return "corruption";
    case Status::Code::kIOError: return "I/O error";
    case Status::Code::kUnsupported: return "unsupported";
    case Status::Code::kResourceExhausted: return "resource exhausted";
    case Status::Code::kAlreadyExists: return "already exists";
  }
  return "unknown";
}

std::string QuoteForError(std::string_view text, size_t max_chars) {
  std::string out = "\"";
  size_t n = 0;
  for (char c : text) {
    if (n++ == max_chars) {
      out += "...";
      break;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[(c >> 4) & 0xf];
      out += kHex[c & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

Status Status::ParseErrorAt(std::string_view file, size_t line, std::string_view expected,
                            std::string_view found) {
  std::string msg;
  msg.reserve(file.size() + expected.size() + found.size() + 32);
  msg.append(file).append(":").append(std::to_string(line)).append(": expected ");
  msg.append(expected).append(", found ").append(found);
  return ParseError(std::move(msg));
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string msg(context);
  msg.append(": ").append(message_);
  Status s(code_, std::move(msg));
  s.field_ = field_;
  return s;
}

Status Status::WithField(std::string field) const {
  Status s = *this;
  if (!ok()) s.field_ = std::move(field);
  return s;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(code_));
  out.append(": ").append(message_);
  return out;
}

}  // namespace marquee
