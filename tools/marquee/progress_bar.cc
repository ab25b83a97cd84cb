#include "progress_bar.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

namespace marquee::cli {

std::string HumanCount(double n) {
  char buf[32];
  if (n >= 1e9) std::snprintf(buf, sizeof buf, "%.2fG", n / 1e9);
  else if (n >= 1e6) std::snprintf(buf, sizeof buf, "%.1fM", n / 1e6);
  else if (n >= 1e4) std::snprintf(buf, sizeof buf, "%.1fK", n / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", n);
  return buf;
}

namespace {
struct BarState {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::string stage;
};

void Draw(BarState& state, const Progress& p) {
  if (state.stage != p.stage) {
    state.stage = std::string(p.stage);
    state.start = std::chrono::steady_clock::now();
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - state.start).count();
  constexpr int kWidth = 30;
  std::string line = "\r" + state.stage + " ";
  if (p.total > 0) {
    double frac = std::min(1.0, static_cast<double>(p.done) / p.total);
    int filled = static_cast<int>(frac * kWidth);
    line += "[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] ";
    char pct[16];
    std::snprintf(pct, sizeof pct, "%3.0f%% ", frac * 100);
    line += pct;
    line += HumanCount(p.done) + "/" + HumanCount(p.total);
  } else {
    line += HumanCount(p.done);
  }
  char tail[32];
  std::snprintf(tail, sizeof tail, "  %.1fs\x1b[K", seconds);
  line += tail;
  if (p.finished) line += "\n";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}
}  // namespace

ProgressCallback TerminalProgress() {
  if (!::isatty(STDERR_FILENO)) return {};
  auto state = std::make_shared<BarState>();
  return [state](const Progress& p) { Draw(*state, p); };
}

}  // namespace marquee::cli
