// The synthetic streaming service.
//
// Generative model (all draws from seed-derived streams, one generator per
// member / title / performer, so the result is identical at any thread count):
//
// Genres. The first `genres` of 18 named genres, each with a base weight
// (Drama and Comedy common, Western and Musical rare) used for both titles and
// tastes.
//
// Performers. p000000, p000001, ... with names from word lists. Performer p
// has star power 1/sqrt(p + 1) and is cast with density ~ 1/sqrt(p), so the
// famous few appear in many titles.
//
// Titles. t000000, ... Each has 1-3 distinct genres (45% / 40% / 15%, by base
// weight, primary first), a year in 1950-2025 skewed recent (2025 - 75 U^2.5),
// a maturity rating depending on the primary genre, regions (75% everywhere,
// else a random subset of US GB DE FR BR JP IN CA), a name from word lists,
// quality ~ Beta(2.5, 2), a cast of 2-6 performers, and exposure
// (popularity) proportional to (rank + 1)^-popularity_exponent for a random
// ranking -- Zipf, independent of quality: exposure is marketing, quality is
// how much a title is enjoyed once started.
//
// Artwork. min_artwork..max_artwork variants per title, id "<title>-a<k>"
// (k from 1). Each has a mood (one of the title's genres, tag "mood:<genre>"),
// a style ("style:closeup" featuring one performer, "style:ensemble" featuring
// two or three, "style:text" none) with "featured:<performer id>" tags, and is
// AI-generated with probability ai_artwork_share. True appeal for member kind
// k is exp(0.9 [mood == k] + style_pref[k][style] + 0.35 star
// - 0.05 [AI] + e_artwork + e_artwork,kind), with style_pref ~ N(0, 0.3) per
// kind and style, e_artwork ~ N(0, 0.1), e_artwork,kind ~ N(0, 0.05).
// The member-dependent terms dominate on purpose: a matching mood multiplies
// the play probability by 2.5, so the best single image for everyone is
// clearly worse than choosing per member -- the effect artwork
// personalization exists for. (With 0.45 / 0.2 / 0.15 the best fixed image
// came within two points of the oracle and no learner beat it.)
//
// Catalog facts, drawn from streams of their own (kPerformerFacts,
// kTitleFacts) so that the draws above never move: performers' birth dates
// (minor_share under 18 at period_end, deceased_share dead before it, the
// rest 18-85), unions (SAG-AFTRA for 85%, Equity for 10%), representatives
// (an agency for most, the estate for the dead, a guardian for minors);
// titles' runtimes (films 85-150 min; episode_share of titles are episodes,
// 22-60 min, season 1-6, episode 1-12), release dates within the title's
// year, credits (the cast in billing order: 2-3 leads, then supporting, then
// 0-2 background extras); each variant's depicted list (its featured
// performers, recognizable, with their billing; sometimes a background
// extra, not recognizable), digital source type (AI variants:
// trainedAlgorithmicMedia or compositeWithTrainedAlgorithmicMedia with a
// matching replica kind; the rest mostly digitalCapture, some humanEdits
// with customary alterations; unset_source_share quarantined), source title
// (reused_artwork_share from another title) and manifest hash.
//
// Honesty (issue 11 §4), from a stream of its own (kHonesty) so that no draw
// above moves: a play started from an honest variant qualifies (the member
// keeps watching) with probability ~ U(0.70, 0.85); among titles with three
// or more variants, a misleading_share draw one *misleading* variant, whose
// appeal for every kind becomes 1.5 times the best of the title's other
// variants for that kind (more starts than any honest image) while only
// U(0.12, 0.18) of its starts qualify -- so it loses on qualifying plays
// (1.5 x 0.18 < 0.70) while winning on starts.
//
// Members. m0000000, ... Taste ~ Dirichlet(taste_concentration * base genre
// shares) -- sparse, mostly on two or three genres. Kind = the dominant genre
// (argmax of taste): interpretable, and what artwork appeal is keyed by.
// Activity ~ log-normal with mean 1 and sigma activity_spread (heavy tail).
// Join time in the period, earlier more often (start + 0.9 period U^2).
//
// Plays. The budget `plays` is split exactly in proportion to activity, each
// member getting between 1 and `titles` plays (largest remainders). Each play
// draws, with probability mainstream_share, a title by exposure alone;
// otherwise a genre g with weight taste[g] * Z_g^genre_exposure (Z_g: the
// genre's total exposure, so big genres draw somewhat more), then a title of
// that genre by exposure (alias tables, O(1) a draw). A title the member
// already played is redrawn up to 4 times that way, then up to 4 times by
// exposure alone (a member who exhausted a niche turns to the mainstream),
// then up to 4 times uniformly (one who has seen the hits digs into the
// tail); re-watches remain possible and are summed. Time is
// uniform between max(join, the title's release on Jan 1 of its year) and the
// period end. Watch fraction is U^((1 - mu) / mu), whose mean is
// mu = 0.15 + 0.5 match + 0.3 quality (match = taste mass on the title's
// genres), floored at 0.01.
//
// Dataset: weights = sum of watch fractions per (member, title), WeightKind
// kPlays, time = the latest play. GroundTruth (ground_truth.h) holds tastes,
// kinds, activity, quality, exposure and artwork appeal; its TrueAffinity is
// exactly the play distribution above (less the repeat avoidance) and its
// PlayProbability is what a member shown an artwork would do.
#include "marquee/synthetic/synthetic.h"

#include <array>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "marquee/synthetic/synthetic_internal.h"

namespace marquee {

namespace {

struct GenreSpec {
  const char* name;
  double weight;
};
constexpr std::array<GenreSpec, kSyntheticGenreCount> kGenres = {{
    {"Action", 9}, {"Comedy", 12}, {"Drama", 14}, {"Thriller", 8}, {"Horror", 5},
    {"Romance", 6}, {"Sci-Fi", 5}, {"Documentary", 7}, {"Animation", 5}, {"Crime", 6},
    {"Fantasy", 4}, {"Family", 4}, {"Mystery", 4}, {"Adventure", 4}, {"War", 2},
    {"Western", 1.5}, {"Musical", 1.5}, {"Reality", 3},
}};

// Generous limits: far beyond Netflix-Prize scale, yet small enough that
// indices fit in 32 bits and a mistyped size fails fast instead of
// exhausting memory.
constexpr uint32_t kMaxMembers = 100'000'000;
constexpr uint32_t kMaxTitles = 10'000'000;
constexpr uint64_t kMaxPlays = 1'000'000'000ULL;  // 16 bytes a play: about 16 GiB
constexpr uint32_t kMaxArtwork = 64;

Status Invalid(const char* field, const std::string& expected, const std::string& found) {
  return Status::InvalidArgument("synthetic config: " + std::string(field) + ": expected " +
                                 expected + ", found " + found);
}

bool InRange(double v, double lo, double hi) { return std::isfinite(v) && v >= lo && v <= hi; }

Status ValidateSizes(const SyntheticConfig& c) {
  if (c.members < 1 || c.members > kMaxMembers) {
    return Invalid("members", "1 to " + std::to_string(kMaxMembers), std::to_string(c.members));
  }
  if (c.titles < 1 || c.titles > kMaxTitles) {
    return Invalid("titles", "1 to " + std::to_string(kMaxTitles), std::to_string(c.titles));
  }
  const uint64_t most = std::min<uint64_t>(static_cast<uint64_t>(c.members) * c.titles, kMaxPlays);
  if (c.plays < c.members || c.plays > most) {
    return Invalid("plays",
                   fmt::format("at least members ({}, every member plays once) and at most {}{}",
                               c.members, most, most == kMaxPlays ? "" : " (members x titles)"),
                   std::to_string(c.plays));
  }
  return Status::OK();
}

Status ValidateModel(const SyntheticConfig& c) {
  if (c.genres < 1 || c.genres > kSyntheticGenreCount) {
    return Invalid("genres", "1 to " + std::to_string(kSyntheticGenreCount), std::to_string(c.genres));
  }
  if (c.performers > kMaxTitles) {
    return Invalid("performers", "0 (automatic) to " + std::to_string(kMaxTitles),
                   std::to_string(c.performers));
  }
  if (c.period_days < 1 || c.period_days > 36500) {
    return Invalid("period_days", "1 to 36500", std::to_string(c.period_days));
  }
  if (c.min_artwork < 1 || c.max_artwork > kMaxArtwork || c.min_artwork > c.max_artwork) {
    return Invalid("min_artwork/max_artwork",
                   "1 <= min_artwork <= max_artwork <= " + std::to_string(kMaxArtwork),
                   std::to_string(c.min_artwork) + "/" + std::to_string(c.max_artwork));
  }
  if (!InRange(c.popularity_exponent, 0.0, 4.0)) {
    return Invalid("popularity_exponent", "0 to 4", std::to_string(c.popularity_exponent));
  }
  if (!InRange(c.mainstream_share, 0.0, 1.0)) {
    return Invalid("mainstream_share", "0 to 1", std::to_string(c.mainstream_share));
  }
  if (!InRange(c.genre_exposure, 0.0, 1.0)) {
    return Invalid("genre_exposure", "0 to 1", std::to_string(c.genre_exposure));
  }
  if (!InRange(c.taste_concentration, 0.01, 1000.0)) {
    return Invalid("taste_concentration", "0.01 to 1000", std::to_string(c.taste_concentration));
  }
  if (!InRange(c.activity_spread, 0.0, 3.0)) {
    return Invalid("activity_spread", "0 to 3", std::to_string(c.activity_spread));
  }
  if (!InRange(c.ai_artwork_share, 0.0, 1.0)) {
    return Invalid("ai_artwork_share", "0 to 1", std::to_string(c.ai_artwork_share));
  }
  const std::pair<const char*, double> shares[] = {
      {"minor_share", c.minor_share}, {"deceased_share", c.deceased_share},
      {"episode_share", c.episode_share}, {"unset_source_share", c.unset_source_share},
      {"reused_artwork_share", c.reused_artwork_share}, {"misleading_share", c.misleading_share}};
  for (const auto& [name, value] : shares) {
    if (!InRange(value, 0.0, 1.0)) return Invalid(name, "0 to 1", std::to_string(value));
  }
  if (c.minor_share + c.deceased_share > 1.0) {
    return Invalid("minor_share", "minor_share + deceased_share <= 1",
                   std::to_string(c.minor_share + c.deceased_share));
  }
  return Status::OK();
}

}  // namespace

const std::vector<std::string>& SyntheticGenreNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const GenreSpec& g : kGenres) v.emplace_back(g.name);
    return v;
  }();
  return names;
}

namespace synthetic {

double GenreBaseWeight(uint32_t genre) { return kGenres[genre].weight; }

std::string GenreSlug(const std::string& name) {
  std::string slug = name;
  for (char& c : slug) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return slug;
}

}  // namespace synthetic

Status SyntheticConfig::Validate() const {
  MARQUEE_RETURN_IF_ERROR(ValidateSizes(*this));
  return ValidateModel(*this);
}

std::string SyntheticConfig::Describe() const {
  return fmt::format("seed={} members={} titles={} plays={}", seed, members, titles, plays);
}

Result<SyntheticService> GenerateService(const SyntheticConfig& config,
                                         const ProgressCallback& progress) {
  MARQUEE_RETURN_IF_ERROR(config.Validate());
  SyntheticService service;
  Dataset& dataset = service.dataset;
  GroundTruth& truth = service.truth;
  truth.seed = config.seed;
  truth.generator = "synthetic: " + config.Describe();
  truth.genre_count = config.genres;
  truth.mainstream_share = config.mainstream_share;
  truth.genre_exposure = config.genre_exposure;

  synthetic::GenerateCatalog(config, progress, dataset, truth);
  std::vector<int64_t> join_times = synthetic::GenerateMembers(config, progress, dataset, truth);
  synthetic::SamplePlays(config, truth, join_times, progress, dataset);

  dataset.weight_kind = WeightKind::kPlays;
  dataset.source = truth.generator;
  return service;
}

}  // namespace marquee
