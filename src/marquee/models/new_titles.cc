#include "marquee/models/new_titles.h"

#include <fmt/format.h>

namespace marquee {

Result<NewTitleMapper> NewTitleMapper::Fit(const Dataset& trained_on, const LoadedModel& model,
                                           const std::string& model_dir) {
  const FactorModel* factors = model.model->AsFactorModel();
  if (factors == nullptr) {
    return Status::Unsupported(fmt::format(
        "{}: new titles get their vectors from their metadata, mapped onto a factor model's title vectors; this {} "
        "model has none (expected iALS; a ranker is retrained with its sources)",
        model_dir, model.info.model));
  }
  // The mapping learns from the titles the model has seen played.
  const InteractionMatrix positives = model.info.has_min_rating
                                          ? trained_on.interactions.KeepAtLeast(model.info.min_rating)
                                          : trained_on.interactions;
  const std::vector<uint32_t> counts = positives.ColumnCounts();
  std::vector<uint32_t> warm;
  for (uint32_t t = 0; t < counts.size(); ++t) {
    if (counts[t] > 0) warm.push_back(t);
  }
  // The fit solves a features x features system (O(features^3)), which a
  // server does on its first addition: performers and tags need twice the
  // titles for a feature of their own until the vocabulary fits
  // kMaxMappedFeatures, so the rarest go first.
  TitleFeatureOptions options;
  MARQUEE_ASSIGN_OR_RETURN(TitleFeatures features, TitleFeatures::Build(trained_on.catalog, options));
  while (features.feature_count() > kMaxMappedFeatures && options.min_performer_titles < (1u << 20)) {
    options.min_performer_titles *= 2;
    options.min_tag_titles *= 2;
    MARQUEE_ASSIGN_OR_RETURN(features, TitleFeatures::Build(trained_on.catalog, options));
  }
  MARQUEE_ASSIGN_OR_RETURN(ColdStartMapping mapping, ColdStartMapping::Fit(features, factors->title_factors(), warm));
  NewTitleMapper mapper(std::move(features), mapping);
  mapper.learned_titles_ = trained_on.titles.size();
  mapper.base_version_ = model.info.version;
  return mapper;
}

FactorMatrix NewTitleMapper::Map(std::span<const NewTitle> titles, const Catalog& catalog,
                                 std::vector<size_t>* feature_counts) const {
  FactorMatrix vectors(static_cast<uint32_t>(titles.size()), mapping_.factors());
  if (feature_counts != nullptr) feature_counts->clear();
  for (size_t i = 0; i < titles.size(); ++i) {
    const std::vector<uint32_t> row = features_.FeaturesOf(titles[i].title, catalog);
    mapping_.Map(row, std::span<float>(vectors.Row(static_cast<uint32_t>(i)), vectors.stride()));
    if (feature_counts != nullptr) feature_counts->push_back(row.size());
  }
  return vectors;
}

Result<ModelWithNewTitles> AppendNewTitles(const Dataset& dataset, const LoadedModel& model,
                                           const NewTitleMapper& mapper, std::span<const NewTitle> titles) {
  const FactorModel* factors = model.model->AsFactorModel();
  if (factors == nullptr || factors->title_factors().factors() != mapper.factors()) {
    return Status::Unsupported(fmt::format("new titles need the factor model their mapping was fit on; this is {}",
                                           model.info.model));
  }
  std::vector<NewTitleRecord> records;
  records.reserve(titles.size());
  for (const NewTitle& t : titles) records.push_back({t.title_id, t.title});
  ModelWithNewTitles out;
  MARQUEE_ASSIGN_OR_RETURN(out.dataset, WithNewTitles(dataset, records));
  const FactorMatrix vectors = mapper.Map(titles, out.dataset.catalog, &out.feature_counts);
  out.model.model = factors->WithTitles(vectors);
  out.model.info = model.info;
  out.model.info.titles = out.dataset.titles.size();
  out.model.info.data_fingerprint = TrainingDataFingerprint(out.dataset, out.dataset.interactions);
  out.model.info.version =
      fmt::format("{}+{}titles", mapper.base_version(), out.dataset.titles.size() - mapper.learned_titles());
  out.model.members = model.members;
  out.model.titles = out.dataset.titles;
  return out;
}

}  // namespace marquee
