// Progress reporting: the library never prints, it calls back.
//
// Long-running work (import, generation, training) takes a ProgressCallback and
// reports (stage, done, total). The CLI turns that into a progress bar; tests
// and the server pass nothing. Reporting is throttled by ProgressReporter so a
// hot loop can call Advance() cheaply.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace marquee {

struct Progress {
  std::string_view stage;  // "reading ratings.csv", "sampling plays", ...
  uint64_t done = 0;
  uint64_t total = 0;      // 0 when unknown
  bool finished = false;   // the last report of a stage
};

using ProgressCallback = std::function<void(const Progress&)>;

// Wraps a callback for one stage; thread-safe Advance() that only calls the
// callback when roughly 1/200 of the total has passed since the last call.
class ProgressReporter {
 public:
  ProgressReporter(const ProgressCallback& callback, std::string stage, uint64_t total);
  ~ProgressReporter() { Finish(); }
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  void Advance(uint64_t n);
  void Set(uint64_t done);
  void Finish();

 private:
  void Report(uint64_t done, bool finished);

  const ProgressCallback& callback_;
  std::string stage_;
  uint64_t total_;
  uint64_t step_;
  std::atomic<uint64_t> done_{0};
  std::atomic<uint64_t> next_report_{0};
  bool finished_ = false;
};

}  // namespace marquee
