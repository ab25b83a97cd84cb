// marquee serve --data DATASET --model MODEL_DIR --events EVENTS_DB [--host 127.0.0.1]
//               [--port 8080] [--http-threads N] [--admin-token TOKEN] [--max-body-bytes N]
//               [--max-connections N] [--header-timeout S] [--body-timeout S] [--keep-alive-seconds S]
//               [--retrieval exact|hnsw] [--hnsw-ef N] [--hnsw-m N]
//               [--artwork-policy SPEC|F.mqp|file:PATH|none] [--reward-window SECONDS] [--artwork-seed N]
//               [--policy-snapshot PATH [--policy-snapshot-every 5m]]  (the folder must exist and be writable)
//               [--impression-durability process|fsync] [--event-durability process|fsync]
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "marquee/serve/http/json_request.h"
#include "marquee/serve/http/server.h"
#include "marquee/serve/serving_stack.h"
#include "number_flags.h"
#include "stop_signals.h"

namespace marquee::cli {

namespace {
struct ServeArgs {
  serve::ServingStackOptions stack;
  serve::ServerOptions server;
  std::string retrieval = "exact";
  bool deprecated_threads = false;  // serve --threads was given
  std::string snapshot_every = "5m";
  std::vector<std::string> bonus_rules;
};

// A --*-durability option over `level`, refusing any other value with the
// flag's name and the accepted values (CLI11 names the flag).
void AddDurabilityOption(CLI::App& app, const std::string& flag, Durability* level, const std::string& help) {
  app.add_option_function<std::string>(
         flag, [level](const std::string& text) { *level = *ParseDurability(text); }, help)
      ->check(CLI::Validator(
          [](std::string& text) {
            return ParseDurability(text) ? std::string()
                                         : "expected process or fsync, found " + text;
          },
          "process|fsync"))
      ->default_str(std::string(DurabilityName(*level)));
}

// "90", "90s", "5m", "2h": seconds; nullopt when malformed.
std::optional<std::chrono::seconds> ParseInterval(const std::string& text) {
  if (text.empty()) return std::nullopt;
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits + 1 < text.size() || digits > 9) return std::nullopt;
  const int64_t value = std::stoll(text.substr(0, digits));
  const char unit = digits < text.size() ? text[digits] : 's';
  switch (unit) {
    case 's': return std::chrono::seconds(value);
    case 'm': return std::chrono::seconds(value * 60);
    case 'h': return std::chrono::seconds(value * 3600);
    default: return std::nullopt;
  }
}

// --policy-snapshot PATH can be written: its folder exists and a file can be
// created there (snapshots go through a temporary file beside PATH), and
// PATH is no folder. Checked at start: otherwise the first sign of a wrong
// path was the failed write at SIGTERM, when what was learned is lost.
Status CheckSnapshotPath(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    return Status::InvalidArgument(fmt::format(
        "--policy-snapshot {}: expected a path in an existing folder, found no folder {}", path, folder.string()));
  }
  if (fs::is_directory(target, error)) {
    return Status::InvalidArgument(
        fmt::format("--policy-snapshot {}: expected a file path, found a folder", path));
  }
  const std::string probe = path + ".write-check-" + std::to_string(getpid());
  const int fd = open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::InvalidArgument(fmt::format("--policy-snapshot {}: cannot create a file in the folder {} ({})",
                                               path, folder.string(), std::strerror(errno)));
  }
  close(fd);
  unlink(probe.c_str());
  return Status::OK();
}

int RunServe(const ServeArgs& args) {
  BlockStopSignals();  // before any thread starts: threads inherit the mask
  if (args.deprecated_threads) {
    std::fprintf(stderr, "marquee serve: --threads is deprecated for the HTTP workers; use --http-threads\n");
  }

  serve::ServerOptions server_options = args.server;
  if (!args.bonus_rules.empty()) {
    Result<BonusRuleBook> book = BonusRuleBook::LoadFiles(args.bonus_rules);
    if (!book.ok()) return ReportError("serve", book.status().WithContext("--bonus-rules"));
    server_options.bonus_rules = std::make_shared<const BonusRuleBook>(std::move(*book));
  }
  serve::ServingStackOptions options = args.stack;
  options.retrieval.mode = args.retrieval == "hnsw" ? serve::RetrievalOptions::Mode::kHnsw
                                                    : serve::RetrievalOptions::Mode::kExact;
  // Every HTTP worker may read a member's events at once.
  options.event_store.max_readers = static_cast<size_t>(args.server.threads);
  options.artwork.snapshot_every = *ParseInterval(args.snapshot_every);  // checked by the option
  // Reported once stopping: the error that ends the process says it then.
  auto stopping = std::make_shared<std::atomic<bool>>(false);
  if (!options.artwork.snapshot_path.empty() && options.artwork_policy != "none") {
    if (Status writable = CheckSnapshotPath(options.artwork.snapshot_path); !writable.ok()) {
      return ReportError("serve", writable);
    }
    // The library only records write failures (in /v1/artwork/policy); an
    // operator reads the log. One line per failed write, and one when
    // writing works again, not one per success.
    auto failing = std::make_shared<std::atomic<bool>>(false);
    options.artwork.on_snapshot = [path = options.artwork.snapshot_path, failing, stopping](const Status& status) {
      if (!status.ok()) {
        failing->store(true);
        if (stopping->load()) return;
        std::fprintf(stderr, "marquee serve: could not write policy snapshot %s: %s (retried at the next interval)\n",
                     path.c_str(), status.ToString().c_str());
      } else if (failing->exchange(false)) {
        std::fprintf(stderr, "marquee serve: wrote policy snapshot %s again after failed writes\n", path.c_str());
      }
    };
  }
  Result<serve::ServingStack> stack = serve::OpenServingStack(options);
  if (!stack.ok()) return ReportError("serve", stack.status());
  if (stack->artwork != nullptr && !options.artwork.snapshot_path.empty()) {
    serve::ArtworkStats stats = stack->artwork->Stats();
    if (stats.restored) {
      std::fprintf(stderr, "marquee serve: resumed the artwork policy from snapshot %s (%s, %llu updates)\n",
                   options.artwork.snapshot_path.c_str(), stats.policy.c_str(),
                   static_cast<unsigned long long>(stats.updates));
    } else if (!stats.snapshot_refused.empty()) {
      std::fprintf(stderr,
                   "marquee serve: refused policy snapshot %s: %s; serving --artwork-policy %s instead (the file "
                   "is left as it is until this policy has learned)\n",
                   options.artwork.snapshot_path.c_str(), stats.snapshot_refused.c_str(),
                   options.artwork_policy.c_str());
    }
  }

  if (stack->consent != nullptr) {
    const serve::ConsentGateStats gate = stack->consent->Stats();
    if (!gate.enabled) {
      std::fprintf(stderr,
                   "marquee serve: WARNING: --consent-gate off: artwork is shown without checking performers' "
                   "consent (for measuring the gate's cost only)\n");
    } else {
      std::fprintf(stderr, "marquee serve: consent gate: %llu consents, %llu revocations, %llu takedowns (%s)\n",
                   static_cast<unsigned long long>(gate.consents), static_cast<unsigned long long>(gate.revocations),
                   static_cast<unsigned long long>(gate.takedowns),
                   gate.consent_log.empty() ? "no consent log: every recognizable likeness is refused"
                                            : gate.consent_log.c_str());
    }
  }
  serve::Server server(server_options, *stack->models, *stack->events, *stack->recommendations,
                       stack->artwork.get(), stack->ingest, stack->consent.get(), stack->homepage.get(),
                       stack->experiments.get());
  Status started = server.Start();
  if (!started.ok()) return ReportError("serve", started);
  std::printf("serving model %s (%s retrieval); listening on %s\n", stack->models->Current()->version().c_str(),
              std::string(serve::RetrievalModeName(stack->models->retrieval().mode)).c_str(),
              server.address().c_str());
  {
    std::shared_ptr<const page::PageConfig> page_config = stack->homepage->config();
    std::string kinds;
    for (const page::RowSpec& spec : page_config->rows) {
      kinds += (kinds.empty() ? "" : ", ") + std::string(page::RowKindName(spec.kind));
    }
    std::printf("homepage: page configuration %s (%s)\n", page_config->source.c_str(), kinds.c_str());
  }
  {
    // What the experiments in the store will do to answers; one whose cells no
    // longer load is served to nobody, and says why.
    Result<std::vector<serve::ExperimentService::Listed>> listed = stack->experiments->List();
    if (!listed.ok()) return ReportError("serve", listed.status());
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    std::string serving;
    for (const serve::ExperimentService::Listed& e : *listed) {
      if (e.placed.Ends() <= now) continue;
      if (!e.error.empty()) {
        std::printf("experiment %s is not served: %s\n", e.placed.spec.name.c_str(), e.error.c_str());
        continue;
      }
      serving += (serving.empty() ? "" : ", ") + e.placed.spec.name + (e.placed.RunningAt(now) ? "" : " (scheduled)");
    }
    std::printf("experiments: %s\n", serving.empty() ? "none" : serving.c_str());
  }
  std::printf("durability: impressions %s, posted events %s\n",
              std::string(DurabilityName(stack->ingest.impressions)).c_str(),
              std::string(DurabilityName(stack->ingest.posted_events)).c_str());
  std::fflush(stdout);

  int signal = WaitForStopSignal();
  std::fprintf(stderr, "marquee serve: stopping (signal %d); finishing requests in flight\n", signal);
  server.Stop();
  if (stack->artwork != nullptr) {
    const uint64_t written_before = stack->artwork->Stats().snapshots_written;
    stopping->store(true);
    Status snapshot = stack->artwork->StopSnapshots();
    if (!snapshot.ok()) return ReportError("serve", snapshot.WithContext("writing the policy snapshot"));
    const serve::ArtworkStats stats = stack->artwork->Stats();
    if (!stats.snapshot_path.empty()) {
      // Say where what was learned went, or that nothing needed writing
      // (a snapshot is written only when the policy learned since the last).
      if (stats.snapshots_written > written_before) {
        std::fprintf(stderr, "marquee serve: wrote policy snapshot %s (%llu updates)\n", stats.snapshot_path.c_str(),
                     static_cast<unsigned long long>(stats.updates));
      } else {
        std::fprintf(stderr, "marquee serve: policy snapshot %s not rewritten: nothing learned since %s\n",
                     stats.snapshot_path.c_str(), stats.snapshots_written > 0 ? "the last one" : "start");
      }
    }
  }
  return 0;
}
}  // namespace

Command AddServeCommand(CLI::App& root) {
  auto* app = root.add_subcommand("serve", "Serve recommendations and ingest events over HTTP/JSON");
  auto args = std::make_shared<ServeArgs>();
  app->add_option("--data", args->stack.data, "the dataset the model was trained on")->required();
  app->add_option("--model", args->stack.model_dir, "model directory (from marquee train)")->required();
  app->add_option("--events", args->stack.events_path, "event store (SQLite file; created when missing)")
      ->required();
  app->add_option("--host", args->server.host, "address to listen on")->capture_default_str();
  app->add_option("--port", args->server.port, "port (0: any free port, printed)")
      ->check(WholeNumber(0, 65535))
      ->capture_default_str();
  auto* http_threads = app->add_option("--http-threads", args->server.threads,
                                       "HTTP worker threads: requests computed at once (connections, idle or not, hold none)")
                           ->check(WholeNumber(1, 1024))
                           ->capture_default_str();
  // Before --http-threads existed, serve's --threads set the HTTP workers
  // (shadowing the global --threads, the compute threads of every other
  // subcommand). Scripts still pass it; it keeps that meaning, with a note.
  app->add_option_function<int>(
         "--threads",
         [args](int threads) {
           args->server.threads = threads;
           args->deprecated_threads = true;
         },
         "deprecated: use --http-threads (compute threads: marquee --threads N serve ...)")
      ->check(WholeNumber(1, 1024))
      ->excludes(http_threads);  // two names for one setting: say which, never pick silently
  app->add_option("--admin-token", args->server.admin_token,
                  "require Authorization: Bearer TOKEN on admin routes (model reload)")
      ->envname("MARQUEE_ADMIN_TOKEN");
  app->add_option("--max-body-bytes", args->server.max_body_bytes, "largest request body accepted (413 beyond)")
      ->check(WholeNumber(1))
      ->capture_default_str();
  // Positive values only: a zero limit or timeout would refuse every client
  // or none, never what was meant.
  app->add_option("--max-connections", args->server.max_connections,
                  "open connections served; beyond it a request gets 503 overloaded (Retry-After: 1)")
      ->check(WholeNumber(1, 1000000))
      ->capture_default_str();
  app->add_option("--header-timeout", args->server.header_timeout_seconds,
                  "seconds a connection may stay silent before its request headers are complete")
      ->check(WholeNumber(1, 3600))
      ->capture_default_str();
  app->add_option("--body-timeout", args->server.body_timeout_seconds,
                  "seconds a connection may stay silent while sending a request body")
      ->check(WholeNumber(1, 3600))
      ->capture_default_str();
  app->add_option("--keep-alive-seconds", args->server.keep_alive_seconds,
                  "seconds an idle connection is kept open between requests")
      ->check(WholeNumber(1, 3600))
      ->capture_default_str();
  app->add_option("--retrieval", args->retrieval,
                  "exact: score every title; hnsw: approximate top-k from an HNSW index over the "
                  "iALS title factors (built at load; filtered requests are scored exactly)")
      ->check(CLI::IsMember({"exact", "hnsw"}))
      ->capture_default_str();
  app->add_option("--hnsw-ef", args->stack.retrieval.ef_search,
                  "hnsw: candidates kept per query (higher: better recall, slower)")
      ->check(WholeNumber(1, 100000))
      ->capture_default_str();
  app->add_option("--artwork-policy", args->stack.artwork_policy,
                  "artwork policy: a kind with optional parameters (uniform, epsilon-greedy, linucb, "
                  "thompson; e.g. linucb:alpha=0.5), a policy file from marquee train-policy named as F.mqp or "
                  "file:PATH, or none")
      ->capture_default_str();
  app->add_option("--reward-window", args->stack.artwork.reward.reward_window_seconds,
                  "seconds after an impression in which a play of the title rewards its artwork")
      ->check(WholeNumber(0, kMaxRewardWindowSeconds))
      ->capture_default_str();
  app->add_flag("--watch-fraction", args->stack.artwork.reward.weight_by_watch_fraction,
                "artwork reward = the fraction watched instead of 1 (as train-policy and ope --watch-fraction)");
  app->add_option("--artwork-seed", args->stack.artwork.seed, "seed of the artwork choices (with the impression id)")
      ->capture_default_str();
  app->add_option("--hnsw-reload-threads", args->stack.retrieval.reload_build_threads,
                  "hnsw: threads that rebuild the index on a model reload (serving continues on the rest)")
      ->check(WholeNumber(1, 1024))
      ->capture_default_str();
  auto* policy_snapshot = app->add_option("--policy-snapshot", args->stack.artwork.snapshot_path,
                  "policy file the online artwork policy is saved to (periodically and on SIGTERM/SIGINT) "
                  "and resumed from at start, when it exists and matches the catalog");
  app->add_option("--policy-snapshot-every", args->snapshot_every,
                  "interval between snapshots: N, Ns, Nm or Nh (0: only on stop)")
      ->check(CLI::Validator(
          [](std::string& text) {
            return ParseInterval(text) ? std::string() : "expected N, Ns, Nm or Nh (e.g. 30s, 5m, 1h), found " + text;
          },
          "DURATION"))
      ->capture_default_str()
      // An interval with nowhere to write would be ignored: say so.
      ->needs(policy_snapshot);
  app->add_option("--hnsw-m", args->stack.retrieval.m, "hnsw: graph degree M")
      ->check(WholeNumber(2, 256))
      ->capture_default_str();
  app->add_option("--page-config", args->stack.homepage.config_path,
                  "the homepage's page configuration (YAML, docs/homepage.md; default: built-in); "
                  "reloaded by POST /v1/page-config/reload");
  app->add_option("--consents", args->stack.consent.consent_log,
                  "consent log (JSON lines, marquee consent import); created when missing. The gate shows a "
                  "variant depicting a recognizable performer only under a consent covering it; without a log "
                  "none is shown and the consent admin routes answer 503");
  app->add_option("--territory", args->server.default_territory,
                  "territory of requests that name none (?territory=), ISO 3166: US, GB, US-NY")
      ->check(CLI::Validator(
          [](std::string& text) {
            return IsTerritoryCode(text) ? std::string() : "expected an ISO 3166 code such as US, found " + text;
          },
          "CC"))
      ->capture_default_str();
  app->add_option_function<std::string>(
         "--consent-gate",
         [args](const std::string& value) { args->stack.consent.enabled = value == "on"; },
         "on: artwork is gated by consent (default); off: not checked, only to measure the gate's cost")
      ->check(CLI::IsMember({"on", "off"}));
  app->add_option("--bonus-rules", args->bonus_rules,
                  "streaming-bonus rules file(s) (rules/*.json) for statements and exposure; without: bonus "
                  "eligibility is not evaluated");
  app->add_option("--bonus-agreement", args->server.bonus_agreement,
                  "the agreement whose bonus rule exposure evaluates (needed when the rules define several, as "
                  "rules/sag_aftra_2023_streaming_bonus.json does)");
  app->add_option("--domestic", args->server.domestic_territory,
                  "the domestic territory of the bonus metric (ISO 3166-1 alpha-2)")
      ->capture_default_str();
  app->add_option("--domestic-subscribers", args->server.domestic_subscribers,
                  "domestic subscribers of the bonus metric (0: the rules' own)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app->add_option("--sessions-per-change", args->stack.artwork.held.sessions_per_change,
                  "a member's artwork for a title changes at most once per this many of their sessions (1: any "
                  "time)")
      ->check(WholeNumber(1, 1000))
      ->capture_default_str();
  app->add_option("--session-gap", args->stack.artwork.held.session_gap_seconds,
                  "seconds of inactivity that end a member's session")
      ->check(WholeNumber(1, 86400 * 30))
      ->capture_default_str();
  app->add_flag("--allow-misrepresenting-artwork", args->stack.consent.allow_misrepresenting_artwork,
                "also show variants picturing only supporting or background performers of a title whose leads "
                "they leave out (excluded by default)");
  AddDurabilityOption(*app, "--impression-durability", &args->stack.ingest.impressions,
                      "impressions logged with artwork are acknowledged once written (process: survive a "
                      "server crash or kill -9, not a power cut) or once fsynced (fsync: survive power loss, "
                      "at the cost of a disk flush per answer)");
  AddDurabilityOption(*app, "--event-durability", &args->stack.ingest.posted_events,
                      "events POSTed to /v1/events are acknowledged once fsynced (fsync) or once written "
                      "(process: survive a server crash, not a power cut)");
  return {app, [args]() { return RunServe(*args); }};
}

}  // namespace marquee::cli
