#include "artwork_simulation.h"

#include <filesystem>
#include <memory>

#include "event_log_input.h"
#include "marquee/bandit/artwork_ope.h"
#include "marquee/bandit/policy.h"
#include "marquee/bandit/simulator.h"
#include "marquee/util/svg_chart.h"
#include "output_file.h"
#include "progress_bar.h"

namespace marquee::cli {

namespace {

// The logged impressions as events: an impression at time = round, and a
// play one second later, naming its impression, when it was drawn.
Status WriteLog(const LoggedBanditData& log, const Dataset& dataset, const ArtworkFeatures& features,
                const std::string& path) {
  return WriteOutput(path, [&](std::FILE* f) {
    for (size_t i = 0; i < log.size(); ++i) {
      const uint32_t title = RecordTitle(log, features, i);
      Event e;
      e.kind = EventKind::kImpression;
      e.member_id = std::string(dataset.members.ExternalId(log.member[i]));
      e.title_id = std::string(dataset.titles.ExternalId(title));
      e.time = static_cast<int64_t>(i);
      e.artwork_id = dataset.catalog.titles()[title].artwork[log.action[i]].id;
      e.propensity = log.propensity[i];
      e.impression_id = "sim-" + std::to_string(i);
      std::fprintf(f, "%s\n", EventToJson(e).c_str());
      if (log.reward[i] > 0) {
        Event play;
        play.member_id = e.member_id;
        play.title_id = e.title_id;
        play.time = e.time + 1;
        play.impression_id = e.impression_id;  // the play answers this
                                               // impression, not an older one
        std::fprintf(f, "%s\n", EventToJson(play).c_str());
      }
    }
  });
}

std::string FileSafe(std::string name) {
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') c = '_';
  }
  return name;
}

}  // namespace

Status RunArtworkSimulation(const Dataset& dataset, const GroundTruth& truth,
                            const ArtworkSimulationArgs& args, std::FILE* out) {
  auto features = std::make_shared<const ArtworkFeatures>(dataset.catalog);
  std::vector<std::unique_ptr<ArtworkPolicy>> policies;
  std::vector<std::string> names;
  for (const std::string& spec : args.policies) {
    MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<ArtworkPolicy> policy,
                             CreateArtworkPolicyFromSpec(spec, features));
    std::string name = ArtworkPolicyName(*policy);
    policies.push_back(std::move(policy));
    names.push_back(std::move(name));
  }
  SimulationOptions options;
  options.rounds = args.rounds;
  options.update_batch = args.update_batch;
  options.seed = args.seed;
  if (!args.log_out.empty()) options.log_policy = 0;
  MARQUEE_ASSIGN_OR_RETURN(SimulationResult result,
                           SimulateArtwork(dataset, truth, policies, names, options, TerminalProgress()));

  std::fprintf(out, "artwork simulation: %s rounds, feedback every %u rounds, seed %llu\n",
               HumanCount(static_cast<double>(args.rounds)).c_str(), args.update_batch,
               static_cast<unsigned long long>(args.seed));
  std::fprintf(out, "%s", FormatRegretTable(result).c_str());
  if (!args.plot.empty()) {
    const std::string svg =
        RegretChartSvg(result, "Cumulative regret of artwork policies (" +
                                   HumanCount(static_cast<double>(args.rounds)) + " impressions)");
    MARQUEE_RETURN_IF_ERROR(WriteOutput(args.plot, [&](std::FILE* f) { std::fputs(svg.c_str(), f); }));
    std::fprintf(out, "regret plot: %s\n", args.plot.c_str());
  }
  if (!args.log_out.empty()) {
    MARQUEE_RETURN_IF_ERROR(WriteLog(result.log, dataset, *features, args.log_out));
    std::fprintf(out, "impression log of %s: %s (%zu impressions)\n", names[0].c_str(), args.log_out.c_str(),
                 result.log.size());
  }
  if (!args.save_policies.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(args.save_policies, ec);
    if (ec) return Status::IOError(args.save_policies + ": cannot create the folder: " + ec.message());
    for (size_t i = 0; i < policies.size(); ++i) {
      const std::string path = args.save_policies + "/" + FileSafe(names[i]) + ".mqp";
      MARQUEE_RETURN_IF_ERROR(SaveArtworkPolicy(*policies[i], dataset.catalog, path));
      std::fprintf(out, "trained policy: %s\n", path.c_str());
    }
  }
  return Status::OK();
}

}  // namespace marquee::cli
