// ApiError: what the server answers when a request cannot be served -- an
// HTTP status plus the JSON body {"error": {"code", "message", "field"}}, so
// that a client can tell which field was wrong and what was expected.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "marquee/util/status.h"

namespace marquee::serve {

struct ApiError {
  int http_status = 400;
  std::string code;     // machine-readable: "invalid_field", "not_found", ...
  std::string message;  // for a person: what was expected, what was found
  std::string field;    // the offending field ("k", "events[2].kind"); empty when none

  static ApiError BadField(std::string field, std::string message) {
    return {400, "invalid_field", std::move(message), std::move(field)};
  }
  static ApiError NotFound(std::string message, std::string field = {}) {
    return {404, "not_found", std::move(message), std::move(field)};
  }

  nlohmann::json ToJson() const;
};

// The HTTP status a library error becomes: bad input is the client's fault
// (4xx), a failing disk is ours (5xx).
int HttpStatusFor(Status::Code code);
// An ApiError carrying `status`'s message, with a code derived from it.
ApiError FromStatus(const Status& status, std::string field = {});

}  // namespace marquee::serve
