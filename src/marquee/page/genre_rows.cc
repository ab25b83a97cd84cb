#include "marquee/page/genre_rows.h"

#include <fmt/format.h>

#include <algorithm>

#include "marquee/page/catalog_index.h"
#include "marquee/page/row_common.h"

namespace marquee::page {

namespace {

// How many of the best-scored titles vote for the popular genres of a page
// without plays: enough to span the catalog's main genres, few enough to
// stay a small part of a page's cost.
constexpr uint32_t kPopularGenreTitles = 100;

struct GenreAffinity {
  uint16_t genre;
  double affinity;
};

struct Affinities {
  std::vector<GenreAffinity> ranked;  // positive ones, best first
  double total = 0;                   // of the positive ones
  bool from_plays = true;
};

// Adds `weight` shared among the title's genres.
void Share(const Title& title, double weight, std::vector<double>& affinity) {
  if (title.genres.empty()) return;
  const double share = weight / static_cast<double>(title.genres.size());
  for (uint16_t g : title.genres) {
    if (g >= affinity.size()) affinity.resize(size_t{g} + 1, 0.0);
    affinity[g] += share;
  }
}

Affinities Rank(std::vector<double> affinity, bool from_plays) {
  Affinities out{.from_plays = from_plays};
  for (size_t g = 0; g < affinity.size(); ++g) {
    if (affinity[g] > 0) {
      out.ranked.push_back({static_cast<uint16_t>(g), affinity[g]});
      out.total += affinity[g];
    }
  }
  std::stable_sort(out.ranked.begin(), out.ranked.end(),
                   [](const GenreAffinity& a, const GenreAffinity& b) { return a.affinity > b.affinity; });
  return out;
}

// The member's genres from their plays; without any (no plays, or none with
// weight and genres), the genres of the best-scored titles: the popular ones.
Affinities GenreAffinities(const PageInputs& in) {
  const auto& titles = in.catalog->titles();
  std::vector<double> affinity(in.catalog->genres().size(), 0.0);
  for (const PagePlay& play : in.plays) {
    if (play.title < titles.size()) Share(titles[play.title], play.weight, affinity);
  }
  Affinities from_plays = Rank(affinity, true);
  if (!from_plays.ranked.empty()) return from_plays;
  std::vector<RowTitle> top;
  TopAllowed(in, in.scores, {}, /*skip_seen=*/false, kPopularGenreTitles, top);
  std::fill(affinity.begin(), affinity.end(), 0.0);
  for (const RowTitle& t : top) Share(titles[t.title], std::max(0.0f, t.score), affinity);
  return Rank(std::move(affinity), false);
}

std::string Reason(const Affinities& affinities, size_t position) {
  const std::string nth = position == 0 ? "" : text::Ordinal(static_cast<uint32_t>(position + 1)) + " ";
  if (!affinities.from_plays) return fmt::format("The {}most watched genre on Marquee", nth);
  const double share = affinities.ranked[position].affinity / affinities.total;
  return fmt::format("Your {}favourite genre: {}% of your plays", nth, text::Percent(share));
}

class GenreRows final : public RowGenerator {
 public:
  explicit GenreRows(const RowSpec& spec) : RowGenerator(spec) {}
  RowKind kind() const override { return RowKind::kGenre; }

  void Generate(const PageInputs& in, std::vector<CandidateRow>& out) const override {
    if (spec().count == 0) return;
    const Affinities affinities = GenreAffinities(in);
    uint32_t rows = 0;
    for (size_t i = 0; i < affinities.ranked.size() && rows < spec().count; ++i) {
      const uint16_t genre = affinities.ranked[i].genre;
      const std::span<const uint32_t> titles = in.index->TitlesOfGenre(genre);
      // An empty `among` would mean every title to TopAllowed.
      if (titles.empty() || genre >= in.catalog->genres().size()) continue;
      const std::string& name = in.catalog->genres()[genre];
      CandidateRow row{.kind = RowKind::kGenre,
                       .row_id = "genre:" + name,
                       .heading = text::GenreHeading(name),
                       .reason = Reason(affinities, i),
                       .genre = genre};
      TopAllowed(in, in.scores, titles, /*skip_seen=*/true, in.row_length, row.titles);
      rows += Propose(spec(), std::move(row), out);
    }
  }
};

}  // namespace

std::unique_ptr<RowGenerator> MakeGenreRows(const RowSpec& spec) {
  return std::make_unique<GenreRows>(spec);
}

std::vector<uint16_t> RankGenres(const PageInputs& in) {
  std::vector<uint16_t> out;
  for (const GenreAffinity& g : GenreAffinities(in).ranked) out.push_back(g.genre);
  return out;
}

}  // namespace marquee::page
