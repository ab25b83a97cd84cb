#include "marquee/serve/experiment_service.h"

#include <algorithm>

#include <fmt/format.h>

#include "marquee/experiment/experiment_registry.h"
#include "marquee/experiment/report.h"
#include "marquee/serve/serving_stack.h"
#include "marquee/util/civil_time.h"

namespace marquee::serve {

namespace {

using experiment::CellSpec;
using experiment::ExperimentMethod;
using experiment::ExperimentSpec;
using experiment::PlacedExperiment;

std::string ExposureKey(std::string_view experiment, std::string_view member_id) {
  std::string key;
  key.reserve(experiment.size() + 1 + member_id.size());
  key.append(experiment).push_back('\n');
  key.append(member_id);
  return key;
}

std::string CellField(size_t cell, std::string_view field) { return fmt::format("cells[{}].{}", cell, field); }

// The parameters whose answers an experiment shapes: those it changes; an
// A/A test (changing nothing) shapes the recommendation list and the page.
uint8_t Shapes(const ExperimentSpec& spec) {
  const uint8_t changed = experiment::ParametersOf(spec);
  return changed != 0 ? changed : (experiment::kRankingParameter | experiment::kPageParameter);
}

// Refuses `status` with the field it was found on, keeping its message.
Status AtField(const Status& status, const std::string& field) {
  return Status::InvalidField(field, fmt::format("{}: {}", field, status.message()));
}

}  // namespace

ExperimentService::ExperimentService(ModelStore& models, EventStore& events, const ExperimentServiceOptions& options)
    : models_(models), events_(events), options_(options), running_(std::make_shared<const Running>()) {
  options_.artwork.snapshot_path.clear();  // the server policy's file, not a cell's
  options_.artwork.on_snapshot = nullptr;
}

Result<std::unique_ptr<ExperimentService>> ExperimentService::Create(ModelStore& models, EventStore& events,
                                                                     const ExperimentServiceOptions& options) {
  std::unique_ptr<ExperimentService> service(new ExperimentService(models, events, options));
  MARQUEE_ASSIGN_OR_RETURN(std::vector<PlacedExperiment> stored, experiment::LoadExperiments(events));
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto running = std::make_shared<Running>();
  for (PlacedExperiment& placed : stored) {
    if (placed.Ends() <= now) continue;
    auto served = std::make_shared<ServedExperiment>();
    Result<std::vector<CellVariant>> variants = service->LoadVariants(placed.spec);
    if (variants.ok()) served->cells = std::move(*variants);
    else served->error = std::string(variants.status().message());
    served->placed = std::move(placed);
    running->push_back(std::move(served));
  }
  service->running_.store(std::move(running));
  MARQUEE_ASSIGN_OR_RETURN(auto keys, events.ExposureKeys());
  WriterLock lock(&service->exposed_mutex_);
  for (const auto& [name, member] : keys) service->exposed_.insert(ExposureKey(name, member));
  return service;
}

Result<std::unique_ptr<ModelStore>> ExperimentService::OpenCellModel(const std::string& dir,
                                                                    const RetrievalOptions& retrieval) const {
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<ModelStore> store, ModelStore::Open(models_.shared_dataset(), dir, retrieval));
  // Titles added while serving reach a cell's factor model too (mapped as
  // the served model's are); a cell model without factors cannot score
  // them and answers for the catalog it was trained on.
  const std::vector<NewTitle> added = models_.added_titles();
  if (!added.empty() && store->Current()->model().AsFactorModel() != nullptr) {
    MARQUEE_RETURN_IF_ERROR(store->AddTitles(added).status());
  }
  return store;
}

Result<std::vector<CellVariant>> ExperimentService::LoadVariants(const ExperimentSpec& spec) const {
  std::shared_ptr<const ServingModel> current = models_.Current();
  std::vector<CellVariant> variants(spec.cells.size());
  for (size_t i = 0; i < spec.cells.size(); ++i) {
    const CellSpec& cell = spec.cells[i];
    CellVariant& v = variants[i];
    if (!cell.model.empty() || !cell.retrieval.empty()) {
      RetrievalOptions retrieval = options_.retrieval;
      if (cell.retrieval == "exact") retrieval.mode = RetrievalOptions::Mode::kExact;
      else if (cell.retrieval == "hnsw") retrieval.mode = RetrievalOptions::Mode::kHnsw;
      else if (!cell.retrieval.empty()) {
        return Status::InvalidField(CellField(i, "retrieval"), fmt::format("{}: expected exact or hnsw, found {}",
                                                                           CellField(i, "retrieval"),
                                                                           QuoteForError(cell.retrieval)));
      }
      const std::string& dir = cell.model.empty() ? current->dir : cell.model;
      // The model first (exact), then the retrieval it is asked for, so a
      // refusal names the field that caused it.
      RetrievalOptions exact = retrieval;
      exact.mode = RetrievalOptions::Mode::kExact;
      Result<std::unique_ptr<ModelStore>> store = OpenCellModel(dir, exact);
      if (!store.ok()) return AtField(store.status(), CellField(i, "model"));
      if (retrieval.mode != RetrievalOptions::Mode::kExact) {
        store = OpenCellModel(dir, retrieval);
        if (!store.ok()) return AtField(store.status(), CellField(i, "retrieval"));
      }
      v.model = (*store)->Current();
    }
    if (!cell.artwork_policy.empty()) {
      Result<std::unique_ptr<ArtworkService>> artwork =
          OpenArtworkService(models_.dataset(), "file:" + cell.artwork_policy, options_.artwork);
      if (!artwork.ok()) return AtField(artwork.status(), CellField(i, "artwork_policy"));
      v.artwork = std::move(*artwork);
    }
    if (!cell.page_config.empty()) {
      Result<page::PageConfig> config = page::LoadPageConfig(cell.page_config);
      if (!config.ok()) return AtField(config.status(), CellField(i, "page_config"));
      v.page_config = std::make_shared<const page::PageConfig>(std::move(*config));
    }
  }
  return variants;
}

Result<PlacedExperiment> ExperimentService::Add(const ExperimentSpec& requested, int64_t now) {
  // Relative paths are the server's working directory's, and stored absolute.
  ExperimentSpec spec = experiment::WithAbsolutePaths(requested);
  // The catalog served, so that a report against another one is refused.
  const Dataset& dataset = models_.dataset();
  const std::string catalog = experiment::CatalogFingerprintHex(dataset.titles, dataset.catalog);
  if (!spec.catalog.empty() && spec.catalog != catalog) {
    return Status::InvalidField("catalog", fmt::format("catalog: the definition was made for catalog {}; this server "
                                                       "serves catalog {}",
                                                       spec.catalog, catalog));
  }
  spec.catalog = catalog;
  MutexLock lock(&change_mutex_);
  MARQUEE_ASSIGN_OR_RETURN(std::vector<CellVariant> variants, LoadVariants(spec));
  MARQUEE_ASSIGN_OR_RETURN(PlacedExperiment placed, experiment::CreateExperiment(events_, spec, now));
  auto served = std::make_shared<ServedExperiment>();
  served->placed = placed;
  served->cells = std::move(variants);
  auto running = std::make_shared<Running>(*running_.load());
  running->push_back(std::move(served));
  running_.store(std::move(running));
  return placed;
}

Status ExperimentService::Stop(std::string_view name, int64_t now) {
  MutexLock lock(&change_mutex_);
  MARQUEE_RETURN_IF_ERROR(experiment::StopExperiment(events_, name, now));
  auto running = std::make_shared<Running>();
  for (const std::shared_ptr<const ServedExperiment>& e : *running_.load()) {
    if (e->placed.spec.name != name) running->push_back(e);
  }
  running_.store(std::move(running));
  return Status::OK();
}

Result<std::vector<ExperimentService::Listed>> ExperimentService::List() const {
  MARQUEE_ASSIGN_OR_RETURN(std::vector<PlacedExperiment> stored, experiment::LoadExperiments(events_));
  std::shared_ptr<const Running> running = running_.load();
  std::vector<Listed> out;
  for (PlacedExperiment& placed : stored) {
    Listed listed{std::move(placed), ""};
    for (const auto& e : *running) {
      if (e->placed.spec.name == listed.placed.spec.name) listed.error = e->error;
    }
    out.push_back(std::move(listed));
  }
  return out;
}

ExperimentArm ExperimentService::Resolve(const experiment::AllocationRequest& request, uint8_t parameters) const {
  ExperimentArm arm;
  std::shared_ptr<const Running> running = running_.load();
  if (running->empty()) return arm;
  std::vector<std::string_view> layers_done;
  for (const std::shared_ptr<const ServedExperiment>& e : *running) {
    if (!e->error.empty() || (Shapes(e->placed.spec) & parameters) == 0) continue;
    // One experiment at a time keeps Assign's rule (at most one a layer) with
    // the layers already taken carried across calls.
    if (std::find(layers_done.begin(), layers_done.end(), e->placed.spec.layer) != layers_done.end()) continue;
    std::vector<experiment::Assignment> assigned = experiment::Assign({&e->placed, 1}, request);
    if (assigned.empty()) continue;
    layers_done.push_back(e->placed.spec.layer);
    ExperimentArm::Applied applied{e.get(), assigned[0].cell};
    arm.applied.push_back(applied);
    if (applied.interleaving()) {
      arm.interleaving = e.get();
      continue;
    }
    const CellVariant& v = e->cells[applied.cell];
    if (v.model != nullptr) arm.model = v.model;
    if (v.artwork != nullptr) arm.artwork = v.artwork.get();
    if (v.page_config != nullptr) arm.page_config = v.page_config;
  }
  if (!arm.applied.empty()) arm.keep_alive = std::move(running);
  return arm;
}

std::unique_ptr<ExposureClaim> ExperimentService::ClaimExposures(std::string_view member_id,
                                                                 const ExperimentArm& arm, int64_t now) {
  std::unique_ptr<ExposureClaim> claim(new ExposureClaim(*this));
  if (arm.applied.empty()) return claim;
  std::vector<std::string> keys;
  keys.reserve(arm.applied.size());
  for (const ExperimentArm::Applied& a : arm.applied) keys.push_back(ExposureKey(a.experiment->placed.spec.name, member_id));
  {
    ReaderLock lock(&exposed_mutex_);
    if (std::all_of(keys.begin(), keys.end(), [this](const std::string& k) REQUIRES_SHARED(exposed_mutex_) {
          return exposed_.contains(k);
        })) {
      return claim;
    }
  }
  WriterLock lock(&exposed_mutex_);
  for (size_t i = 0; i < arm.applied.size(); ++i) {
    const ExperimentArm::Applied& a = arm.applied[i];
    const experiment::ExperimentSpec& spec = a.experiment->placed.spec;
    std::string& key = keys[i];
    if (!exposed_.insert(key).second) continue;
    Event e;
    e.kind = EventKind::kExposure;
    e.member_id = std::string(member_id);
    e.time = now;
    e.experiment = ExperimentTag{spec.name, spec.cells[a.cell].name, ""};
    claim->events_.push_back(std::move(e));
    claim->keys_.push_back(std::move(key));
  }
  return claim;
}

void ExperimentService::Release(std::span<const std::string> keys) {
  WriterLock lock(&exposed_mutex_);
  for (const std::string& key : keys) exposed_.erase(key);
}

ExposureClaim::~ExposureClaim() {
  if (!committed_ && !keys_.empty()) service_.Release(keys_);
}

void ExperimentService::NoteOutcomes(std::span<const Event> events, int64_t now) {
  for (const std::shared_ptr<const ServedExperiment>& e : *running_.load()) {
    for (const CellVariant& v : e->cells) {
      if (v.artwork != nullptr) v.artwork->NoteOutcomes(events, now);
    }
  }
}

}  // namespace marquee::serve
