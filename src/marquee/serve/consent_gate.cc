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
  const auto& performers = dataset.catalog.performers();
  for (uint32_t t = 0; t < titles.size(); ++t) {
    for (const Artwork& art : titles[t].artwork) {
      title_by_artwork_[art.id] = t;
      for (const DepictedPerformer& d : art.depicted) {
        std::vector<uint32_t>& list = titles_by_performer_[performers[d.performer].id];
        if (list.empty() || list.back() != t) list.push_back(t);
      }
    }
  }
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

int ConsentGate::Snapshot::TerritorySlot(std::string_view territory) const {
  auto it = std::lower_bound(territories_.begin(), territories_.end(), territory);
  return it != territories_.end() && *it == territory ? static_cast<int>(it - territories_.begin()) : -1;
}

const VariantVerdict& ConsentGate::Snapshot::Verdict(uint32_t title, uint32_t variant, int slot,
                                                     std::string_view territory, int64_t now,
                                                     VariantVerdict& scratch) const {
  if (slot >= 0 && now >= segment_start_ && now < segment_end_) {
    const size_t titles = gate_->first_variant_.size() - 1;
    return (*rows_[static_cast<size_t>(slot) * titles + title])[variant];
  }
  gate_->slow_checks_.fetch_add(1, std::memory_order_relaxed);
  scratch = gate_->Decide(*registry_, title, variant, territory, now);
  return scratch;
}

std::shared_ptr<const std::vector<VariantVerdict>> ConsentGate::BuildRow(const ConsentRegistry& registry,
                                                                         uint32_t title, const std::string& territory,
                                                                         int64_t now) const {
  auto row = std::make_shared<std::vector<VariantVerdict>>();
  const uint32_t variants = first_variant_[title + 1] - first_variant_[title];
  row->reserve(variants);
  for (uint32_t v = 0; v < variants; ++v) row->push_back(Decide(registry, title, v, territory, now));
  return row;
}

void ConsentGate::Publish(std::shared_ptr<const ConsentRegistry> registry, int64_t now,
                          const std::vector<uint32_t>* touched) {
  const Clock::time_point start = Clock::now();
  const std::shared_ptr<const Snapshot> previous = current_.load();
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
  const uint32_t titles = static_cast<uint32_t>(first_variant_.size() - 1);
  const bool reuse = touched != nullptr && previous != nullptr && now >= previous->segment_start_ &&
                     now < previous->segment_end_;
  if (reuse) {
    snapshot->rows_ = previous->rows_;
    for (size_t k = 0; k < territories_.size(); ++k) {
      for (uint32_t t : *touched) snapshot->rows_[k * titles + t] = BuildRow(*registry, t, territories_[k], now);
    }
    last_build_titles_ = touched->size();
  } else {
    snapshot->rows_.resize(territories_.size() * titles);
    for (size_t k = 0; k < territories_.size(); ++k) {
      for (uint32_t t = 0; t < titles; ++t) snapshot->rows_[k * titles + t] = BuildRow(*registry, t, territories_[k], now);
    }
    last_build_titles_ = titles;
  }
  snapshot->registry_ = std::move(registry);
  current_.store(std::move(snapshot));
  last_build_ms_ = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::vector<uint32_t> ConsentGate::TouchedTitles(const ConsentEntry& entry, const ConsentRegistry& registry) const {
  auto of_performer = [&](const std::string& performer_id) {
    auto it = titles_by_performer_.find(performer_id);
    return it == titles_by_performer_.end() ? std::vector<uint32_t>{} : it->second;
  };
  auto of_material = [&](const std::string& artwork_id) {
    auto it = title_by_artwork_.find(artwork_id);
    return it == title_by_artwork_.end() ? std::vector<uint32_t>{} : std::vector<uint32_t>{it->second};
  };
  if (const auto* c = std::get_if<ConsentRecord>(&entry)) return of_performer(c->performer_id);
  if (const auto* r = std::get_if<Revocation>(&entry)) {
    for (const ConsentRecord& c : registry.consents()) {
      if (c.consent_id == r->consent_id) return of_performer(c.performer_id);
    }
    return {};
  }
  if (const auto* p = std::get_if<PerformerRecord>(&entry)) return of_performer(p->performer_id);
  if (const auto* t = std::get_if<Takedown>(&entry)) return of_material(t->material);
  if (const auto* s = std::get_if<Restoration>(&entry)) {
    for (const Takedown& t : registry.takedowns()) {
      if (t.takedown_id == s->takedown_id) return of_material(t.material);
    }
  }
  return {};
}

Status ConsentGate::Add(const ConsentEntry& entry) {
  MutexLock lock(&write_mutex_);
  if (log_ == nullptr) {
    return Status::Unsupported("this server has no consent log (marquee serve --consents FILE)");
  }
  MARQUEE_RETURN_IF_ERROR(log_->Append(entry));
  // Only the titles the entry concerns are checked again: a revocation is in
  // force in the time it takes to check a few variants, whatever the catalog's size.
  const std::vector<uint32_t> touched = TouchedTitles(entry, registry_);
  Publish(std::make_shared<ConsentRegistry>(registry_), WallNow(), &touched);
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
  stats.last_build_titles = last_build_titles_;
  return stats;
}

}  // namespace marquee::serve
