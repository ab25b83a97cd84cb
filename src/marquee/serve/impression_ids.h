// ImpressionIds: the ids of the impressions a server logs, "PREFIX-N". PREFIX
// is 12 hex digits drawn once per instance from the clock and a per-process
// instance count, so that two servers (or one restarted) never mint the same
// id; N counts from 0. Next() is thread-safe and lock-free.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace marquee::serve {

class ImpressionIds {
 public:
  ImpressionIds();
  ImpressionIds(const ImpressionIds&) = delete;
  ImpressionIds& operator=(const ImpressionIds&) = delete;

  std::string Next();
  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
  std::atomic<uint64_t> next_{0};
};

}  // namespace marquee::serve
