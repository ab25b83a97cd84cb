#include "model_flags.h"

#include <charconv>

#include "marquee/models/registry.h"

namespace marquee::cli {

namespace {
struct Flag {
  const char* flag;
  const char* parameter;
  const char* help;
};
constexpr Flag kFlags[] = {
    {"--factors", "factors", "iALS: latent factors"},
    {"--iterations", "iterations", "iALS: training iterations"},
    {"--regularization", "regularization", "iALS: L2 regularization"},
    {"--alpha", "alpha", "iALS: confidence weight (c = 1 + alpha * weight)"},
    {"--solver", "solver", "iALS: cg | cholesky"},
    {"--lambda", "lambda", "EASE: L2 regularization"},
    {"--neighbors", "neighbors", "item-kNN: neighbours kept per title"},
    {"--shrink", "shrink", "item-kNN: similarity shrinkage"},
    {"--half-life", "half_life", "popularity: trending half-life in days (0 = all-time)"},
};

std::set<std::string> KnownParameters(const std::string& model) {
  std::set<std::string> names;
  Result<std::unique_ptr<Recommender>> m = CreateRecommender(model, {});
  if (m.ok()) {
    const Parameters defaults = (*m)->parameters();  // keep alive while iterating
    for (const auto& [name, value] : defaults.values()) names.insert(name);
  }
  return names;
}
}  // namespace

void ModelFlags::Register(CLI::App* app) {
  for (const Flag& f : kFlags) {
    std::string name = f.parameter;
    app->add_option_function<std::string>(
           f.flag, [this, name](const std::string& v) { values[name] = v; }, f.help)
        ->group("Model parameters");
  }
  app->add_option("--param", extra, "any model parameter as name=value (repeatable)")
      ->group("Model parameters");
}

Result<Parameters> ModelFlags::All() const {
  Parameters p;
  for (const auto& [name, value] : values) p.Set(name, value);
  for (const std::string& item : extra) {
    MARQUEE_ASSIGN_OR_RETURN(Parameters parsed, Parameters::Parse(item));
    for (const auto& [name, value] : parsed.values()) p.Set(name, value);
  }
  return p;
}

Result<Parameters> ModelFlags::For(const std::string& model, std::set<std::string>* used) const {
  MARQUEE_ASSIGN_OR_RETURN(Parameters all, All());
  std::set<std::string> known = KnownParameters(model);
  Parameters mine;
  for (const auto& [name, value] : all.values()) {
    if (known.count(name)) {
      mine.Set(name, value);
      used->insert(name);
    }
  }
  return mine;
}

Status CheckAllFlagsUsed(const ModelFlags& flags, const std::set<std::string>& used,
                         const std::vector<std::string>& models) {
  MARQUEE_ASSIGN_OR_RETURN(Parameters all, flags.All());
  for (const auto& [name, value] : all.values()) {
    if (used.count(name) == 0) {
      std::string list;
      for (const std::string& m : models) list += (list.empty() ? "" : ", ") + m;
      return Status::InvalidArgument("parameter '" + name + "' is not a parameter of " + list);
    }
  }
  return Status::OK();
}

Result<std::vector<uint32_t>> ParseCutoffs(const std::string& text) {
  std::vector<uint32_t> cutoffs;
  for (const std::string& item : SplitList(text)) {
    uint32_t k = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), k);
    if (ec != std::errc() || end != item.data() + item.size() || k < 1 || k > 10000) {
      return Status::InvalidArgument("--cutoffs: expected integers in [1, 10000] like 10,20,100, found " +
                                     QuoteForError(item));
    }
    cutoffs.push_back(k);
  }
  if (cutoffs.empty()) return Status::InvalidArgument("--cutoffs: expected at least one cutoff");
  return cutoffs;
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    if (end > pos) out.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

}  // namespace marquee::cli
