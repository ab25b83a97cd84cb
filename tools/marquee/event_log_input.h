// Reading an event log for the bandit commands: an event store (SQLite file)
// or JSON lines, one event a line in the POST /v1/events format.
#pragma once

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "marquee/bandit/impression_log.h"
#include "marquee/store/event_store.h"
#include "marquee/serve/http/json_request.h"
#include "marquee/util/status.h"

namespace marquee::cli {

inline bool IsSqliteFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char header[16] = {};
  in.read(header, sizeof header);
  return in.gcount() == 16 && std::string(header, 15) == "SQLite format 3";
}

inline Result<std::vector<Event>> ReadEventLog(const std::string& path) {
  std::ifstream probe(path);
  if (!probe) return Status::NotFound(path + ": cannot open the event log");
  if (IsSqliteFile(path)) {
    MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store, EventStore::Open(path));
    std::vector<Event> events;
    MARQUEE_RETURN_IF_ERROR(store->Scan(
        65536, [&](std::span<const Event> page) { events.insert(events.end(), page.begin(), page.end()); }));
    return events;
  }
  std::vector<Event> events;
  std::string line;
  for (size_t number = 1; std::getline(probe, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    // Times must be present in a log: 0 makes a missing one visible.
    serve::Parsed<std::vector<Event>> parsed = serve::ParseEventsRequest(line, 0);
    if (!parsed.ok()) {
      return Status::ParseError(path + ":" + std::to_string(number) + ": " + parsed.error().message);
    }
    for (Event& e : *parsed) events.push_back(std::move(e));
  }
  return events;
}

// One event as a JSON line (the inverse of the reader above).
inline std::string EventJsonLine(const Event& e) {
  nlohmann::json j = {{"kind", std::string(EventKindName(e.kind))},
                      {"member", e.member_id},
                      {"title", e.title_id},
                      {"time", e.time}};
  if (e.watch_fraction) j["watch_fraction"] = *e.watch_fraction;
  if (e.rating) j["rating"] = *e.rating;
  if (!e.artwork_id.empty()) j["artwork"] = e.artwork_id;
  if (e.propensity) j["propensity"] = *e.propensity;
  if (!e.impression_id.empty()) j["impression_id"] = e.impression_id;
  return j.dump();
}

}  // namespace marquee::cli
