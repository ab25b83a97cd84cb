#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "marquee/bandit/policy.h"
#include "marquee/util/section_file.h"
#include "policy_test_util.h"
#include "../test_util.h"

namespace marquee {
namespace {

using test::MakePolicy;
using test::PolicyWorld;

const std::vector<std::pair<std::string, std::string>> kPolicies = {
    {"uniform", ""},
    {"epsilon-greedy", "epsilon=0.2,lambda=0.5"},
    {"linucb", "alpha=0.3"},
    {"linucb", "model=disjoint"},
    {"thompson", "samples=200"},
    {"thompson", "model=disjoint,scale=0.8"}};

TEST(PolicyFileTest, RoundTripGivesIdenticalProbabilities) {
  test::TempDir dir;
  PolicyWorld world;
  for (const auto& [kind, params] : kPolicies) {
    auto policy = MakePolicy(world, kind, params);
    ASSERT_NE(policy, nullptr);
    world.Train(*policy, 80, 1);
    const std::string path = dir.File(kind + ".mqp");
    Status saved = SaveArtworkPolicy(*policy, world.catalog, path);
    ASSERT_TRUE(saved.ok()) << saved.ToString();

    Result<std::unique_ptr<ArtworkPolicy>> loaded =
        LoadArtworkPolicy(path, world.catalog, world.features);
    ASSERT_TRUE(loaded.ok()) << kind << ": " << loaded.status().ToString();
    EXPECT_EQ((*loaded)->kind(), kind);
    EXPECT_EQ((*loaded)->parameters(), policy->parameters());
    for (uint32_t title = 0; title < world.features->title_count(); ++title) {
      for (const ArtworkContext& c : {world.Drama(title), world.Horror(title)}) {
        EXPECT_EQ(world.Probabilities(**loaded, c), world.Probabilities(*policy, c))
            << kind << " " << params << " title " << title;
      }
    }
    // It goes on learning from where it stopped.
    world.Train(*policy, 5, 2);
    world.Train(**loaded, 5, 2);
    EXPECT_EQ(world.Probabilities(**loaded, world.Drama(0)),
              world.Probabilities(*policy, world.Drama(0)))
        << kind;
  }
}

TEST(PolicyFileTest, DamagedFileIsRefused) {
  test::TempDir dir;
  PolicyWorld world;
  auto policy = MakePolicy(world, "linucb", "model=disjoint");
  world.Train(*policy, 40, 3);
  const std::string path = dir.File("policy.mqp");
  ASSERT_TRUE(SaveArtworkPolicy(*policy, world.catalog, path).ok());
  std::string bytes = test::ReadFile(path);
  ASSERT_GT(bytes.size(), 100u);
  for (size_t at : {size_t{3}, size_t{40}, bytes.size() / 2, bytes.size() - 20}) {
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x10);
    test::WriteFile(path, damaged);
    Result<std::unique_ptr<ArtworkPolicy>> loaded =
        LoadArtworkPolicy(path, world.catalog, world.features);
    ASSERT_FALSE(loaded.ok()) << "byte " << at;
    EXPECT_NE(loaded.status().message().find(path), std::string::npos)
        << loaded.status().ToString();
  }
  test::WriteFile(path, bytes.substr(0, bytes.size() - 9));
  EXPECT_FALSE(LoadArtworkPolicy(path, world.catalog, world.features).ok());
  EXPECT_FALSE(LoadArtworkPolicy(dir.File("missing.mqp"), world.catalog, world.features).ok());
}

TEST(PolicyFileTest, FileForAnotherCatalogIsRefused) {
  test::TempDir dir;
  PolicyWorld world;
  auto policy = MakePolicy(world, "thompson");
  world.Train(*policy, 20, 4);
  const std::string path = dir.File("policy.mqp");
  ASSERT_TRUE(SaveArtworkPolicy(*policy, world.catalog, path).ok());

  // Same number of artworks, one id changed.
  Catalog renamed = world.catalog;
  renamed.titles()[2].artwork[0].id = "t2-new";
  auto renamed_features = std::make_shared<ArtworkFeatures>(renamed);
  Result<std::unique_ptr<ArtworkPolicy>> loaded = LoadArtworkPolicy(path, renamed, renamed_features);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(loaded.status().message().find(path), std::string::npos);
  EXPECT_NE(loaded.status().message().find("different artwork ids"), std::string::npos)
      << loaded.status().ToString();

  // Same ids in the same order, split differently between titles.
  Catalog moved = world.catalog;
  moved.titles()[1].artwork.push_back(moved.titles()[2].artwork[0]);
  moved.titles()[2].artwork.clear();
  loaded = LoadArtworkPolicy(path, moved, std::make_shared<ArtworkFeatures>(moved));
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("different artwork ids or titles"), std::string::npos)
      << loaded.status().ToString();

  // One more artwork.
  Catalog bigger = world.catalog;
  bigger.titles()[2].artwork.push_back(Artwork{"t2-b", {"style:text"}, {}, false});
  loaded = LoadArtworkPolicy(path, bigger, std::make_shared<ArtworkFeatures>(bigger));
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find(path), std::string::npos);
  EXPECT_NE(loaded.status().message().find("9 artworks, this catalog has 10"), std::string::npos)
      << loaded.status().ToString();

  // Features of another catalog than the one given.
  loaded = LoadArtworkPolicy(path, world.catalog, std::make_shared<ArtworkFeatures>(bigger));
  EXPECT_FALSE(loaded.ok());
}

// Rewrites a saved policy file with other metadata (kind, parameters text).
void RewriteMeta(const std::string& path, const std::string& kind, const std::string& params) {
  Result<SectionFileReader> in = SectionFileReader::Open(path, "MQPOLICY", 1, "policy");
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  SectionFileWriter out("MQPOLICY", 1);
  ByteWriter meta;
  meta.String(kind);
  meta.String(params);
  out.AddSection(FourCC("META"), std::move(meta));
  for (uint32_t t : {FourCC("ARTF"), FourCC("STAT")}) {
    ByteWriter copy;
    copy.Raw(in->Section(t)->data(), in->Section(t)->size());
    out.AddSection(t, std::move(copy));
  }
  const std::string tmp = path + ".new";
  ASSERT_TRUE(out.Write(tmp).ok());
  std::rename(tmp.c_str(), path.c_str());
}

TEST(PolicyFileTest, KindAndParametersInTheFileAreValidatedAgain) {
  test::TempDir dir;
  PolicyWorld world;
  auto policy = MakePolicy(world, "linucb", "alpha=0.5");
  const std::string path = dir.File("policy.mqp");
  ASSERT_TRUE(SaveArtworkPolicy(*policy, world.catalog, path).ok());
  RewriteMeta(path, "linucb", "alpha=0.5");  // unchanged: still loads
  ASSERT_TRUE(LoadArtworkPolicy(path, world.catalog, world.features).ok());

  RewriteMeta(path, "linucb", "alpah=0.5");
  Result<std::unique_ptr<ArtworkPolicy>> loaded =
      LoadArtworkPolicy(path, world.catalog, world.features);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find(path), std::string::npos);
  EXPECT_NE(loaded.status().message().find("alpah"), std::string::npos);

  RewriteMeta(path, "bandit-9000", "");
  loaded = LoadArtworkPolicy(path, world.catalog, world.features);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("bandit-9000"), std::string::npos);

  // A disjoint policy's name on a shared policy's state.
  RewriteMeta(path, "linucb", "model=disjoint");
  loaded = LoadArtworkPolicy(path, world.catalog, world.features);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), Status::Code::kCorruption);
  EXPECT_NE(loaded.status().message().find(path), std::string::npos);
}

}  // namespace
}  // namespace marquee

namespace marquee {
namespace {

TEST(PolicySpecTest, FilesOnlyByTheirExplicitForms) {
  test::TempDir dir;
  test::PolicyWorld world;
  auto policy = test::MakePolicy(world, "linucb", "alpha=0.3");
  ASSERT_NE(policy, nullptr);
  world.Train(*policy, 40, 1);
  const std::string mqp = dir.File("trained.mqp");
  ASSERT_TRUE(SaveArtworkPolicy(*policy, world.catalog, mqp).ok());
  const std::string bare = dir.File("trained-policy");  // a file without the suffix
  ASSERT_TRUE(SaveArtworkPolicy(*policy, world.catalog, bare).ok());

  for (const std::string& spec : {mqp, "file:" + mqp, "file:" + bare}) {
    Result<std::unique_ptr<ArtworkPolicy>> loaded =
        CreateArtworkPolicyFromSpec(spec, world.catalog, world.features);
    ASSERT_TRUE(loaded.ok()) << spec << ": " << loaded.status().ToString();
    EXPECT_EQ(world.Probabilities(**loaded, world.Drama(0)), world.Probabilities(*policy, world.Drama(0)));
  }
  // An existing file is not read unless the spec says so: the bare path is
  // taken as a (misspelt) kind.
  Result<std::unique_ptr<ArtworkPolicy>> guessed =
      CreateArtworkPolicyFromSpec(bare, world.catalog, world.features);
  ASSERT_FALSE(guessed.ok());
  EXPECT_NE(guessed.status().message().find("unknown artwork policy"), std::string::npos);
  // A missing file is an error naming it, not a kind.
  Result<std::unique_ptr<ArtworkPolicy>> missing =
      CreateArtworkPolicyFromSpec("file:/no/such/policy", world.catalog, world.features);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/no/such/policy"), std::string::npos);
  EXPECT_FALSE(CreateArtworkPolicyFromSpec("file:", world.catalog, world.features).ok());
  // Without the catalog, file specs are refused rather than guessed.
  EXPECT_FALSE(CreateArtworkPolicyFromSpec(mqp, world.features).ok());
}

TEST(PolicySpecTest, KindsWithParametersAndAMisspeltKind) {
  test::PolicyWorld world;
  Result<std::unique_ptr<ArtworkPolicy>> linucb =
      CreateArtworkPolicyFromSpec("linucb:alpha=0.5", world.catalog, world.features);
  ASSERT_TRUE(linucb.ok()) << linucb.status().ToString();
  EXPECT_EQ(ArtworkPolicyName(**linucb), "linucb alpha=0.5");
  Result<std::unique_ptr<ArtworkPolicy>> thompson = CreateArtworkPolicyFromSpec("thompson", world.features);
  ASSERT_TRUE(thompson.ok()) << thompson.status().ToString();
  EXPECT_EQ((*thompson)->kind(), "thompson");

  Result<std::unique_ptr<ArtworkPolicy>> typo =
      CreateArtworkPolicyFromSpec("thomspon:scale=0.3", world.catalog, world.features);
  ASSERT_FALSE(typo.ok());
  const std::string& message = typo.status().message();
  EXPECT_NE(message.find("\"thomspon:scale=0.3\""), std::string::npos) << message;
  for (const char* expected : {"uniform", "epsilon-greedy", "linucb", "thompson", "file:PATH", ".mqp"}) {
    EXPECT_NE(message.find(expected), std::string::npos) << expected << " missing from: " << message;
  }
}

}  // namespace
}  // namespace marquee
