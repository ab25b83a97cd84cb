// Ledger rows for tests, built the way the server writes them.
#pragma once

#include <string>
#include <vector>

#include "marquee/ledger/ledger_rows.h"

namespace marquee::testing_ledger {

inline ImpressionLedgerRow Impression(const std::string& id, int64_t time, const std::string& title_id,
                                      std::vector<LedgerPerformer> performers, const std::string& territory = "US",
                                      const std::string& member_id = "m1") {
  ImpressionLedgerRow row;
  row.impression_id = id;
  row.time = time;
  row.member_hash = HashMemberId(member_id);
  row.title_id = title_id;
  row.artwork_id = title_id + "-a";
  row.performers = std::move(performers);
  row.territory = territory;
  row.propensity = 0.5;
  row.eligible_count = 2;
  row.policy_version = "test@1";
  row.digital_source_type = "digitalCapture";
  row.replica_kind = "none";
  return row;
}

inline PlayLedgerRow Play(const std::string& id, int64_t time, const std::string& title_id,
                          const std::string& impression_id, bool qualified, int64_t seconds = 1800,
                          const std::string& territory = "US") {
  return {.play_id = id, .time = time, .member_hash = HashMemberId("m1"), .title_id = title_id,
          .impression_id = impression_id, .territory = territory, .seconds_watched = seconds, .qualified = qualified};
}

inline ReversalLedgerRow Reversal(const std::string& id, int64_t time, const std::string& reverses) {
  return {.reversal_id = id, .time = time, .reverses = reverses, .reason = "test correction"};
}

}  // namespace marquee::testing_ledger
