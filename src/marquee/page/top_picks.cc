#include "marquee/page/top_picks.h"

#include <fmt/format.h>

#include "marquee/page/row_common.h"

namespace marquee::page {

namespace {

class TopPicksRow final : public RowGenerator {
 public:
  explicit TopPicksRow(const RowSpec& spec) : RowGenerator(spec) {}
  RowKind kind() const override { return RowKind::kTopPicks; }

  void Generate(const PageInputs& in, std::vector<CandidateRow>& out) const override {
    CandidateRow row{.kind = RowKind::kTopPicks, .row_id = "top_picks"};
    if (in.personalized) {
      row.heading = "Top Picks for You";
      row.reason = in.plays.empty()
                       ? "The titles the model ranks highest for you"
                       : fmt::format("The titles the model ranks highest for you, from your {} {}",
                                     in.plays.size(), in.plays.size() == 1 ? "play" : "plays");
    } else {
      row.heading = "Popular on Marquee";
      row.reason = "The titles most watched on Marquee";
    }
    TopAllowed(in, in.scores, {}, /*skip_seen=*/true, in.row_length, row.titles);
    Propose(spec(), std::move(row), out);
  }
};

}  // namespace

std::unique_ptr<RowGenerator> MakeTopPicksRow(const RowSpec& spec) {
  return std::make_unique<TopPicksRow>(spec);
}

}  // namespace marquee::page
