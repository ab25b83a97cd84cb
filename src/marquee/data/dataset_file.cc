#include "marquee/data/dataset_file.h"

#include <algorithm>

#include "marquee/util/section_file.h"

namespace marquee {

namespace {
constexpr char kMagic[] = "MQDATA";
constexpr uint32_t kMetaTag = FourCC("META");
constexpr uint32_t kMembersTag = FourCC("MEMB");
constexpr uint32_t kTitlesTag = FourCC("TITL");
constexpr uint32_t kMatrixTag = FourCC("CSR_");
constexpr uint32_t kCatalogTag = FourCC("CATL");
// Version 2: performer facts, title facts and artwork provenance, in the
// order of CATL's performers, titles and variants. Version 1 files have no
// FACT section and load with unknown facts (and quarantined artwork).
constexpr uint32_t kFactsTag = FourCC("FACT");
// Optional: each title's tags, in CATL's title order (a count, then strings).
constexpr uint32_t kTagsTag = FourCC("TAGS");

// Id maps and the CSR arrays are large: written as borrowed pieces, no copy.
// Each piece is preceded by its element count so the reader can check sizes.
void AddIdMap(SectionFileWriter& w, uint32_t tag, const IdMap& ids, ByteWriter& counts) {
  counts.U64(ids.arena().size());
  counts.U64(ids.offsets().size());
  w.AddBorrowedSection(tag, {counts.bytes(), ids.arena(), AsBytes(ids.offsets())});
}

Result<IdMap> ReadIdMap(const SectionFileReader& r, uint32_t tag, const char* what) {
  MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, r.Section(tag));
  ByteReader in(payload, r.path() + ": " + what);
  uint64_t arena_size = in.U64();
  uint64_t offset_count = in.U64();
  if (in.ok() && (arena_size > in.remaining() ||
                  offset_count != (in.remaining() - arena_size) / sizeof(uint64_t))) {
    in.Fail("sizes do not match the section");
  }
  if (!in.ok()) return in.status();
  std::string arena(payload.substr(16, arena_size));
  std::vector<uint64_t> offsets(offset_count);
  std::memcpy(offsets.data(), payload.data() + 16 + arena_size, offset_count * sizeof(uint64_t));
  auto ids = IdMap::FromParts(std::move(arena), std::move(offsets));
  if (!ids) return Status::Corruption(r.path() + ": " + what + ": inconsistent or duplicate ids");
  return std::move(*ids);
}

void WriteCatalog(const Catalog& catalog, ByteWriter& out) {
  out.U32(static_cast<uint32_t>(catalog.genres().size()));
  for (const std::string& g : catalog.genres()) out.String(g);
  out.U32(static_cast<uint32_t>(catalog.performers().size()));
  for (const Performer& p : catalog.performers()) {
    out.String(p.id);
    out.String(p.name);
  }
  out.U64(catalog.titles().size());
  for (const Title& t : catalog.titles()) {
    out.String(t.name);
    out.U32(static_cast<uint32_t>(t.year));
    out.Array<uint16_t>(t.genres);
    out.String(t.maturity);
    out.U32(static_cast<uint32_t>(t.regions.size()));
    for (const std::string& region : t.regions) out.String(region);
    out.U32(static_cast<uint32_t>(t.artwork.size()));
    for (const Artwork& a : t.artwork) {
      out.String(a.id);
      out.U32(static_cast<uint32_t>(a.tags.size()));
      for (const std::string& tag : a.tags) out.String(tag);
      out.Array<uint32_t>(a.performers);
      out.U8(a.ai_generated ? 1 : 0);
    }
  }
}

void OptionalDate(ByteWriter& out, const std::optional<int32_t>& date) {
  out.U8(date ? 1 : 0);
  out.U32(static_cast<uint32_t>(date.value_or(0)));
}

void WriteFacts(const Catalog& catalog, ByteWriter& out) {
  out.U32(static_cast<uint32_t>(catalog.performers().size()));
  for (const Performer& p : catalog.performers()) {
    OptionalDate(out, p.birth_date);
    OptionalDate(out, p.death_date);
    out.U32(static_cast<uint32_t>(p.unions.size()));
    for (const std::string& u : p.unions) out.String(u);
    out.String(p.representative);
  }
  out.U64(catalog.titles().size());
  for (const Title& t : catalog.titles()) {
    out.U32(t.runtime_minutes);
    OptionalDate(out, t.release_date);
    out.U8(t.episode_of ? 1 : 0);
    if (t.episode_of) {
      out.String(t.episode_of->series_id);
      out.U32(t.episode_of->season);
      out.U32(t.episode_of->episode);
    }
    out.U32(static_cast<uint32_t>(t.credits.size()));
    for (const Credit& c : t.credits) {
      out.U32(c.performer);
      out.U8(static_cast<uint8_t>(c.role));
    }
    out.U32(static_cast<uint32_t>(t.artwork.size()));
    for (const Artwork& a : t.artwork) {
      out.U32(static_cast<uint32_t>(a.depicted.size()));
      for (const DepictedPerformer& d : a.depicted) {
        out.U32(d.performer);
        out.U8(d.recognizable ? 1 : 0);
        out.U8(static_cast<uint8_t>(d.prominence));
      }
      out.U8(static_cast<uint8_t>(a.digital_source_type));
      out.U8(static_cast<uint8_t>(a.replica_kind));
      out.U32(a.source_title);
      out.String(a.manifest_hash);
    }
  }
}

// Counts read from the file are checked against the bytes left before any
// allocation, so a damaged count cannot ask for terabytes.
bool Plausible(ByteReader& in, uint64_t count, uint64_t min_bytes_each) {
  if (count > in.remaining() / std::max<uint64_t>(min_bytes_each, 1)) {
    in.Fail("count " + std::to_string(count) + " exceeds the section size");
    return false;
  }
  return true;
}

Status ReadCatalog(ByteReader& in, Catalog& catalog) {
  uint32_t genre_count = in.U32();
  if (!Plausible(in, genre_count, 4)) return in.status();
  for (uint32_t i = 0; i < genre_count; ++i) catalog.GenreIndex(in.String());
  if (catalog.genres().size() != genre_count) in.Fail("duplicate genre names");
  uint32_t performer_count = in.U32();
  if (!Plausible(in, performer_count, 8)) return in.status();
  for (uint32_t i = 0; i < performer_count && in.ok(); ++i) {
    Performer p;
    p.id = in.String();
    p.name = in.String();
    catalog.AddPerformer(std::move(p));
  }
  if (in.ok() && catalog.performers().size() != performer_count) in.Fail("duplicate performer ids");
  uint64_t title_count = in.U64();
  if (!Plausible(in, title_count, 4 + 4 + 8 + 4 + 4 + 4)) return in.status();
  catalog.Resize(title_count);
  for (Title& t : catalog.titles()) {
    if (!in.ok()) break;
    t.name = in.String();
    t.year = static_cast<int32_t>(in.U32());
    t.genres = in.Array<uint16_t>();
    t.maturity = in.String();
    uint32_t region_count = in.U32();
    if (!Plausible(in, region_count, 4)) break;
    for (uint32_t i = 0; i < region_count; ++i) t.regions.push_back(in.String());
    uint32_t artwork_count = in.U32();
    if (!Plausible(in, artwork_count, 4 + 4 + 8 + 1)) break;
    t.artwork.resize(artwork_count);
    for (Artwork& a : t.artwork) {
      a.id = in.String();
      uint32_t tag_count = in.U32();
      if (!Plausible(in, tag_count, 4)) break;
      for (uint32_t i = 0; i < tag_count; ++i) a.tags.push_back(in.String());
      a.performers = in.Array<uint32_t>();
      a.ai_generated = in.U8() != 0;
    }
  }
  if (in.ok() && !in.AtEnd()) in.Fail("trailing bytes");
  return in.status();
}

std::optional<int32_t> ReadOptionalDate(ByteReader& in) {
  const bool present = in.U8() != 0;
  const int32_t days = static_cast<int32_t>(in.U32());
  if (!present) return std::nullopt;
  return days;
}

CastRole ReadRole(ByteReader& in) {
  const uint8_t v = in.U8();
  if (v >= kCastRoleCount) in.Fail("unknown cast role " + std::to_string(v));
  return static_cast<CastRole>(v < kCastRoleCount ? v : 0);
}

// FACT, against the catalog CATL filled: the counts must match.
Status ReadFacts(ByteReader& in, Catalog& catalog) {
  const uint32_t performer_count = in.U32();
  if (in.ok() && performer_count != catalog.performers().size()) {
    in.Fail("facts for " + std::to_string(performer_count) + " performers, the catalog has " +
            std::to_string(catalog.performers().size()));
  }
  for (uint32_t i = 0; i < performer_count && in.ok(); ++i) {
    Performer& p = catalog.performer(i);
    p.birth_date = ReadOptionalDate(in);
    p.death_date = ReadOptionalDate(in);
    uint32_t union_count = in.U32();
    if (!Plausible(in, union_count, 4)) break;
    for (uint32_t u = 0; u < union_count; ++u) p.unions.push_back(in.String());
    p.representative = in.String();
  }
  const uint64_t title_count = in.U64();
  if (in.ok() && title_count != catalog.size()) {
    in.Fail("facts for " + std::to_string(title_count) + " titles, the catalog has " +
            std::to_string(catalog.size()));
  }
  for (Title& t : catalog.titles()) {
    if (!in.ok()) break;
    t.runtime_minutes = in.U32();
    t.release_date = ReadOptionalDate(in);
    if (in.U8() != 0) {
      EpisodeOf e;
      e.series_id = in.String();
      e.season = in.U32();
      e.episode = in.U32();
      t.episode_of = std::move(e);
    }
    uint32_t credit_count = in.U32();
    if (!Plausible(in, credit_count, 5)) break;
    t.credits.resize(credit_count);
    for (Credit& c : t.credits) {
      c.performer = in.U32();
      c.role = ReadRole(in);
    }
    uint32_t artwork_count = in.U32();
    if (in.ok() && artwork_count != t.artwork.size()) in.Fail("artwork count differs from the catalog's");
    for (Artwork& a : t.artwork) {
      if (!in.ok()) break;
      uint32_t depicted_count = in.U32();
      if (!Plausible(in, depicted_count, 6)) break;
      a.depicted.resize(depicted_count);
      for (DepictedPerformer& d : a.depicted) {
        d.performer = in.U32();
        d.recognizable = in.U8() != 0;
        d.prominence = ReadRole(in);
      }
      const uint8_t source = in.U8();
      const uint8_t replica = in.U8();
      if (source >= kDigitalSourceTypeCount) in.Fail("unknown digital source type " + std::to_string(source));
      if (replica >= kReplicaKindCount) in.Fail("unknown replica kind " + std::to_string(replica));
      if (!in.ok()) break;
      a.digital_source_type = static_cast<DigitalSourceType>(source);
      a.replica_kind = static_cast<ReplicaKind>(replica);
      a.source_title = in.U32();
      a.manifest_hash = in.String();
    }
  }
  if (in.ok() && !in.AtEnd()) in.Fail("trailing bytes");
  return in.status();
}

template <typename T>
std::vector<T> ReadArrayExpect(ByteReader& in, uint64_t expected, const char* name) {
  std::vector<T> v = in.template Array<T>();
  if (in.ok() && v.size() != expected) {
    in.Fail(std::string(name) + " has " + std::to_string(v.size()) + " entries, expected " +
            std::to_string(expected));
  }
  return v;
}
}  // namespace

Status SaveDataset(const Dataset& dataset, const std::string& path) {
  MARQUEE_RETURN_IF_ERROR(dataset.Validate());
  SectionFileWriter w(kMagic, kDatasetFormatVersion);

  ByteWriter meta;
  meta.U8(static_cast<uint8_t>(dataset.weight_kind));
  meta.String(dataset.source);
  w.AddSection(kMetaTag, std::move(meta));

  ByteWriter member_counts, title_counts;
  AddIdMap(w, kMembersTag, dataset.members, member_counts);
  AddIdMap(w, kTitlesTag, dataset.titles, title_counts);

  const InteractionMatrix& m = dataset.interactions;
  ByteWriter shape;
  shape.U32(m.rows());
  shape.U32(m.cols());
  ByteWriter ip, ix, wt, tm;
  ip.U64(m.indptr().size());
  ix.U64(m.indices().size());
  wt.U64(m.weights().size());
  tm.U64(m.times().size());
  w.AddBorrowedSection(kMatrixTag, {shape.bytes(), ip.bytes(), AsBytes(m.indptr()), ix.bytes(),
                                    AsBytes(m.indices()), wt.bytes(), AsBytes(m.weights()),
                                    tm.bytes(), AsBytes(m.times())});

  ByteWriter catalog;
  WriteCatalog(dataset.catalog, catalog);
  w.AddSection(kCatalogTag, std::move(catalog));
  ByteWriter facts;
  WriteFacts(dataset.catalog, facts);
  w.AddSection(kFactsTag, std::move(facts));
  const auto& titles = dataset.catalog.titles();
  if (std::any_of(titles.begin(), titles.end(), [](const Title& t) { return !t.tags.empty(); })) {
    ByteWriter tags;
    tags.U32(static_cast<uint32_t>(titles.size()));
    for (const Title& t : titles) {
      tags.U32(static_cast<uint32_t>(t.tags.size()));
      for (const std::string& tag : t.tags) tags.String(tag);
    }
    w.AddSection(kTagsTag, std::move(tags));
  }
  return w.Write(path);
}

Result<Dataset> LoadDataset(const std::string& path) {
  MARQUEE_ASSIGN_OR_RETURN(SectionFileReader r,
                           SectionFileReader::Open(path, kMagic, kDatasetFormatVersion, "dataset"));
  Dataset d;
  {
    MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, r.Section(kMetaTag));
    ByteReader in(payload, path + ": metadata");
    uint8_t kind = in.U8();
    if (kind > static_cast<uint8_t>(WeightKind::kPlays)) in.Fail("unknown weight kind");
    d.weight_kind = static_cast<WeightKind>(kind);
    d.source = in.String();
    if (!in.ok()) return in.status();
  }
  MARQUEE_ASSIGN_OR_RETURN(d.members, ReadIdMap(r, kMembersTag, "member ids"));
  MARQUEE_ASSIGN_OR_RETURN(d.titles, ReadIdMap(r, kTitlesTag, "title ids"));
  {
    MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, r.Section(kMatrixTag));
    ByteReader in(payload, path + ": interactions");
    uint32_t rows = in.U32();
    uint32_t cols = in.U32();
    auto indptr = ReadArrayExpect<uint64_t>(in, static_cast<uint64_t>(rows) + 1, "indptr");
    uint64_t nnz = indptr.empty() ? 0 : indptr.back();
    auto indices = ReadArrayExpect<uint32_t>(in, nnz, "indices");
    auto weights = ReadArrayExpect<float>(in, nnz, "weights");
    auto times = in.Array<int64_t>();
    if (in.ok() && !times.empty() && times.size() != nnz) in.Fail("times has the wrong length");
    if (!in.ok()) return in.status();
    d.interactions = InteractionMatrix(rows, cols, std::move(indptr), std::move(indices),
                                       std::move(weights), std::move(times));
  }
  {
    MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, r.Section(kCatalogTag));
    ByteReader in(payload, path + ": catalog");
    MARQUEE_RETURN_IF_ERROR(ReadCatalog(in, d.catalog));
  }
  if (r.Has(kFactsTag)) {
    MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, r.Section(kFactsTag));
    ByteReader in(payload, path + ": catalog facts");
    MARQUEE_RETURN_IF_ERROR(ReadFacts(in, d.catalog));
  }
  if (r.Has(kTagsTag)) {
    MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, r.Section(kTagsTag));
    ByteReader in(payload, path + ": tags");
    const uint32_t count = in.U32();
    if (in.ok() && count != d.catalog.size()) {
      in.Fail("tags for " + std::to_string(count) + " titles, the catalog has " + std::to_string(d.catalog.size()));
    }
    for (uint32_t t = 0; in.ok() && t < count; ++t) {
      const uint32_t n = in.U32();
      for (uint32_t i = 0; in.ok() && i < n; ++i) d.catalog.titles()[t].tags.push_back(in.String());
    }
    if (!in.ok()) return in.status();
  }
  Status valid = d.Validate();
  if (!valid.ok()) return valid.WithContext(path);
  return d;
}

}  // namespace marquee
