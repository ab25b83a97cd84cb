// marquee serve --data DATASET --model MODEL_DIR --events EVENTS_DB [--host 127.0.0.1]
//               [--port 8080] [--threads N] [--admin-token TOKEN] [--max-body-bytes N]
//               [--retrieval exact|hnsw] [--hnsw-ef N] [--hnsw-m N]
//               [--artwork-policy SPEC|FILE|none] [--reward-window SECONDS] [--artwork-seed N]
#include <cstdio>
#include <memory>

#include "commands.h"
#include "marquee/data/dataset_file.h"
#include "marquee/store/event_store.h"
#include "marquee/serve/model_store.h"
#include "marquee/serve/server.h"
#include "stop_signals.h"

namespace marquee::cli {

namespace {
struct ServeArgs {
  std::string data;
  std::string model;
  std::string events;
  serve::ServerOptions server;
  std::string retrieval = "exact";
  serve::RetrievalOptions retrieval_options;
  serve::ArtworkServiceOptions artwork;
};

int RunServe(const ServeArgs& args) {
  BlockStopSignals();  // before any thread starts: threads inherit the mask

  Result<Dataset> dataset = LoadDataset(args.data);
  if (!dataset.ok()) return ReportError("serve", dataset.status());
  serve::RetrievalOptions retrieval = args.retrieval_options;
  retrieval.mode = args.retrieval == "hnsw" ? serve::RetrievalOptions::Mode::kHnsw
                                            : serve::RetrievalOptions::Mode::kExact;
  Result<std::unique_ptr<serve::ModelStore>> models = serve::ModelStore::Open(
      std::make_shared<const Dataset>(std::move(*dataset)), args.model, retrieval);
  if (!models.ok()) return ReportError("serve", models.status());
  Result<std::unique_ptr<EventStore>> events = EventStore::Open(args.events);
  if (!events.ok()) return ReportError("serve", events.status());
  std::unique_ptr<serve::ArtworkService> artwork;
  if (args.artwork.policy != "none") {
    Result<std::unique_ptr<serve::ArtworkService>> created =
        serve::ArtworkService::Create((*models)->dataset(), args.artwork);
    if (!created.ok()) return ReportError("serve", created.status());
    artwork = std::move(*created);
  }

  Result<std::unique_ptr<serve::RecommendationService>> recommendations =
      serve::RecommendationService::Create(**models, **events);
  if (!recommendations.ok()) return ReportError("serve", recommendations.status());

  serve::Server server(args.server, **models, **events, **recommendations, artwork.get());
  Status started = server.Start();
  if (!started.ok()) return ReportError("serve", started);
  std::printf("serving model %s (%s retrieval); listening on %s\n",
              (*models)->Current()->version().c_str(),
              std::string(serve::RetrievalModeName(retrieval.mode)).c_str(), server.address().c_str());
  std::fflush(stdout);

  int signal = WaitForStopSignal();
  std::fprintf(stderr, "marquee serve: stopping (signal %d); finishing requests in flight\n", signal);
  server.Stop();
  return 0;
}
}  // namespace

Command AddServeCommand(CLI::App& root) {
  auto* app = root.add_subcommand("serve", "Serve recommendations and ingest events over HTTP/JSON");
  auto args = std::make_shared<ServeArgs>();
  app->add_option("--data", args->data, "the dataset the model was trained on")->required();
  app->add_option("--model", args->model, "model directory (from marquee train)")->required();
  app->add_option("--events", args->events, "event store (SQLite file; created when missing)")->required();
  app->add_option("--host", args->server.host, "address to listen on")->capture_default_str();
  app->add_option("--port", args->server.port, "port (0: any free port, printed)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app->add_option("--threads", args->server.threads,
                  "HTTP worker threads (each open keep-alive connection holds one)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app->add_option("--admin-token", args->server.admin_token,
                  "require Authorization: Bearer TOKEN on admin routes (model reload)")
      ->envname("MARQUEE_ADMIN_TOKEN");
  app->add_option("--max-body-bytes", args->server.max_body_bytes, "largest request body accepted (413 beyond)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app->add_option("--retrieval", args->retrieval,
                  "exact: score every title; hnsw: approximate top-k from an HNSW index over the "
                  "iALS title factors (built at load; filtered requests are scored exactly)")
      ->check(CLI::IsMember({"exact", "hnsw"}))
      ->capture_default_str();
  app->add_option("--hnsw-ef", args->retrieval_options.ef_search,
                  "hnsw: candidates kept per query (higher: better recall, slower)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app->add_option("--artwork-policy", args->artwork.policy,
                  "artwork policy: a kind with optional parameters (uniform, epsilon-greedy, linucb, "
                  "thompson; e.g. linucb:alpha=0.5), a policy file from marquee train-policy, or none")
      ->capture_default_str();
  app->add_option("--reward-window", args->artwork.reward_window_seconds,
                  "seconds after an impression in which a play of the title rewards its artwork")
      ->check(CLI::Range(int64_t{0}, int64_t{30} * 24 * 3600))
      ->capture_default_str();
  app->add_option("--artwork-seed", args->artwork.seed, "seed of the artwork choices (with the impression id)")
      ->capture_default_str();
  app->add_option("--hnsw-m", args->retrieval_options.m, "hnsw: graph degree M")
      ->check(CLI::Range(2, 256))
      ->capture_default_str();
  return {app, [args]() { return RunServe(*args); }};
}

}  // namespace marquee::cli
