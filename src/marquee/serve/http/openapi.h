// The OpenAPI 3 description of every route the server answers, served at
// GET /openapi.json so clients can generate bindings and people can read it.
#pragma once

#include <nlohmann/json.hpp>

namespace marquee::serve {

nlohmann::json OpenApiDocument();

}  // namespace marquee::serve
