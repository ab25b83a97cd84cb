#include "marquee/page/new_releases.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "marquee/page/catalog_index.h"
#include "marquee/page/row_common.h"
#include "marquee/util/civil_time.h"

namespace marquee::page {

namespace {

class NewReleasesRow final : public RowGenerator {
 public:
  explicit NewReleasesRow(const RowSpec& spec) : RowGenerator(spec) {}
  RowKind kind() const override { return RowKind::kNewReleases; }

  void Generate(const PageInputs& in, std::vector<CandidateRow>& out) const override {
    const std::span<const uint32_t> released = Released(in);
    if (released.empty()) return;  // an empty `among` would mean every title to TopAllowed
    CandidateRow row{.kind = RowKind::kNewReleases, .row_id = "new_releases", .heading = "New Releases"};
    row.reason = fmt::format("Released in the last {} days, {}", std::lround(spec().release_window_days),
                             in.personalized ? "ranked for you" : "most watched first");
    TopAllowed(in, in.scores, released, /*skip_seen=*/true, in.row_length, row.titles);
    Propose(spec(), std::move(row), out);
  }

 private:
  // The titles released in the window, a slice of the index's newest-first
  // list. Release dates are days, so the window is counted in days: a title
  // released today is in, one released window_days before today too.
  std::span<const uint32_t> Released(const PageInputs& in) const {
    const std::span<const uint32_t> newest_first = in.index->ByReleaseDate();
    const auto& titles = in.catalog->titles();
    const int64_t today = UnixDay(in.now);
    auto age_days = [&](uint32_t t) { return today - int64_t{*titles[t].release_date}; };
    const auto begin = std::partition_point(newest_first.begin(), newest_first.end(),
                                            [&](uint32_t t) { return age_days(t) < 0; });
    const auto end = std::partition_point(begin, newest_first.end(), [&](uint32_t t) {
      return static_cast<double>(age_days(t)) <= spec().release_window_days;
    });
    return {begin, end};
  }
};

}  // namespace

std::unique_ptr<RowGenerator> MakeNewReleasesRow(const RowSpec& spec) {
  return std::make_unique<NewReleasesRow>(spec);
}

}  // namespace marquee::page
