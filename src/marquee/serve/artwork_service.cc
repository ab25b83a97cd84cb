#include "marquee/serve/artwork_service.h"

#include "marquee/data/id_map.h"

namespace marquee::serve {

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
  std::vector<Attribution> finished;
  {
    MutexLock lock(&pending_mutex_);
    for (const ArtworkChoice& c : choices) {
      if (!c.has_artwork) continue;
      ImpressionRecord impression{c.impression_id, std::string(member_id),
                                  std::string(dataset_.titles.ExternalId(c.title)), now, c.title, c.variant};
      // The ids are minted by ImpressionIds, so a duplicate cannot occur; were
      // one to, the attributor counts it and the impression is not learned from.
      (void)attributor_.AddImpression(std::move(impression), finished);
    }
    attributor_.Expire(now, finished);
  }
  Learn(finished);
}

void ArtworkService::NoteOutcomes(std::span<const Event> events, int64_t now) {
  std::vector<Attribution> finished;
  {
    MutexLock lock(&pending_mutex_);
    for (const Event& e : events) attributor_.Observe(e, finished);
    attributor_.Expire(now, finished);
  }
  Learn(finished);
}

void ArtworkService::Learn(const std::vector<Attribution>& finished) {
  if (finished.empty()) return;
  std::vector<float> context(features_->member_dim());
  WriterLock lock(&policy_mutex_);
  for (const Attribution& a : finished) {
    MemberContext(a.impression.member_id, context);
    policy_->Update({context, a.impression.title}, a.impression.variant, a.reward);
    ++updates_;
    if (a.reward > 0) ++rewarded_;
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
  MutexLock lock(&pending_mutex_);
  stats.pending = attributor_.pending();
  stats.evicted = attributor_.evicted();
  return stats;
}

}  // namespace marquee::serve
