#include "marquee/synthetic/ground_truth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>

#include "marquee/synthetic/synthetic.h"
#include "marquee/util/section_file.h"

namespace marquee {
namespace {

namespace fs = std::filesystem;

class GroundTruthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SyntheticConfig c;
    c.members = 400;
    c.titles = 150;
    c.plays = 12000;
    c.seed = 11;
    Result<SyntheticService> s = GenerateService(c);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = new SyntheticService(std::move(s).value());
  }
  static void TearDownTestSuite() {
    delete service_;
    service_ = nullptr;
  }

  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("marquee_truth_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const char* name) const { return (dir_ / name).string(); }
  const GroundTruth& truth() const { return service_->truth; }

  static SyntheticService* service_;
  fs::path dir_;
};
SyntheticService* GroundTruthTest::service_ = nullptr;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST_F(GroundTruthTest, RoundTripsThroughTheFile) {
  const std::string path = Path("truth.mqt");
  ASSERT_TRUE(SaveGroundTruth(truth(), path).ok());
  Result<GroundTruth> loaded = LoadGroundTruth(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(*loaded == truth());
  EXPECT_EQ(loaded->generator, "synthetic: seed=11 members=400 titles=150 plays=12000");
  EXPECT_EQ(loaded->seed, 11u);
  EXPECT_FLOAT_EQ(loaded->PlayProbability(5, 9, 1), static_cast<float>(truth().PlayProbability(5, 9, 1)));
}

TEST_F(GroundTruthTest, FlippedByteIsCorruption) {
  const std::string path = Path("truth.mqt");
  ASSERT_TRUE(SaveGroundTruth(truth(), path).ok());
  const std::string good = ReadAll(path);
  // One byte in the header, one in the middle (a payload), one near the end.
  for (size_t at : {size_t{20}, good.size() / 2, good.size() - 12}) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x40);
    WriteAll(path, bad);
    Result<GroundTruth> loaded = LoadGroundTruth(path);
    ASSERT_FALSE(loaded.ok()) << "flip at " << at;
    EXPECT_EQ(loaded.status().code(), Status::Code::kCorruption) << loaded.status().ToString();
    EXPECT_NE(loaded.status().message().find(path), std::string::npos);
  }
}

TEST_F(GroundTruthTest, TruncatedFileIsCorruption) {
  const std::string path = Path("truth.mqt");
  ASSERT_TRUE(SaveGroundTruth(truth(), path).ok());
  const std::string good = ReadAll(path);
  for (size_t keep : {size_t{0}, size_t{10}, size_t{40}, good.size() / 2, good.size() - 1}) {
    WriteAll(path, good.substr(0, keep));
    Result<GroundTruth> loaded = LoadGroundTruth(path);
    ASSERT_FALSE(loaded.ok()) << "kept " << keep;
    EXPECT_EQ(loaded.status().code(), Status::Code::kCorruption) << loaded.status().ToString();
  }
}

TEST_F(GroundTruthTest, MissingFileIsAnError) {
  Result<GroundTruth> loaded = LoadGroundTruth(Path("nope.mqt"));
  EXPECT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().code(), Status::Code::kOk);
}

// A file whose checksums are right but whose content contradicts itself (as
// a buggy writer could produce) must still be refused.
TEST_F(GroundTruthTest, InconsistentContentIsCorruption) {
  auto write = [&](const std::string& path, uint16_t kind, bool trailing) {
    SectionFileWriter w("MQTRUTH", kGroundTruthFormatVersion);
    ByteWriter meta;
    meta.U64(1);
    meta.String("hand-made");
    meta.U32(2);  // two genres
    meta.F64(0.1);  // mainstream share
    meta.F64(0.5);  // genre exposure
    w.AddSection(FourCC("META"), std::move(meta));
    ByteWriter members;
    members.Array<float>(std::vector<float>{0.5f, 0.5f});
    members.Array<float>(std::vector<float>{1.0f});
    members.Array<uint16_t>(std::vector<uint16_t>{kind});
    members.Array<uint32_t>(std::vector<uint32_t>{1});
    if (trailing) members.U8(0);
    w.AddSection(FourCC("MEMB"), std::move(members));
    ByteWriter titles;
    titles.Array<float>(std::vector<float>{0.5f});
    titles.Array<float>(std::vector<float>{1.0f});
    titles.Array<uint32_t>(std::vector<uint32_t>{0, 1});
    titles.Array<uint16_t>(std::vector<uint16_t>{1});
    titles.Array<float>(std::vector<float>{0.0f, 1.0f});
    w.AddSection(FourCC("TITL"), std::move(titles));
    ByteWriter artwork;
    artwork.Array<uint32_t>(std::vector<uint32_t>{0, 1});
    artwork.Array<float>(std::vector<float>{1.0f, 1.5f});
    w.AddSection(FourCC("ARTW"), std::move(artwork));
    ASSERT_TRUE(w.Write(path).ok());
  };
  const std::string path = Path("hand.mqt");
  write(path, 1, false);
  Result<GroundTruth> good = LoadGroundTruth(path);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_NEAR(good->PlayProbability(0, 0, 0), 1.5 * (0.01 + 0.4 * 0.5 * 0.5), 1e-6);
  // Written before the honesty section: every start qualifies, nothing misleads.
  EXPECT_TRUE(good->artwork_qualify.empty());
  EXPECT_EQ(good->QualifyProbability(0, 0), 1.0);
  EXPECT_FALSE(good->IsMisleading(0, 0));

  write(path, 2, false);  // kind 2 of 2 genres
  Result<GroundTruth> bad_kind = LoadGroundTruth(path);
  ASSERT_FALSE(bad_kind.ok());
  EXPECT_EQ(bad_kind.status().code(), Status::Code::kCorruption);
  EXPECT_NE(bad_kind.status().message().find("kind"), std::string::npos);

  write(path, 1, true);
  Result<GroundTruth> trailing = LoadGroundTruth(path);
  ASSERT_FALSE(trailing.ok());
  EXPECT_EQ(trailing.status().code(), Status::Code::kCorruption);
}

TEST_F(GroundTruthTest, SaveRefusesInconsistentTruth) {
  GroundTruth bad = truth();
  bad.artwork_appeal.pop_back();
  EXPECT_FALSE(SaveGroundTruth(bad, Path("bad.mqt")).ok());
  EXPECT_FALSE(fs::exists(Path("bad.mqt")));
}

TEST_F(GroundTruthTest, TrueAffinityIsAPlayDistribution) {
  const GroundTruth& t = truth();
  for (uint32_t m : {0u, 17u, 399u}) {
    double total = 0.0;
    for (uint32_t i = 0; i < t.title_count(); ++i) {
      float a = t.TrueAffinity(m, i);
      ASSERT_GE(a, 0.0f);
      total += a;
    }
    EXPECT_NEAR(total, 1.0, 1e-4) << "member " << m;
    std::vector<float> all(t.title_count());
    t.TrueAffinities(m, all);
    for (uint32_t i = 0; i < t.title_count(); ++i) ASSERT_EQ(all[i], t.TrueAffinity(m, i));
  }
}

TEST(GroundTruthSmallTest, TrueAffinitySumsToOneWithEmptyGenres) {
  SyntheticConfig c;  // 2 titles cannot cover 18 genres
  c.members = 5;
  c.titles = 2;
  c.plays = 10;
  Result<SyntheticService> s = GenerateService(c);
  ASSERT_TRUE(s.ok());
  for (uint32_t m = 0; m < 5; ++m) {
    EXPECT_NEAR(s->truth.TrueAffinity(m, 0) + s->truth.TrueAffinity(m, 1), 1.0, 1e-5);
  }
}

TEST_F(GroundTruthTest, TrueAffinityRanksHeldPlaysAboveChance) {
  // The titles each member played should sit high in their TrueAffinity
  // ranking: mean percentile well above the 0.5 of a random order.
  const GroundTruth& t = truth();
  const InteractionMatrix& x = service_->dataset.interactions;
  double percentile_sum = 0.0;
  uint64_t n = 0;
  std::vector<float> scores(t.title_count());
  for (uint32_t m = 0; m < t.member_count(); ++m) {
    for (uint32_t i = 0; i < t.title_count(); ++i) scores[i] = t.TrueAffinity(m, i);
    for (uint32_t played : x.RowIndices(m)) {
      uint32_t below = 0;
      for (float s : scores) below += s < scores[played];
      percentile_sum += static_cast<double>(below) / t.title_count();
      ++n;
    }
  }
  EXPECT_GT(percentile_sum / n, 0.7);
}

TEST_F(GroundTruthTest, ArtworkAppealFollowsMoodAndStaysAProbability) {
  const GroundTruth& t = truth();
  const Catalog& catalog = service_->dataset.catalog;
  double matched = 0.0, unmatched = 0.0;
  uint64_t n_matched = 0, n_unmatched = 0;
  for (uint32_t i = 0; i < t.title_count(); ++i) {
    const Title& title = catalog.titles()[i];
    for (uint32_t k = 0; k < title.artwork.size(); ++k) {
      const std::string& mood = title.artwork[k].tags[0];  // "mood:<genre>"
      for (uint16_t kind = 0; kind < t.kind_count(); ++kind) {
        std::string slug = catalog.genres()[kind];
        std::transform(slug.begin(), slug.end(), slug.begin(), ::tolower);
        double log_appeal = std::log(t.ArtworkAppeal(t.ArtworkIndex(i, k), kind));
        if (mood == "mood:" + slug) {
          matched += log_appeal;
          ++n_matched;
        } else {
          unmatched += log_appeal;
          ++n_unmatched;
        }
      }
    }
  }
  ASSERT_GT(n_matched, 100u);
  EXPECT_GT(matched / n_matched - unmatched / n_unmatched, 0.3);
  for (uint32_t m = 0; m < t.member_count(); m += 37) {
    for (uint32_t i = 0; i < t.title_count(); i += 7) {
      for (uint32_t k = 0; k < t.ArtworkCount(i); ++k) {
        double p = t.PlayProbability(m, i, k);
        ASSERT_GE(p, 0.0);
        ASSERT_LE(p, 1.0);
      }
    }
  }
}

TEST_F(GroundTruthTest, PlayProbabilityRewardsTasteMatch) {
  // Averaged over artwork, a member is likelier to play titles of their
  // dominant genre than titles without it.
  const GroundTruth& t = truth();
  double in = 0.0, out = 0.0;
  uint64_t n_in = 0, n_out = 0;
  for (uint32_t m = 0; m < t.member_count(); ++m) {
    for (uint32_t i = 0; i < t.title_count(); ++i) {
      std::span<const uint16_t> g = t.TitleGenres(i);
      bool has = std::find(g.begin(), g.end(), t.Kind(m)) != g.end();
      double p = t.PlayProbability(m, i, 0);
      (has ? in : out) += p;
      ++(has ? n_in : n_out);
    }
  }
  EXPECT_GT(in / n_in, 3.0 * (out / n_out));
}

}  // namespace
}  // namespace marquee
