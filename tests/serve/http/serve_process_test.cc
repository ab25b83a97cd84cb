// `marquee serve` as a real process on real loopback: events it acknowledged
// and impressions it showed survive SIGKILL, events survive SIGTERM, SIGTERM exits cleanly, and bad command lines
// fail with the right exit code. Every child is killed in TearDown, and every
// wait has a deadline, so a broken server fails a test instead of hanging it.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ctime>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "marquee/consent/catalog_likeness.h"
#include "marquee/consent/consent_log.h"
#include "marquee/consent/synthetic_consents.h"
#include "marquee/data/dataset_file.h"
#include "marquee/ledger/ledger_rows.h"
#include "marquee/ledger/verify.h"
#include "marquee/store/event_store.h"
#include "../../test_util.h"
#include "../../tools/cli_runner.h"

extern char** environ;

namespace marquee::test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// One `marquee serve` child. Its stdout is a pipe read until the
// "listening on http://HOST:PORT" line; its stderr goes to a file.
class ServeProcess {
 public:
  ServeProcess() = default;
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;
  ~ServeProcess() { Kill(); }

  // Spawns `marquee serve ARGS...`; false (with `error`) when it cannot.
  bool Spawn(const std::vector<std::string>& args, const std::string& stderr_path, std::string& error) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      error = "pipe2 failed";
      return false;
    }
    std::vector<std::string> argv_text = {MARQUEE_CLI_PATH, "serve"};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    // A clean signal state whatever the test runner did with its own.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t empty, defaults;
    sigemptyset(&empty);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &empty);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(fds[1]);
    if (rc != 0) {
      ::close(fds[0]);
      error = std::string("posix_spawn failed: ") + std::strerror(rc);
      return false;
    }
    pid_ = pid;
    stdout_fd_ = fds[0];
    return true;
  }

  // Reads stdout until the "listening on http://...:PORT" line; the port, or
  // nullopt when the process exits or `timeout` passes first.
  std::optional<int> WaitForPort(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    const std::string marker = "listening on http://";
    while (true) {
      size_t at = output_.find(marker);
      if (at != std::string::npos) {
        size_t eol = output_.find('\n', at);
        size_t colon = output_.rfind(':', eol);
        if (eol != std::string::npos && colon != std::string::npos && colon > at + marker.size()) {
          return std::stoi(output_.substr(colon + 1, eol - colon - 1));
        }
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return std::nullopt;
      pollfd p{stdout_fd_, POLLIN, 0};
      int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 200)));
      if (ready < 0 && errno != EINTR) return std::nullopt;
      if (ready > 0) {
        char buf[1024];
        ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
        if (n <= 0) return std::nullopt;  // EOF: the process is gone
        output_.append(buf, static_cast<size_t>(n));
      }
    }
  }

  // Waits for the child to exit; its wait status, or nullopt after `timeout`.
  std::optional<int> WaitForExit(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return exit_status_;
    const auto deadline = Clock::now() + timeout;
    while (true) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        exit_status_ = status;
        CloseStdout();
        return status;
      }
      if (r < 0 && errno != EINTR) return std::nullopt;
      if (Clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  void Signal(int sig) {
    if (pid_ > 0) ::kill(pid_, sig);
  }

  // SIGKILL and reap; a no-op when already reaped.
  void Kill() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      exit_status_ = status;
      pid_ = -1;
    }
    CloseStdout();
  }

  bool running() const { return pid_ > 0; }
  const std::string& output() const { return output_; }

 private:
  void CloseStdout() {
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
    stdout_fd_ = -1;
  }

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string output_;
  std::optional<int> exit_status_;
};

class ServeProcessTest : public ::testing::Test {
 protected:
  // One dataset and one item-kNN model for the whole suite, made by the CLI.
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    RunResult generated = RunCli("generate --members 300 --titles 100 --plays 6000 --seed 11 --out " +
                                 DataPath());
    ASSERT_EQ(generated.exit_code, 0) << generated.output;
    RunResult trained = RunCli("train --data " + DataPath() + " --model itemknn --out " + ModelPath());
    ASSERT_EQ(trained.exit_code, 0) << trained.output;
    Result<Dataset> dataset = LoadDataset(DataPath());
    ASSERT_TRUE(dataset.ok()) << dataset.status().ToString();
    dataset_ = new Dataset(std::move(*dataset));
  }
  static void TearDownTestSuite() {
    delete dataset_;
    dataset_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  static std::string DataPath() { return dir_->File("service.mqd"); }
  static std::string ModelPath() { return dir_->File("itemknn"); }

  void SetUp() override {
    ASSERT_NE(dataset_, nullptr) << "suite setup failed";
    events_dir_ = std::make_unique<TempDir>();
  }
  void TearDown() override {
    for (auto& p : processes_) p->Kill();
    processes_.clear();
  }

  std::string EventsPath() const { return events_dir_->File("events.db"); }

  // Starts `marquee serve` on the suite's data and model and EventsPath(),
  // port 0; fails the test when no port is printed within 60 seconds.
  ServeProcess* Start(const std::vector<std::string>& extra = {}) {
    auto process = std::make_unique<ServeProcess>();
    std::string error;
    std::string stderr_path = events_dir_->File("serve-" + std::to_string(processes_.size()) + ".stderr");
    last_stderr_ = stderr_path;
    std::vector<std::string> args = {"--data", DataPath(), "--model", ModelPath(), "--events", EventsPath(),
                                     "--host", "127.0.0.1", "--port", "0", "--threads", "4"};
    args.insert(args.end(), extra.begin(), extra.end());
    bool spawned = process->Spawn(args, stderr_path, error);
    EXPECT_TRUE(spawned) << error;
    if (!spawned) return nullptr;
    ServeProcess* raw = process.get();
    processes_.push_back(std::move(process));
    std::optional<int> port = raw->WaitForPort(std::chrono::seconds(60));
    EXPECT_TRUE(port.has_value()) << "no port; stdout: " << raw->output()
                                  << "\nstderr: " << ReadFile(stderr_path);
    if (!port) return nullptr;
    port_ = *port;
    return raw;
  }

  std::unique_ptr<httplib::Client> Client() const {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client->set_connection_timeout(5, 0);
    client->set_read_timeout(10, 0);
    client->set_write_timeout(10, 0);
    return client;
  }

  static std::string Member(uint32_t i) { return std::string(dataset_->members.ExternalId(i)); }
  static std::string Title(uint32_t i) { return std::string(dataset_->titles.ExternalId(i)); }

  std::vector<std::string> Recommended(const std::string& member, int k) {
    auto result = Client()->Get(("/v1/members/" + member + "/recommendations?artwork=false&k=" + std::to_string(k)).c_str());
    EXPECT_TRUE(result) << "no response";
    if (!result) return {};
    EXPECT_EQ(result->status, 200) << result->body;
    json reply = json::parse(result->body, nullptr, false);
    std::vector<std::string> titles;
    if (!reply.is_object() || !reply.contains("recommendations")) return titles;
    for (const json& r : reply["recommendations"]) titles.push_back(r["title"].get<std::string>());
    return titles;
  }

  static std::unique_ptr<EventStore> OpenStore(const std::string& path) {
    Result<std::unique_ptr<EventStore>> store = EventStore::Open(path);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  void CheckShownImpressionsSurviveSigkill(const std::vector<std::string>& extra);

  static TempDir* dir_;
  static Dataset* dataset_;
  std::unique_ptr<TempDir> events_dir_;
  std::vector<std::unique_ptr<ServeProcess>> processes_;
  int port_ = 0;
  std::string last_stderr_;
};

TempDir* ServeProcessTest::dir_ = nullptr;
Dataset* ServeProcessTest::dataset_ = nullptr;

Event Play(const std::string& member, const std::string& title, int64_t time, float fraction) {
  Event e;
  e.kind = EventKind::kPlay;
  e.member_id = member;
  e.title_id = title;
  e.time = time;
  e.watch_fraction = fraction;
  return e;
}

json ToJson(const std::vector<Event>& events) {
  json body = {{"events", json::array()}};
  for (const Event& e : events) {
    body["events"].push_back({{"kind", "play"},
                              {"member", e.member_id},
                              {"title", e.title_id},
                              {"time", e.time},
                              {"watch_fraction", *e.watch_fraction}});
  }
  return body;
}

TEST_F(ServeProcessTest, AcknowledgedEventsSurviveSigkillAndRestart) {
  ServeProcess* server = Start();
  ASSERT_NE(server, nullptr);
  const std::string member = Member(3);
  const std::vector<std::string> before = Recommended(member, 10);
  ASSERT_EQ(before.size(), 10u);

  // Three batches: the member plays the first six titles recommended to
  // them, plus a batch for a member the dataset has never seen.
  std::vector<std::vector<Event>> batches = {
      {Play(member, before[0], 1767225600, 1.0f), Play(member, before[1], 1767225601, 0.5f)},
      {Play(member, before[2], 1767225602, 0.75f), Play(member, before[3], 1767225603, 1.0f),
       Play(member, before[4], 1767225604, 0.25f), Play(member, before[5], 1767225605, 1.0f)},
      {Play("process-test-new-member", Title(0), 1767225606, 1.0f),
       Play("process-test-new-member", Title(1), 1767225607, 0.5f)},
  };
  size_t acknowledged = 0;
  for (const auto& batch : batches) {
    auto result = Client()->Post("/v1/events", ToJson(batch).dump(), "application/json");
    ASSERT_TRUE(result) << "no response";
    ASSERT_EQ(result->status, 200) << result->body;
    EXPECT_EQ(json::parse(result->body)["accepted"], batch.size());
    acknowledged += batch.size();
  }

  // No chance to flush or close anything.
  server->Signal(SIGKILL);
  std::optional<int> status = server->WaitForExit(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value()) << "still running after SIGKILL";
  EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL);

  // Restarted on the same store, the server knows what the member played.
  ASSERT_NE(Start(), nullptr);
  const std::vector<std::string> after = Recommended(member, 10);
  ASSERT_EQ(after.size(), 10u);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(std::find(after.begin(), after.end(), before[i]), after.end()) << before[i] << " played";
  }
  for (const std::string& t : Recommended("process-test-new-member", 10)) {
    EXPECT_NE(t, Title(0));
    EXPECT_NE(t, Title(1));
  }
  TearDown();  // stop the second server before reading its store

  // And the store holds exactly what was acknowledged, in order.
  std::unique_ptr<EventStore> store = OpenStore(EventsPath());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Count().value(), acknowledged);
  Result<std::vector<Event>> stored = store->MemberEvents(member);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  std::vector<Event> expected(batches[0]);
  expected.insert(expected.end(), batches[1].begin(), batches[1].end());
  EXPECT_EQ(*stored, expected);
  Result<std::vector<Event>> newcomer = store->MemberEvents("process-test-new-member");
  ASSERT_TRUE(newcomer.ok());
  EXPECT_EQ(*newcomer, batches[2]);
}

// Clients ask for k=20 lists with artwork from a few threads and record the
// impression id of every title shown in a 200 answer; the server is killed
// with SIGKILL in the middle of that load. Every impression it answered with
// must be in the store: an answer shows artwork only once its impressions are
// durable at the server's --impression-durability (`extra`; none: the
// default, process).
void ServeProcessTest::CheckShownImpressionsSurviveSigkill(const std::vector<std::string>& extra) {
  ServeProcess* server = Start(extra);
  ASSERT_NE(server, nullptr);
  constexpr int kClients = 3;  // fewer than the 4 workers: a keep-alive client holds one
  std::atomic<bool> stop{false};
  std::atomic<int> answers{0};
  std::vector<std::vector<std::string>> shown(kClients);  // written by client c only, read after join
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto client = Client();
      client->set_keep_alive(true);
      for (uint32_t i = 0; !stop.load(); ++i) {
        const std::string member = Member((i * kClients + c) % dataset_->members.size());
        auto result = client->Get(("/v1/members/" + member + "/recommendations?k=20&artwork=true").c_str());
        if (!result || result->status != 200) break;  // the server is gone
        json reply = json::parse(result->body, nullptr, false);
        if (!reply.is_object() || !reply.contains("recommendations")) break;
        for (const json& item : reply["recommendations"]) {
          if (item.contains("artwork") && item["artwork"].is_object()) {
            shown[c].push_back(item["artwork"]["impression_id"].get<std::string>());
          }
        }
        answers.fetch_add(1);
      }
    });
  }
  // Kill once the load has run a while, with every client still asking.
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (answers.load() < 1000 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server->Signal(SIGKILL);
  std::optional<int> status = server->WaitForExit(std::chrono::seconds(10));
  stop = true;
  for (std::thread& t : clients) t.join();
  ASSERT_TRUE(status.has_value()) << "still running after SIGKILL";
  EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL);
  EXPECT_GE(answers.load(), 20) << "too few answers before the kill: " << ReadFile(last_stderr_);

  std::unique_ptr<EventStore> store = OpenStore(EventsPath());
  ASSERT_NE(store, nullptr);
  std::unordered_set<std::string> stored;
  Status scanned = store->Scan(10000, [&](std::span<const Event> events) {
    for (const Event& e : events) {
      if (e.kind == EventKind::kImpression) stored.insert(e.impression_id);
    }
  });
  ASSERT_TRUE(scanned.ok()) << scanned.ToString();
  size_t acknowledged = 0;
  for (const std::vector<std::string>& ids : shown) {
    for (const std::string& id : ids) {
      ++acknowledged;
      ASSERT_TRUE(stored.count(id)) << "impression " << id << " was shown but is not in the store";
    }
  }
  EXPECT_GE(acknowledged, 20u * 10) << "too few impressions shown to test anything";
  // Answers lost in flight may have logged more than was shown.
  EXPECT_GE(stored.size(), acknowledged);
}

TEST_F(ServeProcessTest, ShownImpressionsSurviveSigkillAtTheDefaultProcessDurability) {
  CheckShownImpressionsSurviveSigkill({});
}

TEST_F(ServeProcessTest, ShownImpressionsSurviveSigkillAtFsyncDurability) {
  CheckShownImpressionsSurviveSigkill({"--impression-durability", "fsync"});
}

// Artwork behind the consent gate (`--consents`) and plays posted from a few
// clients; the server is killed with SIGKILL in the middle. The ledger rows
// are written in the events' transaction, so the store it leaves holds as
// many impression rows as impression events and as many play rows as
// distinct plays, its chain verifies, and so does the whole ledger against
// the raw events and the catalog.
TEST_F(ServeProcessTest, SigkillDuringServingLeavesImpressionsAndLedgerRowsEqualInNumber) {
  const std::string consents = events_dir_->File("consents.jsonl");
  {
    ConsentRegistry registry(PerformerFactsOf(dataset_->catalog));
    Result<std::unique_ptr<ConsentLog>> log = ConsentLog::Open(consents, registry);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (const ConsentEntry& entry :
         SyntheticConsents(*dataset_, {.now = static_cast<int64_t>(std::time(nullptr))})) {
      ASSERT_TRUE((*log)->Append(entry).ok());
    }
  }
  ServeProcess* server = Start({"--consents", consents, "--artwork-policy", "thompson"});
  ASSERT_NE(server, nullptr);
  constexpr int kClients = 3;  // fewer than the 4 workers
  std::atomic<bool> stop{false};
  std::atomic<int> answers{0};
  std::atomic<int> shown_with_people{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto client = Client();
      client->set_keep_alive(true);
      for (uint32_t i = 0; !stop.load(); ++i) {
        const std::string member = Member((i * kClients + c) % dataset_->members.size());
        std::string titles;
        for (uint32_t k = 0; k < 8; ++k) titles += (k ? "," : "") + Title((i * 7 + k * 11 + c) % 100);
        auto shown = client->Get(("/v1/members/" + member + "/artwork?titles=" + titles).c_str());
        if (!shown || shown->status != 200) break;  // the server is gone
        json reply = json::parse(shown->body, nullptr, false);
        if (!reply.is_object() || !reply.contains("artwork")) break;
        for (const json& item : reply["artwork"]) {
          if (item["artwork"].is_object() && item["artwork"].contains("id")) shown_with_people.fetch_add(1);
        }
        // The member plays two of the titles shown: one abandoned at once, one watched.
        const int64_t now = static_cast<int64_t>(std::time(nullptr));
        std::vector<Event> plays = {Play(member, Title((i * 7 + c) % 100), now, 0.02f),
                                    Play(member, Title((i * 7 + 11 + c) % 100), now, 0.9f)};
        auto posted = client->Post("/v1/events", ToJson(plays).dump(), "application/json");
        if (!posted || posted->status != 200) break;
        answers.fetch_add(1);
      }
    });
  }
  const auto deadline = Clock::now() + std::chrono::seconds(15);
  while (answers.load() < 300 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server->Signal(SIGKILL);
  std::optional<int> status = server->WaitForExit(std::chrono::seconds(10));
  stop = true;
  for (std::thread& t : clients) t.join();
  ASSERT_TRUE(status.has_value()) << "still running after SIGKILL";
  EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL);
  EXPECT_GE(answers.load(), 50) << "too few rounds before the kill: " << ReadFile(last_stderr_);
  EXPECT_GT(shown_with_people.load(), 0) << "the gate showed no artwork at all";

  std::unique_ptr<EventStore> store = OpenStore(EventsPath());
  ASSERT_NE(store, nullptr);
  // Counted here from the raw tables...
  uint64_t impression_events = 0;
  std::unordered_set<std::string> plays;
  Status scanned = store->Scan(10000, [&](std::span<const Event> events) {
    for (const Event& e : events) {
      if (e.kind == EventKind::kImpression) ++impression_events;
      if (e.kind == EventKind::kPlay) {
        plays.insert(PlayEntryId(e.member_id, e.title_id, e.time, e.watch_fraction.value_or(1.0f)));
      }
    }
  });
  ASSERT_TRUE(scanned.ok()) << scanned.ToString();
  uint64_t impression_rows = 0, play_rows = 0, other_rows = 0;
  Status ledger = store->ScanLedger(10000, [&](std::span<const LedgerRow> rows) {
    for (const LedgerRow& row : rows) {
      if (row.entry.kind == LedgerKind::kImpression) {
        ++impression_rows;
      } else if (row.entry.kind == LedgerKind::kPlay) {
        ++play_rows;
      } else {
        ++other_rows;
      }
    }
  });
  ASSERT_TRUE(ledger.ok()) << ledger.ToString();
  EXPECT_GE(impression_events, 8u * 50);
  EXPECT_EQ(impression_rows, impression_events);
  EXPECT_EQ(play_rows, plays.size());
  EXPECT_EQ(other_rows, 0u);
  Result<ChainVerification> chain = store->VerifyLedgerChain();
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  EXPECT_TRUE(chain->ok) << chain->problem;
  EXPECT_EQ(chain->rows, impression_rows + play_rows);
  // ...and by the ledger's own verification against the events and the catalog.
  Result<LedgerVerification> verified = VerifyLedger(*store, *dataset_);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_TRUE(verified->ok) << VerificationText(*verified);
  EXPECT_EQ(verified->impression_rows, impression_events);
  EXPECT_EQ(verified->play_events, plays.size());
  std::printf("killed after %d rounds: %llu impression events and rows, %zu distinct plays and rows\n",
              answers.load(), static_cast<unsigned long long>(impression_events), plays.size());
}

TEST_F(ServeProcessTest, SigtermWhileIngestingExitsZeroAndKeepsAcknowledgedEvents) {
  ServeProcess* server = Start();
  ASSERT_NE(server, nullptr);

  // A writer posts batches as fast as it can, each for its own member, and
  // records which were acknowledged; it stops at the first failure (the
  // server going away).
  constexpr int kBatchSize = 50;
  std::atomic<int> acknowledged_batches{0};
  std::atomic<bool> stop{false};
  std::vector<int> acknowledged;  // batch numbers, written by the writer only
  std::thread writer([&] {
    auto client = Client();
    for (int b = 0; b < 100000 && !stop.load(); ++b) {
      std::vector<Event> batch;
      for (int i = 0; i < kBatchSize; ++i) {
        batch.push_back(Play("sigterm-" + std::to_string(b), Title(static_cast<uint32_t>(i % 100)),
                             1767225600 + i, 1.0f));
      }
      auto result = client->Post("/v1/events", ToJson(batch).dump(), "application/json");
      if (!result || result->status != 200) break;
      acknowledged.push_back(b);
      acknowledged_batches.fetch_add(1);
    }
  });

  // Let a few batches through, then SIGTERM with the writer still going.
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (acknowledged_batches.load() < 5 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_GE(acknowledged_batches.load(), 5) << "the server acknowledged too few batches";
  server->Signal(SIGTERM);
  const auto signalled = Clock::now();
  std::optional<int> status = server->WaitForExit(std::chrono::seconds(10));
  stop = true;
  writer.join();
  ASSERT_TRUE(status.has_value()) << "still running 10 s after SIGTERM";
  EXPECT_LT(Clock::now() - signalled, std::chrono::seconds(10));
  ASSERT_TRUE(WIFEXITED(*status)) << "killed by signal " << (WIFSIGNALED(*status) ? WTERMSIG(*status) : 0);
  EXPECT_EQ(WEXITSTATUS(*status), 0);

  // Every acknowledged batch is in the store, whole. (A batch whose reply was
  // lost may be there too: acknowledged is a lower bound.)
  std::unique_ptr<EventStore> store = OpenStore(EventsPath());
  ASSERT_NE(store, nullptr);
  EXPECT_GE(store->Count().value(), acknowledged.size() * kBatchSize);
  EXPECT_EQ(store->Count().value() % kBatchSize, 0u) << "a batch was stored in part";
  for (int b : acknowledged) {
    Result<std::vector<Event>> events = store->MemberEvents("sigterm-" + std::to_string(b));
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(events->size(), static_cast<size_t>(kBatchSize)) << "batch " << b;
  }
}

TEST_F(ServeProcessTest, SigtermAfterARequestExitsZeroPromptly) {
  ServeProcess* server = Start();
  ASSERT_NE(server, nullptr);
  // A keep-alive client that has just been served keeps its connection open.
  httplib::Client client("127.0.0.1", port_);
  client.set_keep_alive(true);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);
  std::vector<Event> batch = {Play(Member(7), Title(2), 1767225600, 1.0f)};
  auto result = client.Post("/v1/events", ToJson(batch).dump(), "application/json");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  server->Signal(SIGTERM);
  std::optional<int> status = server->WaitForExit(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value()) << "still running 10 s after SIGTERM with an idle keep-alive connection";
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);

  std::unique_ptr<EventStore> store = OpenStore(EventsPath());
  ASSERT_NE(store, nullptr);
  Result<std::vector<Event>> stored = store->MemberEvents(Member(7));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, batch);
}

TEST_F(ServeProcessTest, TheLearnedArtworkPolicySurvivesSigtermAndRestart) {
  const std::string snapshot = events_dir_->File("policy.mqp");
  const std::vector<std::string> flags = {"--artwork-policy", "thompson", "--policy-snapshot", snapshot,
                                          "--policy-snapshot-every", "5m"};
  ServeProcess* server = Start(flags);
  ASSERT_NE(server, nullptr);
  auto client = Client();

  // Members see ten titles' artwork and play three of them.
  std::string titles;
  for (uint32_t t = 0; t < 10; ++t) titles += (t ? "," : "") + Title(t);
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  for (uint32_t m = 0; m < 10; ++m) {
    auto shown = client->Get(("/v1/members/" + Member(m) + "/artwork?titles=" + titles).c_str());
    ASSERT_TRUE(shown);
    ASSERT_EQ(shown->status, 200) << shown->body;
    std::vector<Event> plays = {Play(Member(m), Title(0), now + 1, 1.0f), Play(Member(m), Title(1), now + 1, 1.0f),
                                Play(Member(m), Title(2), now + 1, 1.0f)};
    auto posted = client->Post("/v1/events", ToJson(plays).dump(), "application/json");
    ASSERT_TRUE(posted);
    ASSERT_EQ(posted->status, 200) << posted->body;
  }
  auto stats = client->Get("/v1/artwork/policy");
  ASSERT_TRUE(stats);
  json before = json::parse(stats->body);
  ASSERT_GT(before["updates"].get<uint64_t>(), 0u) << before.dump();
  EXPECT_EQ(before["snapshot"]["path"], snapshot);
  EXPECT_TRUE(before["snapshot"]["last_time"].is_null());  // none written yet: every 5m

  server->Signal(SIGTERM);
  std::optional<int> status = server->WaitForExit(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value());
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0) << ReadFile(last_stderr_);
  ASSERT_TRUE(std::filesystem::exists(snapshot));
  // A clean stop says where what was learned went.
  const std::string stopped = ReadFile(last_stderr_);
  EXPECT_NE(stopped.find("wrote policy snapshot " + snapshot + " (" + before["updates"].dump() + " updates)"),
            std::string::npos)
      << stopped;

  ASSERT_NE(Start(flags), nullptr);
  EXPECT_NE(ReadFile(last_stderr_).find("resumed the artwork policy from snapshot " + snapshot), std::string::npos)
      << ReadFile(last_stderr_);
  auto again = Client()->Get("/v1/artwork/policy");
  ASSERT_TRUE(again);
  json after = json::parse(again->body);
  EXPECT_EQ(after["updates"], before["updates"]);
  EXPECT_EQ(after["rewarded"], before["rewarded"]);
  EXPECT_EQ(after["policy"], before["policy"]);
  EXPECT_EQ(after["snapshot"]["restored"], true);
}

TEST_F(ServeProcessTest, AnUnusableSnapshotIsReportedAndTheServerRuns) {
  const std::string snapshot = events_dir_->File("damaged.mqp");
  { std::ofstream(snapshot) << "garbage"; }
  ASSERT_NE(Start({"--policy-snapshot", snapshot}), nullptr);
  const std::string log = ReadFile(last_stderr_);
  EXPECT_NE(log.find("refused policy snapshot " + snapshot), std::string::npos) << log;
  auto stats = Client()->Get("/v1/artwork/policy");
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->status, 200);
  EXPECT_EQ(json::parse(stats->body)["snapshot"]["restored"], false);
}

// A snapshot path that cannot be written is refused at start, naming the
// flag and the path (it was found only by the failed write at SIGTERM, when
// what the policy learned is lost); nothing is opened.
TEST_F(ServeProcessTest, AnUnwritableSnapshotPathIsRefusedAtStart) {
  const std::string no_folder = events_dir_->File("no-such-folder") + "/p.mqp";
  RunResult missing = RunCli("serve --data " + DataPath() + " --model " + ModelPath() + " --events " + EventsPath() +
                             " --port 0 --policy-snapshot " + no_folder);
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("--policy-snapshot " + no_folder), std::string::npos) << missing.output;
  EXPECT_NE(missing.output.find("no folder"), std::string::npos) << missing.output;
  EXPECT_EQ(missing.output.find("listening"), std::string::npos) << missing.output;
  const std::string folder = events_dir_->File("a-folder");
  std::filesystem::create_directory(folder);
  RunResult is_folder = RunCli("serve --data " + DataPath() + " --model " + ModelPath() + " --events " +
                               EventsPath() + " --port 0 --policy-snapshot " + folder);
  EXPECT_EQ(is_folder.exit_code, 1) << is_folder.output;
  EXPECT_NE(is_folder.output.find("--policy-snapshot " + folder + ": expected a file path"), std::string::npos)
      << is_folder.output;
  EXPECT_FALSE(std::filesystem::exists(EventsPath()));
  // The write check leaves nothing behind.
  EXPECT_TRUE(std::filesystem::is_empty(folder));
}

// Periodic snapshot writes that fail are logged to stderr (they showed only
// in /v1/artwork/policy's last_snapshot_error), and so is the first success
// after them.
TEST_F(ServeProcessTest, FailedPeriodicSnapshotsAreLogged) {
  const std::string folder = events_dir_->File("snapshots");
  std::filesystem::create_directory(folder);
  const std::string snapshot = folder + "/policy.mqp";
  ServeProcess* server =
      Start({"--artwork-policy", "thompson", "--policy-snapshot", snapshot, "--policy-snapshot-every", "1s"});
  ASSERT_NE(server, nullptr);
  std::filesystem::remove_all(folder);  // the folder vanishes under the server
  auto client = Client();
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto learn = [&](uint32_t m) {
    auto shown = client->Get(("/v1/members/" + Member(m) + "/artwork?titles=" + Title(0) + "," + Title(1)).c_str());
    ASSERT_TRUE(shown);
    ASSERT_EQ(shown->status, 200) << shown->body;
    auto posted = client->Post("/v1/events", ToJson({Play(Member(m), Title(0), now + 1, 1.0f)}).dump(),
                               "application/json");
    ASSERT_TRUE(posted);
    ASSERT_EQ(posted->status, 200) << posted->body;
  };
  auto wait_for_log = [&](const std::string& text) {
    const auto deadline = Clock::now() + std::chrono::seconds(15);
    while (Clock::now() < deadline && ReadFile(last_stderr_).find(text) == std::string::npos) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return ReadFile(last_stderr_).find(text) != std::string::npos;
  };
  learn(1);
  EXPECT_TRUE(wait_for_log("could not write policy snapshot " + snapshot)) << ReadFile(last_stderr_);
  std::filesystem::create_directory(folder);
  EXPECT_TRUE(wait_for_log("wrote policy snapshot " + snapshot + " again after failed writes"))
      << ReadFile(last_stderr_);
  EXPECT_TRUE(std::filesystem::exists(snapshot));
  server->Signal(SIGTERM);
  std::optional<int> status = server->WaitForExit(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value());
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0) << ReadFile(last_stderr_);
}

TEST_F(ServeProcessTest, AMalformedSnapshotIntervalIsAUsageError) {
  RunResult r = RunCli("serve --data " + DataPath() + " --model " + ModelPath() + " --events " + EventsPath() +
                       " --policy-snapshot " + events_dir_->File("p.mqp") + " --policy-snapshot-every 5d");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--policy-snapshot-every"), std::string::npos) << r.output;
}

TEST_F(ServeProcessTest, MissingModelDirectoryIsExitCodeOneNamingIt) {
  const std::string missing = events_dir_->File("no-model-here");
  RunResult r = RunCli("serve --data " + DataPath() + " --model " + missing + " --events " + EventsPath() +
                       " --port 0");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(missing), std::string::npos) << r.output;
}

TEST_F(ServeProcessTest, MissingDatasetIsExitCodeOneNamingIt) {
  const std::string missing = events_dir_->File("no-such-dataset.mqd");
  RunResult r = RunCli("serve --data " + missing + " --model " + ModelPath() + " --events " + EventsPath() +
                       " --port 0");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(missing), std::string::npos) << r.output;
}

TEST_F(ServeProcessTest, PortOutOfRangeIsAUsageError) {
  for (const char* port : {"70000", "-1", "65536", "http"}) {
    RunResult r = RunCli("serve --data " + DataPath() + " --model " + ModelPath() + " --events " + EventsPath() +
                         " --port " + port);
    EXPECT_EQ(r.exit_code, 2) << port << ": " << r.output;
    EXPECT_NE(r.output.find("--port"), std::string::npos) << port << ": " << r.output;
  }
  // A usage error is caught before anything is opened: no store was created.
  EXPECT_FALSE(std::filesystem::exists(EventsPath()));
}

// The connection bound and the timeouts must be positive: 0 would refuse
// every client, or close every connection at once.
TEST_F(ServeProcessTest, NonPositiveConnectionLimitsAndTimeoutsAreUsageErrors) {
  for (const char* flag : {"--max-connections", "--header-timeout", "--body-timeout", "--keep-alive-seconds"}) {
    for (const char* value : {"0", "-3"}) {
      RunResult r = RunCli("serve --data " + DataPath() + " --model " + ModelPath() + " --events " + EventsPath() +
                           " --port 0 " + flag + " " + value);
      EXPECT_EQ(r.exit_code, 2) << flag << " " << value << ": " << r.output;
      EXPECT_NE(r.output.find(flag), std::string::npos) << flag << " " << value << ": " << r.output;
    }
  }
  EXPECT_FALSE(std::filesystem::exists(EventsPath()));
}

}  // namespace
}  // namespace marquee::test
