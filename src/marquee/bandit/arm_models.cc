#include "marquee/bandit/arm_models.h"

#include <algorithm>
#include <cmath>

namespace marquee {

namespace {
constexpr double kTieTolerance = 1e-12;

double Dot(std::span<const float> x) {
  double sum = 0.0;
  for (float v : x) sum += static_cast<double>(v) * v;
  return sum;
}
}  // namespace

ArmModels::ArmModels(const ArtworkFeatures& features, Shape shape, double lambda)
    : features_(&features),
      shape_(shape),
      lambda_(lambda),
      dim_(shape == Shape::kShared ? features.joint_dim() : features.member_dim()) {
  if (shape_ == Shape::kShared) shared_ = RidgeRegression(dim_, lambda_);
}

void ArmModels::Contexts(const ArtworkContext& context, std::vector<float>& out) const {
  const uint32_t variants = features_->variant_count(context.title);
  out.resize(static_cast<size_t>(variants) * dim_);
  const uint32_t offset = features_->artwork_offset(context.title);
  for (uint32_t v = 0; v < variants; ++v) {
    std::span<float> x(out.data() + static_cast<size_t>(v) * dim_, dim_);
    if (shape_ == Shape::kShared) {
      features_->JointFeatures(context.member, offset + v, x);
    } else {
      std::copy_n(context.member.begin(), dim_, x.begin());
    }
  }
}

const RidgeRegression* ArmModels::arm(uint32_t artwork) const {
  auto it = arms_.find(artwork);
  return it == arms_.end() ? nullptr : &it->second;
}

const RidgeRegression* ArmModels::Model(uint32_t title, uint32_t variant) const {
  if (shape_ == Shape::kShared) return &shared_;
  return arm(features_->artwork_offset(title) + variant);
}

double ArmModels::Mean(uint32_t title, uint32_t variant, std::span<const float> x) const {
  const RidgeRegression* model = Model(title, variant);
  return model == nullptr ? 0.0 : model->Mean(x);
}

void ArmModels::PrepareForReads() {
  if (shape_ == Shape::kShared) shared_.PrepareForReads();
}

double ArmModels::Variance(uint32_t title, uint32_t variant, std::span<const float> x) const {
  if (shape_ == Shape::kShared && shared_.prepared_for_reads()) {
    // x^T (A^-1 x), the inverse's sparse product rather than a solve.
    thread_local std::vector<double> y;
    y.resize(dim_);
    shared_.InverseTimes(x, y);
    double sum = 0.0;
    for (size_t i = 0; i < dim_; ++i) sum += y[i] * static_cast<double>(x[i]);
    return sum;
  }
  const RidgeRegression* model = Model(title, variant);
  // An unseen arm still has its prior A = lambda I.
  return model == nullptr ? Dot(x) / lambda_ : model->Variance(x);
}

uint64_t ArmModels::Observations(uint32_t title) const {
  if (shape_ == Shape::kShared) return shared_.observations();
  uint64_t total = 0;
  const uint32_t offset = features_->artwork_offset(title);
  for (uint32_t v = 0; v < features_->variant_count(title); ++v) {
    if (const RidgeRegression* model = arm(offset + v)) total += model->observations();
  }
  return total;
}

void ArmModels::Update(const ArtworkContext& context, uint32_t variant, double reward) {
  // A non-finite reward would poison every later estimate; there is no error
  // channel here, so it is dropped, and a reward outside [0, 1] is clamped.
  if (!std::isfinite(reward) || variant >= features_->variant_count(context.title)) return;
  reward = std::clamp(reward, 0.0, 1.0);
  const uint32_t artwork = features_->artwork_offset(context.title) + variant;
  if (shape_ == Shape::kShared) {
    std::vector<float> x(dim_);
    features_->JointFeatures(context.member, artwork, x);
    shared_.Update(x, reward);
    return;
  }
  auto [it, added] = arms_.try_emplace(artwork);
  if (added) it->second = RidgeRegression(dim_, lambda_);
  it->second.Update(context.member.first(dim_), reward);
}

void ArmModels::Save(ByteWriter& out) const {
  out.U8(shape_ == Shape::kShared ? 0 : 1);
  if (shape_ == Shape::kShared) {
    shared_.Save(out);
    return;
  }
  // Sorted so that the same state always gives the same bytes.
  std::vector<uint32_t> artworks;
  artworks.reserve(arms_.size());
  for (const auto& [artwork, model] : arms_) artworks.push_back(artwork);
  std::sort(artworks.begin(), artworks.end());
  out.U32(static_cast<uint32_t>(artworks.size()));
  for (uint32_t artwork : artworks) {
    out.U32(artwork);
    arms_.at(artwork).Save(out);
  }
}

Status ArmModels::Load(ByteReader& in) {
  const uint8_t shape = in.U8();
  const uint8_t expected = shape_ == Shape::kShared ? 0 : 1;
  if (in.ok() && shape != expected) {
    in.Fail(std::string("model shape ") + std::to_string(shape) + ", expected " +
            (expected == 0 ? "0 (shared)" : "1 (disjoint)"));
  }
  if (!in.ok()) return in.status();
  auto check_dim = [&](const RidgeRegression& model) {
    if (model.dim() != dim_) {
      in.Fail("model of dimension " + std::to_string(model.dim()) + ", the features need " +
              std::to_string(dim_));
    } else if (model.lambda() != lambda_) {
      in.Fail("model with lambda " + std::to_string(model.lambda()) + ", the parameters say " +
              std::to_string(lambda_));
    }
    return in.ok();
  };
  if (shape_ == Shape::kShared) {
    MARQUEE_ASSIGN_OR_RETURN(RidgeRegression model, RidgeRegression::Load(in));
    if (!check_dim(model)) return in.status();
    shared_ = std::move(model);
    return Status::OK();
  }
  const uint32_t count = in.U32();
  if (in.ok() && count > features_->artwork_count()) {
    in.Fail(std::to_string(count) + " artwork models for " +
            std::to_string(features_->artwork_count()) + " artworks");
  }
  std::unordered_map<uint32_t, RidgeRegression> arms;
  for (uint32_t i = 0; i < count && in.ok(); ++i) {
    const uint32_t artwork = in.U32();
    if (in.ok() && artwork >= features_->artwork_count()) {
      in.Fail("artwork index " + std::to_string(artwork) + " out of range (" +
              std::to_string(features_->artwork_count()) + " artworks)");
    }
    if (in.ok() && arms.count(artwork) != 0) {
      in.Fail("artwork index " + std::to_string(artwork) + " twice");
    }
    if (!in.ok()) break;
    MARQUEE_ASSIGN_OR_RETURN(RidgeRegression model, RidgeRegression::Load(in));
    if (!check_dim(model)) break;
    arms.emplace(artwork, std::move(model));
  }
  if (!in.ok()) return in.status();
  arms_ = std::move(arms);
  return Status::OK();
}

void ShareAmongBest(std::span<const double> scores, std::span<double> out) {
  const double best = *std::max_element(scores.begin(), scores.end());
  const double floor = best - kTieTolerance * std::max(1.0, std::abs(best));
  size_t ties = 0;
  for (double s : scores) ties += s >= floor ? 1 : 0;
  if (ties == 0) {  // only when scores are NaN: no preference at all
    std::fill(out.begin(), out.end(), 1.0 / static_cast<double>(out.size()));
    return;
  }
  const double share = 1.0 / static_cast<double>(ties);
  for (size_t v = 0; v < scores.size(); ++v) out[v] = scores[v] >= floor ? share : 0.0;
}

}  // namespace marquee
