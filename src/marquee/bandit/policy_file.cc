// Policy files: a learned artwork policy saved so that a server can resume
// it, or an evaluation replay it, on the catalog it learned from.
#include <string>

#include "marquee/bandit/policy.h"
#include "marquee/util/checksum.h"
#include "marquee/util/random.h"
#include "marquee/util/section_file.h"

namespace marquee {

namespace {

constexpr char kMagic[] = "MQPOLICY";
constexpr uint32_t kVersion = 1;
constexpr uint32_t kMetaTag = FourCC("META");
constexpr uint32_t kArtworkTag = FourCC("ARTF");
constexpr uint32_t kStateTag = FourCC("STAT");
constexpr uint32_t kCountersTag = FourCC("CNTR");  // optional: a server snapshot's counters

// What a policy's state depends on: the global artwork index space. The ids
// are hashed in catalog order, with each title's variant count, since
// disjoint models are addressed by (title offset + variant).
struct ArtworkFingerprint {
  uint32_t count = 0;
  uint64_t hash = 0;
};

ArtworkFingerprint Fingerprint(const Catalog& catalog) {
  ArtworkFingerprint f;
  for (const Title& title : catalog.titles()) {
    f.hash = DeriveSeed(f.hash, title.artwork.size());
    for (const Artwork& art : title.artwork) f.hash = Hash64(art.id, f.hash);
    f.count += static_cast<uint32_t>(title.artwork.size());
  }
  return f;
}

Status CheckFingerprint(const ArtworkFingerprint& saved, const Catalog& catalog,
                        const std::string& path) {
  const ArtworkFingerprint now = Fingerprint(catalog);
  if (saved.count != now.count) {
    return Status::InvalidArgument(
        path + ": the policy was learned on a catalog with " + std::to_string(saved.count) +
        " artworks, this catalog has " + std::to_string(now.count) +
        "; expected the catalog it was learned on");
  }
  if (saved.hash != now.hash) {
    return Status::InvalidArgument(
        path + ": the policy was learned on a catalog with the same number of artworks (" +
        std::to_string(now.count) +
        ") but different artwork ids or titles; expected the catalog it was learned on");
  }
  return Status::OK();
}

}  // namespace

Status SaveArtworkPolicy(const ArtworkPolicy& policy, const Catalog& catalog,
                         const std::string& path, const ArtworkPolicyCounters* counters) {
  if (catalog.ArtworkCount() != policy.features().artwork_count()) {
    return Status::InvalidArgument(path + ": the policy's features describe " +
                                   std::to_string(policy.features().artwork_count()) +
                                   " artworks, the catalog has " +
                                   std::to_string(catalog.ArtworkCount()));
  }
  SectionFileWriter out(kMagic, kVersion);
  ByteWriter meta;
  meta.String(policy.kind());
  meta.String(policy.parameters().ToString());
  out.AddSection(kMetaTag, std::move(meta));

  const ArtworkFingerprint fingerprint = Fingerprint(catalog);
  ByteWriter artwork;
  artwork.U32(fingerprint.count);
  artwork.U64(fingerprint.hash);
  out.AddSection(kArtworkTag, std::move(artwork));

  ByteWriter state;
  policy.SaveState(state);
  out.AddSection(kStateTag, std::move(state));
  if (counters != nullptr) {
    ByteWriter counts;
    counts.U64(counters->updates);
    counts.U64(counters->rewarded);
    out.AddSection(kCountersTag, std::move(counts));
  }
  return out.Write(path);
}

Result<std::unique_ptr<ArtworkPolicy>> LoadArtworkPolicy(
    const std::string& path, const Catalog& catalog, std::shared_ptr<const ArtworkFeatures> features,
    ArtworkPolicyCounters* counters) {
  MARQUEE_ASSIGN_OR_RETURN(SectionFileReader in,
                           SectionFileReader::Open(path, kMagic, kVersion, "artwork policy"));

  MARQUEE_ASSIGN_OR_RETURN(std::string_view artwork_bytes, in.Section(kArtworkTag));
  ByteReader artwork(artwork_bytes, path + ": artwork fingerprint");
  ArtworkFingerprint saved;
  saved.count = artwork.U32();
  saved.hash = artwork.U64();
  if (artwork.ok() && !artwork.AtEnd()) artwork.Fail("trailing bytes");
  MARQUEE_RETURN_IF_ERROR(artwork.status());
  MARQUEE_RETURN_IF_ERROR(CheckFingerprint(saved, catalog, path));
  if (features != nullptr && features->artwork_count() != catalog.ArtworkCount()) {
    return Status::InvalidArgument(path + ": the features given describe " +
                                   std::to_string(features->artwork_count()) +
                                   " artworks, the catalog has " +
                                   std::to_string(catalog.ArtworkCount()));
  }

  MARQUEE_ASSIGN_OR_RETURN(std::string_view meta_bytes, in.Section(kMetaTag));
  ByteReader meta(meta_bytes, path + ": policy metadata");
  const std::string kind = meta.String();
  const std::string parameter_text = meta.String();
  if (meta.ok() && !meta.AtEnd()) meta.Fail("trailing bytes");
  MARQUEE_RETURN_IF_ERROR(meta.status());
  Result<Parameters> parameters = Parameters::Parse(parameter_text);
  if (!parameters.ok()) return parameters.status().WithContext(path);
  Result<std::unique_ptr<ArtworkPolicy>> policy =
      CreateArtworkPolicy(kind, *parameters, std::move(features));
  if (!policy.ok()) return policy.status().WithContext(path);

  MARQUEE_ASSIGN_OR_RETURN(std::string_view state_bytes, in.Section(kStateTag));
  ByteReader state(state_bytes, path + ": " + kind + " policy state");
  MARQUEE_RETURN_IF_ERROR((*policy)->LoadState(state));
  if (!state.AtEnd()) {
    state.Fail("trailing bytes");
    return state.status();
  }
  if (counters != nullptr) {
    *counters = {};
    if (in.Has(kCountersTag)) {
      MARQUEE_ASSIGN_OR_RETURN(std::string_view count_bytes, in.Section(kCountersTag));
      ByteReader counts(count_bytes, path + ": policy counters");
      counters->updates = counts.U64();
      counters->rewarded = counts.U64();
      if (counts.ok() && !counts.AtEnd()) counts.Fail("trailing bytes");
      MARQUEE_RETURN_IF_ERROR(counts.status());
    }
  }
  return policy;
}

}  // namespace marquee
