#include "marquee/serve/http/server.h"

#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "marquee/serve/http/handlers.h"
#include "marquee/serve/http/metrics.h"
#include "marquee/util/mutex.h"

// The shape of the server (GNU libmicrohttpd, "MHD"):
//
//   polling threads (kPollingThreads, MHD's epoll thread pool) accept
//     connections, read request headers and bodies, and write answers. They
//     never run a handler, so a connection that is idle, or sends slowly,
//     costs a socket and its buffer but no thread.
//   workers (ServerOptions::threads) run the handlers. When a request's body
//     is complete the access handler suspends the connection and queues a
//     job; a worker computes the Reply, stores it in the request and resumes
//     the connection; the access handler, called again, queues the answer.
//
// The suspend/resume round trip costs a few microseconds (an eventfd write,
// a thread hand-off and one more epoll turn): /healthz, which computes
// nothing, went from about 69k to 50k requests/s at 64 connections on two
// cores, while a recommendation's own work dwarfs it. Running handlers on
// the polling threads instead would let one slow handler (a model reload,
// a large k) stall every connection of that thread.
//
// Each phase of a connection has its own inactivity timeout (MHD's
// per-connection timeout, switched as the request advances): the header
// timeout from accept until the first request's headers are complete, the
// body timeout while its body arrives and its answer is written, and the
// keep-alive timeout once the answer is sent (also covering the headers of
// the next request on that connection).

namespace marquee::serve {

namespace {

// MHD's epoll threads. They only move bytes; two keep one busy connection
// from delaying the rest without taking cores from the workers.
constexpr unsigned kPollingThreads = 2;
// Connections MHD accepts past ServerOptions::max_connections: those get a
// 503 `overloaded` answer (so a client learns why), and beyond them MHD
// stops accepting until some close (they wait in the kernel's listen queue).
constexpr unsigned kConnectionHeadroom = 64;
// MHD's per-connection buffer: the request line and headers must fit in
// about half of it (beyond: MHD's own 431/414, not JSON). Bodies do not
// pass through it whole: they are copied into the request as they arrive.
constexpr size_t kConnectionMemoryBytes = 64 * 1024;
// The longest header line answered; longer ones get 431 (as httplib's 8 KB).
constexpr size_t kMaxHeaderLineBytes = 8 * 1024;
// How long Stop() waits for answers already computed to be written to
// clients that read them slowly, before closing their connections.
constexpr auto kStopGrace = std::chrono::seconds(5);

// Marks, in MHD's per-connection socket context, a connection opened while
// max_connections were already open.
char kOverloadedMark;

struct Request;
using RequestHandler = std::function<Reply(const Request&)>;

struct Route {
  std::string method;                 // "GET" or "POST"
  std::vector<std::string> segments;  // of the path; "{id}" matches any one segment
  Metrics::RouteId metric = 0;
  RequestHandler handler;
};

// One HTTP request, from its headers to its answer: MHD's per-request
// context, created at the first access-handler call and deleted when MHD
// reports the request completed (answered, or the connection closed).
struct Request {
  std::string method;
  std::string path;  // percent-decoded by MHD
  const Route* route = nullptr;  // null: no route (404 or 405 once the body is read)
  std::string allow;             // no route: the methods the path has ("GET, HEAD"); empty: 404
  std::string id;                // the path's {id} segment
  QueryParams params;
  std::string authorization;     // the Authorization header, "" when absent
  std::string body;
  bool too_large = false;        // the body outgrew the limit while arriving
  bool dispatched = false;       // handed to a worker (Stop waits for it)
  // Set by the worker before it resumes the connection; read by the access
  // handler after MHD resumes it (MHD's resume lock orders the two).
  std::atomic<bool> answered{false};
  Reply reply;
};

// The path's segments, without the leading '/'.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path[0] != '/') return segments;
  path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

// True when `range` is a bytes range set as httplib 0.11.4 parsed it:
// "bytes=" then comma-separated FIRST-LAST, either side may be empty, not
// both; FIRST <= LAST when both are given.
bool ParseableRange(std::string_view range) {
  constexpr std::string_view kPrefix = "bytes=";
  if (range.substr(0, kPrefix.size()) != kPrefix) return false;
  range.remove_prefix(kPrefix.size());
  while (true) {
    size_t comma = range.find(',');
    std::string_view spec = range.substr(0, comma);
    while (!spec.empty() && (spec.front() == ' ' || spec.front() == '\t')) spec.remove_prefix(1);
    size_t dash = spec.find('-');
    if (dash == std::string_view::npos) return false;
    std::string_view first = spec.substr(0, dash), last = spec.substr(dash + 1);
    auto digits = [](std::string_view s) {
      return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (!digits(first) || !digits(last) || (first.empty() && last.empty())) return false;
    if (!first.empty() && !last.empty()) {
      uint64_t a = 0, b = 0;
      std::from_chars(first.data(), first.data() + first.size(), a);
      std::from_chars(last.data(), last.data() + last.size(), b);
      if (a > b) return false;
    }
    if (comma == std::string_view::npos) return true;
    range.remove_prefix(comma + 1);
  }
}

const char* Header(MHD_Connection* connection, const char* name) {
  return MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
}

// The request headers, decided here rather than by the library:
//   Range: ignored on every route; every answer is the whole document (MHD
//     serves no ranges). One that is not a bytes range set is refused (416),
//     as before the server moved off cpp-httplib.
//   Accept-Encoding: ignored; answers are never compressed (small JSON, and
//     a client must not choose the server's CPU work or the answer's bytes).
//   Content-Encoding on a request body: refused (415) before the body is
//     read: an encoded body would inflate past the body limit.
//   Transfer-Encoding on a request: refused (411, send Content-Length)
//     before the body is read, so every body's size is known up front.
//   A header line over kMaxHeaderLineBytes: 431.
//   Expect: 100-continue, Connection: honoured (MHD's HTTP/1.1 transport).
std::optional<ApiError> RequestHeaders(MHD_Connection* connection) {
  if (Header(connection, MHD_HTTP_HEADER_TRANSFER_ENCODING) != nullptr) {
    return ApiError{411, "length_required",
                    "request bodies must have a Content-Length (Transfer-Encoding is not accepted)",
                    "Transfer-Encoding"};
  }
  const char* encoding = Header(connection, MHD_HTTP_HEADER_CONTENT_ENCODING);
  if (encoding != nullptr && strcasecmp(encoding, "identity") != 0) {
    return ApiError{415, "unsupported_encoding",
                    "request bodies must not be encoded: send JSON without a Content-Encoding header",
                    "Content-Encoding"};
  }
  std::optional<ApiError> too_long;
  auto check_line = [](void* cls, MHD_ValueKind, const char* key, size_t key_size, const char*,
                       size_t value_size) -> MHD_Result {
    if (key_size + value_size + 2 <= kMaxHeaderLineBytes) return MHD_YES;
    std::string name(key, std::min<size_t>(key_size, 64));
    *static_cast<std::optional<ApiError>*>(cls) =
        ApiError{431, "header_too_large",
                 fmt::format("the {} header line is longer than {} bytes", name, kMaxHeaderLineBytes), name};
    return MHD_NO;
  };
  MHD_get_connection_values_n(connection, MHD_HEADER_KIND, check_line, &too_long);
  if (too_long) return too_long;
  const char* range = Header(connection, MHD_HTTP_HEADER_RANGE);
  if (range != nullptr && !ParseableRange(range)) {
    return ApiError{416, "range_not_supported",
                    "this server does not serve byte ranges; send the request without a Range header", "Range"};
  }
  return std::nullopt;
}

QueryParams Params(MHD_Connection* connection) {
  QueryParams params;
  auto add = [](void* cls, MHD_ValueKind, const char* key, const char* value) -> MHD_Result {
    // A repeated key keeps every value, in request order (as httplib did):
    // single-valued parameters read the first.
    static_cast<QueryParams*>(cls)->emplace(key, value == nullptr ? "" : value);
    return MHD_YES;
  };
  MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, add, &params);
  return params;
}

// Raises the process's soft descriptor limit to cover `wanted`, up to the hard limit:
// max_connections is only a bound if that many sockets can be opened.
void RaiseDescriptorLimit(rlim_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
  setrlimit(RLIMIT_NOFILE, &limit);
}

// A listening, non-blocking TCP socket on host:port (port 0: any free one).
Result<int> Listen(const std::string& host, int port, bool* ipv6) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* addresses = nullptr;
  const std::string service = std::to_string(port);
  const std::string where = host + ":" + service;
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &addresses); rc != 0) {
    return Status::IOError(fmt::format("cannot listen on {}: {}", where, gai_strerror(rc)));
  }
  int error = 0;
  int fd = -1;
  for (addrinfo* a = addresses; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) {
      error = errno;
      continue;
    }
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
      error = errno;
      close(fd);
      fd = -1;
      continue;
    }
    *ipv6 = a->ai_family == AF_INET6;
  }
  freeaddrinfo(addresses);
  if (fd < 0) {
    return Status::IOError(fmt::format("cannot listen on {} (address in use, or not an address of this machine): {}",
                                       where, std::strerror(error)));
  }
  return fd;
}

int BoundPort(int fd) {
  sockaddr_storage address{};
  socklen_t size = sizeof(address);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) return 0;
  if (address.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  return 0;
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions opts, ModelStore& models, EventStore& events, RecommendationService& recommendations,
       ArtworkService* artwork, const IngestOptions& ingest, ConsentGate* consent, HomepageService* homepage,
       ExperimentService* experiments)
      : options(std::move(opts)),
        own_homepage(homepage != nullptr ? nullptr : DefaultHomepage(models, recommendations)),
        handlers(options, models, events, metrics, recommendations, artwork, ingest, consent,
                 homepage != nullptr ? homepage : own_homepage.get(), experiments) {}

  // The built-in page configuration cannot be refused, so this fails only
  // on what it cannot do without: then the homepage route answers 503.
  static std::unique_ptr<HomepageService> DefaultHomepage(ModelStore& models, RecommendationService& recommendations) {
    Result<std::unique_ptr<HomepageService>> made = HomepageService::Create(models, recommendations);
    return made.ok() ? std::move(*made) : nullptr;
  }

  struct Job {
    MHD_Connection* connection;
    Request* request;
  };

  // Registers `handler` for `method pattern`, counted and timed under the
  // pattern as its label.
  void AddRoute(const std::string& method, const std::string& pattern, RequestHandler handler) {
    Route route;
    route.method = method;
    for (std::string_view segment : Segments(pattern)) route.segments.emplace_back(segment);
    route.metric = metrics.AddRoute(method + " " + pattern);
    route.handler = std::move(handler);
    routes.push_back(std::move(route));
  }

  void AddRoutes() {
    AddRoute("GET", "/v1/members/{id}/recommendations",
          [this](const Request& r) { return handlers.MemberRecommendations(r.id, r.params); });
    AddRoute("GET", "/v1/members/{id}/homepage",
             [this](const Request& r) { return handlers.MemberHomepage(r.id, r.params); });
    AddRoute("POST", "/v1/recommendations", [this](const Request& r) { return handlers.HistoryRecommendations(r.body); });
    AddRoute("POST", "/v1/page-config/reload",
             [this](const Request& r) { return handlers.ReloadPageConfig(r.authorization, r.body); });
    AddRoute("GET", "/v1/titles/{id}/similar",
          [this](const Request& r) { return handlers.SimilarTitles(r.id, r.params); });
    AddRoute("POST", "/v1/events", [this](const Request& r) { return handlers.PostEvents(r.body); });
    AddRoute("GET", "/v1/members/{id}/artwork",
          [this](const Request& r) { return handlers.MemberArtwork(r.id, r.params); });
    AddRoute("GET", "/v1/artwork/policy", [this](const Request&) { return handlers.ArtworkPolicyStats(); });
    AddRoute("POST", "/v1/experiments",
             [this](const Request& r) { return handlers.PostExperiment(r.authorization, r.body); });
    AddRoute("GET", "/v1/experiments", [this](const Request& r) { return handlers.ListExperiments(r.authorization); });
    AddRoute("POST", "/v1/experiments/{id}/stop",
             [this](const Request& r) { return handlers.StopExperiment(r.authorization, r.id, r.body); });
    AddRoute("GET", "/v1/experiments/{id}/report",
             [this](const Request& r) { return handlers.ExperimentReport(r.authorization, r.id); });
    AddRoute("GET", "/v1/models", [this](const Request&) { return handlers.CurrentModel(); });
    AddRoute("POST", "/v1/models/reload",
          [this](const Request& r) { return handlers.ReloadModel(r.authorization, r.body); });
    AddRoute("POST", "/v1/titles", [this](const Request& r) { return handlers.PostTitles(r.authorization, r.body); });
    AddRoute("POST", "/v1/performers",
             [this](const Request& r) { return handlers.PostPerformer(r.authorization, r.body); });
    AddRoute("POST", "/v1/consents",
             [this](const Request& r) { return handlers.PostConsent(r.authorization, r.body); });
    AddRoute("POST", "/v1/consents/{id}/revoke",
             [this](const Request& r) { return handlers.RevokeConsent(r.authorization, r.id, r.body); });
    AddRoute("POST", "/v1/takedowns",
             [this](const Request& r) { return handlers.PostTakedown(r.authorization, r.body); });
    AddRoute("POST", "/v1/takedowns/{id}/restore",
             [this](const Request& r) { return handlers.RestoreTakedown(r.authorization, r.id, r.body); });
    AddRoute("GET", "/v1/consents/gate", [this](const Request& r) { return handlers.ConsentGateStats(r.authorization); });
    AddRoute("GET", "/v1/performers/{id}/statement",
             [this](const Request& r) { return handlers.PerformerStatement(r.authorization, r.id, r.params); });
    AddRoute("GET", "/v1/titles/{id}/exposure",
             [this](const Request& r) { return handlers.TitleExposure(r.authorization, r.id, r.params); });
    AddRoute("GET", "/", [this](const Request&) { return handlers.DashboardPage(); });
    AddRoute("GET", "/dashboard/{id}", [this](const Request& r) { return handlers.DashboardFile(r.id); });
    AddRoute("GET", "/v1/stats", [this](const Request&) { return handlers.Stats(); });
    AddRoute("GET", "/healthz", [this](const Request&) { return handlers.Health(); });
    AddRoute("GET", "/metrics", [this](const Request&) { return handlers.MetricsText(); });
    AddRoute("GET", "/openapi.json", [this](const Request&) { return handlers.OpenApi(); });
    unrouted = metrics.AddRoute("unrouted");
  }

  // The route for `method path` and its {id}; null when none.
  const Route* Match(std::string_view method, std::string_view path, std::string* id) const {
    if (method == "HEAD") method = "GET";  // MHD leaves out the body
    const std::vector<std::string_view> segments = Segments(path);
    for (const Route& route : routes) {
      if (route.method != method || route.segments.size() != segments.size()) continue;
      bool match = true;
      for (size_t i = 0; i < segments.size() && match; ++i) {
        if (route.segments[i] == "{id}") match = !segments[i].empty();
        else match = route.segments[i] == segments[i];
      }
      if (!match) continue;
      for (size_t i = 0; i < segments.size(); ++i) {
        if (route.segments[i] == "{id}") id->assign(segments[i]);
      }
      return &route;
    }
    return nullptr;
  }

  // The methods some route answers on `path`, for a 405's Allow header
  // ("GET, HEAD, POST"); empty when no route has the path (404). HEAD goes
  // with GET, as Match answers it.
  std::string AllowedMethods(std::string_view path) const {
    std::string id;
    const bool get = Match("GET", path, &id) != nullptr;
    const bool post = Match("POST", path, &id) != nullptr;
    std::string allow;
    if (get) allow = "GET, HEAD";
    if (post) allow += allow.empty() ? "POST" : ", POST";
    return allow;
  }

  // Any exception becomes a 500 JSON reply, never a dead worker.
  Reply Run(const Request& request) {
    const auto start = std::chrono::steady_clock::now();
    Reply reply;
    try {
      reply = request.route->handler(request);
    } catch (const std::exception& e) {
      reply = Reply::Error({500, "internal", std::string("internal error: ") + e.what(), ""});
    } catch (...) {
      reply = Reply::Error({500, "internal", "internal error", ""});
    }
    metrics.Record(request.route->metric, reply.status,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return reply;
  }

  // Queues `reply` on `connection`. `close`: the connection is not reused
  // (a body left unread, or the server stopping).
  // `allow`: an Allow header's value (a 405), empty for none.
  MHD_Result Answer(MHD_Connection* connection, const Reply& reply, bool close, bool retry_after = false,
                    const std::string& allow = {}) {
    MHD_Response* response = MHD_create_response_from_buffer(
        reply.body.size(), const_cast<char*>(reply.body.data()), MHD_RESPMEM_MUST_COPY);
    if (response == nullptr) return MHD_NO;
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, reply.content_type.c_str());
    if (close || draining.load(std::memory_order_relaxed)) {
      MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
    }
    if (retry_after) MHD_add_response_header(response, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    if (!allow.empty()) MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, allow.c_str());
    MHD_Result queued = MHD_queue_response(connection, reply.status, response);
    MHD_destroy_response(response);
    return queued;
  }

  // An answer given without running a handler, counted as "unrouted".
  MHD_Result Refuse(MHD_Connection* connection, const ApiError& error, bool close, bool retry_after = false,
                    const std::string& allow = {}) {
    metrics.Record(unrouted, error.http_status, 0);
    return Answer(connection, Reply::Error(error), close, retry_after, allow);
  }

  // The first access-handler call: the headers are complete, the body (if
  // any) not read yet. Answering now leaves the body unread, so MHD closes
  // the connection after the answer (and says so: Connection: close).
  MHD_Result Begin(MHD_Connection* connection, const char* url, const char* method, Request& request) {
    MHD_set_connection_option(connection, MHD_CONNECTION_OPTION_TIMEOUT,
                              static_cast<unsigned>(options.body_timeout_seconds));
    const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    if (info != nullptr && info->socket_context == &kOverloadedMark) {
      return Refuse(connection,
                    {503, "overloaded",
                     fmt::format("the server has {} connections open, its limit; retry shortly",
                                 options.max_connections),
                     ""},
                    /*close=*/true, /*retry_after=*/true);
    }
    if (std::optional<ApiError> refused = RequestHeaders(connection)) {
      return Refuse(connection, *refused, /*close=*/true);
    }
    const char* length = Header(connection, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (length != nullptr) {
      uint64_t bytes = 0;
      const char* end = length + std::strlen(length);
      auto [stop, ec] = std::from_chars(length, end, bytes);
      if (ec != std::errc() || bytes > options.max_body_bytes) {
        return Refuse(connection, BodyTooLarge(), /*close=*/true);
      }
      // Not all of it up front: a client may announce a megabyte and send
      // nothing, on every connection it holds.
      request.body.reserve(std::min<uint64_t>(bytes, 64 * 1024));
    }
    request.method = method;
    request.path = url;
    request.route = Match(request.method, request.path, &request.id);
    if (request.route == nullptr) request.allow = AllowedMethods(request.path);
    // Without Content-Length (or Transfer-Encoding, refused above) HTTP/1.1
    // has no body: such a POST sent nothing, and answering that its JSON is
    // malformed would blame a body that does not exist. `Content-Length: 0`
    // is an empty body, left to the route.
    if (request.route != nullptr && request.route->method == "POST" && length == nullptr) {
      return Refuse(connection,
                    {411, "length_required",
                     "POST bodies must have a Content-Length header (none was sent, so there is no body)",
                     "Content-Length"},
                    /*close=*/false);
    }
    if (request.route != nullptr) {
      request.params = Params(connection);
      if (const char* authorization = Header(connection, MHD_HTTP_HEADER_AUTHORIZATION)) {
        request.authorization = authorization;
      }
    }
    return MHD_YES;  // MHD sends 100 Continue when asked, then the body
  }

  ApiError BodyTooLarge() const {
    return {413, "payload_too_large",
            fmt::format("the request body is larger than the limit ({} bytes)", options.max_body_bytes), "body"};
  }

  // The body is complete: hands the request to a worker, with the
  // connection suspended until the answer is ready.
  MHD_Result Dispatch(MHD_Connection* connection, Request& request) {
    MHD_suspend_connection(connection);
    {
      MutexLock lock(&mu);
      if (!stopping) {
        request.dispatched = true;
        ++unsent;
        queue.push_back({connection, &request});
        work_ready.Signal();
        return MHD_YES;
      }
    }
    // Stopping: the workers take no more jobs, so this one request runs
    // here; its answer goes out with Connection: close.
    request.reply = Run(request);
    request.answered.store(true, std::memory_order_release);
    MHD_resume_connection(connection);
    return MHD_YES;
  }

  static MHD_Result OnRequest(void* cls, MHD_Connection* connection, const char* url, const char* method,
                              const char* /*version*/, const char* upload_data, size_t* upload_data_size,
                              void** context) {
    Impl& s = *static_cast<Impl*>(cls);
    try {
      auto* request = static_cast<Request*>(*context);
      if (request == nullptr) {
        request = new Request;  // deleted by OnCompleted
        *context = request;
        return s.Begin(connection, url, method, *request);
      }
      if (*upload_data_size > 0) {
        // Content-Length was checked against the limit and MHD reads no
        // more than it; this guards the limit should that ever change.
        if (!request->too_large && request->body.size() + *upload_data_size <= s.options.max_body_bytes) {
          request->body.append(upload_data, *upload_data_size);
        } else {
          request->too_large = true;
          std::string().swap(request->body);
        }
        *upload_data_size = 0;
        return MHD_YES;
      }
      if (request->answered.load(std::memory_order_acquire)) return s.Answer(connection, request->reply, false);
      if (request->dispatched) return MHD_YES;  // not called while suspended; nothing to do
      if (request->too_large) return s.Refuse(connection, s.BodyTooLarge(), false);
      if (request->route == nullptr && !request->allow.empty()) {
        return s.Refuse(connection,
                        {405, "method_not_allowed",
                         fmt::format("{} does not answer {}; it answers {}", request->path, request->method,
                                     request->allow),
                         "method"},
                        false, false, request->allow);
      }
      if (request->route == nullptr) {
        return s.Refuse(connection, ApiError::NotFound("no route for " + request->method + " " + request->path),
                        false);
      }
      return s.Dispatch(connection, *request);
    } catch (...) {
      return MHD_NO;  // out of memory: MHD closes the connection
    }
  }

  static void OnCompleted(void* cls, MHD_Connection* connection, void** context, MHD_RequestTerminationCode toe) {
    Impl& s = *static_cast<Impl*>(cls);
    auto* request = static_cast<Request*>(*context);
    *context = nullptr;
    if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK) {
      // Answered; the connection now waits for its next request.
      MHD_set_connection_option(connection, MHD_CONNECTION_OPTION_TIMEOUT,
                                static_cast<unsigned>(s.options.keep_alive_seconds));
    }
    if (request == nullptr) return;
    if (request->dispatched) {
      MutexLock lock(&s.mu);
      --s.unsent;
      s.drained.SignalAll();
    }
    delete request;
  }

  static void OnConnection(void* cls, MHD_Connection* connection, void** socket_context,
                           MHD_ConnectionNotificationCode code) {
    Impl& s = *static_cast<Impl*>(cls);
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
      s.open_connections.fetch_sub(1, std::memory_order_relaxed);
      return;
    }
    const int open = s.open_connections.fetch_add(1, std::memory_order_relaxed) + 1;
    if (open > s.options.max_connections) *socket_context = &kOverloadedMark;
    // Answers are written whole, so Nagle's delay would only add latency.
    const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info != nullptr) {
      const int on = 1;
      setsockopt(info->connect_fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    }
  }

  void WorkerLoop() {
    while (std::optional<Job> job = NextJob()) {
      job->request->reply = Run(*job->request);
      job->request->answered.store(true, std::memory_order_release);
      // From here the request belongs to MHD again (it may be deleted).
      MHD_resume_connection(job->connection);
      FinishJob();
    }
  }

  std::optional<Job> NextJob() {
    MutexLock lock(&mu);
    while (queue.empty() && !workers_exit) work_ready.Wait(&mu);
    if (queue.empty()) return std::nullopt;
    Job job = queue.front();
    queue.pop_front();
    ++running;
    return job;
  }

  void FinishJob() {
    MutexLock lock(&mu);
    --running;
    drained.SignalAll();
  }

  // Returns once every dispatched request has been computed (however long
  // its handler takes: MHD must not stop with a connection suspended) and
  // its answer written, or kStopGrace has passed for the writing.
  void WaitForRequestsInFlight() {
    MutexLock lock(&mu);
    const auto deadline = std::chrono::steady_clock::now() + kStopGrace;
    while (!queue.empty() || running > 0 || (unsent > 0 && std::chrono::steady_clock::now() < deadline)) {
      drained.WaitFor(&mu, std::chrono::milliseconds(20));
    }
  }

  void StopWorkers() {
    {
      MutexLock lock(&mu);
      workers_exit = true;
    }
    work_ready.SignalAll();
    for (std::thread& worker : workers) worker.join();
    workers.clear();
    MutexLock lock(&mu);
    workers_exit = false;
  }

  ServerOptions options;
  Metrics metrics;
  std::unique_ptr<HomepageService> own_homepage;  // when the caller gave none
  Handlers handlers;
  std::vector<Route> routes;  // fixed before Start
  Metrics::RouteId unrouted = 0;

  MHD_Daemon* daemon = nullptr;
  int port = 0;
  std::atomic<int> open_connections{0};
  std::atomic<bool> draining{false};  // Stop() began: answers close their connections

  Mutex mu;
  CondVar work_ready;  // a job was queued, or workers_exit
  CondVar drained;     // a job finished, or a dispatched answer was sent
  std::deque<Job> queue GUARDED_BY(mu);
  int running GUARDED_BY(mu) = 0;  // jobs a worker is computing
  int unsent GUARDED_BY(mu) = 0;   // dispatched requests not yet completed
  bool stopping GUARDED_BY(mu) = false;
  bool workers_exit GUARDED_BY(mu) = false;
  std::vector<std::thread> workers;
};

Server::Server(ServerOptions options, ModelStore& models, EventStore& events,
               RecommendationService& recommendations, ArtworkService* artwork, const IngestOptions& ingest,
               ConsentGate* consent, HomepageService* homepage, ExperimentService* experiments)
    : impl_(std::make_unique<Impl>(std::move(options), models, events, recommendations, artwork, ingest,
                                   consent, homepage, experiments)) {
  impl_->AddRoutes();
}

Server::~Server() { Stop(); }

Status Server::Start() {
  Impl& s = *impl_;
  if (s.daemon != nullptr) return Status::InvalidArgument("server: already started");
  const ServerOptions& o = s.options;
  if (o.threads < 1 || o.max_connections < 1 || o.header_timeout_seconds < 1 || o.body_timeout_seconds < 1 ||
      o.keep_alive_seconds < 1) {
    return Status::InvalidArgument(
        fmt::format("server: threads ({}), max_connections ({}) and the timeouts (header {} s, body {} s, "
                    "keep-alive {} s) must be positive",
                    o.threads, o.max_connections, o.header_timeout_seconds, o.body_timeout_seconds,
                    o.keep_alive_seconds));
  }
  const unsigned connection_limit = static_cast<unsigned>(o.max_connections) + kConnectionHeadroom;
  RaiseDescriptorLimit(connection_limit + 256);  // and the stores' files, the listener, the epoll sets
  bool ipv6 = false;
  Result<int> listening = Listen(o.host, o.port, &ipv6);
  if (!listening.ok()) return listening.status();
  const int fd = *listening;
  s.port = BoundPort(fd);
  {
    MutexLock lock(&s.mu);
    s.stopping = false;
  }
  s.draining = false;
  for (int i = 0; i < o.threads; ++i) s.workers.emplace_back([&s] { s.WorkerLoop(); });
  const unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC |
                         (ipv6 ? MHD_USE_IPv6 : 0);
  s.daemon = MHD_start_daemon(
      flags, 0, nullptr, nullptr, &Impl::OnRequest, &s,
      MHD_OPTION_LISTEN_SOCKET, static_cast<MHD_socket>(fd),
      MHD_OPTION_THREAD_POOL_SIZE, kPollingThreads,
      MHD_OPTION_CONNECTION_LIMIT, connection_limit,
      MHD_OPTION_CONNECTION_TIMEOUT, static_cast<unsigned>(o.header_timeout_seconds),
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, kConnectionMemoryBytes,
      MHD_OPTION_NOTIFY_COMPLETED, &Impl::OnCompleted, &s,
      MHD_OPTION_NOTIFY_CONNECTION, &Impl::OnConnection, &s,
      MHD_OPTION_END);
  if (s.daemon == nullptr) {
    s.StopWorkers();
    close(fd);
    s.port = 0;
    return Status::IOError(fmt::format("cannot serve on {}:{} (libmicrohttpd refused to start)", o.host, o.port));
  }
  return Status::OK();
}

int Server::port() const { return impl_->port; }

std::string Server::address() const {
  return "http://" + impl_->options.host + ":" + std::to_string(impl_->port);
}

void Server::Stop() {
  Impl& s = *impl_;
  if (s.daemon == nullptr) return;
  // No new connections: the listening socket leaves MHD (closed below).
  const MHD_socket listening = MHD_quiesce_daemon(s.daemon);
  s.draining = true;
  {
    MutexLock lock(&s.mu);
    s.stopping = true;
  }
  s.WaitForRequestsInFlight();
  // Closes the connections left (idle, or still sending a request) and
  // joins the polling threads.
  MHD_stop_daemon(s.daemon);
  s.daemon = nullptr;
  s.StopWorkers();
  if (listening != MHD_INVALID_SOCKET) close(listening);
}

}  // namespace marquee::serve
