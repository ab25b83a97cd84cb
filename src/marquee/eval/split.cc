// The splitting protocols. Each protocol only decides, for every interaction
// of the data, where it goes (train, query, target or nowhere); one shared
// step then gathers the three matrices. Keeping the decision per entry makes
// the partition invariant (nothing lost, nothing duplicated) hold by
// construction, and filtering a sorted row keeps it sorted.
#include "marquee/eval/split.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "marquee/util/random.h"

namespace marquee {

namespace {

enum Destination : uint8_t { kTrain = 0, kQuery = 1, kTarget = 2, kDropped = 3 };

// The stream that chooses strong generalization's held-out members. Member
// streams are member indices (< 2^32), so this one never coincides with them.
constexpr uint64_t kMemberChoiceStream = std::numeric_limits<uint64_t>::max();

std::string FormatNumber(double x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", x);
  return buf;
}

// Epoch seconds as an ISO 8601 date ("2019-03-01"), with the time of day
// ("2019-03-01T12:30:00Z") when it is not midnight. Days to civil date by the
// era arithmetic of the proleptic Gregorian calendar (400-year cycles).
std::string IsoTime(int64_t seconds) {
  int64_t days = seconds / 86400;
  int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  const int64_t z = days + 719468;  // days since 0000-03-01
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t day_of_era = z - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_index = (5 * day_of_year + 2) / 153;  // 0 = March
  const int64_t day = day_of_year - (153 * month_index + 2) / 5 + 1;
  const int64_t month = month_index < 10 ? month_index + 3 : month_index - 9;
  const int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  char buf[96];
  if (rest == 0) {
    std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lld", static_cast<long long>(year),
                  static_cast<long long>(month), static_cast<long long>(day));
  } else {
    std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
                  static_cast<long long>(year), static_cast<long long>(month),
                  static_cast<long long>(day), static_cast<long long>(rest / 3600),
                  static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
  }
  return buf;
}

// Runs assign(member, scratch) for every member in parallel. Each thread has
// its own scratch buffer, so no allocation happens per member after warm-up.
template <typename Assign>
void ForEachMember(uint32_t rows, const Assign& assign) {
#pragma omp parallel
  {
    std::vector<uint32_t> scratch;
#pragma omp for schedule(dynamic, 256)
    for (int64_t r = 0; r < static_cast<int64_t>(rows); ++r) {
      assign(static_cast<uint32_t>(r), scratch);
    }
  }
}

// How many of a member's n >= 2 titles a `fraction` holds out: rounded, but
// at least one (something to predict) and at most n - 1 (something to learn from).
uint32_t HoldoutCount(uint32_t n, double fraction) {
  const long long k = std::llround(fraction * n);
  return static_cast<uint32_t>(std::clamp<long long>(k, 1, static_cast<long long>(n) - 1));
}

// Sends k of the n entries starting at `begin`, chosen uniformly without
// replacement (a partial Fisher-Yates shuffle of their positions), to `to`.
void MarkRandomSubset(uint64_t begin, uint32_t n, uint32_t k, Rng& rng,
                      std::vector<uint32_t>& positions, std::vector<uint8_t>& dest,
                      Destination to) {
  positions.resize(n);
  for (uint32_t i = 0; i < n; ++i) positions[i] = i;
  for (uint32_t i = 0; i < k; ++i) {
    std::swap(positions[i], positions[i + rng.Below(n - i)]);
    dest[begin + positions[i]] = to;
  }
}

Status NeedsTimes(const InteractionMatrix& data, SplitProtocol protocol) {
  if (data.has_times()) return Status::OK();
  return Status::InvalidArgument(std::string(SplitProtocolName(protocol)) +
                                 " needs interaction times, and this data has none");
}

std::vector<uint8_t> AssignRandomHoldout(const InteractionMatrix& data, const SplitOptions& o) {
  std::vector<uint8_t> dest(data.nnz(), kTrain);
  const uint32_t min_n = std::max<uint32_t>(o.min_history, 2);
  ForEachMember(data.rows(), [&](uint32_t r, std::vector<uint32_t>& scratch) {
    const uint32_t n = data.RowLength(r);
    if (n < min_n) return;
    Rng rng(DeriveSeed(o.seed, r));
    MarkRandomSubset(data.RowBegin(r), n, HoldoutCount(n, o.fraction), rng, scratch, dest,
                     kTarget);
  });
  return dest;
}

Result<std::vector<uint8_t>> AssignLeaveLastOut(const InteractionMatrix& data,
                                                const SplitOptions& o) {
  MARQUEE_RETURN_IF_ERROR(NeedsTimes(data, o.protocol));
  std::vector<uint8_t> dest(data.nnz(), kTrain);
  const uint64_t min_n = std::max<uint64_t>(o.min_history, uint64_t{o.last_n} + 1);
  ForEachMember(data.rows(), [&](uint32_t r, std::vector<uint32_t>& positions) {
    const uint32_t n = data.RowLength(r);
    if (n < min_n) return;
    std::span<const int64_t> times = data.RowTimes(r);
    positions.resize(n);
    for (uint32_t i = 0; i < n; ++i) positions[i] = i;
    // Titles ascend within a row, so the position breaks time ties by title.
    auto earlier = [&](uint32_t a, uint32_t b) {
      return times[a] != times[b] ? times[a] < times[b] : a < b;
    };
    const uint32_t first_target = n - o.last_n;
    std::nth_element(positions.begin(), positions.begin() + first_target, positions.end(),
                     earlier);
    for (uint32_t i = first_target; i < n; ++i) dest[data.RowBegin(r) + positions[i]] = kTarget;
  });
  return dest;
}

Status CheckSplitTime(const InteractionMatrix& data, int64_t split_time) {
  const auto [lo, hi] = std::minmax_element(data.times().begin(), data.times().end());
  if (*lo < split_time && split_time <= *hi) return Status::OK();
  return Status::InvalidArgument(fmt::format(
      "split_time: expected a time after the data's earliest interaction ({}) and no later than "
      "its latest ({}), got {} ({})",
      IsoTime(*lo), IsoTime(*hi), IsoTime(split_time), split_time));
}

Result<std::vector<uint8_t>> AssignTemporal(const InteractionMatrix& data, const SplitOptions& o) {
  MARQUEE_RETURN_IF_ERROR(NeedsTimes(data, o.protocol));
  MARQUEE_RETURN_IF_ERROR(CheckSplitTime(data, o.split_time));
  std::vector<uint8_t> dest(data.nnz(), kTrain);
  ForEachMember(data.rows(), [&](uint32_t r, std::vector<uint32_t>&) {
    std::span<const int64_t> times = data.RowTimes(r);
    const uint32_t n = data.RowLength(r);
    uint32_t past = 0;
    for (int64_t t : times) past += t < o.split_time ? 1 : 0;
    const bool evaluated = past > 0 && past < n && n >= o.min_history;
    // The future of a member we cannot evaluate is dropped rather than
    // trained on: a model "trained at split_time" must not see it.
    const Destination future = evaluated ? kTarget : kDropped;
    for (uint32_t i = 0; i < n; ++i) {
      if (times[i] >= o.split_time) dest[data.RowBegin(r) + i] = future;
    }
  });
  return dest;
}

uint32_t ResolveHeldoutMembers(uint32_t members, uint32_t requested) {
  if (requested > 0) return requested;
  return static_cast<uint32_t>(std::max<long long>(1, std::llround(members * 0.1)));
}

// Uniformly chosen `count` of the eligible members, from one stream of the seed.
Result<std::vector<uint32_t>> ChooseHeldoutMembers(const InteractionMatrix& data,
                                                   const SplitOptions& o) {
  const uint32_t min_n = std::max<uint32_t>(o.min_history, 2);
  std::vector<uint32_t> eligible;
  for (uint32_t r = 0; r < data.rows(); ++r) {
    if (data.RowLength(r) >= min_n) eligible.push_back(r);
  }
  const uint32_t count = ResolveHeldoutMembers(data.rows(), o.heldout_members);
  if (count >= data.rows()) {
    return Status::InvalidArgument(fmt::format(
        "heldout_members: expected fewer than the {} members, got {}", data.rows(), count));
  }
  if (count > eligible.size()) {
    return Status::InvalidArgument(fmt::format(
        "heldout_members: expected at most {} (the members with at least {} interactions), got {}",
        eligible.size(), min_n, count));
  }
  Rng rng(DeriveSeed(o.seed, kMemberChoiceStream));
  const uint32_t n = static_cast<uint32_t>(eligible.size());
  for (uint32_t i = 0; i < count; ++i) std::swap(eligible[i], eligible[i + rng.Below(n - i)]);
  eligible.resize(count);
  return eligible;
}

Result<std::vector<uint8_t>> AssignStrongGeneralization(const InteractionMatrix& data,
                                                        const SplitOptions& o) {
  MARQUEE_ASSIGN_OR_RETURN(std::vector<uint32_t> heldout, ChooseHeldoutMembers(data, o));
  std::vector<uint8_t> dest(data.nnz(), kTrain);
  std::vector<uint32_t> scratch;
  for (uint32_t r : heldout) {
    const uint32_t n = data.RowLength(r);
    std::fill(dest.begin() + data.RowBegin(r), dest.begin() + data.RowEnd(r), kQuery);
    Rng rng(DeriveSeed(o.seed, r));
    MarkRandomSubset(data.RowBegin(r), n, HoldoutCount(n, o.fraction), rng, scratch, dest,
                     kTarget);
  }
  return dest;
}

EvalSplit Assemble(const InteractionMatrix& data, const std::vector<uint8_t>& dest,
                   const SplitOptions& options) {
  EvalSplit split;
  split.options = options;
  split.fold_in = options.protocol == SplitProtocol::kStrongGeneralization;
  auto goes_to = [&](Destination d) {
    return [&dest, d](uint32_t, uint64_t i) { return dest[i] == d; };
  };
  split.train = FilterEntries(data, goes_to(kTrain));
  split.target = FilterEntries(data, goes_to(kTarget));
  if (split.fold_in) {
    split.query = FilterEntries(data, goes_to(kQuery));
  } else {
    // Weak generalization: an evaluated member's query is their train row.
    const InteractionMatrix& target = split.target;
    split.query = FilterEntries(data, [&](uint32_t r, uint64_t i) {
      return dest[i] == kTrain && target.RowLength(r) > 0;
    });
  }
  return split;
}

Result<std::vector<uint8_t>> Assign(const InteractionMatrix& data, const SplitOptions& o) {
  switch (o.protocol) {
    case SplitProtocol::kRandomHoldout:
      return AssignRandomHoldout(data, o);
    case SplitProtocol::kLeaveLastOut:
      return AssignLeaveLastOut(data, o);
    case SplitProtocol::kTemporal:
      return AssignTemporal(data, o);
    case SplitProtocol::kStrongGeneralization:
      return AssignStrongGeneralization(data, o);
  }
  return Status::InvalidArgument("protocol: unknown");  // Validate() rules this out
}

// The time that leaves the same share of split.train in validation target as
// the test split left of train + target.
Result<int64_t> ValidationSplitTime(const EvalSplit& split) {
  std::vector<int64_t> times = split.train.times();
  if (times.size() < 2) {
    return Status::InvalidArgument(
        "temporal validation split: expected at least 2 timed training interactions, got " +
        std::to_string(times.size()));
  }
  const uint64_t n = times.size();
  const double share = static_cast<double>(split.target.nnz()) /
                       static_cast<double>(split.train.nnz() + split.target.nnz());
  const uint64_t future = std::clamp<uint64_t>(std::llround(share * n), 1, n - 1);
  const int64_t earliest = *std::min_element(times.begin(), times.end());
  std::optional<int64_t> at = SplitTimeAt(std::move(times), n - future);
  if (!at) {
    return Status::InvalidArgument(
        "temporal validation split: every training interaction has the same time (" +
        IsoTime(earliest) + "), so there is nothing to split");
  }
  return *at;
}

}  // namespace

std::optional<int64_t> SplitTimeAt(std::vector<int64_t> times, size_t index) {
  std::nth_element(times.begin(), times.begin() + index, times.end());
  const int64_t at = times[index];
  const int64_t earliest = *std::min_element(times.begin(), times.end());
  if (at > earliest) return at;
  // Ties at the earliest time: the next distinct time keeps the past non-empty.
  int64_t next = std::numeric_limits<int64_t>::max();
  for (int64_t t : times) {
    if (t > earliest) next = std::min(next, t);
  }
  if (next == std::numeric_limits<int64_t>::max()) return std::nullopt;
  return next;
}

std::string_view SplitProtocolName(SplitProtocol protocol) {
  switch (protocol) {
    case SplitProtocol::kRandomHoldout:
      return "random-holdout";
    case SplitProtocol::kLeaveLastOut:
      return "leave-last-out";
    case SplitProtocol::kTemporal:
      return "temporal";
    case SplitProtocol::kStrongGeneralization:
      return "strong-generalization";
  }
  return "unknown";
}

Result<SplitProtocol> ParseSplitProtocol(std::string_view name) {
  for (SplitProtocol p : {SplitProtocol::kRandomHoldout, SplitProtocol::kLeaveLastOut,
                          SplitProtocol::kTemporal, SplitProtocol::kStrongGeneralization}) {
    if (name == SplitProtocolName(p)) return p;
  }
  return Status::InvalidArgument(
      "expected random-holdout, leave-last-out, temporal or strong-generalization, found " +
      QuoteForError(name));
}

Status SplitOptions::Validate() const {
  if (static_cast<uint8_t>(protocol) > static_cast<uint8_t>(SplitProtocol::kStrongGeneralization)) {
    return Status::InvalidArgument(
        "protocol: expected random-holdout, leave-last-out, temporal or strong-generalization, "
        "got code " +
        std::to_string(static_cast<unsigned>(protocol)));
  }
  // Written so that NaN fails too.
  if (!(fraction > 0.0 && fraction < 1.0)) {
    return Status::InvalidArgument("fraction: expected a number strictly between 0 and 1, got " +
                                   FormatNumber(fraction));
  }
  if (last_n < 1) return Status::InvalidArgument("last_n: expected at least 1, got 0");
  return Status::OK();
}

uint32_t EvalSplit::EvaluatedMembers() const {
  uint32_t count = 0;
  for (uint32_t r = 0; r < target.rows(); ++r) count += target.RowLength(r) > 0 ? 1 : 0;
  return count;
}

Result<EvalSplit> MakeSplit(const InteractionMatrix& data, const SplitOptions& options) {
  MARQUEE_RETURN_IF_ERROR(options.Validate());
  Status valid = data.Validate();
  if (!valid.ok()) return valid.WithContext("split");
  MARQUEE_ASSIGN_OR_RETURN(std::vector<uint8_t> dest, Assign(data, options));
  return Assemble(data, dest, options);
}

Result<EvalSplit> MakeValidationSplit(const EvalSplit& split) {
  SplitOptions options = split.options;
  options.seed = split.options.seed + 1;
  if (options.protocol == SplitProtocol::kTemporal) {
    MARQUEE_ASSIGN_OR_RETURN(options.split_time, ValidationSplitTime(split));
  }
  return MakeSplit(split.train, options);
}

}  // namespace marquee
