// Fuzz target for the server's request parsing (marquee/serve/http/json_request.h):
// arbitrary bytes as a POST body (events, history recommendations, model
// reload) and as a query string (?k=, ?exclude_watched=, ?genre=...), the way
// the HTTP layer hands them in. Whatever the bytes, parsing must not crash,
// must not throw, and must end in either a value or an ApiError that renders
// as the server would render it.
//
// Built with Clang and -DMARQUEE_BUILD_FUZZ=ON it is a libFuzzer target;
// with any other compiler MARQUEE_FUZZ_STANDALONE_DRIVER is defined and a
// plain main() below feeds it the files (or directories of files) named on
// the command line, to replay a corpus or a crash. See fuzz/README.md.
#include <httplib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "marquee/store/event_store.h"
#include "marquee/serve/http/api_error.h"
#include "marquee/serve/http/json_request.h"

namespace {

using marquee::serve::ApiError;
using nlohmann::json;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "request_fuzzer: invariant broken: %s\n", what);
  std::abort();
}

// What Reply::Error does with an error (handlers.cc): it must render, and be
// a 4xx naming what was wrong. Parsing alone never blames the server.
void CheckError(const ApiError& error) {
  if (error.http_status < 400 || error.http_status > 499) Fail("parse error is not a 4xx");
  if (error.code.empty() || error.message.empty()) Fail("parse error without code or message");
  std::string body = error.ToJson().dump(-1, ' ', false, json::error_handler_t::replace);
  if (body.empty()) Fail("empty error body");
}

void CheckEvents(std::string_view body) {
  constexpr int64_t kNow = 1767225600;
  auto events = marquee::serve::ParseEventsRequest(body, kNow);
  if (!events.ok()) return CheckError(events.error());
  if (events->empty()) Fail("accepted an empty batch");
  for (const marquee::Event& e : *events) {
    if (e.member_id.empty() || e.title_id.empty()) Fail("accepted an event without ids");
    // What EventStore::Append checks next. It may still refuse an event the
    // parser let through (a watch_fraction of 1e-50 is in (0, 1] as a double
    // but 0 as the float Event keeps; the server answers that with a 400 from
    // FromStatus), but it must not crash.
    (void)marquee::ValidateEvent(e);
    (void)marquee::EventKindName(e.kind);
  }
}

void CheckHistory(std::string_view body) {
  auto request = marquee::serve::ParseHistoryRequest(body);
  if (!request.ok()) return CheckError(request.error());
  if (request->k < 1 || request->k > marquee::serve::kMaxK) Fail("k outside 1..kMaxK");
}

void CheckReload(std::string_view body) {
  auto request = marquee::serve::ParseReloadRequest(body);
  if (!request.ok()) return CheckError(request.error());
  if (request->has_value() && (*request)->empty()) Fail("accepted an empty model path");
}

void CheckQuery(const std::string& text) {
  marquee::serve::QueryParams params;
  httplib::detail::parse_query_text(text, params);  // the HTTP layer's own decoding
  auto k = marquee::serve::ParseKParam(params);
  if (k.ok()) {
    if (*k < 1 || *k > marquee::serve::kMaxK) Fail("k param outside 1..kMaxK");
  } else {
    CheckError(k.error());
  }
  auto exclude = marquee::serve::ParseBoolParam(params, "exclude_watched", true);
  if (!exclude.ok()) CheckError(exclude.error());
  auto filter = marquee::serve::ParseFilterParams(params);
  if (!filter.ok()) CheckError(filter.error());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    if (auto document = marquee::serve::ParseJsonBody(text); !document.ok()) CheckError(document.error());
    CheckEvents(text);
    CheckHistory(text);
    CheckReload(text);
    CheckQuery(text);
  } catch (const std::exception& e) {
    // The server turns an escaped exception into a 500 at best; parsing bad
    // input must answer 400 instead.
    std::fprintf(stderr, "request_fuzzer: exception escaped parsing: %s\n", e.what());
    std::abort();
  }
  return 0;
}

#ifdef MARQUEE_FUZZ_STANDALONE_DRIVER
// Plain driver: request_fuzzer FILE_OR_DIR... runs every file once.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace {
int RunFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "request_fuzzer: cannot read %s\n", path.c_str());
    return 1;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIR...  (runs each input through the request parsers)\n", argv[0]);
    return 2;
  }
  int failures = 0;
  size_t inputs = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path arg(argv[i]);
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg, ec)) {
        if (!entry.is_regular_file()) continue;
        failures += RunFile(entry.path());
        ++inputs;
      }
    } else {
      failures += RunFile(arg);
      ++inputs;
    }
  }
  std::printf("request_fuzzer: ran %zu inputs, %d unreadable\n", inputs, failures);
  return failures == 0 ? 0 : 1;
}
#endif
