#include "marquee/eval/split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <set>
#include <tuple>
#include <vector>

#include "../test_util.h"
#include "marquee/util/random.h"
#include "marquee/util/threads.h"

namespace marquee {
namespace {

using test::ReadFile;
using test::TempDir;
using test::WriteFile;

constexpr int64_t kDay = 86400;
constexpr int64_t kJan1 = 1577836800;  // 2020-01-01T00:00:00Z

// One interaction, comparable, so partitions can be checked as multisets.
using Entry = std::tuple<uint32_t, uint32_t, float, int64_t>;  // member, title, weight, time

std::vector<Entry> Entries(const InteractionMatrix& m) {
  std::vector<Entry> out;
  for (uint32_t r = 0; r < m.rows(); ++r) {
    for (uint64_t i = m.RowBegin(r); i < m.RowEnd(r); ++i) {
      out.emplace_back(r, m.indices()[i], m.weights()[i], m.has_times() ? m.times()[i] : 0);
    }
  }
  return out;
}

std::vector<Entry> Union(std::initializer_list<const InteractionMatrix*> parts) {
  std::vector<Entry> all;
  for (const InteractionMatrix* m : parts) {
    std::vector<Entry> e = Entries(*m);
    all.insert(all.end(), e.begin(), e.end());
  }
  std::sort(all.begin(), all.end());
  return all;
}

std::vector<uint32_t> Row(const InteractionMatrix& m, uint32_t r) {
  auto titles = m.RowIndices(r);
  return {titles.begin(), titles.end()};
}

std::vector<uint32_t> EvaluatedSet(const EvalSplit& s) {
  std::vector<uint32_t> out;
  for (uint32_t r = 0; r < s.target.rows(); ++r) {
    if (s.target.RowLength(r) > 0) out.push_back(r);
  }
  return out;
}

uint32_t ExpectedHoldout(uint32_t n, double fraction) {
  return static_cast<uint32_t>(
      std::clamp<long long>(std::llround(fraction * n), 1, static_cast<long long>(n) - 1));
}

void ExpectSameShape(const InteractionMatrix& data, const EvalSplit& s) {
  for (const InteractionMatrix* m : {&s.train, &s.query, &s.target}) {
    EXPECT_EQ(m->rows(), data.rows());
    EXPECT_EQ(m->cols(), data.cols());
    EXPECT_TRUE(m->Validate().ok()) << m->Validate().ToString();
  }
}

bool SameSplit(const EvalSplit& a, const EvalSplit& b) {
  return a.train == b.train && a.query == b.query && a.target == b.target &&
         a.fold_in == b.fold_in;
}

// Members with 0..max_len distinct titles, random weights, and times spread
// over `days` days from 2020-01-01 (with some exact ties).
InteractionMatrix RandomMatrix(uint32_t rows, uint32_t cols, uint32_t max_len, uint64_t seed,
                               int64_t days = 1000) {
  Rng rng(seed);
  InteractionBuilder b;
  std::vector<uint32_t> titles(cols);
  for (uint32_t r = 0; r < rows; ++r) {
    for (uint32_t c = 0; c < cols; ++c) titles[c] = c;
    const uint32_t n = rng.Below(max_len + 1);
    for (uint32_t i = 0; i < n; ++i) {
      std::swap(titles[i], titles[i + rng.Below(cols - i)]);
      const int64_t time = kJan1 + (rng.Below(4) == 0 ? kDay * rng.Below(static_cast<uint32_t>(days))
                                                       : rng.Below(static_cast<uint32_t>(days * kDay)));
      b.Add(r, titles[i], 1.0f + rng.Below(5), time);
    }
  }
  return b.Build(rows, cols, DuplicateRule::kSum);
}

SplitOptions Options(SplitProtocol protocol) {
  SplitOptions o;
  o.protocol = protocol;
  o.split_time = kJan1 + 800 * kDay;
  o.heldout_members = 20;
  return o;
}

// ---------------------------------------------------------------- options

TEST(SplitProtocolTest, NamesRoundTrip) {
  for (SplitProtocol p : {SplitProtocol::kRandomHoldout, SplitProtocol::kLeaveLastOut,
                          SplitProtocol::kTemporal, SplitProtocol::kStrongGeneralization}) {
    Result<SplitProtocol> parsed = ParseSplitProtocol(SplitProtocolName(p));
    ASSERT_TRUE(parsed.ok()) << SplitProtocolName(p);
    EXPECT_EQ(*parsed, p);
  }
  EXPECT_EQ(SplitProtocolName(SplitProtocol::kRandomHoldout), "random-holdout");
  EXPECT_EQ(SplitProtocolName(SplitProtocol::kLeaveLastOut), "leave-last-out");
  EXPECT_EQ(SplitProtocolName(SplitProtocol::kTemporal), "temporal");
  EXPECT_EQ(SplitProtocolName(SplitProtocol::kStrongGeneralization), "strong-generalization");
  Result<SplitProtocol> random = ParseSplitProtocol("random");
  ASSERT_FALSE(random.ok());
  EXPECT_NE(random.status().message().find("found \"random\""), std::string::npos)
      << random.status().message();
  EXPECT_FALSE(ParseSplitProtocol("").ok());
}

TEST(SplitOptionsTest, ValidateNamesTheField) {
  EXPECT_TRUE(SplitOptions().Validate().ok());
  for (double bad : {0.0, 1.0, -0.1, 1.5, std::nan("")}) {
    SplitOptions o;
    o.fraction = bad;
    Status s = o.Validate();
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
    EXPECT_NE(s.message().find("fraction"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("between 0 and 1"), std::string::npos) << s.message();
  }
  SplitOptions o;
  o.last_n = 0;
  Status s = o.Validate();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("last_n"), std::string::npos) << s.message();

  SplitOptions bad_protocol;
  bad_protocol.protocol = static_cast<SplitProtocol>(9);
  EXPECT_NE(bad_protocol.Validate().message().find("protocol"), std::string::npos);
}

TEST(EvalSplitTest, EvaluatedMembersCountsNonEmptyTargets) {
  InteractionBuilder b;
  b.Add(0, 1, 1);
  b.Add(2, 0, 1);
  b.Add(2, 3, 1);
  EvalSplit s;
  s.target = b.Build(4, 4, DuplicateRule::kSum);
  EXPECT_EQ(s.EvaluatedMembers(), 2u);
  EXPECT_EQ(EvalSplit().EvaluatedMembers(), 0u);
}

// ---------------------------------------------------------- random holdout

TEST(RandomHoldoutSplitTest, HandMadeMatrix) {
  InteractionBuilder b;
  for (uint32_t t = 0; t < 5; ++t) b.Add(0, t, 1.0f + t, kJan1 + t);
  b.Add(1, 2, 7.0f, kJan1);                             // one interaction: not evaluated
  for (uint32_t t = 0; t < 10; ++t) b.Add(2, t, 0.5f, kJan1 + 10 * t);
  const InteractionMatrix data = b.Build(4, 10, DuplicateRule::kSum);  // member 3: none

  SplitOptions o;
  o.fraction = 0.4;
  Result<EvalSplit> s = MakeSplit(data, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ExpectSameShape(data, *s);
  EXPECT_FALSE(s->fold_in);
  EXPECT_EQ(s->target.RowLength(0), 2u);  // round(0.4 * 5)
  EXPECT_EQ(s->target.RowLength(1), 0u);
  EXPECT_EQ(s->target.RowLength(2), 4u);  // round(0.4 * 10)
  EXPECT_EQ(s->target.RowLength(3), 0u);
  EXPECT_EQ(s->train.RowLength(0), 3u);
  EXPECT_EQ(Row(s->train, 1), std::vector<uint32_t>{2});
  EXPECT_EQ(s->EvaluatedMembers(), 2u);
  // Query is the train history of evaluated members only.
  EXPECT_EQ(Row(s->query, 0), Row(s->train, 0));
  EXPECT_EQ(s->query.RowLength(1), 0u);
  EXPECT_EQ(Row(s->query, 2), Row(s->train, 2));
  // Weights and times travel with their titles.
  EXPECT_EQ(Union({&s->train, &s->target}), Entries(data));
  for (uint32_t r : {0u, 2u}) {
    auto titles = s->query.RowIndices(r);
    for (size_t i = 0; i < titles.size(); ++i) {
      const uint64_t j = s->train.RowBegin(r) + i;
      EXPECT_EQ(titles[i], s->train.indices()[j]);
      EXPECT_EQ(s->query.RowWeights(r)[i], s->train.weights()[j]);
      EXPECT_EQ(s->query.RowTimes(r)[i], s->train.times()[j]);
    }
  }
}

TEST(RandomHoldoutSplitTest, FractionRespectedPerMember) {
  const InteractionMatrix data = RandomMatrix(300, 80, 40, 1);
  for (double fraction : {0.01, 0.2, 0.5, 0.99}) {
    SplitOptions o;
    o.fraction = fraction;
    o.min_history = 3;
    Result<EvalSplit> s = MakeSplit(data, o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    for (uint32_t r = 0; r < data.rows(); ++r) {
      const uint32_t n = data.RowLength(r);
      const uint32_t expected = n >= 3 ? ExpectedHoldout(n, fraction) : 0;
      ASSERT_EQ(s->target.RowLength(r), expected) << "member " << r << " n " << n;
      if (n >= 3) {
        EXPECT_GE(s->target.RowLength(r), 1u);
        EXPECT_LE(s->target.RowLength(r), n - 1);
      }
    }
  }
}

TEST(RandomHoldoutSplitTest, MembersBelowMinHistoryStayInTrain) {
  const InteractionMatrix data = RandomMatrix(200, 60, 20, 2);
  SplitOptions o;
  o.min_history = 10;
  Result<EvalSplit> s = MakeSplit(data, o);
  ASSERT_TRUE(s.ok());
  uint32_t short_members = 0;
  for (uint32_t r = 0; r < data.rows(); ++r) {
    if (data.RowLength(r) >= 10) continue;
    ++short_members;
    EXPECT_EQ(Row(s->train, r), Row(data, r));
    EXPECT_EQ(s->target.RowLength(r), 0u);
    EXPECT_EQ(s->query.RowLength(r), 0u);
  }
  EXPECT_GT(short_members, 50u);
}

// ---------------------------------------------------------- leave-last-out

TEST(LeaveLastOutSplitTest, PicksTheLatestTimesAndBreaksTiesByTitle) {
  InteractionBuilder b;
  // Member 0: latest are title 0 (t=400) and title 2 (t=300).
  b.Add(0, 0, 1, 400);
  b.Add(0, 1, 2, 100);
  b.Add(0, 2, 3, 300);
  b.Add(0, 3, 4, 200);
  // Member 1: three titles tie at t=70; the higher title indices count as later.
  b.Add(1, 1, 1, 70);
  b.Add(1, 4, 1, 70);
  b.Add(1, 6, 1, 70);
  b.Add(1, 8, 1, 10);
  // Member 2: two interactions, fewer than last_n + 1.
  b.Add(2, 3, 1, 500);
  b.Add(2, 5, 1, 600);
  const InteractionMatrix data = b.Build(3, 9, DuplicateRule::kSum);

  SplitOptions o;
  o.protocol = SplitProtocol::kLeaveLastOut;
  o.last_n = 2;
  Result<EvalSplit> s = MakeSplit(data, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ExpectSameShape(data, *s);
  EXPECT_EQ(Row(s->target, 0), (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(Row(s->train, 0), (std::vector<uint32_t>{1, 3}));
  EXPECT_EQ(std::vector<int64_t>(s->target.RowTimes(0).begin(), s->target.RowTimes(0).end()),
            (std::vector<int64_t>{400, 300}));
  EXPECT_EQ(std::vector<float>(s->target.RowWeights(0).begin(), s->target.RowWeights(0).end()),
            (std::vector<float>{1, 3}));
  EXPECT_EQ(Row(s->target, 1), (std::vector<uint32_t>{4, 6}));
  EXPECT_EQ(Row(s->train, 1), (std::vector<uint32_t>{1, 8}));
  EXPECT_EQ(s->target.RowLength(2), 0u);
  EXPECT_EQ(Row(s->train, 2), (std::vector<uint32_t>{3, 5}));
  EXPECT_EQ(Row(s->query, 0), Row(s->train, 0));
  EXPECT_EQ(s->query.RowLength(2), 0u);

  o.last_n = 1;
  s = MakeSplit(data, o);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Row(s->target, 1), std::vector<uint32_t>{6});
  EXPECT_EQ(Row(s->target, 2), std::vector<uint32_t>{5});
}

TEST(LeaveLastOutSplitTest, EveryTargetIsNoEarlierThanEveryTrainEntry) {
  const InteractionMatrix data = RandomMatrix(200, 80, 30, 3);
  SplitOptions o;
  o.protocol = SplitProtocol::kLeaveLastOut;
  o.last_n = 3;
  o.min_history = 5;
  Result<EvalSplit> s = MakeSplit(data, o);
  ASSERT_TRUE(s.ok());
  for (uint32_t r = 0; r < data.rows(); ++r) {
    const uint32_t n = data.RowLength(r);
    ASSERT_EQ(s->target.RowLength(r), n >= 5 ? 3u : 0u);
    if (n < 5) continue;
    auto train_times = s->train.RowTimes(r);
    auto target_times = s->target.RowTimes(r);
    EXPECT_LE(*std::max_element(train_times.begin(), train_times.end()),
              *std::min_element(target_times.begin(), target_times.end()));
  }
}

TEST(LeaveLastOutSplitTest, NeedsTimes) {
  InteractionBuilder b;
  b.Add(0, 0, 1);
  b.Add(0, 1, 1);
  b.Add(0, 2, 1);
  SplitOptions o;
  o.protocol = SplitProtocol::kLeaveLastOut;
  Result<EvalSplit> s = MakeSplit(b.Build(1, 3, DuplicateRule::kSum), o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.status().message(), "leave-last-out needs interaction times, and this data has none");
}

// ---------------------------------------------------------------- temporal

InteractionMatrix TemporalExample() {
  InteractionBuilder b;
  b.Add(0, 0, 1, kJan1);  // member 0: two before, two at/after the split
  b.Add(0, 1, 2, kJan1 + 1 * kDay);
  b.Add(0, 2, 3, kJan1 + 2 * kDay);  // exactly at the split time: target
  b.Add(0, 3, 4, kJan1 + 3 * kDay);
  b.Add(1, 4, 1, kJan1 + 2 * kDay);  // member 1: only future (cold)
  b.Add(1, 5, 1, kJan1 + 5 * kDay);
  b.Add(2, 0, 1, kJan1);  // member 2: only past
  b.Add(2, 6, 1, kJan1 + 1 * kDay);
  b.Add(3, 1, 1, kJan1 + 1 * kDay);  // member 3: one before, one after
  b.Add(3, 7, 5, kJan1 + 4 * kDay);
  return b.Build(4, 8, DuplicateRule::kSum);
}

TEST(TemporalSplitTest, SplitsExactlyAtTheTime) {
  const InteractionMatrix data = TemporalExample();
  SplitOptions o;
  o.protocol = SplitProtocol::kTemporal;
  o.split_time = kJan1 + 2 * kDay;
  Result<EvalSplit> s = MakeSplit(data, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ExpectSameShape(data, *s);
  EXPECT_EQ(Row(s->train, 0), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(Row(s->target, 0), (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(s->train.RowLength(1), 0u);  // cold member: future dropped
  EXPECT_EQ(s->target.RowLength(1), 0u);
  EXPECT_EQ(Row(s->train, 2), (std::vector<uint32_t>{0, 6}));
  EXPECT_EQ(s->target.RowLength(2), 0u);
  EXPECT_EQ(Row(s->train, 3), std::vector<uint32_t>{1});
  EXPECT_EQ(Row(s->target, 3), std::vector<uint32_t>{7});
  EXPECT_EQ(s->target.RowWeights(3)[0], 5.0f);
  EXPECT_EQ(s->target.RowTimes(3)[0], kJan1 + 4 * kDay);
  EXPECT_EQ(s->EvaluatedMembers(), 2u);
  EXPECT_EQ(Row(s->query, 0), Row(s->train, 0));
  EXPECT_EQ(s->query.RowLength(2), 0u);
  for (int64_t t : s->train.times()) EXPECT_LT(t, o.split_time);
  for (int64_t t : s->target.times()) EXPECT_GE(t, o.split_time);

  // With min_history 3, member 3 is not evaluated and their future is dropped.
  o.min_history = 3;
  s = MakeSplit(data, o);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Row(s->train, 3), std::vector<uint32_t>{1});
  EXPECT_EQ(s->target.RowLength(3), 0u);
  EXPECT_EQ(s->EvaluatedMembers(), 1u);
}

TEST(TemporalSplitTest, SplitTimeMustLieInsideTheRange) {
  const InteractionMatrix data = TemporalExample();  // 2020-01-01 .. 2020-01-06
  SplitOptions o;
  o.protocol = SplitProtocol::kTemporal;
  for (int64_t bad : {kJan1 - 1, kJan1, kJan1 + 5 * kDay + 1, kJan1 + 400 * kDay}) {
    o.split_time = bad;
    Result<EvalSplit> s = MakeSplit(data, o);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.status().code(), Status::Code::kInvalidArgument);
    const std::string& m = s.status().message();
    EXPECT_NE(m.find("split_time"), std::string::npos) << m;
    EXPECT_NE(m.find("2020-01-01"), std::string::npos) << m;
    EXPECT_NE(m.find("2020-01-06"), std::string::npos) << m;
  }
  o.split_time = kJan1 + 400 * kDay;
  EXPECT_NE(MakeSplit(data, o).status().message().find("2021-02-04"), std::string::npos);
  o.split_time = kJan1 + 5 * kDay + 1;
  EXPECT_NE(MakeSplit(data, o).status().message().find("2020-01-06T00:00:01Z"),
            std::string::npos);
  // The latest time itself still leaves something on both sides.
  o.split_time = kJan1 + 5 * kDay;
  Result<EvalSplit> s = MakeSplit(data, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->target.nnz(), 1u);  // only member 1 has something that late
  EXPECT_EQ(Row(s->target, 1), std::vector<uint32_t>{5});
  o.split_time = kJan1 + 1;
  EXPECT_TRUE(MakeSplit(data, o).ok());
}

TEST(TemporalSplitTest, NeedsTimes) {
  InteractionBuilder b;
  b.Add(0, 0, 1);
  b.Add(0, 1, 1);
  SplitOptions o;
  o.protocol = SplitProtocol::kTemporal;
  o.split_time = kJan1;
  Result<EvalSplit> s = MakeSplit(b.Build(1, 2, DuplicateRule::kSum), o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "temporal needs interaction times, and this data has none");
}

TEST(TemporalSplitTest, DropsOnlyTheFutureOfMembersNotEvaluated) {
  const InteractionMatrix data = RandomMatrix(300, 80, 30, 4);
  SplitOptions o = Options(SplitProtocol::kTemporal);
  o.min_history = 4;
  Result<EvalSplit> s = MakeSplit(data, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ExpectSameShape(data, *s);
  uint32_t dropped_members = 0;
  for (uint32_t r = 0; r < data.rows(); ++r) {
    std::vector<uint32_t> past, future;
    auto titles = data.RowIndices(r);
    auto times = data.RowTimes(r);
    for (size_t i = 0; i < titles.size(); ++i) {
      (times[i] < o.split_time ? past : future).push_back(titles[i]);
    }
    EXPECT_EQ(Row(s->train, r), past);  // the whole past, always
    const bool evaluated = !past.empty() && !future.empty() && titles.size() >= 4;
    EXPECT_EQ(Row(s->target, r), evaluated ? future : std::vector<uint32_t>{});
    EXPECT_EQ(Row(s->query, r), evaluated ? past : std::vector<uint32_t>{});
    if (!evaluated && !future.empty()) ++dropped_members;
  }
  EXPECT_GT(dropped_members, 0u);
  EXPECT_GT(s->EvaluatedMembers(), 100u);
}

// --------------------------------------------------- strong generalization

TEST(StrongGeneralizationSplitTest, HoldsOutExactlyTheRequestedMembers) {
  const InteractionMatrix data = RandomMatrix(200, 100, 30, 5);
  SplitOptions o = Options(SplitProtocol::kStrongGeneralization);
  o.heldout_members = 25;
  o.min_history = 5;
  o.fraction = 0.3;
  Result<EvalSplit> s = MakeSplit(data, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ExpectSameShape(data, *s);
  EXPECT_TRUE(s->fold_in);
  EXPECT_EQ(s->EvaluatedMembers(), 25u);
  uint32_t held = 0;
  for (uint32_t r = 0; r < data.rows(); ++r) {
    const uint32_t n = data.RowLength(r);
    if (s->target.RowLength(r) > 0) {
      ++held;
      EXPECT_GE(n, 5u);
      EXPECT_EQ(s->train.RowLength(r), 0u);
      EXPECT_EQ(s->target.RowLength(r), ExpectedHoldout(n, 0.3));
      EXPECT_EQ(s->query.RowLength(r) + s->target.RowLength(r), n);
    } else {
      EXPECT_EQ(Row(s->train, r), Row(data, r));
      EXPECT_EQ(s->query.RowLength(r), 0u);
    }
  }
  EXPECT_EQ(held, 25u);
  EXPECT_EQ(Union({&s->train, &s->query, &s->target}), Entries(data));
}

TEST(StrongGeneralizationSplitTest, DefaultHoldsOutTenPercent) {
  const InteractionMatrix data = RandomMatrix(200, 50, 20, 6);
  SplitOptions o;
  o.protocol = SplitProtocol::kStrongGeneralization;
  Result<EvalSplit> s = MakeSplit(data, o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->EvaluatedMembers(), 20u);

  InteractionBuilder b;  // 3 members: 10% rounds to 0, so 1
  for (uint32_t r = 0; r < 3; ++r) {
    b.Add(r, 0, 1);
    b.Add(r, 1, 1);
  }
  s = MakeSplit(b.Build(3, 2, DuplicateRule::kSum), o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->EvaluatedMembers(), 1u);
}

TEST(StrongGeneralizationSplitTest, TooManyHeldOutMembers) {
  const InteractionMatrix data = RandomMatrix(50, 40, 20, 7);
  SplitOptions o;
  o.protocol = SplitProtocol::kStrongGeneralization;
  o.heldout_members = 50;
  Result<EvalSplit> s = MakeSplit(data, o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.status().message().find("heldout_members"), std::string::npos);
  EXPECT_NE(s.status().message().find("fewer than the 50 members"), std::string::npos)
      << s.status().message();

  o.heldout_members = 5;
  o.min_history = 1000;  // nobody has that much history
  s = MakeSplit(data, o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("heldout_members: expected at most 0"), std::string::npos)
      << s.status().message();
}

// ------------------------------------------------------------ all protocols

TEST(SplitTest, PartitionInvariantForEveryRandomOrTimedProtocol) {
  const InteractionMatrix data = RandomMatrix(500, 200, 60, 8);
  for (SplitProtocol p : {SplitProtocol::kRandomHoldout, SplitProtocol::kLeaveLastOut,
                          SplitProtocol::kStrongGeneralization}) {
    Result<EvalSplit> s = MakeSplit(data, Options(p));
    ASSERT_TRUE(s.ok()) << SplitProtocolName(p) << ": " << s.status().ToString();
    ExpectSameShape(data, *s);
    if (p == SplitProtocol::kStrongGeneralization) {
      EXPECT_EQ(Union({&s->train, &s->query, &s->target}), Entries(data));
    } else {
      EXPECT_EQ(Union({&s->train, &s->target}), Entries(data)) << SplitProtocolName(p);
    }
    EXPECT_GT(s->EvaluatedMembers(), 0u);
  }
  // Temporal: train and target are disjoint parts of the data (cold futures dropped).
  Result<EvalSplit> s = MakeSplit(data, Options(SplitProtocol::kTemporal));
  ASSERT_TRUE(s.ok());
  std::vector<Entry> parts = Union({&s->train, &s->target});
  std::vector<Entry> all = Entries(data);
  EXPECT_TRUE(std::includes(all.begin(), all.end(), parts.begin(), parts.end()));
  EXPECT_EQ(std::adjacent_find(parts.begin(), parts.end()), parts.end());
}

TEST(SplitTest, DeterministicForASeed) {
  const InteractionMatrix data = RandomMatrix(300, 100, 40, 9);
  for (SplitProtocol p : {SplitProtocol::kRandomHoldout, SplitProtocol::kStrongGeneralization}) {
    SplitOptions o = Options(p);
    Result<EvalSplit> a = MakeSplit(data, o);
    Result<EvalSplit> b = MakeSplit(data, o);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_TRUE(SameSplit(*a, *b)) << SplitProtocolName(p);
    o.seed = 7;
    Result<EvalSplit> c = MakeSplit(data, o);
    ASSERT_TRUE(c.ok());
    EXPECT_NE(a->target, c->target) << SplitProtocolName(p);
  }
}

TEST(SplitTest, IndependentOfTheThreadCount) {
  const InteractionMatrix data = RandomMatrix(2000, 300, 50, 10);
  const int threads = ThreadCount();
  for (SplitProtocol p : {SplitProtocol::kRandomHoldout, SplitProtocol::kLeaveLastOut,
                          SplitProtocol::kTemporal, SplitProtocol::kStrongGeneralization}) {
    SetThreadCount(1);
    Result<EvalSplit> one = MakeSplit(data, Options(p));
    SetThreadCount(4);
    Result<EvalSplit> four = MakeSplit(data, Options(p));
    ASSERT_TRUE(one.ok() && four.ok());
    EXPECT_TRUE(SameSplit(*one, *four)) << SplitProtocolName(p);
  }
  SetThreadCount(threads);
}

TEST(SplitTest, RejectsBadOptionsBeforeSplitting) {
  const InteractionMatrix data = RandomMatrix(20, 10, 5, 11);
  SplitOptions o;
  o.fraction = 1.0;
  Result<EvalSplit> s = MakeSplit(data, o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("fraction"), std::string::npos);
}

// ------------------------------------------------------------- validation

TEST(ValidationSplitTest, StrongGeneralizationHoldsOutOtherMembers) {
  const InteractionMatrix data = RandomMatrix(300, 100, 30, 12);
  SplitOptions o = Options(SplitProtocol::kStrongGeneralization);
  o.heldout_members = 30;
  Result<EvalSplit> test = MakeSplit(data, o);
  ASSERT_TRUE(test.ok());
  Result<EvalSplit> val = MakeValidationSplit(*test);
  ASSERT_TRUE(val.ok()) << val.status().ToString();
  EXPECT_EQ(val->options.seed, o.seed + 1);
  EXPECT_TRUE(val->fold_in);
  EXPECT_EQ(val->EvaluatedMembers(), 30u);
  std::vector<uint32_t> test_members = EvaluatedSet(*test);
  std::vector<uint32_t> val_members = EvaluatedSet(*val);
  std::vector<uint32_t> both;
  std::set_intersection(test_members.begin(), test_members.end(), val_members.begin(),
                        val_members.end(), std::back_inserter(both));
  EXPECT_TRUE(both.empty());
  for (uint32_t r : test_members) EXPECT_EQ(val->train.RowLength(r), 0u);
  EXPECT_EQ(Union({&val->train, &val->query, &val->target}), Entries(test->train));
}

TEST(ValidationSplitTest, RandomHoldoutCarvesTheTrainingData) {
  const InteractionMatrix data = RandomMatrix(300, 100, 30, 13);
  Result<EvalSplit> test = MakeSplit(data, SplitOptions());
  ASSERT_TRUE(test.ok());
  Result<EvalSplit> val = MakeValidationSplit(*test);
  ASSERT_TRUE(val.ok());
  EXPECT_EQ(val->options.seed, 43u);
  EXPECT_EQ(Union({&val->train, &val->target}), Entries(test->train));
  for (uint32_t r = 0; r < data.rows(); ++r) {
    const uint32_t n = test->train.RowLength(r);
    EXPECT_EQ(val->target.RowLength(r), n >= 2 ? ExpectedHoldout(n, 0.2) : 0u);
  }
}

TEST(ValidationSplitTest, TemporalKeepsTheShareOfTheFuture) {
  const InteractionMatrix data = RandomMatrix(1000, 200, 40, 14);
  SplitOptions o = Options(SplitProtocol::kTemporal);
  Result<EvalSplit> test = MakeSplit(data, o);
  ASSERT_TRUE(test.ok());
  Result<EvalSplit> val = MakeValidationSplit(*test);
  ASSERT_TRUE(val.ok()) << val.status().ToString();
  const int64_t val_time = val->options.split_time;
  EXPECT_LT(val_time, o.split_time);
  const double share = static_cast<double>(test->target.nnz()) /
                       static_cast<double>(test->train.nnz() + test->target.nnz());
  uint64_t later = 0;
  for (int64_t t : test->train.times()) later += t >= val_time ? 1 : 0;
  EXPECT_NEAR(static_cast<double>(later) / test->train.nnz(), share, 0.01);
  for (int64_t t : val->train.times()) EXPECT_LT(t, val_time);
  for (int64_t t : val->target.times()) EXPECT_GE(t, val_time);
  EXPECT_GT(val->EvaluatedMembers(), 100u);
}

// ------------------------------------------------------------------- files

EvalSplit SmallSplit(SplitProtocol p) {
  SplitOptions o = Options(p);
  o.heldout_members = 3;
  o.split_time = kJan1 + 15 * kDay;
  // Small, because the corruption tests load the file once per byte.
  Result<EvalSplit> split = MakeSplit(RandomMatrix(12, 10, 6, 15, 20), o);
  EXPECT_TRUE(split.ok()) << split.status().ToString();
  return split.ok() ? *split : EvalSplit();
}

void ExpectSameSplit(const EvalSplit& a, const EvalSplit& b) {
  EXPECT_EQ(a.options.protocol, b.options.protocol);
  EXPECT_EQ(a.options.fraction, b.options.fraction);
  EXPECT_EQ(a.options.last_n, b.options.last_n);
  EXPECT_EQ(a.options.split_time, b.options.split_time);
  EXPECT_EQ(a.options.heldout_members, b.options.heldout_members);
  EXPECT_EQ(a.options.min_history, b.options.min_history);
  EXPECT_EQ(a.options.seed, b.options.seed);
  EXPECT_TRUE(SameSplit(a, b));
}

TEST(SplitFileTest, RoundTripsEveryProtocol) {
  TempDir dir;
  for (SplitProtocol p : {SplitProtocol::kRandomHoldout, SplitProtocol::kLeaveLastOut,
                          SplitProtocol::kTemporal, SplitProtocol::kStrongGeneralization}) {
    EvalSplit split = SmallSplit(p);
    split.options.seed = 0xfeedbeefcafeULL;
    ASSERT_GT(split.target.nnz(), 0u) << SplitProtocolName(p);
    const std::string path = dir.File("s.mqs");
    ASSERT_TRUE(SaveSplit(split, path).ok());
    Result<EvalSplit> loaded = LoadSplit(path);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    ExpectSameSplit(split, *loaded);
    EXPECT_TRUE(loaded->train.has_times());
  }
}

TEST(SplitFileTest, RoundTripsWithoutTimes) {
  InteractionBuilder b;
  for (uint32_t t = 0; t < 6; ++t) b.Add(0, t, 2.5f);
  TempDir dir;
  Result<EvalSplit> split = MakeSplit(b.Build(2, 6, DuplicateRule::kSum), SplitOptions());
  ASSERT_TRUE(split.ok());
  ASSERT_TRUE(SaveSplit(*split, dir.File("s.mqs")).ok());
  Result<EvalSplit> loaded = LoadSplit(dir.File("s.mqs"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectSameSplit(*split, *loaded);
}

TEST(SplitFileTest, EveryFlippedByteIsDetected) {
  TempDir dir;
  const EvalSplit split = SmallSplit(SplitProtocol::kStrongGeneralization);
  ASSERT_TRUE(SaveSplit(split, dir.File("s.mqs")).ok());
  const std::string good = ReadFile(dir.File("s.mqs"));
  size_t detected = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] ^= 0x5a;
    WriteFile(dir.File("bad.mqs"), bad);
    Result<EvalSplit> r = LoadSplit(dir.File("bad.mqs"));
    // Padding bytes are outside every checksum; all other bytes must be caught.
    if (r.ok()) {
      ExpectSameSplit(split, *r);
      continue;
    }
    ++detected;
    EXPECT_NE(r.status().message().find("bad.mqs"), std::string::npos) << r.status().ToString();
  }
  EXPECT_GT(detected, good.size() * 9 / 10);
}

TEST(SplitFileTest, EveryTruncationIsDetected) {
  TempDir dir;
  ASSERT_TRUE(SaveSplit(SmallSplit(SplitProtocol::kTemporal), dir.File("s.mqs")).ok());
  const std::string good = ReadFile(dir.File("s.mqs"));
  for (size_t n = 0; n < good.size(); ++n) {
    WriteFile(dir.File("cut.mqs"), good.substr(0, n));
    Result<EvalSplit> r = LoadSplit(dir.File("cut.mqs"));
    ASSERT_FALSE(r.ok()) << "truncated to " << n << " bytes was accepted";
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
    EXPECT_NE(r.status().message().find("cut.mqs"), std::string::npos);
  }
}

TEST(SplitFileTest, ErrorsNameTheFile) {
  TempDir dir;
  Result<EvalSplit> missing = LoadSplit(dir.File("nope.mqs"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope.mqs"), std::string::npos);

  const std::string junk = dir.Write("junk.mqs", std::string(64, 'x'));
  Result<EvalSplit> r = LoadSplit(junk);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
  EXPECT_NE(r.status().message().find("junk.mqs"), std::string::npos);
}

TEST(SplitFileTest, SaveRefusesMismatchedShapes) {
  TempDir dir;
  EvalSplit split = SmallSplit(SplitProtocol::kRandomHoldout);
  split.query = InteractionMatrix();
  Status s = SaveSplit(split, dir.File("s.mqs"));
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir.File("s.mqs")));
}

}  // namespace
}  // namespace marquee
