// simulate-artwork's honest-artwork and consent-gate flags end to end:
// --reward, --sessions-per-change, --allow-misrepresenting-artwork and the
// price of consent (--consents, --territory, --at), and their usage errors.
#include <gtest/gtest.h>

#include <string>

#include "../test_util.h"
#include "cli_runner.h"

namespace marquee::test {
namespace {

class CliHonestArtworkTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    RunResult generated = RunCli("generate --members 1500 --titles 200 --plays 30000 --seed 8 --out " + Data() +
                                 " --truth " + Truth() + " --consents " + Consents());
    ASSERT_EQ(generated.exit_code, 0) << generated.output;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string Data() { return dir_->File("service.mqd"); }
  static std::string Truth() { return dir_->File("truth.mqt"); }
  static std::string Consents() { return dir_->File("consents.jsonl"); }
  static RunResult Simulate(const std::string& flags) {
    return RunCli("simulate-artwork --data " + Data() + " --truth " + Truth() +
                  " --rounds 8000 --policy uniform --policy linucb:model=disjoint " + flags);
  }

  static TempDir* dir_;
};

TempDir* CliHonestArtworkTest::dir_ = nullptr;

bool Has(const std::string& text, const std::string& words) { return text.find(words) != std::string::npos; }

TEST_F(CliHonestArtworkTest, ThePriceOfConsentAndTheMisleadingArtwork) {
  RunResult r = Simulate("--reward both --consents " + Consents() + " --territory US --at 2026-01-01");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* words :
       {"reward: qualifying plays", "variants excluded", "start rate", "qualifying rate", "misleading shown",
        "Misleading artwork", "(start reward)", "Price of consent (personalized artwork in US at 2026-01-01",
        "variants ineligible:", "titles left with only a title card", "lift lost", "regret % of consented oracle",
        "the consented oracle makes"}) {
    EXPECT_TRUE(Has(r.output, words)) << words << "\n" << r.output;
  }
}

TEST_F(CliHonestArtworkTest, RewardStartHeldArtworkAndAllowedMisrepresentation) {
  RunResult r = Simulate("--reward start --sessions-per-change 3 --allow-misrepresenting-artwork");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Has(r.output, "reward: start plays, artwork held 3 sessions")) << r.output;
  EXPECT_TRUE(Has(r.output, "variants that misrepresent the cast are allowed")) << r.output;
  EXPECT_FALSE(Has(r.output, "Price of consent")) << r.output;
  // The default day is the dataset's latest event day.
  RunResult gated = Simulate("--consents " + Consents());
  ASSERT_EQ(gated.exit_code, 0) << gated.output;
  EXPECT_TRUE(Has(gated.output, "in US at 2025-12-31")) << gated.output;
}

TEST_F(CliHonestArtworkTest, BadFlagsAreUsageErrorsNamingTheFlag) {
  const std::pair<std::string, std::string> cases[] = {
      {"--reward plays", "--reward"},
      {"--sessions-per-change 0", "--sessions-per-change"},
      {"--consents " + Consents() + " --territory usa", "--territory"},
      {"--consents " + Consents() + " --at 2025-13-01", "--at"},
      {"--territory US", "--territory"},  // needs --consents
  };
  for (const auto& [flags, flag] : cases) {
    RunResult r = Simulate(flags);
    EXPECT_EQ(r.exit_code, 2) << flags << "\n" << r.output;
    EXPECT_TRUE(Has(r.output, flag)) << flags << "\n" << r.output;
  }
  RunResult missing = Simulate("--consents " + dir_->File("nope.jsonl"));
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_TRUE(Has(missing.output, "nope.jsonl")) << missing.output;
}

}  // namespace
}  // namespace marquee::test
