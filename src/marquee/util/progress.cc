#include "marquee/util/progress.h"

#include <algorithm>
#include <mutex>

namespace marquee {

namespace {
std::mutex& CallbackMutex() {
  static std::mutex m;
  return m;
}
}  // namespace

ProgressReporter::ProgressReporter(const ProgressCallback& callback, std::string stage,
                                   uint64_t total)
    : callback_(callback),
      stage_(std::move(stage)),
      total_(total),
      step_(std::max<uint64_t>(1, total / 200)) {
  next_report_ = 0;
  Report(0, false);
}

void ProgressReporter::Advance(uint64_t n) {
  uint64_t done = done_.fetch_add(n, std::memory_order_relaxed) + n;
  uint64_t next = next_report_.load(std::memory_order_relaxed);
  if (done < next) return;
  if (next_report_.compare_exchange_strong(next, done + step_)) Report(done, false);
}

void ProgressReporter::Set(uint64_t done) {
  uint64_t prev = done_.exchange(done);
  if (done > prev) Advance(0);
}

void ProgressReporter::Finish() {
  if (finished_) return;
  finished_ = true;
  Report(std::max<uint64_t>(done_.load(), total_), true);
}

void ProgressReporter::Report(uint64_t done, bool finished) {
  if (!callback_) return;
  std::lock_guard<std::mutex> lock(CallbackMutex());
  callback_(Progress{stage_, done, total_, finished});
}

}  // namespace marquee
