#include "marquee/serve/consent_gate.h"

#include <algorithm>
#include <ctime>
#include <limits>
#include <set>
#include <variant>

#include "marquee/consent/catalog_likeness.h"
#include "marquee/data/honest_artwork.h"
#include "marquee/util/civil_time.h"

namespace marquee::serve {
namespace {

using Clock = std::chrono::steady_clock;

int64_t WallNow() { return static_cast<int64_t>(std::time(nullptr)); }

// The territories that get tables when the options name none.
std::vector<std::string> DefaultTerritories(const Catalog& catalog, const ConsentRegistry& registry) {
  std::set<std::string> out{"US"};
  for (const Title& t : catalog.titles()) out.insert(t.regions.begin(), t.regions.end());
  for (const ConsentRecord& c : registry.consents()) {
    for (const std::string& territory : c.territories) {
      if (territory != "*") out.insert(territory);
    }
  }
  return {out.begin(), out.end()};
}

bool DepictsRecognizable(const Artwork& art) {
  return std::any_of(art.depicted.begin(), art.depicted.end(),
                     [](const DepictedPerformer& d) { return d.recognizable; });
}

}  // namespace

std::vector<int64_t> VerdictBoundaries(const ConsentRegistry& registry, const std::vector<DisclosureRule>& rules,
                                       const std::unordered_map<std::string, PerformerFacts>& performers) {
  std::vector<int64_t> out;
  for (const ConsentRecord& c : registry.consents()) {
    out.push_back(c.valid_from);
    out.push_back(c.valid_until);
  }
  for (const Revocation& r : registry.revocations()) out.push_back(r.effective_at);
  for (const Takedown& t : registry.takedowns()) out.push_back(t.received_at);
  for (const Restoration& r : registry.restorations()) out.push_back(r.restored_at);
  for (const auto& [id, facts] : performers) {
    if (facts.death_date) out.push_back(*facts.death_date * kSecondsPerDay);
  }
  for (const DisclosureRule& rule : rules) out.push_back(rule.effective_from);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

ConsentGate::ConsentGate(const Dataset& dataset, const ConsentGateOptions& options)
    : dataset_(dataset), options_(options), registry_(PerformerFactsOf(dataset.catalog), options.ingest) {
  const auto& titles = dataset.catalog.titles();
  first_variant_.reserve(titles.size() + 1);
  uint32_t flat = 0;
  for (const Title& t : titles) {
    first_variant_.push_back(flat);
    flat += static_cast<uint32_t>(t.artwork.size());
  }
  first_variant_.push_back(flat);
  // HonestArtworkMask indexes variants in the same flat order (1 = honest).
  const std::vector<uint8_t> honest = HonestArtworkMask(dataset.catalog);
  misrepresents_.resize(flat);
  for (uint32_t i = 0; i < flat; ++i) misrepresents_[i] = honest[i] == 0 ? 1 : 0;
}

Result<std::unique_ptr<ConsentGate>> ConsentGate::Open(const Dataset& dataset, const ConsentGateOptions& options) {
  if (options.use.empty()) return Status::InvalidField("use", "expected a consent scope such as artwork.personalized");
  if (options.refresh_every.count() <= 0) {
    return Status::InvalidField("refresh_every", "expected a positive interval");
  }
  std::unique_ptr<ConsentGate> gate(new ConsentGate(dataset, options));
  {
    MutexLock lock(&gate->write_mutex_);
    if (!options.consent_log.empty()) {
      MARQUEE_ASSIGN_OR_RETURN(gate->log_, ConsentLog::Open(options.consent_log, gate->registry_));
    }
    gate->territories_ = options.territories.empty() ? DefaultTerritories(dataset.catalog, gate->registry_)
                                                     : options.territories;
    std::sort(gate->territories_.begin(), gate->territories_.end());
    gate->territories_.erase(std::unique(gate->territories_.begin(), gate->territories_.end()),
                             gate->territories_.end());
    gate->Publish(std::make_shared<ConsentRegistry>(gate->registry_), WallNow());
  }
  ConsentGate* raw = gate.get();
  if (options.enabled) gate->refresher_ = std::thread([raw] { raw->RefreshLoop(); });
  return gate;
}

ConsentGate::~ConsentGate() {
  {
    MutexLock lock(&stop_mutex_);
    stop_ = true;
  }
  stop_wake_.SignalAll();
  if (refresher_.joinable()) refresher_.join();
}

VariantVerdict ConsentGate::Decide(const ConsentRegistry& registry, uint32_t title, uint32_t variant,
                                   std::string_view territory, int64_t now) const {
  VariantVerdict v;
  const Artwork& art = dataset_.catalog.titles()[title].artwork[variant];
  if (art.quarantined()) {
    v.reason = "quarantined";
    return v;
  }
  if (!options_.allow_misrepresenting_artwork && misrepresents_[first_variant_[title] + variant] != 0) {
    v.reason = "misrepresents_cast";
    return v;
  }
  if (!options_.enabled) {
    v.eligible = true;
    return v;
  }
  Eligibility e = registry.Check(LikenessUseOf(dataset_, title, variant, options_.use, territory, now));
  v.eligible = e.eligible;
  v.reason = IneligibleReasonName(e.reason);
  if (!v.eligible) return v;
  v.relied_on = std::move(e.relied_on);
  v.disclosure = DisclosureFor({art.digital_source_type, art.replica_kind, DepictsRecognizable(art),
                                std::string(territory), options_.use, now},
                               options_.disclosure_rules);
  return v;
}

const VariantVerdict& ConsentGate::Snapshot::Verdict(uint32_t title, uint32_t variant, std::string_view territory,
                                                     int64_t now, VariantVerdict& scratch) const {
  if (now >= segment_start_ && now < segment_end_) {
    auto it = std::lower_bound(territories_.begin(), territories_.end(), territory);
    if (it != territories_.end() && *it == territory) {
      return tables_[it - territories_.begin()][gate_->first_variant_[title] + variant];
    }
  }
  gate_->slow_checks_.fetch_add(1, std::memory_order_relaxed);
  scratch = gate_->Decide(*registry_, title, variant, territory, now);
  return scratch;
}

void ConsentGate::Publish(std::shared_ptr<const ConsentRegistry> registry, int64_t now) {
  const Clock::time_point start = Clock::now();
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->gate_ = this;
  snapshot->version_ = ++publishes_;
  snapshot->segment_start_ = std::numeric_limits<int64_t>::min();
  snapshot->segment_end_ = std::numeric_limits<int64_t>::max();
  if (options_.enabled) {
    const std::vector<int64_t> bounds =
        VerdictBoundaries(*registry, options_.disclosure_rules, registry->performers());
    // The segment [last boundary <= now, first boundary > now).
    auto upper = std::upper_bound(bounds.begin(), bounds.end(), now);
    if (upper != bounds.end()) snapshot->segment_end_ = *upper;
    if (upper != bounds.begin()) snapshot->segment_start_ = *(upper - 1);
  }
  snapshot->territories_ = territories_;
  const auto& titles = dataset_.catalog.titles();
  snapshot->tables_.resize(territories_.size());
  for (size_t k = 0; k < territories_.size(); ++k) {
    std::vector<VariantVerdict>& table = snapshot->tables_[k];
    table.reserve(first_variant_.back());
    for (uint32_t t = 0; t < titles.size(); ++t) {
      for (uint32_t v = 0; v < titles[t].artwork.size(); ++v) {
        table.push_back(Decide(*registry, t, v, territories_[k], now));
      }
    }
  }
  snapshot->registry_ = std::move(registry);
  current_.store(std::move(snapshot));
  last_build_ms_ = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

Status ConsentGate::Add(const ConsentEntry& entry) {
  MutexLock lock(&write_mutex_);
  if (log_ == nullptr) {
    return Status::Unsupported("this server has no consent log (marquee serve --consents FILE)");
  }
  MARQUEE_RETURN_IF_ERROR(log_->Append(entry));
  Publish(std::make_shared<ConsentRegistry>(registry_), WallNow());
  return Status::OK();
}

void ConsentGate::RefreshForTesting(int64_t now) {
  MutexLock lock(&write_mutex_);
  Publish(current_.load()->registry_, now);
}

void ConsentGate::RefreshLoop() {
  while (true) {
    {
      MutexLock lock(&stop_mutex_);
      if (!stop_) stop_wake_.WaitFor(&stop_mutex_, options_.refresh_every);
      if (stop_) return;
    }
    const int64_t now = WallNow();
    const std::shared_ptr<const Snapshot> current = current_.load();
    if (now >= current->segment_start() && now < current->segment_end()) continue;
    MutexLock lock(&write_mutex_);
    Publish(current_.load()->registry_, now);
  }
}

ConsentGateStats ConsentGate::Stats() const {
  ConsentGateStats stats;
  stats.enabled = options_.enabled;
  stats.consent_log = options_.consent_log;
  const std::shared_ptr<const Snapshot> current = current_.load();
  const ConsentRegistry& registry = current->registry();
  stats.consents = registry.consents().size();
  stats.revocations = registry.revocations().size();
  stats.takedowns = registry.takedowns().size();
  stats.restorations = registry.restorations().size();
  stats.segment_start = current->segment_start();
  stats.segment_end = current->segment_end();
  stats.tables = current->territories_.size();
  stats.slow_checks = slow_checks_.load(std::memory_order_relaxed);
  MutexLock lock(&write_mutex_);
  stats.publishes = publishes_;
  stats.last_build_ms = last_build_ms_;
  return stats;
}

}  // namespace marquee::serve
