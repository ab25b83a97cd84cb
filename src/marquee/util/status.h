// Status and Result<T>: errors carried as values, with the context a person
// needs to fix them (file, line, field, what was expected, what was found).
//
// The library never throws across its interface and never prints; callers
// (the CLI, the server) turn a Status into a message and an exit code or an
// HTTP status.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace marquee {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // the caller asked for something that cannot be done
    kNotFound,         // a file, member, title or key does not exist
    kParseError,       // input text is malformed
    kCorruption,       // a binary file fails its checks (magic, size, checksum)
    kIOError,          // the operating system refused a read or write
    kUnsupported,      // a format or version we do not handle
    kResourceExhausted,
    kAlreadyExists,    // what was to be created (a title id) exists already
  };

  Status() = default;  // OK
  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status ParseError(std::string msg) { return {Code::kParseError, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {Code::kIOError, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {Code::kUnsupported, std::move(msg)}; }
  static Status ResourceExhausted(std::string msg) { return {Code::kResourceExhausted, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {Code::kAlreadyExists, std::move(msg)}; }
  // InvalidArgument about one named field of a request or record
  // ("events[2].kind", "history"): the server answers 400 naming it.
  static Status InvalidField(std::string field, std::string msg) {
    Status s(Code::kInvalidArgument, std::move(msg));
    s.field_ = std::move(field);
    return s;
  }

  // "file:line: expected <expected>, found <found>" -- the house format for
  // every malformed-input error, so messages read the same everywhere.
  static Status ParseErrorAt(std::string_view file, size_t line, std::string_view expected,
                             std::string_view found);

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // The offending field when one is known (see InvalidField); empty otherwise.
  const std::string& field() const { return field_; }
  // A copy naming `field` as the offending one.
  Status WithField(std::string field) const;

  // A copy with "<context>: " in front of the message (e.g. the file name).
  Status WithContext(std::string_view context) const;

  // "parse error: data.csv:3: expected ..." ; "OK" when ok().
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
  std::string field_;
};

std::string_view CodeName(Status::Code code);

// Shortens what is quoted from bad input so that one huge line does not
// become a huge error message.
std::string QuoteForError(std::string_view text, size_t max_chars = 60);

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "a Result holding a Status must hold an error");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace marquee

#define MARQUEE_CONCAT_INNER(a, b) a##b
#define MARQUEE_CONCAT(a, b) MARQUEE_CONCAT_INNER(a, b)

#define MARQUEE_RETURN_IF_ERROR(expr)             \
  do {                                            \
    ::marquee::Status _mq_status = (expr);        \
    if (!_mq_status.ok()) return _mq_status;      \
  } while (0)

#define MARQUEE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

// MARQUEE_ASSIGN_OR_RETURN(auto x, Foo()); -- x is Foo()'s value or we return its error.
#define MARQUEE_ASSIGN_OR_RETURN(lhs, expr) \
  MARQUEE_ASSIGN_OR_RETURN_IMPL(MARQUEE_CONCAT(_mq_result_, __LINE__), lhs, expr)
