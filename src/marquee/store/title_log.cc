#include "marquee/store/title_log.h"

#include <fmt/format.h>

namespace marquee {

Result<std::vector<NewTitle>> ReadTitleLog(const EventStore& events, const std::string& events_path,
                                           const Catalog& catalog) {
  MARQUEE_ASSIGN_OR_RETURN(std::vector<AddedTitleRecord> log, events.AddedTitles());
  std::vector<NewTitle> titles;
  titles.reserve(log.size());
  const NewTitleParser parser(catalog);
  for (const AddedTitleRecord& record : log) {
    const std::string source = fmt::format("{}: title log, title {}", events_path, record.title_id);
    Result<std::vector<NewTitle>> parsed = parser.Parse(record.definition, source);
    if (!parsed.ok() || parsed->size() != 1) {
      return Status::Corruption(fmt::format("{}: expected the definition of one title: {}", source,
                                            parsed.ok() ? "found several" : parsed.status().message()));
    }
    titles.push_back(std::move(parsed->front()));
  }
  return titles;
}

Result<Dataset> WithTitleLog(Dataset dataset, const EventStore& events, const std::string& events_path) {
  MARQUEE_ASSIGN_OR_RETURN(std::vector<NewTitle> titles, ReadTitleLog(events, events_path, dataset.catalog));
  if (titles.empty()) return dataset;
  std::vector<NewTitleRecord> records;
  records.reserve(titles.size());
  for (const NewTitle& t : titles) records.push_back({t.title_id, t.title});
  Result<Dataset> grown = WithNewTitles(dataset, records);
  if (!grown.ok()) {
    return grown.status().WithContext(fmt::format("{}: the {} titles of its title log", events_path, titles.size()));
  }
  return grown;
}

}  // namespace marquee
