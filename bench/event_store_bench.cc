// Durable append throughput of the event store under concurrency.
//
//   event_store_bench [seconds=2] [folder=$TMPDIR] [durability=fsync|process] [batch]
//
// For 1, 4, 16 and 64 writer threads, each appending batches of 1 and of 100
// impression events (or of `batch` only, when given) for `seconds`, prints
// events/s, appends/s and the p50 / p99 latency of one Append. Every Append
// returns only once its events are durable at `durability` (fsync: the
// commit reached the disk; process: it is in the WAL file, safe from a
// process kill), so events/s is durable throughput; group commit is what
// lets it grow with threads.
// Each configuration writes a fresh store in a temporary folder under
// `folder`, removed afterwards.
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "marquee/store/event_store.h"

namespace {

using Clock = std::chrono::steady_clock;

struct RunResult {
  uint64_t events = 0;
  uint64_t appends = 0;
  double seconds = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  bool ok = true;
};

// What the server logs most: an impression with every field filled.
std::vector<marquee::Event> MakeBatch(int thread, int size) {
  std::vector<marquee::Event> batch(size);
  for (int k = 0; k < size; ++k) {
    marquee::Event& e = batch[k];
    e.kind = marquee::EventKind::kImpression;
    e.member_id = "member-" + std::to_string(thread * 100003 + k * 7919 % 100000);
    e.title_id = "title-" + std::to_string((thread * 31 + k * 17) % 20000);
    e.time = 1'700'000'000 + k;
    e.artwork_id = "art-" + std::to_string(k % 6);
    e.propensity = 1.0 / 6;
    e.impression_id = "imp-" + std::to_string(thread) + "-" + std::to_string(k);
  }
  return batch;
}

double Percentile(std::vector<double>& values, double q) {
  if (values.empty()) return 0;
  size_t i = std::min(values.size() - 1, static_cast<size_t>(q * values.size()));
  std::nth_element(values.begin(), values.begin() + i, values.end());
  return values[i];
}

RunResult Run(marquee::EventStore& store, marquee::Durability durability, int threads, int batch_size,
              double seconds) {
  std::vector<std::vector<double>> latencies_ms(threads);
  std::atomic<bool> failed{false};
  const Clock::time_point deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::vector<marquee::Event> batch = MakeBatch(t, batch_size);
      while (Clock::now() < deadline && !failed) {
        Clock::time_point before = Clock::now();
        if (!store.Append(batch, durability).ok()) failed = true;
        latencies_ms[t].push_back(std::chrono::duration<double, std::milli>(Clock::now() - before).count());
      }
    });
  }
  for (auto& w : workers) w.join();
  RunResult r;
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& l : latencies_ms) all.insert(all.end(), l.begin(), l.end());
  r.appends = all.size();
  r.events = r.appends * batch_size;
  r.p50_ms = Percentile(all, 0.50);
  r.p99_ms = Percentile(all, 0.99);
  r.ok = !failed;
  return r;
}

// One configuration in a fresh store, in a temporary folder removed afterwards.
bool RunInFreshStore(const std::string& folder, marquee::Durability durability, int threads, int batch_size,
                     double seconds, RunResult* result) {
  std::string dir = folder + "/marquee-event-bench-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) {
    std::fprintf(stderr, "cannot create a folder under %s\n", folder.c_str());
    return false;
  }
  {
    auto store = marquee::EventStore::Open(dir + "/events.db");
    if (!store.ok()) {
      std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
      return false;
    }
    *result = Run(**store, durability, threads, batch_size, seconds);
  }  // the store closes before its folder goes
  std::filesystem::remove_all(dir);
  if (!result->ok) std::fprintf(stderr, "an append failed\n");
  return result->ok;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  std::string folder = argc > 2 ? argv[2] : std::filesystem::temp_directory_path().string();
  std::optional<marquee::Durability> durability =
      argc > 3 ? marquee::ParseDurability(argv[3]) : marquee::Durability::kFsync;
  if (!durability) {
    std::fprintf(stderr, "durability: expected fsync or process, found %s\n", argv[3]);
    return 1;
  }
  std::vector<int> batch_sizes = {1, 100};
  if (argc > 4) batch_sizes = {std::max(1, std::atoi(argv[4]))};

  std::printf("event store appends, durability %s, %.1f s per row, folder %s\n",
              std::string(marquee::DurabilityName(*durability)).c_str(), seconds, folder.c_str());
  std::printf("%7s %6s %12s %11s %9s %9s\n", "threads", "batch", "events/s", "appends/s", "p50 ms", "p99 ms");
  for (int batch_size : batch_sizes) {
    for (int threads : {1, 4, 16, 64}) {
      RunResult r;
      if (!RunInFreshStore(folder, *durability, threads, batch_size, seconds, &r)) return 1;
      std::printf("%7d %6d %12.0f %11.0f %9.2f %9.2f\n", threads, batch_size, r.events / r.seconds,
                  r.appends / r.seconds, r.p50_ms, r.p99_ms);
      std::fflush(stdout);
    }
  }
  return 0;
}
