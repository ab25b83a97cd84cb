#include "marquee/data/logged_bandit_data.h"

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

namespace marquee {

namespace {

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

// Checks that every per-record array has one entry a record, so the record
// loop below can index them all without bounds checks.
Status CheckSizes(const LoggedBanditData& d) {
  const size_t n = d.size();
  auto mismatch = [&](std::string_view what, size_t found) {
    return Status::InvalidArgument(
        fmt::format("{}: {} has {} entries for {} records", d.source, what, found, n));
  };
  if (d.offsets.size() != n + 1) return mismatch("offsets (records + 1)", d.offsets.size());
  if (d.position.size() != n) return mismatch("position", d.position.size());
  if (d.propensity.size() != n) return mismatch("propensity", d.propensity.size());
  if (d.reward.size() != n) return mismatch("reward", d.reward.size());
  if (!d.member.empty() && d.member.size() != n) return mismatch("member", d.member.size());
  if (!d.eligible.empty() && d.eligible.size() != d.candidate_ids.size()) {
    return Status::InvalidArgument(fmt::format("{}: eligible has {} flags for {} candidates (one a candidate)",
                                               d.source, d.eligible.size(), d.candidate_ids.size()));
  }
  if (d.contexts.size() != n * static_cast<size_t>(d.context_dim)) {
    return Status::InvalidArgument(
        fmt::format("{}: contexts has {} values, expected records x context_dim = {} x {}", d.source,
                    d.contexts.size(), n, d.context_dim));
  }
  if (d.offsets[0] != 0 || d.offsets[n] != d.candidate_ids.size()) {
    return Status::InvalidArgument(
        fmt::format("{}: offsets must run from 0 to the {} candidates, found {} to {}", d.source,
                    d.candidate_ids.size(), d.offsets[0], d.offsets[n]));
  }
  return Status::OK();
}

Status CheckRecord(const LoggedBanditData& d, size_t i) {
  auto bad = [&](const std::string& what) {
    return Status::InvalidArgument(fmt::format("{}: record {}: {}", d.source, i, what));
  };
  if (d.offsets[i + 1] <= d.offsets[i]) return bad("has no candidates (offsets not increasing)");
  if (d.action[i] >= d.candidate_count(i)) {
    return bad(fmt::format("action {} is not among its {} candidates", d.action[i],
                           d.candidate_count(i)));
  }
  // A choice outside the eligible set is a gate that did not hold, or a log
  // whose set was written wrong: either way its propensity means nothing.
  if (!d.is_eligible(i, d.action[i])) {
    return bad(fmt::format("action {} is not in its eligible set ({} of {} candidates)", d.action[i],
                           d.eligible_count(i), d.candidate_count(i)));
  }
  const double p = d.propensity[i];
  // The negated test also catches NaN, which compares false with everything.
  if (!(p > 0.0 && p <= 1.0)) {
    return bad("propensity " + Number(p) +
               " is not in (0, 1]; inverse propensity weighting cannot use it");
  }
  if (!(p >= kMinPropensity)) {
    return bad("propensity " + Number(p) + " is below the smallest accepted propensity " +
               Number(kMinPropensity) + " (its weight 1/p would stand for more impressions " +
               "than any log holds, or overflow)");
  }
  const double r = d.reward[i];
  if (!(r >= 0.0 && r <= 1.0)) {
    return bad("reward " + Number(r) + " is not in [0, 1] (a click or a watched fraction)");
  }
  return Status::OK();
}

}  // namespace

uint32_t LoggedBanditData::eligible_count(size_t i) const {
  if (eligible.empty()) return candidate_count(i);
  uint32_t n = 0;
  for (uint64_t c = offsets[i]; c < offsets[i + 1]; ++c) n += eligible[c] != 0 ? 1 : 0;
  return n;
}

Status LoggedBanditData::Validate() const {
  MARQUEE_RETURN_IF_ERROR(CheckSizes(*this));
  for (size_t i = 0; i < size(); ++i) MARQUEE_RETURN_IF_ERROR(CheckRecord(*this, i));
  return Status::OK();
}

}  // namespace marquee
