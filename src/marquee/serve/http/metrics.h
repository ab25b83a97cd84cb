// Metrics: what /metrics reports, in the Prometheus text format -- requests
// by route and status, a latency histogram per route, events ingested. Every
// update is a few relaxed atomic adds, so recording costs nothing measurable
// next to a request; rendering happens only when scraped.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace marquee::serve {

class Metrics {
 public:
  using RouteId = size_t;
  // Upper bounds of the latency buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

  // Registers a route label ("GET /v1/titles/{id}/similar"). Call before
  // serving: the route table does not grow while requests are recorded.
  RouteId AddRoute(std::string label);

  void Record(RouteId route, int http_status, double seconds);
  void AddEventsIngested(uint64_t n) { events_ingested_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t events_ingested() const { return events_ingested_.load(std::memory_order_relaxed); }

  // The exposition text; `extra` (more metric families, already formatted)
  // is appended.
  std::string Render(std::string_view extra = {}) const;

  // One route's counters now (for the dashboard's JSON): requests, by class
  // of status, the latency histogram (kLatencyBuckets, then +Inf; counts per
  // bucket, not cumulative) and the total seconds.
  struct RouteSnapshot {
    std::string label;
    uint64_t requests = 0, client_errors = 0, server_errors = 0;
    std::array<uint64_t, kLatencyBuckets.size() + 1> buckets{};
    double seconds = 0;
  };
  std::vector<RouteSnapshot> Snapshot() const;

 private:
  static constexpr int kMinStatus = 100;
  static constexpr int kMaxStatus = 599;

  struct Route {
    std::string label;
    std::array<std::atomic<uint64_t>, kMaxStatus - kMinStatus + 1> by_status{};
    std::array<std::atomic<uint64_t>, kLatencyBuckets.size() + 1> buckets{};  // last: +Inf
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_nanos{0};
  };

  std::deque<Route> routes_;  // a deque: registered routes never move
  std::atomic<uint64_t> events_ingested_{0};
};

// `text` escaped for a Prometheus label value (backslash, quote, newline).
std::string PrometheusLabel(std::string_view text);

}  // namespace marquee::serve
