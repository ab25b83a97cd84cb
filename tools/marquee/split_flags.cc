#include "split_flags.h"

#include "marquee/util/civil_time.h"

namespace marquee::cli {

// The strict civil parser, not strptime + timegm: those take 2025-02-30 and
// normalize it to 2025-03-02, so a typo would silently move the split.
Result<int64_t> ParseDate(const std::string& text, std::string_view flag) {
  std::optional<int64_t> days = ParseCivilDate(text);
  if (!days) {
    return Status::InvalidArgument(std::string(flag) + ": expected a date YYYY-MM-DD, found " +
                                   QuoteForError(text));
  }
  return *days * kSecondsPerDay;
}

void SplitFlags::Register(CLI::App* app, bool cold_titles) {
  const char* group = "Evaluation protocol";
  std::vector<std::string> protocols = {"random-holdout", "leave-last-out", "temporal", "strong",
                                        "strong-generalization"};
  if (cold_titles) protocols.push_back("cold-titles");
  app->add_option("--protocol", protocol,
                  cold_titles ? "random-holdout | leave-last-out | temporal | strong | cold-titles (titles held out "
                                "entirely, found from their metadata)"
                              : "random-holdout | leave-last-out | temporal | strong")
      ->check(CLI::IsMember(protocols))
      ->capture_default_str()
      ->group(group);
  app->add_option("--fraction", fraction, "random-holdout, strong: share of each member's titles held out")
      ->capture_default_str()
      ->group(group);
  app->add_option("--last-n", last_n, "leave-last-out: titles held out per member")
      ->capture_default_str()
      ->group(group);
  app->add_option("--split-date", split_date, "temporal: interactions from this date (YYYY-MM-DD) are held out")
      ->group(group);
  app->add_option("--heldout-members", heldout_members, "strong: members held out (0 = 10%)")
      ->capture_default_str()
      ->group(group);
  app->add_option("--min-history", min_history, "members with fewer interactions are not evaluated")
      ->capture_default_str()
      ->group(group);
  app->add_option("--seed", seed, "random seed (split and models)")->capture_default_str()->group(group);
  app->add_option("--min-rating", min_rating, "keep only ratings >= R, as positives")->group(group);
  app->add_option("--split", split_file, "use a split saved with --save-split")->group(group);
  app->add_option("--save-split", save_split, "write the split to this file")->group(group);
}

Result<EvalSplit> SplitFlags::MakeOrLoad(const Dataset& dataset) const {
  if (!split_file.empty()) {
    MARQUEE_ASSIGN_OR_RETURN(EvalSplit split, LoadSplit(split_file));
    if (split.train.rows() != dataset.members.size() || split.train.cols() != dataset.titles.size()) {
      return Status::InvalidArgument(split_file + ": the split is " + std::to_string(split.train.rows()) +
                                     " x " + std::to_string(split.train.cols()) +
                                     ", the dataset has " + std::to_string(dataset.members.size()) +
                                     " members x " + std::to_string(dataset.titles.size()) + " titles");
    }
    return split;
  }
  SplitOptions options;
  MARQUEE_ASSIGN_OR_RETURN(options.protocol,
                           ParseSplitProtocol(protocol == "strong" ? "strong-generalization" : protocol));
  options.fraction = fraction;
  options.last_n = last_n;
  options.heldout_members = heldout_members;
  options.min_history = min_history;
  options.seed = seed;
  if (options.protocol == SplitProtocol::kTemporal) {
    if (split_date.empty()) return Status::InvalidArgument("--protocol temporal needs --split-date YYYY-MM-DD");
    MARQUEE_ASSIGN_OR_RETURN(options.split_time, ParseDate(split_date, "--split-date"));
  }
  const InteractionMatrix data =
      min_rating ? dataset.interactions.KeepAtLeast(*min_rating) : dataset.interactions;
  MARQUEE_ASSIGN_OR_RETURN(EvalSplit split, MakeSplit(data, options));
  if (!save_split.empty()) MARQUEE_RETURN_IF_ERROR(SaveSplit(split, save_split));
  return split;
}

}  // namespace marquee::cli
