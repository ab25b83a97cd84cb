#include "marquee/serve/http/server.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <thread>

#include "marquee/serve/http/handlers.h"
#include "marquee/serve/http/metrics.h"

namespace marquee::serve {

namespace {

using RequestHandler = std::function<Reply(const httplib::Request&)>;

QueryParams Params(const httplib::Request& request) {
  return QueryParams(request.params.begin(), request.params.end());
}

// The reply httplib's own errors get (no handler ran): unknown routes, bodies
// over the limit, malformed requests.
ApiError ProtocolError(const httplib::Request& request, int status) {
  switch (status) {
    case 404: return ApiError::NotFound("no route for " + request.method + " " + request.path);
    case 413: return {413, "payload_too_large", "the request body is larger than the limit", "body"};
    // httplib refuses a Range header it cannot parse before any route runs
    // (the ones it can parse are dropped in RequestHeaders below).
    case 416: return {416, "range_not_supported",
                      "this server does not serve byte ranges; send the request without a Range header", "Range"};
    default: return {status, "bad_request", "the request could not be read as HTTP/1.1", ""};
  }
}

// The request headers httplib acts on by itself, decided here rather than
// by the library (the installed cpp-httplib is 0.11.4, older than upstream's
// fix for multipart range amplification):
//   Range: ignored on every route. httplib turned `bytes=0-,0-,...` into a
//     multipart body holding the document once per range (a 6 KB header
//     made 2,010 copies, 45 MB). Every answer is the whole document.
//   Accept-Encoding: ignored; answers are never compressed (small JSON, and
//     a client must not choose the server's CPU work or the answer's bytes).
//   Content-Encoding on a request body: refused (415) before the body is
//     read: httplib would inflate gzip/brotli bodies, past the body limit.
//   Transfer-Encoding on a request: refused (411, send Content-Length)
//     before the body is read: httplib 0.11.4 reads a chunked body whole,
//     without the body limit.
//   Expect: 100-continue, Connection: honoured (HTTP/1.1 transport).
// httplib hands pre-routing handlers a const Request; the object is its
// own non-const local, so clearing the parsed ranges here is well defined.
std::optional<ApiError> RequestHeaders(const httplib::Request& request) {
  auto& editable = const_cast<httplib::Request&>(request);
  editable.ranges.clear();
  editable.headers.erase("Range");
  editable.headers.erase("Accept-Encoding");
  if (request.has_header("Transfer-Encoding")) {
    return ApiError{411, "length_required",
                    "request bodies must have a Content-Length (Transfer-Encoding is not accepted)",
                    "Transfer-Encoding"};
  }
  if (request.has_header("Content-Encoding") && request.get_header_value("Content-Encoding") != "identity") {
    return ApiError{415, "unsupported_encoding",
                    "request bodies must not be encoded: send JSON without a Content-Encoding header",
                    "Content-Encoding"};
  }
  return std::nullopt;
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions opts, ModelStore& models, EventStore& events, RecommendationService& recommendations,
       ArtworkService* artwork, const IngestOptions& ingest)
      : options(std::move(opts)), handlers(options, models, events, metrics, recommendations, artwork, ingest) {}

  // Registers `handler` for `method pattern`, counted and timed under `label`;
  // any exception becomes a 500 JSON reply, never a dead worker.
  void Route(const std::string& method, const std::string& pattern, const std::string& label,
             RequestHandler handler) {
    const Metrics::RouteId id = metrics.AddRoute(method + " " + label);
    auto wrapped = [this, id, handler = std::move(handler)](const httplib::Request& request,
                                                           httplib::Response& response) {
      const auto start = std::chrono::steady_clock::now();
      Reply reply = Run(handler, request);
      response.status = reply.status;
      response.set_content(std::move(reply.body), reply.content_type.c_str());
      metrics.Record(id, reply.status,
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    };
    if (method == "GET") http.Get(pattern, std::move(wrapped));
    else http.Post(pattern, std::move(wrapped));
  }

  static Reply Run(const RequestHandler& handler, const httplib::Request& request) {
    try {
      return handler(request);
    } catch (const std::exception& e) {
      return Reply::Error({500, "internal", std::string("internal error: ") + e.what(), ""});
    } catch (...) {
      return Reply::Error({500, "internal", "internal error", ""});
    }
  }

  void AddRoutes() {
    Route("GET", R"(/v1/members/([^/]+)/recommendations)", "/v1/members/{id}/recommendations",
          [this](const httplib::Request& r) { return handlers.MemberRecommendations(r.matches[1].str(), Params(r)); });
    Route("POST", "/v1/recommendations", "/v1/recommendations",
          [this](const httplib::Request& r) { return handlers.HistoryRecommendations(r.body); });
    Route("GET", R"(/v1/titles/([^/]+)/similar)", "/v1/titles/{id}/similar",
          [this](const httplib::Request& r) { return handlers.SimilarTitles(r.matches[1].str(), Params(r)); });
    Route("POST", "/v1/events", "/v1/events",
          [this](const httplib::Request& r) { return handlers.PostEvents(r.body); });
    Route("GET", R"(/v1/members/([^/]+)/artwork)", "/v1/members/{id}/artwork",
          [this](const httplib::Request& r) { return handlers.MemberArtwork(r.matches[1].str(), Params(r)); });
    Route("GET", "/v1/artwork/policy", "/v1/artwork/policy",
          [this](const httplib::Request&) { return handlers.ArtworkPolicyStats(); });
    Route("GET", "/v1/models", "/v1/models",
          [this](const httplib::Request&) { return handlers.CurrentModel(); });
    Route("POST", "/v1/models/reload", "/v1/models/reload", [this](const httplib::Request& r) {
      return handlers.ReloadModel(r.get_header_value("Authorization"), r.body);
    });
    Route("GET", "/healthz", "/healthz", [this](const httplib::Request&) { return handlers.Health(); });
    Route("GET", "/metrics", "/metrics", [this](const httplib::Request&) { return handlers.MetricsText(); });
    Route("GET", "/openapi.json", "/openapi.json",
          [this](const httplib::Request&) { return handlers.OpenApi(); });
    unrouted = metrics.AddRoute("unrouted");
  }

  void Configure() {
    const size_t threads = static_cast<size_t>(std::max(1, options.threads));
    http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http.set_payload_max_length(options.max_body_bytes);
    http.set_keep_alive_max_count(100000);
    http.set_keep_alive_timeout(options.keep_alive_seconds);
    http.set_tcp_nodelay(true);
    http.set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
      std::optional<ApiError> refused = RequestHeaders(request);
      if (!refused) return httplib::Server::HandlerResponse::Unhandled;
      Reply reply = Reply::Error(*refused);
      response.status = reply.status;
      response.set_content(reply.body, reply.content_type.c_str());
      // The body (if any) was never read, so the connection cannot carry
      // another request: tell the client not to reuse it.
      response.set_header("Connection", "close");
      metrics.Record(unrouted, reply.status, 0);
      return httplib::Server::HandlerResponse::Handled;
    });
    http.set_error_handler(httplib::Server::HandlerWithResponse(
        [this](const httplib::Request& request, httplib::Response& response) {
      // Our handlers always answer with a body; an empty one means httplib
      // answered on its own, before or instead of routing.
      if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      Reply reply = Reply::Error(ProtocolError(request, response.status));
      response.set_content(reply.body, reply.content_type.c_str());
      metrics.Record(unrouted, response.status, 0);
      return httplib::Server::HandlerResponse::Handled;
    }));
    http.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr) {
      Reply reply = Reply::Error({500, "internal", "internal error", ""});
      response.status = 500;
      response.set_content(reply.body, reply.content_type.c_str());
    });
  }

  ServerOptions options;
  Metrics metrics;
  Handlers handlers;
  Metrics::RouteId unrouted = 0;
  httplib::Server http;
  std::thread listener;
  std::atomic<bool> listener_done{false};
  int port = 0;
};

Server::Server(ServerOptions options, ModelStore& models, EventStore& events,
               RecommendationService& recommendations, ArtworkService* artwork, const IngestOptions& ingest)
    : impl_(std::make_unique<Impl>(std::move(options), models, events, recommendations, artwork, ingest)) {
  impl_->AddRoutes();
  impl_->Configure();
}

Server::~Server() { Stop(); }

Status Server::Start() {
  Impl& s = *impl_;
  if (s.listener.joinable()) return Status::InvalidArgument("server: already started");
  if (s.options.port == 0) {
    s.port = s.http.bind_to_any_port(s.options.host);
    if (s.port <= 0) s.port = 0;
  } else if (s.http.bind_to_port(s.options.host, s.options.port)) {
    s.port = s.options.port;
  }
  if (s.port == 0) {
    return Status::IOError("cannot listen on " + s.options.host + ":" + std::to_string(s.options.port) +
                           " (address in use, or not an address of this machine)");
  }
  s.listener = std::thread([&s] {
    s.http.listen_after_bind();
    s.listener_done = true;
  });
  // Stop() before the accept loop runs would be lost; wait until it runs.
  while (!s.http.is_running() && !s.listener_done) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!s.http.is_running()) {
    s.listener.join();
    return Status::IOError("cannot serve on " + s.options.host + ":" + std::to_string(s.port));
  }
  return Status::OK();
}

int Server::port() const { return impl_->port; }

std::string Server::address() const {
  return "http://" + impl_->options.host + ":" + std::to_string(impl_->port);
}

void Server::Stop() {
  Impl& s = *impl_;
  if (!s.listener.joinable()) return;
  // httplib closes the listening socket; listen_after_bind then shuts the
  // worker pool down, which waits for the requests in flight.
  s.http.stop();
  s.listener.join();
}

}  // namespace marquee::serve
