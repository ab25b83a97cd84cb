// marquee demo: a complete run on the built-in synthetic service.
//
// Generate a small service and show what is in it; evaluate every model on
// an 80/20 holdout and print the table; train iALS on everything, save it,
// and show one member's recommendations and a "because you watched" row.
// Simulate artwork policies against the ground truth, rewarding qualifying
// plays (regret table, SVG chart, an impression log and trained policies) and
// compared with a run rewarding starts (misleading artwork); after the
// performers' consents, the price of consent: the same simulation behind the
// consent gate. Then serve the model and the
// Thompson artwork policy on loopback, print ready-to-paste curl lines, and
// run until Ctrl-C (--no-serve stops after the tables, for scripts).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "artwork_simulation.h"
#include "commands.h"
#include "consent_report.h"
#include "dataset_report.h"
#include "demo_session.h"
#include "experiment_demo.h"
#include "marquee/data/dataset_file.h"
#include "marquee/eval/evaluation_report.h"
#include "marquee/eval/evaluator.h"
#include "marquee/models/model_file.h"
#include "marquee/models/recommend.h"
#include "marquee/models/registry.h"
#include "marquee/page/page_builder.h"
#include "marquee/page/page_sources.h"
#include "marquee/serve/http/server.h"
#include "marquee/serve/serving_stack.h"
#include "marquee/store/event_store.h"
#include "marquee/synthetic/ground_truth.h"
#include "marquee/synthetic/synthetic.h"
#include "marquee/util/civil_time.h"
#include "member_page.h"
#include "output_file.h"
#include "page_render.h"
#include "progress_bar.h"
#include "stop_signals.h"

namespace marquee::cli {

namespace {
struct DemoArgs {
  std::string dir = "marquee-demo";
  bool no_serve = false;
  int port = serve::ServerOptions{}.port;
  uint64_t artwork_rounds = 100000;
  SyntheticConfig config{.members = 5000, .titles = 1000, .plays = 250000, .seed = 42};
};

std::string GenreList(const Catalog& catalog, const Title& title) {
  std::string out;
  for (uint16_t g : title.genres) {
    if (!out.empty()) out += ", ";
    out += catalog.genres()[g];
  }
  return out;
}

void PrintTopTitles(const Dataset& d, size_t k) {
  std::printf("\nMost-played titles\n");
  std::vector<uint32_t> counts = d.interactions.ColumnCounts();
  for (uint32_t t : MostPopularTitles(d.interactions, k)) {
    const Title& title = d.catalog.titles()[t];
    std::printf("  %6u members  %-34s %4d  %s\n", counts[t], title.name.c_str(), title.year,
                GenreList(d.catalog, title).c_str());
  }
}

void PrintMember(const SyntheticService& s, uint32_t member) {
  const Dataset& d = s.dataset;
  std::printf("\nMember %s\n  true taste: ", std::string(d.members.ExternalId(member)).c_str());
  std::span<const float> taste = s.truth.Taste(member);
  std::vector<uint32_t> genres(taste.size());
  for (uint32_t g = 0; g < genres.size(); ++g) genres[g] = g;
  std::sort(genres.begin(), genres.end(), [&](uint32_t a, uint32_t b) { return taste[a] > taste[b]; });
  for (size_t i = 0; i < std::min<size_t>(3, genres.size()); ++i) {
    std::printf("%s%s %.0f%%", i ? ", " : "", d.catalog.genres()[genres[i]].c_str(), taste[genres[i]] * 100);
  }
  std::printf("\n  watched (%u titles), the first few:\n", d.interactions.RowLength(member));
  auto titles = d.interactions.RowIndices(member);
  auto weights = d.interactions.RowWeights(member);
  for (size_t i = 0; i < std::min<size_t>(8, titles.size()); ++i) {
    const Title& title = d.catalog.titles()[titles[i]];
    std::printf("    %-34s %-28s watched %.2f\n", title.name.c_str(), GenreList(d.catalog, title).c_str(),
                weights[i]);
  }
}

Status EvaluateModels(const Dataset& d) {
  SplitOptions options{.protocol = SplitProtocol::kRandomHoldout, .fraction = 0.2, .seed = 42};
  MARQUEE_ASSIGN_OR_RETURN(EvalSplit split, MakeSplit(d.interactions, options));
  std::printf("\nOffline evaluation: 80/20 holdout per member, %u members\n", split.EvaluatedMembers());
  std::vector<EvaluationResult> results;
  for (const char* model : {"popularity", "itemknn", "ials", "ease"}) {
    EvaluateOptions eval{.cutoffs = {10, 20, 100}, .progress = TerminalProgress()};
    MARQUEE_ASSIGN_OR_RETURN(EvaluationResult r,
                             TrainAndEvaluate(model, {}, split, eval, TrainContext{.seed = 42}));
    results.push_back(std::move(r));
  }
  std::printf("%s", EvaluationTable(results).c_str());
  return Status::OK();
}

// Trains iALS on all the data, saves it, and shows what it recommends.
Status TrainAndShow(const SyntheticService& s, const std::string& model_dir) {
  const Dataset& d = s.dataset;
  MARQUEE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> model, CreateRecommender("ials", {}));
  const auto start = std::chrono::steady_clock::now();
  MARQUEE_RETURN_IF_ERROR(model->Fit(d.interactions, TrainContext{.seed = 42}));
  ModelInfo info =
      DescribeTrainedModel(*model, "ials", d, d.interactions,
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  info.version = "ials-demo";
  MARQUEE_RETURN_IF_ERROR(SaveModel(*model, info, d.members, d.titles, model_dir));

  const uint32_t member = 0;
  std::printf("\nRecommended for %s by iALS (not yet watched):\n",
              std::string(d.members.ExternalId(member)).c_str());
  for (const ScoredTitle& r : Recommend(*model, member, History::Row(d.interactions, member), {.k = 10})) {
    const Title& title = d.catalog.titles()[r.title];
    std::printf("    %-34s %-28s score %.3f  true affinity %.4f\n", title.name.c_str(),
                GenreList(d.catalog, title).c_str(), r.score, s.truth.TrueAffinity(member, r.title));
  }
  uint32_t watched = d.interactions.RowIndices(member)[0];
  std::printf("\nBecause you watched %s:\n", d.catalog.titles()[watched].name.c_str());
  for (const ScoredTitle& r : SimilarTitles(*model, watched, 5)) {
    const Title& title = d.catalog.titles()[r.title];
    std::printf("    %-34s %s\n", title.name.c_str(), GenreList(d.catalog, title).c_str());
  }
  return Status::OK();
}

// The first of the first 200 members whose page has a Continue Watching and
// a Because You Watched row (a member with recent, unfinished plays), else 0.
uint32_t ShowcaseMember(const Dataset& d, const Recommender& model, const page::PageSources& sources,
                        const page::PageBuilder& builder, std::span<const uint8_t> allowed, int64_t now) {
  for (uint32_t m = 0; m < std::min<uint32_t>(200, d.members.size()); ++m) {
    MemberInputs inputs = ForMember(model, d, d.interactions, sources, m);
    bool continue_watching = false, because = false;
    for (const page::CandidateRow& row : builder.Candidates(inputs.At(sources, allowed, now))) {
      continue_watching |= row.kind == page::RowKind::kContinueWatching;
      because |= row.kind == page::RowKind::kBecauseYouWatched;
    }
    if (continue_watching && because) return m;
  }
  return 0;
}

// One member's homepage as of the end of the data, from the saved model and
// the built-in page configuration: printed (the rows, each with why it is
// there) and written as an HTML grid next to the regret chart.
Status ShowHomepage(const SyntheticService& s, const std::string& model_dir, const std::string& html_path) {
  const Dataset& d = s.dataset;
  MARQUEE_ASSIGN_OR_RETURN(LoadedModel model, LoadModel(model_dir));
  const page::PageConfig& config = page::DefaultPageConfig();
  page::PageSources sources(d, *model.model, config, {.title_positives = d.interactions.ColumnCounts()});
  const page::PageBuilder builder(config);
  const int64_t now = d.interactions.LatestTime();
  const std::vector<uint8_t> allowed(d.titles.size(), 1);
  const uint32_t member = ShowcaseMember(d, *model.model, sources, builder, allowed, now);
  const MemberInputs inputs = ForMember(*model.model, d, d.interactions, sources, member);
  const page::Page page =
      builder.Build(inputs.At(sources, allowed, now), {.rows = config.rules.rows, .per_row = 20});
  const std::string member_id(d.members.ExternalId(member));
  const std::string subtitle =
      "as of " + FormatCivilDate(UnixDay(now)) + ", iALS, the built-in page configuration";
  const std::string html = RenderPageHtml(page, d, member_id, subtitle);
  MARQUEE_RETURN_IF_ERROR(WriteOutput(html_path, [&](std::FILE* f) { std::fputs(html.c_str(), f); }));
  std::printf("\nThe homepage of %s (%s; %zu rows, 8 of each row's 20 titles shown here; all in %s):\n",
              member_id.c_str(), subtitle.c_str(), page.rows.size(), html_path.c_str());
  page::Page shown = page;
  for (page::PageRow& row : shown.rows) {
    if (row.row.titles.size() > 8) row.row.titles.resize(8);
  }
  std::printf("%s", RenderPageText(shown, d).c_str());
  return Status::OK();
}

void PrintCurlLines(const std::string& address, const Dataset& d, const ServedDemoExperiments& experiments) {
  const std::string member(d.members.ExternalId(0));
  const std::string title(d.titles.ExternalId(d.interactions.RowIndices(0)[0]));
  const std::string other(d.titles.ExternalId(d.interactions.RowIndices(1)[0]));
  std::printf("\nServing on %s -- try:\n", address.c_str());
  std::printf("  curl '%s/v1/members/%s/recommendations?k=5'\n", address.c_str(), member.c_str());
  std::printf("  curl '%s/v1/members/%s/homepage?rows=6&per_row=10'\n", address.c_str(), member.c_str());
  std::printf("  curl '%s/v1/titles/%s/similar?k=5'\n", address.c_str(), title.c_str());
  std::printf("  curl -X POST %s/v1/recommendations -d '{\"history\": [\"%s\", \"%s\"], \"k\": 5}'\n",
              address.c_str(), title.c_str(), other.c_str());
  std::printf(
      "  curl -X POST %s/v1/events -d '{\"kind\": \"play\", \"member\": \"%s\", "
      "\"title\": \"%s\", \"watch_fraction\": 0.9}'\n",
      address.c_str(), member.c_str(), other.c_str());
  std::printf("  curl '%s/v1/members/%s/artwork?titles=%s,%s'\n", address.c_str(), member.c_str(),
              title.c_str(), other.c_str());
  std::printf("  curl %s/v1/artwork/policy\n", address.c_str());
  std::printf("  curl %s/metrics\n", address.c_str());
  std::printf("Two experiments are running (iALS against iALS trained on half the plays), on half the members each:\n");
  std::printf("  curl %s/v1/experiments\n", address.c_str());
  std::printf("  curl '%s/v1/members/%s/recommendations?k=5'   # A/B: names its cell\n", address.c_str(),
              experiments.ab_member.c_str());
  std::printf("  curl '%s/v1/members/%s/recommendations?k=5'   # interleaved: both rankers, one list\n",
              address.c_str(), experiments.interleaved_member.c_str());
  std::printf("Ctrl-C stops the server.\n");
  std::fflush(stdout);
}

// The demo's artwork simulation: qualifying plays as the reward, compared
// with a run rewarding bare starts (the misleading-artwork effect).
ArtworkSimulationArgs DemoSimulation(const DemoArgs& args) {
  ArtworkSimulationArgs simulation;
  simulation.rounds = args.artwork_rounds;
  simulation.seed = args.config.seed;
  simulation.reward = "both";
  simulation.plot = args.dir + "/artwork_regret.svg";
  simulation.log_out = args.dir + "/artwork_log.jsonl";
  simulation.save_policies = args.dir + "/policies";
  return simulation;
}

// Artwork personalization on the same service: the policies learn from
// simulated impressions against the ground truth; the regret chart, the
// uniform policy's log and the trained policies are written for a person (and
// `marquee ope`) to look at, and the server starts with the Thompson policy.
// `ungated` keeps the run for the price of consent.
Status RunArtwork(const DemoArgs& args, const SyntheticService& service, SimulationResult& ungated) {
  std::printf("\nArtwork personalization: %s simulated impressions of the titles members would be shown\n",
              HumanCount(static_cast<double>(args.artwork_rounds)).c_str());
  const ArtworkSimulationArgs simulation = DemoSimulation(args);
  MARQUEE_RETURN_IF_ERROR(RunArtworkSimulation(service.dataset, service.truth, simulation, stdout, &ungated));
  std::printf("Open %s in a browser to see the regret curves.\n", simulation.plot.c_str());
  std::printf(
      "Next: marquee ope --logs %s --data %s/service.mqd --truth %s/truth.mqt --target "
      "%s/policies/linucb.mqp\n",
      simulation.log_out.c_str(), args.dir.c_str(), args.dir.c_str(), args.dir.c_str());
  return Status::OK();
}

// Performers' consent on the same service: the synthetic consents written as
// a consent log, and how much of the artwork the consent gate lets through.
Status ShowConsents(const DemoArgs& args, const SyntheticService& service) {
  std::printf(
      "\nPerformers' consent (synthetic: some performers never asked, some consents expired or revoked)\n  ");
  SyntheticConsentOptions options;
  options.seed = args.config.seed;
  const std::string path = args.dir + "/consents.jsonl";
  MARQUEE_RETURN_IF_ERROR(WriteSyntheticConsents(service.dataset, options, path, stdout));
  MARQUEE_RETURN_IF_ERROR(PrintConsentGate(service.dataset, path, "US", options.now, stdout));
  std::printf("Next: marquee consent list --data %s/service.mqd --log %s --at %lld\n", args.dir.c_str(),
              path.c_str(), static_cast<long long>(options.now));
  return Status::OK();
}

// What the consent gate costs in plays: the artwork simulation again, behind
// the gate of the consents ShowConsents wrote, at the same reference time.
Status ShowPriceOfConsent(const DemoArgs& args, const SyntheticService& service,
                          const SimulationResult& ungated) {
  ArtworkSimulationArgs simulation = DemoSimulation(args);
  simulation.consents = args.dir + "/consents.jsonl";
  simulation.at = SyntheticConsentOptions{}.now;
  return RunPriceOfConsent(service.dataset, service.truth, simulation, ungated, stdout);
}

// The stack `marquee serve` opens (its defaults, retrieval included), with
// the demo's consent log in front of the artwork policy. The event store
// starts empty, so that the ledger holds this run alone.
Result<serve::ServingStack> OpenDemoStack(const DemoArgs& args, Dataset dataset,
                                          const std::string& model_dir) {
  serve::ServingStackOptions stack_options;
  stack_options.dataset = std::make_shared<const Dataset>(std::move(dataset));
  stack_options.model_dir = model_dir;
  stack_options.events_path = args.dir + "/events.db";
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ignored;
    std::filesystem::remove(stack_options.events_path + suffix, ignored);
  }
  // The artwork policy the simulation trained keeps learning from live plays.
  stack_options.artwork_policy = args.dir + "/policies/thompson.mqp";
  stack_options.consent.consent_log = args.dir + "/consents.jsonl";
  return serve::OpenServingStack(stack_options);
}

// Serves the demo model until Ctrl-C or SIGTERM.
Status Serve(const DemoArgs& args, serve::ServingStack& stack) {
  // Started after the demo session, whose figures are the control's.
  MARQUEE_ASSIGN_OR_RETURN(ServedDemoExperiments experiments,
                           StartServedExperiments(*stack.experiments, *stack.dataset, args.dir));
  serve::ServerOptions options;
  options.port = args.port;
  auto server = std::make_unique<serve::Server>(options, *stack.models, *stack.events, *stack.recommendations,
                                                stack.artwork.get(), stack.ingest, stack.consent.get(),
                                                stack.homepage.get(), stack.experiments.get());
  Status started = server->Start();
  if (!started.ok() && args.port != 0) {  // the demo should not fail on a busy port
    std::printf("\nport %d is not available (%s); using a free one\n", args.port, started.message().c_str());
    options.port = 0;
    server = std::make_unique<serve::Server>(options, *stack.models, *stack.events, *stack.recommendations,
                                             stack.artwork.get(), stack.ingest, stack.consent.get(),
                                             stack.homepage.get(), stack.experiments.get());
    started = server->Start();
  }
  MARQUEE_RETURN_IF_ERROR(started);
  PrintCurlLines(server->address(), *stack.dataset, experiments);
  WaitForStopSignal();
  std::printf("\nstopping: finishing requests in flight\n");
  server->Stop();
  return Status::OK();
}

int RunDemo(const DemoArgs& args) {
  if (!args.no_serve) BlockStopSignals();  // before any thread starts
  std::error_code ec;
  std::filesystem::create_directories(args.dir, ec);
  if (ec) {
    return ReportError("demo", Status::IOError(args.dir + ": cannot create directory: " + ec.message()));
  }
  std::printf("Marquee demo: a synthetic streaming service (%s)\n", args.config.Describe().c_str());
  Result<SyntheticService> service = GenerateService(args.config, TerminalProgress());
  if (!service.ok()) return ReportError("demo", service.status());
  const std::string dataset_path = args.dir + "/service.mqd";
  const std::string truth_path = args.dir + "/truth.mqt";
  Status saved = SaveDataset(service->dataset, dataset_path);
  if (saved.ok()) saved = SaveGroundTruth(service->truth, truth_path);
  if (!saved.ok()) return ReportError("demo", saved);

  std::printf("\nDataset %s\n", dataset_path.c_str());
  PrintStatsTable(stdout, service->dataset, ComputeStats(service->dataset));
  PrintTopTitles(service->dataset, 10);
  PrintMember(*service, 0);
  Status shown = EvaluateModels(service->dataset);
  const std::string model_dir = args.dir + "/model";
  if (shown.ok()) shown = TrainAndShow(*service, model_dir);
  if (shown.ok()) shown = ShowHomepage(*service, model_dir, args.dir + "/homepage.html");
  if (shown.ok()) shown = RunExperimentDemo(*service, args.dir, stdout);
  if (!shown.ok()) return ReportError("demo", shown);
  std::printf("\nWrote %s, %s and %s/.\nNext: marquee recommend --model %s --data %s --members all --k 10\n",
              dataset_path.c_str(), truth_path.c_str(), model_dir.c_str(), model_dir.c_str(),
              dataset_path.c_str());
  SimulationResult ungated;
  Status art = RunArtwork(args, *service, ungated);
  if (art.ok()) art = ShowConsents(args, *service);
  if (art.ok()) art = ShowPriceOfConsent(args, *service, ungated);
  if (!art.ok()) return ReportError("demo", art);
  Result<serve::ServingStack> stack = OpenDemoStack(args, std::move(service->dataset), model_dir);
  if (!stack.ok()) return ReportError("demo", stack.status());
  Status session = RunDemoSession(*stack, service->truth,
                                  {.seed = args.config.seed,
                                   .report_path = args.dir + "/statements.html",
                                   .events_path = args.dir + "/events.db",
                                   .data_path = args.dir + "/service.mqd",
                                   .consents_path = args.dir + "/consents.jsonl"},
                                  stdout);
  if (!session.ok()) return ReportError("demo", session);
  if (args.no_serve) return 0;
  Status served = Serve(args, *stack);
  return served.ok() ? 0 : ReportError("demo", served);
}
}  // namespace

Command AddDemoCommand(CLI::App& root) {
  auto* app = root.add_subcommand("demo", "Run Marquee end to end on a built-in synthetic service");
  auto args = std::make_shared<DemoArgs>();
  app->add_option("--dir", args->dir, "where to write the demo's files")->capture_default_str();
  app->add_option("--members", args->config.members, "members in the synthetic service")
      ->capture_default_str();
  app->add_option("--titles", args->config.titles, "titles in the synthetic service")->capture_default_str();
  app->add_option("--plays", args->config.plays, "plays in the synthetic service")->capture_default_str();
  app->add_option("--seed", args->config.seed, "random seed")->capture_default_str();
  app->add_option("--artwork-rounds", args->artwork_rounds, "impressions in the artwork simulation")
      ->check(CLI::Range(uint64_t{1000}, uint64_t{1} << 36))
      ->capture_default_str();
  app->add_flag("--no-serve", args->no_serve, "stop after the tables instead of serving (for scripts)");
  app->add_option("--port", args->port, "port to serve on (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  return {app, [args]() { return RunDemo(*args); }};
}

}  // namespace marquee::cli
