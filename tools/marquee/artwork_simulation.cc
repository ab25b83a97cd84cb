#include "artwork_simulation.h"

#include <algorithm>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "event_log_input.h"
#include "marquee/consent/catalog_likeness.h"
#include "marquee/consent/consent_log.h"
#include "marquee/consent/eligibility.h"
#include "marquee/data/honest_artwork.h"
#include "marquee/util/civil_time.h"
#include "marquee/bandit/artwork_ope.h"
#include "marquee/bandit/policy.h"
#include "marquee/bandit/simulator.h"
#include "marquee/util/svg_chart.h"
#include "output_file.h"
#include "progress_bar.h"

namespace marquee::cli {

namespace {

// A title card as the gate's server logs it: an impression with no image,
// chosen by no policy (propensity 1).
Event TitleCardEvent(const TitleCardRound& card, const Dataset& dataset) {
  Event e;
  e.kind = EventKind::kImpression;
  e.member_id = std::string(dataset.members.ExternalId(card.member));
  e.title_id = std::string(dataset.titles.ExternalId(card.title));
  e.time = static_cast<int64_t>(card.round);
  e.propensity = 1.0;
  e.impression_id = "card-" + std::to_string(card.round);
  return e;
}

// The logged impressions as events, in round order: an impression at time =
// round (with its eligible set when a gate ruled variants out), a play one
// second later, naming its impression, when it was drawn, and the title cards
// of rounds where the gate left no variant.
Status WriteLog(const SimulationResult& result, const Dataset& dataset, const ArtworkFeatures& features,
                const std::string& path) {
  const LoggedBanditData& log = result.log;
  return WriteOutput(path, [&](std::FILE* f) {
    size_t card = 0;
    auto cards_before = [&](uint64_t round) {
      for (; card < result.log_title_cards.size() && result.log_title_cards[card].round < round; ++card) {
        std::fprintf(f, "%s\n", EventToJson(TitleCardEvent(result.log_title_cards[card], dataset)).c_str());
      }
    };
    for (size_t i = 0; i < log.size(); ++i) {
      const uint64_t round = i < result.log_round.size() ? result.log_round[i] : i;
      cards_before(round);
      const uint32_t title = RecordTitle(log, features, i);
      Event e;
      e.kind = EventKind::kImpression;
      e.member_id = std::string(dataset.members.ExternalId(log.member[i]));
      e.title_id = std::string(dataset.titles.ExternalId(title));
      e.time = static_cast<int64_t>(round);
      e.artwork_id = dataset.catalog.titles()[title].artwork[log.action[i]].id;
      e.propensity = log.propensity[i];
      e.impression_id = "sim-" + std::to_string(i);
      // The set a gate left the policy (honest artwork, consent), so that
      // `ope` evaluates targets over it; none when nothing was ruled out.
      if (log.eligible_count(i) < log.candidate_count(i)) {
        for (uint32_t v = 0; v < log.candidate_count(i); ++v) {
          if (log.is_eligible(i, v)) e.eligible_artwork_ids.push_back(dataset.catalog.titles()[title].artwork[v].id);
        }
      }
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
    cards_before(~uint64_t{0});
  });
}

// Where the consent-gated run's log goes: FILE.jsonl -> FILE.gated.jsonl.
std::string GatedLogPath(const std::string& log_out) {
  const std::filesystem::path path(log_out);
  return (path.parent_path() / (path.stem().string() + ".gated" + path.extension().string())).string();
}

std::string FileSafe(std::string name) {
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') c = '_';
  }
  return name;
}

// What the policies learn from in the main run ("both": qualifying plays).
SimulationReward PrimaryReward(const ArtworkSimulationArgs& args) {
  return args.reward == "start" ? SimulationReward::kStart : SimulationReward::kQualifyingPlay;
}

struct Lineup {
  std::vector<std::unique_ptr<ArtworkPolicy>> policies;
  std::vector<std::string> names;
};

// Fresh (untrained) policies from the specs: every run starts from scratch.
Result<Lineup> MakeLineup(const ArtworkSimulationArgs& args, std::shared_ptr<const ArtworkFeatures> features) {
  Lineup lineup;
  for (const std::string& spec : args.policies) {
    MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<ArtworkPolicy> policy, CreateArtworkPolicyFromSpec(spec, features));
    lineup.names.push_back(ArtworkPolicyName(*policy));
    lineup.policies.push_back(std::move(policy));
  }
  return lineup;
}

SimulationOptions OptionsFor(const ArtworkSimulationArgs& args, SimulationReward reward,
                             std::vector<uint8_t> eligible) {
  SimulationOptions options;
  options.rounds = args.rounds;
  options.update_batch = args.update_batch;
  options.seed = args.seed;
  options.reward = reward;
  options.sessions_per_change = args.sessions_per_change;
  options.eligible = std::move(eligible);
  return options;
}

// The variants the honest-artwork rule lets through (all when allowed).
std::vector<uint8_t> HonestMask(const Dataset& dataset, const ArtworkSimulationArgs& args) {
  if (args.allow_misrepresenting) return std::vector<uint8_t>(dataset.catalog.ArtworkCount(), 1);
  return HonestArtworkMask(dataset.catalog);
}

// When the consent gate is asked: --at, or 00:00 UTC of the latest event's day.
Result<int64_t> GateTime(const Dataset& dataset, const ArtworkSimulationArgs& args) {
  if (args.at) return *args.at;
  const std::vector<int64_t>& times = dataset.interactions.times();
  if (times.empty()) {
    return Status::InvalidArgument("the dataset has no event times: give the consent gate's day with --at");
  }
  return UnixDay(*std::max_element(times.begin(), times.end())) * kSecondsPerDay;
}

// The consent gate's verdict on every variant, flattened as HonestArtworkMask.
Result<std::vector<uint8_t>> ConsentMask(const Dataset& dataset, const ArtworkSimulationArgs& args, int64_t time) {
  ConsentRegistry registry(PerformerFactsOf(dataset.catalog));
  MARQUEE_RETURN_IF_ERROR(ReplayConsentLog(args.consents, registry).status());
  std::vector<uint8_t> mask;
  mask.reserve(dataset.catalog.ArtworkCount());
  for (uint32_t t = 0; t < dataset.catalog.size(); ++t) {
    for (uint32_t v = 0; v < dataset.catalog.titles()[t].artwork.size(); ++v) {
      const LikenessUse use = LikenessUseOf(dataset, t, v, "artwork.personalized", args.territory, time);
      mask.push_back(registry.Check(use).eligible ? 1 : 0);
    }
  }
  return mask;
}

std::string Percent(double fraction, bool sign = false) {
  return sign ? fmt::format("{:+.2f}%", 100.0 * fraction) : fmt::format("{:.2f}%", 100.0 * fraction);
}

// Left-aligned first column, right-aligned numbers.
std::string AlignedTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      const std::string pad(width[i] - row[i].size(), ' ');
      out += i == 0 ? "  " + row[i] + pad : "  " + pad + row[i];
    }
    out += '\n';
  }
  return out;
}

const PolicyCurve* FindUniform(const SimulationResult& r) {
  for (const PolicyCurve& c : r.policies) {
    if (c.name.rfind("uniform", 0) == 0) return &c;
  }
  return nullptr;
}

// Lift of the reward in use over the uniform policy; nullopt without one.
std::optional<double> Lift(const SimulationResult& r, const PolicyCurve& c) {
  const PolicyCurve* uniform = FindUniform(r);
  if (!uniform || !(uniform->mean_reward > 0.0)) return std::nullopt;
  return c.mean_reward / uniform->mean_reward - 1.0;
}

double RegretShare(const SimulationResult& r, const PolicyCurve& c) {
  const double oracle = r.policies.back().cumulative_reward.empty() ? 0.0 : r.policies.back().cumulative_reward.back();
  return oracle > 0.0 && !c.cumulative_regret.empty() ? c.cumulative_regret.back() / oracle : 0.0;
}

// Policy by policy: how much a start-rewarded learner shows misleading
// variants, and what it costs in qualifying plays.
std::string MisleadingTable(const SimulationResult& qualifying, const SimulationResult& start) {
  std::vector<std::vector<std::string>> rows = {
      {"policy", "misleading shown (start reward)", "(qualifying reward)", "qualifying rate (start reward)",
       "(qualifying reward)"}};
  for (size_t i = 0; i < qualifying.policies.size() && i < start.policies.size(); ++i) {
    const PolicyCurve& q = qualifying.policies[i];
    const PolicyCurve& s = start.policies[i];
    rows.push_back({q.name, Percent(s.misleading_share), Percent(q.misleading_share), Percent(s.mean_qualifying),
                    Percent(q.mean_qualifying)});
  }
  return AlignedTable(rows);
}

struct GateCounts {
  size_t variants = 0;           // of titles the simulator draws (two or more variants)
  size_t ineligible = 0;         // refused by the consent gate
  size_t titles = 0;
  size_t title_cards = 0;        // titles with no variant left (honest rule and gate together)
};

GateCounts CountGate(const Dataset& dataset, const std::vector<uint8_t>& consent, const std::vector<uint8_t>& both) {
  GateCounts g;
  size_t at = 0;
  for (const Title& title : dataset.catalog.titles()) {
    const size_t n = title.artwork.size();
    if (n >= 2) {
      ++g.titles;
      size_t left = 0;
      for (size_t v = 0; v < n; ++v) {
        ++g.variants;
        g.ineligible += consent[at + v] ? 0 : 1;
        left += both[at + v] ? 1 : 0;
      }
      g.title_cards += left == 0 ? 1 : 0;
    }
    at += n;
  }
  return g;
}

std::string PriceTable(const SimulationResult& without, const SimulationResult& with) {
  const bool lift = FindUniform(without) != nullptr;
  std::vector<std::string> header = {"policy", "start rate", "(gated)", "qualifying rate", "(gated)"};
  if (lift) {
    header.insert(header.end(), {"lift vs uniform", "(gated)", "lift lost"});
  }
  header.push_back("regret % of consented oracle");
  std::vector<std::vector<std::string>> rows = {header};
  for (size_t i = 0; i < without.policies.size() && i < with.policies.size(); ++i) {
    const PolicyCurve& a = without.policies[i];
    const PolicyCurve& b = with.policies[i];
    std::vector<std::string> row = {a.name, Percent(a.mean_start), Percent(b.mean_start), Percent(a.mean_qualifying),
                                    Percent(b.mean_qualifying)};
    if (lift) {
      const std::optional<double> la = Lift(without, a), lb = Lift(with, b);
      row.push_back(la ? Percent(*la, true) : "-");
      row.push_back(lb ? Percent(*lb, true) : "-");
      row.push_back(la && lb ? fmt::format("{:.2f} pts", 100.0 * (*la - *lb)) : "-");
    }
    row.push_back(Percent(RegretShare(with, b)));
    rows.push_back(std::move(row));
  }
  return AlignedTable(rows);
}

Status ShowFiles(const Dataset& dataset, const ArtworkSimulationArgs& args, const SimulationResult& result,
                 const Lineup& lineup, const ArtworkFeatures& features, std::FILE* out) {
  if (!args.plot.empty()) {
    const std::string svg =
        RegretChartSvg(result, "Cumulative regret of artwork policies (" +
                                   HumanCount(static_cast<double>(args.rounds)) + " impressions)");
    MARQUEE_RETURN_IF_ERROR(WriteOutput(args.plot, [&](std::FILE* f) { std::fputs(svg.c_str(), f); }));
    std::fprintf(out, "regret plot: %s\n", args.plot.c_str());
  }
  if (!args.log_out.empty()) {
    MARQUEE_RETURN_IF_ERROR(WriteLog(result, dataset, features, args.log_out));
    std::fprintf(out, "impression log of %s: %s (%zu impressions)\n", lineup.names[0].c_str(),
                 args.log_out.c_str(), result.log.size());
  }
  if (!args.save_policies.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(args.save_policies, ec);
    if (ec) return Status::IOError(args.save_policies + ": cannot create the folder: " + ec.message());
    for (size_t i = 0; i < lineup.policies.size(); ++i) {
      const std::string path = args.save_policies + "/" + FileSafe(lineup.names[i]) + ".mqp";
      MARQUEE_RETURN_IF_ERROR(SaveArtworkPolicy(*lineup.policies[i], dataset.catalog, path));
      std::fprintf(out, "trained policy: %s\n", path.c_str());
    }
  }
  return Status::OK();
}

}  // namespace

Status ValidateArtworkSimulationArgs(const ArtworkSimulationArgs& args) {
  if (args.reward != "qualifying" && args.reward != "start" && args.reward != "both") {
    return Status::InvalidArgument("--reward: expected qualifying, start or both, got '" + args.reward + "'");
  }
  if (args.sessions_per_change == 0) return Status::InvalidArgument("--sessions-per-change: expected at least 1");
  const std::string& t = args.territory;
  if (t.size() != 2 || !std::isupper(static_cast<unsigned char>(t[0])) ||
      !std::isupper(static_cast<unsigned char>(t[1]))) {
    return Status::InvalidArgument("--territory: expected an ISO 3166-1 alpha-2 code such as US, got '" + t + "'");
  }
  return Status::OK();
}

Status RunArtworkSimulation(const Dataset& dataset, const GroundTruth& truth, const ArtworkSimulationArgs& args,
                            std::FILE* out, SimulationResult* ungated) {
  MARQUEE_RETURN_IF_ERROR(ValidateArtworkSimulationArgs(args));
  auto features = std::make_shared<const ArtworkFeatures>(dataset.catalog);
  MARQUEE_ASSIGN_OR_RETURN(Lineup lineup, MakeLineup(args, features));
  const std::vector<uint8_t> honest = HonestMask(dataset, args);
  const SimulationReward reward = PrimaryReward(args);
  SimulationOptions options = OptionsFor(args, reward, honest);
  if (!args.log_out.empty()) options.log_policy = 0;
  MARQUEE_ASSIGN_OR_RETURN(SimulationResult result, SimulateArtwork(dataset, truth, lineup.policies, lineup.names,
                                                                    options, TerminalProgress()));

  const size_t excluded = static_cast<size_t>(std::count(honest.begin(), honest.end(), 0));
  std::fprintf(out, "artwork simulation: %s rounds, feedback every %u rounds, seed %llu, reward: %s plays%s\n",
               HumanCount(static_cast<double>(args.rounds)).c_str(), args.update_batch,
               static_cast<unsigned long long>(args.seed), std::string(SimulationRewardName(reward)).c_str(),
               args.sessions_per_change > 1 ? fmt::format(", artwork held {} sessions", args.sessions_per_change).c_str()
                                            : "");
  std::fprintf(out, "honest artwork: %s\n",
               args.allow_misrepresenting
                   ? "variants that misrepresent the cast are allowed"
                   : fmt::format("{} of {} variants excluded (only supporting or background performers while the "
                                 "credited leads are absent)",
                                 excluded, honest.size())
                         .c_str());
  std::fprintf(out, "%s", FormatRegretTable(result).c_str());
  if (result.title_card_rounds > 0) {
    std::fprintf(out, "title cards (no eligible variant): %s of the rounds\n",
                 Percent(static_cast<double>(result.title_card_rounds) / static_cast<double>(args.rounds)).c_str());
  }
  if (args.reward == "both") {
    MARQUEE_ASSIGN_OR_RETURN(Lineup starters, MakeLineup(args, features));
    MARQUEE_ASSIGN_OR_RETURN(
        SimulationResult start,
        SimulateArtwork(dataset, truth, starters.policies, starters.names,
                        OptionsFor(args, SimulationReward::kStart, honest), TerminalProgress()));
    if (result.misleading_variants == 0) {
      std::fprintf(out, "\nMisleading artwork: the ground truth has no misleading variants (a file written "
                        "before honest artwork), so starts and qualifying plays rank images alike\n");
    } else {
      std::fprintf(out, "\nMisleading artwork (%llu variants draw many starts that are soon abandoned): rewarding "
                        "starts vs qualifying plays\n",
                   static_cast<unsigned long long>(result.misleading_variants));
      std::fprintf(out, "%s", MisleadingTable(result, start).c_str());
    }
  }
  MARQUEE_RETURN_IF_ERROR(ShowFiles(dataset, args, result, lineup, *features, out));
  if (!args.consents.empty()) MARQUEE_RETURN_IF_ERROR(RunPriceOfConsent(dataset, truth, args, result, out));
  if (ungated) *ungated = std::move(result);
  return Status::OK();
}

Status RunPriceOfConsent(const Dataset& dataset, const GroundTruth& truth, const ArtworkSimulationArgs& args,
                         const SimulationResult& ungated, std::FILE* out) {
  MARQUEE_RETURN_IF_ERROR(ValidateArtworkSimulationArgs(args));
  MARQUEE_ASSIGN_OR_RETURN(const int64_t time, GateTime(dataset, args));
  MARQUEE_ASSIGN_OR_RETURN(const std::vector<uint8_t> consent, ConsentMask(dataset, args, time));
  std::vector<uint8_t> gated = HonestMask(dataset, args);
  for (size_t i = 0; i < gated.size(); ++i) gated[i] = gated[i] && consent[i] ? 1 : 0;

  auto features = std::make_shared<const ArtworkFeatures>(dataset.catalog);
  MARQUEE_ASSIGN_OR_RETURN(Lineup lineup, MakeLineup(args, features));
  SimulationOptions options = OptionsFor(args, PrimaryReward(args), gated);
  if (!args.log_out.empty()) options.log_policy = 0;
  MARQUEE_ASSIGN_OR_RETURN(SimulationResult with, SimulateArtwork(dataset, truth, lineup.policies, lineup.names,
                                                                  options, TerminalProgress()));
  const GateCounts g = CountGate(dataset, consent, gated);
  std::fprintf(out, "\nPrice of consent (personalized artwork in %s at %s, %s): the same rounds without and with "
                    "the consent gate\n",
               args.territory.c_str(), FormatCivilDate(UnixDay(time)).c_str(), args.consents.c_str());
  std::fprintf(out, "  variants ineligible: %zu of %zu (%s); titles left with only a title card: %zu of %zu "
                    "(%s of impressions)\n",
               g.ineligible, g.variants, Percent(g.variants ? double(g.ineligible) / g.variants : 0.0).c_str(),
               g.title_cards, g.titles,
               Percent(static_cast<double>(with.title_card_rounds) / static_cast<double>(args.rounds)).c_str());
  std::fprintf(out, "%s", PriceTable(ungated, with).c_str());
  if (!args.log_out.empty()) {
    // The log a gated server would have written: each impression with its
    // eligible set, the title cards as impressions with no image.
    const std::string path = GatedLogPath(args.log_out);
    MARQUEE_RETURN_IF_ERROR(WriteLog(with, dataset, *features, path));
    std::fprintf(out, "  impression log of %s behind the gate: %s (%zu impressions, %zu title cards)\n",
                 lineup.names[0].c_str(), path.c_str(), with.log.size(), with.log_title_cards.size());
  }
  const PolicyCurve& open = ungated.policies.back();
  const PolicyCurve& consented = with.policies.back();
  std::fprintf(out, "  the consented oracle makes %s %s plays a round against %s without the gate (%s)\n",
               Percent(consented.mean_reward).c_str(), std::string(SimulationRewardName(with.reward)).c_str(),
               Percent(open.mean_reward).c_str(),
               Percent(open.mean_reward > 0 ? consented.mean_reward / open.mean_reward - 1.0 : 0.0, true).c_str());
  return Status::OK();
}

}  // namespace marquee::cli
