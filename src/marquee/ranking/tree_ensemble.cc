#include "marquee/ranking/tree_ensemble.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace marquee {

namespace {
Status Bad(std::string_view field, std::string_view expected) {
  return Status::InvalidArgument(fmt::format("xgboost model: {}: expected {}", field, expected));
}

// XGBoost writes numbers in its parameter objects as strings ("5E-1").
Result<double> NumberField(const nlohmann::json& object, const char* key, std::string_view path) {
  if (!object.is_object() || !object.contains(key)) return Bad(fmt::format("{}.{}", path, key), "a number");
  const nlohmann::json& v = object[key];
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    try {
      size_t used = 0;
      const std::string text = v.get<std::string>();
      const double d = std::stod(text, &used);
      if (used == text.size()) return d;
    } catch (const std::exception&) {
    }
  }
  return Bad(fmt::format("{}.{}", path, key), "a number");
}

template <class T>
Result<std::vector<T>> ArrayField(const nlohmann::json& tree, const char* key, size_t n, std::string_view path) {
  const std::string field = fmt::format("{}.{}", path, key);
  if (!tree.contains(key) || !tree[key].is_array() || tree[key].size() != n) {
    return Bad(field, fmt::format("an array of {} numbers", n));
  }
  std::vector<T> out;
  out.reserve(n);
  for (const nlohmann::json& v : tree[key]) {
    if (!v.is_number()) return Bad(field, "numbers");
    out.push_back(v.get<T>());
  }
  return out;
}
}  // namespace

Result<TreeEnsemble> TreeEnsemble::FromXGBoostJson(std::string_view json, uint32_t features) {
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Bad("(document)", "JSON");
  if (!doc.contains("learner") || !doc["learner"].is_object()) return Bad("learner", "an object");
  const nlohmann::json& learner = doc["learner"];
  TreeEnsemble e;
  e.features_ = features;
  MARQUEE_ASSIGN_OR_RETURN(double base, NumberField(learner.value("learner_model_param", nlohmann::json()),
                                                    "base_score", "learner.learner_model_param"));
  e.base_score_ = static_cast<float>(base);
  const nlohmann::json booster = learner.value("gradient_booster", nlohmann::json());
  if (booster.value("name", "") != "gbtree") return Bad("learner.gradient_booster.name", "\"gbtree\"");
  const nlohmann::json trees = booster.value("model", nlohmann::json()).value("trees", nlohmann::json());
  if (!trees.is_array()) return Bad("learner.gradient_booster.model.trees", "an array");
  for (size_t k = 0; k < trees.size(); ++k) {
    const nlohmann::json& tree = trees[k];
    const std::string path = fmt::format("trees[{}]", k);
    if (!tree.contains("left_children") || !tree["left_children"].is_array()) {
      return Bad(path + ".left_children", "an array");
    }
    const size_t n = tree["left_children"].size();
    if (n == 0) return Bad(path + ".left_children", "at least one node");
    MARQUEE_ASSIGN_OR_RETURN(std::vector<int64_t> left, ArrayField<int64_t>(tree, "left_children", n, path));
    MARQUEE_ASSIGN_OR_RETURN(std::vector<int64_t> right, ArrayField<int64_t>(tree, "right_children", n, path));
    MARQUEE_ASSIGN_OR_RETURN(std::vector<int64_t> index, ArrayField<int64_t>(tree, "split_indices", n, path));
    MARQUEE_ASSIGN_OR_RETURN(std::vector<double> cond, ArrayField<double>(tree, "split_conditions", n, path));
    MARQUEE_ASSIGN_OR_RETURN(std::vector<int64_t> dflt, ArrayField<int64_t>(tree, "default_left", n, path));
    MARQUEE_ASSIGN_OR_RETURN(std::vector<double> gain, ArrayField<double>(tree, "loss_changes", n, path));
    if (tree.contains("split_type")) {
      for (const nlohmann::json& t : tree["split_type"]) {
        if (!t.is_number() || t.get<int>() != 0) return Bad(path + ".split_type", "numerical splits only (0)");
      }
    }
    const int32_t offset = static_cast<int32_t>(e.nodes_.size());
    e.roots_.push_back(offset);
    for (size_t i = 0; i < n; ++i) {
      Node node;
      const bool leaf = left[i] == -1;
      if (!leaf) {
        // Children must lie inside this tree and after their parent, so
        // every walk ends at a leaf.
        if (left[i] <= static_cast<int64_t>(i) || left[i] >= static_cast<int64_t>(n) ||
            right[i] <= static_cast<int64_t>(i) || right[i] >= static_cast<int64_t>(n)) {
          return Bad(fmt::format("{}.left_children[{}]", path, i), "child indices after the node, inside the tree");
        }
        if (index[i] < 0 || index[i] >= features) {
          return Bad(fmt::format("{}.split_indices[{}]", path, i), fmt::format("a feature index below {}", features));
        }
        node.left = offset + static_cast<int32_t>(left[i]);
        node.right = offset + static_cast<int32_t>(right[i]);
        node.feature = static_cast<uint32_t>(index[i]);
      }
      node.value = static_cast<float>(cond[i]);
      node.default_left = dflt[i] != 0;
      e.nodes_.push_back(node);
      e.gains_.push_back(leaf ? 0.0f : static_cast<float>(gain[i]));
    }
  }
  return e;
}

float TreeEnsemble::Predict(const float* row) const {
  float sum = base_score_;
  for (int32_t root : roots_) {
    const Node* node = &nodes_[static_cast<size_t>(root)];
    while (node->left >= 0) {
      const float v = row[node->feature];
      const bool go_left = std::isnan(v) ? node->default_left : v < node->value;
      node = &nodes_[static_cast<size_t>(go_left ? node->left : node->right)];
    }
    sum += node->value;
  }
  return sum;
}

void TreeEnsemble::PredictRows(std::span<const float> rows, std::span<float> out) const {
  for (size_t r = 0; r < out.size(); ++r) out[r] = Predict(rows.data() + r * features_);
}

std::vector<double> TreeEnsemble::TotalGain() const {
  std::vector<double> gain(features_, 0.0);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].left >= 0) gain[nodes_[i].feature] += gains_[i];
  }
  return gain;
}

}  // namespace marquee
