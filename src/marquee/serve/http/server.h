// Server: the HTTP/1.1 JSON API over the model store and the event store.
// Start() binds and serves on background threads (libmicrohttpd's polling
// threads move the bytes; options.threads workers run the handlers); Stop()
// stops accepting, lets requests in flight finish, and returns once every
// worker has exited.
//
// Routes:
//   GET  /v1/members/{id}/recommendations   POST /v1/recommendations
//   GET  /v1/titles/{id}/similar            POST /v1/events
//   GET  /v1/models                         POST /v1/models/reload (admin)
//   POST /v1/titles (admin)
//   GET  /v1/experiments (admin)            POST /v1/experiments (admin)
//   POST /v1/experiments/{name}/stop (admin)
//   and the artwork, homepage, consent and ledger routes (handlers.h)
//   GET  /healthz   GET /metrics   GET /openapi.json
//   GET  /  (the dashboard)   GET /dashboard/{file}   GET /v1/stats
#pragma once

#include <memory>
#include <string>

#include "marquee/store/event_store.h"
#include "marquee/serve/artwork_service.h"
#include "marquee/serve/experiment_service.h"
#include "marquee/serve/homepage_service.h"
#include "marquee/serve/ingest_options.h"
#include "marquee/serve/model_store.h"
#include "marquee/serve/recommendation_service.h"
#include "marquee/serve/http/server_options.h"
#include "marquee/util/status.h"

namespace marquee::serve {

class Server {
 public:
  // The stores and services (the artwork service, when given) must outlive
  // the server. Without an artwork service the artwork routes answer 503.
  // `ingest`: how durable the appended impressions and posted events are.
  // `consent`: the gate the consent admin routes write to (null: they answer 503).
  // `homepage`: the homepage service (serving_stack.h opens one with the
  // page configuration file); null: the server makes its own with the
  // built-in configuration.
  // `experiments`: the experiment service (serve/experiment_service.h) the
  // member routes apply and the experiment admin routes write to; null: no
  // experiments (those routes answer 503).
  Server(ServerOptions options, ModelStore& models, EventStore& events, RecommendationService& recommendations,
         ArtworkService* artwork = nullptr, const IngestOptions& ingest = {}, ConsentGate* consent = nullptr,
         HomepageService* homepage = nullptr, ExperimentService* experiments = nullptr);
  ~Server();  // stops, if running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds (IOError when the address is taken) and starts serving;
  // InvalidArgument when a count or timeout in the options is not positive.
  Status Start();
  // The port bound (the chosen one when options.port was 0); 0 before Start.
  int port() const;
  // "http://HOST:PORT".
  std::string address() const;
  // Graceful: no new connections, requests in flight finish. Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace marquee::serve
