#include "marquee/bandit/ridge_regression.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "../models/dense_reference.h"

namespace marquee {
namespace {

using test::DenseMatrix;

// A handful of observations with some exact zeros (the sparse path of the
// rank-one update) and unequal weights.
struct Observation {
  std::vector<float> x;
  double reward;
  double weight;
};

std::vector<Observation> Observations(size_t dim, int count, uint64_t seed) {
  Rng rng(seed);
  std::vector<Observation> out;
  for (int i = 0; i < count; ++i) {
    Observation o;
    o.x.resize(dim);
    for (float& v : o.x) v = rng.Bernoulli(0.3) ? 0.0f : static_cast<float>(rng.Uniform(-1, 1));
    o.reward = rng.Uniform();
    o.weight = rng.Uniform(0.5, 2.0);
    out.push_back(std::move(o));
  }
  return out;
}

// The normal equations, built densely: A = lambda I + sum w x x^T, b = sum w r x.
struct Dense {
  DenseMatrix a;
  std::vector<double> b;
};

Dense NormalEquations(size_t dim, double lambda, const std::vector<Observation>& obs) {
  Dense d{DenseMatrix(dim, std::vector<double>(dim, 0.0)), std::vector<double>(dim, 0.0)};
  for (size_t i = 0; i < dim; ++i) d.a[i][i] = lambda;
  for (const Observation& o : obs) {
    for (size_t i = 0; i < dim; ++i) {
      d.b[i] += o.weight * o.reward * o.x[i];
      for (size_t j = 0; j < dim; ++j) d.a[i][j] += o.weight * o.x[i] * o.x[j];
    }
  }
  return d;
}

std::vector<double> Multiply(const DenseMatrix& m, const std::vector<double>& v) {
  std::vector<double> out(m.size(), 0.0);
  for (size_t i = 0; i < m.size(); ++i) {
    for (size_t j = 0; j < v.size(); ++j) out[i] += m[i][j] * v[j];
  }
  return out;
}

RidgeRegression Fit(size_t dim, double lambda, const std::vector<Observation>& obs) {
  RidgeRegression model(dim, lambda);
  for (const Observation& o : obs) model.Update(o.x, o.reward, o.weight);
  return model;
}

TEST(RidgeRegressionTest, PriorPredictsZeroWithVarianceOverLambda) {
  RidgeRegression model(3, 2.0);
  const std::vector<float> x = {1.0f, -2.0f, 0.5f};
  EXPECT_EQ(model.observations(), 0u);
  EXPECT_EQ(model.Mean(x), 0.0);
  EXPECT_NEAR(model.Variance(x), (1.0 + 4.0 + 0.25) / 2.0, 1e-15);
}

TEST(RidgeRegressionTest, ThetaMatchesDenseNormalEquations) {
  const size_t dim = 6;
  const double lambda = 0.7;
  const std::vector<Observation> obs = Observations(dim, 40, 11);
  const RidgeRegression model = Fit(dim, lambda, obs);
  EXPECT_EQ(model.observations(), 40u);

  const Dense dense = NormalEquations(dim, lambda, obs);
  const std::vector<double> want = Multiply(test::GaussJordanInverse(dense.a), dense.b);
  ASSERT_EQ(model.theta().size(), dim);
  for (size_t i = 0; i < dim; ++i) EXPECT_NEAR(model.theta()[i], want[i], 1e-10) << i;

  const std::vector<float> x = {0.3f, 0.0f, -1.0f, 0.25f, 2.0f, 0.5f};
  double mean = 0.0;
  for (size_t i = 0; i < dim; ++i) mean += want[i] * x[i];
  EXPECT_NEAR(model.Mean(x), mean, 1e-10);
}

TEST(RidgeRegressionTest, VarianceMatchesExplicitInverse) {
  const size_t dim = 4;
  const double lambda = 1.5;
  const std::vector<Observation> obs = Observations(dim, 15, 5);
  const RidgeRegression model = Fit(dim, lambda, obs);
  const DenseMatrix inverse = test::GaussJordanInverse(NormalEquations(dim, lambda, obs).a);
  for (const std::vector<float>& x :
       {std::vector<float>{1, 0, 0, 0}, std::vector<float>{0.5f, -1, 2, 0.25f},
        std::vector<float>{0, 0, 0, 3}}) {
    double want = 0.0;
    for (size_t i = 0; i < dim; ++i) {
      for (size_t j = 0; j < dim; ++j) want += x[i] * inverse[i][j] * x[j];
    }
    EXPECT_NEAR(model.Variance(x), want, 1e-12 * std::max(1.0, want));
  }
}

// InverseTimes, prepared (a stored A^-1) or not (two solves), must match a
// dense inverse; Update drops the prepared inverse, and a copy prepared
// before the update keeps answering for its own state.
TEST(RidgeRegressionTest, InverseTimesMatchesDenseInverseAcrossUpdatesAndCopies) {
  const size_t dim = 5;
  const double lambda = 0.8;
  std::vector<Observation> obs = Observations(dim, 20, 9);
  RidgeRegression model = Fit(dim, lambda, obs);
  const std::vector<float> x = {0.0f, 1.5f, 0.0f, -0.5f, 2.0f};  // zeros: skipped columns
  auto check = [&](const RidgeRegression& m, const std::vector<Observation>& seen) {
    const std::vector<double> want =
        Multiply(test::GaussJordanInverse(NormalEquations(dim, lambda, seen).a), std::vector<double>(x.begin(), x.end()));
    std::vector<double> got(dim, -7.0);  // overwritten, not accumulated into
    m.InverseTimes(x, got);
    for (size_t i = 0; i < dim; ++i) EXPECT_NEAR(got[i], want[i], 1e-12) << i;
    // x^T A^-1 x two ways.
    double quadratic = 0.0;
    for (size_t i = 0; i < dim; ++i) quadratic += x[i] * got[i];
    EXPECT_NEAR(quadratic, m.Variance(x), 1e-12);
  };
  check(model, obs);  // unprepared: solves
  model.PrepareForReads();
  EXPECT_TRUE(model.prepared_for_reads());
  check(model, obs);
  const RidgeRegression before = model;  // prepared copy
  const Observation extra{{1.0f, 0.0f, 3.0f, 0.0f, -1.0f}, 1.0, 2.0};
  model.Update(extra.x, extra.reward, extra.weight);
  EXPECT_FALSE(model.prepared_for_reads());
  std::vector<Observation> after = obs;
  after.push_back(extra);
  check(model, after);
  model.PrepareForReads();
  check(model, after);
  check(before, obs);
  EXPECT_FALSE(model == before);
  EXPECT_TRUE(before == Fit(dim, lambda, obs));  // the inverse is not state
}

TEST(RidgeRegressionTest, WeightCountsAsRepeatedObservations) {
  const std::vector<float> x = {1.0f, 0.5f, -0.25f};
  const std::vector<float> y = {0.0f, 1.0f, 1.0f};
  RidgeRegression weighted(3, 1.0), repeated(3, 1.0);
  weighted.Update(x, 0.8, 3.0);
  weighted.Update(y, 0.1, 1.0);
  for (int i = 0; i < 3; ++i) repeated.Update(x, 0.8);
  repeated.Update(y, 0.1);
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(weighted.theta()[i], repeated.theta()[i], 1e-12);
  EXPECT_NEAR(weighted.Variance(x), repeated.Variance(x), 1e-12);
}

TEST(RidgeRegressionTest, SampledThetaHasPosteriorMeanAndCovariance) {
  const size_t dim = 3;
  const double lambda = 1.0;
  const double scale = 0.7;
  const std::vector<Observation> obs = Observations(dim, 10, 3);
  const RidgeRegression model = Fit(dim, lambda, obs);
  const DenseMatrix inverse = test::GaussJordanInverse(NormalEquations(dim, lambda, obs).a);

  const int draws = 200000;
  Rng rng(99);
  std::vector<double> theta(dim), sum(dim, 0.0);
  DenseMatrix outer(dim, std::vector<double>(dim, 0.0));
  for (int n = 0; n < draws; ++n) {
    model.SampleTheta(rng, scale, theta);
    for (size_t i = 0; i < dim; ++i) {
      const double di = theta[i] - model.theta()[i];
      sum[i] += di;
      for (size_t j = 0; j < dim; ++j) outer[i][j] += di * (theta[j] - model.theta()[j]);
    }
  }
  for (size_t i = 0; i < dim; ++i) {
    const double sd = scale * std::sqrt(inverse[i][i]);
    // Five standard errors: fails only if the draws are off-centre.
    EXPECT_NEAR(sum[i] / draws, 0.0, 5 * sd / std::sqrt(draws)) << i;
    for (size_t j = 0; j < dim; ++j) {
      const double want = scale * scale * inverse[i][j];
      const double tolerance = 0.02 * scale * scale * std::sqrt(inverse[i][i] * inverse[j][j]);
      EXPECT_NEAR(outer[i][j] / draws, want, tolerance) << i << "," << j;
    }
  }
}

TEST(RidgeRegressionTest, SaveLoadRoundTripIsExact) {
  const RidgeRegression model = Fit(5, 0.3, Observations(5, 25, 8));
  ByteWriter w;
  model.Save(w);
  w.U32(0xabcdef);  // what follows must be left for the next reader
  ByteReader r(w.bytes(), "test state");
  Result<RidgeRegression> loaded = RidgeRegression::Load(r);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(*loaded == model);
  EXPECT_EQ(loaded->observations(), 25u);
  EXPECT_EQ(r.U32(), 0xabcdefu);
  EXPECT_TRUE(r.AtEnd());
}

// Layout of a saved model: dim, lambda, observations, then the packed lower
// triangle and b as length-prefixed arrays.
constexpr size_t kLambdaAt = 8;
constexpr size_t kLowerAt = 24;

Status LoadBytes(const std::string& bytes) {
  ByteReader r(bytes, "ridge state");
  return RidgeRegression::Load(r).status();
}

std::string Saved(size_t dim) {
  ByteWriter w;
  Fit(dim, 1.0, Observations(dim, 6, 2)).Save(w);
  return w.bytes();
}

void PutDouble(std::string& bytes, size_t at, double v) { std::memcpy(bytes.data() + at, &v, 8); }

TEST(RidgeRegressionTest, LoadRefusesMalformedState) {
  const size_t dim = 3;
  const std::string good = Saved(dim);
  ASSERT_TRUE(LoadBytes(good).ok());
  const size_t lower_count = dim * (dim + 1) / 2;
  const size_t b_at = kLowerAt + 8 + 8 * lower_count + 8;

  std::vector<std::pair<std::string, std::string>> cases;
  cases.emplace_back("truncated", good.substr(0, good.size() - 3));
  std::string zero_dim = good;
  std::memset(zero_dim.data(), 0, 8);
  cases.emplace_back("dimension 0", zero_dim);
  std::string huge_dim = good;
  const uint64_t huge = uint64_t{1} << 40;
  std::memcpy(huge_dim.data(), &huge, 8);
  cases.emplace_back("huge dimension", huge_dim);
  std::string bad_lambda = good;
  PutDouble(bad_lambda, kLambdaAt, -1.0);
  cases.emplace_back("negative lambda", bad_lambda);
  std::string nan_b = good;
  PutDouble(nan_b, b_at, std::numeric_limits<double>::quiet_NaN());
  cases.emplace_back("NaN in b", nan_b);
  std::string inf_factor = good;
  PutDouble(inf_factor, kLowerAt + 8 + 8, std::numeric_limits<double>::infinity());
  cases.emplace_back("infinite factor entry", inf_factor);
  std::string zero_diagonal = good;
  PutDouble(zero_diagonal, kLowerAt + 8, 0.0);  // L[0][0]
  cases.emplace_back("zero diagonal", zero_diagonal);
  std::string short_b = good;
  const uint64_t two = 2;
  std::memcpy(short_b.data() + b_at - 8, &two, 8);
  cases.emplace_back("b of the wrong length", short_b);

  for (const auto& [what, bytes] : cases) {
    Status s = LoadBytes(bytes);
    EXPECT_EQ(s.code(), Status::Code::kCorruption) << what << ": " << s.ToString();
    EXPECT_NE(s.message().find("ridge state"), std::string::npos) << what << ": " << s.ToString();
  }
}

}  // namespace
}  // namespace marquee
