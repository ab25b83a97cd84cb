#include "marquee/ranking/ranker_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "marquee/util/file.h"

namespace marquee {

std::string RankerSourceDir(const std::string& dir, const std::string& source) {
  return JoinPath(JoinPath(dir, "candidates"), source);
}

Status SaveRanker(RankerRecommender& ranker, const ModelInfo& info, const Dataset& dataset,
                  const InteractionMatrix& train, const std::string& dir) {
  std::vector<RankerRecommender::SourceRef> refs;
  std::random_device device;
  auto nonce = [&device] { return (static_cast<uint64_t>(device()) << 32) ^ device(); };
  const std::vector<CandidateSource> sources(ranker.sources().begin(), ranker.sources().end());
  for (size_t i = 0; i < sources.size(); ++i) {
    const std::string model_name = RankerRecommender::SourceModel(sources[i].name).first;
    ModelInfo source_info =
        DescribeTrainedModel(*sources[i].model, model_name, dataset, train, ranker.source_train_seconds(i));
    source_info.has_min_rating = info.has_min_rating;
    source_info.min_rating = info.min_rating;
    // A version no other save gives, even one in the same second: a source
    // copied in from another ranker must not pass for this one's.
    source_info.version = fmt::format("{}-{}-{:016x}", sources[i].name, source_info.trained_at, nonce());
    MARQUEE_RETURN_IF_ERROR(
        SaveModel(*sources[i].model, source_info, dataset.members, dataset.titles, RankerSourceDir(dir, sources[i].name)));
    refs.push_back({sources[i].name, model_name, source_info.data_fingerprint, source_info.version});
  }
  ranker.set_source_refs(std::move(refs));
  MARQUEE_RETURN_IF_ERROR(SaveModel(ranker, info, dataset.members, dataset.titles, dir));
  // Sources of an earlier ranker written here that this one does not use.
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(JoinPath(dir, "candidates"), ec)) {
    const std::string name = entry.path().filename().string();
    const bool used = std::any_of(sources.begin(), sources.end(), [&](const CandidateSource& s) { return s.name == name; });
    if (!used) std::filesystem::remove_all(entry.path(), ec);
  }
  return Status::OK();
}

namespace {
Result<LoadedModel> LoadRanker(const std::string& dir, ModelFile file) {
  const std::string& path = file.reader.path();
  MARQUEE_ASSIGN_OR_RETURN(std::vector<RankerRecommender::SourceRef> refs,
                           RankerRecommender::ReadSourceRefs(file.reader));
  std::vector<std::unique_ptr<Recommender>> sources;
  for (const RankerRecommender::SourceRef& ref : refs) {
    const std::string source_dir = RankerSourceDir(dir, ref.name);
    Result<LoadedModel> source = LoadModel(source_dir);
    if (!source.ok() && source.status().code() == Status::Code::kNotFound) {
      return Status::NotFound(fmt::format(
          "{}: the ranker's candidate model {} is missing ({}/model.mqm); a ranker is served with the candidate "
          "models it was trained with: retrain the ranker",
          path, ref.name, source_dir));
    }
    if (!source.ok()) {
      return source.status().WithContext(
          fmt::format("{}: the ranker's candidate model {} does not load", path, ref.name));
    }
    if (source->info.model != ref.model || source->info.data_fingerprint != file.info.data_fingerprint ||
        source->info.data_fingerprint != ref.data_fingerprint || source->info.version != ref.version) {
      return Status::InvalidArgument(fmt::format(
          "{}: {} holds {} (version {}), not the {} model (version {}) the ranker was trained with; "
          "retrain the ranker",
          path, source_dir, source->info.model, source->info.version, ref.model, ref.version));
    }
    if (!(source->titles == file.titles) || !(source->members == file.members)) {
      return Status::InvalidArgument(fmt::format("{}: {} was trained on other ids than the ranker", path, source_dir));
    }
    sources.push_back(std::move(source->model));
  }
  Result<std::unique_ptr<RankerRecommender>> ranker =
      RankerRecommender::FromState(file.info.parameters, file.reader, std::move(sources));
  if (!ranker.ok()) return ranker.status();  // its messages name the file
  if ((*ranker)->title_count() != file.info.titles) {
    return Status::Corruption(fmt::format("{}: the ranker has {} titles, its metadata {}", path,
                                          (*ranker)->title_count(), file.info.titles));
  }
  return LoadedModel{std::move(*ranker), std::move(file.info), std::move(file.members), std::move(file.titles)};
}
}  // namespace

Result<LoadedModel> LoadAnyModel(const std::string& dir) {
  MARQUEE_ASSIGN_OR_RETURN(ModelFile file, OpenModelFile(dir));
  if (file.info.model != "ranker") return LoadModel(std::move(file));
  return LoadRanker(dir, std::move(file));
}

}  // namespace marquee
