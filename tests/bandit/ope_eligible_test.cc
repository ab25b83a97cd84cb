// Off-policy evaluation of a gated log (issue 11 §3): the impression log
// carries each impression's eligible set, refuses a choice outside it, counts
// title cards apart, and the target policy is evaluated over the same set
// (DecideAmong's renormalisation), so that IPS, DM, DR and replay stay
// unbiased; a log without sets gives the numbers it gave before.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "marquee/bandit/artwork_ope.h"
#include "marquee/bandit/impression_log.h"
#include "marquee/bandit/off_policy.h"
#include "marquee/bandit/policy.h"

namespace marquee {
namespace {

// Two titles (3 and 2 variants), two members, as impression_log_test's.
Dataset SmallDataset() {
  Dataset d;
  d.members.GetOrAdd("alice");
  d.members.GetOrAdd("bob");
  d.titles.GetOrAdd("t0");
  d.titles.GetOrAdd("t1");
  const uint16_t g = d.catalog.GenreIndex("Drama");
  d.catalog.Resize(2);
  d.catalog.titles()[0].genres = {g};
  d.catalog.titles()[0].artwork = {Artwork{"t0a"}, Artwork{"t0b"}, Artwork{"t0c"}};
  d.catalog.titles()[1].genres = {g};
  d.catalog.titles()[1].artwork = {Artwork{"t1a"}, Artwork{"t1b"}};
  d.interactions = InteractionMatrix(2, 2, {0, 1, 1}, {0}, {1.0f}, {});
  return d;
}

Event Impression(std::string member, std::string title, std::string artwork, int64_t time, double propensity,
                 std::string id, std::vector<std::string> eligible = {}) {
  Event e;
  e.kind = EventKind::kImpression;
  e.member_id = std::move(member);
  e.title_id = std::move(title);
  e.artwork_id = std::move(artwork);
  e.time = time;
  e.propensity = propensity;
  e.impression_id = std::move(id);
  e.eligible_artwork_ids = std::move(eligible);
  return e;
}

Event Play(std::string member, std::string title, int64_t time, std::string id) {
  Event e;
  e.kind = EventKind::kPlay;
  e.member_id = std::move(member);
  e.title_id = std::move(title);
  e.time = time;
  e.impression_id = std::move(id);
  return e;
}

// A policy with fixed probabilities on every title (the first entries of
// `p`, renormalised when a title has fewer variants): the hand-computed
// examples need a target whose numbers are known.
class FixedPolicy : public ArtworkPolicy {
 public:
  FixedPolicy(std::shared_ptr<const ArtworkFeatures> features, std::vector<double> p)
      : ArtworkPolicy(std::move(features)), p_(std::move(p)) {}
  std::string_view kind() const override { return "fixed"; }
  const Parameters& parameters() const override { return parameters_; }
  void Probabilities(const ArtworkContext&, std::span<double> out) const override {
    double sum = 0.0;
    for (size_t v = 0; v < out.size(); ++v) sum += p_[v];
    for (size_t v = 0; v < out.size(); ++v) out[v] = p_[v] / sum;
  }
  void Update(const ArtworkContext&, uint32_t, double) override {}
  void SaveState(ByteWriter&) const override {}
  Status LoadState(ByteReader&) override { return Status::OK(); }
  std::unique_ptr<ArtworkPolicy> Clone() const override { return std::make_unique<FixedPolicy>(*this); }

 private:
  std::vector<double> p_;
  Parameters parameters_;
};

OpeOptions NoBootstrap() {
  OpeOptions o;
  o.bootstrap = 0;
  return o;
}

double Value(const OpeReport& report, OpeEstimator e) {
  for (const OpeEstimate& estimate : report.estimates) {
    if (estimate.estimator == e) return estimate.value;
  }
  ADD_FAILURE() << "no estimate " << OpeEstimatorName(e);
  return std::nan("");
}

// --- The impression log ---

TEST(GatedImpressionLogTest, CarriesEachImpressionsEligibleSet) {
  Dataset d = SmallDataset();
  ArtworkFeatures f(d.catalog);
  const std::vector<Event> events = {
      Impression("alice", "t0", "t0c", 10, 0.5, "i1", {"t0a", "t0c"}),
      Impression("bob", "t1", "t1b", 10, 0.5, "i2"),                      // no set: every variant
      Impression("bob", "t0", "t0b", 20, 1.0 / 3, "i3", {"t0c", "t0b", "t0a"}),  // any order, full
  };
  ImpressionLog log = JoinImpressions(events, d, f, {}, "gated.jsonl").value();
  ASSERT_TRUE(log.data.Validate().ok()) << log.data.Validate().ToString();
  ASSERT_EQ(log.data.size(), 3u);
  EXPECT_EQ(log.data.eligible, (std::vector<uint8_t>{1, 0, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(log.data.eligible_count(0), 2u);
  EXPECT_EQ(log.data.eligible_count(1), 2u);
  EXPECT_EQ(log.data.eligible_count(2), 3u);
  EXPECT_EQ(log.data.action, (std::vector<uint32_t>{2, 1, 1}));

  // Sets that rule nothing out leave no mask: the log reads as before.
  const std::vector<Event> full = {Impression("alice", "t1", "t1a", 10, 0.5, "j1", {"t1a", "t1b"}),
                                   Impression("bob", "t0", "t0a", 10, 0.5, "j2")};
  EXPECT_TRUE(JoinImpressions(full, d, f, {}, "full.jsonl").value().data.eligible.empty());
}

TEST(GatedImpressionLogTest, RefusesAChoiceOutsideItsEligibleSetNamingTheImpression) {
  Dataset d = SmallDataset();
  ArtworkFeatures f(d.catalog);
  // Built by hand: the JSON codec would refuse this event already, but an
  // event store written by an older or buggy server reaches the join as is.
  const std::vector<Event> outside = {Impression("alice", "t0", "t0a", 10, 0.5, "i1", {"t0a", "t0b"}),
                                      Impression("bob", "t0", "t0b", 11, 0.5, "i2", {"t0a", "t0c"})};
  Result<ImpressionLog> log = JoinImpressions(outside, d, f, {}, "gated.jsonl");
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(log.status().message().find(
                "gated.jsonl: impression \"i2\" (event 2): artwork \"t0b\" is not in its eligible set "
                "[\"t0a\", \"t0c\"]"),
            std::string::npos)
      << log.status().message();

  const std::vector<Event> foreign = {Impression("bob", "t0", "t0b", 11, 0.5, "i7", {"t0b", "t1a"})};
  log = JoinImpressions(foreign, d, f, {}, "gated.jsonl");
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find("impression \"i7\" (event 1): its eligible set names artwork \"t1a\", "
                                        "which is not a variant of title \"t0\""),
            std::string::npos)
      << log.status().message();

  const std::vector<Event> twice = {Impression("bob", "t0", "t0b", 11, 0.5, "i8", {"t0b", "t0b"})};
  log = JoinImpressions(twice, d, f, {}, "gated.jsonl");
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find("names artwork \"t0b\" twice"), std::string::npos);
}

// A title card is what the gate shows when no variant is eligible: no choice
// of the policy, so neither learned from nor weighted -- and not an error.
TEST(GatedImpressionLogTest, TitleCardsAreCountedNeverTreatedAsAChoice) {
  Dataset d = SmallDataset();
  ArtworkFeatures f(d.catalog);
  const std::vector<Event> events = {
      Impression("alice", "t0", "t0b", 5, 0.5, "i0", {"t0a", "t0b"}),
      Impression("alice", "t0", "", 10, 1.0, "card-1"),
      Impression("bob", "t0", "t0a", 10, 0.5, "i1", {"t0a", "t0b"}),
      Play("alice", "t0", 12, "card-1"),
      Impression("bob", "t1", "", 20, 1.0, "card-2"),
      Play("bob", "t0", 30, "i1"),
  };
  ImpressionLog log = JoinImpressions(events, d, f, {}, "cards.jsonl").value();
  EXPECT_EQ(log.impressions_seen, 4u);
  EXPECT_EQ(log.title_cards, 2u);
  EXPECT_EQ(log.title_card_titles, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(log.skipped(), 0u);
  ASSERT_EQ(log.data.size(), 2u);
  EXPECT_EQ(log.data.action, (std::vector<uint32_t>{1, 0}));
  // Alice's play named her title card: it answers the card, not her image
  // of the same title shown before it.
  EXPECT_EQ(log.data.reward, (std::vector<double>{0.0, 1.0}));
  EXPECT_NE(log.Summary().find("4 impressions: 2 used, 0 skipped; 2 title cards"), std::string::npos)
      << log.Summary();
}

// --- The target over the eligible set ---

TEST(GatedOpeTest, RestrictToEligibleIsDecideAmongsRule) {
  LoggedBanditData d;
  d.candidate_ids = {0, 1, 2, 0, 1, 2, 0, 1, 2};
  d.offsets = {0, 3, 6, 9};
  d.eligible = {1, 0, 1, /**/ 0, 1, 1, /**/ 1, 1, 1};
  std::vector<double> row = {0.5, 0.3, 0.2};
  RestrictToEligible(d, 0, row);
  EXPECT_NEAR(row[0], 0.5 / 0.7, 1e-15);  // 0.714...
  EXPECT_EQ(row[1], 0.0);
  EXPECT_NEAR(row[2], 0.2 / 0.7, 1e-15);  // 0.285...
  EXPECT_NEAR(row[0] + row[1] + row[2], 1.0, 1e-9);

  std::vector<double> greedy = {1.0, 0.0, 0.0};  // its favourite was ruled out
  RestrictToEligible(d, 1, greedy);
  EXPECT_EQ(greedy, (std::vector<double>{0.0, 0.5, 0.5}));

  std::vector<double> full = {0.1, 0.2, 0.7};
  RestrictToEligible(d, 2, full);
  EXPECT_EQ(full, (std::vector<double>{0.1, 0.2, 0.7}));  // bit for bit

  // The same numbers DecideAmong logs as propensities, exactly.
  Catalog catalog;
  catalog.Resize(1);
  catalog.titles()[0].artwork = {Artwork{"a"}, Artwork{"b"}, Artwork{"c"}};
  auto features = std::make_shared<const ArtworkFeatures>(catalog);
  FixedPolicy policy(features, {0.5, 0.3, 0.2});
  const std::vector<float> member(features->member_dim(), 0.0f);
  std::vector<double> expected = {0.5, 0.3, 0.2};
  RestrictToEligible(d, 0, expected);
  for (int i = 0; i < 50; ++i) {
    const std::optional<ArtworkDecision> decision =
        DecideAmong(policy, {member, 0}, {true, false, true}, 3, "imp-" + std::to_string(i));
    ASSERT_TRUE(decision.has_value());
    EXPECT_EQ(decision->propensity, expected[decision->variant]);
  }
}

// Three variants, eligible {0, 2}, target (0.5, 0.3, 0.2) renormalised to
// (5/7, 0, 2/7); a uniform behaviour over the set (propensity 1/2).
//   record  action  reward  weight         q = (0.1, 0.9, 0.3)
//   0       0       1       (5/7)/0.5      DM term 5/7 * 0.1 + 2/7 * 0.3 = 1.1/7
//   1       2       0       (2/7)/0.5      (q of the ineligible variant never counts)
// IPS = (10/7) / 2 = 5/7; SNIPS = (10/7) / (14/7) = 5/7; DM = 1.1/7;
// DR = 1.1/7 + ((10/7)(1 - 0.1) + (4/7)(0 - 0.3)) / 2 = 1.1/7 + 3.9/7 = 5/7.
TEST(GatedOpeTest, HandComputedIpsSnipsDmDrOverTheEligibleSet) {
  Catalog catalog;
  catalog.Resize(1);
  catalog.titles()[0].artwork = {Artwork{"a"}, Artwork{"b"}, Artwork{"c"}};
  ArtworkFeatures features(catalog);
  LoggedBanditData d;
  d.source = "hand";
  d.candidate_ids = {0, 1, 2, 0, 1, 2};
  d.offsets = {0, 3, 6};
  d.eligible = {1, 0, 1, 1, 0, 1};
  d.action = {0, 2};
  d.position = {0, 0};
  d.propensity = {0.5, 0.5};
  d.reward = {1.0, 0.0};
  const std::vector<float> contexts(2 * features.member_dim(), 0.0f);
  FixedPolicy policy(std::make_shared<const ArtworkFeatures>(catalog), {0.5, 0.3, 0.2});
  OpeTarget target;
  target.probability = ArtworkTargetProbabilities({&d, contexts}, features, &policy).value();
  ASSERT_EQ(target.probability.size(), 6u);
  EXPECT_NEAR(target.probability[0], 5.0 / 7, 1e-12);
  EXPECT_EQ(target.probability[1], 0.0);
  EXPECT_NEAR(target.probability[2], 2.0 / 7, 1e-12);
  target.predicted = {0.1, 0.9, 0.3, 0.1, 0.9, 0.3};
  OpeReport r = EvaluateOffPolicy(d, target, NoBootstrap()).value();
  EXPECT_NEAR(Value(r, OpeEstimator::kIps), 5.0 / 7, 1e-12);
  EXPECT_NEAR(Value(r, OpeEstimator::kSnips), 5.0 / 7, 1e-12);
  EXPECT_NEAR(Value(r, OpeEstimator::kDm), 1.1 / 7, 1e-12);
  EXPECT_NEAR(Value(r, OpeEstimator::kDr), 5.0 / 7, 1e-12);
  EXPECT_NEAR(r.weight_sum, 2.0, 1e-12);
  // Uniform over two eligible variants is a uniform log: no replay warning.
  for (const std::string& w : r.warnings) EXPECT_EQ(w.find("uniformly logged"), std::string::npos) << w;

  // The uniform target is uniform over the set.
  const std::vector<double> uniform = ArtworkTargetProbabilities({&d, contexts}, features, nullptr).value();
  EXPECT_EQ(uniform, (std::vector<double>{0.5, 0.0, 0.5, 0.5, 0.0, 0.5}));

  // The target unrestricted would weigh record 0 by 0.5/0.5, not (5/7)/0.5:
  // a target with mass outside the set is refused, naming the record.
  target.probability = {0.5, 0.3, 0.2, 0.5, 0.3, 0.2};
  Result<OpeReport> raw = EvaluateOffPolicy(d, target, NoBootstrap());
  ASSERT_FALSE(raw.ok());
  EXPECT_NE(raw.status().message().find("hand: record 0: target probability 0.3 of candidate 1, which is not "
                                        "in the record's eligible set"),
            std::string::npos)
      << raw.status().message();
}

// Replay keeps a record only when the target's choice among the eligible
// set is the logged one: a greedy target whose favourite (variant 1) is
// ruled out chooses uniformly between 0 and 2 and keeps about half.
TEST(GatedOpeTest, ReplayMatchesTheTargetsChoiceAmongTheEligible) {
  Catalog catalog;
  catalog.Resize(1);
  catalog.titles()[0].artwork = {Artwork{"a"}, Artwork{"b"}, Artwork{"c"}};
  ArtworkFeatures features(catalog);
  LoggedBanditData d;
  d.source = "replay";
  const size_t n = 4000;
  for (size_t i = 0; i < n; ++i) {
    d.candidate_ids.insert(d.candidate_ids.end(), {0, 1, 2});
    d.eligible.insert(d.eligible.end(), {1, 0, 1});
    d.offsets.push_back(d.candidate_ids.size());
    d.action.push_back(i % 2 == 0 ? 0 : 2);
    d.reward.push_back(i % 2 == 0 ? 1.0 : 0.0);
  }
  d.position.assign(n, 0);
  d.propensity.assign(n, 0.5);
  const std::vector<float> contexts(n * features.member_dim(), 0.0f);
  FixedPolicy greedy(std::make_shared<const ArtworkFeatures>(catalog), {0.0, 1.0, 0.0});
  OpeTarget target;
  target.probability = ArtworkTargetProbabilities({&d, contexts}, features, &greedy).value();
  OpeOptions options = NoBootstrap();
  options.estimators = {OpeEstimator::kIps, OpeEstimator::kReplay};
  OpeReport r = EvaluateOffPolicy(d, target, options).value();
  EXPECT_NEAR(Value(r, OpeEstimator::kIps), 0.5, 1e-12);
  const OpeEstimate& replay = r.estimates[1];
  ASSERT_TRUE(replay.defined);
  EXPECT_NEAR(static_cast<double>(replay.records_used), n / 2.0, 0.05 * n);
  EXPECT_NEAR(replay.value, 0.5, 0.05);

  // A target that always picks variant 2 keeps exactly the records that logged 2.
  FixedPolicy last(std::make_shared<const ArtworkFeatures>(catalog), {0.0, 0.0, 1.0});
  target.probability = ArtworkTargetProbabilities({&d, contexts}, features, &last).value();
  r = EvaluateOffPolicy(d, target, options).value();
  EXPECT_EQ(r.estimates[1].records_used, n / 2);
  EXPECT_EQ(r.estimates[1].value, 0.0);
}

TEST(GatedOpeTest, ValidateRefusesAnActionOutsideTheEligibleSet) {
  LoggedBanditData d;
  d.source = "v";
  d.candidate_ids = {0, 1, 2};
  d.offsets = {0, 3};
  d.eligible = {1, 0, 1};
  d.action = {1};
  d.position = {0};
  d.propensity = {0.5};
  d.reward = {0.0};
  Status s = d.Validate();
  EXPECT_NE(s.message().find("v: record 0: action 1 is not in its eligible set (2 of 3 candidates)"),
            std::string::npos)
      << s.ToString();
  d.action = {2};
  EXPECT_TRUE(d.Validate().ok());
  d.eligible = {1, 0};
  EXPECT_NE(d.Validate().message().find("eligible has 2 flags for 3 candidates"), std::string::npos);
}

// A log from before eligible sets gives the numbers it gave before them
// (recorded with the code of commit 1284aca), and so does the same log with
// every impression's set recorded in full.
TEST(GatedOpeTest, OldLogsGiveTheSameNumbersAsBefore) {
  Dataset d = SmallDataset();
  auto features = std::make_shared<const ArtworkFeatures>(d.catalog);
  std::vector<Event> events;
  for (int i = 0; i < 60; ++i) {
    const bool t0 = i % 3 != 0;
    const std::string title = t0 ? "t0" : "t1";
    const std::string artwork = t0 ? (i % 2 ? "t0a" : i % 5 ? "t0b" : "t0c") : (i % 2 ? "t1a" : "t1b");
    const std::string id = "old-" + std::to_string(i);
    events.push_back(Impression(i % 4 ? "alice" : "bob", title, artwork, 100 * i, t0 ? 0.25 + 0.01 * (i % 7) : 0.5, id));
    if (i % 4 == 1 || i % 5 == 0) events.push_back(Play(i % 4 ? "alice" : "bob", title, 100 * i + 5, id));
  }
  FixedPolicy policy(features, {0.6, 0.3, 0.1});
  auto evaluate = [&](const std::vector<Event>& log_events) {
    ImpressionLog log = JoinImpressions(log_events, d, *features, {}, "old.jsonl").value();
    const std::vector<float> contexts = RecordMemberContexts(log, d, *features);
    const ArtworkRecords records{&log.data, contexts};
    OpeTarget target;
    target.probability = ArtworkTargetProbabilities(records, *features, &policy).value();
    target.predicted = PredictArtworkRewards(records, *features, 2).value();
    OpeOptions options;
    options.bootstrap = 50;
    return EvaluateOffPolicy(log.data, target, options).value();
  };
  const OpeReport before = evaluate(events);
  std::vector<Event> full = events;
  for (Event& e : full) {
    if (e.kind != EventKind::kImpression) continue;
    for (const Artwork& a : d.catalog.titles()[d.titles.Find(e.title_id)].artwork) {
      e.eligible_artwork_ids.push_back(a.id);
    }
  }
  const OpeReport with_full_sets = evaluate(full);
  struct Golden {
    double value, lower, upper, standard_error;
    uint64_t records_used;
  };
  // Printed with %.17g by the code before eligible sets.
  const Golden golden[] = {
      {0.60759753635726943, 0.43911572534806703, 0.78046225914426715, 0.10642573629870455, 60},   // ips
      {0.44472838580178098, 0.33888652875999625, 0.57489053865043416, 0.06568621868698768, 60},   // snips
      {0.38709677419354876, 0.34983870967741953, 0.42935483870967778, 0.021756228416460806, 60},  // dm
      {0.56490610644168371, 0.42274217239450135, 0.74766373512352491, 0.096726106035590481, 60},  // dr
      {0.3545200292941848, 0.15191944648217803, 0.53212183401149415, 0.10108584888276284, 23},    // replay
  };
  for (const OpeReport* r : {&before, &with_full_sets}) {
    ASSERT_EQ(r->records, 60u);
    ASSERT_EQ(r->estimates.size(), 5u);
    for (size_t k = 0; k < 5; ++k) {
      const OpeEstimate& e = r->estimates[k];
      EXPECT_EQ(e.value, golden[k].value) << OpeEstimatorName(e.estimator);
      EXPECT_EQ(e.lower, golden[k].lower) << OpeEstimatorName(e.estimator);
      EXPECT_EQ(e.upper, golden[k].upper) << OpeEstimatorName(e.estimator);
      EXPECT_EQ(e.standard_error, golden[k].standard_error) << OpeEstimatorName(e.estimator);
      EXPECT_EQ(e.records_used, golden[k].records_used) << OpeEstimatorName(e.estimator);
    }
    EXPECT_EQ(r->weight_sum, 81.973297287312889);
    EXPECT_EQ(r->weight_max, 2.4000000000000004);
    EXPECT_EQ(r->effective_sample_size, 49.750907361002319);
    EXPECT_EQ(r->warnings.size(), 1u);
  }
}

}  // namespace
}  // namespace marquee
