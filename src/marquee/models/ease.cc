#include "marquee/models/ease.h"

#include <fmt/format.h>

#include <algorithm>
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
// G becomes P and then B in place (LAPACK's inverse needs no scratch
// matrix), and a retrain frees the old B first: one n x n matrix at a time.
constexpr int kMatricesAtOnce = 1;

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

std::string FormatGb(double bytes) { return fmt::format("{:.1f}", bytes / kBytesPerGb); }

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

const ParameterTable<EaseRecommender::Options>& EaseRecommender::Table() {
  static const ParameterTable<Options> table = [] {
    ParameterTable<Options> t("ease");
    t.PositiveDouble("lambda", &Options::lambda, 1e12, "L2 regularization")
        .Bool("binary", &Options::binary, "every interaction counts 1")
        .Double("max_memory_gb", &Options::max_memory_gb, 0, 1e9,
                "memory for the n x n matrices in GB (0 = what is available)");
    return t;
  }();
  return table;
}

Result<std::unique_ptr<Recommender>> EaseRecommender::Create(const Parameters& parameters) {
  MARQUEE_ASSIGN_OR_RETURN(Options options, Table().Read(parameters));
  return std::unique_ptr<Recommender>(std::make_unique<EaseRecommender>(options));
}

Parameters EaseRecommender::parameters() const { return Table().Write(options_); }

double EaseRecommender::MemoryNeeded(uint32_t titles) {
  return kMatricesAtOnce * static_cast<double>(titles) * titles * sizeof(float);
}

Status EaseRecommender::CheckMemory(uint32_t titles, double bytes_needed) const {
  const bool overridden = options_.max_memory_gb > 0;
  const double available = overridden ? options_.max_memory_gb * kBytesPerGb : AvailableMemoryBytes();
  if (available == 0 || bytes_needed <= available) return Status::OK();  // 0: unknown
  return Status::ResourceExhausted(
      fmt::format("ease: {} titles need {} GB for the n x n matrix; {} GB {}; use itemknn or "
                  "ials for catalogs this large",
                  titles, FormatGb(bytes_needed), FormatGb(available),
                  overridden ? "are allowed (max_memory_gb)" : "are available"));
}

Status EaseRecommender::Fit(const InteractionMatrix& train, const TrainContext& context) {
  const uint32_t n = train.cols();
  MARQUEE_RETURN_IF_ERROR(CheckMemory(n, MemoryNeeded(n)));
  weights_.clear();
  weights_.shrink_to_fit();  // a retrain must not hold the old B beside the new matrices
  title_count_ = 0;

  const size_t entries = static_cast<size_t>(n) * n;
  std::vector<float> matrix(entries, 0.0f);  // G, then P, then B
  ComputeGram(train, options_.binary, options_.lambda, matrix, context.progress);
  {
    ProgressReporter reporter(context.progress, "ease: inverting", 2);
    const Status inverted = InvertSymmetricPositiveDefinite(
        std::span<float>(matrix), n, [&](uint32_t done, uint32_t) { reporter.Set(done); });
    if (!inverted.ok()) {
      return Status::InvalidArgument(fmt::format(
          "ease: X^T X + lambda I cannot be inverted in float precision ({}); use a larger lambda",
          inverted.message()));
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
    const float w = options_.binary || history.weights.empty() ? 1.0f : history.weights[k];
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
    return Status::Corruption(
        fmt::format("{}: ease weights: expected {} bytes for {} x {} floats, found {}", in.path(),
                    expected, n, n, raw.size()));
  }
  MARQUEE_RETURN_IF_ERROR(CheckMemory(n, static_cast<double>(expected)));
  weights_.resize(static_cast<size_t>(n) * n);
  if (expected > 0) std::memcpy(weights_.data(), raw.data(), expected);
  member_count_ = members;
  title_count_ = n;
  return Status::OK();
}

}  // namespace marquee
