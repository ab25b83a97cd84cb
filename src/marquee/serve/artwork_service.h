// ArtworkService: chooses the artwork each member sees, logs every choice as
// an impression with its propensity, and learns online from the plays and
// clicks that follow.
//
// Decisions run under a shared lock on the policy; learning takes it
// exclusively, a batch at a time. Rewards follow the rules shared with offline
// training and evaluation (bandit/reward_attribution.h): an impression is
// pending until an outcome rewards it (a click naming its id, or a play of the
// title by the member within the reward window) or until the window passes,
// when it is learned as reward 0. The caller appends the impressions to the event store
// before it answers (so no choice a member saw goes unrecorded) and only then
// calls NoteLogged, so a choice whose logging failed is not learned from.
//
// Snapshots (marquee serve --policy-snapshot): with a snapshot path the
// service writes its policy there as a policy file (bandit/policy.h; atomic:
// temporary file and rename) every `snapshot_every` from a background thread,
// and once more when StopSnapshots is called. A write copies the policy under
// the shared lock (decisions go on; learning waits for the copy only) and
// writes the copy outside it. A snapshot is written only when the policy has
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
#include <memory>
#include <mutex>
#include <shared_mutex>
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
#include "marquee/models/recommender.h"
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
};

struct ArtworkStats {
  std::string policy;  // kind and parameters
  uint64_t decisions = 0;
  uint64_t updates = 0;
  uint64_t rewarded = 0;
  uint64_t pending = 0;
  uint64_t evicted = 0;  // pending impressions pushed out by the cap before their window ended
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
  // Stops the snapshot thread (if any) without writing.
  ~ArtworkService();

  // Chooses for each title (dataset indices) and appends one impression event
  // per title with artwork to `impressions` (time = now), each with a fresh
  // impression id. The member context comes from `live` -- the member's
  // history now, dataset row and plays logged since (serve/member_history.h)
  // -- when given, else from the dataset row alone.
  std::vector<ArtworkChoice> Choose(std::string_view member_id, std::span<const uint32_t> titles, int64_t now,
                                    std::vector<Event>& impressions, const History* live = nullptr);
  // The impressions of `choices` are durable: wait for their outcomes.
  void NoteLogged(std::string_view member_id, std::span<const ArtworkChoice> choices, int64_t now);
  // Durable plays and clicks: reward the impressions they answer. Also learns
  // the expired impressions as reward 0.
  void NoteOutcomes(std::span<const Event> events, int64_t now);

  // The decision Choose made (or would make) for `member_id`, `title` under
  // `impression_id` with the current policy: replays a logged choice.
  ArtworkDecision Replay(std::string_view member_id, uint32_t title, std::string_view impression_id) const;

  // Writes a snapshot now, if the policy has learned since the last one (OK
  // and nothing written otherwise, or without a snapshot path). Errors name
  // the file; the stats record them too.
  Status WriteSnapshot();
  // Stops the snapshot thread and writes the last snapshot (as WriteSnapshot).
  Status StopSnapshots();

  ArtworkStats Stats() const;
  // "thompson scale=0.3": fixed for the service's life (the policy learns, it is never replaced).
  const std::string& policy_name() const { return policy_name_; }
  const Dataset& dataset() const { return dataset_; }

 private:
  ArtworkService(const Dataset& dataset, const ArtworkServiceOptions& options,
                 std::shared_ptr<const ArtworkFeatures> features, std::unique_ptr<ArtworkPolicy> policy,
                 SnapshotRestore restore);
  void SnapshotLoop();
  void JoinSnapshotThread();
  void MemberContext(std::string_view member_id, std::span<float> out) const;
  // Takes policy_mutex_ exclusively: one policy update per attribution.
  void Learn(const std::vector<Attribution>& finished);

  const Dataset& dataset_;
  ArtworkServiceOptions options_;
  std::shared_ptr<const ArtworkFeatures> features_;
  ImpressionIds impression_ids_;  // distinct per server start

  // Shared to decide, exclusive to learn.
  mutable SharedMutex policy_mutex_;
  const std::unique_ptr<ArtworkPolicy> policy_ PT_GUARDED_BY(policy_mutex_);
  const std::string policy_name_;
  std::atomic<uint64_t> decisions_{0};
  uint64_t updates_ GUARDED_BY(policy_mutex_) = 0;
  uint64_t rewarded_ GUARDED_BY(policy_mutex_) = 0;

  // Snapshots. write_mutex_ is held for a whole write (one at a time; taken
  // before policy_mutex_); snapshot_mutex_ guards what the stats report and
  // the thread's stop flag.
  const SnapshotRestore restore_;
  Mutex write_mutex_;
  uint64_t written_updates_ GUARDED_BY(write_mutex_) = 0;  // updates_ at the last write (or start)
  mutable Mutex snapshot_mutex_;
  CondVar snapshot_wake_;
  bool snapshot_stop_ GUARDED_BY(snapshot_mutex_) = false;
  uint64_t snapshots_written_ GUARDED_BY(snapshot_mutex_) = 0;
  int64_t last_snapshot_time_ GUARDED_BY(snapshot_mutex_) = 0;
  std::string last_snapshot_error_ GUARDED_BY(snapshot_mutex_);
  std::thread snapshot_thread_;  // started by Create, joined by StopSnapshots or the destructor

  // Impressions waiting for their outcome (bandit/reward_attribution.h).
  mutable Mutex pending_mutex_;
  RewardAttributor attributor_ GUARDED_BY(pending_mutex_){options_.reward};
};

}  // namespace marquee::serve
