// Shared by the serve tests: a small synthetic service, two models trained on
// it (popularity and item-kNN, saved as model directories), an event store,
// and a real server on 127.0.0.1 with a port the OS picks.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "marquee/store/event_store.h"
#include "marquee/synthetic/synthetic.h"
#include "marquee/models/model_file.h"
#include "marquee/models/registry.h"
#include "marquee/serve/model_store.h"
#include "marquee/serve/homepage_service.h"
#include "marquee/serve/serving_stack.h"
#include "marquee/serve/http/server.h"
#include "../test_util.h"

namespace marquee::test {

inline std::shared_ptr<const Dataset> SmallService() {
  SyntheticConfig config;
  config.members = 300;
  config.titles = 120;
  config.plays = 6000;
  config.seed = 7;
  Result<SyntheticService> service = GenerateService(config);
  EXPECT_TRUE(service.ok()) << service.status().ToString();
  return std::make_shared<const Dataset>(std::move(service->dataset));
}

// Trains `name` on the whole dataset and saves it to `dir` as version `version`.
inline void TrainAndSave(const Dataset& dataset, const std::string& name, const std::string& version,
                         const std::string& dir) {
  Result<std::unique_ptr<Recommender>> model = CreateRecommender(name, Parameters{});
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  ASSERT_TRUE((*model)->Fit(dataset.interactions, TrainContext{}).ok());
  ModelInfo info;
  info.model = name;
  info.parameters = (*model)->parameters();
  info.data_fingerprint = TrainingDataFingerprint(dataset, dataset.interactions);
  info.members = dataset.members.size();
  info.titles = dataset.titles.size();
  info.interactions = dataset.interactions.nnz();
  info.dataset_source = dataset.source;
  info.trained_at = 1767225600;
  info.version = version;
  Status saved = SaveModel(**model, info, dataset.members, dataset.titles, dir);
  ASSERT_TRUE(saved.ok()) << saved.ToString();
}

// The artwork policy a test server starts with ("": none) and its options.
struct ArtworkSetup {
  std::string policy = "thompson";
  uint64_t seed = 1;
  int64_t reward_window_seconds = 3600;
  // With a value: the artwork is chosen behind a consent gate opened with
  // these options (consent_gate_ holds it; the admin routes write to it).
  std::optional<serve::ConsentGateOptions> gate;
};

// The dataset and both model directories are built once for all tests.
class ServeFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    dataset_ = new std::shared_ptr<const Dataset>(SmallService());
    TrainAndSave(**dataset_, "popularity", "popularity-v1", PopularityDir());
    TrainAndSave(**dataset_, "itemknn", "itemknn-v1", KnnDir());
    TrainAndSave(**dataset_, "ials", "ials-v1", IalsDir());
  }
  static void TearDownTestSuite() {
    delete dataset_;
    delete dir_;
  }
  static std::string PopularityDir() { return dir_->File("popularity"); }
  static std::string KnnDir() { return dir_->File("itemknn"); }
  static std::string IalsDir() { return dir_->File("ials"); }
  static const Dataset& dataset() { return **dataset_; }

  void SetUp() override {
    events_dir_ = std::make_unique<TempDir>();
    Result<std::unique_ptr<EventStore>> events = EventStore::Open(events_dir_->File("events.db"));
    ASSERT_TRUE(events.ok()) << events.status().ToString();
    events_ = std::move(*events);
    Result<std::unique_ptr<serve::ModelStore>> models = serve::ModelStore::Open(*dataset_, KnnDir());
    ASSERT_TRUE(models.ok()) << models.status().ToString();
    models_ = std::move(*models);
  }

  void TearDown() override {
    if (server_) server_->Stop();
    server_.reset();
    experiments_.reset();
    homepage_.reset();
    recommendations_.reset();
    artwork_.reset();
    consent_gate_.reset();
  }

  // Replaces the model store (before StartServer).
  void OpenModels(const std::string& dir, const serve::RetrievalOptions& retrieval = {}) {
    Result<std::unique_ptr<serve::ModelStore>> models = serve::ModelStore::Open(*dataset_, dir, retrieval);
    ASSERT_TRUE(models.ok()) << models.status().ToString();
    models_ = std::move(*models);
  }

  // Starts the server on 127.0.0.1, any free port, with an artwork policy
  // (a fresh one of `artwork.policy`; none when that is empty).
  void StartServer(serve::ServerOptions options = {}, ArtworkSetup artwork = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    if (server_) server_->Stop();
    server_.reset();  // before the services it refers to
    experiments_.reset();
    artwork_.reset();
    consent_gate_.reset();
    if (!artwork.policy.empty()) {
      serve::ArtworkServiceOptions service_options = {
          .seed = artwork.seed, .reward = {.reward_window_seconds = artwork.reward_window_seconds}};
      if (artwork.gate) {
        Result<std::unique_ptr<serve::ConsentGate>> gate = serve::ConsentGate::Open(models_->dataset(), *artwork.gate);
        ASSERT_TRUE(gate.ok()) << gate.status().ToString();
        consent_gate_ = std::move(*gate);
        service_options.gate = consent_gate_.get();
      }
      Result<std::unique_ptr<serve::ArtworkService>> service =
          serve::OpenArtworkService(models_->dataset(), artwork.policy, service_options);
      ASSERT_TRUE(service.ok()) << service.status().ToString();
      artwork_ = std::move(*service);
    }
    Result<std::unique_ptr<serve::RecommendationService>> recommendations =
        serve::RecommendationService::Create(*models_, *events_);
    ASSERT_TRUE(recommendations.ok()) << recommendations.status().ToString();
    recommendations_ = std::move(*recommendations);
    // Tests need durability against crashes only: no fsync per request.
    const serve::IngestOptions ingest = {.impressions = Durability::kProcess, .posted_events = Durability::kProcess};
    homepage_.reset();
    if (!page_config_.empty()) {
      Result<std::unique_ptr<serve::HomepageService>> homepage =
          serve::HomepageService::Create(*models_, *recommendations_, {.config_path = page_config_});
      ASSERT_TRUE(homepage.ok()) << homepage.status().ToString();
      homepage_ = std::move(*homepage);
    }
    experiments_.reset();
    if (with_experiments_) {
      serve::ExperimentServiceOptions experiment_options;
      experiment_options.artwork.seed = artwork.seed;
      experiment_options.artwork.gate = consent_gate_.get();
      Result<std::unique_ptr<serve::ExperimentService>> experiments =
          serve::ExperimentService::Create(*models_, *events_, experiment_options);
      ASSERT_TRUE(experiments.ok()) << experiments.status().ToString();
      experiments_ = std::move(*experiments);
    }
    server_ = std::make_unique<serve::Server>(options, *models_, *events_, *recommendations_, artwork_.get(), ingest,
                                              consent_gate_.get(), homepage_.get(), experiments_.get());
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    ASSERT_GT(server_->port(), 0);
  }

  std::unique_ptr<httplib::Client> Client() const {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client->set_read_timeout(10, 0);
    return client;
  }

  // GET `path`, expecting `status`; the body parsed as JSON.
  nlohmann::json Get(const std::string& path, int status = 200) {
    auto result = Client()->Get(path.c_str());
    EXPECT_TRUE(result) << path << ": no response";
    if (!result) return {};
    EXPECT_EQ(result->status, status) << path << ": " << result->body;
    return nlohmann::json::parse(result->body, nullptr, false);
  }

  nlohmann::json Post(const std::string& path, const std::string& body, int status = 200,
                      const httplib::Headers& headers = {}) {
    auto result = Client()->Post(path.c_str(), headers, body, "application/json");
    EXPECT_TRUE(result) << path << ": no response";
    if (!result) return {};
    EXPECT_EQ(result->status, status) << path << " " << body << ": " << result->body;
    return nlohmann::json::parse(result->body, nullptr, false);
  }

  static std::string ErrorField(const nlohmann::json& reply) {
    return reply.value(nlohmann::json::json_pointer("/error/field"), std::string());
  }

  static TempDir* dir_;
  static std::shared_ptr<const Dataset>* dataset_;
  std::unique_ptr<TempDir> events_dir_;
  std::unique_ptr<EventStore> events_;
  std::unique_ptr<serve::ModelStore> models_;
  std::unique_ptr<serve::ConsentGate> consent_gate_;  // before artwork_: destroyed after it
  std::unique_ptr<serve::ArtworkService> artwork_;
  std::unique_ptr<serve::RecommendationService> recommendations_;
  // The page configuration file StartServer opens the homepage with ("":
  // the server's own, built-in configuration).
  std::string page_config_;
  std::unique_ptr<serve::HomepageService> homepage_;
  // StartServer opens an experiment service over the event store when set.
  bool with_experiments_ = false;
  std::unique_ptr<serve::ExperimentService> experiments_;
  std::unique_ptr<serve::Server> server_;
};

inline TempDir* ServeFixture::dir_ = nullptr;
inline std::shared_ptr<const Dataset>* ServeFixture::dataset_ = nullptr;

}  // namespace marquee::test
