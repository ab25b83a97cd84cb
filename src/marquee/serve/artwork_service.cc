#include "marquee/serve/artwork_service.h"

#include <algorithm>
#include <ctime>

#include "marquee/data/id_map.h"
#include "marquee/ledger/ledger_rows.h"

namespace marquee::serve {

namespace {

using Clock = std::chrono::steady_clock;

// The most calls the learner applies under one hold of its lock: between
// batches it publishes and answers Flush, so a long queue cannot starve them.
constexpr size_t kMaxBatch = 1024;

// A publish waits at least this many times as long as the last copy took, so
// that copying a large policy (disjoint models: hundreds of milliseconds for
// every arm of a 20,000-title catalog) takes at most about a fifth of the
// learner's time, whatever publish_every says.
constexpr int kPublishCostFactor = 4;

}  // namespace

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
  if (options.held.sessions_per_change < 1 || options.held.session_gap_seconds < 1) {
    return Status::InvalidArgument("artwork service: expected sessions_per_change >= 1 and a session gap >= 1 s");
  }
  if (options.learn_queue_capacity < 1) {
    return Status::InvalidArgument("artwork service: expected a learn queue capacity >= 1");
  }
  if (options.publish_every.count() < 0) {
    return Status::InvalidArgument("artwork service: expected a publish interval >= 0");
  }
  std::unique_ptr<ArtworkService> service(
      new ArtworkService(dataset, options, std::move(features), std::move(policy), std::move(restore)));
  {
    MutexLock lock(&service->learn_mutex_);
    service->Publish();  // decisions need a policy before the first batch
  }
  ArtworkService* raw = service.get();
  service->learner_thread_ = std::thread([raw] { raw->LearnLoop(); });
  if (!options.snapshot_path.empty() && options.snapshot_every.count() > 0) {
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
      policy_name_(ArtworkPolicyName(*policy)),
      policy_(std::move(policy)),
      updates_(restore.restored ? restore.counters.updates : 0),
      rewarded_(restore.restored ? restore.counters.rewarded : 0),
      restore_(std::move(restore)),
      written_updates_(updates_) {}

ArtworkService::~ArtworkService() {
  // The snapshot thread first: its writes flush, which needs the learner.
  JoinSnapshotThread();
  StopLearner();
}

void ArtworkService::JoinSnapshotThread() {
  {
    MutexLock lock(&snapshot_mutex_);
    snapshot_stop_ = true;
  }
  snapshot_wake_.SignalAll();
  if (snapshot_thread_.joinable()) snapshot_thread_.join();
}

void ArtworkService::StopLearner() {
  {
    MutexLock lock(&queue_mutex_);
    learner_stop_ = true;
  }
  queue_wake_.SignalAll();
  if (learner_thread_.joinable()) learner_thread_.join();
}

void ArtworkService::SnapshotLoop() {
  auto next = Clock::now() + options_.snapshot_every;
  while (true) {
    {
      MutexLock lock(&snapshot_mutex_);
      while (!snapshot_stop_ && Clock::now() < next) snapshot_wake_.WaitFor(&snapshot_mutex_, next - Clock::now());
      if (snapshot_stop_) return;
    }
    // A failure is in the stats (last_snapshot_error) and goes to
    // on_snapshot; the next interval retries.
    (void)WriteSnapshot();
    next = Clock::now() + options_.snapshot_every;
  }
}

Status ArtworkService::WriteSnapshot() {
  if (options_.snapshot_path.empty()) return Status::OK();
  Flush();  // everything acknowledged before the call is in the file
  MutexLock write(&write_mutex_);
  // Immutable once published: written without holding up decisions or learning.
  const std::shared_ptr<const Published> published = published_.load();
  if (published->counters.updates == written_updates_) return Status::OK();  // nothing learned since the last one
  Status written = SaveArtworkPolicy(*published->policy, dataset_.catalog, options_.snapshot_path,
                                     &published->counters);
  {
    MutexLock lock(&snapshot_mutex_);
    if (written.ok()) {
      written_updates_ = published->counters.updates;
      ++snapshots_written_;
      last_snapshot_time_ = static_cast<int64_t>(std::time(nullptr));
      last_snapshot_error_.clear();
    } else {
      last_snapshot_error_ = written.ToString();
    }
  }
  // Still under write_mutex_, so reports arrive in the order of the writes.
  if (options_.on_snapshot) options_.on_snapshot(written);
  return written;
}

Status ArtworkService::StopSnapshots() {
  JoinSnapshotThread();
  return WriteSnapshot();
}

void ArtworkService::Flush() {
  MutexLock lock(&queue_mutex_);
  const uint64_t target = enqueued_seq_;
  if (published_seq_ >= target) return;
  ++flush_waiters_;
  queue_wake_.Signal();
  while (published_seq_ < target) flushed_.Wait(&queue_mutex_);
  --flush_waiters_;
}

bool ArtworkService::FlushFor(std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  MutexLock lock(&queue_mutex_);
  const uint64_t target = enqueued_seq_;
  if (published_seq_ >= target) return true;
  ++flush_waiters_;
  queue_wake_.Signal();
  while (published_seq_ < target && Clock::now() < deadline) {
    flushed_.WaitFor(&queue_mutex_, deadline - Clock::now());
  }
  --flush_waiters_;
  return published_seq_ >= target;
}

void ArtworkService::PauseLearnerForTesting(bool paused) {
  {
    MutexLock lock(&queue_mutex_);
    learner_paused_ = paused;
  }
  queue_wake_.SignalAll();
}

void ArtworkService::Enqueue(LearnItem item) {
  {
    MutexLock lock(&queue_mutex_);
    if (queue_.size() >= options_.learn_queue_capacity) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(item));
    ++enqueued_seq_;
  }
  queue_wake_.Signal();
}

void ArtworkService::LearnLoop() {
  // The learner's own bookkeeping: calls applied, whether the policy changed
  // since the last publish, and when the next publish may happen.
  uint64_t applied_seq = 0;
  bool changed = false;
  Clock::time_point next_publish = Clock::now();
  std::vector<LearnItem> batch;
  while (true) {
    bool stop = false;
    bool flush_wanted = false;
    {
      MutexLock lock(&queue_mutex_);
      while (true) {
        stop = learner_stop_;
        flush_wanted = flush_waiters_ > 0;
        const bool work = !queue_.empty() && (!learner_paused_ || stop);
        if (work || stop) break;
        if (changed && (flush_wanted || Clock::now() >= next_publish)) break;
        if (changed) {
          queue_wake_.WaitFor(&queue_mutex_, next_publish - Clock::now());
        } else {
          queue_wake_.Wait(&queue_mutex_);
        }
      }
      // On stop, everything queued is applied before the thread ends.
      const size_t take = stop ? queue_.size() : (learner_paused_ ? 0 : std::min(queue_.size(), kMaxBatch));
      for (size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    bool published = false;
    {
      MutexLock lock(&learn_mutex_);
      const uint64_t before = updates_;
      for (LearnItem& item : batch) Apply(item);
      changed = changed || updates_ != before;
      if (changed && (stop || flush_wanted || Clock::now() >= next_publish)) {
        const Clock::time_point start = Clock::now();
        Publish();
        const Clock::time_point end = Clock::now();
        next_publish = end + std::max<Clock::duration>(options_.publish_every, kPublishCostFactor * (end - start));
        changed = false;
        published = true;
      }
    }
    applied_seq += batch.size();
    batch.clear();  // outside the lock: the items' memory goes here
    {
      MutexLock lock(&queue_mutex_);
      // Calls that changed nothing are published as they are applied.
      if (!changed) published_seq_ = applied_seq;
      if (stop) {
        published_seq_ = applied_seq;
        flushed_.SignalAll();
        return;
      }
    }
    if (published || !changed) flushed_.SignalAll();
  }
}

void ArtworkService::Apply(LearnItem& item) {
  std::vector<Attribution> finished;
  // The ids are minted by ImpressionIds, so a duplicate cannot occur; were
  // one to, the attributor counts it and the impression is not learned from.
  for (ImpressionRecord& impression : item.impressions) (void)attributor_.AddImpression(std::move(impression), finished);
  for (const Event& e : item.events) attributor_.Observe(e, finished);
  attributor_.Expire(item.now, finished);
  std::vector<float> context;
  for (const Attribution& a : finished) {
    // The context the decision used; recomputed only for impressions that
    // did not keep one.
    if (a.impression.context != nullptr) {
      policy_->Update({*a.impression.context, a.impression.title}, a.impression.variant, a.reward);
    } else {
      context.resize(features_->member_dim());
      MemberContext(a.impression.member_id, context);
      policy_->Update({context, a.impression.title}, a.impression.variant, a.reward);
    }
    ++updates_;
    if (a.reward > 0) ++rewarded_;
  }
}

void ArtworkService::Publish() {
  auto published = std::make_shared<Published>();
  std::unique_ptr<ArtworkPolicy> copy = policy_->Clone();
  copy->PrepareForReads();  // here, on the learner, not on the first request
  published->policy = std::move(copy);
  published->counters = {updates_, rewarded_};
  published->version = ++publishes_;
  published_.store(std::move(published));
}

ArtworkDecision ArtworkService::Replay(std::string_view member_id, uint32_t title,
                                       std::string_view impression_id) const {
  std::vector<float> context(features_->member_dim());
  MemberContext(member_id, context);
  const std::shared_ptr<const Published> published = published_.load();
  return Decide(*published->policy, {context, title}, options_.seed, impression_id);
}

void ArtworkService::MemberContext(std::string_view member_id, std::span<float> out) const {
  features_->DatasetMemberVector(dataset_.interactions, dataset_.members.Find(member_id), out);
}

void ArtworkService::ChooseBehindGate(const ConsentGate::Snapshot& gate, int slot, const ArtworkPolicy& policy,
                                      std::span<const float> context, const ArtworkRequest& request, int64_t now,
                                      std::string_view member_id, uint64_t session, ArtworkChoice& c, Event& e) {
  const std::vector<Artwork>& variants = dataset_.catalog.titles()[c.title].artwork;
  // Per thread: a request decides up to hundreds of titles.
  thread_local std::vector<bool> eligible;
  eligible.assign(variants.size(), false);
  e.eligible_artwork_ids.reserve(variants.size());
  VariantVerdict scratch;
  for (uint32_t v = 0; v < variants.size(); ++v) {
    const VariantVerdict& verdict = gate.Verdict(c.title, v, slot, request.territory, now, scratch);
    eligible[v] = verdict.eligible;
    if (v == 0) c.reason = verdict.reason;
    if (verdict.eligible) {
      ++c.eligible_count;
      e.eligible_artwork_ids.push_back(variants[v].id);
    }
  }
  if (!request.preview) {
    gate_variants_.fetch_add(variants.size(), std::memory_order_relaxed);
    gate_ineligible_.fetch_add(variants.size() - c.eligible_count, std::memory_order_relaxed);
  }
  // A variant held for this member (and still eligible) is the only one
  // this decision may take: the log says so (a set of one, propensity 1).
  // A preview has no session, so holds nothing.
  if (held_.enabled() && !request.preview && c.eligible_count > 1) {
    const std::optional<uint32_t> h = held_.Held(member_id, c.title, session);
    if (h && *h < variants.size() && eligible[*h]) {
      std::fill(eligible.begin(), eligible.end(), false);
      eligible[*h] = true;
      c.eligible_count = 1;
      e.eligible_artwork_ids = {variants[*h].id};
    }
  }
  std::optional<ArtworkDecision> d =
      c.eligible_count == 0 ? std::nullopt
                            : DecideAmong(policy, {context, c.title}, eligible, options_.seed, c.impression_id);
  if (!d) {
    if (!request.preview) title_cards_.fetch_add(1, std::memory_order_relaxed);
    c.title_card = true;
    c.has_artwork = false;
    e.propensity = 1.0;
    return;
  }
  c.variant = d->variant;
  c.propensity = d->propensity;
  c.reason = "eligible";
  if (held_.enabled() && !request.preview) held_.Record(member_id, c.title, c.variant, session);
  // The chosen variant's verdict again: `scratch` may hold another variant's.
  const VariantVerdict& chosen = gate.Verdict(c.title, c.variant, slot, request.territory, now, scratch);
  c.relied_on = chosen.relied_on;
  c.disclosure = chosen.disclosure;
  e.artwork_id = variants[c.variant].id;
  e.propensity = c.propensity;
}

LedgerEntry ArtworkService::ImpressionEntry(const std::string& member_hash, const std::string& policy_version,
                                            const ArtworkChoice& c, const Event& e,
                                            const ArtworkRequest& request) const {
  ImpressionLedgerRow row;
  row.impression_id = c.impression_id;
  row.time = e.time;
  row.member_hash = member_hash;
  row.title_id = e.title_id;
  row.artwork_id = e.artwork_id;
  row.territory = request.territory;
  row.propensity = c.propensity;
  row.eligible_set_hash = EligibleSetHash(e.eligible_artwork_ids);
  row.eligible_count = c.eligible_count;
  row.policy_version = policy_version;
  if (c.title_card) {
    row.ineligible_reason = std::string(c.reason);
    return ToLedgerEntry(row);
  }
  for (const ReliedConsent& r : c.relied_on) row.performers.push_back({r.performer_id, r.consent_id, r.version});
  const Artwork& art = dataset_.catalog.titles()[c.title].artwork[c.variant];
  row.digital_source_type = std::string(DigitalSourceTypeCode(art.digital_source_type));
  row.replica_kind = std::string(ReplicaKindName(art.replica_kind));
  row.disclosure_required = c.disclosure.required;
  row.disclosure_basis = c.disclosure.basis;
  return ToLedgerEntry(row);
}

std::vector<ArtworkChoice> ArtworkService::Choose(std::string_view member_id, std::span<const uint32_t> titles,
                                                  int64_t now, std::vector<Event>& impressions, const History* live,
                                                  const ArtworkRequest& request, std::vector<LedgerEntry>* ledger) {
  auto shared_context = std::make_shared<std::vector<float>>(features_->member_dim());
  std::vector<float>& context = *shared_context;
  if (live != nullptr) {
    features_->MemberVector(live->titles, live->weights, context);
  } else {
    MemberContext(member_id, context);
  }
  std::vector<ArtworkChoice> choices(titles.size());
  // One published policy for the whole request: learning publishes beside it.
  const std::shared_ptr<const Published> published = published_.load();
  // Likewise one gate snapshot: a request sees one state of the consents.
  const std::shared_ptr<const ConsentGate::Snapshot> gate =
      options_.gate != nullptr ? options_.gate->Current() : nullptr;
  const int slot = gate != nullptr ? gate->TerritorySlot(request.territory) : -1;
  const uint64_t session = gate != nullptr && held_.enabled() && !request.preview ? held_.Visit(member_id, now) : 0;
  if (request.preview) ledger = nullptr;
  const bool with_ledger = gate != nullptr && ledger != nullptr;
  const std::string member_hash = with_ledger ? HashMemberId(member_id) : std::string();
  const std::string policy_version =
      with_ledger ? policy_name_ + "@" + std::to_string(published->version) : std::string();
  if (ledger != nullptr) ledger->reserve(ledger->size() + titles.size());
  impressions.reserve(impressions.size() + titles.size());
  for (size_t i = 0; i < titles.size(); ++i) {
    ArtworkChoice& c = choices[i];
    c.title = titles[i];
    if (c.title >= features_->title_count() || features_->variant_count(c.title) == 0) continue;
    c.has_artwork = true;
    c.impression_id = impression_ids_.Next();
    c.context = shared_context;
    c.policy_version = published->version;
    Event e;
    e.kind = EventKind::kImpression;
    e.member_id = std::string(member_id);
    e.title_id = std::string(dataset_.titles.ExternalId(c.title));
    e.time = now;
    e.impression_id = c.impression_id;
    if (gate != nullptr) {
      ChooseBehindGate(*gate, slot, *published->policy, context, request, now, member_id, session, c, e);
      if (ledger != nullptr) ledger->push_back(ImpressionEntry(member_hash, policy_version, c, e, request));
    } else {
      ArtworkDecision d = Decide(*published->policy, {context, c.title}, options_.seed, c.impression_id);
      c.variant = d.variant;
      c.propensity = d.propensity;
      e.artwork_id = dataset_.catalog.titles()[c.title].artwork[c.variant].id;
      e.propensity = c.propensity;
    }
    impressions.push_back(std::move(e));
  }
  if (!request.preview) decisions_.fetch_add(impressions.size(), std::memory_order_relaxed);
  return choices;
}

void ArtworkService::NoteLogged(std::string_view member_id, std::span<const ArtworkChoice> choices,
                                int64_t now) {
  LearnItem item;
  item.now = now;
  for (const ArtworkChoice& c : choices) {
    if (!c.has_artwork) continue;
    item.impressions.push_back({c.impression_id, std::string(member_id),
                                std::string(dataset_.titles.ExternalId(c.title)), now, c.title, c.variant,
                                /*record=*/0, c.context});
  }
  Enqueue(std::move(item));
}

bool ArtworkService::Qualifies(const Event& play) const {
  const uint32_t title = dataset_.titles.Find(play.title_id);
  const uint32_t runtime = title == IdMap::kNotFound ? 0 : dataset_.catalog.titles()[title].runtime_minutes;
  return IsQualifyingPlay(options_.qualifying, play.watch_fraction.value_or(1.0f), runtime);
}

void ArtworkService::NoteOutcomes(std::span<const Event> events, int64_t now) {
  LearnItem item;
  item.now = now;
  for (const Event& e : events) {
    if (e.kind == EventKind::kClick || (e.kind == EventKind::kPlay && Qualifies(e))) item.events.push_back(e);
  }
  // Queued even without outcomes: `now` expires impressions whose window passed.
  Enqueue(std::move(item));
}

ArtworkStats ArtworkService::Stats() const {
  ArtworkStats stats;
  stats.policy = policy_name_;
  stats.decisions = decisions_.load(std::memory_order_relaxed);
  stats.gate_variants = gate_variants_.load(std::memory_order_relaxed);
  stats.gate_ineligible = gate_ineligible_.load(std::memory_order_relaxed);
  stats.title_cards = title_cards_.load(std::memory_order_relaxed);
  {
    MutexLock lock(&learn_mutex_);
    stats.updates = updates_;
    stats.rewarded = rewarded_;
    stats.pending = attributor_.pending();
    stats.evicted = attributor_.evicted();
  }
  {
    MutexLock lock(&queue_mutex_);
    stats.learn_queue_depth = queue_.size();
    stats.learn_dropped = dropped_;
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
