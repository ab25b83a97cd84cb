#include "marquee/experiment/experiment_spec.h"

#include <gtest/gtest.h>

#include <string>

#include "marquee/util/civil_time.h"

namespace marquee::experiment {
namespace {

const char* kExample = R"({
  "name": "homepage-ease",
  "hypothesis": "EASE's pages get more qualifying plays per member",
  "layer": "homepage",
  "traffic": 0.2,
  "start": "2026-12-01",
  "end": "2026-12-15",
  "regions": ["DE", "FR"],
  "members": "existing",
  "cells": [
    {"name": "control", "share": 0.5},
    {"name": "ease", "share": 0.5, "model": "models/ease", "retrieval": "exact"}
  ]
})";

void ExpectError(const std::string& text, const std::string& field, const std::string& says) {
  const Result<ExperimentSpec> spec = ParseExperimentSpec(text, "exp.json");
  ASSERT_FALSE(spec.ok()) << text;
  EXPECT_EQ(spec.status().field(), field) << spec.status().message();
  EXPECT_EQ(spec.status().message().rfind("exp.json: ", 0), 0u) << spec.status().message();
  // The field is named once.
  if (!field.empty() && field != "(document)") {
    const std::string twice = field + ": " + field + ":";
    EXPECT_EQ(spec.status().message().find(twice), std::string::npos) << spec.status().message();
  }
  EXPECT_NE(spec.status().message().find(says), std::string::npos) << spec.status().message();
}

// kExample with `from` replaced by `to` (once).
std::string With(const std::string& from, const std::string& to) {
  std::string text = kExample;
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(ExperimentSpecTest, ReadsTheExampleAndRoundTrips) {
  const Result<ExperimentSpec> spec = ParseExperimentSpec(kExample, "exp.json");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->name, "homepage-ease");
  EXPECT_EQ(spec->layer, "homepage");
  EXPECT_DOUBLE_EQ(spec->traffic, 0.2);
  EXPECT_EQ(spec->start, *ParseCivilDate("2026-12-01") * kSecondsPerDay);
  EXPECT_EQ(spec->end - spec->start, 14 * kSecondsPerDay);
  EXPECT_EQ(spec->members, MemberTargeting::kExisting);
  EXPECT_EQ(spec->regions, (std::vector<std::string>{"DE", "FR"}));
  ASSERT_EQ(spec->cells.size(), 2u);
  EXPECT_EQ(spec->cells[1].model, "models/ease");
  EXPECT_EQ(spec->cells[1].retrieval, "exact");
  EXPECT_TRUE(spec->cells[0].model.empty());
  const Result<ExperimentSpec> again = ParseExperimentSpec(ExperimentSpecJson(*spec), "again.json");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*again, *spec);
  // The catalog a server records round-trips too.
  ExperimentSpec recorded = *spec;
  recorded.catalog = "00ff00ff00ff00ff";
  const Result<ExperimentSpec> with_catalog = ParseExperimentSpec(ExperimentSpecJson(recorded, -1), "recorded");
  ASSERT_TRUE(with_catalog.ok()) << with_catalog.status().message();
  EXPECT_EQ(*with_catalog, recorded);
}

TEST(ExperimentSpecTest, DefaultsForOmittedFields) {
  const Result<ExperimentSpec> spec = ParseExperimentSpec(
      R"({"name": "x", "start": "2026-01-01", "end": "2026-01-02",
          "cells": [{"name": "a", "share": 0.25}, {"name": "b", "share": 0.75}]})",
      "exp.json");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->layer, "default");
  EXPECT_EQ(spec->traffic, 1.0);
  EXPECT_EQ(spec->method, ExperimentMethod::kAB);
  EXPECT_EQ(spec->members, MemberTargeting::kAll);
  EXPECT_TRUE(spec->regions.empty());
}

TEST(ExperimentSpecTest, RefusesBadDocumentsNamingTheField) {
  ExpectError("not json", "", "expected a JSON object");
  ExpectError("[1, 2]", "(document)", "expected an object");
  ExpectError(With("\"layer\"", "\"lair\""), "lair", "unknown field \"lair\"");
  ExpectError(With("\"homepage-ease\"", "\"Homepage Ease\""), "name", "a-z, 0-9");
  ExpectError(With("\"traffic\": 0.2", "\"traffic\": 1.5"), "traffic", "(0, 1]");
  ExpectError(With("\"traffic\": 0.2", "\"traffic\": \"lots\""), "traffic", "(0, 1]");
  ExpectError(With("\"2026-12-15\"", "\"2026-11-15\""), "end", "after start");
  ExpectError(With("\"2026-12-01\"", "\"2026-02-30\""), "start", "YYYY-MM-DD");
  ExpectError(With("\"existing\"", "\"old\""), "members", "all, new or existing");
  ExpectError(With("\"share\": 0.5, \"model\"", "\"share\": 0.6, \"model\""), "cells", "summing to 1");
  ExpectError(With("{\"name\": \"control\", \"share\": 0.5}", "{\"name\": \"ease\", \"share\": 0.5}"),
              "cells[1].name", "names two cells");
  ExpectError(With("\"retrieval\": \"exact\"", "\"retrieval\": \"fast\""), "cells[1].retrieval", "exact or hnsw");
  ExpectError(With("\"retrieval\": \"exact\"", "\"colour\": \"red\""), "cells[1].colour", "unknown field \"colour\"");
  ExpectError(With("{\"name\": \"control\", \"share\": 0.5},", ""), "cells", "at least two cells");
  ExpectError(With("\"regions\": [\"DE\", \"FR\"]", "\"regions\": \"DE\""), "regions", "a list of strings");
  ExpectError(With("\"FR\"", "\"fr\""), "regions[1]", "ISO 3166");
  // A repeated key, at the top or in a cell: which one counts is not left to the parser.
  ExpectError(With("\"traffic\": 0.2", "\"traffic\": 0.2, \"traffic\": 0.9"), "traffic", "found it twice");
  ExpectError(With("\"model\": \"models/ease\"", "\"model\": \"models/ease\", \"model\": \"models/ials\""),
              "cells[1].model", "found it twice");
  // An empty path would serve the control's model under the treatment's name.
  ExpectError(With("\"model\": \"models/ease\"", "\"model\": \"\""), "cells[1].model", "non-empty");
  ExpectError(With("\"retrieval\": \"exact\"", "\"page_config\": \"\""), "cells[1].page_config", "non-empty");
  // Less than one bucket in 10,000; a region twice; shares printed readably.
  ExpectError(With("\"traffic\": 0.2", "\"traffic\": 0.00001"), "traffic", "at least 0.0001");
  ExpectError(With("[\"DE\", \"FR\"]", "[\"DE\", \"DE\"]"), "regions[1]", "listed twice");
  ExpectError(With("\"members\"", "\"catalog\": \"xyz\", \"members\""), "catalog", "16 lower-case hex digits");
  {
    std::string text = With("\"share\": 0.5, \"model\"", "\"share\": 0.2, \"model\"");
    text.replace(text.find("\"share\": 0.5"), 12, "\"share\": 0.1");  // 0.1 + 0.2 = 0.30000000000000004
    ExpectError(text, "cells", "summing to 1, found 0.3");
    EXPECT_EQ(ParseExperimentSpec(text, "exp.json").status().message().find("0.3000"), std::string::npos);
  }
  // The same key in two different objects is no repetition.
  EXPECT_TRUE(ParseExperimentSpec(kExample, "exp.json").ok());
}

TEST(ExperimentSpecTest, InterleavingNeedsTwoCellsThatNameTheirModelsAndNoShares) {
  const std::string interleaving = R"({"name": "x", "method": "interleaving", "start": "2026-01-01", "end": "2026-01-09",
      "cells": [{"name": "ials", "model": "m/ials"}, {"name": "ease", "model": "m/ease"}]})";
  const Result<ExperimentSpec> spec = ParseExperimentSpec(interleaving, "exp.json");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->method, ExperimentMethod::kInterleaving);
  EXPECT_EQ(*ParseExperimentSpec(ExperimentSpecJson(*spec), "again"), *spec);
  auto edit = [&](const std::string& from, const std::string& to) {
    std::string text = interleaving;
    return text.replace(text.find(from), from.size(), to);
  };
  ExpectError(edit("\"model\": \"m/ials\"", "\"share\": 0.5"), "cells[0].share", "no share");
  ExpectError(edit(", \"model\": \"m/ease\"", ""), "cells[1].model", "ranker's model directory");
  ExpectError(edit("{\"name\": \"ease\", \"model\": \"m/ease\"}",
                   "{\"name\": \"ease\", \"model\": \"m/ease\"}, {\"name\": \"knn\", \"model\": \"m/knn\"}"),
              "cells", "expected 2 cells, found 3");
  ExpectError(With("\"layer\"", "\"method\": \"ab-test\", \"layer\""), "method", "ab or interleaving");
}

}  // namespace
}  // namespace marquee::experiment
