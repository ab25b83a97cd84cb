#include "marquee/serve/artwork_service.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "marquee/data/id_map.h"
#include "marquee/util/random.h"

namespace marquee::serve {
namespace {

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
  std::vector<Attribution> finished;
  {
    std::lock_guard<std::mutex> lock(pending_mutex_);
    for (const ArtworkChoice& c : choices) {
      if (!c.has_artwork) continue;
      ImpressionRecord impression{c.impression_id, std::string(member),
                                  std::string(dataset_.titles.ExternalId(c.title)), now, c.title, c.variant};
      // The ids are minted here, so a duplicate cannot occur; were one to,
      // the attributor counts it and the impression is not learned from.
      (void)attributor_.AddImpression(std::move(impression), finished);
    }
    attributor_.Expire(now, finished);
  }
  Learn(finished);
}

void ArtworkService::NoteOutcomes(std::span<const Event> events, int64_t now) {
  std::vector<Attribution> finished;
  {
    std::lock_guard<std::mutex> lock(pending_mutex_);
    for (const Event& e : events) attributor_.Observe(e, finished);
    attributor_.Expire(now, finished);
  }
  Learn(finished);
}

void ArtworkService::Learn(const std::vector<Attribution>& finished) {
  if (finished.empty()) return;
  std::vector<float> context(features_->member_dim());
  std::unique_lock<std::shared_mutex> lock(policy_mutex_);
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
    std::shared_lock<std::shared_mutex> lock(policy_mutex_);
    stats.updates = updates_;
    stats.rewarded = rewarded_;
  }
  stats.decisions = decisions_.load(std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(pending_mutex_);
  stats.pending = attributor_.pending();
  return stats;
}

}  // namespace marquee::serve
