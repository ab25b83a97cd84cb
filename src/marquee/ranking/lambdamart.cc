#include "marquee/ranking/lambdamart.h"

#include <cmath>

#include <fmt/format.h>
#include <xgboost/c_api.h>

namespace marquee {

namespace {

Status XgbError(std::string_view what) {
  return Status::InvalidArgument(fmt::format("xgboost: {}: {}", what, XGBGetLastError()));
}

#define MARQUEE_XGB(call, what)                              \
  do {                                                       \
    if ((call) != 0) return XgbError(what);                  \
  } while (false)

// A DMatrix freed at scope exit.
struct Matrix {
  DMatrixHandle handle = nullptr;
  ~Matrix() {
    if (handle != nullptr) XGDMatrixFree(handle);
  }
};

Status SetParam(BoosterHandle b, const char* name, const std::string& value) {
  MARQUEE_XGB(XGBoosterSetParam(b, name, value.c_str()), std::string("setting ") + name);
  return Status::OK();
}

}  // namespace

Status LambdaMartOptions::Validate() const {
  if (rounds < 1) return Status::InvalidField("rounds", fmt::format("rounds: expected at least 1, found {}", rounds));
  if (!(learning_rate > 0.0 && learning_rate <= 1.0)) {
    return Status::InvalidField("learning_rate", fmt::format("learning_rate: expected (0, 1], found {}", learning_rate));
  }
  if (max_depth < 1) return Status::InvalidField("max_depth", fmt::format("max_depth: expected at least 1, found {}", max_depth));
  if (!(min_child_weight >= 0.0)) {
    return Status::InvalidField("min_child_weight", fmt::format("min_child_weight: expected >= 0, found {}", min_child_weight));
  }
  if (!(subsample > 0.0 && subsample <= 1.0)) {
    return Status::InvalidField("subsample", fmt::format("subsample: expected (0, 1], found {}", subsample));
  }
  if (ndcg_at < 1) return Status::InvalidField("ndcg_at", fmt::format("ndcg_at: expected at least 1, found {}", ndcg_at));
  if (threads < 0) return Status::InvalidField("threads", fmt::format("threads: expected >= 0, found {}", threads));
  return Status::OK();
}

Status RankingData::Validate() const {
  if (features == 0) return Status::InvalidField("features", "features: expected at least 1");
  if (x.size() % features != 0 || x.empty()) {
    return Status::InvalidField("x", fmt::format("x: expected rows x {} floats, found {}", features, x.size()));
  }
  if (label.size() != rows()) {
    return Status::InvalidField("label", fmt::format("label: expected one a row ({}), found {}", rows(), label.size()));
  }
  for (size_t i = 0; i < label.size(); ++i) {
    if (!(label[i] >= 0.0f) || !std::isfinite(label[i])) {
      return Status::InvalidField("label", fmt::format("label: row {} has {}, expected a finite value >= 0", i, label[i]));
    }
  }
  uint64_t total = 0;
  for (uint32_t g : group_sizes) {
    if (g == 0) return Status::InvalidField("group_sizes", "group_sizes: a query with no rows");
    total += g;
  }
  if (total != rows()) {
    return Status::InvalidField("group_sizes", fmt::format("group_sizes: sum to {}, the data has {} rows", total, rows()));
  }
  if (!group_weight.empty() && group_weight.size() != group_sizes.size()) {
    return Status::InvalidField("group_weight", fmt::format("group_weight: expected one a query ({}), found {}",
                                                            group_sizes.size(), group_weight.size()));
  }
  for (float w : group_weight) {
    if (!(w > 0.0f) || !std::isfinite(w)) {
      return Status::InvalidField("group_weight", fmt::format("group_weight: expected finite values > 0, found {}", w));
    }
  }
  return Status::OK();
}

LambdaMart::LambdaMart(LambdaMart&& other) noexcept
    : booster_(std::exchange(other.booster_, nullptr)),
      features_(other.features_),
      predict_mutex_(std::move(other.predict_mutex_)) {}

LambdaMart& LambdaMart::operator=(LambdaMart&& other) noexcept {
  if (this != &other) {
    if (booster_ != nullptr) XGBoosterFree(booster_);
    booster_ = std::exchange(other.booster_, nullptr);
    features_ = other.features_;
    predict_mutex_ = std::move(other.predict_mutex_);
  }
  return *this;
}

LambdaMart::~LambdaMart() {
  if (booster_ != nullptr) XGBoosterFree(booster_);
}

Result<LambdaMart> LambdaMart::Train(const RankingData& data, const LambdaMartOptions& o) {
  MARQUEE_RETURN_IF_ERROR(o.Validate());
  MARQUEE_RETURN_IF_ERROR(data.Validate());
  Matrix train;
  MARQUEE_XGB(XGDMatrixCreateFromMat(data.x.data(), data.rows(), data.features, NAN, &train.handle), "loading the data");
  MARQUEE_XGB(XGDMatrixSetFloatInfo(train.handle, "label", data.label.data(), data.label.size()), "setting labels");
  MARQUEE_XGB(XGDMatrixSetUIntInfo(train.handle, "group", data.group_sizes.data(), data.group_sizes.size()),
              "setting query groups");
  if (!data.group_weight.empty()) {
    MARQUEE_XGB(XGDMatrixSetFloatInfo(train.handle, "weight", data.group_weight.data(), data.group_weight.size()),
                "setting query weights");
  }
  LambdaMart ranker;
  ranker.features_ = data.features;
  MARQUEE_XGB(XGBoosterCreate(&train.handle, 1, &ranker.booster_), "creating the booster");
  const std::string at = std::to_string(o.ndcg_at);
  MARQUEE_RETURN_IF_ERROR(SetParam(ranker.booster_, "objective", "rank:ndcg"));
  MARQUEE_RETURN_IF_ERROR(SetParam(ranker.booster_, "eval_metric", "ndcg@" + at));
  MARQUEE_RETURN_IF_ERROR(SetParam(ranker.booster_, "lambdarank_num_pair_per_sample", "1"));
  MARQUEE_RETURN_IF_ERROR(SetParam(ranker.booster_, "eta", fmt::format("{}", o.learning_rate)));
  MARQUEE_RETURN_IF_ERROR(SetParam(ranker.booster_, "max_depth", std::to_string(o.max_depth)));
  MARQUEE_RETURN_IF_ERROR(SetParam(ranker.booster_, "min_child_weight", fmt::format("{}", o.min_child_weight)));
  MARQUEE_RETURN_IF_ERROR(SetParam(ranker.booster_, "subsample", fmt::format("{}", o.subsample)));
  MARQUEE_RETURN_IF_ERROR(SetParam(ranker.booster_, "seed", std::to_string(o.seed % 2147483647)));
  MARQUEE_RETURN_IF_ERROR(SetParam(ranker.booster_, "tree_method", "hist"));
  MARQUEE_RETURN_IF_ERROR(SetParam(ranker.booster_, "verbosity", "0"));
  if (o.threads > 0) MARQUEE_RETURN_IF_ERROR(SetParam(ranker.booster_, "nthread", std::to_string(o.threads)));
  for (int i = 0; i < o.rounds; ++i) {
    MARQUEE_XGB(XGBoosterUpdateOneIter(ranker.booster_, i, train.handle), fmt::format("boosting round {}", i + 1));
  }
  return ranker;
}

Result<LambdaMart> LambdaMart::Load(std::string_view bytes, uint32_t features) {
  LambdaMart ranker;
  ranker.features_ = features;
  MARQUEE_XGB(XGBoosterCreate(nullptr, 0, &ranker.booster_), "creating the booster");
  MARQUEE_XGB(XGBoosterLoadModelFromBuffer(ranker.booster_, bytes.data(), bytes.size()), "loading the model");
  bst_ulong n = 0;
  MARQUEE_XGB(XGBoosterGetNumFeature(ranker.booster_, &n), "reading the feature count");
  if (n != features) {
    return Status::InvalidArgument(fmt::format("the ranker was trained on {} features, expected {}", n, features));
  }
  return ranker;
}

Result<std::vector<float>> LambdaMart::Predict(std::span<const float> x, uint32_t rows) const {
  if (x.size() != static_cast<size_t>(rows) * features_) {
    return Status::InvalidField("x", fmt::format("x: expected {} rows x {} features, found {} floats", rows, features_,
                                                 x.size()));
  }
  if (rows == 0) return std::vector<float>();
  MutexLock lock(predict_mutex_.get());
  Matrix m;
  MARQUEE_XGB(XGDMatrixCreateFromMat(x.data(), rows, features_, NAN, &m.handle), "loading the rows");
  bst_ulong n = 0;
  const float* out = nullptr;
  MARQUEE_XGB(XGBoosterPredict(booster_, m.handle, 0, 0, 0, &n, &out), "predicting");
  return std::vector<float>(out, out + n);
}

Result<std::string> LambdaMart::Save() const {
  bst_ulong n = 0;
  const char* bytes = nullptr;
  MARQUEE_XGB(XGBoosterSaveModelToBuffer(booster_, R"({"format": "json"})", &n, &bytes), "saving the model");
  return std::string(bytes, n);
}

Result<std::vector<double>> LambdaMart::TotalGain() const {
  bst_ulong n_features = 0, dim = 0;
  const char** names = nullptr;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  MARQUEE_XGB(XGBoosterFeatureScore(booster_, R"({"importance_type": "total_gain"})", &n_features, &names, &dim,
                                    &shape, &scores),
              "feature importance");
  std::vector<double> gain(features_, 0.0);
  for (bst_ulong i = 0; i < n_features; ++i) {
    // Unnamed features are "f<index>".
    const std::string_view name = names[i];
    if (name.size() > 1 && name[0] == 'f') {
      const unsigned long index = std::stoul(std::string(name.substr(1)));
      if (index < features_) gain[index] = scores[i];
    }
  }
  return gain;
}

}  // namespace marquee
