#include "model_flags.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>

#include "marquee/models/registry.h"
#include "marquee/ranking/ranker.h"

namespace marquee::cli {

std::vector<std::string> ModelNames() {
  std::vector<std::string> names = RecommenderNames();
  names.emplace_back("ranker");
  return names;
}

Result<std::vector<ParameterInfo>> ModelParameters(const std::string& model) {
  if (model == "ranker") return RankerRecommender::Table().Describe();
  Result<std::vector<ParameterInfo>> infos = RecommenderParameters(model);
  if (!infos.ok()) {
    return Status::InvalidArgument(
        fmt::format("unknown model {} (expected one of: {})", QuoteForError(model), fmt::join(ModelNames(), ", ")));
  }
  return infos;
}

Result<std::unique_ptr<Recommender>> CreateModel(const std::string& model, const Parameters& parameters,
                                                 const Dataset& dataset) {
  if (model == "ranker") {
    MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<RankerRecommender> ranker,
                             RankerRecommender::Create(parameters, &dataset.catalog));
    return std::unique_ptr<Recommender>(std::move(ranker));
  }
  MARQUEE_RETURN_IF_ERROR(ModelParameters(model).status());
  return CreateRecommender(model, parameters);
}

Status CheckModelParameters(const std::string& model, const Parameters& parameters) {
  if (model == "ranker") return RankerRecommender::ReadOptions(parameters).status();
  return CreateRecommender(model, parameters).status();
}

namespace {
// One flag per parameter name; a name several models share ("binary") is one
// flag whose help covers each model.
struct Flag {
  std::string parameter;
  std::string help;
};

std::string FlagName(std::string parameter) {
  std::replace(parameter.begin(), parameter.end(), '_', '-');
  return "--" + parameter;
}

std::vector<Flag> FlagsFromTables() {
  std::vector<Flag> flags;
  for (const std::string& model : ModelNames()) {
    Result<std::vector<ParameterInfo>> infos = ModelParameters(model);
    if (!infos.ok()) continue;  // every registered name has a table
    for (const ParameterInfo& info : *infos) {
      const std::string help = fmt::format("{}: {}; {} (default {})", model, info.help,
                                           info.expected, info.default_value);
      auto same = [&](const Flag& f) { return f.parameter == info.name; };
      auto it = std::find_if(flags.begin(), flags.end(), same);
      if (it == flags.end()) {
        flags.push_back({info.name, help});
      } else {
        it->help += "\n" + help;
      }
    }
  }
  return flags;
}

std::set<std::string> KnownParameters(const std::string& model) {
  std::set<std::string> names;
  Result<std::vector<ParameterInfo>> infos = ModelParameters(model);
  if (infos.ok()) {
    for (const ParameterInfo& info : *infos) names.insert(info.name);
  }
  return names;
}
}  // namespace

void ModelFlags::Register(CLI::App* app) {
  for (const Flag& f : FlagsFromTables()) {
    std::string name = f.parameter;
    app->add_option_function<std::string>(
           FlagName(f.parameter), [this, name](const std::string& v) { values[name] = v; }, f.help)
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
    // The ranker takes its sources' parameters as SOURCE.NAME.
    const bool source_parameter = model == "ranker" && name.find('.') != std::string::npos;
    if (known.count(name) || source_parameter) {
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
      return Status::InvalidArgument(
          fmt::format("parameter '{}' is not a parameter of {}", name, fmt::join(models, ", ")));
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
      return Status::InvalidArgument(fmt::format(
          "--cutoffs: expected integers in [1, 10000] like 10,20,100, found {}", QuoteForError(item)));
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
