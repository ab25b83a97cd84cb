#include "marquee/util/json_fields.h"
#include "marquee/models/model_file.h"

#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "marquee/models/registry.h"
#include "marquee/util/checksum.h"
#include "marquee/util/file.h"
#include "marquee/util/section_file.h"

namespace marquee {

namespace {
constexpr char kMagic[] = "MQMODEL";
constexpr uint32_t kMetaTag = FourCC("META");
constexpr uint32_t kMemberIdsTag = FourCC("MIDS");
constexpr uint32_t kTitleIdsTag = FourCC("TIDS");
constexpr uint32_t kRankTag = FourCC("RANK");

void WriteRanks(const FactorRanks& ranks, ByteWriter& w) {
  w.U32(ranks.factors);
  for (const FactorRank* r : {&ranks.members, &ranks.titles}) {
    w.U32(r->numerical_rank);
    w.F64(r->effective_rank);
  }
}

Result<FactorRanks> ReadRanks(const SectionFileReader& in) {
  MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, in.Section(kRankTag));
  ByteReader r(payload, in.path() + ": factor ranks");
  FactorRanks ranks;
  ranks.factors = r.U32();
  for (FactorRank* side : {&ranks.members, &ranks.titles}) {
    side->numerical_rank = r.U32();
    side->effective_rank = r.F64();
  }
  if (r.ok() && !r.AtEnd()) r.Fail("trailing bytes");
  if (!r.ok()) return r.status();
  return ranks;
}

nlohmann::json RankJson(const FactorRank& r) {
  return {{"numerical_rank", r.numerical_rank}, {"effective_rank", r.effective_rank}};
}

void WriteIds(const IdMap& ids, ByteWriter& w) {
  w.String(ids.arena());
  w.Array<uint64_t>(ids.offsets());
}

Result<IdMap> ReadIds(const SectionFileReader& in, uint32_t tag, const char* what) {
  MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, in.Section(tag));
  ByteReader r(payload, in.path() + ": " + what);
  std::string arena = r.String();
  std::vector<uint64_t> offsets = r.Array<uint64_t>();
  if (r.ok() && !r.AtEnd()) r.Fail("trailing bytes");
  if (!r.ok()) return r.status();
  auto ids = IdMap::FromParts(std::move(arena), std::move(offsets));
  if (!ids) return Status::Corruption(in.path() + ": " + what + ": inconsistent or duplicate ids");
  return std::move(*ids);
}

std::string ModelPath(const std::string& dir) { return JoinPath(dir, "model.mqm"); }

void WriteInfo(const ModelInfo& info, ByteWriter& w) {
  w.String(info.model);
  w.U32(static_cast<uint32_t>(info.parameters.values().size()));
  for (const auto& [name, value] : info.parameters.values()) {
    w.String(name);
    w.String(value);
  }
  w.U64(info.data_fingerprint);
  w.U32(info.members);
  w.U32(info.titles);
  w.U64(info.interactions);
  w.U8(info.has_min_rating ? 1 : 0);
  w.F32(info.min_rating);
  w.String(info.dataset_source);
  w.I64(info.trained_at);
  w.F64(info.train_seconds);
  w.String(info.version);
}

Result<ModelInfo> ReadInfo(ByteReader& r) {
  ModelInfo info;
  info.model = r.String();
  uint32_t count = r.U32();
  if (count > r.remaining() / 8) r.Fail("parameter count");
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    std::string name = r.String();
    info.parameters.Set(name, r.String());
  }
  info.data_fingerprint = r.U64();
  info.members = r.U32();
  info.titles = r.U32();
  info.interactions = r.U64();
  info.has_min_rating = r.U8() != 0;
  info.min_rating = r.F32();
  info.dataset_source = r.String();
  info.trained_at = r.I64();
  info.train_seconds = r.F64();
  info.version = r.String();
  if (r.ok() && !r.AtEnd()) r.Fail("trailing bytes");
  if (!r.ok()) return r.status();
  return info;
}

Status WriteSummary(const ModelInfo& info, const std::string& dir) {
  nlohmann::json j = {{"model", info.model},           {"version", info.version},
                      {"parameters", info.parameters.values()},
                      {"members", info.members},       {"titles", info.titles},
                      {"interactions", info.interactions},
                      {"min_rating", info.has_min_rating ? nlohmann::json(info.min_rating) : nlohmann::json()},
                      {"dataset_source", info.dataset_source},
                      {"trained_at", info.trained_at}, {"train_seconds", info.train_seconds}};
  if (info.factor_ranks) {
    j["factor_rank"] = {
        {"factors", info.factor_ranks->factors},
        {"members", RankJson(info.factor_ranks->members)},
        {"titles", RankJson(info.factor_ranks->titles)},
        {"definition",
         "numerical_rank: singular values above 1e-3 of the largest; effective_rank: "
         "exp(entropy of the normalized singular values), Roy & Vetterli 2007"}};
  }
  std::string text = json_fields::Dump(j, 2) + "\n";
  return WriteFileAtomically(JoinPath(dir, "model.json"), [&](std::FILE* f) {
    return WriteBytes(f, text.data(), text.size(), "model.json");
  });
}
}  // namespace

namespace {
template <typename T>
std::string_view Bytes(const std::vector<T>& v) {
  return {reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T)};
}
}  // namespace

uint64_t TrainingDataFingerprint(const Dataset& dataset, const InteractionMatrix& train) {
  uint64_t h = Hash64(dataset.members.arena(), dataset.members.size());
  h = Hash64(Bytes(dataset.members.offsets()), h);
  h = Hash64(dataset.titles.arena(), h ^ dataset.titles.size());
  h = Hash64(Bytes(dataset.titles.offsets()), h);
  h = Hash64(Bytes(train.indptr()), h);
  h = Hash64(Bytes(train.indices()), h);
  return Hash64(Bytes(train.weights()), h);
}

Status SaveModel(const Recommender& model, const ModelInfo& info, const IdMap& members,
                 const IdMap& titles, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError(dir + ": cannot create model directory: " + ec.message());
  SectionFileWriter out(kMagic, kModelFormatVersion);
  ByteWriter meta;
  WriteInfo(info, meta);
  out.AddSection(kMetaTag, std::move(meta));
  ByteWriter member_ids, title_ids;
  WriteIds(members, member_ids);
  WriteIds(titles, title_ids);
  out.AddSection(kMemberIdsTag, std::move(member_ids));
  out.AddSection(kTitleIdsTag, std::move(title_ids));
  if (info.factor_ranks) {
    ByteWriter ranks;
    WriteRanks(*info.factor_ranks, ranks);
    out.AddSection(kRankTag, std::move(ranks));
  }
  model.SaveState(out);
  MARQUEE_RETURN_IF_ERROR(out.Write(ModelPath(dir)));
  return WriteSummary(info, dir);
}

Result<ModelFile> OpenModelFile(const std::string& dir) {
  if (!IsDirectory(dir) && FileExists(dir)) {
    return Status::InvalidArgument(dir + ": expected a model directory (written by 'marquee train "
                                         "--out DIR'), found a file");
  }
  std::string path = ModelPath(dir);
  if (!FileExists(path)) {
    return Status::NotFound(path + ": no model here (train one with 'marquee train --out " + dir +
                            "')");
  }
  MARQUEE_ASSIGN_OR_RETURN(SectionFileReader in,
                           SectionFileReader::Open(path, kMagic, kModelFormatVersion, "model"));
  MARQUEE_ASSIGN_OR_RETURN(std::string_view payload, in.Section(kMetaTag));
  ByteReader r(payload, path + ": model metadata");
  MARQUEE_ASSIGN_OR_RETURN(ModelInfo info, ReadInfo(r));
  if (in.Has(kRankTag)) {
    MARQUEE_ASSIGN_OR_RETURN(info.factor_ranks, ReadRanks(in));
  }
  MARQUEE_ASSIGN_OR_RETURN(IdMap members, ReadIds(in, kMemberIdsTag, "member ids"));
  MARQUEE_ASSIGN_OR_RETURN(IdMap titles, ReadIds(in, kTitleIdsTag, "title ids"));
  if (titles.size() != info.titles || members.size() != info.members) {
    return Status::Corruption(path + ": id lists do not match the model's sizes");
  }
  return ModelFile{std::move(info), std::move(members), std::move(titles), std::move(in)};
}

Result<LoadedModel> LoadModel(const std::string& dir) {
  MARQUEE_ASSIGN_OR_RETURN(ModelFile file, OpenModelFile(dir));
  return LoadModel(std::move(file));
}

Result<LoadedModel> LoadModel(ModelFile file) {
  const std::string& path = file.reader.path();
  if (file.info.model == "ranker") {
    return Status::InvalidArgument(path + ": a ranker, which loads together with its candidate models "
                                          "(LoadAnyModel, ranking/ranker_file.h)");
  }
  Result<std::unique_ptr<Recommender>> model = CreateRecommender(file.info.model, file.info.parameters);
  if (!model.ok()) return model.status().WithContext(path);
  Status state = (*model)->LoadState(file.reader);
  if (!state.ok()) return state.WithContext(path);
  if ((*model)->title_count() != file.info.titles) {
    return Status::Corruption(path + ": model state has " + std::to_string((*model)->title_count()) +
                              " titles, metadata says " + std::to_string(file.info.titles));
  }
  return LoadedModel{std::move(model).value(), std::move(file.info), std::move(file.members),
                     std::move(file.titles)};
}

Status CheckModelMatchesDataset(const LoadedModel& model, const Dataset& dataset,
                                const std::string& model_dir) {
  const ModelInfo& info = model.info;
  if (model.members == dataset.members && model.titles == dataset.titles) return Status::OK();
  return Status::InvalidArgument(
      model_dir + ": the model was trained on a different dataset (" + info.dataset_source + ", " +
      std::to_string(info.members) + " members, " + std::to_string(info.titles) +
      " titles) than the one given (" + dataset.source + ", " +
      std::to_string(dataset.members.size()) + " members, " + std::to_string(dataset.titles.size()) +
      " titles); expected the dataset it was trained on");
}

ModelInfo DescribeTrainedModel(const Recommender& model, const std::string& name, const Dataset& dataset,
                               const InteractionMatrix& train, double train_seconds) {
  ModelInfo info;
  info.model = name;
  info.parameters = model.parameters();
  info.data_fingerprint = TrainingDataFingerprint(dataset, train);
  info.members = dataset.members.size();
  info.titles = dataset.titles.size();
  info.interactions = train.nnz();
  info.dataset_source = dataset.source;
  info.trained_at = static_cast<int64_t>(std::time(nullptr));
  info.train_seconds = train_seconds;
  info.version = name + "-" + std::to_string(info.trained_at);
  if (const FactorModel* factors = model.AsFactorModel()) {
    info.factor_ranks = FactorRanks{factors->title_factors().factors(), ComputeFactorRank(factors->member_factors()),
                                    ComputeFactorRank(factors->title_factors())};
  }
  return info;
}

}  // namespace marquee
