// A performer's statement (issue 11 §5): for one performer and one period,
// what their image was shown (impressions by title, territory and variant
// kind, and by day), the qualifying plays attributed to it, the consents
// those showings relied on with their fee terms and the fees they earn, and
// whether each title reached the streaming success bonus.
//
// Counts follow ledger/accounts.h; money follows consent/fees.h, exactly,
// in Micros. FEES FOR A PERIOD [from, to) of one consent version:
//   impression fee = ImpressionFee(rate, N(< to)) - ImpressionFee(rate, N(< from))
// where N(< t) counts the version's qualifying impressions before t over the
// whole ledger: FeeAccrual's cumulative rounding with closes at `from` and
// `to`, so statements of adjacent periods add up exactly to the statement of
// their union. The flat fee is paid once, in the period holding the
// version's first live impression. Each consent version is its own terms.
//
// Thread contract: pure functions of their arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/consent/bonus_rules.h"
#include "marquee/consent/eligibility.h"
#include "marquee/consent/fees.h"
#include "marquee/data/dataset.h"
#include "marquee/ledger/accounts.h"
#include "marquee/ledger/exposure.h"
#include "marquee/util/status.h"

namespace marquee {

struct StatementOptions {
  // The period, unix seconds [from, to); the default is all time.
  Period period;
  // Exposure settings for the bonus lines (domestic territory, subscribers,
  // rules). Its `agreement` is ignored: each consent names its own. Without
  // rules, bonus lines say so instead of "not triggered".
  ExposureOptions exposure;
};

// One consent version the period's impressions relied on, and its fees.
struct ConsentFeeLine {
  ConsentRef consent;
  bool found = false;                 // the version is in the consent registry
  std::string agreement;              // from the record; empty when not found
  bool bonus_participation = false;
  FeeTerms terms;                     // zero when not found
  int64_t qualifying_impressions = 0; // in the period
  int64_t qualifying_impressions_to_date = 0;  // before the period's end, all time
  Micros flat_fee_micros = 0;         // the terms' flat fee when the first impression falls in the period
  Micros impression_fee_micros = 0;   // cumulative rounding, see above
  Micros total_micros = 0;
};

// Whether one title's (film's or season's) streaming reached the bonus, for
// one agreement a relied-on consent participates under.
struct BonusLine {
  std::string title_id;  // the title the performer was shown for
  std::string agreement;
  ExposureUnit exposure; // its bonus_status says "triggered", "not triggered" or why none was computed
};

struct PerformerStatement {
  std::string performer_id;
  std::string performer_name;  // from the catalog; empty when it lacks the performer
  Period period;
  PerformerTotals totals;
  std::vector<ConsentFeeLine> consents;  // by consent id, then version
  Micros total_fees_micros = 0;
  std::vector<BonusLine> bonus;          // by title, then agreement
  // Consents the ledger names that the registry lacks, and the ledger's own
  // problems (ledger/accounts.h): a statement is shown with them, never
  // silently.
  std::vector<std::string> problems;
};

// Builds the statement of `performer_id`. NotFound "performer" when neither
// the dataset's catalog nor any ledger row knows the performer;
// InvalidArgument "period" when from >= to; InvalidArgument when a fee
// overflows int64 micros; ComputeExposure's errors for the bonus lines.
Result<PerformerStatement> BuildStatement(const LedgerAccounts& accounts, const Dataset& dataset,
                                          const ConsentRegistry& consents, std::string_view performer_id,
                                          const StatementOptions& options);

// Renderers. Text: tables for a terminal (the CLI). JSON: one object
// (amounts as FormatMicros strings and as integer micros), what
// GET /v1/performers/{id}/statement answers. HTML: a printable,
// self-contained page (inline CSS and SVG, no scripts) with a chart of
// impressions per day, one series per statement, then each statement.
std::string StatementText(const PerformerStatement& statement);
std::string StatementJson(const PerformerStatement& statement);
std::string StatementHtml(std::span<const PerformerStatement> statements);

}  // namespace marquee
