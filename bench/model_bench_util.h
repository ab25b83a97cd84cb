// Shared by the model benchmarks: --name value flags, a synthetic service,
// stage timing through the progress callback, peak memory, and batch
// recommendation throughput.
#pragma once

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "marquee/synthetic/synthetic.h"
#include "marquee/models/recommend.h"
#include "marquee/models/recommender.h"
#include "marquee/util/progress.h"

namespace marquee::bench {

// "--members 1000 --titles 50": every flag must be in `defaults`.
inline std::map<std::string, double> ParseFlags(int argc, char** argv,
                                                std::map<std::string, double> defaults) {
  auto usage = [&](std::FILE* out) {
    std::fprintf(out, "usage: %s [--flag value]...; flags (defaults):", argv[0]);
    for (const auto& [n, v] : defaults) std::fprintf(out, " --%s (%g)", n.c_str(), v);
    std::fprintf(out, "\n");
  };
  for (int i = 1; i < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--help" || name == "-h") {
      usage(stdout);
      std::exit(0);
    }
    if (name.rfind("--", 0) != 0 || !defaults.count(name.substr(2))) {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      usage(stderr);
      std::exit(2);
    }
    char* end = nullptr;
    const double value = i + 1 < argc ? std::strtod(argv[i + 1], &end) : 0;
    if (i + 1 >= argc || end == argv[i + 1] || *end != '\0') {
      std::fprintf(stderr, "%s expects a number, found %s\n", argv[i], i + 1 < argc ? argv[i + 1] : "nothing");
      std::exit(2);
    }
    defaults[name.substr(2)] = value;
  }
  return defaults;
}

// "cpu: <model name> (avx2 yes, avx512f no)" from /proc/cpuinfo: the line
// that makes a benchmark's figures comparable across machines.
inline std::string CpuDescription() {
  std::FILE* f = std::fopen("/proc/cpuinfo", "r");
  std::string model = "unknown", flags;
  if (f != nullptr) {
    char line[8192];
    while (std::fgets(line, sizeof line, f) != nullptr && (model == "unknown" || flags.empty())) {
      std::string s(line);
      const size_t colon = s.find(':');
      if (colon == std::string::npos) continue;
      std::string value = s.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      if (!value.empty() && value.back() == '\n') value.pop_back();
      if (s.rfind("model name", 0) == 0) model = value;
      if (s.rfind("flags", 0) == 0) flags = " " + value + " ";
    }
    std::fclose(f);
  }
  auto has = [&](const char* flag) {
    return flags.find(" " + std::string(flag) + " ") != std::string::npos ? "yes" : "no";
  };
  return "cpu: " + model + " (avx2 " + has("avx2") + ", avx512f " + has("avx512f") + ")";
}

inline double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

inline double PeakRssGb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss * 1024.0 / 1e9;  // ru_maxrss is in KiB on Linux
}

// Records when each progress stage finishes, seconds since construction.
class StageTimer {
 public:
  StageTimer() : start_(std::chrono::steady_clock::now()), last_(0) {}
  ProgressCallback Callback() {
    return [this](const Progress& p) {
      if (!p.finished) return;
      const double now = Seconds(start_);
      stages_.emplace_back(std::string(p.stage), now - last_);
      last_ = now;
    };
  }
  const std::vector<std::pair<std::string, double>>& stages() const { return stages_; }
  double total() const { return Seconds(start_); }

 private:
  std::chrono::steady_clock::time_point start_;
  double last_;
  std::vector<std::pair<std::string, double>> stages_;
};

// Generates the service (exits on error) and prints its size and time.
inline SyntheticService Generate(const SyntheticConfig& config) {
  const auto start = std::chrono::steady_clock::now();
  Result<SyntheticService> service = GenerateService(config);
  if (!service.ok()) {
    std::fprintf(stderr, "%s\n", service.status().ToString().c_str());
    std::exit(1);
  }
  std::printf("generated %u members x %u titles x %llu plays in %.1f s\n", config.members,
              config.titles, static_cast<unsigned long long>(service->dataset.interactions.nnz()),
              Seconds(start));
  return std::move(service).value();
}

inline SyntheticService Generate(uint32_t members, uint32_t titles, uint64_t plays) {
  SyntheticConfig config;
  config.members = members;
  config.titles = titles;
  config.plays = plays;
  return Generate(config);
}

// Members a second for RecommendBatch over the first `count` members (k =
// 20, history excluded).
inline double RecommendThroughput(const Recommender& model, const InteractionMatrix& data,
                                  uint32_t count) {
  std::vector<uint32_t> members(std::min(count, data.rows()));
  std::iota(members.begin(), members.end(), 0u);
  RecommendOptions options;
  options.k = 20;
  const auto start = std::chrono::steady_clock::now();
  auto lists = RecommendBatch(model, data, members, options);
  const double seconds = Seconds(start);
  return members.size() / seconds;
}

}  // namespace marquee::bench
