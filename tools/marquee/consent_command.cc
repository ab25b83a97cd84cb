// marquee consent import FILE.jsonl --data DATASET --log CONSENTS.jsonl [--skip-invalid]
// marquee consent list --data DATASET --log CONSENTS.jsonl [--performer ID] [--at SECONDS] [--format table|json]
// marquee consent revoke CONSENT_ID --data DATASET --log CONSENTS.jsonl [--at SECONDS] --reason TEXT
//
// The log (consent/consent_log.h) is the durable history; the dataset's
// catalog supplies the performer facts (birth dates, deaths, representatives)
// that the registry checks every record against.
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "marquee/consent/catalog_likeness.h"
#include "marquee/consent/consent_json.h"
#include "marquee/consent/consent_log.h"
#include "marquee/data/dataset_file.h"
#include "marquee/util/civil_time.h"
#include "marquee/util/file.h"

namespace marquee::cli {

namespace {

struct ConsentArgs {
  std::string input;       // import
  std::string consent_id;  // revoke
  std::string data;
  std::string log;
  bool skip_invalid = false;
  std::string performer;
  std::optional<int64_t> at;
  std::string format = "table";
  std::string reason;
};

unsigned long long U(uint64_t v) { return static_cast<unsigned long long>(v); }

int64_t AtOrNow(const ConsentArgs& args) { return args.at ? *args.at : static_cast<int64_t>(std::time(nullptr)); }

// "2024-01-01T00:00:00Z": the table is read by people.
std::string IsoTime(int64_t t) {
  int64_t days = t / 86400, secs = t % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  return fmt::format("{}T{:02}:{:02}:{:02}Z", FormatCivilDate(days), secs / 3600, secs / 60 % 60, secs % 60);
}

// A registry holding the dataset's performers, empty of records.
Result<ConsentRegistry> RegistryFor(const std::string& data) {
  MARQUEE_ASSIGN_OR_RETURN(Dataset dataset, LoadDataset(data));
  return ConsentRegistry(PerformerFactsOf(dataset.catalog));
}

void WarnTorn(const std::string& log, const ConsentLogReplay& replay) {
  if (replay.torn_lines == 0) return;
  std::fprintf(stderr, "warning: %s: ignored %llu unfinished last line (a write cut short; never acknowledged)\n",
               log.c_str(), U(replay.torn_lines));
}

int RunImport(const ConsentArgs& args) {
  Result<ConsentRegistry> registry = RegistryFor(args.data);
  if (!registry.ok()) return ReportError("consent import", registry.status());
  Result<std::unique_ptr<ConsentLog>> log = ConsentLog::Open(args.log, *registry);
  if (!log.ok()) return ReportError("consent import", log.status());
  WarnTorn(args.log, (*log)->replay());

  Result<MappedFile> file = MappedFile::Open(args.input);
  if (!file.ok()) return ReportError("consent import", file.status());
  // Every record is checked against a scratch copy first, in file order (a
  // revocation may name a consent a few lines up), so that by default a
  // file with one bad line appends nothing at all.
  ConsentRegistry scratch = *registry;
  std::vector<ConsentEntry> accepted;
  std::vector<std::string> invalid_examples;
  size_t invalid = 0;
  const std::string_view bytes = file->bytes();
  size_t line_number = 0;
  for (size_t start = 0; start < bytes.size();) {
    ++line_number;
    size_t end = bytes.find('\n', start);
    if (end == std::string_view::npos) end = bytes.size();
    const std::string_view line = bytes.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    Result<ConsentEntry> entry = ParseConsentEntryJson(line);
    Status s = entry.ok() ? scratch.Add(*entry) : entry.status();
    if (s.ok()) {
      accepted.push_back(std::move(entry).value());
      continue;
    }
    const Status located = AtConsentLine(args.input, line_number, s);
    if (!args.skip_invalid) {
      std::fprintf(stderr, "nothing imported: the whole file is refused (use --skip-invalid to import the rest)\n");
      return ReportError("consent import", located);
    }
    if (++invalid <= 5) invalid_examples.push_back(located.message());
  }
  for (const ConsentEntry& entry : accepted) {
    // The scratch registry accepted these in this order from the same state,
    // so a refusal here is an I/O error or a concurrent writer.
    Status appended = (*log)->Append(entry);
    if (!appended.ok()) return ReportError("consent import", appended);
  }
  std::printf("imported %llu consent entries from %s into %s (%zu consents, %zu revocations, %zu takedowns, "
              "%zu restorations in the log)\n",
              U(accepted.size()), args.input.c_str(), args.log.c_str(), registry->consents().size(),
              registry->revocations().size(), registry->takedowns().size(), registry->restorations().size());
  if (invalid > 0) {
    std::printf("skipped %llu invalid records (--skip-invalid); the first:\n", U(invalid));
    for (const std::string& e : invalid_examples) std::printf("  %s\n", e.c_str());
  }
  return 0;
}

// A consent version's state at `t`, in the order the eligibility rule checks
// time and revocation (eligibility.h rules 6 and 7), so that the list says
// what Check would say about the consent.
std::string_view StateAt(const ConsentRecord& c, int64_t t, const ConsentRegistry& registry,
                         const std::map<std::string, int64_t>& revoked_from) {
  if (t < c.valid_from) return "not yet valid";
  if (t >= c.valid_until) return "expired";
  for (const ConsentRecord& other : registry.consents()) {
    if (other.consent_id == c.consent_id && other.version > c.version && other.valid_from <= t) return "superseded";
  }
  auto it = revoked_from.find(c.consent_id);
  if (it != revoked_from.end() && it->second <= t) return "revoked";
  return "active";
}

std::string Join(const nlohmann::ordered_json& items) {
  std::string out;
  for (const nlohmann::ordered_json& s : items) out += (out.empty() ? "" : ",") + s.get<std::string>();
  return out;
}

int RunList(const ConsentArgs& args) {
  if (args.format != "table" && args.format != "json") {
    return ReportError("consent list", Status::InvalidField("format", fmt::format("--format: expected table or json, "
                                                                                  "found {}", QuoteForError(args.format))));
  }
  Result<ConsentRegistry> registry = RegistryFor(args.data);
  if (!registry.ok()) return ReportError("consent list", registry.status());
  // Read only: listing must not cut a torn line another process may still be finishing.
  Result<ConsentLogReplay> replay = ReplayConsentLog(args.log, *registry);
  if (!replay.ok()) return ReportError("consent list", replay.status());
  WarnTorn(args.log, *replay);
  const int64_t t = AtOrNow(args);

  std::map<std::string, int64_t> revoked_from;
  for (const Revocation& r : registry->revocations()) {
    auto [it, added] = revoked_from.emplace(r.consent_id, r.effective_at);
    if (!added && r.effective_at < it->second) it->second = r.effective_at;
  }
  std::map<std::string, int64_t> restored_at;
  for (const Restoration& r : registry->restorations()) restored_at[r.takedown_id] = r.restored_at;
  auto wanted = [&](const std::string& performer) { return args.performer.empty() || performer == args.performer; };

  nlohmann::ordered_json consents = nlohmann::ordered_json::array(), takedowns = nlohmann::ordered_json::array();
  for (const ConsentRecord& c : registry->consents()) {
    if (!wanted(c.performer_id)) continue;
    std::vector<std::string> kinds;
    for (ReplicaKind k : c.replica_kinds) kinds.emplace_back(ReplicaKindName(k));
    consents.push_back({{"consent_id", c.consent_id}, {"version", c.version}, {"performer_id", c.performer_id},
                        {"state", StateAt(c, t, *registry, revoked_from)}, {"valid_from", c.valid_from},
                        {"valid_until", c.valid_until}, {"titles", c.titles}, {"uses", c.uses},
                        {"replica_kinds", kinds}, {"territories", c.territories}});
  }
  for (const Takedown& d : registry->takedowns()) {
    if (!wanted(d.performer_id) || d.received_at > t) continue;
    auto it = restored_at.find(d.takedown_id);
    if (it != restored_at.end() && it->second <= t) continue;  // restored at t means shown at t (rule 1)
    takedowns.push_back({{"takedown_id", d.takedown_id}, {"performer_id", d.performer_id},
                         {"material", d.material}, {"received_at", d.received_at},
                         {"restore_not_before", d.restore_not_before.value_or(0)}});
  }

  if (args.format == "json") {
    nlohmann::ordered_json out = {{"at", t}, {"consents", consents}, {"takedowns_in_force", takedowns}};
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::printf("consents at %s (%lld):\n", IsoTime(t).c_str(), static_cast<long long>(t));
  if (consents.empty()) std::printf("  (none)\n");
  else {
    std::printf("  %-16s %3s  %-14s %-14s %-20s %-20s %s\n", "consent_id", "ver", "performer", "state",
                "valid_from", "valid_until", "titles / uses / replica kinds / territories");
  }
  for (const nlohmann::ordered_json& c : consents) {
    std::printf("  %-16s %3d  %-14s %-14s %-20s %-20s %s / %s / %s / %s\n",
                c["consent_id"].get<std::string>().c_str(), c["version"].get<int>(),
                c["performer_id"].get<std::string>().c_str(), c["state"].get<std::string>().c_str(),
                IsoTime(c["valid_from"].get<int64_t>()).c_str(), IsoTime(c["valid_until"].get<int64_t>()).c_str(),
                Join(c["titles"]).c_str(), Join(c["uses"]).c_str(), Join(c["replica_kinds"]).c_str(),
                Join(c["territories"]).c_str());
  }
  std::printf("takedowns in force: %zu\n", takedowns.size());
  for (const nlohmann::ordered_json& d : takedowns) {
    std::printf("  %-16s %-14s material %s since %s\n", d["takedown_id"].get<std::string>().c_str(),
                d["performer_id"].get<std::string>().c_str(), d["material"].get<std::string>().c_str(),
                IsoTime(d["received_at"].get<int64_t>()).c_str());
  }
  return 0;
}

int RunRevoke(const ConsentArgs& args) {
  Result<ConsentRegistry> registry = RegistryFor(args.data);
  if (!registry.ok()) return ReportError("consent revoke", registry.status());
  Result<std::unique_ptr<ConsentLog>> log = ConsentLog::Open(args.log, *registry);
  if (!log.ok()) return ReportError("consent revoke", log.status());
  WarnTorn(args.log, (*log)->replay());
  Revocation r{.consent_id = args.consent_id, .effective_at = AtOrNow(args), .reason = args.reason};
  Status s = (*log)->Append(r);
  if (!s.ok()) return ReportError("consent revoke", s.WithContext(args.log));
  std::printf("revoked consent %s from %s (%lld), appended to %s\n", args.consent_id.c_str(),
              IsoTime(r.effective_at).c_str(), static_cast<long long>(r.effective_at), args.log.c_str());
  return 0;
}

}  // namespace

Command AddConsentCommand(CLI::App& root) {
  auto* app = root.add_subcommand(
      "consent", "Performers' consents to the use of their likeness: import, list, revoke "
                 "(format: docs/entrances/consent.md)");
  app->require_subcommand(1);
  auto args = std::make_shared<ConsentArgs>();
  const std::string data_help = "dataset whose catalog holds the performers (.mqd)";
  const std::string log_help = "the consent log: JSON lines, appended and synced (created when missing)";

  auto* import = app->add_subcommand("import", "Append consent records from a JSON-lines file to the log; "
                                               "all or nothing unless --skip-invalid");
  import->add_option("input", args->input, "JSON-lines file, one entry a line "
                                           "(\"type\": consent|revocation|takedown|restoration)")->required();
  import->add_option("--data", args->data, data_help)->required();
  import->add_option("--log", args->log, log_help)->required();
  import->add_flag("--skip-invalid", args->skip_invalid,
                   "skip refused records and report how many, instead of importing nothing");

  auto* list = app->add_subcommand("list", "Consents and their state at a time; takedowns in force");
  list->add_option("--data", args->data, data_help)->required();
  list->add_option("--log", args->log, log_help)->required();
  list->add_option("--performer", args->performer, "only this performer (external id)");
  list->add_option("--at", args->at, "unix seconds (default: now)");
  list->add_option("--format", args->format, "table or json (default: table)");

  auto* revoke = app->add_subcommand("revoke", "Append a revocation of every version of a consent");
  revoke->add_option("consent_id", args->consent_id, "the consent to revoke")->required();
  revoke->add_option("--data", args->data, data_help)->required();
  revoke->add_option("--log", args->log, log_help)->required();
  revoke->add_option("--at", args->at, "effective from, unix seconds (default: now)");
  revoke->add_option("--reason", args->reason, "why (kept in the log; may be empty text)")->required();

  return {app, [args, import, list, revoke]() {
            if (import->parsed()) return RunImport(*args);
            if (list->parsed()) return RunList(*args);
            if (revoke->parsed()) return RunRevoke(*args);
            return kExitUsage;
          }};
}

}  // namespace marquee::cli
