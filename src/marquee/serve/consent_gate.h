// ConsentGate: the serving side of the consent rule (issue 11 §3). It owns
// the server's consent registry and log, answers "may this variant be shown
// to this member here, now?" for every variant a request considers, and
// takes admin writes (consents, revocations, takedowns, restorations) that
// are durable before they are acknowledged and in force as soon as they are.
//
// What is eligible: a variant is shown only when
//   1. its provenance is declared (Artwork::quarantined() is false);
//   2. it does not misrepresent the cast (data/honest_artwork.h), unless
//      allow_misrepresenting_artwork is set;
//   3. ConsentRegistry::Check (consent/eligibility.h, THE RULE) finds it
//      eligible for use `use` in the member's territory at the request's
//      time.
// An eligible variant carries the consents it relied on and the AI
// disclosure it must show (consent/ai_disclosure.h).
//
// How it stays fast. Checking the rule is string work (microseconds a
// variant); a request considers ~100 variants. But the rule's answer for a
// (variant, territory) only changes at the times the records name: consent
// starts and ends, revocations, takedowns and restorations, deaths, and the
// disclosure rules' start dates. So the gate publishes an immutable Snapshot:
// the registry and, for each of a set of territories, every variant's verdict
// for the time segment [segment_start, segment_end) between two such
// boundaries that holds "now". A request reads verdicts from it with no lock.
// A request outside the segment (the segment ended and the refresher has not
// rebuilt yet, or a clock step) or in a territory without a table gets the
// rule checked directly: the same answer, slower. So an expiry is exact to
// the second, and a write is in force for every request that starts after
// Add returns (Add publishes before it returns).
//
// Thread contract: thread-safe. Current() and the Snapshot methods may run on
// any number of threads; Add serializes writers on one mutex.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "marquee/consent/ai_disclosure.h"
#include "marquee/consent/consent_log.h"
#include "marquee/consent/consent_record.h"
#include "marquee/consent/eligibility.h"
#include "marquee/data/dataset.h"
#include "marquee/util/mutex.h"
#include "marquee/util/status.h"
#include "marquee/util/thread_annotations.h"

namespace marquee::serve {

struct ConsentGateOptions {
  // false: consent is not checked -- every declared (non-quarantined)
  // variant that does not misrepresent the cast is eligible, as before the
  // gate; kept only to measure what the gate costs (bench/). marquee serve
  // warns when it is off.
  bool enabled = true;
  // The consent log (consent/consent_log.h) the registry is replayed from and
  // admin writes are appended to; created when missing. Empty: no log -- the
  // registry holds no consents (every recognizable likeness is refused) and
  // Add answers Unsupported.
  std::string consent_log;
  // The consent scope requests use.
  std::string use = "artwork.personalized";
  // Territories (ISO 3166-1 alpha-2) that get a precomputed verdict table.
  // Empty: every territory the catalog's titles name, every one a consent
  // names (not "*"), and "US". Others are served by checking the rule directly.
  std::vector<std::string> territories;
  // Show variants that picture only supporting or background performers of a
  // title whose leads they leave out (issue 11 §4 excludes them by default).
  bool allow_misrepresenting_artwork = false;
  std::vector<DisclosureRule> disclosure_rules = DefaultDisclosureRules();
  // How often the refresher looks whether the segment has ended.
  std::chrono::milliseconds refresh_every{200};
  // Ingest rules for the registry (limits on consent length, takedown delay).
  IngestRules ingest;
};

// The gate's answer for one variant.
struct VariantVerdict {
  bool eligible = false;
  // "eligible", IneligibleReasonName(...), "quarantined" or
  // "misrepresents_cast" (static strings).
  std::string_view reason = "eligible";
  std::vector<ReliedConsent> relied_on;  // when eligible: one per recognizable performer
  AiDisclosure disclosure;               // when eligible
};

struct ConsentGateStats {
  bool enabled = true;
  std::string consent_log;
  uint64_t consents = 0, revocations = 0, takedowns = 0, restorations = 0;
  uint64_t publishes = 0;          // snapshots published since start
  int64_t segment_start = 0;       // the current snapshot's segment, unix seconds
  int64_t segment_end = 0;
  uint64_t tables = 0;             // territories with a verdict table
  uint64_t slow_checks = 0;        // verdicts computed outside the tables
  double last_build_ms = 0.0;      // how long the last publish took
  uint64_t last_build_titles = 0;  // titles whose rows the last publish rebuilt
};

class ConsentGate {
 public:
  // One published state: immutable.
  class Snapshot {
   public:
    // The verdict for variant `variant` of title `title` shown in `territory`
    // at `now`: a reference into the tables, or into `scratch` after checking
    // the rule directly. Valid while the snapshot and `scratch` are.
    const VariantVerdict& Verdict(uint32_t title, uint32_t variant, std::string_view territory, int64_t now,
                                  VariantVerdict& scratch) const {
      return Verdict(title, variant, TerritorySlot(territory), territory, now, scratch);
    }
    // The same with the territory's table looked up once for a request:
    // `slot` is TerritorySlot(territory).
    int TerritorySlot(std::string_view territory) const;
    const VariantVerdict& Verdict(uint32_t title, uint32_t variant, int slot, std::string_view territory,
                                  int64_t now, VariantVerdict& scratch) const;
    int64_t segment_start() const { return segment_start_; }
    int64_t segment_end() const { return segment_end_; }
    const ConsentRegistry& registry() const { return *registry_; }
    uint64_t version() const { return version_; }

   private:
    friend class ConsentGate;
    const ConsentGate* gate_ = nullptr;
    std::shared_ptr<const ConsentRegistry> registry_;
    uint64_t version_ = 0;
    int64_t segment_start_ = 0, segment_end_ = 0;
    std::vector<std::string> territories_;  // sorted; one table each
    // [territory * titles + title]: that title's verdicts, one a variant.
    // Shared between snapshots: a write rebuilds only the titles it touches.
    std::vector<std::shared_ptr<const std::vector<VariantVerdict>>> rows_;
  };

  // Replays the consent log (its errors, naming file and line) into a
  // registry of the catalog's performers (PerformerFactsOf) and publishes the
  // first snapshot; starts the refresher.
  static Result<std::unique_ptr<ConsentGate>> Open(const Dataset& dataset, const ConsentGateOptions& options);
  ~ConsentGate();  // stops the refresher
  ConsentGate(const ConsentGate&) = delete;
  ConsentGate& operator=(const ConsentGate&) = delete;

  std::shared_ptr<const Snapshot> Current() const { return current_.load(); }

  // Validates `entry` against the registry, appends it to the log (fsynced)
  // and publishes a snapshot that includes it, in that order: OK means the
  // entry is durable and in force. Errors: ConsentRegistry::Add's refusals
  // (InvalidField naming the field, NotFound for an unknown performer or
  // consent); Unsupported without a log; the log's I/O errors.
  Status Add(const ConsentEntry& entry);

  ConsentGateStats Stats() const;
  bool enabled() const { return options_.enabled; }
  const ConsentGateOptions& options() const { return options_; }

  // For tests: publish a snapshot whose segment holds `now` (the refresher
  // does this on its own when the segment ends).
  void RefreshForTesting(int64_t now);

 private:
  ConsentGate(const Dataset& dataset, const ConsentGateOptions& options);
  // The verdict by the rule, without tables.
  VariantVerdict Decide(const ConsentRegistry& registry, uint32_t title, uint32_t variant,
                        std::string_view territory, int64_t now) const;
  // Builds and publishes a snapshot of `registry` for the segment holding
  // `now`. With `touched` (title indices), the rows of every other title are
  // taken from the current snapshot -- valid only when the records added
  // since concern those titles alone and `now` is in the current segment
  // (a new record only adds boundaries, so the new segment lies inside it).
  void Publish(std::shared_ptr<const ConsentRegistry> registry, int64_t now,
               const std::vector<uint32_t>* touched = nullptr) REQUIRES(write_mutex_);
  // The titles whose verdicts `entry` can change.
  std::vector<uint32_t> TouchedTitles(const ConsentEntry& entry, const ConsentRegistry& registry) const;
  std::shared_ptr<const std::vector<VariantVerdict>> BuildRow(const ConsentRegistry& registry, uint32_t title,
                                                             const std::string& territory, int64_t now) const;
  void RefreshLoop();

  const Dataset& dataset_;
  const ConsentGateOptions options_;
  std::vector<uint32_t> first_variant_;  // flat index of each title's variant 0; one past the end last
  std::vector<uint8_t> misrepresents_;   // flat: 1 = misrepresents the cast
  std::vector<std::string> territories_; // sorted, those with tables
  // What a write touches: the titles whose artwork shows a performer (by
  // external id), and the title of each artwork id.
  std::unordered_map<std::string, std::vector<uint32_t>> titles_by_performer_;
  std::unordered_map<std::string, uint32_t> title_by_artwork_;

  mutable Mutex write_mutex_;
  ConsentRegistry registry_ GUARDED_BY(write_mutex_);  // the log writes into it
  std::unique_ptr<ConsentLog> log_ GUARDED_BY(write_mutex_);
  uint64_t publishes_ GUARDED_BY(write_mutex_) = 0;
  double last_build_ms_ GUARDED_BY(write_mutex_) = 0.0;
  uint64_t last_build_titles_ GUARDED_BY(write_mutex_) = 0;
  mutable std::atomic<uint64_t> slow_checks_{0};

  std::atomic<std::shared_ptr<const Snapshot>> current_;

  Mutex stop_mutex_;
  CondVar stop_wake_;
  bool stop_ GUARDED_BY(stop_mutex_) = false;
  std::thread refresher_;
};

// Every time at which `registry`'s answer can change (consent starts and
// ends, revocations, takedowns, restorations, death days) and the rules'
// start dates, sorted and distinct.
std::vector<int64_t> VerdictBoundaries(const ConsentRegistry& registry, const std::vector<DisclosureRule>& rules,
                                       const std::unordered_map<std::string, PerformerFacts>& performers);

}  // namespace marquee::serve
