// Catalog stage of the synthetic service: performers, titles (names, genres,
// years, maturity, regions, exposure, quality) and artwork variants with
// their true appeal for each kind of member. See synthetic.cc for the model.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numeric>

#include <fmt/format.h>

#include "marquee/synthetic/synthetic_internal.h"
#include "marquee/util/civil_time.h"

namespace marquee::synthetic {

namespace {

constexpr std::array<const char*, 48> kAdjectives = {
    "Silent", "Crimson", "Hidden", "Broken", "Golden", "Last", "Lost", "Midnight",
    "Burning", "Frozen", "Quiet", "Wild", "Hollow", "Electric", "Distant", "Savage",
    "Velvet", "Iron", "Secret", "Endless", "Pale", "Bright", "Restless", "Fallen",
    "Shattered", "Northern", "Sunken", "Scarlet", "Wandering", "Forgotten", "Gentle", "Bitter",
    "Stolen", "Painted", "Final", "Ancient", "Silver", "Reckless", "Tender", "Neon",
    "Hungry", "Rising", "Crooked", "Lucky", "Strange", "Eternal", "Little", "Dark"};
constexpr std::array<const char*, 64> kNouns = {
    "Harbor", "Kingdom", "River", "Signal", "Garden", "Empire", "Mirror", "Frontier",
    "Storm", "Orchard", "Station", "Horizon", "Lantern", "Voyage", "Circus", "Island",
    "Machine", "Summer", "Winter", "Witness", "Stranger", "Promise", "Shadow", "Crown",
    "Desert", "Forest", "Letter", "Canyon", "Engine", "Compass", "Tide", "Ember",
    "Citadel", "Highway", "Ballad", "Archive", "Protocol", "Harvest", "Orbit", "Labyrinth",
    "Covenant", "Meridian", "Outpost", "Carnival", "Sanctuary", "Verdict", "Paradox", "Inheritance",
    "Lighthouse", "Wilderness", "Reckoning", "Masquerade", "Frequency", "Avalanche", "Detour",
    "Requiem", "Heist", "Odyssey", "Eclipse", "Cartel", "Symphony", "Academy", "Colony", "Safehouse"};
constexpr std::array<const char*, 40> kFirstNames = {
    "Ava", "Liam", "Maya", "Noah", "Zoe", "Ethan", "Lena", "Omar", "Iris", "Mateo",
    "Nora", "Kenji", "Priya", "Lucas", "Sofia", "Felix", "Amara", "Hugo", "Chloe", "Ravi",
    "Elena", "Jonah", "Yuki", "Diego", "Clara", "Tariq", "Hana", "Oscar", "Leila", "Arjun",
    "Greta", "Malik", "Ines", "Theo", "Ada", "Sami", "Freya", "Marco", "Aiko", "Jude"};
constexpr std::array<const char*, 40> kLastNames = {
    "Hart", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Reyes", "Bauer",
    "Kapoor", "Whitfield", "Castellano", "Adeyemi", "Petrov", "Nakamura", "Duarte", "Sinclair",
    "Haddad", "Ferreira", "Kowalski", "Blackwood", "Mendes", "Sato", "Larsen", "Quinn",
    "Abernathy", "Rossi", "Varga", "Osei", "Delacroix", "Ibarra", "Holm", "Chandra", "Wolfe",
    "Marchetti", "Eriksen", "Mbeki", "Vance", "Arslan", "Fontaine"};
constexpr std::array<const char*, 8> kRegions = {"US", "GB", "DE", "FR", "BR", "JP", "IN", "CA"};
constexpr std::array<const char*, 5> kMaturities = {"G", "PG", "PG-13", "R", "TV-MA"};
constexpr std::array<const char*, 3> kStyles = {"closeup", "ensemble", "text"};
enum Style : uint8_t { kCloseup = 0, kEnsemble = 1, kText = 2 };

// Effects on the log of an artwork's appeal (see synthetic.cc).
constexpr double kMoodMatchBonus = 0.9;
constexpr double kStarBonus = 0.35;
constexpr double kAiEffect = -0.05;
constexpr double kStyleSpread = 0.3;
constexpr double kArtworkSpread = 0.1;
constexpr double kKindArtworkSpread = 0.05;

// Honesty (see synthetic.cc): P(a start qualifies) for honest and
// misleading variants, and how much more a misleading image draws.
constexpr double kHonestQualifyLow = 0.70;
constexpr double kHonestQualifyHigh = 0.85;
constexpr double kMisleadingQualifyLow = 0.12;
constexpr double kMisleadingQualifyHigh = 0.18;
constexpr double kMisleadingStartBoost = 1.5;
constexpr uint32_t kMisleadingMinVariants = 3;

constexpr double kRestrictedShare = 0.25;  // titles not available everywhere
constexpr std::array<const char*, 5> kAgencies = {
    "Northlight Talent", "Meridian Artists", "Bluewater Management", "Keystone Agency",
    "Harbor & Vale Representation"};
constexpr double kUnionShare = 0.85;         // SAG-AFTRA members
constexpr double kEquityShare = 0.10;        // Equity members (some in both)
constexpr double kRepresentedShare = 0.7;    // living adults with an agency
constexpr double kSupportingShare = 0.75;    // non-lead cast billed supporting (else background)
constexpr double kDepictedExtraShare = 0.25; // variants that also show a background extra
constexpr double kManifestShare = 0.4;       // camera images with a content-credentials manifest

constexpr uint32_t kOldestYear = 1950;
constexpr uint32_t kNewestYear = 2025;

// What the appeal model needs to know about one artwork variant.
struct ArtworkFeatures {
  uint16_t mood_genre = 0;
  uint8_t style = kText;
  bool ai_generated = false;
  float star = 0.0f;  // star power of the most famous featured performer, 0 if none
};

struct TitleDraft {
  float quality = 0.0f;
  std::vector<ArtworkFeatures> artwork;
};

template <size_t N>
const char* Pick(Rng& rng, const std::array<const char*, N>& words) {
  return words[rng.Below(static_cast<uint32_t>(N))];
}

// Index drawn with probability proportional to weights[i] (small tables).
template <typename Weights>
uint32_t PickWeighted(Rng& rng, const Weights& weights, uint32_t count) {
  double total = 0.0;
  for (uint32_t i = 0; i < count; ++i) total += weights[i];
  double u = rng.Uniform() * total;
  for (uint32_t i = 0; i + 1 < count; ++i) {
    u -= weights[i];
    if (u < 0.0) return i;
  }
  return count - 1;
}

// Stars first: performer p's star power falls as 1/sqrt(p + 1), and casting
// favours low indices in the same way, so famous performers are also frequent.
float StarPower(uint32_t performer) { return 1.0f / std::sqrt(static_cast<float>(performer) + 1.0f); }
uint32_t DrawPerformer(Rng& rng, uint32_t performers) {
  double u = rng.Uniform();
  return std::min(performers - 1, static_cast<uint32_t>(u * u * performers));
}

uint32_t PerformerCount(const SyntheticConfig& config) {
  if (config.performers != 0) return config.performers;
  return std::max<uint32_t>(20, config.titles * 2);
}

std::string FormatId(char prefix, int width, uint64_t index) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%c%0*llu", prefix, width, static_cast<unsigned long long>(index));
  return buf;
}

// The day period_end falls on, as days since 1970-01-01.
int64_t PeriodEndDay(const SyntheticConfig& config) {
  const int64_t end = config.period_end;
  return end / 86400 - (end % 86400 < 0 ? 1 : 0);
}

// Birth and death dates, unions and representative, from the performer's own
// facts generator (the name's draws are untouched).
void AddPerformerFacts(const SyntheticConfig& config, uint32_t index, Performer& p) {
  Rng rng(DeriveSeed(StreamSeed(config.seed, Stream::kPerformerFacts), index));
  const int64_t today = PeriodEndDay(config);
  constexpr double kYear = 365.2425;
  const double u = rng.Uniform();
  const bool minor = u < config.minor_share;
  const bool deceased = !minor && u < config.minor_share + config.deceased_share;
  // Minors are 6 to 17, adults 18 to 85 on period_end.
  const double age_years = minor ? 6.0 + 11.9 * rng.Uniform() : 18.01 + 67.0 * rng.Uniform();
  const int64_t birth = today - static_cast<int64_t>(age_years * kYear);
  p.birth_date = static_cast<int32_t>(birth);
  if (deceased) {
    // Died within the last 15 years, as an adult.
    const int64_t adult_days = today - birth - static_cast<int64_t>(18 * kYear);
    const int64_t back = 1 + rng.Below(static_cast<uint32_t>(std::clamp<int64_t>(adult_days, 1, 15 * 365)));
    p.death_date = static_cast<int32_t>(today - back);
  }
  if (rng.Bernoulli(kUnionShare)) p.unions.emplace_back("SAG-AFTRA");
  if (rng.Bernoulli(kEquityShare)) p.unions.emplace_back("Equity");
  const bool represented = rng.Bernoulli(kRepresentedShare);
  const char* agency = Pick(rng, kAgencies);
  if (deceased) {
    p.representative = "Estate of " + p.name;
  } else if (minor) {
    p.representative = "Guardian of " + p.name;
  } else if (represented) {
    p.representative = agency;
  }
}

void AddPerformers(const SyntheticConfig& config, Catalog& catalog) {
  const uint64_t stream = StreamSeed(config.seed, Stream::kPerformers);
  const uint32_t count = PerformerCount(config);
  for (uint32_t p = 0; p < count; ++p) {
    Rng rng(DeriveSeed(stream, p));
    Performer performer{FormatId('p', 6, p), std::string(Pick(rng, kFirstNames)) + " " + Pick(rng, kLastNames)};
    AddPerformerFacts(config, p, performer);
    catalog.AddPerformer(std::move(performer));
  }
}

std::string TitleName(Rng& rng) {
  switch (rng.Below(5)) {
    case 0: return std::string("The ") + Pick(rng, kAdjectives) + " " + Pick(rng, kNouns);
    case 1: return std::string(Pick(rng, kNouns)) + " of the " + Pick(rng, kAdjectives) + " " +
                   Pick(rng, kNouns);
    case 2: return std::string(Pick(rng, kAdjectives)) + " " + Pick(rng, kNouns);
    case 3: return std::string(Pick(rng, kFirstNames)) + "'s " + Pick(rng, kNouns);
    default: return std::string("The ") + Pick(rng, kNouns);
  }
}

// 1 to 3 distinct genres, primary first, common genres more likely.
std::vector<uint16_t> TitleGenres(Rng& rng, uint32_t genre_count) {
  double u = rng.Uniform();
  uint32_t want = u < 0.45 ? 1 : (u < 0.85 ? 2 : 3);
  want = std::min(want, genre_count);
  std::vector<double> weights(genre_count);
  for (uint32_t g = 0; g < genre_count; ++g) weights[g] = GenreBaseWeight(g);
  std::vector<uint16_t> genres;
  while (genres.size() < want) {
    uint32_t g = PickWeighted(rng, weights, genre_count);
    genres.push_back(static_cast<uint16_t>(g));
    weights[g] = 0.0;  // drawn without replacement
  }
  return genres;
}

// Recent years are more common: 2025 - 75 * U^2.5.
int32_t TitleYear(Rng& rng) {
  double back = std::pow(rng.Uniform(), 2.5) * (kNewestYear - kOldestYear + 1);
  return static_cast<int32_t>(kNewestYear) - std::min<int32_t>(kNewestYear - kOldestYear,
                                                              static_cast<int32_t>(back));
}

std::string Maturity(Rng& rng, const std::string& primary_genre) {
  static constexpr double kFamily[] = {0.40, 0.45, 0.15, 0.0, 0.0};
  static constexpr double kDark[] = {0.0, 0.0, 0.25, 0.45, 0.30};
  static constexpr double kOther[] = {0.05, 0.20, 0.40, 0.25, 0.10};
  const double* weights = kOther;
  if (primary_genre == "Family" || primary_genre == "Animation") weights = kFamily;
  if (primary_genre == "Horror" || primary_genre == "Crime" || primary_genre == "Thriller" ||
      primary_genre == "War") {
    weights = kDark;
  }
  return kMaturities[PickWeighted(rng, weights, 5)];
}

// Most titles are available everywhere (empty list); the rest in a subset.
std::vector<std::string> Regions(Rng& rng) {
  std::vector<std::string> regions;
  if (!rng.Bernoulli(kRestrictedShare)) return regions;
  for (const char* region : kRegions) {
    if (rng.Bernoulli(0.5)) regions.emplace_back(region);
  }
  if (regions.empty()) regions.emplace_back(Pick(rng, kRegions));
  return regions;
}

// 2 to 6 distinct performers.
std::vector<uint32_t> Cast(Rng& rng, uint32_t performers) {
  uint32_t want = std::min<uint32_t>(2 + rng.Below(5), performers);
  std::vector<uint32_t> cast;
  for (int attempts = 0; cast.size() < want && attempts < 64; ++attempts) {
    uint32_t p = DrawPerformer(rng, performers);
    if (std::find(cast.begin(), cast.end(), p) == cast.end()) cast.push_back(p);
  }
  return cast;
}

// One artwork variant: its catalog entry and the features its appeal depends on.
Artwork MakeArtwork(Rng& rng, const std::string& title_id, uint32_t variant,
                    const std::vector<uint16_t>& genres, const std::vector<uint32_t>& cast,
                    const Catalog& catalog, double ai_share, ArtworkFeatures& features) {
  Artwork art;
  art.id = title_id + "-a" + std::to_string(variant + 1);
  features.mood_genre = genres[rng.Below(static_cast<uint32_t>(genres.size()))];
  features.style = static_cast<uint8_t>(cast.empty() ? uint32_t{kText} : rng.Below(3));
  uint32_t featured = 0;
  if (features.style == kCloseup) featured = 1;
  if (features.style == kEnsemble) featured = 2 + rng.Below(2);
  const uint32_t cast_size = static_cast<uint32_t>(cast.size());
  featured = std::min(featured, cast_size);
  // A window of the cast, leads (the first) more often than the rest.
  const uint32_t first = rng.Below(cast_size - featured + 1) / 2;
  for (uint32_t i = 0; i < featured; ++i) {
    uint32_t p = cast[first + i];
    art.performers.push_back(p);
    features.star = std::max(features.star, StarPower(p));
  }
  art.tags.push_back("mood:" + GenreSlug(catalog.genres()[features.mood_genre]));
  art.tags.push_back(std::string("style:") + kStyles[features.style]);
  for (uint32_t p : art.performers) art.tags.push_back("featured:" + catalog.performers()[p].id);
  features.ai_generated = art.ai_generated = rng.Bernoulli(ai_share);
  return art;
}

std::string ManifestHash(Rng& rng) {
  std::string hash = "sha256:";
  for (int i = 0; i < 4; ++i) hash += fmt::format("{:016x}", rng.Next());
  return hash;
}

// Digital source type, replica kind, source title and manifest of one variant.
void AddProvenance(const SyntheticConfig& config, uint32_t index, Rng& rng, Artwork& art) {
  const bool people = !art.performers.empty();
  const double u = rng.Uniform();
  if (art.ai_generated) {
    // Half composites (a real photograph altered), half generated outright.
    const bool composite = u < 0.5;
    art.digital_source_type = composite ? DigitalSourceType::kCompositeWithTrainedAlgorithmicMedia
                                        : DigitalSourceType::kTrainedAlgorithmicMedia;
    const double v = rng.Uniform();
    if (composite) {
      art.replica_kind = people ? ReplicaKind::kMaterialAlteration : ReplicaKind::kNone;
    } else if (people) {
      art.replica_kind = v < 0.7 ? ReplicaKind::kEmploymentBasedDigitalReplica
                                 : ReplicaKind::kIndependentlyCreatedDigitalReplica;
    } else {
      art.replica_kind = v < 0.5 ? ReplicaKind::kSyntheticPerformer : ReplicaKind::kNone;
    }
  } else if (!people) {
    art.digital_source_type = u < 0.5 ? DigitalSourceType::kDigitalCreation : DigitalSourceType::kDigitalCapture;
  } else if (u < 0.88) {
    art.digital_source_type = DigitalSourceType::kDigitalCapture;
  } else if (u < 0.97) {
    art.digital_source_type = DigitalSourceType::kHumanEdits;
    art.replica_kind = ReplicaKind::kCustomaryAlteration;
  } else {
    art.digital_source_type = DigitalSourceType::kCompositeCapture;
  }
  const bool manifest = art.ai_generated || rng.Bernoulli(kManifestShare);
  const std::string hash = ManifestHash(rng);
  if (manifest) art.manifest_hash = hash;
  const bool reused = rng.Bernoulli(config.reused_artwork_share) && config.titles > 1;
  uint32_t other = rng.Below(std::max<uint32_t>(config.titles - 1, 1));
  if (other >= index) ++other;
  if (reused) art.source_title = other;
  if (rng.Bernoulli(config.unset_source_share)) art.digital_source_type = DigitalSourceType::kUnset;
}

// Runtime, release date, episode, credits, and each variant's depicted list
// and provenance, from the title's own facts generator. `cast` is in billing
// order (the order the artwork's featured performers were drawn from).
void AddTitleFacts(const SyntheticConfig& config, uint32_t index, const std::vector<uint32_t>& cast,
                   uint32_t performer_count, Title& title) {
  Rng rng(DeriveSeed(StreamSeed(config.seed, Stream::kTitleFacts), index));
  if (rng.Bernoulli(config.episode_share)) {
    title.runtime_minutes = 22 + rng.Below(39);
    const uint32_t series = rng.Below(std::max<uint32_t>(config.titles / 10, 1));
    title.episode_of = EpisodeOf{FormatId('s', 6, series), 1 + rng.Below(6), 1 + rng.Below(12)};
  } else {
    title.runtime_minutes = 85 + rng.Below(66);
  }
  const int64_t first_day = DaysFromCivil(title.year, 1, 1);
  const int64_t year_days = DaysFromCivil(title.year + 1, 1, 1) - first_day;
  const int64_t release = first_day + rng.Below(static_cast<uint32_t>(year_days));
  title.release_date = static_cast<int32_t>(std::min(release, PeriodEndDay(config) - 1));

  const uint32_t leads = std::min<uint32_t>(2 + rng.Below(2), static_cast<uint32_t>(cast.size()));
  for (uint32_t i = 0; i < cast.size(); ++i) {
    const CastRole role = i < leads ? CastRole::kLead
                          : rng.Bernoulli(kSupportingShare) ? CastRole::kSupporting
                                                            : CastRole::kBackground;
    title.credits.push_back(Credit{cast[i], role});
  }
  const uint32_t extras = rng.Below(3);
  for (uint32_t e = 0; e < extras; ++e) {
    const uint32_t p = rng.Below(performer_count);
    const bool credited = std::any_of(title.credits.begin(), title.credits.end(),
                                      [&](const Credit& c) { return c.performer == p; });
    if (!credited) title.credits.push_back(Credit{p, CastRole::kBackground});
  }
  std::vector<uint32_t> background;
  for (const Credit& c : title.credits) {
    if (c.role == CastRole::kBackground) background.push_back(c.performer);
  }

  for (Artwork& art : title.artwork) {
    for (uint32_t p : art.performers) {
      auto credit = std::find_if(title.credits.begin(), title.credits.end(),
                                 [&](const Credit& c) { return c.performer == p; });
      art.depicted.push_back(DepictedPerformer{p, true, credit->role});
    }
    const bool extra = rng.Bernoulli(kDepictedExtraShare);
    const uint32_t pick = rng.Below(std::max<uint32_t>(static_cast<uint32_t>(background.size()), 1));
    if (extra && !background.empty()) {
      const uint32_t p = background[pick];
      const bool shown = std::any_of(art.depicted.begin(), art.depicted.end(),
                                     [&](const DepictedPerformer& d) { return d.performer == p; });
      if (!shown) art.depicted.push_back(DepictedPerformer{p, false, CastRole::kBackground});
    }
    AddProvenance(config, index, rng, art);
  }
}

TitleDraft MakeTitle(const SyntheticConfig& config, uint32_t index, const std::string& title_id,
                     Catalog& catalog) {
  Rng rng(DeriveSeed(StreamSeed(config.seed, Stream::kTitles), index));
  Title& title = catalog.titles()[index];
  title.name = TitleName(rng);
  title.genres = TitleGenres(rng, config.genres);
  title.year = TitleYear(rng);
  title.maturity = Maturity(rng, catalog.genres()[title.genres.front()]);
  title.regions = Regions(rng);
  TitleDraft draft;
  draft.quality = static_cast<float>(rng.Beta(2.5, 2.0));
  std::vector<uint32_t> cast = Cast(rng, static_cast<uint32_t>(catalog.performers().size()));
  uint32_t variants = config.min_artwork + rng.Below(config.max_artwork - config.min_artwork + 1);
  draft.artwork.resize(variants);
  for (uint32_t k = 0; k < variants; ++k) {
    title.artwork.push_back(MakeArtwork(rng, title_id, k, title.genres, cast, catalog,
                                        config.ai_artwork_share, draft.artwork[k]));
  }
  AddTitleFacts(config, index, cast, static_cast<uint32_t>(catalog.performers().size()), title);
  return draft;
}

// Exposure: a random ranking of titles, weight (rank + 1)^-exponent, sum 1.
std::vector<float> Popularity(const SyntheticConfig& config) {
  const uint32_t n = config.titles;
  std::vector<uint32_t> rank(n);
  std::iota(rank.begin(), rank.end(), 0u);
  Rng rng(StreamSeed(config.seed, Stream::kCatalog));
  for (uint32_t i = n; i > 1; --i) std::swap(rank[i - 1], rank[rng.Below(i)]);
  std::vector<double> weight(n);
  double total = 0.0;
  for (uint32_t t = 0; t < n; ++t) {
    weight[t] = std::pow(static_cast<double>(rank[t]) + 1.0, -config.popularity_exponent);
    total += weight[t];
  }
  std::vector<float> popularity(n);
  for (uint32_t t = 0; t < n; ++t) popularity[t] = static_cast<float>(weight[t] / total);
  return popularity;
}

void FillTitleTruth(const Catalog& catalog, const std::vector<TitleDraft>& drafts,
                    GroundTruth& truth) {
  const size_t n = catalog.size();
  truth.title_quality.resize(n);
  truth.title_genre_offsets.assign(n + 1, 0);
  truth.artwork_offsets.assign(n + 1, 0);
  truth.genre_popularity.assign(truth.genre_count, 0.0f);
  std::vector<double> genre_total(truth.genre_count, 0.0);
  for (size_t t = 0; t < n; ++t) {
    const Title& title = catalog.titles()[t];
    truth.title_quality[t] = drafts[t].quality;
    truth.title_genres.insert(truth.title_genres.end(), title.genres.begin(), title.genres.end());
    truth.title_genre_offsets[t + 1] = static_cast<uint32_t>(truth.title_genres.size());
    truth.artwork_offsets[t + 1] = truth.artwork_offsets[t] + static_cast<uint32_t>(title.artwork.size());
    for (uint16_t g : title.genres) genre_total[g] += truth.title_popularity[t];
  }
  for (uint32_t g = 0; g < truth.genre_count; ++g) {
    truth.genre_popularity[g] = static_cast<float>(genre_total[g]);
  }
}

// Per kind, a taste for each artwork style: some kinds respond to faces,
// others to ensembles or typography.
std::vector<double> StylePreferences(const SyntheticConfig& config, uint32_t kinds) {
  Rng rng(StreamSeed(config.seed, Stream::kKinds));
  std::vector<double> pref(static_cast<size_t>(kinds) * kStyles.size());
  for (double& v : pref) v = rng.Normal(0.0, kStyleSpread);
  return pref;
}

void FillArtworkAppeal(const SyntheticConfig& config, const std::vector<TitleDraft>& drafts,
                       GroundTruth& truth) {
  const uint32_t kinds = truth.genre_count;
  const std::vector<double> style_pref = StylePreferences(config, kinds);
  const uint64_t stream = StreamSeed(config.seed, Stream::kAppeal);
  truth.artwork_appeal.assign(truth.artwork_count() * kinds, 0.0f);
  const int64_t n = static_cast<int64_t>(drafts.size());
#pragma omp parallel for schedule(dynamic, 64)
  for (int64_t t = 0; t < n; ++t) {
    Rng rng(DeriveSeed(stream, static_cast<uint64_t>(t)));
    float* out = truth.artwork_appeal.data() + static_cast<size_t>(truth.artwork_offsets[t]) * kinds;
    for (const ArtworkFeatures& f : drafts[t].artwork) {
      double shared = kStarBonus * f.star + (f.ai_generated ? kAiEffect : 0.0) +
                      rng.Normal(0.0, kArtworkSpread);
      for (uint32_t k = 0; k < kinds; ++k) {
        double log_appeal = shared + style_pref[k * kStyles.size() + f.style] +
                            (f.mood_genre == k ? kMoodMatchBonus : 0.0) +
                            rng.Normal(0.0, kKindArtworkSpread);
        *out++ = static_cast<float>(std::exp(log_appeal));
      }
    }
  }
}

// Qualifying probabilities and misleading variants. Runs after the appeal is
// drawn and only rewrites the appeal of the misleading variants, so every
// other draw is what it was before honesty existed.
void FillHonesty(const SyntheticConfig& config, GroundTruth& truth) {
  const uint32_t kinds = truth.genre_count;
  const uint64_t stream = StreamSeed(config.seed, Stream::kHonesty);
  truth.artwork_qualify.assign(truth.artwork_count(), 0.0f);
  truth.artwork_misleading.assign(truth.artwork_count(), 0);
  const int64_t n = truth.title_count();
#pragma omp parallel for schedule(dynamic, 64)
  for (int64_t t = 0; t < n; ++t) {
    Rng rng(DeriveSeed(stream, static_cast<uint64_t>(t)));
    const uint32_t title = static_cast<uint32_t>(t);
    const uint32_t variants = truth.ArtworkCount(title);
    const uint32_t first = truth.ArtworkIndex(title, 0);
    for (uint32_t v = 0; v < variants; ++v) {
      truth.artwork_qualify[first + v] =
          static_cast<float>(kHonestQualifyLow + (kHonestQualifyHigh - kHonestQualifyLow) * rng.Uniform());
    }
    const bool misleading = rng.Bernoulli(config.misleading_share);
    const uint32_t pick = rng.Below(std::max<uint32_t>(variants, 1));
    const double u = rng.Uniform();
    if (!misleading || variants < kMisleadingMinVariants) continue;
    truth.artwork_misleading[first + pick] = 1;
    truth.artwork_qualify[first + pick] =
        static_cast<float>(kMisleadingQualifyLow + (kMisleadingQualifyHigh - kMisleadingQualifyLow) * u);
    float* appeal = truth.artwork_appeal.data();
    for (uint32_t k = 0; k < kinds; ++k) {
      float best = 0.0f;
      for (uint32_t v = 0; v < variants; ++v) {
        if (v != pick) best = std::max(best, appeal[static_cast<size_t>(first + v) * kinds + k]);
      }
      appeal[static_cast<size_t>(first + pick) * kinds + k] = static_cast<float>(kMisleadingStartBoost * best);
    }
  }
}

}  // namespace

void GenerateCatalog(const SyntheticConfig& config, const ProgressCallback& progress,
                     Dataset& dataset, GroundTruth& truth) {
  ProgressReporter report(progress, "generating catalog", config.titles);
  Catalog& catalog = dataset.catalog;
  const std::vector<std::string>& names = SyntheticGenreNames();
  for (uint32_t g = 0; g < config.genres; ++g) catalog.GenreIndex(names[g]);
  AddPerformers(config, catalog);

  dataset.titles.Reserve(config.titles, 7);
  std::vector<std::string> ids(config.titles);
  for (uint32_t t = 0; t < config.titles; ++t) {
    ids[t] = FormatId('t', 6, t);
    dataset.titles.GetOrAdd(ids[t]);
  }
  catalog.Resize(config.titles);
  std::vector<TitleDraft> drafts(config.titles);
  const int64_t n = config.titles;
#pragma omp parallel for schedule(dynamic, 64)
  for (int64_t t = 0; t < n; ++t) {
    drafts[t] = MakeTitle(config, static_cast<uint32_t>(t), ids[t], catalog);
    report.Advance(1);
  }
  truth.title_popularity = Popularity(config);
  FillTitleTruth(catalog, drafts, truth);
  FillArtworkAppeal(config, drafts, truth);
  FillHonesty(config, truth);
}

}  // namespace marquee::synthetic
