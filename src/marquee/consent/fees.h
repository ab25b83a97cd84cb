// Performers' fees from their consents' compensation terms, in exact integer
// money (issue 11 §5: "fees from consent terms, in integer micro-currency,
// rounded only at period close (2,500 qualifying impressions at 4.00 per
// 1,000 is exactly 10.000000)"). docs/compensation.md has the formulas, the
// rounding rule and worked examples.
//
// Money is int64 micro-currency units (Micros): 1 unit of the currency (1.00
// USD, say) = 1,000,000 micros. No floating point touches an amount.
// Arithmetic that would not fit in 64 bits is refused with a Status, never
// wrapped.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "marquee/util/status.h"

namespace marquee {

// An amount of money in micro-currency units: 1,000,000 = one unit.
using Micros = int64_t;
inline constexpr Micros kMicrosPerUnit = 1'000'000;

// "10.000000", "0.004000", "-1.500000": the amount in units with exactly six
// decimals (every micro shown). Total: defined for every int64 value.
std::string FormatMicros(Micros amount);

// The inverse of FormatMicros, for rules files and CLI flags: "4", "4.00",
// "-0.004", "1000.5" (at most six decimals, no exponent, no spaces).
// ParseError naming the text on anything else; InvalidArgument when the
// value does not fit in int64 micros.
Result<Micros> ParseMicros(std::string_view text);

// One consent's compensation terms (issue 11 §2): both non-negative.
struct FeeTerms {
  // Paid once per consent, at the first period close after the consent
  // enters a FeeAccrual (whether or not it earned impressions then): the fee
  // for granting the consent, not for a period of use. Micros >= 0.
  Micros flat_fee_micros = 0;
  // Per 1,000 qualifying impressions, pro rata (1 impression earns 1/1000 of
  // it). Micros >= 0; 4.00 per 1,000 is 4'000'000.
  Micros rate_per_1000_qualifying_micros = 0;
};

// InvalidField("flat_fee_micros" / "rate_per_1000_qualifying_micros", ...)
// when a term is negative; OK otherwise.
Status ValidateFeeTerms(const FeeTerms& terms);

// rate × qualifying_impressions / 1000, rounded half up to the micro (the
// exact value has at most three decimals below the micro; .5 rounds away
// from zero). Exact: the product is formed in 128 bits. qualifying may be
// negative (a reversing entry) and gives the negated fee of its magnitude;
// rate must be >= 0. InvalidArgument when rate < 0 or the result does not
// fit in int64 micros.
// Examples: (4'000'000, 2'500) -> 10'000'000; (4'000'000, 1) -> 4'000;
// (3, 1) -> 0 (0.003 micro); (3, 500) -> 2 (1.5 micros rounds up).
Result<Micros> ImpressionFee(Micros rate_per_1000_micros, int64_t qualifying_impressions);

// Qualifying impressions accrued per (performer, consent), turned into fees
// at each period close.
//
// Rounding happens only at close and is cumulative: a consent's impression
// fee for a period is round(rate × all its impressions so far / 1000) minus
// what earlier closes paid. So the fees of many short periods always sum to
// exactly the fee of one period covering them all (no rounding drift), and
// each period's fee differs from rounding that period alone by at most one
// micro.
//
// Not thread-safe: one owner (the ledger's writer) counts and closes.
class FeeAccrual {
 public:
  // Registers a consent's terms before impressions are counted against it.
  // InvalidField when a term is negative, or ("consent_id") when the id is
  // empty or was registered with different terms (consents are immutable: a
  // new version is a new consent id). Registering the same terms again is a
  // no-op.
  Status AddConsent(const std::string& performer_id, const std::string& consent_id, const FeeTerms& terms);

  // Adds `count` qualifying impressions to the open period; a negative count
  // is a reversing entry (a correction). NotFound when the consent was not
  // added; InvalidArgument when the consent's running total would go negative
  // or overflow int64.
  Status CountQualifying(const std::string& performer_id, const std::string& consent_id, int64_t count = 1);

  // One consent's fees for a closed period.
  struct PeriodFee {
    std::string performer_id;
    std::string consent_id;
    int64_t qualifying_impressions = 0;  // net count in this period
    Micros flat_fee_micros = 0;          // the terms' flat fee at the consent's first close, else 0
    Micros impression_fee_micros = 0;    // negative only after a reversal in this period
    Micros total_micros = 0;             // flat + impression
  };

  // Closes the open period: one PeriodFee for every registered consent (sorted
  // by performer, then consent), then starts a new period. On an error
  // (InvalidArgument: an amount overflows int64) nothing changes.
  Result<std::vector<PeriodFee>> ClosePeriod();

  // Everything paid to the consent over the closed periods (flat fee
  // included). NotFound for an unknown consent; InvalidArgument when the sum
  // does not fit in int64 micros.
  Result<Micros> PaidMicros(const std::string& performer_id, const std::string& consent_id) const;

 private:
  struct Account {
    FeeTerms terms;
    int64_t open_count = 0;        // this period, net
    int64_t closed_count = 0;      // all closed periods
    Micros impression_paid = 0;    // impression fees paid by earlier closes
    bool flat_fee_paid = false;
  };
  std::map<std::pair<std::string, std::string>, Account> accounts_;
};

}  // namespace marquee
