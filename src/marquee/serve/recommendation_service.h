// RecommendationService: what the recommendation routes do, without HTTP --
// find the member's history (the dataset row plus the plays and ratings that
// reached the event store since), score it with the current model, and rank.
//
// Hot path rules: the dataset is never copied per request, score buffers are
// reused per thread, and ranking is the shared top_k.h code every model uses.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "marquee/data/event_store.h"
#include "marquee/data/title_filter.h"
#include "marquee/models/top_k.h"
#include "marquee/serve/candidate_cache.h"
#include "marquee/serve/json_request.h"
#include "marquee/serve/model_store.h"

namespace marquee::serve {

struct MemberQuery {
  uint32_t k = kDefaultK;
  bool exclude_watched = true;
  TitleFilter filter;
};

struct Recommendations {
  // The snapshot that answered: its version, and its dataset to turn title
  // indices into ids and names.
  std::shared_ptr<const ServingModel> model;
  std::vector<ScoredTitle> items;
  bool fallback = false;
  std::string fallback_reason;
};

class RecommendationService {
 public:
  // Both must outlive the service.
  RecommendationService(ModelStore& models, EventStore& events);

  // GET /v1/members/{id}/recommendations. Members the dataset does not know
  // and who have no events get the most popular titles, flagged as fallback.
  Parsed<Recommendations> ForMember(std::string_view member, const MemberQuery& query);
  // POST /v1/recommendations: fold-in of a history the model never saw.
  // Unknown title ids are an error naming them.
  Parsed<Recommendations> ForHistory(const HistoryRequest& request);
  // GET /v1/titles/{id}/similar.
  Parsed<Recommendations> Similar(std::string_view title, uint32_t k);

 private:
  Parsed<std::shared_ptr<const std::vector<uint8_t>>> Candidates(const TitleFilter& filter);

  ModelStore& models_;
  EventStore& events_;
  CandidateCache candidates_;
};

}  // namespace marquee::serve
