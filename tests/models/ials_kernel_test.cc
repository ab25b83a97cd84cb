// The iALS CG kernels (one per instruction set) against each other, against
// the exact Cholesky solve, and the run-time choice between them.
#include "marquee/models/ials_kernel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "marquee/models/ials.h"
#include "marquee/models/ials_solver.h"
#include "marquee/util/cpu_features.h"
#include "marquee/util/random.h"

namespace marquee {
namespace {

// 64-byte aligned storage for the fp16 rows the kernels load.
struct AlignedAllocator {
  using value_type = uint16_t;
  AlignedAllocator() = default;
  template <typename U>
  struct rebind {
    using other = AlignedAllocator;
  };
  uint16_t* allocate(size_t n) { return static_cast<uint16_t*>(std::aligned_alloc(64, (n * 2 + 63) / 64 * 64)); }
  void deallocate(uint16_t* p, size_t) { std::free(p); }
  bool operator==(const AlignedAllocator&) const { return true; }
};

std::vector<const ials::IalsKernel*> RunnableKernels() {
  std::vector<const ials::IalsKernel*> out;
  const CpuFeatures cpu = CpuFeatures::Detect();
  for (const ials::IalsKernel& kernel : ials::IalsKernels()) {
    if (kernel.supported(cpu)) out.push_back(&kernel);
  }
  return out;
}

const ials::IalsKernel& Portable() { return *ials::SelectIalsKernel(CpuFeatures{}, "portable").value(); }

// members x titles, each pair observed with probability `density`, weights
// in [0.2, 3).
InteractionMatrix RandomTrain(uint32_t members, uint32_t titles, double density, uint64_t seed) {
  InteractionBuilder b;
  Rng rng(seed);
  for (uint32_t u = 0; u < members; ++u) {
    for (uint32_t i = 0; i < titles; ++i) {
      if (rng.Bernoulli(density)) b.Add(u, i, static_cast<float>(rng.Uniform(0.2, 3.0)));
    }
  }
  return b.Build(members, titles, DuplicateRule::kSum);
}

// The loss reported after the last iteration of an iALS fit.
double FinalLoss(const InteractionMatrix& train, const Parameters& parameters, uint64_t seed) {
  Result<std::unique_ptr<Recommender>> model = IalsRecommender::Create(parameters);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  if (!model.ok()) return 0;
  TrainContext context;
  context.seed = seed;
  double loss = 0;
  context.on_iteration = [&](const TrainingIteration& it) {
    if (it.has_loss) loss = it.loss;
  };
  const Status fit = (*model)->Fit(train, context);
  EXPECT_TRUE(fit.ok()) << fit.ToString();
  return loss;
}

// A random row problem: `titles` rows of `other`, `length` of them observed.
struct RowCase {
  RowCase(uint32_t f, uint32_t titles, uint32_t length, uint64_t seed) : y(titles, f), x0(1, f) {
    Rng rng(seed);
    for (uint32_t i = 0; i < titles; ++i) {
      for (uint32_t j = 0; j < f; ++j) y.Row(i)[j] = static_cast<float>(rng.Normal(0, 0.3));
    }
    for (uint32_t j = 0; j < f; ++j) x0.Row(0)[j] = static_cast<float>(rng.Normal(0, 0.1));
    for (uint32_t k = 0; k < length; ++k) {
      columns.push_back(rng.Below(titles));
      extra.push_back(static_cast<float>(rng.Uniform(0, 8)));
    }
    gram = Gramian(y);
  }
  ials::SparseRow row() const { return {columns.data(), extra.data(), static_cast<uint32_t>(columns.size())}; }
  FactorMatrix y, x0, gram;
  std::vector<uint32_t> columns;
  std::vector<float> extra;
};

// Every factor count class: below one lane, lane edges, the fixed-size
// kernels (up to 256 factors) and the general one (more); interaction counts
// around the AVX2 kernel's blocks of four.
TEST(IalsKernelTest, EveryRunnableKernelTakesTheSameStepsAsThePortableOne) {
  for (const ials::IalsKernel* kernel : RunnableKernels()) {
    for (uint32_t f : {1u, 15u, 16u, 17u, 64u, 100u, 128u, 200u, 300u}) {
      for (uint32_t length : {0u, 1u, 3u, 4u, 5u, 37u}) {
        const RowCase c(f, 80, length, 1000 * f + length);
        ials::SolverScratch scratch(f);
        FactorMatrix x(2, f);
        std::copy(c.x0.Row(0), c.x0.Row(0) + c.x0.stride(), x.Row(0));
        std::copy(c.x0.Row(0), c.x0.Row(0) + c.x0.stride(), x.Row(1));
        ials::SolveRowCg(Portable(), c.gram, c.y, c.row(), 0.2f, 3, x.Row(0), scratch);
        ials::SolveRowCg(*kernel, c.gram, c.y, c.row(), 0.2f, 3, x.Row(1), scratch);
        double scale = 0;
        for (uint32_t j = 0; j < f; ++j) scale = std::max(scale, std::abs(static_cast<double>(x.Row(0)[j])));
        for (uint32_t j = 0; j < f; ++j) {
          ASSERT_NEAR(x.Row(1)[j], x.Row(0)[j], 1e-4 * (1 + scale))
              << kernel->name << " f=" << f << " length=" << length << " j=" << j;
        }
        for (uint32_t j = f; j < x.stride(); ++j) ASSERT_EQ(x.Row(1)[j], 0.0f) << kernel->name << " padding";
      }
    }
  }
}

TEST(IalsKernelTest, EveryRunnableKernelConvergesToTheCholeskySolution) {
  for (const ials::IalsKernel* kernel : RunnableKernels()) {
    for (uint32_t f : {8u, 64u, 128u}) {
      const RowCase c(f, 300, 120, f);
      ials::SolverScratch scratch(f);
      FactorMatrix x(2, f);
      ials::SolveRowCholesky(c.gram, c.y, c.row(), 0.5f, x.Row(0), scratch);
      ials::SolveRowCg(*kernel, c.gram, c.y, c.row(), 0.5f, 4 * f, x.Row(1), scratch);  // from zero
      for (uint32_t j = 0; j < f; ++j) {
        EXPECT_NEAR(x.Row(1)[j], x.Row(0)[j], 2e-3 * (1 + std::abs(x.Row(0)[j])))
            << kernel->name << " f=" << f << " j=" << j;
      }
    }
  }
}

TEST(IalsKernelTest, AutomaticChoiceIsTheBestVariantTheFeatureMaskAllows) {
  CpuFeatures none;
  CpuFeatures avx2;
  avx2.avx2 = avx2.fma = true;
  CpuFeatures avx512 = avx2;
  avx512.avx512f = avx512.avx512vl = true;
  CpuFeatures avx512_without_vl = avx2;
  avx512_without_vl.avx512f = true;
  CpuFeatures avx2_without_fma;
  avx2_without_fma.avx2 = true;

  EXPECT_STREQ(ials::SelectIalsKernel(none, "").value()->name, "portable");
  EXPECT_STREQ(ials::SelectIalsKernel(avx2_without_fma, "auto").value()->name, "portable");
#if defined(__x86_64__)
  EXPECT_STREQ(ials::SelectIalsKernel(avx2, "").value()->name, "avx2");
  EXPECT_STREQ(ials::SelectIalsKernel(avx512_without_vl, "").value()->name, "avx2");
  EXPECT_STREQ(ials::SelectIalsKernel(avx512, "").value()->name, "avx512");
  EXPECT_STREQ(ials::SelectIalsKernel(avx512, "avx2").value()->name, "avx2");  // forced down
  EXPECT_STREQ(ials::SelectIalsKernel(avx512, "portable").value()->name, "portable");

  const Result<const ials::IalsKernel*> refused = ials::SelectIalsKernel(avx2, "avx512");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("needs avx512f avx512vl"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("this CPU has avx2 fma"), std::string::npos);
#endif
  // Whatever is chosen by default here can run here.
  const CpuFeatures here = CpuFeatures::Detect();
  EXPECT_TRUE(ials::SelectIalsKernel(here, "").value()->supported(here));

  const Result<const ials::IalsKernel*> unknown = ials::SelectIalsKernel(avx512, "sse9");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown iALS kernel \"sse9\""), std::string::npos)
      << unknown.status().message();
  EXPECT_NE(unknown.status().message().find("portable"), std::string::npos);
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_.empty()) unsetenv(name_);
    else setenv(name_, old_.c_str(), 1);
  }

 private:
  const char* name_;
  std::string old_;
};

TEST(IalsKernelTest, TheEnvironmentForcesAVariantAndABadOneStopsTraining) {
  {
    ScopedEnv env(ials::kIalsKernelEnv, "portable");
    EXPECT_STREQ(ials::ActiveIalsKernel().value()->name, "portable");
  }
  ScopedEnv env(ials::kIalsKernelEnv, "turbo");
  const Result<const ials::IalsKernel*> active = ials::ActiveIalsKernel();
  ASSERT_FALSE(active.ok());
  EXPECT_NE(active.status().message().find("MARQUEE_IALS_KERNEL: unknown iALS kernel"), std::string::npos)
      << active.status().message();

  Result<std::unique_ptr<Recommender>> model = IalsRecommender::Create({{"factors", "4"}, {"iterations", "1"}});
  ASSERT_TRUE(model.ok());
  InteractionBuilder b;
  b.Add(0, 0, 1.0f);
  const Status fit = (*model)->Fit(b.Build(1, 1, DuplicateRule::kSum), TrainContext{});
  ASSERT_FALSE(fit.ok());
  EXPECT_NE(fit.message().find("MARQUEE_IALS_KERNEL"), std::string::npos) << fit.ToString();
}

TEST(IalsKernelTest, TrainingWithEachKernelReachesTheSameLoss) {
  const InteractionMatrix train = RandomTrain(300, 120, 0.06, 11);
  std::vector<double> losses;
  for (const ials::IalsKernel* kernel : RunnableKernels()) {
    ScopedEnv env(ials::kIalsKernelEnv, kernel->name);
    losses.push_back(FinalLoss(train, {{"factors", "48"}, {"iterations", "6"}, {"solver", "cg"}}, 3));
  }
  for (size_t k = 1; k < losses.size(); ++k) EXPECT_NEAR(losses[k], losses[0], 1e-4 * losses[0]) << k;
}

// The fp16 copy of the gathered rows (CgRowProblem::other_half), scaled by a
// power of two: the same steps as the float rows within fp16's precision,
// also for factors far below fp16's normal range (6e-5).
TEST(IalsKernelTest, ScaledHalfRowsGiveTheFloatStepsWithinHalfPrecision) {
  for (const ials::IalsKernel* kernel : RunnableKernels()) {
    if (kernel->to_half == nullptr) continue;
    for (double magnitude : {1.0, 1e-6}) {
      for (uint32_t f : {16u, 64u, 100u}) {
        RowCase c(f, 200, 37, 7 * f);
        float largest = 0;
        for (uint32_t i = 0; i < c.y.rows(); ++i) {
          for (uint32_t j = 0; j < f; ++j) {
            c.y.Row(i)[j] = static_cast<float>(c.y.Row(i)[j] * magnitude);
            largest = std::max(largest, std::abs(c.y.Row(i)[j]));
          }
        }
        c.gram = Gramian(c.y);
        const float scale = std::ldexp(1.0f, 13 - std::ilogb(largest));
        std::vector<uint16_t, AlignedAllocator> half(static_cast<size_t>(c.y.rows()) * c.y.stride());
        kernel->to_half(c.y.data(), half.size(), scale, half.data());
        ials::SolverScratch scratch(f);
        FactorMatrix x(2, f);
        const float lambda = static_cast<float>(0.2 * magnitude * magnitude);  // same conditioning
        ials::SolveRowCg(*kernel, c.gram, c.y, c.row(), lambda, 3, x.Row(0), scratch);
        ials::SolveRowCg(*kernel, c.gram, c.y, c.row(), lambda, 3, x.Row(1), scratch, half.data(), scale);
        double norm = 0, diff = 0;
        for (uint32_t j = 0; j < f; ++j) {
          norm += static_cast<double>(x.Row(0)[j]) * x.Row(0)[j];
          diff += static_cast<double>(x.Row(1)[j] - x.Row(0)[j]) * (x.Row(1)[j] - x.Row(0)[j]);
        }
        ASSERT_GT(norm, 0) << kernel->name;
        EXPECT_LT(std::sqrt(diff / norm), 5e-3) << kernel->name << " f=" << f << " magnitude " << magnitude;
      }
    }
  }
}

TEST(IalsKernelTest, Fp16GatherReachesTheFp32LossWithinOneIn10000) {
  const InteractionMatrix train = RandomTrain(400, 150, 0.05, 17);
  std::vector<double> losses;
  for (const char* gather : {"fp32", "fp16"}) {
    losses.push_back(FinalLoss(train, {{"factors", "32"}, {"iterations", "8"}, {"gather", gather}}, 5));
  }
  EXPECT_NEAR(losses[1], losses[0], 1e-4 * losses[0]);
}

}  // namespace
}  // namespace marquee
