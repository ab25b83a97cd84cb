#include "marquee/serve/artwork_service.h"

#include <ctime>

#include "marquee/data/id_map.h"

namespace marquee::serve {

Result<std::unique_ptr<ArtworkService>> ArtworkService::Create(const Dataset& dataset,
                                                               std::shared_ptr<const ArtworkFeatures> features,
                                                               std::unique_ptr<ArtworkPolicy> policy,
                                                               const ArtworkServiceOptions& options,
                                                               SnapshotRestore restore) {
  if (policy == nullptr || features == nullptr) {
    return Status::InvalidArgument("artwork service: expected a policy and its features, found none");
  }
  if (options.snapshot_every.count() < 0) {
    return Status::InvalidArgument("artwork service: expected a snapshot interval >= 0");
  }
  std::unique_ptr<ArtworkService> service(
      new ArtworkService(dataset, options, std::move(features), std::move(policy), std::move(restore)));
  if (!options.snapshot_path.empty() && options.snapshot_every.count() > 0) {
    ArtworkService* raw = service.get();
    service->snapshot_thread_ = std::thread([raw] { raw->SnapshotLoop(); });
  }
  return service;
}

ArtworkService::ArtworkService(const Dataset& dataset, const ArtworkServiceOptions& options,
                               std::shared_ptr<const ArtworkFeatures> features,
                               std::unique_ptr<ArtworkPolicy> policy, SnapshotRestore restore)
    : dataset_(dataset),
      options_(options),
      features_(std::move(features)),
      policy_(std::move(policy)),
      policy_name_(ArtworkPolicyName(*policy_)),
      updates_(restore.restored ? restore.counters.updates : 0),
      rewarded_(restore.restored ? restore.counters.rewarded : 0),
      restore_(std::move(restore)),
      written_updates_(updates_) {}

ArtworkService::~ArtworkService() { JoinSnapshotThread(); }

void ArtworkService::JoinSnapshotThread() {
  {
    MutexLock lock(&snapshot_mutex_);
    snapshot_stop_ = true;
  }
  snapshot_wake_.SignalAll();
  if (snapshot_thread_.joinable()) snapshot_thread_.join();
}

void ArtworkService::SnapshotLoop() {
  using Clock = std::chrono::steady_clock;
  auto next = Clock::now() + options_.snapshot_every;
  while (true) {
    {
      MutexLock lock(&snapshot_mutex_);
      while (!snapshot_stop_ && Clock::now() < next) snapshot_wake_.WaitFor(&snapshot_mutex_, next - Clock::now());
      if (snapshot_stop_) return;
    }
    // A failure is in the stats (last_snapshot_error); the next interval retries.
    (void)WriteSnapshot();
    next = Clock::now() + options_.snapshot_every;
  }
}

Status ArtworkService::WriteSnapshot() {
  if (options_.snapshot_path.empty()) return Status::OK();
  MutexLock write(&write_mutex_);
  std::unique_ptr<ArtworkPolicy> copy;
  ArtworkPolicyCounters counters;
  {
    ReaderLock lock(&policy_mutex_);
    if (updates_ == written_updates_) return Status::OK();  // nothing learned since the last one
    copy = policy_->Clone();
    counters = {updates_, rewarded_};
  }
  Status written = SaveArtworkPolicy(*copy, dataset_.catalog, options_.snapshot_path, &counters);
  MutexLock lock(&snapshot_mutex_);
  if (written.ok()) {
    written_updates_ = counters.updates;
    ++snapshots_written_;
    last_snapshot_time_ = static_cast<int64_t>(std::time(nullptr));
    last_snapshot_error_.clear();
  } else {
    last_snapshot_error_ = written.ToString();
  }
  return written;
}

Status ArtworkService::StopSnapshots() {
  JoinSnapshotThread();
  return WriteSnapshot();
}

ArtworkDecision ArtworkService::Replay(std::string_view member_id, uint32_t title,
                                       std::string_view impression_id) const {
  std::vector<float> context(features_->member_dim());
  MemberContext(member_id, context);
  ReaderLock lock(&policy_mutex_);
  return Decide(*policy_, {context, title}, options_.seed, impression_id);
}

void ArtworkService::MemberContext(std::string_view member_id, std::span<float> out) const {
  features_->DatasetMemberVector(dataset_.interactions, dataset_.members.Find(member_id), out);
}

std::vector<ArtworkChoice> ArtworkService::Choose(std::string_view member_id, std::span<const uint32_t> titles,
                                                  int64_t now, std::vector<Event>& impressions, const History* live) {
  auto shared_context = std::make_shared<std::vector<float>>(features_->member_dim());
  std::vector<float>& context = *shared_context;
  if (live != nullptr) {
    features_->MemberVector(live->titles, live->weights, context);
  } else {
    MemberContext(member_id, context);
  }
  std::vector<ArtworkChoice> choices(titles.size());
  ReaderLock lock(&policy_mutex_);
  for (size_t i = 0; i < titles.size(); ++i) {
    ArtworkChoice& c = choices[i];
    c.title = titles[i];
    if (c.title >= features_->title_count() || features_->variant_count(c.title) == 0) continue;
    c.has_artwork = true;
    c.impression_id = impression_ids_.Next();
    c.context = shared_context;
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
                                  std::string(dataset_.titles.ExternalId(c.title)), now, c.title, c.variant,
                                  /*record=*/0, c.context};
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
    // The context the decision used; recomputed only for impressions that
    // did not keep one.
    if (a.impression.context != nullptr) {
      policy_->Update({*a.impression.context, a.impression.title}, a.impression.variant, a.reward);
    } else {
      MemberContext(a.impression.member_id, context);
      policy_->Update({context, a.impression.title}, a.impression.variant, a.reward);
    }
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
  {
    MutexLock lock(&pending_mutex_);
    stats.pending = attributor_.pending();
    stats.evicted = attributor_.evicted();
  }
  stats.snapshot_path = options_.snapshot_path;
  stats.restored = restore_.restored;
  if (!restore_.refused.ok()) stats.snapshot_refused = restore_.refused.ToString();
  MutexLock lock(&snapshot_mutex_);
  stats.snapshots_written = snapshots_written_;
  stats.last_snapshot_time = last_snapshot_time_;
  stats.last_snapshot_error = last_snapshot_error_;
  return stats;
}

}  // namespace marquee::serve
