#include "marquee/synthetic/ground_truth.h"

#include <algorithm>
#include <cmath>

#include "marquee/util/section_file.h"

namespace marquee {

namespace {
constexpr char kMagic[] = "MQTRUTH";
constexpr uint32_t kMetaTag = FourCC("META");
constexpr uint32_t kMembersTag = FourCC("MEMB");
constexpr uint32_t kTitlesTag = FourCC("TITL");
constexpr uint32_t kArtworkTag = FourCC("ARTW");
constexpr uint32_t kHonestyTag = FourCC("HNST");  // optional (see ground_truth.h)

Status Bad(const std::string& what) { return Status::Corruption("ground truth: " + what); }

template <typename T>
bool AllFinite(const std::vector<T>& values) {
  return std::all_of(values.begin(), values.end(), [](T v) { return std::isfinite(v); });
}

// Offsets start at 0, never decrease and end at `end`.
bool ValidOffsets(const std::vector<uint32_t>& offsets, size_t expected_size, uint64_t end) {
  if (offsets.size() != expected_size || offsets.front() != 0 || offsets.back() != end) {
    return false;
  }
  return std::is_sorted(offsets.begin(), offsets.end());
}

Status ValidateMembers(const GroundTruth& t) {
  const size_t members = t.member_kind.size();
  if (t.member_taste.size() != members * t.genre_count) return Bad("taste matrix has the wrong size");
  if (t.member_activity.size() != members) return Bad("activity has the wrong size");
  if (t.member_plays.size() != members) return Bad("play counts have the wrong size");
  if (!AllFinite(t.member_taste) || !AllFinite(t.member_activity)) return Bad("non-finite member value");
  for (uint16_t kind : t.member_kind) {
    if (kind >= t.genre_count) return Bad("member kind " + std::to_string(kind) + " out of range");
  }
  for (float v : t.member_taste) {
    if (v < 0.0f) return Bad("negative taste");
  }
  return Status::OK();
}

Status ValidateTitles(const GroundTruth& t) {
  const size_t titles = t.title_quality.size();
  if (t.title_popularity.size() != titles) return Bad("popularity has the wrong size");
  if (!ValidOffsets(t.title_genre_offsets, titles + 1, t.title_genres.size())) {
    return Bad("title genre offsets are inconsistent");
  }
  for (uint16_t g : t.title_genres) {
    if (g >= t.genre_count) return Bad("title genre " + std::to_string(g) + " out of range");
  }
  if (t.genre_popularity.size() != t.genre_count) return Bad("genre popularity has the wrong size");
  if (!AllFinite(t.title_quality) || !AllFinite(t.title_popularity) ||
      !AllFinite(t.genre_popularity)) {
    return Bad("non-finite title value");
  }
  return Status::OK();
}

Status ValidateArtwork(const GroundTruth& t) {
  const size_t titles = t.title_quality.size();
  if (t.artwork_offsets.size() != titles + 1 || t.artwork_offsets.front() != 0 ||
      !std::is_sorted(t.artwork_offsets.begin(), t.artwork_offsets.end())) {
    return Bad("artwork offsets are inconsistent");
  }
  if (t.artwork_appeal.size() != t.artwork_count() * t.genre_count) {
    return Bad("artwork appeal has the wrong size");
  }
  for (float v : t.artwork_appeal) {
    if (!std::isfinite(v) || v <= 0.0f) return Bad("artwork appeal must be positive and finite");
  }
  if (!t.artwork_qualify.empty() && t.artwork_qualify.size() != t.artwork_count()) {
    return Bad("qualifying probabilities have the wrong size");
  }
  for (float v : t.artwork_qualify) {
    if (!(v >= 0.0f && v <= 1.0f)) return Bad("qualifying probability outside [0, 1]");
  }
  if (!t.artwork_misleading.empty() && t.artwork_misleading.size() != t.artwork_count()) {
    return Bad("misleading flags have the wrong size");
  }
  for (uint8_t v : t.artwork_misleading) {
    if (v > 1) return Bad("misleading flag " + std::to_string(v) + " is neither 0 nor 1");
  }
  return Status::OK();
}

template <typename T>
void PutArray(ByteWriter& out, const std::vector<T>& values) {
  out.Array<T>(std::span<const T>(values));
}
}  // namespace

float GroundTruth::TasteMatch(uint32_t member, uint32_t title) const {
  const float* taste = member_taste.data() + static_cast<size_t>(member) * genre_count;
  float match = 0.0f;
  for (uint16_t g : TitleGenres(title)) match += taste[g];
  return std::min(match, 1.0f);
}

namespace {
// What the sampler does with a member's taste: genre g is chosen with weight
// taste[g] * Z_g^exposure (Z_g = genre_popularity, genres without titles
// never), then title t of g with probability popularity[t] / Z_g. So title t
// gets popularity[t] * sum over its genres of taste[g] * Z_g^(exposure - 1),
// over the member's total weight.
struct GenreChoice {
  std::vector<double> per_title_factor;  // Z_g^(exposure - 1), 0 for empty genres
  double total = 0.0;                    // sum of taste[g] * Z_g^exposure
};

GenreChoice ChooseGenres(const GroundTruth& t, std::span<const float> taste) {
  GenreChoice c;
  c.per_title_factor.assign(t.genre_count, 0.0);
  for (uint32_t g = 0; g < t.genre_count; ++g) {
    const double z = t.genre_popularity[g];
    if (z <= 0.0) continue;
    c.per_title_factor[g] = std::pow(z, t.genre_exposure - 1.0);
    c.total += taste[g] * c.per_title_factor[g] * z;
  }
  return c;
}

// A mainstream draw by popularity, otherwise by genre as above; a member
// whose tastes have no titles at all falls back to popularity.
double Affinity(const GroundTruth& t, const GenreChoice& c, std::span<const float> taste,
                uint32_t title) {
  const double pop = t.title_popularity[title];
  if (c.total <= 0.0) return pop;
  double within = 0.0;
  for (uint16_t g : t.TitleGenres(title)) within += taste[g] * c.per_title_factor[g];
  return t.mainstream_share * pop + (1.0 - t.mainstream_share) * pop * within / c.total;
}
}  // namespace

float GroundTruth::TrueAffinity(uint32_t member, uint32_t title) const {
  std::span<const float> taste = Taste(member);
  return static_cast<float>(Affinity(*this, ChooseGenres(*this, taste), taste, title));
}

void GroundTruth::TrueAffinities(uint32_t member, std::span<float> out) const {
  std::span<const float> taste = Taste(member);
  const GenreChoice choice = ChooseGenres(*this, taste);
  for (uint32_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(Affinity(*this, choice, taste, i));
}

double GroundTruth::BasePlayProbability(uint32_t member, uint32_t title) const {
  const double base = kBasePlayFloor + kBasePlayScale * TasteMatch(member, title) * title_quality[title];
  return std::clamp(base, 0.0, 1.0);
}

double GroundTruth::PlayProbability(uint32_t member, uint32_t title, uint32_t variant) const {
  double base = kBasePlayFloor + kBasePlayScale * TasteMatch(member, title) * title_quality[title];
  double p = base * ArtworkAppeal(ArtworkIndex(title, variant), Kind(member));
  return std::clamp(p, 0.0, 1.0);
}

Status GroundTruth::Validate() const {
  if (genre_count == 0 || genre_count > UINT16_MAX) return Bad("genre count out of range");
  if (!std::isfinite(mainstream_share) || mainstream_share < 0.0 || mainstream_share > 1.0) {
    return Bad("mainstream share outside [0, 1]");
  }
  if (!std::isfinite(genre_exposure) || genre_exposure < 0.0 || genre_exposure > 1.0) {
    return Bad("genre exposure outside [0, 1]");
  }
  MARQUEE_RETURN_IF_ERROR(ValidateMembers(*this));
  MARQUEE_RETURN_IF_ERROR(ValidateTitles(*this));
  return ValidateArtwork(*this);
}

Status SaveGroundTruth(const GroundTruth& truth, const std::string& path) {
  MARQUEE_RETURN_IF_ERROR(truth.Validate());
  SectionFileWriter w(kMagic, kGroundTruthFormatVersion);

  ByteWriter meta;
  meta.U64(truth.seed);
  meta.String(truth.generator);
  meta.U32(truth.genre_count);
  meta.F64(truth.mainstream_share);
  meta.F64(truth.genre_exposure);
  w.AddSection(kMetaTag, std::move(meta));

  ByteWriter members;
  PutArray(members, truth.member_taste);
  PutArray(members, truth.member_activity);
  PutArray(members, truth.member_kind);
  PutArray(members, truth.member_plays);
  w.AddSection(kMembersTag, std::move(members));

  ByteWriter titles;
  PutArray(titles, truth.title_quality);
  PutArray(titles, truth.title_popularity);
  PutArray(titles, truth.title_genre_offsets);
  PutArray(titles, truth.title_genres);
  PutArray(titles, truth.genre_popularity);
  w.AddSection(kTitlesTag, std::move(titles));

  ByteWriter artwork;
  PutArray(artwork, truth.artwork_offsets);
  PutArray(artwork, truth.artwork_appeal);
  w.AddSection(kArtworkTag, std::move(artwork));

  if (!truth.artwork_qualify.empty() || !truth.artwork_misleading.empty()) {
    ByteWriter honesty;
    PutArray(honesty, truth.artwork_qualify);
    PutArray(honesty, truth.artwork_misleading);
    w.AddSection(kHonestyTag, std::move(honesty));
  }
  return w.Write(path);
}

namespace {
// Runs `read` over the payload of section `tag`; the whole payload must be
// consumed, so a section that is too long is as wrong as one too short.
template <typename Fn>
Status ReadSection(const SectionFileReader& r, uint32_t tag, const char* what, Fn read) {
  MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, r.Section(tag));
  ByteReader in(payload, r.path() + ": " + what);
  read(in);
  if (in.ok() && !in.AtEnd()) in.Fail("trailing bytes");
  return in.status();
}
}  // namespace

Result<GroundTruth> LoadGroundTruth(const std::string& path) {
  MARQUEE_ASSIGN_OR_RETURN(
      SectionFileReader r,
      SectionFileReader::Open(path, kMagic, kGroundTruthFormatVersion, "ground truth"));
  GroundTruth t;
  MARQUEE_RETURN_IF_ERROR(ReadSection(r, kMetaTag, "metadata", [&](ByteReader& in) {
    t.seed = in.U64();
    t.generator = in.String();
    t.genre_count = in.U32();
    t.mainstream_share = in.F64();
    t.genre_exposure = in.F64();
  }));
  MARQUEE_RETURN_IF_ERROR(ReadSection(r, kMembersTag, "members", [&](ByteReader& in) {
    t.member_taste = in.Array<float>();
    t.member_activity = in.Array<float>();
    t.member_kind = in.Array<uint16_t>();
    t.member_plays = in.Array<uint32_t>();
  }));
  MARQUEE_RETURN_IF_ERROR(ReadSection(r, kTitlesTag, "titles", [&](ByteReader& in) {
    t.title_quality = in.Array<float>();
    t.title_popularity = in.Array<float>();
    t.title_genre_offsets = in.Array<uint32_t>();
    t.title_genres = in.Array<uint16_t>();
    t.genre_popularity = in.Array<float>();
  }));
  MARQUEE_RETURN_IF_ERROR(ReadSection(r, kArtworkTag, "artwork", [&](ByteReader& in) {
    t.artwork_offsets = in.Array<uint32_t>();
    t.artwork_appeal = in.Array<float>();
  }));
  if (r.Has(kHonestyTag)) {
    MARQUEE_RETURN_IF_ERROR(ReadSection(r, kHonestyTag, "honesty", [&](ByteReader& in) {
      t.artwork_qualify = in.Array<float>();
      t.artwork_misleading = in.Array<uint8_t>();
    }));
  }
  Status valid = t.Validate();
  if (!valid.ok()) return valid.WithContext(path);
  return t;
}

}  // namespace marquee
