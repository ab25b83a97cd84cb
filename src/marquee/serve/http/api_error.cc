#include "marquee/serve/http/api_error.h"

namespace marquee::serve {

nlohmann::json ApiError::ToJson() const {
  nlohmann::json error = {{"code", code}, {"message", message}};
  if (!field.empty()) error["field"] = field;
  return {{"error", std::move(error)}};
}

int HttpStatusFor(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return 200;
    case Status::Code::kInvalidArgument:
    case Status::Code::kParseError: return 400;
    case Status::Code::kNotFound: return 404;
    // A corrupt or too-new file was named by the client: the request is
    // understood but cannot be carried out.
    case Status::Code::kCorruption:
    case Status::Code::kUnsupported: return 422;
    case Status::Code::kResourceExhausted: return 503;
    case Status::Code::kAlreadyExists: return 409;
    case Status::Code::kIOError: return 500;
  }
  return 500;
}

namespace {
// snake_case, like every other code a client sees.
std::string ErrorCode(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "ok";
    case Status::Code::kInvalidArgument: return "invalid_argument";
    case Status::Code::kNotFound: return "not_found";
    case Status::Code::kParseError: return "parse_error";
    case Status::Code::kCorruption: return "corruption";
    case Status::Code::kIOError: return "io_error";
    case Status::Code::kUnsupported: return "unsupported";
    case Status::Code::kResourceExhausted: return "resource_exhausted";
    case Status::Code::kAlreadyExists: return "already_exists";
  }
  return "internal";
}
}  // namespace

ApiError FromStatus(const Status& status, std::string field) {
  if (field.empty()) field = status.field();
  // The codes clients already know for a bad field and for a body that is not JSON.
  std::string code = ErrorCode(status.code());
  if (status.code() == Status::Code::kInvalidArgument && !status.field().empty()) code = "invalid_field";
  if (status.code() == Status::Code::kParseError && status.field() == "body") code = "malformed_json";
  return {HttpStatusFor(status.code()), std::move(code), status.message(), std::move(field)};
}

}  // namespace marquee::serve
