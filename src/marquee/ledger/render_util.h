// Small text helpers the ledger's renderers share (statements, exposure,
// verification reports). Internal to ledger/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace marquee::ledger_render {

// 1234567 -> "1,234,567"; -5000 -> "-5,000".
std::string Thousands(int64_t value);

// "2024-10-04T00:00:00Z" for a unix time; "-" for the open ends of a period.
std::string IsoTime(int64_t t);

// The opening of a printable, self-contained HTML page (inline CSS, no
// scripts, nothing fetched), with `title` escaped; close with PageEnd().
std::string PageStart(std::string_view title);
std::string PageEnd();

}  // namespace marquee::ledger_render
