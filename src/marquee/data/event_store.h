// EventStore: the durable log of what members do -- plays, ratings,
// impressions, clicks -- in an embedded SQLite file (WAL mode).
//
// Append() returns only once its events are durable. Concurrent appends are
// grouped into one transaction (group commit): the first caller to find no
// commit in progress becomes the leader and commits everything queued so far,
// so throughput grows with concurrency while each caller still waits for its
// own events to reach the disk.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/util/status.h"

namespace marquee {

enum class EventKind : uint8_t { kPlay = 0, kRating = 1, kImpression = 2, kClick = 3 };
std::string_view EventKindName(EventKind kind);            // "play", "rating", ...
std::optional<EventKind> ParseEventKind(std::string_view name);

struct Event {
  EventKind kind = EventKind::kPlay;
  std::string member;                      // external member id
  std::string title;                       // external title id
  int64_t time = 0;                        // epoch seconds
  std::optional<float> watch_fraction;     // plays: (0, 1]
  std::optional<float> rating;             // ratings
  std::string artwork;                     // impressions/clicks: artwork id, may be empty
  std::optional<double> propensity;        // impressions: the policy's probability, (0, 1]
  std::string impression_id;               // links an outcome to its impression, may be empty
  friend bool operator==(const Event&, const Event&) = default;
};

// InvalidArgument naming the field when an event is not well formed (empty
// ids, fraction or propensity outside (0, 1], a rating event without a finite
// rating).
Status ValidateEvent(const Event& event);

// A page of a scan in sequence order: the events, and the sequence number of
// the last one (the `after` of the next page; unchanged when the page is empty).
struct EventPage {
  std::vector<Event> events;
  uint64_t last_sequence = 0;
};

struct EventStoreOptions {
  // Synchronous=FULL: a commit survives power loss, not only a process crash.
  bool full_sync = true;
};

class EventStore {
 public:
  // Opens or creates the store at `path` (creating its tables).
  static Result<std::unique_ptr<EventStore>> Open(const std::string& path,
                                                  const EventStoreOptions& options = {});
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Validates and appends; returns when the events are durable. Safe to call
  // from many threads. All or nothing: one invalid event rejects the batch.
  Status Append(std::span<const Event> events);

  // A member's events in the order they were appended.
  Result<std::vector<Event>> MemberEvents(std::string_view member) const;
  // Every event with sequence number > after, in order, at most `limit`.
  Result<std::vector<Event>> EventsAfter(uint64_t after, size_t limit) const;
  // The same as a page, to scan a large store without holding it all.
  Result<EventPage> PageAfter(uint64_t after, size_t limit) const;
  // Every event from the start, in order, a page of at most `page` events at
  // a time (so a large store is never held whole); stops at a read error.
  Status Scan(size_t page, const std::function<void(std::span<const Event>)>& visit) const;
  uint64_t Count() const;            // events stored (0 also when the read fails)
  uint64_t LastSequence() const;     // sequence number of the newest event (0: none)

 private:
  struct Impl;
  explicit EventStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace marquee
