#include "marquee/data/launch_days.h"

#include <climits>

#include "marquee/util/civil_time.h"

namespace marquee {

std::vector<int64_t> LaunchDays(const InteractionMatrix& data, const Catalog& catalog) {
  std::vector<int64_t> launch(data.cols(), INT64_MIN);
  if (data.has_times()) {
    for (uint32_t m = 0; m < data.rows(); ++m) {
      const auto titles = data.RowIndices(m);
      const auto times = data.RowTimes(m);
      for (size_t i = 0; i < titles.size(); ++i) {
        const int64_t day = UnixDay(times[i]);
        if (launch[titles[i]] == INT64_MIN || day < launch[titles[i]]) launch[titles[i]] = day;
      }
    }
  }
  for (uint32_t t = 0; t < data.cols() && t < catalog.size(); ++t) {
    if (catalog.titles()[t].release_date) launch[t] = *catalog.titles()[t].release_date;
  }
  return launch;
}

}  // namespace marquee
