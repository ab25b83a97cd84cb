#include "consent_report.h"

#include <array>
#include <map>
#include <variant>
#include <vector>

#include "marquee/consent/catalog_likeness.h"
#include "marquee/consent/consent_json.h"
#include "marquee/consent/consent_log.h"
#include "marquee/consent/eligibility.h"
#include "marquee/util/file.h"

namespace marquee {

Status WriteSyntheticConsents(const Dataset& dataset, const SyntheticConsentOptions& options,
                              const std::string& path, std::FILE* out) {
  const std::vector<ConsentEntry> entries = SyntheticConsents(dataset, options);
  std::array<size_t, std::variant_size_v<ConsentEntry>> counts{};
  Status written = WriteFileAtomically(path, [&](std::FILE* f) {
    for (const ConsentEntry& e : entries) {
      ++counts[e.index()];
      std::string line = ConsentEntryToJson(e);
      line += '\n';
      Status s = WriteBytes(f, line.data(), line.size(), path);
      if (!s.ok()) return s;
    }
    return Status::OK();
  });
  if (!written.ok()) return written;
  std::fprintf(out, "wrote %s (%zu consents, %zu revocations, %zu takedowns, %zu restorations at %lld)\n",
               path.c_str(), counts[0], counts[1], counts[2], counts[3], static_cast<long long>(options.now));
  return Status::OK();
}

Status PrintConsentGate(const Dataset& dataset, const std::string& path, const std::string& territory,
                        int64_t time, std::FILE* out) {
  ConsentRegistry registry(PerformerFactsOf(dataset.catalog));
  MARQUEE_RETURN_IF_ERROR(ReplayConsentLog(path, registry).status());
  size_t variants = 0, eligible = 0;
  std::map<std::string_view, size_t> reasons;
  for (uint32_t title = 0; title < dataset.catalog.size(); ++title) {
    const size_t n = dataset.catalog.titles()[title].artwork.size();
    for (uint32_t variant = 0; variant < n; ++variant) {
      ++variants;
      const Eligibility e =
          registry.Check(LikenessUseOf(dataset, title, variant, "artwork.personalized", territory, time));
      if (e.eligible) {
        ++eligible;
      } else {
        ++reasons[IneligibleReasonName(e.reason)];
      }
    }
  }
  std::fprintf(out, "  artwork variants a member in %s may be shown (personalized artwork, at %lld): %zu of %zu (%.1f%%)\n",
               territory.c_str(), static_cast<long long>(time), eligible, variants,
               variants == 0 ? 0.0 : 100.0 * static_cast<double>(eligible) / static_cast<double>(variants));
  if (!reasons.empty()) {
    std::fprintf(out, "  not eligible:");
    for (const auto& [reason, count] : reasons) std::fprintf(out, " %.*s %zu", static_cast<int>(reason.size()), reason.data(), count);
    std::fprintf(out, "\n");
  }
  return Status::OK();
}

}  // namespace marquee
