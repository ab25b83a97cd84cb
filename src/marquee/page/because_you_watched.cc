#include "marquee/page/because_you_watched.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "marquee/page/row_common.h"
#include "marquee/page/similar_titles.h"
#include "marquee/util/civil_time.h"

namespace marquee::page {

namespace {

// The median weight of the member's plays: the bar a play of unknown
// progress (a rating) must reach to count as liked. Mean of the two middle
// weights for an even count.
double MedianWeight(std::span<const PagePlay> plays) {
  if (plays.empty()) return 0;
  std::vector<float> weights;
  weights.reserve(plays.size());
  for (const PagePlay& p : plays) weights.push_back(p.weight);
  std::sort(weights.begin(), weights.end());
  const size_t mid = weights.size() / 2;
  if (weights.size() % 2 == 1) return weights[mid];
  return (double{weights[mid - 1]} + double{weights[mid]}) / 2;
}

struct Anchor {
  double rank;  // engagement x recency
  int64_t time;
  uint32_t title;
  const PagePlay* play;
};

// The eligible anchors, best first, with no similar-titles check.
std::vector<Anchor> EligibleAnchors(const PageInputs& in, const RowSpec& spec) {
  const double window = spec.anchor_window_days * kSecondsPerDay;
  const double half_life = spec.anchor_half_life_days * kSecondsPerDay;
  const auto min_progress = static_cast<float>(spec.min_anchor_progress);  // compared as progress is stored
  const double median = MedianWeight(in.plays);
  std::vector<Anchor> out;
  for (const PagePlay& p : in.plays) {
    const bool timed = p.time != 0;  // time 0: unknown, as recent as any
    if (timed && (p.time > in.now || static_cast<double>(in.now - p.time) > window)) continue;
    const bool engaged = p.progress >= 0 ? p.progress >= min_progress : p.weight >= median;
    if (!engaged) continue;
    const double recency = timed ? std::exp2(-static_cast<double>(in.now - p.time) / half_life) : 1.0;
    out.push_back({p.weight * recency, p.time, p.title, &p});
  }
  std::sort(out.begin(), out.end(), [](const Anchor& a, const Anchor& b) {
    if (a.rank != b.rank) return a.rank > b.rank;
    if (a.time != b.time) return a.time > b.time;
    return a.title < b.title;
  });
  return out;
}

std::string Reason(const PageInputs& in, const PagePlay& play, std::string_view name) {
  const std::string ago = text::Ago(play.time, in.now);
  const std::string when = ago.empty() ? "" : " " + ago;
  // Unknown progress: a rating, or a play of binary data, above the member's median.
  if (play.progress < 0) return fmt::format("You liked {}{}", name, when);
  if (play.progress >= 1.0f) return fmt::format("You watched {}{} and finished it", name, when);
  return fmt::format("You watched {}{} and finished {}% of it", name, when, text::Percent(play.progress));
}

class BecauseYouWatchedRows final : public RowGenerator {
 public:
  explicit BecauseYouWatchedRows(const RowSpec& spec) : RowGenerator(spec) {}
  RowKind kind() const override { return RowKind::kBecauseYouWatched; }

  void Generate(const PageInputs& in, std::vector<CandidateRow>& out) const override {
    if (in.similar == nullptr || spec().count == 0) return;
    std::vector<uint32_t> anchored;  // one row per title, should plays repeat one
    for (const Anchor& anchor : EligibleAnchors(in, spec())) {
      if (anchored.size() == spec().count) break;
      if (std::find(anchored.begin(), anchored.end(), anchor.title) != anchored.end()) continue;
      CandidateRow row = Row(in, anchor);
      if (Propose(spec(), std::move(row), out)) anchored.push_back(anchor.title);
    }
  }

 private:
  static CandidateRow Row(const PageInputs& in, const Anchor& anchor) {
    const std::string& name = in.catalog->titles()[anchor.title].name;
    CandidateRow row{.kind = RowKind::kBecauseYouWatched,
                     .row_id = in.title_ids != nullptr
                                   ? fmt::format("because_you_watched:{}", in.title_ids->ExternalId(anchor.title))
                                   : fmt::format("because_you_watched:{}", anchor.title),
                     .heading = fmt::format("Because You Watched {}", name),
                     .reason = Reason(in, *anchor.play, name),
                     .anchor = anchor.title};
    for (const RowTitle& neighbour : in.similar->Of(anchor.title)) {
      if (row.titles.size() == in.row_length) break;
      const uint32_t t = neighbour.title;
      if (t != anchor.title && t < in.allowed.size() && in.allowed[t] && !in.seen[t])
        row.titles.push_back(neighbour);
    }
    return row;
  }
};

}  // namespace

std::unique_ptr<RowGenerator> MakeBecauseYouWatchedRow(const RowSpec& spec) {
  return std::make_unique<BecauseYouWatchedRows>(spec);
}

std::vector<uint32_t> RankAnchors(const PageInputs& in, const RowSpec& spec) {
  std::vector<uint32_t> out;
  for (const Anchor& anchor : EligibleAnchors(in, spec)) {
    if (std::find(out.begin(), out.end(), anchor.title) != out.end()) continue;
    if (in.similar != nullptr && in.similar->Of(anchor.title).empty()) continue;
    out.push_back(anchor.title);
  }
  return out;
}

}  // namespace marquee::page
