// OpenServingStack: everything a server answers with -- the dataset, the
// model store, the event store, the artwork service and the recommendation
// service -- opened by one function, so that `marquee serve`, `marquee demo`
// and the tests cannot drift apart in what they open or with which options.
// (How the HTTP server listens is serve/http/server_options.h.)
#pragma once

#include <memory>
#include <string>

#include "marquee/data/dataset.h"
#include "marquee/serve/artwork_service.h"
#include "marquee/serve/consent_gate.h"
#include "marquee/serve/experiment_service.h"
#include "marquee/serve/ingest_options.h"
#include "marquee/serve/homepage_service.h"
#include "marquee/serve/model_store.h"
#include "marquee/serve/recommendation_service.h"
#include "marquee/store/event_store.h"
#include "marquee/util/status.h"

namespace marquee::serve {

struct ServingStackOptions {
  // The dataset the model was trained on: `dataset` when set (a caller that
  // has it in memory already), otherwise loaded from the file `data` (.mqd).
  std::shared_ptr<const Dataset> dataset;
  std::string data;
  std::string model_dir;    // from `marquee train`
  std::string events_path;  // SQLite file; created when missing
  EventStoreOptions event_store;
  // How durable the server's appends to the event store are; the server is
  // given ServingStack::ingest.
  IngestOptions ingest;
  RetrievalOptions retrieval;
  // The artwork policy: a kind with optional parameters ("thompson",
  // "linucb:alpha=0.5"), a policy file from `marquee train-policy` named as
  // one ("F.mqp" or "file:PATH"; never guessed from the file system), or
  // "none" (or empty): no artwork service, the artwork routes answer 503.
  std::string artwork_policy = "thompson";
  // artwork.gate is set by OpenServingStack to the stack's gate.
  ArtworkServiceOptions artwork;
  // The consent gate in front of the artwork policy (opened with the artwork
  // service; a server without artwork has none).
  ConsentGateOptions consent;
  // The homepage: its page configuration file ("" = built-in) and neighbours.
  HomepageOptions homepage;
};

// Members are declared in the order they are opened, so they are destroyed
// in reverse: the services before the stores they refer to.
struct ServingStack {
  std::shared_ptr<const Dataset> dataset;
  std::unique_ptr<ModelStore> models;
  std::unique_ptr<EventStore> events;
  std::unique_ptr<ConsentGate> consent;     // null without a policy
  std::unique_ptr<ArtworkService> artwork;  // null without a policy
  std::unique_ptr<RecommendationService> recommendations;
  std::unique_ptr<HomepageService> homepage;
  // The experiments stored in the event store, with their cells' variants.
  std::unique_ptr<ExperimentService> experiments;
  IngestOptions ingest;  // ServingStackOptions::ingest, for the Server
};

// Errors are the first step's that failed (loading the dataset, loading or
// checking the model, building the index, opening or scanning the event
// store, replaying its title log, resolving the policy), each naming its
// file or spec. Nothing is left open on error.
Result<ServingStack> OpenServingStack(const ServingStackOptions& options);

// Adds the titles of `events`' title log (titles added while serving,
// issue 15 §2) to `models`, as they were added, so that a restarted server
// serves every title it acknowledged. Corruption naming the title when a
// definition cannot be read; the store's error (e.g. Unsupported: the model
// has no factors) naming `events_path` otherwise.
Status ReplayTitleLog(const EventStore& events, const std::string& events_path, ModelStore& models);

// The artwork service alone, its policy resolved from `policy` as
// ServingStackOptions::artwork_policy says (not "none"). Errors name the spec
// or the file. With options.snapshot_path naming an existing file, the policy
// is loaded from it instead; a snapshot that cannot be used (damaged, another
// catalog's) is no error: the service keeps `policy` and reports the refusal
// (ArtworkStats::snapshot_refused), and `marquee serve` prints it.
Result<std::unique_ptr<ArtworkService>> OpenArtworkService(const Dataset& dataset, const std::string& policy,
                                                           const ArtworkServiceOptions& options);

}  // namespace marquee::serve
