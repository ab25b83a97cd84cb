#include "marquee/serve/artwork_service.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "marquee/data/id_map.h"
#include "marquee/util/random.h"

namespace marquee::serve {
namespace {

std::string PairKey(std::string_view member, std::string_view title) {
  std::string key(member);
  key += '\x1f';
  key += title;
  return key;
}

bool IsPolicyFile(const std::string& spec) {
  return spec.ends_with(".mqp") || spec.find('/') != std::string::npos || std::filesystem::exists(spec);
}

Result<std::unique_ptr<ArtworkPolicy>> MakePolicy(const Dataset& dataset, const std::string& spec,
                                                  std::shared_ptr<const ArtworkFeatures> features) {
  if (IsPolicyFile(spec)) return LoadArtworkPolicy(spec, dataset.catalog, std::move(features));
  return CreateArtworkPolicyFromSpec(spec, std::move(features));
}

}  // namespace

Result<std::unique_ptr<ArtworkService>> ArtworkService::Create(const Dataset& dataset,
                                                               const ArtworkServiceOptions& options) {
  auto features = std::make_shared<const ArtworkFeatures>(dataset.catalog);
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<ArtworkPolicy> policy,
                           MakePolicy(dataset, options.policy, features));
  return std::unique_ptr<ArtworkService>(
      new ArtworkService(dataset, options, std::move(features), std::move(policy)));
}

ArtworkService::ArtworkService(const Dataset& dataset, const ArtworkServiceOptions& options,
                               std::shared_ptr<const ArtworkFeatures> features,
                               std::unique_ptr<ArtworkPolicy> policy)
    : dataset_(dataset),
      options_(options),
      features_(std::move(features)),
      policy_(std::move(policy)),
      policy_name_(ArtworkPolicyName(*policy_)) {
  uint64_t clock = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  char prefix[24];
  std::snprintf(prefix, sizeof prefix, "%012llx",
                static_cast<unsigned long long>(SplitMix64(clock) & 0xffffffffffffULL));
  id_prefix_ = prefix;
}

std::string ArtworkService::NextImpressionId() {
  return id_prefix_ + "-" + std::to_string(next_id_.fetch_add(1, std::memory_order_relaxed));
}

void ArtworkService::MemberContext(std::string_view member, std::span<float> out) const {
  features_->DatasetMemberVector(dataset_.interactions, dataset_.members.Find(member), out);
}

std::vector<ArtworkChoice> ArtworkService::Choose(std::string_view member, std::span<const uint32_t> titles,
                                                  int64_t now, std::vector<Event>& impressions) {
  std::vector<float> context(features_->member_dim());
  MemberContext(member, context);
  std::vector<ArtworkChoice> choices(titles.size());
  std::shared_lock<std::shared_mutex> lock(policy_mutex_);
  for (size_t i = 0; i < titles.size(); ++i) {
    ArtworkChoice& c = choices[i];
    c.title = titles[i];
    if (c.title >= features_->title_count() || features_->variant_count(c.title) == 0) continue;
    c.has_artwork = true;
    c.impression_id = NextImpressionId();
    ArtworkDecision d = Decide(*policy_, {context, c.title}, options_.seed, c.impression_id);
    c.variant = d.variant;
    c.propensity = d.propensity;
    Event e;
    e.kind = EventKind::kImpression;
    e.member_id = std::string(member);
    e.title_id = std::string(dataset_.titles.ExternalId(c.title));
    e.time = now;
    e.artwork_id = dataset_.catalog.titles()[c.title].artwork[c.variant].id;
    e.propensity = c.propensity;
    e.impression_id = c.impression_id;
    impressions.push_back(std::move(e));
  }
  decisions_.fetch_add(impressions.size(), std::memory_order_relaxed);
  return choices;
}

void ArtworkService::NoteLogged(std::string_view member, std::span<const ArtworkChoice> choices,
                                int64_t now) {
  std::vector<Update> updates;
  {
    std::lock_guard<std::mutex> lock(pending_mutex_);
    for (const ArtworkChoice& c : choices) {
      if (!c.has_artwork) continue;
      pending_.emplace(c.impression_id, Pending{std::string(member), c.title, c.variant, now, false});
      pending_order_.push_back(c.impression_id);
      by_pair_[PairKey(member, dataset_.titles.ExternalId(c.title))].push_back(c.impression_id);
    }
    Expire(now, updates);
  }
  Learn(updates);
}

void ArtworkService::NoteOutcomes(std::span<const Event> events, int64_t now) {
  std::vector<Update> updates;
  {
    std::lock_guard<std::mutex> lock(pending_mutex_);
    for (const Event& e : events) {
      if (e.kind != EventKind::kPlay && e.kind != EventKind::kClick) continue;
      const double reward = e.watch_fraction.value_or(1.0f) > 0 ? 1.0 : 0.0;
      if (!e.impression_id.empty() && pending_.contains(e.impression_id)) {
        Reward(e.impression_id, reward, updates);
        continue;
      }
      auto it = by_pair_.find(PairKey(e.member_id, e.title_id));
      if (it == by_pair_.end()) continue;
      for (const std::string& id : it->second) {
        auto p = pending_.find(id);
        if (p != pending_.end() && e.time >= p->second.time &&
            e.time - p->second.time <= options_.reward_window_seconds) {
          Reward(id, reward, updates);
        }
      }
    }
    Expire(now, updates);
  }
  Learn(updates);
}

void ArtworkService::Reward(const std::string& id, double reward, std::vector<Update>& updates) {
  auto it = pending_.find(id);
  if (it == pending_.end() || it->second.done) return;
  it->second.done = true;  // removed from the maps when it reaches the front of the queue
  updates.push_back({it->second.member, it->second.title, it->second.variant, reward});
}

void ArtworkService::Expire(int64_t now, std::vector<Update>& updates) {
  while (!pending_order_.empty()) {
    auto it = pending_.find(pending_order_.front());
    const bool full = pending_.size() > options_.max_pending;
    if (it != pending_.end() && !full && !it->second.done &&
        now - it->second.time <= options_.reward_window_seconds) {
      break;
    }
    if (it != pending_.end()) {
      const Pending& p = it->second;
      if (!p.done) updates.push_back({p.member, p.title, p.variant, 0.0});
      auto pair = by_pair_.find(PairKey(p.member, dataset_.titles.ExternalId(p.title)));
      if (pair != by_pair_.end()) {
        std::erase(pair->second, it->first);
        if (pair->second.empty()) by_pair_.erase(pair);
      }
      pending_.erase(it);
    }
    pending_order_.pop_front();
  }
}

void ArtworkService::Learn(const std::vector<Update>& updates) {
  if (updates.empty()) return;
  std::vector<float> context(features_->member_dim());
  std::unique_lock<std::shared_mutex> lock(policy_mutex_);
  for (const Update& u : updates) {
    MemberContext(u.member, context);
    policy_->Update({context, u.title}, u.variant, u.reward);
    ++updates_;
    if (u.reward > 0) ++rewarded_;
  }
}

ArtworkStats ArtworkService::Stats() const {
  ArtworkStats stats;
  stats.policy = policy_name_;
  {
    std::shared_lock<std::shared_mutex> lock(policy_mutex_);
    stats.updates = updates_;
    stats.rewarded = rewarded_;
  }
  stats.decisions = decisions_.load(std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(pending_mutex_);
  stats.pending = pending_.size();
  return stats;
}

}  // namespace marquee::serve
