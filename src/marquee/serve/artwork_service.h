// ArtworkService: chooses the artwork each member sees, logs every choice as
// an impression with its propensity, and learns online from the plays and
// clicks that follow.
//
// Threading. Learning never runs on the request threads: NoteLogged and
// NoteOutcomes copy what they need into a bounded queue and return (when the
// queue is full they drop the call and count it, `learn_dropped`, rather
// than make a request wait). One learner thread, owned by the service,
// drains the queue in batches: it feeds the reward attributor, applies the
// finished attributions to its own mutable policy, and then publishes an
// immutable copy of the policy with its counters (at most every
// `publish_every`, and at once when someone is waiting in Flush). Choose and
// Replay read the latest published copy through an atomic shared_ptr, so a
// decision takes no lock, never waits for learning, and sees one consistent
// policy for a whole request. Flush blocks until everything enqueued before
// it has been applied and published; the destructor applies what is queued,
// then stops the learner.
//
// Rewards follow the rules shared with offline training and evaluation
// (bandit/reward_attribution.h): an impression is pending until an outcome
// rewards it (a click naming its id, or a play of the title by the member
// within the reward window) or until the window passes, when it is learned as
// reward 0. The caller appends the impressions to the event store before it
// answers (so no choice a member saw goes unrecorded) and only then calls
// NoteLogged, so a choice whose logging failed is not learned from.
//
// Snapshots (marquee serve --policy-snapshot): with a snapshot path the
// service writes its policy there as a policy file (bandit/policy.h; atomic:
// temporary file and rename) every `snapshot_every` from a background thread,
// and once more when StopSnapshots is called. A write first flushes the
// learner (so the file holds everything acknowledged before it) and then
// writes the published copy, which is immutable: neither decisions nor
// learning wait for the file. A snapshot is written only when the policy has
// learned since the last one, or since the start: so a file the server
// refused at start (another catalog, damaged) is left as it is until the
// server's own policy has learned something worth keeping. Impressions still
// pending at a snapshot are not in it: after a restart their outcomes are
// not attributed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "marquee/bandit/artwork_features.h"
#include "marquee/bandit/policy.h"
#include "marquee/bandit/reward_attribution.h"
#include "marquee/data/dataset.h"
#include "marquee/data/qualifying_play.h"
#include "marquee/models/recommender.h"
#include "marquee/serve/consent_gate.h"
#include "marquee/serve/held_artwork.h"
#include "marquee/serve/impression_ids.h"
#include "marquee/store/event_store.h"
#include "marquee/util/mutex.h"
#include "marquee/util/status.h"
#include "marquee/util/thread_annotations.h"

namespace marquee::serve {

// The policy itself is the caller's (OpenServingStack resolves a spec or a
// policy file into one).
struct ArtworkServiceOptions {
  uint64_t seed = 1;
  // Which outcome rewards which impression: the same rules as offline
  // training and evaluation (bandit/reward_attribution.h).
  RewardRules reward;
  // The policy file snapshots go to (empty: none) and how often the
  // background thread writes one (0: only StopSnapshots and WriteSnapshot).
  std::string snapshot_path;
  std::chrono::seconds snapshot_every{300};
  // Called after each snapshot write attempted (not when nothing was learned
  // since the last one), with its outcome: periodic failures otherwise show
  // only in ArtworkStats::last_snapshot_error, and the library does not
  // print, so a program that wants them in its log says so here (marquee
  // serve prints failures and the first success after them). Runs on the
  // writing thread with the write lock held: it must not call WriteSnapshot
  // or StopSnapshots. Empty (the default): not called.
  std::function<void(const Status&)> on_snapshot;
  // Calls of NoteLogged and NoteOutcomes (one request's impressions or events
  // each) waiting for the learner. A full queue drops the call (counted in
  // ArtworkStats::learn_dropped) instead of making the request wait: the
  // learner has fallen behind by this many requests, and a request thread
  // must not pay for it. Sized for bursts of seconds at thousands of requests
  // a second; >= 1.
  size_t learn_queue_capacity = 65536;
  // The longest the learner keeps what it learned before it publishes a copy
  // of the policy for decisions (Flush publishes at once). A publish clones
  // the policy: next to nothing for the shared models, but the disjoint ones
  // grow with the arms shown (docs/MEASUREMENTS.md), so the learner also
  // waits four times as long as its last copy took, keeping copying to at
  // most about a fifth of its time. 50 ms keeps decisions a blink behind
  // learning. 0: publish after every batch (cheap policies only).
  std::chrono::milliseconds publish_every{50};
  // The consent gate in front of the policy (serve/consent_gate.h); it must
  // outlive the service. Null: no gate, every variant may be chosen (tools
  // and tests that serve no performers' likenesses).
  const ConsentGate* gate = nullptr;
  // Which plays reward an impression (issue 11 §4, honest artwork): only
  // those that qualify (data/qualifying_play.h) -- a bare start of a title
  // abandoned at once does not. The ledger's plays qualify by the same rule.
  QualifyingPlayRule qualifying;
  // Behind a gate: a member's artwork for a title changes at most once per
  // `held.sessions_per_change` of their sessions (serve/held_artwork.h;
  // `serve --sessions-per-change`). 1, the default: every decision is free.
  HeldArtworkOptions held;
};

// Where the service's policy came from, when a snapshot path is set
// (OpenArtworkService fills it): `restored` from the snapshot, with the
// counters it recorded; or `refused`, the reason the snapshot could not be
// used (the service then runs the policy it was given).
struct SnapshotRestore {
  bool restored = false;
  ArtworkPolicyCounters counters;
  Status refused;
};

// One choice: `title` and `variant` are dense indices (the dataset's title,
// that title's artwork); `impression_id` is the external id it is logged with.
struct ArtworkChoice {
  uint32_t title = 0;
  bool has_artwork = false;  // titles without variants get no choice
  uint32_t variant = 0;
  double propensity = 1.0;
  std::string impression_id;
  // The member context the decision used (shared by one Choose call's
  // choices); learning updates the policy with it.
  std::shared_ptr<const std::vector<float>> context;
  // Behind a gate (ArtworkServiceOptions::gate):
  // No variant was eligible: a title card without people is shown
  // (has_artwork false), logged as an impression with an empty artwork id
  // and `reason` (the first variant's reason).
  bool title_card = false;
  std::string_view reason;
  // The consents the chosen variant relied on, and its AI disclosure.
  std::vector<ReliedConsent> relied_on;
  AiDisclosure disclosure;
  uint32_t eligible_count = 0;  // variants the policy could choose among
  uint64_t policy_version = 0;  // the published policy's number (publishes since start)
};

// Where a request is shown: the member's territory (ISO 3166-1 alpha-2).
struct ArtworkRequest {
  std::string territory = "US";
  // Decide only (the dashboard's look at a member): nothing is held for the
  // member's session, counted in the stats, or recorded in `ledger`; the
  // caller logs nothing and notes nothing, so nothing is learned either.
  bool preview = false;
};

struct ArtworkStats {
  std::string policy;  // kind and parameters
  uint64_t decisions = 0;
  uint64_t updates = 0;
  uint64_t rewarded = 0;
  uint64_t pending = 0;
  uint64_t evicted = 0;  // pending impressions pushed out by the cap before their window ended
  uint64_t learn_queue_depth = 0;  // calls waiting for the learner
  uint64_t learn_dropped = 0;      // calls dropped because the learner's queue was full
  // Behind the consent gate: the variants checked, those the gate ruled out,
  // and the title cards served where no variant of a title was eligible.
  uint64_t gate_variants = 0, gate_ineligible = 0, title_cards = 0;
  // Snapshots: empty path when off.
  std::string snapshot_path;
  bool restored = false;           // the policy was loaded from the snapshot at start
  std::string snapshot_refused;    // why the snapshot at start was not used; empty if it was, or none existed
  uint64_t snapshots_written = 0;
  int64_t last_snapshot_time = 0;  // unix seconds of the last snapshot written; 0: none yet
  std::string last_snapshot_error; // the last write's error; empty when it succeeded
};

class ArtworkService {
 public:
  // The dataset must outlive the service; `features` must be those of its
  // catalog, the ones `policy` was made with. InvalidArgument without a policy.
  static Result<std::unique_ptr<ArtworkService>> Create(const Dataset& dataset,
                                                        std::shared_ptr<const ArtworkFeatures> features,
                                                        std::unique_ptr<ArtworkPolicy> policy,
                                                        const ArtworkServiceOptions& options,
                                                        SnapshotRestore restore = {});
  // Stops the snapshot thread (if any) without writing, then applies what is
  // queued and stops the learner.
  ~ArtworkService();

  // Chooses for each title (dataset indices) and appends one impression event
  // per title with artwork to `impressions` (time = now), each with a fresh
  // impression id. The member context comes from `live` -- the member's
  // history now, dataset row and plays logged since (serve/member_history.h)
  // -- when given, else from the dataset row alone.
  //
  // Behind a gate, the policy chooses only among the variants the gate finds
  // eligible for `request.territory` at `now` (DecideAmong: propensities
  // renormalised over that set), the impression records the set
  // (Event::eligible_artwork_ids), and a title with no eligible variant gets
  // a title card (ArtworkChoice::title_card) and an impression with an empty
  // artwork id, propensity 1.
  //
  // Behind a gate, with `ledger` given, one ledger entry per impression
  // (ledger/ledger_rows.h ImpressionLedgerRow: the performers and consents it
  // relied on, territory, propensity, eligible-set hash, policy version,
  // provenance and disclosure) is appended to it, in the impressions' order,
  // for the caller to store in the impressions' transaction.
  std::vector<ArtworkChoice> Choose(std::string_view member_id, std::span<const uint32_t> titles, int64_t now,
                                    std::vector<Event>& impressions, const History* live = nullptr,
                                    const ArtworkRequest& request = {}, std::vector<LedgerEntry>* ledger = nullptr);
  // The impressions of `choices` are durable: wait for their outcomes.
  // Enqueues for the learner and returns (never blocks on learning).
  void NoteLogged(std::string_view member_id, std::span<const ArtworkChoice> choices, int64_t now);
  // Durable plays and clicks: reward the impressions they answer (plays only
  // when they qualify, options().qualifying). Also learns the expired
  // impressions as reward 0. Enqueues for the learner and returns.
  void NoteOutcomes(std::span<const Event> events, int64_t now);

  // Blocks until every call enqueued before this one has been applied to the
  // policy and published (decisions, Replay, Stats and snapshots see it).
  void Flush();
  // The same, waiting at most `timeout`: false when it ran out first.
  bool FlushFor(std::chrono::milliseconds timeout);

  // The decision Choose made (or would make) for `member_id`, `title` under
  // `impression_id` with the published policy: replays a logged choice, as
  // long as no publish happened in between.
  ArtworkDecision Replay(std::string_view member_id, uint32_t title, std::string_view impression_id) const;

  // Writes a snapshot now, if the policy has learned since the last one (OK
  // and nothing written otherwise, or without a snapshot path). Errors name
  // the file; the stats record them too.
  Status WriteSnapshot();
  // Stops the snapshot thread and writes the last snapshot (as WriteSnapshot).
  Status StopSnapshots();

  // The counters of what has been applied (Flush first to include
  // everything noted so far).
  ArtworkStats Stats() const;
  // "thompson scale=0.3": fixed for the service's life (the policy learns, it is never replaced).
  const std::string& policy_name() const { return policy_name_; }
  const Dataset& dataset() const { return dataset_; }
  const ArtworkServiceOptions& options() const { return options_; }

  // For tests: while paused, the learner takes nothing from the queue (what
  // it is applying it finishes), so the queue fills up.
  void PauseLearnerForTesting(bool paused);

 private:
  // One call of NoteLogged (impressions) or NoteOutcomes (events), as queued.
  struct LearnItem {
    std::vector<ImpressionRecord> impressions;
    std::vector<Event> events;  // plays and clicks only: nothing else rewards
    int64_t now = 0;
  };
  // What decisions read: a policy nobody changes any more, and the counters
  // of what it has learned.
  struct Published {
    std::shared_ptr<const ArtworkPolicy> policy;
    ArtworkPolicyCounters counters;
    uint64_t version = 0;  // publishes since start
  };
  // The ledger entry of impression `e` chosen as `c`.
  // `member_hash` is HashMemberId(member_id) and `policy_version` the
  // ledger's "<policy name>@<published version>", each computed once a request.
  LedgerEntry ImpressionEntry(const std::string& member_hash, const std::string& policy_version,
                              const ArtworkChoice& c, const Event& e, const ArtworkRequest& request) const;
  // Fills `choice` (an impression id minted) by the gate's verdicts;
  // `slot` is the gate's table for the request's territory.
  // `session`: the member's (HeldArtwork::Visit) when variants are held.
  void ChooseBehindGate(const ConsentGate::Snapshot& gate, int slot, const ArtworkPolicy& policy,
                        std::span<const float> context, const ArtworkRequest& request, int64_t now,
                        std::string_view member_id, uint64_t session, ArtworkChoice& choice, Event& impression);

  ArtworkService(const Dataset& dataset, const ArtworkServiceOptions& options,
                 std::shared_ptr<const ArtworkFeatures> features, std::unique_ptr<ArtworkPolicy> policy,
                 SnapshotRestore restore);
  void SnapshotLoop();
  void JoinSnapshotThread();
  void StopLearner();
  void MemberContext(std::string_view member_id, std::span<float> out) const;
  // Whether a play counts as a reward (options_.qualifying).
  bool Qualifies(const Event& play) const;
  void Enqueue(LearnItem item);
  void LearnLoop();
  // Feeds one item to the attributor and updates the policy with what it
  // finished.
  void Apply(LearnItem& item) REQUIRES(learn_mutex_);
  // Copies the policy and its counters to published_.
  void Publish() REQUIRES(learn_mutex_);

  const Dataset& dataset_;
  ArtworkServiceOptions options_;
  std::shared_ptr<const ArtworkFeatures> features_;
  ImpressionIds impression_ids_;  // distinct per server start
  HeldArtwork held_{options_.held};
  const std::string policy_name_;
  std::atomic<uint64_t> decisions_{0};
  std::atomic<uint64_t> gate_variants_{0}, gate_ineligible_{0}, title_cards_{0};

  // The queue between the request threads and the learner. Sequence numbers
  // count the calls enqueued; the learner reports how far it has published,
  // and Flush waits for that to reach its own call's number.
  mutable Mutex queue_mutex_;
  CondVar queue_wake_;   // the learner: work, a flush or stop
  CondVar flushed_;      // Flush callers: published_seq_ moved
  std::deque<LearnItem> queue_ GUARDED_BY(queue_mutex_);
  uint64_t enqueued_seq_ GUARDED_BY(queue_mutex_) = 0;   // calls ever enqueued
  uint64_t published_seq_ GUARDED_BY(queue_mutex_) = 0;  // of those, applied and published
  uint64_t dropped_ GUARDED_BY(queue_mutex_) = 0;
  int flush_waiters_ GUARDED_BY(queue_mutex_) = 0;       // publish now rather than at publish_every
  bool learner_paused_ GUARDED_BY(queue_mutex_) = false;
  bool learner_stop_ GUARDED_BY(queue_mutex_) = false;
  std::thread learner_thread_;  // started by Create, joined by the destructor

  // The learner's state. Only the learner thread changes it, a batch under
  // one hold; Stats reads the counters under it too.
  mutable Mutex learn_mutex_;
  const std::unique_ptr<ArtworkPolicy> policy_ PT_GUARDED_BY(learn_mutex_);
  RewardAttributor attributor_ GUARDED_BY(learn_mutex_){options_.reward};
  uint64_t updates_ GUARDED_BY(learn_mutex_) = 0;
  uint64_t rewarded_ GUARDED_BY(learn_mutex_) = 0;
  uint64_t publishes_ GUARDED_BY(learn_mutex_) = 0;

  // Replaced whole by the learner; read by decisions without a lock.
  std::atomic<std::shared_ptr<const Published>> published_;

  // Snapshots. write_mutex_ is held for a whole write (one at a time);
  // snapshot_mutex_ guards what the stats report and the thread's stop flag.
  const SnapshotRestore restore_;
  Mutex write_mutex_;
  uint64_t written_updates_ GUARDED_BY(write_mutex_) = 0;  // updates at the last write (or start)
  mutable Mutex snapshot_mutex_;
  CondVar snapshot_wake_;
  bool snapshot_stop_ GUARDED_BY(snapshot_mutex_) = false;
  uint64_t snapshots_written_ GUARDED_BY(snapshot_mutex_) = 0;
  int64_t last_snapshot_time_ GUARDED_BY(snapshot_mutex_) = 0;
  std::string last_snapshot_error_ GUARDED_BY(snapshot_mutex_);
  std::thread snapshot_thread_;  // started by Create, joined by StopSnapshots or the destructor
};

}  // namespace marquee::serve
