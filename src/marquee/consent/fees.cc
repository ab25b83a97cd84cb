#include "marquee/consent/fees.h"

#include <fmt/format.h>

#include <limits>

namespace marquee {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

bool FitsInt64(__int128 v) { return v >= kInt64Min && v <= kInt64Max; }

// |v| / 1000 rounded half up, with v's sign: the one rounding step (at close).
__int128 DivideBy1000HalfAwayFromZero(__int128 v) {
  const bool negative = v < 0;
  const __int128 magnitude = negative ? -v : v;
  const __int128 rounded = (magnitude + 500) / 1000;
  return negative ? -rounded : rounded;
}

}  // namespace

std::string FormatMicros(Micros amount) {
  // Through unsigned so that INT64_MIN has a magnitude.
  const bool negative = amount < 0;
  const uint64_t magnitude = negative ? uint64_t{0} - static_cast<uint64_t>(amount) : static_cast<uint64_t>(amount);
  return fmt::format("{}{}.{:06d}", negative ? "-" : "", magnitude / 1'000'000, magnitude % 1'000'000);
}

Result<Micros> ParseMicros(std::string_view text) {
  auto bad = [&] {
    return Status::ParseError(fmt::format("expected an amount like 4.00 (at most six decimals), found {}",
                                          QuoteForError(text)));
  };
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  __int128 units = 0;
  size_t int_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++int_digits) {
    units = units * 10 + (text[i] - '0');
    if (units > kInt64Max) break;  // refused below as too large
  }
  if (int_digits == 0) return bad();
  __int128 fraction = 0;
  size_t frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++frac_digits) {
      if (frac_digits == 6) return bad();
      fraction = fraction * 10 + (text[i] - '0');
    }
    if (frac_digits == 0) return bad();
  }
  if (i != text.size()) {
    if (units > kInt64Max) {
      return Status::InvalidArgument(fmt::format("amount {} does not fit in 64-bit micros", QuoteForError(text)));
    }
    return bad();
  }
  for (size_t k = frac_digits; k < 6; ++k) fraction *= 10;
  const __int128 micros = (units * kMicrosPerUnit + fraction) * (negative ? -1 : 1);
  if (units > kInt64Max || !FitsInt64(micros)) {
    return Status::InvalidArgument(fmt::format("amount {} does not fit in 64-bit micros", QuoteForError(text)));
  }
  return static_cast<Micros>(micros);
}

Status ValidateFeeTerms(const FeeTerms& terms) {
  if (terms.flat_fee_micros < 0) {
    return Status::InvalidField("flat_fee_micros",
                                fmt::format("flat_fee_micros: expected >= 0, found {}", terms.flat_fee_micros));
  }
  if (terms.rate_per_1000_qualifying_micros < 0) {
    return Status::InvalidField("rate_per_1000_qualifying_micros",
                                fmt::format("rate_per_1000_qualifying_micros: expected >= 0, found {}",
                                            terms.rate_per_1000_qualifying_micros));
  }
  return Status::OK();
}

Result<Micros> ImpressionFee(Micros rate_per_1000_micros, int64_t qualifying_impressions) {
  if (rate_per_1000_micros < 0) {
    return Status::InvalidArgument(fmt::format("rate per 1,000 impressions must be >= 0, found {} micros",
                                               rate_per_1000_micros));
  }
  // |rate| < 2^63 and |count| <= 2^63, so the product is below 2^126: exact.
  const __int128 product = static_cast<__int128>(rate_per_1000_micros) * qualifying_impressions;
  const __int128 fee = DivideBy1000HalfAwayFromZero(product);
  if (!FitsInt64(fee)) {
    return Status::InvalidArgument(fmt::format("fee for {} impressions at {} per 1,000 does not fit in 64-bit micros",
                                               qualifying_impressions, FormatMicros(rate_per_1000_micros)));
  }
  return static_cast<Micros>(fee);
}

Status FeeAccrual::AddConsent(const std::string& performer_id, const std::string& consent_id,
                              const FeeTerms& terms) {
  if (consent_id.empty()) return Status::InvalidField("consent_id", "consent_id: expected a consent id, found \"\"");
  MARQUEE_RETURN_IF_ERROR(ValidateFeeTerms(terms));
  auto [it, inserted] = accounts_.try_emplace({performer_id, consent_id});
  if (inserted) {
    it->second.terms = terms;
    return Status::OK();
  }
  const FeeTerms& had = it->second.terms;
  if (had.flat_fee_micros != terms.flat_fee_micros ||
      had.rate_per_1000_qualifying_micros != terms.rate_per_1000_qualifying_micros) {
    return Status::InvalidField(
        "consent_id", fmt::format("consent_id: {} of performer {} was registered with other terms (consents are "
                                  "immutable; new terms need a new consent id)",
                                  QuoteForError(consent_id), QuoteForError(performer_id)));
  }
  return Status::OK();
}

Status FeeAccrual::CountQualifying(const std::string& performer_id, const std::string& consent_id, int64_t count) {
  auto it = accounts_.find({performer_id, consent_id});
  if (it == accounts_.end()) {
    return Status::NotFound(fmt::format("no fee terms for consent {} of performer {}", QuoteForError(consent_id),
                                        QuoteForError(performer_id)));
  }
  Account& a = it->second;
  const __int128 open = static_cast<__int128>(a.open_count) + count;
  const __int128 total = open + a.closed_count;
  if (!FitsInt64(open) || !FitsInt64(total)) {
    return Status::InvalidArgument(
        fmt::format("qualifying impressions of consent {} overflow a 64-bit count", QuoteForError(consent_id)));
  }
  if (total < 0) {
    return Status::InvalidArgument(fmt::format(
        "reversing {} impressions of consent {} leaves {} in total: a reversal cannot exceed what was counted",
        -count, QuoteForError(consent_id), static_cast<int64_t>(total)));
  }
  a.open_count = static_cast<int64_t>(open);
  return Status::OK();
}

Result<std::vector<FeeAccrual::PeriodFee>> FeeAccrual::ClosePeriod() {
  // Compute everything first so an overflow leaves every account as it was.
  std::vector<PeriodFee> fees;
  fees.reserve(accounts_.size());
  for (const auto& [key, a] : accounts_) {
    PeriodFee f;
    f.performer_id = key.first;
    f.consent_id = key.second;
    f.qualifying_impressions = a.open_count;
    // Cumulative rounding: what is owed for everything so far, minus what was paid.
    MARQUEE_ASSIGN_OR_RETURN(Micros owed, ImpressionFee(a.terms.rate_per_1000_qualifying_micros,
                                                        a.closed_count + a.open_count));
    f.impression_fee_micros = owed - a.impression_paid;  // both in [0, INT64_MAX]: no overflow
    f.flat_fee_micros = a.flat_fee_paid ? 0 : a.terms.flat_fee_micros;
    const __int128 total = static_cast<__int128>(f.flat_fee_micros) + f.impression_fee_micros;
    if (!FitsInt64(total)) {
      return Status::InvalidArgument(fmt::format("period fee of consent {} does not fit in 64-bit micros",
                                                 QuoteForError(key.second)));
    }
    f.total_micros = static_cast<Micros>(total);
    fees.push_back(std::move(f));
  }
  size_t i = 0;
  for (auto& [key, a] : accounts_) {
    a.closed_count += a.open_count;
    a.open_count = 0;
    a.impression_paid += fees[i].impression_fee_micros;
    a.flat_fee_paid = true;
    ++i;
  }
  return fees;
}

Result<Micros> FeeAccrual::PaidMicros(const std::string& performer_id, const std::string& consent_id) const {
  auto it = accounts_.find({performer_id, consent_id});
  if (it == accounts_.end()) {
    return Status::NotFound(fmt::format("no fee terms for consent {} of performer {}", QuoteForError(consent_id),
                                        QuoteForError(performer_id)));
  }
  const Account& a = it->second;
  const __int128 paid = static_cast<__int128>(a.flat_fee_paid ? a.terms.flat_fee_micros : 0) + a.impression_paid;
  if (!FitsInt64(paid)) {
    return Status::InvalidArgument(
        fmt::format("fees paid to consent {} do not fit in 64-bit micros", QuoteForError(consent_id)));
  }
  return static_cast<Micros>(paid);
}

}  // namespace marquee
