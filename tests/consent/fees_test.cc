#include "marquee/consent/fees.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>

namespace marquee {
namespace {

constexpr Micros kMax = std::numeric_limits<Micros>::max();

TEST(FeesTest, FormatsMicrosWithSixDecimals) {
  EXPECT_EQ(FormatMicros(10'000'000), "10.000000");
  EXPECT_EQ(FormatMicros(4'000), "0.004000");
  EXPECT_EQ(FormatMicros(0), "0.000000");
  EXPECT_EQ(FormatMicros(-1'500'000), "-1.500000");
  EXPECT_EQ(FormatMicros(-1), "-0.000001");
  EXPECT_EQ(FormatMicros(kMax), "9223372036854.775807");
  EXPECT_EQ(FormatMicros(std::numeric_limits<Micros>::min()), "-9223372036854.775808");
}

TEST(FeesTest, ParsesAmounts) {
  EXPECT_EQ(*ParseMicros("4.00"), 4'000'000);
  EXPECT_EQ(*ParseMicros("4"), 4'000'000);
  EXPECT_EQ(*ParseMicros("0.000003"), 3);
  EXPECT_EQ(*ParseMicros("-0.004"), -4'000);
  EXPECT_EQ(*ParseMicros("9223372036854.775807"), kMax);
  for (const char* bad : {"", "-", ".5", "4.", "4.0000001", "1e6", " 4", "4 ", "+4", "4,00"}) {
    EXPECT_EQ(ParseMicros(bad).status().code(), Status::Code::kParseError) << bad;
  }
  EXPECT_EQ(ParseMicros("9223372036854.775808").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ParseMicros("99999999999999999999999").status().code(), Status::Code::kInvalidArgument);
}

// The issue's example: 2,500 qualifying impressions at 4.00 per 1,000 is
// exactly 10.000000.
TEST(FeesTest, IssueExampleIsExact) {
  Result<Micros> fee = ImpressionFee(*ParseMicros("4.00"), 2'500);
  ASSERT_TRUE(fee.ok()) << fee.status().ToString();
  EXPECT_EQ(*fee, 10'000'000);
  EXPECT_EQ(FormatMicros(*fee), "10.000000");
}

TEST(FeesTest, NonDivisibleCountsAreExactToTheMicro) {
  EXPECT_EQ(FormatMicros(*ImpressionFee(4'000'000, 1)), "0.004000");
  EXPECT_EQ(FormatMicros(*ImpressionFee(1'000'000, 333)), "0.333000");
  EXPECT_EQ(FormatMicros(*ImpressionFee(1'000'000, 0)), "0.000000");
  EXPECT_EQ(FormatMicros(*ImpressionFee(1'234'567, 7)), "0.008642");  // 8641.969 micros -> 8642
}

// A rate of 3 micros per 1,000 impressions earns 0.003 micro an impression:
// the fraction below the micro rounds half up at close.
TEST(FeesTest, SubMicroFractionsRoundHalfUp) {
  EXPECT_EQ(*ImpressionFee(3, 1), 0);      // 0.003
  EXPECT_EQ(*ImpressionFee(3, 166), 0);    // 0.498
  EXPECT_EQ(*ImpressionFee(3, 167), 1);    // 0.501
  EXPECT_EQ(*ImpressionFee(1, 500), 1);    // 0.5 exactly: up
  EXPECT_EQ(*ImpressionFee(1, 499), 0);    // 0.499
  EXPECT_EQ(*ImpressionFee(3, 500), 2);    // 1.5: up
  EXPECT_EQ(*ImpressionFee(3, 1'000), 3);  // exact
  // A reversing entry is the negated fee of its magnitude.
  EXPECT_EQ(*ImpressionFee(1, -500), -1);
  EXPECT_EQ(*ImpressionFee(4'000'000, -2'500), -10'000'000);
}

TEST(FeesTest, OverflowIsRefusedNotWrapped) {
  // The product (2^63 - 1) × 2^63-ish is formed exactly; the fee does not fit.
  EXPECT_EQ(ImpressionFee(kMax, kMax).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ImpressionFee(kMax, 1'001).status().code(), Status::Code::kInvalidArgument);
  // Just inside: 1,000 impressions at the largest rate is the largest rate.
  EXPECT_EQ(*ImpressionFee(kMax, 1'000), kMax);
  EXPECT_EQ(ImpressionFee(-1, 10).status().code(), Status::Code::kInvalidArgument);
}

TEST(FeesTest, ValidatesTermsNamingTheField) {
  EXPECT_TRUE(ValidateFeeTerms({0, 0}).ok());
  Status s = ValidateFeeTerms({-1, 0});
  EXPECT_EQ(s.field(), "flat_fee_micros");
  s = ValidateFeeTerms({0, -4'000'000});
  EXPECT_EQ(s.field(), "rate_per_1000_qualifying_micros");
  EXPECT_NE(s.message().find("-4000000"), std::string::npos) << s.message();
}

TEST(FeesTest, FlatFeeIsPaidOncePerConsentAtItsFirstClose) {
  FeeAccrual accrual;
  ASSERT_TRUE(accrual.AddConsent("p1", "c1", {*ParseMicros("250.00"), *ParseMicros("4.00")}).ok());
  ASSERT_TRUE(accrual.CountQualifying("p1", "c1", 2'500).ok());
  auto first = accrual.ClosePeriod();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].qualifying_impressions, 2'500);
  EXPECT_EQ(FormatMicros((*first)[0].flat_fee_micros), "250.000000");
  EXPECT_EQ(FormatMicros((*first)[0].impression_fee_micros), "10.000000");
  EXPECT_EQ(FormatMicros((*first)[0].total_micros), "260.000000");

  ASSERT_TRUE(accrual.CountQualifying("p1", "c1", 1).ok());
  auto second = accrual.ClosePeriod();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)[0].flat_fee_micros, 0);
  EXPECT_EQ(FormatMicros((*second)[0].total_micros), "0.004000");

  // A period without impressions still lists the consent, at zero.
  auto third = accrual.ClosePeriod();
  ASSERT_TRUE(third.ok());
  EXPECT_EQ((*third)[0].total_micros, 0);
  EXPECT_EQ(FormatMicros(*accrual.PaidMicros("p1", "c1")), "260.004000");
}

TEST(FeesTest, FlatFeeIsOwedEvenWithoutImpressions) {
  FeeAccrual accrual;
  ASSERT_TRUE(accrual.AddConsent("p1", "c1", {*ParseMicros("100"), 0}).ok());
  auto fees = accrual.ClosePeriod();
  ASSERT_TRUE(fees.ok());
  EXPECT_EQ(FormatMicros((*fees)[0].total_micros), "100.000000");
}

// Rounding is cumulative, so 1,000 periods of one impression at 3 micros per
// 1,000 pay what one period of 1,000 impressions pays (3 micros), where
// rounding each period alone would pay 0 every time.
TEST(FeesTest, ManySmallPeriodsSumToOneBigPeriod) {
  FeeAccrual many, one;
  ASSERT_TRUE(many.AddConsent("p", "c", {0, 3}).ok());
  ASSERT_TRUE(one.AddConsent("p", "c", {0, 3}).ok());
  Micros sum = 0;
  for (int i = 0; i < 1'000; ++i) {
    ASSERT_TRUE(many.CountQualifying("p", "c").ok());
    auto fees = many.ClosePeriod();
    ASSERT_TRUE(fees.ok());
    const Micros f = (*fees)[0].impression_fee_micros;
    // Each period differs from rounding it alone (0 micros) by at most one.
    EXPECT_GE(f, 0);
    EXPECT_LE(f, 1);
    sum += f;
  }
  ASSERT_TRUE(one.CountQualifying("p", "c", 1'000).ok());
  auto fees = one.ClosePeriod();
  ASSERT_TRUE(fees.ok());
  EXPECT_EQ((*fees)[0].impression_fee_micros, 3);
  EXPECT_EQ(sum, 3);
  EXPECT_EQ(*many.PaidMicros("p", "c"), *one.PaidMicros("p", "c"));
}

// The same for uneven periods and an odd rate, against the one-period fee.
TEST(FeesTest, UnevenPeriodsMatchTheSinglePeriodTotal) {
  const Micros rate = 1'234'567;  // 1.234567 per 1,000
  FeeAccrual accrual;
  ASSERT_TRUE(accrual.AddConsent("p", "c", {0, rate}).ok());
  int64_t total = 0;
  Micros paid = 0;
  for (int64_t n : {1, 7, 333, 2'500, 9, 0, 12'345, 1}) {
    ASSERT_TRUE(accrual.CountQualifying("p", "c", n).ok());
    total += n;
    auto fees = accrual.ClosePeriod();
    ASSERT_TRUE(fees.ok());
    const Micros f = (*fees)[0].impression_fee_micros;
    EXPECT_LE(std::abs(f - *ImpressionFee(rate, n)), 1) << n;
    paid += f;
    EXPECT_EQ(paid, *ImpressionFee(rate, total)) << "after " << total;
  }
}

TEST(FeesTest, ReversalsAreBoundedByWhatWasCounted) {
  FeeAccrual accrual;
  ASSERT_TRUE(accrual.AddConsent("p", "c", {0, 4'000'000}).ok());
  ASSERT_TRUE(accrual.CountQualifying("p", "c", 3).ok());
  ASSERT_TRUE(accrual.ClosePeriod().ok());
  // A correction in the next period: one of the three did not qualify.
  ASSERT_TRUE(accrual.CountQualifying("p", "c", -1).ok());
  auto fees = accrual.ClosePeriod();
  ASSERT_TRUE(fees.ok());
  EXPECT_EQ((*fees)[0].qualifying_impressions, -1);
  EXPECT_EQ(FormatMicros((*fees)[0].impression_fee_micros), "-0.004000");
  EXPECT_EQ(FormatMicros(*accrual.PaidMicros("p", "c")), "0.008000");
  Status s = accrual.CountQualifying("p", "c", -3);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("reversal"), std::string::npos) << s.message();
}

TEST(FeesTest, AccrualRefusesUnknownAndChangedConsents) {
  FeeAccrual accrual;
  EXPECT_EQ(accrual.CountQualifying("p", "c").code(), Status::Code::kNotFound);
  EXPECT_EQ(accrual.PaidMicros("p", "c").status().code(), Status::Code::kNotFound);
  ASSERT_TRUE(accrual.AddConsent("p", "c", {1, 2}).ok());
  EXPECT_TRUE(accrual.AddConsent("p", "c", {1, 2}).ok());  // same terms: no-op
  EXPECT_EQ(accrual.AddConsent("p", "c", {1, 3}).field(), "consent_id");
  EXPECT_EQ(accrual.AddConsent("p", "", {1, 2}).field(), "consent_id");
  EXPECT_EQ(accrual.AddConsent("p", "d", {0, -1}).field(), "rate_per_1000_qualifying_micros");
}

TEST(FeesTest, CloseIsSortedAndAllOrNothing) {
  FeeAccrual accrual;
  ASSERT_TRUE(accrual.AddConsent("p2", "c1", {0, 1'000'000}).ok());
  ASSERT_TRUE(accrual.AddConsent("p1", "c9", {0, kMax}).ok());
  ASSERT_TRUE(accrual.AddConsent("p1", "c2", {0, 1'000'000}).ok());
  ASSERT_TRUE(accrual.CountQualifying("p2", "c1", 10).ok());
  ASSERT_TRUE(accrual.CountQualifying("p1", "c9", 1'001).ok());  // fee > INT64_MAX
  auto fees = accrual.ClosePeriod();
  EXPECT_EQ(fees.status().code(), Status::Code::kInvalidArgument);
  // Nothing was closed: the counts are still open.
  ASSERT_TRUE(accrual.CountQualifying("p1", "c9", -1).ok());
  fees = accrual.ClosePeriod();
  ASSERT_TRUE(fees.ok()) << fees.status().ToString();
  ASSERT_EQ(fees->size(), 3u);
  EXPECT_EQ((*fees)[0].consent_id, "c2");
  EXPECT_EQ((*fees)[1].consent_id, "c9");
  EXPECT_EQ((*fees)[1].impression_fee_micros, kMax);
  EXPECT_EQ((*fees)[2].performer_id, "p2");
  EXPECT_EQ(FormatMicros((*fees)[2].total_micros), "0.010000");
  // Counting past INT64_MAX is refused, not wrapped.
  EXPECT_EQ(accrual.CountQualifying("p2", "c1", kMax).code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace marquee
