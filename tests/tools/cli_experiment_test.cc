// End-to-end tests of `marquee experiment power`: the real binary on a small
// synthetic service with its ground truth.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "../test_util.h"
#include "cli_runner.h"

namespace marquee {
namespace {

using test::RunCli;
using test::RunResult;
using test::TempDir;

class CliExperimentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    RunResult generated = RunCli("generate --members 2000 --titles 300 --plays 60000 --seed 5 --out " + Data() +
                                 " --truth " + Truth());
    ASSERT_EQ(generated.exit_code, 0) << generated.output;
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string Data() { return dir_->File("service.mqd"); }
  static std::string Truth() { return dir_->File("service.mqt"); }
  static TempDir* dir_;
};
TempDir* CliExperimentTest::dir_ = nullptr;

TEST_F(CliExperimentTest, PowerPrintsTheTableAndWritesTheChart) {
  const std::string chart = dir_->File("power.svg");
  const RunResult r = RunCli("experiment power --data " + Data() + " --truth " + Truth() +
                             " --model ials --factors 8 --iterations 3 --repetitions 20 --max-members 20000 --chart " +
                             chart);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* expected : {"A/B + CUPED", "interleaving", "members for 80% power", "standardized effect",
                               "B = ials on 50% of each member's plays", "wrote "}) {
    EXPECT_NE(r.output.find(expected), std::string::npos) << expected << "\n" << r.output;
  }
  const std::string svg = test::ReadFile(chart);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("interleaving"), std::string::npos);
}

TEST_F(CliExperimentTest, PowerRefusesBadFlagsNamingThem) {
  const std::string base = "experiment power --data " + Data() + " --truth " + Truth() + " --model ials";
  RunResult r = RunCli(base + " --sample 1.5");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("--sample: expected a share in (0, 1), got 1.5"), std::string::npos) << r.output;
  r = RunCli(base + " --max-members 10");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("--max-members: expected at least 100"), std::string::npos) << r.output;
  // A ground truth of another service.
  const std::string other = dir_->File("other.mqd"), other_truth = dir_->File("other.mqt");
  ASSERT_EQ(RunCli("generate --members 50 --titles 20 --plays 500 --out " + other + " --truth " + other_truth).exit_code,
            0);
  r = RunCli("experiment power --data " + Data() + " --truth " + other_truth + " --model ials");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("the ground truth is for 50 members x 20 titles"), std::string::npos) << r.output;
  r = RunCli("experiment power --data " + Data() + " --truth " + dir_->File("missing.mqt") + " --model ials");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("missing.mqt"), std::string::npos) << r.output;
  r = RunCli("experiment");
  EXPECT_NE(r.exit_code, 0);
}

std::string Spec(const std::string& name, const std::string& extra_cell = "") {
  return R"({"name": ")" + name + R"(", "layer": "home", "traffic": 0.6, "start": "2036-12-01", "end": "2036-12-15",
             "cells": [{"name": "control", "share": 0.5}, {"name": "new", "share": 0.5)" + extra_cell + "}]}";
}

TEST_F(CliExperimentTest, CreateListStopAndTheirRefusals) {
  const std::string events = dir_->File("events.db");
  RunResult r = RunCli("experiment create --events " + events + " " + dir_->Write("a.json", Spec("a")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("not checked against a dataset"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("created a in layer home: buckets [0, 6000) (60.00% of the layer)"), std::string::npos)
      << r.output;
  // The layer has 40% left at those dates.
  r = RunCli("experiment create --events " + events + " " + dir_->Write("b.json", Spec("b")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("b.json: traffic: layer home has no free 60.00%"), std::string::npos) << r.output;
  r = RunCli("experiment create --events " + events + " " + dir_->Write("a2.json", Spec("a")));
  EXPECT_NE(r.output.find("name: an experiment named a exists already"), std::string::npos) << r.output;
  // A cell whose model does not load is refused at creation.
  r = RunCli("experiment create --events " + events + " " +
             dir_->Write("c.json", Spec("c", R"(, "model": ")" + dir_->File("no-model") + "\"")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("cells[1].model: the model"), std::string::npos) << r.output;
  r = RunCli("experiment create --events " + events + " " + dir_->Write("bad.json", R"({"name": "x"})"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("bad.json: start: missing"), std::string::npos) << r.output;
  r = RunCli("experiment list --events " + events);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("a                        home"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("control, new"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("\nb "), std::string::npos) << r.output;
  EXPECT_EQ(RunCli("experiment stop --events " + events + " a").exit_code, 0);
  // --json: the array GET /v1/experiments shows, round-tripping the spec.
  r = RunCli("experiment list --json --events " + events);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const nlohmann::json listed = nlohmann::json::parse(r.output, nullptr, false);
  ASSERT_TRUE(listed.is_array()) << r.output;
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["name"], "a");
  EXPECT_EQ(listed[0]["status"], "stopped");
  EXPECT_EQ(listed[0]["bucket_range"], nlohmann::json::array({0, 6000}));
  EXPECT_TRUE(listed[0]["stopped_at"].is_number());
  r = RunCli("experiment stop --events " + events + " a");
  EXPECT_NE(r.output.find("stopped already"), std::string::npos) << r.output;
  r = RunCli("experiment stop --events " + events + " zzz");
  EXPECT_NE(r.output.find("no experiment named zzz"), std::string::npos) << r.output;
  r = RunCli("experiment list --events " + dir_->File("missing.db"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("no event store there"), std::string::npos) << r.output;
  r = RunCli("experiment report --events " + events + " --data " + Data() + " nope");
  EXPECT_NE(r.output.find("no experiment named nope; the store has a"), std::string::npos) << r.output;
}

TEST_F(CliExperimentTest, AnInterleavingReportIsATableAndJsonButNoChart) {
  const std::string model = dir_->File("popularity");
  RunResult r = RunCli("train --data " + Data() + " --model popularity --out " + model);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string events = dir_->File("interleaving.db");
  const std::string spec = R"({"name": "il", "method": "interleaving", "start": "2036-12-01", "end": "2036-12-15",
      "cells": [{"name": "a", "model": ")" + model + R"("}, {"name": "b", "model": ")" + model + R"("}]})";
  // --data checks the models against the served dataset: one trained on
  // another service is refused; without --data the output says nothing was checked.
  const std::string other_data = dir_->File("other.mqd");
  ASSERT_EQ(RunCli("generate --members 500 --titles 100 --plays 5000 --seed 9 --out " + other_data).exit_code, 0);
  const std::string other_model = dir_->File("other-popularity");
  ASSERT_EQ(RunCli("train --data " + other_data + " --model popularity --out " + other_model).exit_code, 0);
  std::string foreign = spec;
  foreign.replace(foreign.rfind(model), model.size(), other_model);
  r = RunCli("experiment create --events " + events + " --data " + Data() + " " + dir_->Write("foreign.json", foreign));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("cells[1].model"), std::string::npos) << r.output;
  r = RunCli("experiment create --events " + events + " --data " + Data() + " " + dir_->Write("il.json", spec));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("not checked against a dataset"), std::string::npos) << r.output;
  // Created against a dataset, the experiment records its catalog: a report
  // against another catalog is refused (its runtimes would give other hours).
  r = RunCli("experiment report --events " + events + " --data " + other_data + " il --as-of 2036-12-05");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("not the catalog experiment il was served with"), std::string::npos) << r.output;
  std::string report = "experiment report --events " + events + " --data " + Data() + " il";
  r = RunCli(report);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("experiment il starts on 2036-12-01: nothing to report yet"), std::string::npos) << r.output;
  report += " --as-of 2036-12-05";
  r = RunCli(report + " --chart " + dir_->File("il.svg"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("--chart: an interleaving report has no lift over days"), std::string::npos) << r.output;
  const std::string json_path = dir_->File("il.json.out");
  r = RunCli(report + " --json " + json_path);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("interleaving experiment il"), std::string::npos) << r.output;
  const nlohmann::json j = nlohmann::json::parse(test::ReadFile(json_path), nullptr, false);
  EXPECT_EQ(j["method"], "interleaving") << j.dump();
  EXPECT_EQ(j["members"], 0);
  EXPECT_TRUE(j.contains("no_test"));
}

}  // namespace
}  // namespace marquee
