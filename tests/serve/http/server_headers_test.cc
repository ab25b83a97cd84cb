// Request headers the API does not use cannot change or amplify an answer
// (issue 10): the server, not httplib, decides what it honours.
#include <string>

#include "../serve_test_fixture.h"

namespace marquee::test {
namespace {

// `bytes=0-,0-,...`, about 6 KB: httplib 0.11.4 answered /openapi.json with
// a 45 MB multipart body, the document 2,010 times.
std::string AbusiveRange() {
  std::string range = "bytes=0-";
  while (range.size() < 6000) range += ",0-";
  return range;
}

class ServerHeadersTest : public ServeFixture {
 protected:
  void SetUp() override {
    ServeFixture::SetUp();
    StartServer();
  }

  httplib::Result RawGet(const std::string& path, const httplib::Headers& headers = {}) {
    auto client = Client();
    client->set_decompress(false);  // see the bytes as sent
    return client->Get(path.c_str(), headers);
  }

  // The answer with `headers` is the answer without them, byte for byte.
  void ExpectSameAnswer(const std::string& path, const httplib::Headers& headers) {
    httplib::Result plain = RawGet(path);
    httplib::Result with = RawGet(path, headers);
    ASSERT_TRUE(plain) << path;
    ASSERT_TRUE(with) << path;
    EXPECT_EQ(plain->status, 200) << path;
    EXPECT_EQ(with->status, 200) << path;
    EXPECT_EQ(with->body.size(), plain->body.size()) << path;
    EXPECT_EQ(with->body, plain->body) << path;
    EXPECT_FALSE(with->has_header("Content-Range")) << path;
    EXPECT_FALSE(with->has_header("Content-Encoding")) << path;
    EXPECT_EQ(with->get_header_value("Content-Type"), plain->get_header_value("Content-Type")) << path;
  }

  static std::string Member() { return std::string(dataset().members.ExternalId(3)); }
};

TEST_F(ServerHeadersTest, RangeIsIgnoredOnEveryRoute) {
  const httplib::Headers range = {{"Range", AbusiveRange()}};
  ASSERT_GT(range.begin()->second.size(), 5900u);
  ExpectSameAnswer("/openapi.json", range);
  ExpectSameAnswer("/v1/members/" + Member() + "/recommendations?k=5&artwork=false", range);
  ExpectSameAnswer("/healthz", range);
  // One plain range is no different.
  ExpectSameAnswer("/openapi.json", {{"Range", "bytes=0-9"}});
  // And on a POST route.
  const std::string title(dataset().titles.ExternalId(0));
  const std::string body = R"({"history": [")" + title + R"("], "k": 3})";
  auto client = Client();
  client->set_decompress(false);
  httplib::Result plain = client->Post("/v1/recommendations", body, "application/json");
  httplib::Result with = client->Post("/v1/recommendations", {{"Range", AbusiveRange()}}, body, "application/json");
  ASSERT_TRUE(plain);
  ASSERT_TRUE(with);
  EXPECT_EQ(with->status, 200);
  EXPECT_EQ(with->body, plain->body);
}

TEST_F(ServerHeadersTest, UnparsableRangeIsAJsonErrorNamingTheHeader) {
  httplib::Result reply = RawGet("/openapi.json", {{"Range", "pages=1-2"}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 416);
  nlohmann::json body = nlohmann::json::parse(reply->body, nullptr, false);
  EXPECT_EQ(ErrorField(body), "Range");
  EXPECT_EQ(body["error"]["code"], "range_not_supported");
}

TEST_F(ServerHeadersTest, AcceptEncodingIsIgnored) {
  ExpectSameAnswer("/openapi.json", {{"Accept-Encoding", "gzip, deflate, br"}});
  ExpectSameAnswer("/v1/members/" + Member() + "/recommendations?k=5&artwork=false", {{"Accept-Encoding", "gzip"}});
}

TEST_F(ServerHeadersTest, EncodedRequestBodiesAreRefused) {
  nlohmann::json reply = Post("/v1/events", "not really gzip", 415, {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(ErrorField(reply), "Content-Encoding");
  EXPECT_EQ(reply["error"]["code"], "unsupported_encoding");
  // identity is no encoding.
  const std::string title(dataset().titles.ExternalId(0));
  nlohmann::json ok = Post("/v1/recommendations", R"({"history": [")" + title + R"("], "k": 2})", 200,
                           {{"Content-Encoding", "identity"}});
  EXPECT_EQ(ok["recommendations"].size(), 2u);
}

TEST_F(ServerHeadersTest, ExpectContinueIsHonoured) {
  const std::string title(dataset().titles.ExternalId(0));
  nlohmann::json ok = Post("/v1/recommendations", R"({"history": [")" + title + R"("], "k": 2})", 200,
                           {{"Expect", "100-continue"}});
  EXPECT_EQ(ok["recommendations"].size(), 2u);
}

// httplib 0.11.4 reads a chunked body whole, past the body limit: a
// request with Transfer-Encoding is refused before its body is read.
TEST_F(ServerHeadersTest, ChunkedBodiesAreRefused) {
  serve::ServerOptions options;
  options.max_body_bytes = 1000;
  StartServer(options);
  auto chunked = [this](const std::string& body) {
    return Client()->Post(
        "/v1/events",
        [body](size_t offset, httplib::DataSink& sink) {
          if (offset < body.size()) sink.write(body.data() + offset, std::min<size_t>(100, body.size() - offset));
          else sink.done();
          return true;
        },
        "application/json");
  };
  const std::string title(dataset().titles.ExternalId(0));
  const std::string event = R"({"kind": "play", "member": "chunky", "title": ")" + title + R"("})";
  // Refused before the body is read, so a client still sending its chunks
  // may see the connection close (the server answers and hangs up) instead
  // of the 411: a race between the client's writes and the server's close
  // that the server cannot win without reading the body it refuses. Either
  // way the body is never accepted: nothing is stored.
  const uint64_t stored_before = events_->Count().value();
  for (const std::string& body : {std::string(5000, ' ') + event, event}) {
    httplib::Result reply = chunked(body);
    if (!reply) continue;  // closed before the answer was read
    EXPECT_EQ(reply->status, 411) << reply->body;
    nlohmann::json refused = nlohmann::json::parse(reply->body, nullptr, false);
    EXPECT_EQ(ErrorField(refused), "Transfer-Encoding");
    EXPECT_EQ(refused["error"]["code"], "length_required");
    EXPECT_EQ(reply->get_header_value("Connection"), "close");
  }
  EXPECT_EQ(events_->Count().value(), stored_before);
  // The same body with a Content-Length: the limit answers.
  Post("/v1/events", std::string(5000, ' ') + event, 413);
  EXPECT_EQ(Post("/v1/events", event)["accepted"], 1);
}

// httplib's own limit on a header line (CPPHTTPLIB_HEADER_MAX_LENGTH, 8 KB).
TEST_F(ServerHeadersTest, OversizedHeaderLineIsRefused) {
  httplib::Result reply = RawGet("/healthz", {{"X-Padding", std::string(10000, 'a')}});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
}

}  // namespace
}  // namespace marquee::test
