// Reward attribution as the server's learner runs it (serve/artwork_service.cc,
// Apply): each recommendation answer logs 20 artwork impressions, which go to
// RewardAttributor::AddImpression, and then Expire(now) finishes the ones
// whose window has passed.
//
//   build/attribution_bench [--benchmark_filter=Observe]
//
// Steady state: 2,000 impressions a simulated second (100 answers of 20) and
// a 100 s window, so about 200,000 impressions are pending while timing --
// the index tables are at their working size and every impression added is
// also finished and dropped. Members are drawn from 1,000,000 and titles from
// 20,000; impression ids look like the server's (ImpressionIds: a 12-digit hex
// prefix, '-', a counter). The 20 impressions of one answer share a member
// and its context, as the server's do.
//
// One iteration is one impression, so Time is nanoseconds per impression; it
// includes everything the learner pays: AddImpression, an Expire every 20
// impressions, and dropping the finished attributions (the strings they
// carry). The records are built, untimed, in chunks beforehand: the server
// builds them on the request threads.
//
// BM_AddObserveExpire also observes, per answer, one click naming one of its
// impressions and one play (no id) of another of its titles, so that both
// lookups are timed too.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "marquee/bandit/reward_attribution.h"
#include "marquee/data/event.h"
#include "marquee/util/random.h"

namespace marquee {
namespace {

constexpr uint32_t kRowImpressions = 20;
constexpr uint32_t kAnswersPerSecond = 100;
constexpr int64_t kWindowSeconds = 100;
constexpr uint32_t kMembers = 1000000;
constexpr uint32_t kTitles = 20000;
constexpr uint32_t kChunkAnswers = 1024;

std::string MemberId(uint32_t m) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "m%07u", m);
  return buf;
}

std::string TitleId(uint32_t t) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "t%06u", t);
  return buf;
}

// Answers in time order, as the server logs them.
class Stream {
 public:
  // The next kChunkAnswers answers' impressions, answer by answer.
  void NextChunk(std::vector<ImpressionRecord>& records) {
    records.clear();
    for (uint32_t a = 0; a < kChunkAnswers; ++a) {
      const int64_t now = 1000000 + static_cast<int64_t>(answer_ / kAnswersPerSecond);
      const uint32_t member = rng_.Below(kMembers);
      auto context = std::make_shared<const std::vector<float>>(16, 0.5f);
      for (uint32_t k = 0; k < kRowImpressions; ++k) {
        ImpressionRecord r;
        r.impression_id = "5f3a9c0e12b4-" + std::to_string(next_id_++);
        r.member_id = MemberId(member);
        r.title_id = TitleId(rng_.Below(kTitles));
        r.time = now;
        r.title = k;
        r.variant = 0;
        r.record = next_id_;
        r.context = context;
        records.push_back(std::move(r));
      }
      ++answer_;
    }
  }

 private:
  Rng rng_{17};
  uint64_t answer_ = 0;
  uint64_t next_id_ = 1000000;
};

// Adds one answer's kRowImpressions impressions (`row`); with `observe`, one
// click by id and one play by member and title; then expires.
void Feed(RewardAttributor& attributor, ImpressionRecord* row, bool observe, std::vector<Attribution>& out,
          Event& click, Event& play) {
  const int64_t now = row[0].time;
  if (observe) {
    click.impression_id = row[3].impression_id;
    click.member_id = row[3].member_id;
    click.title_id = row[3].title_id;
    click.time = now;
    play.member_id = row[7].member_id;
    play.title_id = row[7].title_id;
    play.time = now;
  }
  for (uint32_t k = 0; k < kRowImpressions; ++k) {
    (void)attributor.AddImpression(std::move(row[k]), out);
  }
  if (observe) {
    attributor.Observe(click, out);
    attributor.Observe(play, out);
  }
  attributor.Expire(now, out);
  out.clear();
}

void BM_Attribution(benchmark::State& state, bool observe) {
  RewardRules rules;
  rules.reward_window_seconds = kWindowSeconds;
  RewardAttributor attributor(rules);
  Stream stream;
  std::vector<ImpressionRecord> records;
  std::vector<Attribution> out;
  Event click, play;
  click.kind = EventKind::kClick;
  play.kind = EventKind::kPlay;
  // Two windows' worth first: the pending set and the tables at steady state.
  const uint64_t warmup = 2 * kWindowSeconds * kAnswersPerSecond / kChunkAnswers + 1;
  for (uint64_t c = 0; c < warmup; ++c) {
    stream.NextChunk(records);
    for (size_t i = 0; i < records.size(); i += kRowImpressions) {
      Feed(attributor, &records[i], observe, out, click, play);
    }
  }
  stream.NextChunk(records);
  size_t next = 0;  // in records
  for (auto _ : state) {
    // One iteration is one impression: the first of each answer feeds the
    // whole answer.
    if (next == records.size()) {
      state.PauseTiming();
      stream.NextChunk(records);
      next = 0;
      state.ResumeTiming();
    }
    if (next % kRowImpressions == 0) Feed(attributor, &records[next], observe, out, click, play);
    ++next;
  }
  state.counters["pending"] = static_cast<double>(attributor.pending());
}

}  // namespace
}  // namespace marquee

int main(int argc, char** argv) {
  using namespace marquee;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RegisterBenchmark("BM_AddExpire", BM_Attribution, false)->Unit(benchmark::kNanosecond);
  benchmark::RegisterBenchmark("BM_AddObserveExpire", BM_Attribution, true)->Unit(benchmark::kNanosecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
