// JSON-lines catalog importer: read every record (form errors in file
// order), then resolve references, then apply. See catalog_import.h.
#include "marquee/io/catalog_import.h"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "marquee/io/import.h"
#include "marquee/io/import_common.h"
#include "marquee/io/text_scan.h"
#include "marquee/util/civil_time.h"
#include "marquee/util/file.h"
#include "marquee/util/json_fields.h"

namespace marquee {

namespace {

using nlohmann::json;
namespace jf = json_fields;

constexpr size_t kMaxInvalidExamples = 5;
constexpr int64_t kMaxRuntimeMinutes = 100000;
constexpr int64_t kMaxSeasonOrEpisode = 100000;

// ------------------------------------------------------------ records

struct CreditRecord {
  std::string field;  // "credits[1].performer", for reference errors
  std::string performer;
  CastRole role = CastRole::kLead;
};

struct DepictedRecord {
  std::string field;
  std::string performer;
  bool recognizable = true;
  CastRole prominence = CastRole::kLead;
};

struct PerformerRecord {
  size_t line = 0;
  Performer performer;
};

struct TitleRecord {
  size_t line = 0;
  std::string id;
  std::optional<std::string> name;
  std::optional<int32_t> year;
  std::optional<std::vector<std::string>> genres;
  std::optional<std::string> maturity;
  std::optional<std::vector<std::string>> regions;
  std::optional<uint32_t> runtime_minutes;
  std::optional<int32_t> release_date;
  std::optional<EpisodeOf> episode_of;
  std::optional<std::vector<CreditRecord>> credits;
};

struct ArtworkRecord {
  size_t line = 0;
  std::string id;
  std::string title;
  std::vector<std::string> tags;
  std::vector<DepictedRecord> depicted;
  DigitalSourceType digital_source_type = DigitalSourceType::kUnset;
  ReplicaKind replica_kind = ReplicaKind::kNone;
  std::optional<std::string> source_title;
  std::string manifest_hash;
};

// ------------------------------------------------------------ field readers
// Each returns InvalidField(field, "FIELD: expected ..., found ...").

// What a value is, for "found ...": scalars as they are (quoted, shortened),
// containers and null by their type.
std::string Found(const json& value) {
  if (value.is_string()) return QuoteForError(value.get_ref<const std::string&>());
  if (value.is_number() || value.is_boolean()) return jf::Dump(value);
  return jf::TypeName(value);
}

Status Wrong(const std::string& field, std::string_view expected, std::string_view found) {
  return jf::Invalid(field, fmt::format("expected {}, found {}", expected, found));
}

// RejectUnknownFields with the field in front, like every other message here.
Status OnlyFields(const json& object, const std::set<std::string>& known, std::string_view prefix) {
  Status s = jf::RejectUnknownFields(object, known, prefix);
  if (s.ok()) return s;
  return jf::Invalid(s.field(), s.message());
}

const json* Find(const json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

// A required id: a non-empty string, or an integer (as its decimal text).
Status ReadId(const json& object, const char* name, const std::string& prefix, std::string& out) {
  const std::string field = jf::Join(prefix, name);
  const json* v = Find(object, name);
  if (v == nullptr) return Wrong(field, "a string or integer id", "nothing");
  std::optional<std::string> id = jf::IdText(*v);
  if (!id) return Wrong(field, "a string or integer id", Found(*v));
  if (id->empty()) return Wrong(field, "a non-empty id", "\"\"");
  out = std::move(*id);
  return Status::OK();
}

Status ReadOptionalId(const json& object, const char* name, std::optional<std::string>& out) {
  if (Find(object, name) == nullptr) return Status::OK();
  std::string id;
  MARQUEE_RETURN_IF_ERROR(ReadId(object, name, "", id));
  out = std::move(id);
  return Status::OK();
}

Status ReadText(const json& object, const char* name, bool required, std::optional<std::string>& out) {
  const json* v = Find(object, name);
  if (v == nullptr) return required ? Wrong(name, "a string", "nothing") : Status::OK();
  if (!v->is_string()) return Wrong(name, "a string", Found(*v));
  out = v->get<std::string>();
  return Status::OK();
}

Status ReadStrings(const json& object, const char* name, std::optional<std::vector<std::string>>& out) {
  const json* v = Find(object, name);
  if (v == nullptr) return Status::OK();
  if (!v->is_array()) return Wrong(name, "an array of strings", Found(*v));
  std::vector<std::string> values;
  for (size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    const std::string field = fmt::format("{}[{}]", name, i);
    if (!item.is_string()) return Wrong(field, "a string", Found(item));
    if (item.get_ref<const std::string&>().empty()) return Wrong(field, "a non-empty string", "\"\"");
    values.push_back(item.get<std::string>());
  }
  out = std::move(values);
  return Status::OK();
}

Status ReadInteger(const json& object, const char* name, int64_t lo, int64_t hi,
                   std::optional<int64_t>& out) {
  const json* v = Find(object, name);
  if (v == nullptr) return Status::OK();
  const std::string expected = fmt::format("an integer {}..{}", lo, hi);
  if (!v->is_number_integer()) return Wrong(name, expected, Found(*v));
  if (v->is_number_unsigned() ? v->get<uint64_t>() > static_cast<uint64_t>(hi)
                              : (v->get<int64_t>() < lo || v->get<int64_t>() > hi)) {
    return Wrong(name, expected, Found(*v));
  }
  out = v->get<int64_t>();
  return Status::OK();
}

Status ReadDate(const json& object, const char* name, bool required, std::optional<int32_t>& out) {
  const json* v = Find(object, name);
  constexpr std::string_view kExpected = "a date YYYY-MM-DD";
  if (v == nullptr) return required ? Wrong(name, kExpected, "nothing") : Status::OK();
  if (!v->is_string()) return Wrong(name, kExpected, Found(*v));
  std::optional<int64_t> days = ParseCivilDate(v->get_ref<const std::string&>());
  if (!days) return Wrong(name, kExpected, Found(*v));
  out = static_cast<int32_t>(*days);
  return Status::OK();
}

Status ReadRole(const json& object, const char* name, const std::string& prefix, CastRole& out) {
  const std::string field = jf::Join(prefix, name);
  constexpr std::string_view kExpected = "lead, supporting or background";
  const json* v = Find(object, name);
  if (v == nullptr) return Wrong(field, kExpected, "nothing");
  std::optional<CastRole> role;
  if (v->is_string()) role = ParseCastRole(v->get_ref<const std::string&>());
  if (!role) return Wrong(field, kExpected, Found(*v));
  out = *role;
  return Status::OK();
}

// ------------------------------------------------------------ records by type

Status ParsePerformer(const json& object, PerformerRecord& r) {
  MARQUEE_RETURN_IF_ERROR(OnlyFields(
      object, {"type", "id", "name", "birth_date", "death_date", "unions", "representative"}, ""));
  Performer& p = r.performer;
  MARQUEE_RETURN_IF_ERROR(ReadId(object, "id", "", p.id));
  std::optional<std::string> name, representative;
  MARQUEE_RETURN_IF_ERROR(ReadText(object, "name", true, name));
  if (name->empty()) return Wrong("name", "a non-empty string", "\"\"");
  p.name = std::move(*name);
  MARQUEE_RETURN_IF_ERROR(ReadDate(object, "birth_date", true, p.birth_date));
  MARQUEE_RETURN_IF_ERROR(ReadDate(object, "death_date", false, p.death_date));
  if (p.death_date && *p.death_date < *p.birth_date) {
    return Wrong("death_date", fmt::format("a date on or after birth_date {}", FormatCivilDate(*p.birth_date)),
                 QuoteForError(FormatCivilDate(*p.death_date)));
  }
  std::optional<std::vector<std::string>> unions;
  MARQUEE_RETURN_IF_ERROR(ReadStrings(object, "unions", unions));
  if (unions) p.unions = std::move(*unions);
  MARQUEE_RETURN_IF_ERROR(ReadText(object, "representative", false, representative));
  if (representative) p.representative = std::move(*representative);
  return Status::OK();
}

Status ParseCredits(const json& value, std::vector<CreditRecord>& out) {
  if (!value.is_array()) return Wrong("credits", "an array of {performer, role}", Found(value));
  for (size_t i = 0; i < value.size(); ++i) {
    const json& item = value[i];
    const std::string prefix = fmt::format("credits[{}]", i);
    if (!item.is_object()) return Wrong(prefix, "an object {performer, role}", Found(item));
    MARQUEE_RETURN_IF_ERROR(OnlyFields(item, {"performer", "role"}, prefix));
    CreditRecord c;
    c.field = jf::Join(prefix, "performer");
    MARQUEE_RETURN_IF_ERROR(ReadId(item, "performer", prefix, c.performer));
    MARQUEE_RETURN_IF_ERROR(ReadRole(item, "role", prefix, c.role));
    out.push_back(std::move(c));
  }
  return Status::OK();
}

Status ParseTitle(const json& object, TitleRecord& r) {
  MARQUEE_RETURN_IF_ERROR(OnlyFields(
      object, {"type", "id", "name", "year", "genres", "maturity", "regions", "runtime_minutes",
               "release_date", "series", "season", "episode", "credits"},
      ""));
  MARQUEE_RETURN_IF_ERROR(ReadId(object, "id", "", r.id));
  MARQUEE_RETURN_IF_ERROR(ReadText(object, "name", false, r.name));
  std::optional<int64_t> year, runtime, season, episode;
  MARQUEE_RETURN_IF_ERROR(ReadInteger(object, "year", 0, 9999, year));
  if (year) r.year = static_cast<int32_t>(*year);
  MARQUEE_RETURN_IF_ERROR(ReadStrings(object, "genres", r.genres));
  if (r.genres && r.genres->size() > 1000) return Wrong("genres", "at most 1000 genres", "more");
  MARQUEE_RETURN_IF_ERROR(ReadText(object, "maturity", false, r.maturity));
  MARQUEE_RETURN_IF_ERROR(ReadStrings(object, "regions", r.regions));
  MARQUEE_RETURN_IF_ERROR(ReadInteger(object, "runtime_minutes", 0, kMaxRuntimeMinutes, runtime));
  if (runtime) r.runtime_minutes = static_cast<uint32_t>(*runtime);
  MARQUEE_RETURN_IF_ERROR(ReadDate(object, "release_date", false, r.release_date));
  // series, season and episode come together or not at all.
  std::optional<std::string> series;
  MARQUEE_RETURN_IF_ERROR(ReadOptionalId(object, "series", series));
  MARQUEE_RETURN_IF_ERROR(ReadInteger(object, "season", 1, kMaxSeasonOrEpisode, season));
  MARQUEE_RETURN_IF_ERROR(ReadInteger(object, "episode", 1, kMaxSeasonOrEpisode, episode));
  if (series || season || episode) {
    const std::string with_series = fmt::format("an integer 1..{} (an episode of a series names series, season and episode)",
                                                kMaxSeasonOrEpisode);
    if (!series) return Wrong("series", "a series id (with season and episode)", "nothing");
    if (!season) return Wrong("season", with_series, "nothing");
    if (!episode) return Wrong("episode", with_series, "nothing");
    r.episode_of = EpisodeOf{std::move(*series), static_cast<uint32_t>(*season),
                             static_cast<uint32_t>(*episode)};
  }
  if (const json* credits = Find(object, "credits")) {
    r.credits.emplace();
    MARQUEE_RETURN_IF_ERROR(ParseCredits(*credits, *r.credits));
  }
  return Status::OK();
}

Status ParseDepicted(const json& value, std::vector<DepictedRecord>& out) {
  if (!value.is_array()) {
    return Wrong("depicted", "an array of {performer, recognizable, prominence}", Found(value));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const json& item = value[i];
    const std::string prefix = fmt::format("depicted[{}]", i);
    if (!item.is_object()) return Wrong(prefix, "an object {performer, recognizable, prominence}", Found(item));
    MARQUEE_RETURN_IF_ERROR(OnlyFields(item, {"performer", "recognizable", "prominence"}, prefix));
    DepictedRecord d;
    d.field = jf::Join(prefix, "performer");
    MARQUEE_RETURN_IF_ERROR(ReadId(item, "performer", prefix, d.performer));
    const json* recognizable = Find(item, "recognizable");
    if (recognizable == nullptr || !recognizable->is_boolean()) {
      return Wrong(jf::Join(prefix, "recognizable"), "true or false",
                   recognizable == nullptr ? "nothing" : Found(*recognizable));
    }
    d.recognizable = recognizable->get<bool>();
    MARQUEE_RETURN_IF_ERROR(ReadRole(item, "prominence", prefix, d.prominence));
    for (const DepictedRecord& before : out) {
      if (before.performer == d.performer) {
        return Wrong(d.field, "a performer not already depicted", QuoteForError(d.performer));
      }
    }
    out.push_back(std::move(d));
  }
  return Status::OK();
}

Status ParseArtwork(const json& object, ArtworkRecord& r) {
  MARQUEE_RETURN_IF_ERROR(OnlyFields(
      object, {"type", "id", "title", "tags", "depicted", "digital_source_type", "replica_kind",
               "source_title", "manifest_hash"},
      ""));
  MARQUEE_RETURN_IF_ERROR(ReadId(object, "id", "", r.id));
  MARQUEE_RETURN_IF_ERROR(ReadId(object, "title", "", r.title));
  std::optional<std::vector<std::string>> tags;
  MARQUEE_RETURN_IF_ERROR(ReadStrings(object, "tags", tags));
  if (tags) r.tags = std::move(*tags);
  const json* depicted = Find(object, "depicted");
  if (depicted == nullptr) {
    return Wrong("depicted", "an array of {performer, recognizable, prominence} ([] for none)", "nothing");
  }
  MARQUEE_RETURN_IF_ERROR(ParseDepicted(*depicted, r.depicted));
  if (const json* v = Find(object, "digital_source_type")) {
    std::optional<DigitalSourceType> type;
    if (v->is_string()) type = ParseDigitalSourceType(v->get_ref<const std::string&>());
    if (!type) {
      return Wrong("digital_source_type",
                   fmt::format("an IPTC digital source type code ({})", DigitalSourceTypeCodeList()),
                   Found(*v));
    }
    r.digital_source_type = *type;
  }
  const json* replica = Find(object, "replica_kind");
  std::optional<ReplicaKind> kind;
  if (replica != nullptr && replica->is_string()) kind = ParseReplicaKind(replica->get_ref<const std::string&>());
  if (!kind) {
    return Wrong("replica_kind", fmt::format("one of {}", ReplicaKindNameList()),
                 replica == nullptr ? "nothing" : Found(*replica));
  }
  r.replica_kind = *kind;
  MARQUEE_RETURN_IF_ERROR(ReadOptionalId(object, "source_title", r.source_title));
  std::optional<std::string> hash;
  MARQUEE_RETURN_IF_ERROR(ReadText(object, "manifest_hash", false, hash));
  if (hash) {
    if (hash->empty()) return Wrong("manifest_hash", "a non-empty string", "\"\"");
    r.manifest_hash = std::move(*hash);
  }
  return Status::OK();
}

// ------------------------------------------------------------ the import

class CatalogImporter {
 public:
  CatalogImporter(const std::string& path, const CatalogImportOptions& options, Dataset& dataset)
      : path_(path), options_(options), dataset_(dataset) {}

  Result<CatalogImportReport> Run() {
    MARQUEE_ASSIGN_OR_RETURN(MappedFile file, OpenInput(path_, "a JSON-lines catalog file"));
    LineScanner lines(file.bytes());
    std::string_view line;
    while (lines.Next(&line)) {
      if (TrimSpaces(line).empty()) continue;
      ++report_.records;
      const size_t n = lines.line_number();
      Status s;
      try {
        s = ParseLine(line, n);
      } catch (const json::exception&) {  // defensive: the readers above do not throw
        s = FieldError(path_, n, "a JSON object", line);
      }
      if (!s.ok()) MARQUEE_RETURN_IF_ERROR(Reject(std::move(s)));
    }
    if (report_.records == 0) {
      if (lines.line_number() == 0) return EmptyFileError(path_, "a JSON object");
      return EndOfFileError(path_, lines.line_number() + 1, "a JSON object");
    }
    MARQUEE_RETURN_IF_ERROR(Resolve());
    Apply();
    return report_;
  }

 private:
  Status AtLine(size_t line, const Status& s) const { return s.WithContext(fmt::format("{}:{}", path_, line)); }

  Status Reject(Status error) {
    if (!options_.skip_invalid) return error;
    ++report_.invalid;
    if (report_.invalid_examples.size() < kMaxInvalidExamples) {
      report_.invalid_examples.push_back(error.message());
    }
    return Status::OK();
  }

  // A second record of `kind` with the same id.
  Status Duplicate(std::map<std::string, size_t>& seen, const std::string& id, size_t line,
                   std::string_view kind) {
    auto [it, added] = seen.emplace(id, line);
    if (added) return Status::OK();
    return AtLine(line, Wrong("id", fmt::format("a {} id not already in this file", kind),
                              fmt::format("{} (first at line {})", QuoteForError(id), it->second)));
  }

  Status ParseLine(std::string_view line, size_t n) {
    std::string_view text;
    MARQUEE_RETURN_IF_ERROR(DecodeText(path_, n, line, TextEncoding::kUtf8, &buffer_, &text));
    json object = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (!object.is_object()) return FieldError(path_, n, "a JSON object", line);
    const json* type = Find(object, "type");
    const std::string type_name = type != nullptr && type->is_string() ? type->get<std::string>() : "";
    if (type_name == "performer") {
      PerformerRecord r{n, {}};
      MARQUEE_RETURN_IF_ERROR(AtLine(n, ParsePerformer(object, r)));
      MARQUEE_RETURN_IF_ERROR(Duplicate(performer_lines_, r.performer.id, n, "performer"));
      performers_.push_back(std::move(r));
    } else if (type_name == "title") {
      TitleRecord r;
      r.line = n;
      MARQUEE_RETURN_IF_ERROR(AtLine(n, ParseTitle(object, r)));
      MARQUEE_RETURN_IF_ERROR(Duplicate(title_lines_, r.id, n, "title"));
      titles_.push_back(std::move(r));
    } else if (type_name == "artwork") {
      ArtworkRecord r;
      r.line = n;
      MARQUEE_RETURN_IF_ERROR(AtLine(n, ParseArtwork(object, r)));
      MARQUEE_RETURN_IF_ERROR(Duplicate(artwork_lines_, r.id, n, "artwork"));
      artwork_.push_back(std::move(r));
    } else {
      return AtLine(n, Wrong("type", "\"performer\", \"title\" or \"artwork\"",
                             type == nullptr ? "nothing" : Found(*type)));
    }
    return Status::OK();
  }

  bool KnownPerformer(const std::string& id) const {
    return known_performers_.count(id) > 0 || dataset_.catalog.FindPerformer(id) != IdMap::kNotFound;
  }

  Status CheckPerformer(const std::string& field, const std::string& id, size_t line) const {
    if (KnownPerformer(id)) return Status::OK();
    return AtLine(line, Wrong(field, "a performer id of the catalog or of a performer record",
                              QuoteForError(id)));
  }

  Status CheckTitle(const std::string& field, const std::string& id, size_t line) const {
    if (dataset_.titles.Find(id) != IdMap::kNotFound) return Status::OK();
    return AtLine(line, Wrong(field, "a title id of the dataset", QuoteForError(id)));
  }

  // References, once every record is read. Invalid records are dropped
  // (under skip_invalid) so that Apply only sees resolvable ones.
  Status Resolve() {
    for (const PerformerRecord& r : performers_) known_performers_.insert(r.performer.id);
    std::vector<TitleRecord> titles;
    for (TitleRecord& r : titles_) {
      Status s = CheckTitle("id", r.id, r.line);
      if (s.ok() && r.credits) {
        for (const CreditRecord& c : *r.credits) {
          s = CheckPerformer(c.field, c.performer, r.line);
          if (!s.ok()) break;
        }
      }
      if (s.ok()) {
        titles.push_back(std::move(r));
      } else {
        MARQUEE_RETURN_IF_ERROR(Reject(std::move(s)));
      }
    }
    titles_ = std::move(titles);
    // Where each existing artwork id lives, to refuse moving an id between titles.
    std::unordered_map<std::string, uint32_t> artwork_title;
    const std::vector<Title>& catalog_titles = dataset_.catalog.titles();
    for (uint32_t t = 0; t < catalog_titles.size(); ++t) {
      for (const Artwork& a : catalog_titles[t].artwork) artwork_title.emplace(a.id, t);
    }
    std::vector<ArtworkRecord> artwork;
    for (ArtworkRecord& r : artwork_) {
      Status s = CheckTitle("title", r.title, r.line);
      if (s.ok()) {
        auto it = artwork_title.find(r.id);
        const uint32_t title = dataset_.titles.Find(r.title);
        if (it != artwork_title.end() && it->second != title) {
          s = AtLine(r.line, Wrong("id", "an artwork id not used by another title",
                                   fmt::format("{} (a variant of title {})", QuoteForError(r.id),
                                               QuoteForError(dataset_.titles.ExternalId(it->second)))));
        }
      }
      if (s.ok() && r.source_title) s = CheckTitle("source_title", *r.source_title, r.line);
      for (const DepictedRecord& d : r.depicted) {
        if (!s.ok()) break;
        s = CheckPerformer(d.field, d.performer, r.line);
      }
      if (s.ok()) {
        artwork.push_back(std::move(r));
      } else {
        MARQUEE_RETURN_IF_ERROR(Reject(std::move(s)));
      }
    }
    artwork_ = std::move(artwork);
    return Status::OK();
  }

  void Apply() {
    Catalog& catalog = dataset_.catalog;
    for (PerformerRecord& r : performers_) {
      const size_t before = catalog.performers().size();
      const uint32_t index = catalog.AddPerformer(r.performer);
      if (catalog.performers().size() > before) {
        ++report_.performers_added;
      } else {
        catalog.performer(index) = std::move(r.performer);
      }
      ++report_.performers;
    }
    for (TitleRecord& r : titles_) {
      Title& t = catalog.titles()[dataset_.titles.Find(r.id)];
      if (r.name) t.name = std::move(*r.name);
      if (r.year) t.year = *r.year;
      if (r.genres) {
        t.genres.clear();
        for (const std::string& g : *r.genres) {
          const uint16_t index = catalog.GenreIndex(g);
          if (std::find(t.genres.begin(), t.genres.end(), index) == t.genres.end()) t.genres.push_back(index);
        }
      }
      if (r.maturity) t.maturity = std::move(*r.maturity);
      if (r.regions) t.regions = std::move(*r.regions);
      if (r.runtime_minutes) t.runtime_minutes = *r.runtime_minutes;
      if (r.release_date) t.release_date = r.release_date;
      if (r.episode_of) t.episode_of = std::move(r.episode_of);
      if (r.credits) {
        t.credits.clear();
        for (const CreditRecord& c : *r.credits) {
          t.credits.push_back(Credit{catalog.FindPerformer(c.performer), c.role});
        }
      }
      ++report_.titles;
    }
    for (ArtworkRecord& r : artwork_) {
      const uint32_t title = dataset_.titles.Find(r.title);
      Artwork a;
      a.id = std::move(r.id);
      a.tags = std::move(r.tags);
      for (const DepictedRecord& d : r.depicted) {
        const uint32_t p = catalog.FindPerformer(d.performer);
        a.depicted.push_back(DepictedPerformer{p, d.recognizable, d.prominence});
        if (d.recognizable) a.performers.push_back(p);
      }
      a.digital_source_type = r.digital_source_type;
      a.replica_kind = r.replica_kind;
      // Without a source type the variant is quarantined; the flag then says
      // what the replica kind declares.
      a.ai_generated = a.quarantined()
                           ? a.replica_kind >= ReplicaKind::kEmploymentBasedDigitalReplica
                           : IsTrainedAlgorithmic(a.digital_source_type);
      if (r.source_title) {
        const uint32_t source = dataset_.titles.Find(*r.source_title);
        a.source_title = source == title ? kOwnTitle : source;
      }
      a.manifest_hash = std::move(r.manifest_hash);
      report_.quarantined += a.quarantined();
      std::vector<Artwork>& variants = catalog.titles()[title].artwork;
      auto same = std::find_if(variants.begin(), variants.end(),
                               [&](const Artwork& v) { return v.id == a.id; });
      if (same != variants.end()) {
        *same = std::move(a);
      } else {
        variants.push_back(std::move(a));
        ++report_.artwork_added;
      }
      ++report_.artwork;
    }
  }

  const std::string& path_;
  const CatalogImportOptions& options_;
  Dataset& dataset_;
  CatalogImportReport report_;
  std::string buffer_;
  std::vector<PerformerRecord> performers_;
  std::vector<TitleRecord> titles_;
  std::vector<ArtworkRecord> artwork_;
  std::map<std::string, size_t> performer_lines_, title_lines_, artwork_lines_;
  std::set<std::string> known_performers_;
};

}  // namespace

Result<CatalogImportReport> ImportCatalog(const std::string& path,
                                          const CatalogImportOptions& options, Dataset& dataset) {
  CatalogImporter importer(path, options, dataset);
  return importer.Run();
}

}  // namespace marquee
