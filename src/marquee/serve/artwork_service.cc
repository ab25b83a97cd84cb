#include "marquee/serve/artwork_service.h"

#include "marquee/data/id_map.h"

namespace marquee::serve {
namespace {

std::string PairKey(std::string_view member, std::string_view title) {
  std::string key(member);
  key += '\x1f';
  key += title;
  return key;
}

}  // namespace

Result<std::unique_ptr<ArtworkService>> ArtworkService::Create(const Dataset& dataset,
                                                               std::shared_ptr<const ArtworkFeatures> features,
                                                               std::unique_ptr<ArtworkPolicy> policy,
                                                               const ArtworkServiceOptions& options) {
  if (policy == nullptr || features == nullptr) {
    return Status::InvalidArgument("artwork service: expected a policy and its features, found none");
  }
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
      policy_name_(ArtworkPolicyName(*policy_)) {}

void ArtworkService::MemberContext(std::string_view member_id, std::span<float> out) const {
  features_->DatasetMemberVector(dataset_.interactions, dataset_.members.Find(member_id), out);
}

std::vector<ArtworkChoice> ArtworkService::Choose(std::string_view member_id, std::span<const uint32_t> titles,
                                                  int64_t now, std::vector<Event>& impressions) {
  std::vector<float> context(features_->member_dim());
  MemberContext(member_id, context);
  std::vector<ArtworkChoice> choices(titles.size());
  ReaderLock lock(&policy_mutex_);
  for (size_t i = 0; i < titles.size(); ++i) {
    ArtworkChoice& c = choices[i];
    c.title = titles[i];
    if (c.title >= features_->title_count() || features_->variant_count(c.title) == 0) continue;
    c.has_artwork = true;
    c.impression_id = impression_ids_.Next();
    ArtworkDecision d = Decide(*policy_, {context, c.title}, options_.seed, c.impression_id);
    c.variant = d.variant;
    c.propensity = d.propensity;
    Event e;
    e.kind = EventKind::kImpression;
    e.member_id = std::string(member_id);
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

void ArtworkService::NoteLogged(std::string_view member_id, std::span<const ArtworkChoice> choices,
                                int64_t now) {
  std::vector<Update> updates;
  {
    std::lock_guard<std::mutex> lock(pending_mutex_);
    for (const ArtworkChoice& c : choices) {
      if (!c.has_artwork) continue;
      pending_.emplace(c.impression_id, Pending{std::string(member_id), c.title, c.variant, now, false});
      pending_order_.push_back(c.impression_id);
      by_pair_[PairKey(member_id, dataset_.titles.ExternalId(c.title))].push_back(c.impression_id);
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
  WriterLock lock(&policy_mutex_);
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
    ReaderLock lock(&policy_mutex_);
    stats.updates = updates_;
    stats.rewarded = rewarded_;
  }
  stats.decisions = decisions_.load(std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(pending_mutex_);
  stats.pending = pending_.size();
  return stats;
}

}  // namespace marquee::serve
