// Clients that hold connections without sending requests cannot starve the
// server: idle keep-alive connections and slow senders hold no worker, a
// silent connection is closed after the timeout of its phase, and
// connections past --max-connections are answered 503 `overloaded`.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <string>
#include <thread>
#include <vector>

#include "../serve_test_fixture.h"

namespace marquee::test {
namespace {

using Clock = std::chrono::steady_clock;

// A raw TCP connection to the test server, closed when destroyed.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool ok() const { return fd_ >= 0; }

  bool Send(const std::string& bytes) {
    return send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }

  // Reads one answer (headers and a Content-Length body); "" when the
  // connection closes or `timeout` passes first.
  std::string ReadAnswer(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = Clock::now() + timeout;
    std::string data;
    while (true) {
      size_t end = data.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t length = 0;
        size_t at = data.find("Content-Length: ");
        if (at != std::string::npos && at < end) length = std::stoul(data.substr(at + 16));
        if (data.size() >= end + 4 + length) return data.substr(0, end + 4 + length);
      }
      char buffer[4096];
      ssize_t n = ReadSome(buffer, sizeof buffer, deadline);
      if (n <= 0) return {};
      data.append(buffer, static_cast<size_t>(n));
    }
  }

  // True when the server closes the connection (read returns 0 or an
  // error) before `timeout`; anything it sends first is skipped.
  bool ClosedWithin(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    char buffer[4096];
    while (Clock::now() < deadline) {
      ssize_t n = ReadSome(buffer, sizeof buffer, deadline);
      if (n == 0 || (n < 0 && errno != ETIMEDOUT)) return true;
    }
    return false;
  }

 private:
  // recv with a deadline: >0 bytes read, 0 closed, -1 error (errno
  // ETIMEDOUT when the deadline passed).
  ssize_t ReadSome(char* buffer, size_t size, Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      errno = ETIMEDOUT;
      return -1;
    }
    pollfd p{fd_, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left));
    if (ready == 0) {
      errno = ETIMEDOUT;
      return -1;
    }
    if (ready < 0) return -1;
    return recv(fd_, buffer, size, 0);
  }

  int fd_ = -1;
};

const std::string kHealthRequest = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

class ServerSlowClientTest : public ServeFixture {
 protected:
  void SetUp() override {
    ServeFixture::SetUp();
    // Connections the server closes may still be written to (a keep-alive
    // client reusing one); cpp-httplib's client sends without MSG_NOSIGNAL.
    std::signal(SIGPIPE, SIG_IGN);
  }

  // A client with a generous timeout: the tests assert answers, not speed.
  std::unique_ptr<httplib::Client> PatientClient() const {
    auto client = Client();
    client->set_connection_timeout(5, 0);
    client->set_read_timeout(5, 0);
    return client;
  }

  static std::string Member() { return std::string(dataset().members.ExternalId(3)); }
};

TEST_F(ServerSlowClientTest, IdleAndSlowConnectionsDoNotStarveOtherClients) {
  serve::ServerOptions options;
  options.threads = 2;  // under cpp-httplib, two idle connections took both
  options.keep_alive_seconds = 60;
  options.header_timeout_seconds = 60;
  StartServer(options);
  std::vector<std::unique_ptr<RawConnection>> held;
  // 50 that send part of a request and go silent.
  for (int i = 0; i < 50; ++i) {
    auto connection = std::make_unique<RawConnection>(server_->port());
    ASSERT_TRUE(connection->ok());
    ASSERT_TRUE(connection->Send(i % 2 == 0 ? "GET /healthz HT" : "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slo"));
    held.push_back(std::move(connection));
  }
  // 50 that complete one request and keep the connection, idle.
  for (int i = 0; i < 50; ++i) {
    auto connection = std::make_unique<RawConnection>(server_->port());
    ASSERT_TRUE(connection->ok());
    ASSERT_TRUE(connection->Send(kHealthRequest));
    std::string answer = connection->ReadAnswer();
    ASSERT_EQ(answer.substr(0, 12), "HTTP/1.1 200") << answer;
    held.push_back(std::move(connection));
  }
  auto client = PatientClient();
  httplib::Result health = client->Get("/healthz");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
  httplib::Result list = client->Get(("/v1/members/" + Member() + "/recommendations?k=5").c_str());
  ASSERT_TRUE(list) << httplib::to_string(list.error());
  EXPECT_EQ(list->status, 200) << list->body;
  EXPECT_EQ(nlohmann::json::parse(list->body)["recommendations"].size(), 5u);
}

TEST_F(ServerSlowClientTest, SilentPartialHeaderIsClosedAfterTheHeaderTimeout) {
  serve::ServerOptions options;
  options.header_timeout_seconds = 1;
  StartServer(options);
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.ok());
  ASSERT_TRUE(connection.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  EXPECT_TRUE(connection.ClosedWithin(std::chrono::seconds(5)));
  // A connection that sends nothing at all is closed the same way.
  RawConnection silent(server_->port());
  ASSERT_TRUE(silent.ok());
  EXPECT_TRUE(silent.ClosedWithin(std::chrono::seconds(5)));
}

TEST_F(ServerSlowClientTest, SilentBodyIsClosedAfterTheBodyTimeout) {
  serve::ServerOptions options;
  options.header_timeout_seconds = 60;
  options.body_timeout_seconds = 1;
  StartServer(options);
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.ok());
  ASSERT_TRUE(connection.Send("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                              "Content-Length: 100\r\n\r\n[{\"kind\": "));
  EXPECT_TRUE(connection.ClosedWithin(std::chrono::seconds(5)));
}

TEST_F(ServerSlowClientTest, IdleKeepAliveConnectionIsClosedAfterKeepAliveSeconds) {
  serve::ServerOptions options;
  options.header_timeout_seconds = 60;
  options.body_timeout_seconds = 60;
  options.keep_alive_seconds = 1;
  StartServer(options);
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.ok());
  ASSERT_TRUE(connection.Send(kHealthRequest));
  std::string answer = connection.ReadAnswer();
  ASSERT_EQ(answer.substr(0, 12), "HTTP/1.1 200") << answer;
  // Kept for a second request sent at once...
  ASSERT_TRUE(connection.Send(kHealthRequest));
  answer = connection.ReadAnswer();
  ASSERT_EQ(answer.substr(0, 12), "HTTP/1.1 200") << answer;
  // ...and closed after a second idle, well before the 60 s timeouts.
  EXPECT_TRUE(connection.ClosedWithin(std::chrono::seconds(5)));
}

TEST_F(ServerSlowClientTest, ConnectionsBeyondTheLimitGet503Overloaded) {
  serve::ServerOptions options;
  options.max_connections = 4;
  options.keep_alive_seconds = 60;
  StartServer(options);
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 4; ++i) {
    auto connection = std::make_unique<RawConnection>(server_->port());
    ASSERT_TRUE(connection->ok());
    // One request each, so the server has accepted all four before the fifth.
    ASSERT_TRUE(connection->Send(kHealthRequest));
    std::string answer = connection->ReadAnswer();
    ASSERT_EQ(answer.substr(0, 12), "HTTP/1.1 200") << answer;
    idle.push_back(std::move(connection));
  }
  httplib::Result refused = PatientClient()->Get("/healthz");
  ASSERT_TRUE(refused) << httplib::to_string(refused.error());
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->get_header_value("Retry-After"), "1");
  EXPECT_EQ(refused->get_header_value("Connection"), "close");
  nlohmann::json body = nlohmann::json::parse(refused->body, nullptr, false);
  EXPECT_EQ(body["error"]["code"], "overloaded");
  // The connections admitted are still served.
  ASSERT_TRUE(idle[0]->Send(kHealthRequest));
  std::string answer = idle[0]->ReadAnswer();
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 200") << answer;

  idle.clear();
  // The server learns of the closes asynchronously: retry briefly.
  int status = 0;
  for (auto deadline = Clock::now() + std::chrono::seconds(5); Clock::now() < deadline && status != 200;) {
    httplib::Result again = PatientClient()->Get("/healthz");
    status = again ? again->status : 0;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 200);
}

// The access handler answers when a request's body is complete on a worker;
// many concurrent keep-alive clients over two workers all get answers.
TEST_F(ServerSlowClientTest, ManyKeepAliveClientsShareTwoWorkers) {
  serve::ServerOptions options;
  options.threads = 2;
  StartServer(options);
  std::vector<std::thread> clients;
  std::atomic<int> answered{0};
  for (int c = 0; c < 16; ++c) {
    clients.emplace_back([&] {
      auto client = PatientClient();
      client->set_keep_alive(true);
      for (int i = 0; i < 20; ++i) {
        httplib::Result result = client->Get(("/v1/members/" + Member() + "/recommendations?k=3").c_str());
        if (result && result->status == 200) ++answered;
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(answered.load(), 16 * 20);
}

// Stop() while clients are busy: requests already handed to a worker are
// answered whole; the others see their connection refused or closed.
// Never a broken answer, and Stop returns.
TEST_F(ServerSlowClientTest, StopWhileClientsAreBusyAnswersOrCloses) {
  serve::ServerOptions options;
  options.threads = 2;
  StartServer(options);
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0}, broken{0};
  std::vector<std::thread> clients;
  const int port = server_->port();
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_connection_timeout(1, 0);
      client.set_read_timeout(5, 0);
      client.set_keep_alive(c % 2 == 0);
      while (!stop) {
        httplib::Result result = client.Get(("/v1/members/" + Member() + "/recommendations?k=3").c_str());
        if (!result) continue;  // refused or closed: the server is stopping
        if (result->status == 200 && nlohmann::json::parse(result->body, nullptr, false).contains("recommendations")) {
          ++answered;
        } else {
          ++broken;
        }
      }
    });
  }
  while (answered < 50) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server_->Stop();
  stop = true;
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(broken.load(), 0);
}

}  // namespace
}  // namespace marquee::test
