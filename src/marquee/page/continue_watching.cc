#include "marquee/page/continue_watching.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "marquee/page/catalog_index.h"
#include "marquee/page/row_common.h"
#include "marquee/util/civil_time.h"

namespace marquee::page {

namespace {

struct Resume {
  int64_t time;
  uint32_t title;
  float progress;  // share watched; 0 for the next episode of a finished one
};

class ContinueWatchingRow final : public RowGenerator {
 public:
  explicit ContinueWatchingRow(const RowSpec& spec) : RowGenerator(spec) {}
  RowKind kind() const override { return RowKind::kContinueWatching; }

  void Generate(const PageInputs& in, std::vector<CandidateRow>& out) const override {
    std::vector<Resume> resumes = Resumes(in);
    // Most recent first, then the lower index; a title reached twice (two
    // finished episodes before the same one) keeps its latest time.
    std::sort(resumes.begin(), resumes.end(), [](const Resume& a, const Resume& b) {
      return a.time > b.time || (a.time == b.time && a.title < b.title);
    });
    CandidateRow row{
        .kind = RowKind::kContinueWatching, .row_id = "continue_watching", .heading = "Continue Watching"};
    for (const Resume& r : resumes) {
      if (row.titles.size() == in.row_length) break;
      const bool listed = std::any_of(row.titles.begin(), row.titles.end(),
                                      [&](const RowTitle& t) { return t.title == r.title; });
      if (!listed) row.titles.push_back({r.title, r.progress});
    }
    const size_t n = row.titles.size();
    row.reason = fmt::format("{} {} you started in the last {} days and have not finished, latest first", n,
                             n == 1 ? "title" : "titles", std::lround(spec().window_days));
    Propose(spec(), std::move(row), out);
  }

 private:
  // The titles to resume: plays in progress within the window, and the next
  // episode after a finished one. Unknown progress (negative) never counts.
  std::vector<Resume> Resumes(const PageInputs& in) const {
    const double window = spec().window_days * kSecondsPerDay;
    // In float, as progress is: 0.9f must count as finished under 0.9.
    const auto finished = static_cast<float>(spec().max_progress);
    std::vector<Resume> out;
    for (const PagePlay& play : in.plays) {
      if (play.progress < 0 || play.time > in.now || static_cast<double>(in.now - play.time) > window)
        continue;
      uint32_t title = play.title;
      float progress = play.progress;
      if (play.progress >= finished) {
        title = in.index->NextEpisode(play.title);
        progress = 0.0f;
        if (title == kNoTitle || (title < in.seen.size() && in.seen[title])) continue;
      }
      if (title < in.allowed.size() && in.allowed[title]) out.push_back({play.time, title, progress});
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<RowGenerator> MakeContinueWatchingRow(const RowSpec& spec) {
  return std::make_unique<ContinueWatchingRow>(spec);
}

}  // namespace marquee::page
