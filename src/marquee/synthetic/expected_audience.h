// The synthetic service's true expected audience of a title after its
// launch (issue 15 §3: "on the synthetic service, also compare with the
// ground truth's expected audience"): what a perfect forecaster, one that
// knew every member's tastes and activity, would say.
//
// The generator's process (synthetic_plays.cc): member m makes
// member_plays[m] plays; each draws title t with probability
//   p(m, t) = s * pop_t + (1 - s) * sum over t's genres g of
//             [taste_mg * w_g / sum_h taste_mh * w_h] * pop_t / Z_g
// (s the mainstream share, pop the exposure, Z_g the genre's exposure,
// w_g = Z_g ^ genre_exposure), at a time uniform between max(the member's
// join, the title's availability: 1 January of its year) and the period's
// end. The generator redraws a title the member already played, so a
// member's plays are nearly distinct titles: a weighted sample without
// replacement. Its inclusion probabilities are approximated as in successive
// sampling (Rosen, "Asymptotic theory for successive sampling with varying
// probabilities without replacement", Ann. Math. Stat. 1972):
//   P(m plays t) = 1 - exp(-lambda_m p(m, t)),  lambda_m solving
//   sum_t (1 - exp(-lambda_m p(m, t))) = plays of m.
// A played title's time is uniform over its range, so the chance it falls
// in [from_day, from_day + days) is the window's share of that range; the
// expected audience is the sum over members.
//
// Approximations, stated: the redraws fall back to popularity and then to
// any title, which the weights do not model; join times are not in the
// truth, so the caller passes estimates (a member's first play is at or
// after their join).
//
// Thread safety: reentrant.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "marquee/data/catalog.h"
#include "marquee/synthetic/ground_truth.h"

namespace marquee {

// P(one of member m's plays is title t): p(m, t) above.
double PlayDrawProbability(const GroundTruth& truth, uint32_t member, uint32_t title);

// lambda_m of every member (Newton's method; a member with as many plays as
// titles includes every title: a large lambda).
std::vector<double> SuccessiveSamplingRates(const GroundTruth& truth);

// The expected number of members who play `title` in days [from_day,
// from_day + days) (days since 1970-01-01). `member_join`: epoch seconds, one
// a member of the truth; `rates`: SuccessiveSamplingRates; `period_end`:
// epoch seconds.
double ExpectedAudienceWithin(const GroundTruth& truth, const Catalog& catalog, std::span<const int64_t> member_join,
                              std::span<const double> rates, int64_t period_end, uint32_t title, int64_t from_day,
                              int days);

}  // namespace marquee
