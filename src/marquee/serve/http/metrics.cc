#include "marquee/serve/http/metrics.h"

#include <algorithm>
#include <cstdio>

namespace marquee::serve {

Metrics::RouteId Metrics::AddRoute(std::string label) {
  routes_.emplace_back();
  routes_.back().label = std::move(label);
  return routes_.size() - 1;
}

void Metrics::Record(RouteId id, int http_status, double seconds) {
  Route& route = routes_[id];
  const int status = std::clamp(http_status, kMinStatus, kMaxStatus);
  route.by_status[status - kMinStatus].fetch_add(1, std::memory_order_relaxed);
  const auto bucket = std::lower_bound(kLatencyBuckets.begin(), kLatencyBuckets.end(), seconds) -
                      kLatencyBuckets.begin();
  route.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  route.count.fetch_add(1, std::memory_order_relaxed);
  route.sum_nanos.fetch_add(static_cast<uint64_t>(std::max(0.0, seconds) * 1e9),
                            std::memory_order_relaxed);
}

std::vector<Metrics::RouteSnapshot> Metrics::Snapshot() const {
  std::vector<RouteSnapshot> out;
  out.reserve(routes_.size());
  for (const Route& route : routes_) {
    RouteSnapshot r;
    r.label = route.label;
    r.requests = route.count.load(std::memory_order_relaxed);
    for (int status = 400; status <= kMaxStatus; ++status) {
      const uint64_t n = route.by_status[status - kMinStatus].load(std::memory_order_relaxed);
      (status < 500 ? r.client_errors : r.server_errors) += n;
    }
    for (size_t b = 0; b < r.buckets.size(); ++b) r.buckets[b] = route.buckets[b].load(std::memory_order_relaxed);
    r.seconds = static_cast<double>(route.sum_nanos.load(std::memory_order_relaxed)) / 1e9;
    out.push_back(std::move(r));
  }
  return out;
}

std::string PrometheusLabel(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

namespace {
std::string Number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", v);
  return buffer;
}
}  // namespace

std::string Metrics::Render(std::string_view extra) const {
  std::string out;
  out += "# HELP marquee_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE marquee_http_requests_total counter\n";
  for (const Route& route : routes_) {
    const std::string label = PrometheusLabel(route.label);
    for (int s = kMinStatus; s <= kMaxStatus; ++s) {
      const uint64_t n = route.by_status[s - kMinStatus].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out += "marquee_http_requests_total{route=\"" + label + "\",status=\"" + std::to_string(s) +
             "\"} " + std::to_string(n) + "\n";
    }
  }
  out += "# HELP marquee_http_request_duration_seconds Time spent answering, by route.\n";
  out += "# TYPE marquee_http_request_duration_seconds histogram\n";
  for (const Route& route : routes_) {
    const std::string label = "route=\"" + PrometheusLabel(route.label) + "\"";
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kLatencyBuckets.size(); ++b) {
      cumulative += route.buckets[b].load(std::memory_order_relaxed);
      const std::string le = b < kLatencyBuckets.size() ? Number(kLatencyBuckets[b]) : "+Inf";
      out += "marquee_http_request_duration_seconds_bucket{" + label + ",le=\"" + le + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "marquee_http_request_duration_seconds_sum{" + label + "} " +
           Number(route.sum_nanos.load(std::memory_order_relaxed) / 1e9) + "\n";
    out += "marquee_http_request_duration_seconds_count{" + label + "} " +
           std::to_string(route.count.load(std::memory_order_relaxed)) + "\n";
  }
  out += "# HELP marquee_events_ingested_total Events appended to the event store.\n";
  out += "# TYPE marquee_events_ingested_total counter\n";
  out += "marquee_events_ingested_total " + std::to_string(events_ingested()) + "\n";
  out += extra;
  return out;
}

}  // namespace marquee::serve
