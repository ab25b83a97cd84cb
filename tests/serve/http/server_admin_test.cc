// The event, model, health, metrics and OpenAPI routes of a real server on
// loopback, the admin token, the body limit, and hot swapping models while
// clients keep asking.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "../serve_test_fixture.h"

namespace marquee::test {
namespace {

using nlohmann::json;

class ServerAdminTest : public ServeFixture {
 protected:
  static std::string Member() { return std::string(dataset().members.ExternalId(0)); }
  static std::string TitleId(uint32_t t) { return std::string(dataset().titles.ExternalId(t)); }
};

TEST_F(ServerAdminTest, EventsAreAcceptedOnceStored) {
  StartServer();
  json one = {{"kind", "play"}, {"member", Member()}, {"title", TitleId(1)}, {"watch_fraction", 0.5}};
  EXPECT_EQ(Post("/v1/events", one.dump())["accepted"], 1);
  json batch = {{"events",
                 {{{"kind", "rating"}, {"member", Member()}, {"title", TitleId(2)}, {"rating", 4.5}, {"time", 1700000000}},
                  {{"kind", "impression"}, {"member", Member()}, {"title", TitleId(3)}, {"artwork", "a1"},
                   {"propensity", 0.25}, {"impression_id", "imp-1"}},
                  {{"kind", "click"}, {"member", Member()}, {"title", TitleId(3)}, {"impression_id", "imp-1"}}}}};
  EXPECT_EQ(Post("/v1/events", batch.dump())["accepted"], 3);
  EXPECT_EQ(events_->Count().value(), 4u);
  Result<std::vector<Event>> stored = events_->MemberEvents(Member());
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 4u);
  EXPECT_EQ((*stored)[1].time, 1700000000);
  EXPECT_EQ((*stored)[2].propensity, 0.25);
}

TEST_F(ServerAdminTest, BadEventsNameTheEventAndField) {
  StartServer();
  auto field = [&](const json& body) { return ErrorField(Post("/v1/events", body.dump(), 400)); };
  json good = {{"kind", "play"}, {"member", "m"}, {"title", "t"}};
  json unknown_kind = good;
  unknown_kind["kind"] = "purchase";
  EXPECT_EQ(field(unknown_kind), "kind");
  EXPECT_EQ(field({{"events", {good, unknown_kind}}}), "events[1].kind");
  json extra = good;
  extra["colour"] = "red";
  EXPECT_EQ(field({{"events", {good, extra}}}), "events[1].colour");
  json fraction = good;
  fraction["watch_fraction"] = 2;
  EXPECT_EQ(field(fraction), "watch_fraction");
  json no_member = good;
  no_member.erase("member");
  EXPECT_EQ(field(no_member), "member");
  json bad_time = good;
  bad_time["time"] = "yesterday";
  EXPECT_EQ(field(bad_time), "time");
  bad_time["time"] = 18446744073709551615ull;  // found by the fuzzer: used to wrap to -1
  EXPECT_EQ(field(bad_time), "time");
  bad_time["time"] = -5;
  EXPECT_EQ(field(bad_time), "time");
  json tiny = good;
  tiny["watch_fraction"] = 1e-50;  // positive as a double, zero as the stored float
  EXPECT_EQ(field(tiny), "watch_fraction");
  EXPECT_EQ(field({{"kind", "rating"}, {"member", "m"}, {"title", "t"}}), "rating");
  EXPECT_EQ(field({{"events", json::array()}}), "events");
  EXPECT_EQ(Post("/v1/events", "[", 400)["error"]["code"], "malformed_json");
  // Exposures and experiment tags are the server's own (issue 14).
  json exposure = {{"kind", "exposure"}, {"member", "m"}, {"experiment", {{"name", "x"}, {"cell", "b"}}}};
  EXPECT_EQ(field(exposure), "kind");
  EXPECT_EQ(field({{"events", {good, exposure}}}), "events[1].kind");
  json tagged = {{"kind", "impression"}, {"member", "m"}, {"title", "t"}, {"experiment", {{"name", "x"}, {"team", "a"}}}};
  EXPECT_EQ(field(tagged), "experiment");
  // Refused as the server's own before the codec reads them, so the message
  // never suggests a form that would be refused next: a bare exposure, or a
  // tag given as a string.
  EXPECT_EQ(field({{"kind", "exposure"}, {"member", "m"}}), "kind");
  EXPECT_EQ(field({{"kind", "play"}, {"member", "m"}, {"title", "t"}, {"experiment", "x"}}), "experiment");
  EXPECT_EQ(events_->Count().value(), 0u);  // all or nothing
}

TEST_F(ServerAdminTest, ModelsDescribesTheServedModel) {
  StartServer();
  json model = Get("/v1/models");
  EXPECT_EQ(model["name"], "itemknn");
  EXPECT_EQ(model["version"], "itemknn-v1");
  EXPECT_EQ(model["titles"], dataset().titles.size());
  EXPECT_EQ(model["members"], dataset().members.size());
  EXPECT_TRUE(model["parameters"].is_object());
  EXPECT_GT(model["loaded_at"].get<int64_t>(), 0);
  EXPECT_EQ(model["trained_at"], 1767225600);
}

TEST_F(ServerAdminTest, ReloadNeedsTheAdminTokenWhenSet) {
  serve::ServerOptions options;
  options.admin_token = "s3cret";
  StartServer(options);
  const std::string body = json({{"model", PopularityDir()}}).dump();
  EXPECT_EQ(ErrorField(Post("/v1/models/reload", body, 401)), "Authorization");
  EXPECT_EQ(Post("/v1/models/reload", body, 401, {{"Authorization", "Bearer wrong"}})["error"]["code"],
            "unauthorized");
  EXPECT_EQ(Get("/v1/models")["version"], "itemknn-v1");
  json reloaded = Post("/v1/models/reload", body, 200, {{"Authorization", "Bearer s3cret"}});
  EXPECT_EQ(reloaded["version"], "popularity-v1");
  EXPECT_EQ(Get("/v1/models")["version"], "popularity-v1");
}

TEST_F(ServerAdminTest, ReloadWithoutBodyReloadsTheSameDirectory) {
  StartServer();
  EXPECT_EQ(Post("/v1/models/reload", "")["version"], "itemknn-v1");
  EXPECT_EQ(ErrorField(Post("/v1/models/reload", R"({"model": 3})", 400)), "model");
  EXPECT_EQ(ErrorField(Post("/v1/models/reload", R"({"dir": "x"})", 400)), "dir");
}

TEST_F(ServerAdminTest, CorruptOrMissingModelIsRefusedAndTheOldOneServes) {
  StartServer();
  const std::string corrupt = events_dir_->File("corrupt");
  std::filesystem::copy(KnnDir(), corrupt, std::filesystem::copy_options::recursive);
  {
    std::fstream file(corrupt + "/model.mqm", std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(corrupt + "/model.mqm") / 2));
    file.put('\x5a').put('\xa5').put('\x5a');
  }
  json refused = Post("/v1/models/reload", json({{"model", corrupt}}).dump(), 422);
  EXPECT_EQ(ErrorField(refused), "model");
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("previous model keeps serving"), std::string::npos);
  auto missing = Client()->Post("/v1/models/reload", json({{"model", events_dir_->File("nowhere")}}).dump(),
                                 "application/json");
  ASSERT_TRUE(missing);
  EXPECT_GE(missing->status, 400);
  EXPECT_EQ(ErrorField(json::parse(missing->body)), "model");
  EXPECT_EQ(Get("/v1/models")["version"], "itemknn-v1");
  EXPECT_EQ(Get("/v1/members/" + Member() + "/recommendations?k=3")["model_version"], "itemknn-v1");
}

TEST_F(ServerAdminTest, HotSwapUnderConcurrentRequestsLosesNothing) {
  serve::ServerOptions options;
  options.threads = 8;
  StartServer(options);
  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, answered{0};
  std::atomic<int> saw_popularity{0}, saw_knn{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", server_->port());
      client.set_read_timeout(10, 0);
      for (uint32_t i = 0; !done; ++i) {
        const std::string member(dataset().members.ExternalId((c * 97 + i) % dataset().members.size()));
        auto result = client.Get(("/v1/members/" + member + "/recommendations?k=10").c_str());
        if (!result || result->status != 200) {
          ADD_FAILURE() << "request failed: " << (result ? std::to_string(result->status) + " " + result->body
                                                         : httplib::to_string(result.error()));
          ++failures;
          continue;
        }
        json body = json::parse(result->body, nullptr, false);
        // Heavy members may have fewer than 10 unwatched titles left.
        if (body.is_discarded() || !body["recommendations"].is_array() || body["recommendations"].size() > 10) {
          ADD_FAILURE() << "malformed answer: " << result->body.substr(0, 200);
          ++failures;
        }
        if (body["model_version"] == "popularity-v1") ++saw_popularity;
        if (body["model_version"] == "itemknn-v1") ++saw_knn;
        ++answered;
      }
    });
  }
  std::vector<std::string> versions;
  for (int swap = 0; swap < 6; ++swap) {
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    const std::string dir = swap % 2 == 0 ? PopularityDir() : KnnDir();
    versions.push_back(Post("/v1/models/reload", json({{"model", dir}}).dump())["version"]);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  done = true;
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(answered.load(), 20);
  EXPECT_GT(saw_popularity.load(), 0);
  EXPECT_GT(saw_knn.load(), 0);
  EXPECT_EQ(versions, (std::vector<std::string>{"popularity-v1", "itemknn-v1", "popularity-v1",
                                                "itemknn-v1", "popularity-v1", "itemknn-v1"}));
}

TEST_F(ServerAdminTest, BodiesOverTheLimitGet413) {
  serve::ServerOptions options;
  options.max_body_bytes = 1000;
  StartServer(options);
  std::string big = R"({"history": [)" + std::string(2000, ' ') + "]}";
  json reply = Post("/v1/recommendations", big, 413);
  EXPECT_EQ(reply["error"]["code"], "payload_too_large");
}

TEST_F(ServerAdminTest, UnknownRoutesGet404Json) {
  StartServer();
  EXPECT_EQ(Get("/v2/nothing", 404)["error"]["code"], "not_found");
  EXPECT_EQ(Post("/v2/nothing", "{}", 404)["error"]["code"], "not_found");
}

// A known path asked with a method it lacks is 405 with an Allow header
// listing its methods (it was 404 "no route", which read as a wrong path).
TEST_F(ServerAdminTest, KnownPathsWithAnotherMethodGet405WithAllow) {
  StartServer();
  auto client = Client();
  struct Case {
    httplib::Result reply;
    std::string allow;
  };
  std::vector<Case> cases;
  cases.push_back({client->Delete("/v1/events"), "POST"});
  cases.push_back({client->Get("/v1/events"), "POST"});
  cases.push_back({client->Post("/healthz", "{}", "application/json"), "GET, HEAD"});
  cases.push_back({client->Put("/v1/members/" + Member() + "/recommendations", "{}", "application/json"),
                   "GET, HEAD"});
  cases.push_back({client->Get("/v1/models/reload"), "POST"});
  for (Case& c : cases) {
    ASSERT_TRUE(c.reply) << c.allow;
    EXPECT_EQ(c.reply->status, 405) << c.reply->body;
    EXPECT_EQ(c.reply->get_header_value("Allow"), c.allow) << c.reply->body;
    EXPECT_EQ(c.reply->get_header_value("Content-Type"), "application/json");
    json body = json::parse(c.reply->body, nullptr, false);
    EXPECT_EQ(body["error"]["code"], "method_not_allowed") << c.reply->body;
    EXPECT_EQ(ErrorField(body), "method") << c.reply->body;
    EXPECT_NE(body["error"]["message"].get<std::string>().find(c.allow), std::string::npos) << c.reply->body;
  }
  // Unknown paths stay 404, whatever the method.
  auto unknown = client->Delete("/v1/nothing");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_FALSE(unknown->has_header("Allow"));
}

TEST_F(ServerAdminTest, HealthMetricsAndOpenApi) {
  StartServer();
  EXPECT_EQ(Get("/healthz")["status"], "ok");
  Get("/v1/members/" + Member() + "/recommendations?k=3&artwork=false");
  Get("/v1/members/" + Member() + "/recommendations?k=0", 400);
  Post("/v1/events", json({{"kind", "play"}, {"member", "m"}, {"title", TitleId(0)}}).dump());
  auto metrics = Client()->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  const std::string& text = metrics->body;
  EXPECT_NE(text.find(R"(marquee_http_requests_total{route="GET /v1/members/{id}/recommendations",status="200"} 1)"),
            std::string::npos) << text;
  EXPECT_NE(text.find(R"(marquee_http_requests_total{route="GET /v1/members/{id}/recommendations",status="400"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(marquee_http_request_duration_seconds_bucket{route="GET /healthz",le="+Inf"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(marquee_model_info{model="itemknn",version="itemknn-v1"} 1)"), std::string::npos);
  EXPECT_NE(text.find("marquee_events_ingested_total 1"), std::string::npos);

  json openapi = Get("/openapi.json");
  EXPECT_EQ(openapi["openapi"].get<std::string>().substr(0, 2), "3.");
  for (const char* path : {"/v1/members/{id}/recommendations", "/v1/recommendations", "/v1/titles/{id}/similar",
                           "/v1/events", "/v1/models", "/v1/models/reload", "/v1/experiments", "/v1/experiments/{id}/stop", "/healthz", "/metrics", "/openapi.json",
                           "/v1/members/{id}/artwork", "/v1/artwork/policy", "/v1/performers", "/v1/consents",
                           "/v1/consents/{id}/revoke", "/v1/takedowns", "/v1/takedowns/{id}/restore",
                           "/v1/consents/gate", "/v1/performers/{id}/statement", "/v1/titles/{id}/exposure"}) {
    EXPECT_TRUE(openapi["paths"].contains(path)) << path;
  }
}

TEST_F(ServerAdminTest, StopIsGracefulAndIdempotent) {
  StartServer();
  EXPECT_EQ(Get("/healthz")["status"], "ok");
  server_->Stop();
  server_->Stop();
  httplib::Client client("127.0.0.1", server_->port());
  client.set_connection_timeout(1, 0);
  EXPECT_FALSE(client.Get("/healthz"));
}

}  // namespace
}  // namespace marquee::test
