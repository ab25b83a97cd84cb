// Play stage of the synthetic service: each member's plays are sampled from
// their taste and title exposure, given timestamps and watch fractions, and
// written straight into the CSR matrix (rows sorted, repeats merged by sum).
// See synthetic.cc for the model.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "marquee/synthetic/synthetic_internal.h"
#include "marquee/util/civil_time.h"

namespace marquee::synthetic {

namespace {

// A drawn title already played by the member is redrawn up to this many
// times by taste, then as many by popularity, then uniformly; after that the
// re-watch stays (the matrix merges it with a sum).
constexpr int kRepeatRetries = 4;
// Watch fraction mean: kFractionBase + kFractionMatch * taste match +
// kFractionQuality * quality, in [0.15, 0.95].
constexpr double kFractionBase = 0.15;
constexpr double kFractionMatch = 0.5;
constexpr double kFractionQuality = 0.3;
constexpr float kMinFraction = 0.01f;

// Walker's alias method (Vose's construction): O(1) draws from a fixed
// discrete distribution over `items`, one random word per draw.
class AliasTable {
 public:
  AliasTable() = default;
  AliasTable(const std::vector<uint32_t>& items, const std::vector<double>& weights) {
    const size_t n = items.size();
    slots_.resize(n);
    double total = 0.0;
    for (double w : weights) total += w;
    std::vector<double> scaled(n);
    std::vector<uint32_t> small, large;
    for (size_t i = 0; i < n; ++i) {
      scaled[i] = total > 0.0 ? weights[i] * static_cast<double>(n) / total : 1.0;
      (scaled[i] < 1.0 ? small : large).push_back(static_cast<uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      uint32_t s = small.back(), l = large.back();
      small.pop_back();
      slots_[s] = Slot{static_cast<float>(scaled[s]), items[s], items[l]};
      scaled[l] -= 1.0 - scaled[s];
      if (scaled[l] < 1.0) {
        large.pop_back();
        small.push_back(l);
      }
    }
    // Leftovers are 1 up to rounding: they always keep their own item.
    for (uint32_t i : large) slots_[i] = Slot{1.0f, items[i], items[i]};
    for (uint32_t i : small) slots_[i] = Slot{1.0f, items[i], items[i]};
  }

  bool empty() const { return slots_.empty(); }

  uint32_t Sample(Rng& rng) const {
    const uint64_t r = rng.Next();
    const Slot& slot = slots_[((r >> 32) * slots_.size()) >> 32];
    const float u = static_cast<float>(r & 0xffffffffu) * 0x1.0p-32f;
    return u < slot.keep ? slot.item : slot.alias;
  }

 private:
  struct Slot {
    float keep;
    uint32_t item;
    uint32_t alias;
  };
  std::vector<Slot> slots_;
};

// Everything shared by all members' sampling, read-only while sampling.
struct PlayModel {
  const GroundTruth& truth;
  AliasTable everyone;              // all titles by exposure
  std::vector<AliasTable> by_genre; // titles of each genre by exposure
  std::vector<int64_t> available;   // when each title can first be played
  std::vector<double> genre_weight; // Z_g^genre_exposure; 0 for genres without titles
  int64_t period_end = 0;
  uint32_t titles = 0;
};


PlayModel BuildPlayModel(const SyntheticConfig& config, const GroundTruth& truth,
                         const Catalog& catalog) {
  PlayModel model{truth, {}, {}, {}, {}, config.period_end, config.titles};
  const uint32_t titles = truth.title_count();
  std::vector<uint32_t> all(titles);
  std::vector<double> weights(titles);
  for (uint32_t t = 0; t < titles; ++t) {
    all[t] = t;
    weights[t] = truth.title_popularity[t];
  }
  model.everyone = AliasTable(all, weights);
  for (uint32_t g = 0; g < truth.genre_count; ++g) {
    std::vector<uint32_t> items;
    std::vector<double> w;
    for (uint32_t t = 0; t < titles; ++t) {
      for (uint16_t tg : truth.TitleGenres(t)) {
        if (tg == g) {
          items.push_back(t);
          w.push_back(truth.title_popularity[t]);
        }
      }
    }
    model.by_genre.emplace_back(items, w);
    const double z = truth.genre_popularity[g];
    model.genre_weight.push_back(items.empty() || z <= 0.0 ? 0.0 : std::pow(z, truth.genre_exposure));
  }
  model.available.resize(titles);
  for (uint32_t t = 0; t < titles; ++t) {
    model.available[t] = DaysFromCivil(catalog.titles()[t].year, 1, 1) * 86400;
  }
  return model;
}

struct Play {
  uint32_t title;
  float fraction;
  int64_t time;
};

// Per-thread scratch, reused across members: no allocation per play.
struct Scratch {
  std::vector<Play> plays;
  std::vector<uint32_t> seen_by;  // per title: member index + 1 of its last player
};

class MemberSampler {
 public:
  MemberSampler(const PlayModel& model, uint32_t member, uint64_t seed)
      : model_(model), member_(member), rng_(seed) {
    std::span<const float> taste = model.truth.Taste(member);
    genres_ = static_cast<uint32_t>(taste.size());
    double total = 0.0;
    for (uint32_t g = 0; g < genres_; ++g) cumulative_[g] = total += taste[g] * model.genre_weight[g];
    by_taste_ = total > 0.0;  // else no genre of theirs has titles
  }

  uint32_t DrawTitle() {
    if (by_taste_ && rng_.Uniform() >= model_.truth.mainstream_share) {
      const double u = rng_.Uniform() * cumulative_[genres_ - 1];
      uint32_t g = 0;
      while (g + 1 < genres_ && !(u < cumulative_[g])) ++g;
      const AliasTable& table = model_.by_genre[g];
      if (!table.empty()) return table.Sample(rng_);  // always, but cheap to be sure
    }
    return model_.everyone.Sample(rng_);
  }

  // The title of the next play, avoiding titles already played where it can:
  // redraw a few times from the member's taste, then from what is popular
  // (a member who exhausted a niche turns to the mainstream), then from the
  // whole catalog (a heavy member who has seen the hits digs into the tail).
  uint32_t DrawFreshTitle(std::vector<uint32_t>& seen_by) {
    const uint32_t mark = member_ + 1;
    uint32_t t = DrawTitle();
    for (int i = 0; i < kRepeatRetries && seen_by[t] == mark; ++i) t = DrawTitle();
    for (int i = 0; i < kRepeatRetries && seen_by[t] == mark; ++i) t = model_.everyone.Sample(rng_);
    for (int i = 0; i < kRepeatRetries && seen_by[t] == mark; ++i) t = rng_.Below(model_.titles);
    seen_by[t] = mark;
    return t;
  }

  // Uniform between the member's join (or the title's release) and the end.
  int64_t DrawTime(uint32_t title, int64_t join) {
    int64_t from = std::max(join, model_.available[title]);
    if (from >= model_.period_end) from = join;
    return from + static_cast<int64_t>(rng_.Uniform() * static_cast<double>(model_.period_end - from));
  }

  // U^((1 - mean) / mean) has the given mean; higher for titles that match
  // the member's taste and for better titles.
  float DrawFraction(uint32_t title) {
    const double mean = kFractionBase + kFractionMatch * model_.truth.TasteMatch(member_, title) +
                        kFractionQuality * model_.truth.title_quality[title];
    const double f = std::pow(rng_.Uniform(), (1.0 - mean) / mean);
    return std::max(kMinFraction, static_cast<float>(f));
  }

 private:
  const PlayModel& model_;
  uint32_t member_;
  Rng rng_;
  double cumulative_[kSyntheticGenreCount];
  uint32_t genres_ = 0;
  bool by_taste_ = false;
};

// Samples `count` plays of `member` and writes its merged row at `out`;
// returns the row length (distinct titles).
uint32_t SampleRow(const PlayModel& model, uint32_t member, uint32_t count, int64_t join,
                   uint64_t seed, Scratch& scratch, uint32_t* out_titles, float* out_weights,
                   int64_t* out_times) {
  MemberSampler sampler(model, member, seed);
  std::vector<Play>& plays = scratch.plays;
  plays.clear();
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t t = sampler.DrawFreshTitle(scratch.seen_by);
    int64_t time = sampler.DrawTime(t, join);
    plays.push_back(Play{t, sampler.DrawFraction(t), time});
  }
  std::sort(plays.begin(), plays.end(), [](const Play& a, const Play& b) {
    return a.title != b.title ? a.title < b.title : a.time < b.time;
  });
  uint32_t n = 0;
  for (size_t i = 0; i < plays.size(); ++i) {
    if (n > 0 && out_titles[n - 1] == plays[i].title) {
      out_weights[n - 1] += plays[i].fraction;          // re-watch: sum fractions
      out_times[n - 1] = plays[i].time;                 // sorted by time: the latest
      continue;
    }
    out_titles[n] = plays[i].title;
    out_weights[n] = plays[i].fraction;
    out_times[n] = plays[i].time;
    ++n;
  }
  return n;
}

// Rows were written at their play offsets; slide them down over the gaps
// that merged re-watches left. Sequential and in place (rows only move left).
void CloseGaps(const std::vector<uint64_t>& slot_begin, const std::vector<uint32_t>& lengths,
               std::vector<uint64_t>& indptr, std::vector<uint32_t>& titles,
               std::vector<float>& weights, std::vector<int64_t>& times) {
  const size_t rows = lengths.size();
  indptr.assign(rows + 1, 0);
  for (size_t r = 0; r < rows; ++r) {
    const uint64_t from = slot_begin[r], to = indptr[r], n = lengths[r];
    if (from != to) {
      std::memmove(titles.data() + to, titles.data() + from, n * sizeof(uint32_t));
      std::memmove(weights.data() + to, weights.data() + from, n * sizeof(float));
      std::memmove(times.data() + to, times.data() + from, n * sizeof(int64_t));
    }
    indptr[r + 1] = to + n;
  }
  titles.resize(indptr.back());
  weights.resize(indptr.back());
  times.resize(indptr.back());
}

}  // namespace

void SamplePlays(const SyntheticConfig& config, GroundTruth& truth,
                 const std::vector<int64_t>& join_times, const ProgressCallback& progress,
                 Dataset& dataset) {
  const PlayModel model = BuildPlayModel(config, truth, dataset.catalog);
  truth.member_plays = AllocatePlays(truth.member_activity, config.plays, config.titles);
  const std::vector<uint32_t>& counts = truth.member_plays;
  const uint32_t members = config.members;
  std::vector<uint64_t> slot_begin(static_cast<size_t>(members) + 1, 0);
  for (uint32_t m = 0; m < members; ++m) slot_begin[m + 1] = slot_begin[m] + counts[m];

  std::vector<uint32_t> titles(config.plays);
  std::vector<float> weights(config.plays);
  std::vector<int64_t> times(config.plays);
  std::vector<uint32_t> lengths(members);
  const uint64_t stream = StreamSeed(config.seed, Stream::kPlays);
  {
    ProgressReporter report(progress, "sampling plays", config.plays);
#pragma omp parallel
    {
      Scratch scratch;
      scratch.seen_by.assign(config.titles, 0);
#pragma omp for schedule(dynamic, 256)
      for (int64_t m = 0; m < static_cast<int64_t>(members); ++m) {
        const uint64_t at = slot_begin[m];
        lengths[m] = SampleRow(model, static_cast<uint32_t>(m), counts[m], join_times[m],
                               DeriveSeed(stream, static_cast<uint64_t>(m)), scratch,
                               titles.data() + at, weights.data() + at, times.data() + at);
        report.Advance(counts[m]);
      }
    }
  }
  ProgressReporter report(progress, "building matrix", members);
  std::vector<uint64_t> indptr;
  CloseGaps(slot_begin, lengths, indptr, titles, weights, times);
  report.Set(members);
  dataset.interactions = InteractionMatrix(members, config.titles, std::move(indptr),
                                           std::move(titles), std::move(weights), std::move(times));
}

}  // namespace marquee::synthetic
