// Reading an event log for the bandit commands: an event store (SQLite file)
// or JSON lines, one event object a line in the codec of data/event_json.h.
#pragma once

#include <fmt/format.h>

#include <fstream>
#include <string>
#include <vector>

#include "marquee/data/event_json.h"
#include "marquee/store/event_store.h"
#include "marquee/util/status.h"

namespace marquee::cli {

inline bool IsSqliteFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char header[16] = {};
  in.read(header, sizeof header);
  return in.gcount() == 16 && std::string(header, 15) == "SQLite format 3";
}

// Errors: NotFound when the file cannot be opened; ParseError or
// InvalidField naming "PATH:LINE" for a line that is not one valid event.
inline Result<std::vector<Event>> ReadEventLog(const std::string& path) {
  std::ifstream probe(path);
  if (!probe) return Status::NotFound(fmt::format("{}: cannot open the event log", path));
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
    Result<Event> event = ParseEventJson(line, 0);
    if (!event.ok()) return event.status().WithContext(fmt::format("{}:{}", path, number));
    events.push_back(std::move(*event));
  }
  return events;
}

}  // namespace marquee::cli
