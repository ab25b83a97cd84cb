// marquee._marquee: the C++ library as Python sees it (issue 16 §1). The
// Python package (python/marquee/*.py) gives it implicit's call shapes and
// checks arguments; this module owns the data and the loops:
//   Dataset      a Marquee dataset file (.mqd): interactions as CSR arrays, ids
//   Model        a recommender of the registry: fit, top-k, similar, factors,
//                save/load in Marquee's model directories
// Every long call releases the GIL. Library errors become Python
// exceptions carrying Marquee's message: NotFound -> FileNotFoundError,
// IOError -> OSError, ResourceExhausted -> MemoryError, the rest ValueError.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "marquee/bandit/off_policy.h"
#include "marquee/data/dataset_file.h"
#include "marquee/eval/evaluator.h"
#include "marquee/eval/split.h"
#include "marquee/io/obd_log.h"
#include "marquee/models/model_file.h"
#include "marquee/models/recommend.h"
#include "marquee/models/registry.h"
#include "marquee/util/threads.h"

namespace py = pybind11;

namespace marquee::python {
namespace {

using Int64Array = py::array_t<int64_t, py::array::c_style | py::array::forcecast>;
using Int32Array = py::array_t<int32_t, py::array::c_style | py::array::forcecast>;
using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;

[[noreturn]] void Raise(const Status& status) {
  const std::string message = status.message();
  switch (status.code()) {
    case Status::Code::kNotFound:
      PyErr_SetString(PyExc_FileNotFoundError, message.c_str());
      throw py::error_already_set();
    case Status::Code::kIOError:
      PyErr_SetString(PyExc_OSError, message.c_str());
      throw py::error_already_set();
    case Status::Code::kResourceExhausted:
      PyErr_SetString(PyExc_MemoryError, message.c_str());
      throw py::error_already_set();
    default:
      throw py::value_error(message);
  }
}

template <typename T>
T Unwrap(Result<T> result) {
  if (!result.ok()) Raise(result.status());
  return std::move(*result);
}

// A CSR matrix from its arrays (the Python side made them canonical: int64
// indptr, int32 indices, float32 data). Copied: the model may outlive them.
InteractionMatrix MatrixFromCsr(const Int64Array& indptr, const Int32Array& indices, const FloatArray& data,
                                int64_t rows, int64_t cols) {
  if (rows < 0 || cols < 0 || rows > std::numeric_limits<uint32_t>::max() ||
      cols > std::numeric_limits<uint32_t>::max()) {
    throw py::value_error("user_items: expected a shape of at most 2^32-1 x 2^32-1");
  }
  if (indptr.size() != rows + 1) throw py::value_error("user_items: indptr must have rows + 1 entries");
  if (indices.size() != data.size()) throw py::value_error("user_items: indices and data differ in length");
  std::vector<uint64_t> ptr(indptr.data(), indptr.data() + indptr.size());
  std::vector<uint32_t> idx(indices.size());
  for (py::ssize_t i = 0; i < indices.size(); ++i) {
    const int32_t t = indices.data()[i];
    if (t < 0 || t >= cols) throw py::value_error("user_items: a column index is outside the matrix");
    idx[i] = static_cast<uint32_t>(t);
  }
  std::vector<float> weights(data.data(), data.data() + data.size());
  InteractionMatrix m(static_cast<uint32_t>(rows), static_cast<uint32_t>(cols), std::move(ptr), std::move(idx),
                      std::move(weights), {});
  Status valid = m.Validate();
  if (!valid.ok()) throw py::value_error("user_items: " + valid.message());
  return m;
}

// The (count, k) answers of a batched top-k: ids (-1 past the titles that
// qualify) and scores (-inf there). Rows are written without the GIL.
struct TopKArrays {
  TopKArrays(py::ssize_t count, int64_t k)
      : k(k), ids({count, static_cast<py::ssize_t>(k)}), scores({count, static_cast<py::ssize_t>(k)}),
        id_out(ids.mutable_data()), score_out(scores.mutable_data()) {}
  // Row i from column `first` on: `top` in order, then padding.
  void Row(py::ssize_t i, std::span<const ScoredTitle> top, int64_t first = 0) {
    for (int64_t j = first, t = 0; j < k; ++j, ++t) {
      const bool has = t < static_cast<int64_t>(top.size());
      id_out[i * k + j] = has ? static_cast<int32_t>(top[t].title) : -1;
      score_out[i * k + j] = has ? top[t].score : -std::numeric_limits<float>::infinity();
    }
  }
  py::tuple Take() { return py::make_tuple(ids, scores); }

  int64_t k;
  py::array_t<int32_t> ids;
  py::array_t<float> scores;
  int32_t* id_out;
  float* score_out;
};

// filter_items as title indices; ValueError for one outside 0..titles-1.
std::vector<uint32_t> ItemIds(const Int32Array& items, uint32_t titles) {
  std::vector<uint32_t> out;
  out.reserve(items.size());
  for (py::ssize_t i = 0; i < items.size(); ++i) {
    const int32_t t = items.data()[i];
    if (t < 0 || t >= static_cast<int64_t>(titles)) throw py::value_error("filter_items: an item id is outside the model");
    out.push_back(static_cast<uint32_t>(t));
  }
  return out;
}

// A fingerprint of a matrix's pattern and weights (FNV-1a over the arrays):
// evaluate() refuses a split whose train matrix is not what the model was
// fitted on, which would score members on titles it learned from.
uint64_t MatrixSignature(const InteractionMatrix& m) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](uint64_t v) {
    h ^= v;
    h *= 1099511628211ull;
  };
  mix(m.rows());
  mix(m.cols());
  for (uint32_t r = 0; r < m.rows(); ++r) {
    mix(m.RowLength(r));
    for (uint32_t t : m.RowIndices(r)) mix(t);
  }
  return h;
}

// A read-only numpy view of a factor matrix's rows (its padding left out),
// owning a reference to `model`: a view outlives a refit of its wrapper.
py::array FactorView(const FactorMatrix& m, const std::shared_ptr<const Recommender>& model) {
  py::capsule owner(new std::shared_ptr<const Recommender>(model),
                    [](void* p) { delete static_cast<std::shared_ptr<const Recommender>*>(p); });
  py::array view(py::dtype::of<float>(), {static_cast<py::ssize_t>(m.rows()), static_cast<py::ssize_t>(m.factors())},
                 {static_cast<py::ssize_t>(m.stride() * sizeof(float)), static_cast<py::ssize_t>(sizeof(float))},
                 m.data(), owner);
  view.attr("setflags")(py::arg("write") = false);
  return view;
}

// A matrix as (indptr int64, indices int32, data float32, (rows, cols)).
py::tuple CsrTuple(const InteractionMatrix& m) {
  Int64Array indptr(m.rows() + 1);
  Int32Array indices(static_cast<py::ssize_t>(m.nnz()));
  FloatArray data(static_cast<py::ssize_t>(m.nnz()));
  int64_t* ptr = indptr.mutable_data();
  ptr[0] = 0;
  size_t k = 0;
  for (uint32_t r = 0; r < m.rows(); ++r) {
    ptr[r + 1] = ptr[r] + m.RowLength(r);
    for (uint32_t t : m.RowIndices(r)) indices.mutable_data()[k++] = static_cast<int32_t>(t);
  }
  k = 0;
  for (uint32_t r = 0; r < m.rows(); ++r) {
    for (float w : m.RowWeights(r)) data.mutable_data()[k++] = w;
  }
  return py::make_tuple(indptr, indices, data, py::make_tuple(m.rows(), m.cols()));
}

// An evaluation split of `marquee evaluate` (eval/split.h), held whole so
// that evaluation runs on exactly what it split.
class PySplit {
 public:
  explicit PySplit(EvalSplit split) : split_(std::move(split)) {}
  const EvalSplit& split() const { return split_; }
  py::tuple Train() const { return CsrTuple(split_.train); }
  py::tuple Query() const { return CsrTuple(split_.query); }
  py::tuple Target() const { return CsrTuple(split_.target); }
  bool FoldIn() const { return split_.fold_in; }
  uint32_t Evaluated() const { return split_.EvaluatedMembers(); }

 private:
  EvalSplit split_;
};

class PyDataset {
 public:
  explicit PyDataset(const std::string& path) {
    Result<Dataset> loaded = [&] {
      py::gil_scoped_release release;
      return LoadDataset(path);
    }();
    dataset_ = std::make_shared<const Dataset>(Unwrap(std::move(loaded)));
  }
  const Dataset& dataset() const { return *dataset_; }

  py::tuple Csr() const { return CsrTuple(dataset_->interactions); }

  // The split `marquee evaluate --protocol ...` makes of this dataset.
  std::unique_ptr<PySplit> Split(const std::string& protocol, double fraction, uint32_t last_n, int64_t split_time,
                                 uint32_t heldout_members, uint32_t min_history, uint64_t seed) const {
    SplitOptions options;
    options.protocol = Unwrap(ParseSplitProtocol(protocol));
    options.fraction = fraction;
    options.last_n = last_n;
    options.split_time = split_time;
    options.heldout_members = heldout_members;
    options.min_history = min_history;
    options.seed = seed;
    Status valid = options.Validate();
    if (!valid.ok()) Raise(valid);
    Result<EvalSplit> split = [&] {
      py::gil_scoped_release release;
      return MakeSplit(dataset_->interactions, options);
    }();
    return std::make_unique<PySplit>(Unwrap(std::move(split)));
  }

  static std::vector<std::string> Ids(const IdMap& ids) {
    std::vector<std::string> out;
    out.reserve(ids.size());
    for (uint32_t i = 0; i < ids.size(); ++i) out.emplace_back(ids.ExternalId(i));
    return out;
  }
  std::vector<std::string> MemberIds() const { return Ids(dataset_->members); }
  std::vector<std::string> TitleIds() const { return Ids(dataset_->titles); }
  std::vector<std::string> TitleNames() const {
    std::vector<std::string> out;
    for (const Title& t : dataset_->catalog.titles()) out.push_back(t.name);
    return out;
  }
  std::string Source() const { return dataset_->source; }

 private:
  std::shared_ptr<const Dataset> dataset_;
};

class PyModel {
 public:
  PyModel(const std::string& name, const std::map<std::string, std::string>& parameters) : name_(name) {
    Parameters p;
    for (const auto& [key, value] : parameters) p.Set(key, value);
    model_ = Unwrap(CreateRecommender(name, p));
  }
  explicit PyModel(LoadedModel loaded)
      : name_(loaded.info.model), model_(std::move(loaded.model)), info_(loaded.info),
        members_(std::move(loaded.members)), titles_(std::move(loaded.titles)), fitted_(true) {}

  void Fit(const Int64Array& indptr, const Int32Array& indices, const FloatArray& data, int64_t rows, int64_t cols,
           uint64_t seed, int threads) {
    InteractionMatrix train = MatrixFromCsr(indptr, indices, data, rows, cols);
    // A fresh model of the same kind and parameters: fit twice starts over.
    Parameters parameters = model_->parameters();
    std::unique_ptr<Recommender> fresh = Unwrap(CreateRecommender(name_, parameters));
    Status fitted;
    double seconds = 0;
    {
      py::gil_scoped_release release;
      SetThreadCount(threads);
      const auto start = std::chrono::steady_clock::now();
      fitted = fresh->Fit(train, TrainContext{.seed = seed});
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    if (!fitted.ok()) Raise(fitted);
    model_ = std::move(fresh);
    fit_signature_ = MatrixSignature(train);
    info_ = ModelInfo{};
    info_.model = name_;
    info_.parameters = model_->parameters();
    info_.members = train.rows();
    info_.titles = train.cols();
    info_.interactions = train.nnz();
    info_.trained_at = static_cast<int64_t>(std::time(nullptr));
    info_.train_seconds = seconds;
    info_.version = name_ + "-" + std::to_string(info_.trained_at);
    members_ = IdMap();
    titles_ = IdMap();
    fitted_ = true;
  }

  // The top n for each member of `members` (row i of the CSR is member i's
  // history). Pads with id -1 and score -inf where fewer titles qualify.
  py::tuple Recommend(const Int64Array& members, const Int64Array& indptr, const Int32Array& indices,
                      const FloatArray& data, int64_t n, bool filter_liked, const Int32Array& filter_items,
                      bool recalculate, int threads) const {
    RequireFitted();
    const uint32_t titles = model_->title_count();
    const py::ssize_t count = members.size();
    InteractionMatrix histories = MatrixFromCsr(indptr, indices, data, count, titles);
    for (py::ssize_t i = 0; i < count; ++i) {
      const int64_t m = members.data()[i];
      if (!recalculate && (m < 0 || m >= model_->member_count())) {
        throw py::value_error("userid " + std::to_string(m) + " is not a member the model was trained on (0.." +
                              std::to_string(static_cast<int64_t>(model_->member_count()) - 1) +
                              "); pass recalculate_user=True to score its items instead");
      }
    }
    const std::vector<uint32_t> exclude = ItemIds(filter_items, titles);
    const int64_t k = std::max<int64_t>(0, std::min<int64_t>(n, titles));
    TopKArrays out(count, k);
    const int64_t* member_of = members.data();
    {
      py::gil_scoped_release release;
      SetThreadCount(threads);
      RecommendOptions options{.k = static_cast<uint32_t>(k), .exclude_history = filter_liked, .exclude = exclude};
#pragma omp parallel for schedule(dynamic, 16)
      for (py::ssize_t i = 0; i < count; ++i) {
        const History history = History::Row(histories, static_cast<uint32_t>(i));
        std::optional<uint32_t> member;
        if (!recalculate) member = static_cast<uint32_t>(member_of[i]);
        out.Row(i, marquee::Recommend(*model_, member, history, options));
      }
    }
    return out.Take();
  }

  // The n titles most similar to each of `items`, the item itself first.
  py::tuple SimilarItems(const Int64Array& items, int64_t n, const Int32Array& filter_items, int threads) const {
    RequireFitted();
    const uint32_t titles = model_->title_count();
    for (py::ssize_t i = 0; i < items.size(); ++i) {
      const int64_t t = items.data()[i];
      if (t < 0 || t >= titles) {
        throw py::value_error("itemid " + std::to_string(t) + " is not an item of the model (0.." +
                              std::to_string(static_cast<int64_t>(titles) - 1) + ")");
      }
    }
    const std::vector<uint32_t> exclude = ItemIds(filter_items, titles);
    const py::ssize_t count = items.size();
    const int64_t k = std::max<int64_t>(0, std::min<int64_t>(n, titles));
    TopKArrays out(count, k);
    const int64_t* item_of = items.data();
    {
      py::gil_scoped_release release;
      SetThreadCount(threads);
      RecommendOptions options{.k = static_cast<uint32_t>(k), .exclude_history = true, .exclude = exclude};
#pragma omp parallel for schedule(dynamic, 16)
      for (py::ssize_t i = 0; i < count; ++i) {
        std::vector<float> all(titles);
        const uint32_t item = static_cast<uint32_t>(item_of[i]);
        model_->ScoreSimilar(item, all);
        // As implicit: the item itself first, with its own score (1 for the
        // cosine models; 0 for EASE, whose B has a zero diagonal), then the
        // k - 1 most similar others.
        const float self = all[item];
        const uint32_t itself[] = {item};
        RecommendOptions others = options;
        others.k = k > 0 ? static_cast<uint32_t>(k - 1) : 0;
        const std::vector<ScoredTitle> top = RankScores(all, History{itself, {}}, others);
        const bool keep_self = std::find(exclude.begin(), exclude.end(), item) == exclude.end();
        if (k > 0 && keep_self) {
          const ScoredTitle first[] = {{item, self}};
          out.Row(i, first);
        }
        out.Row(i, top, k > 0 && keep_self ? 1 : 0);
      }
    }
    return out.Take();
  }

  // `marquee evaluate`'s metrics of this model (fitted on split.train) on
  // `split`, at `cutoffs`.
  py::dict Evaluate(const PySplit& split, const std::vector<uint32_t>& cutoffs, int threads) const {
    RequireFitted();
    const EvalSplit& s = split.split();
    if (s.train.rows() != model_->member_count() || s.train.cols() != model_->title_count()) {
      throw py::value_error("split: its train matrix is " + std::to_string(s.train.rows()) + " x " +
                            std::to_string(s.train.cols()) + ", the model's " + std::to_string(model_->member_count()) +
                            " x " + std::to_string(model_->title_count()) + "; fit the model on split.train");
    }
    if (fit_signature_ != 0 && fit_signature_ != MatrixSignature(s.train)) {
      throw py::value_error("split: the model was fitted on other data than split.train; fit it on split.train "
                            "(a model that learned the held-out interactions overstates every metric)");
    }
    if (s.EvaluatedMembers() == 0) {
      throw py::value_error("split: no member has a held-out interaction to evaluate (min_history too high?)");
    }
    EvaluateOptions options;
    options.cutoffs = cutoffs;
    Result<EvaluationResult> result = [&] {
      py::gil_scoped_release release;
      SetThreadCount(threads);
      return EvaluateModel(*model_, s, options);
    }();
    const EvaluationResult r = Unwrap(std::move(result));
    py::dict out;
    out["members_evaluated"] = r.members_evaluated;
    out["mrr"] = r.mrr;
    for (size_t i = 0; i < r.at_k.size(); ++i) {
      const MetricsAtK& m = r.at_k[i];
      const std::string k = "@" + std::to_string(m.k);
      out[py::str("ndcg" + k)] = m.ndcg;
      out[py::str("recall" + k)] = m.recall;
      out[py::str("recall_normalized" + k)] = m.recall_normalized;
      out[py::str("precision" + k)] = m.precision;
      out[py::str("map" + k)] = m.map;
      out[py::str("hit_rate" + k)] = m.hit_rate;
      if (i < r.coverage.size()) out[py::str("coverage" + k)] = r.coverage[i];
    }
    return out;
  }

  // The member vector a history folds into (factor models).
  py::array_t<float> FoldIn(const Int32Array& indices, const FloatArray& data) const {
    const FactorModel* factors = RequireFactors();
    std::vector<uint32_t> titles(indices.size());
    for (py::ssize_t i = 0; i < indices.size(); ++i) {
      const int32_t t = indices.data()[i];
      if (t < 0 || t >= static_cast<int64_t>(model_->title_count())) {
        throw py::value_error("user_items: an item id is outside the model");
      }
      titles[i] = static_cast<uint32_t>(t);
    }
    std::vector<float> vector;
    {
      py::gil_scoped_release release;
      vector = factors->FoldIn(History{titles, std::span<const float>(data.data(), data.size())});
    }
    const uint32_t f = factors->title_factors().factors();
    py::array_t<float> out(f);
    std::copy_n(vector.data(), f, out.mutable_data());
    return out;
  }

  py::object UserFactors() const {
    const FactorModel* factors = model_->AsFactorModel();
    if (factors == nullptr || !fitted_) return py::none();
    return FactorView(factors->member_factors(), model_);
  }
  py::object ItemFactors() const {
    const FactorModel* factors = model_->AsFactorModel();
    if (factors == nullptr || !fitted_) return py::none();
    return FactorView(factors->title_factors(), model_);
  }

  // Saves to `dir` with the ids of `dataset` (whose sizes must match), or
  // with the indices as ids ("0", "1", ...) when there is none.
  void Save(const std::string& dir, const PyDataset* dataset) const {
    RequireFitted();
    ModelInfo info = info_;
    IdMap members = members_, titles = titles_;
    if (dataset != nullptr) {
      const Dataset& d = dataset->dataset();
      if (d.members.size() != model_->member_count() || d.titles.size() != model_->title_count()) {
        throw py::value_error("dataset: it has " + std::to_string(d.members.size()) + " members x " +
                              std::to_string(d.titles.size()) + " titles, the model " +
                              std::to_string(model_->member_count()) + " x " + std::to_string(model_->title_count()));
      }
      members = d.members;
      titles = d.titles;
      info.dataset_source = d.source;
      info.data_fingerprint = TrainingDataFingerprint(d, d.interactions);
    } else if (members.size() != model_->member_count() || titles.size() != model_->title_count()) {
      members = IdMap();
      titles = IdMap();
      for (uint32_t m = 0; m < model_->member_count(); ++m) members.GetOrAdd(std::to_string(m));
      for (uint32_t t = 0; t < model_->title_count(); ++t) titles.GetOrAdd(std::to_string(t));
      info.dataset_source = "python: a scipy.sparse matrix";
    }
    Status saved;
    {
      py::gil_scoped_release release;
      saved = SaveModel(*model_, info, members, titles, dir);
    }
    if (!saved.ok()) Raise(saved);
  }

  static std::unique_ptr<PyModel> Load(const std::string& dir) {
    Result<LoadedModel> loaded = [&] {
      py::gil_scoped_release release;
      return LoadModel(dir);
    }();
    return std::make_unique<PyModel>(Unwrap(std::move(loaded)));
  }

  const std::string& name() const { return name_; }
  std::map<std::string, std::string> parameters() const { return model_->parameters().values(); }
  std::string version() const { return info_.version; }
  uint32_t member_count() const { return fitted_ ? model_->member_count() : 0; }
  uint32_t title_count() const { return fitted_ ? model_->title_count() : 0; }
  bool fitted() const { return fitted_; }
  std::vector<std::string> MemberIds() const { return PyDataset::Ids(members_); }
  std::vector<std::string> TitleIds() const { return PyDataset::Ids(titles_); }

 private:
  void RequireFitted() const {
    if (!fitted_) throw py::value_error("the model is not fitted: call fit(user_items) first");
  }
  const FactorModel* RequireFactors() const {
    RequireFitted();
    const FactorModel* factors = model_->AsFactorModel();
    if (factors == nullptr) throw py::value_error(name_ + " has no factors to fold a history into");
    return factors;
  }

  std::string name_;
  // Shared with the factor views handed out, which keep it alive past a refit.
  std::shared_ptr<Recommender> model_;
  ModelInfo info_;
  IdMap members_, titles_;
  bool fitted_ = false;
  uint64_t fit_signature_ = 0;  // MatrixSignature of what fit() saw; 0 for a loaded model
};

using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

// Off-policy evaluation over a fixed action space of K actions (every
// record's candidates are 0..K-1): the same EvaluateOffPolicy `marquee ope`
// runs. Shapes are checked by the Python side; sizes again here.
py::dict EvaluateOpe(const Int64Array& actions, const DoubleArray& rewards, const DoubleArray& propensities,
                     const DoubleArray& target, const std::optional<DoubleArray>& predicted,
                     const std::vector<std::string>& estimators, uint32_t bootstrap, double confidence,
                     uint64_t seed) {
  const py::ssize_t n = actions.size();
  if (target.ndim() != 2 || target.shape(0) != n) throw py::value_error("target: expected shape (n, actions)");
  const py::ssize_t k = target.shape(1);
  if (rewards.size() != n || propensities.size() != n) throw py::value_error("rewards, propensities: expected n each");
  LoggedBanditData data;
  data.source = "ope.evaluate";
  data.offsets.resize(n + 1);
  data.candidate_ids.resize(static_cast<size_t>(n * k));
  for (py::ssize_t i = 0; i <= n; ++i) data.offsets[i] = static_cast<uint64_t>(i * k);
  for (py::ssize_t i = 0; i < n; ++i) {
    for (py::ssize_t a = 0; a < k; ++a) data.candidate_ids[i * k + a] = static_cast<uint32_t>(a);
    const int64_t a = actions.data()[i];
    if (a < 0 || a >= k) {
      throw py::value_error("actions: record " + std::to_string(i) + " has action " + std::to_string(a) +
                            ", outside 0.." + std::to_string(k - 1));
    }
  }
  data.action.assign(actions.data(), actions.data() + n);
  data.position.assign(n, 0);
  data.propensity.assign(propensities.data(), propensities.data() + n);
  data.reward.assign(rewards.data(), rewards.data() + n);
  OpeTarget t;
  t.probability.assign(target.data(), target.data() + n * k);
  if (predicted) {
    if (predicted->ndim() != 2 || predicted->shape(0) != n || predicted->shape(1) != k) {
      throw py::value_error("estimated_rewards: expected the target's shape (n, actions)");
    }
    t.predicted.assign(predicted->data(), predicted->data() + n * k);
  }
  OpeOptions options;
  std::string list;
  for (const std::string& e : estimators) list += (list.empty() ? "" : ",") + e;
  options.estimators = Unwrap(ParseOpeEstimators(list));
  options.bootstrap = bootstrap;
  options.confidence = confidence;
  options.seed = seed;
  Result<OpeReport> report = [&] {
    py::gil_scoped_release release;
    return EvaluateOffPolicy(data, t, options);
  }();
  const OpeReport r = Unwrap(std::move(report));
  py::dict out;
  out["records"] = r.records;
  out["on_policy_value"] = r.on_policy_value;
  out["weight_sum"] = r.weight_sum;
  out["weight_max"] = r.weight_max;
  out["weight_max_record"] = r.weight_max_record;
  out["effective_sample_size"] = r.effective_sample_size;
  out["warnings"] = r.warnings;
  py::dict estimates;
  for (const OpeEstimate& e : r.estimates) {
    py::dict d;
    d["value"] = e.value;
    d["lower"] = e.lower;
    d["upper"] = e.upper;
    d["standard_error"] = e.standard_error;
    d["defined"] = e.defined;
    d["has_interval"] = e.has_interval;
    d["reason"] = e.reason;
    d["records_used"] = e.records_used;
    estimates[py::str(std::string(OpeEstimatorName(e.estimator)))] = d;
  }
  out["estimates"] = estimates;
  return out;
}

// An Open Bandit Dataset CSV as arrays (the reader `marquee ope --format obd` uses).
py::dict LoadObd(const std::string& path) {
  Result<LoggedBanditData> read = [&] {
    py::gil_scoped_release release;
    return ReadObdLog(path);
  }();
  LoggedBanditData data = Unwrap(std::move(read));
  const size_t n = data.size();
  py::array_t<int64_t> actions(n), positions(n);
  py::array_t<double> rewards(n), propensities(n);
  for (size_t i = 0; i < n; ++i) {
    actions.mutable_data()[i] = data.logged_id(i);
    positions.mutable_data()[i] = data.position[i];
    rewards.mutable_data()[i] = data.reward[i];
    propensities.mutable_data()[i] = data.propensity[i];
  }
  py::dict out;
  out["actions"] = actions;
  out["positions"] = positions;
  out["rewards"] = rewards;
  out["propensities"] = propensities;
  out["n_actions"] = n == 0 ? 0u : data.candidate_count(0);
  return out;
}

}  // namespace
}  // namespace marquee::python

PYBIND11_MODULE(_marquee, m) {
  using marquee::python::PyDataset;
  using marquee::python::PyModel;
  using marquee::python::PySplit;
  m.doc() = "Marquee's C++ library (models, datasets); use the marquee package, not this module.";

  py::class_<PySplit>(m, "Split")
      .def("train", &PySplit::Train)
      .def("query", &PySplit::Query)
      .def("target", &PySplit::Target)
      .def_property_readonly("fold_in", &PySplit::FoldIn)
      .def_property_readonly("members_evaluated", &PySplit::Evaluated);

  py::class_<PyDataset>(m, "Dataset")
      .def(py::init<const std::string&>(), py::arg("path"))
      .def("csr", &PyDataset::Csr, "(indptr int64, indices int32, data float32, (members, titles))")
      .def_property_readonly("member_ids", &PyDataset::MemberIds)
      .def_property_readonly("title_ids", &PyDataset::TitleIds)
      .def_property_readonly("title_names", &PyDataset::TitleNames)
      .def_property_readonly("source", &PyDataset::Source)
      .def("split", &PyDataset::Split, py::arg("protocol"), py::arg("fraction"), py::arg("last_n"),
           py::arg("split_time"), py::arg("heldout_members"), py::arg("min_history"), py::arg("seed"));

  py::class_<PyModel>(m, "Model")
      .def(py::init<const std::string&, const std::map<std::string, std::string>&>(), py::arg("name"),
           py::arg("parameters"))
      .def("fit", &PyModel::Fit, py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("rows"),
           py::arg("cols"), py::arg("seed"), py::arg("threads"))
      .def("recommend", &PyModel::Recommend, py::arg("members"), py::arg("indptr"), py::arg("indices"),
           py::arg("data"), py::arg("n"), py::arg("filter_liked"), py::arg("filter_items"), py::arg("recalculate"),
           py::arg("threads"))
      .def("similar_items", &PyModel::SimilarItems, py::arg("items"), py::arg("n"), py::arg("filter_items"),
           py::arg("threads"))
      .def("fold_in", &PyModel::FoldIn, py::arg("indices"), py::arg("data"))
      .def("evaluate", &PyModel::Evaluate, py::arg("split"), py::arg("cutoffs"), py::arg("threads"))
      .def("user_factors", &PyModel::UserFactors)
      .def("item_factors", &PyModel::ItemFactors)
      .def("save", &PyModel::Save, py::arg("dir"), py::arg("dataset") = py::none())
      .def_static("load", &PyModel::Load, py::arg("dir"))
      .def_property_readonly("name", &PyModel::name)
      .def_property_readonly("parameters", &PyModel::parameters)
      .def_property_readonly("version", &PyModel::version)
      .def_property_readonly("member_count", &PyModel::member_count)
      .def_property_readonly("title_count", &PyModel::title_count)
      .def_property_readonly("fitted", &PyModel::fitted)
      .def_property_readonly("member_ids", &PyModel::MemberIds)
      .def_property_readonly("title_ids", &PyModel::TitleIds);

  m.def("model_names", &marquee::RecommenderNames);
  m.def("evaluate_ope", &marquee::python::EvaluateOpe, py::arg("actions"), py::arg("rewards"),
        py::arg("propensities"), py::arg("target"), py::arg("predicted"), py::arg("estimators"),
        py::arg("bootstrap"), py::arg("confidence"), py::arg("seed"));
  m.def("load_obd", &marquee::python::LoadObd, py::arg("path"));
}
