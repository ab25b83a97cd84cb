#include "marquee/models/ease.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "marquee/models/cooccurrence.h"
#include "marquee/models/spd_inverse.h"

namespace marquee {

namespace {

constexpr uint32_t kHeaderTag = FourCC("EASH");
constexpr uint32_t kWeightsTag = FourCC("EASB");
constexpr double kBytesPerGb = 1e9;
// G and the inversion's scratch matrix are alive at once.
constexpr int kMatricesAtOnce = 2;
// Tiles of 256 x 256 floats (256 KiB) keep Eigen's products efficient while
// leaving enough tiles to balance two to a few dozen threads.
constexpr uint32_t kTile = 256;

// MemAvailable from /proc/meminfo in bytes; 0 when it cannot be read.
double AvailableMemoryBytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kilobytes = 0;
  std::string unit;
  while (meminfo >> key >> kilobytes >> unit) {
    if (key == "MemAvailable:") return kilobytes * 1024;
  }
  return 0;
}

std::string FormatGb(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", bytes / kBytesPerGb);
  return buf;
}

// G = X^T X + lambda I, lower triangle, column-major (column i in
// [i * n, (i + 1) * n)); `g` must be zero on entry.
void ComputeGram(const InteractionMatrix& x, bool binary, double lambda, std::span<float> g,
                 const ProgressCallback& progress) {
  const uint32_t n = x.cols();
  const InteractionMatrix xt = x.Transpose();
  ProgressReporter reporter(progress, "ease: gram matrix", n);
#pragma omp parallel for schedule(dynamic, 16)
  for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
    std::span<float> column = g.subspan(static_cast<size_t>(i) * n, n);
    AddCooccurrenceLower<float>(x, xt, static_cast<uint32_t>(i), binary, column);
    column[i] += static_cast<float>(lambda);
    reporter.Advance(1);
  }
}

// P (symmetric) -> B in place: column i of P is row i of P, and becomes row
// i of B = (-P_ij / P_jj)_j with a zero diagonal.
void PrecisionToWeights(std::span<float> p, uint32_t n) {
  std::vector<float> scale(n);
  for (uint32_t j = 0; j < n; ++j) scale[j] = -1.0f / p[static_cast<size_t>(j) * n + j];
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
    float* row = p.data() + static_cast<size_t>(i) * n;
    for (uint32_t j = 0; j < n; ++j) row[j] *= scale[j];
    row[i] = 0.0f;
  }
}

}  // namespace

Result<std::unique_ptr<Recommender>> EaseRecommender::Create(const Parameters& parameters) {
  auto model = std::make_unique<EaseRecommender>();
  MARQUEE_ASSIGN_OR_RETURN(model->lambda_, parameters.GetDouble("ease", "lambda", 500, 0, 1e12));
  if (model->lambda_ <= 0) {
    return Status::InvalidArgument("ease: parameter 'lambda': expected a number > 0, found " +
                                   QuoteForError(parameters.values().at("lambda")));
  }
  MARQUEE_ASSIGN_OR_RETURN(model->binary_, parameters.GetBool("ease", "binary", true));
  MARQUEE_ASSIGN_OR_RETURN(model->max_memory_gb_,
                           parameters.GetDouble("ease", "max_memory_gb", 0, 0, 1e9));
  MARQUEE_RETURN_IF_ERROR(parameters.CheckAllUsed("ease"));
  return std::unique_ptr<Recommender>(std::move(model));
}

Parameters EaseRecommender::parameters() const {
  Parameters p;
  p.Set("lambda", lambda_);
  p.Set("binary", binary_ ? "true" : "false");
  p.Set("max_memory_gb", max_memory_gb_);
  return p;
}

double EaseRecommender::MemoryNeeded(uint32_t titles) {
  return kMatricesAtOnce * static_cast<double>(titles) * titles * sizeof(float);
}

Status EaseRecommender::CheckMemory(uint32_t titles, double bytes_needed) const {
  const bool overridden = max_memory_gb_ > 0;
  const double available = overridden ? max_memory_gb_ * kBytesPerGb : AvailableMemoryBytes();
  if (available == 0 || bytes_needed <= available) return Status::OK();  // 0: unknown
  return Status::ResourceExhausted(
      "ease: " + std::to_string(titles) + " titles need " + FormatGb(bytes_needed) +
      " GB for the n x n matrices; " + FormatGb(available) + " GB " +
      (overridden ? "are allowed (max_memory_gb)" : "are available") +
      "; use itemknn or ials for catalogs this large");
}

Status EaseRecommender::Fit(const InteractionMatrix& train, const TrainContext& context) {
  const uint32_t n = train.cols();
  MARQUEE_RETURN_IF_ERROR(CheckMemory(n, MemoryNeeded(n)));
  weights_.clear();
  weights_.shrink_to_fit();  // a retrain must not hold the old B beside the new matrices
  title_count_ = 0;

  const size_t entries = static_cast<size_t>(n) * n;
  std::vector<float> matrix(entries, 0.0f);  // G, then P, then B
  ComputeGram(train, binary_, lambda_, matrix, context.progress);
  {
    auto work = std::make_unique_for_overwrite<float[]>(entries);
    ProgressReporter reporter(context.progress, "ease: inverting", 3 * ((n + kTile - 1) / kTile));
    const bool inverted = InvertSymmetricPositiveDefinite<float>(
        matrix, {work.get(), entries}, n, kTile, [&](uint32_t done, uint32_t) { reporter.Set(done); });
    if (!inverted) {
      return Status::InvalidArgument("ease: X^T X + lambda I is not positive definite in float "
                                     "precision; use a larger lambda");
    }
  }
  PrecisionToWeights(matrix, n);
  weights_ = std::move(matrix);
  member_count_ = train.rows();
  title_count_ = n;
  return Status::OK();
}

void EaseRecommender::ScoreHistory(History history, std::span<float> scores) const {
  std::fill(scores.begin(), scores.end(), 0.0f);
  const uint32_t n = title_count_;
  for (size_t k = 0; k < history.titles.size(); ++k) {
    const uint32_t title = history.titles[k];
    if (title >= n) continue;  // a title newer than the model
    const float w = binary_ || history.weights.empty() ? 1.0f : history.weights[k];
    const float* row = WeightRow(title).data();
    for (uint32_t j = 0; j < n; ++j) scores[j] += w * row[j];
  }
}

void EaseRecommender::ScoreSimilar(uint32_t title, std::span<float> scores) const {
  if (title >= title_count_) {
    std::fill(scores.begin(), scores.end(), 0.0f);
    return;
  }
  std::span<const float> row = WeightRow(title);
  std::copy(row.begin(), row.end(), scores.begin());
}

void EaseRecommender::SaveState(SectionFileWriter& out) const {
  ByteWriter header;
  header.U32(member_count_);
  header.U32(title_count_);
  out.AddSection(kHeaderTag, std::move(header));
  out.AddBorrowedSection(kWeightsTag, {AsBytes(weights_)});  // n^2 floats: no copy
}

Status EaseRecommender::LoadState(const SectionFileReader& in) {
  MARQUEE_ASSIGN_OR_RETURN(std::string_view header_bytes, in.Section(kHeaderTag));
  ByteReader header(header_bytes, in.path() + ": ease header");
  const uint32_t members = header.U32();
  const uint32_t n = header.U32();
  if (header.ok() && !header.AtEnd()) header.Fail("trailing bytes");
  MARQUEE_RETURN_IF_ERROR(header.status());

  MARQUEE_ASSIGN_OR_RETURN(std::string_view raw, in.Section(kWeightsTag));
  const uint64_t expected = static_cast<uint64_t>(n) * n * sizeof(float);
  if (raw.size() != expected) {
    return Status::Corruption(in.path() + ": ease weights: expected " + std::to_string(expected) +
                              " bytes for " + std::to_string(n) + " x " + std::to_string(n) +
                              " floats, found " + std::to_string(raw.size()));
  }
  MARQUEE_RETURN_IF_ERROR(CheckMemory(n, static_cast<double>(expected)));
  weights_.resize(static_cast<size_t>(n) * n);
  if (expected > 0) std::memcpy(weights_.data(), raw.data(), expected);
  member_count_ = members;
  title_count_ = n;
  return Status::OK();
}

}  // namespace marquee
