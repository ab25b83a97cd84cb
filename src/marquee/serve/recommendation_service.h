// RecommendationService: what the recommendation routes do, without HTTP --
// find the member's history (the dataset row plus the plays and ratings that
// reached the event store since), score it with the current model, and rank.
//
// Hot path rules: the dataset is never copied per request, score buffers are
// reused per thread, and ranking is the shared top_k.h code every model uses.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "marquee/store/event_store.h"
#include "marquee/data/title_filter.h"
#include "marquee/models/top_k.h"
#include "marquee/serve/candidate_cache.h"
#include "marquee/serve/member_history.h"
#include "marquee/serve/model_store.h"
#include "marquee/serve/queries.h"
#include "marquee/util/mutex.h"
#include "marquee/util/thread_annotations.h"

namespace marquee::serve {

struct Recommendations {
  // The snapshot that answered: its version, and its dataset to turn title
  // indices into ids and names.
  std::shared_ptr<const ServingModel> model;
  std::vector<ScoredTitle> items;
  bool fallback = false;
  std::string fallback_reason;
  // "exact" (every title scored), "hnsw" (approximate index) or "popularity"
  // (the fallback).
  std::string_view retrieval = "exact";
  // ForMember: the member's history when they have logged events (the
  // context artwork decisions use; see LiveHistory), else nullopt.
  std::optional<MemberHistory> live_history;
};

class RecommendationService {
 public:
  // Both must outlive the service. Scans the event store once for the
  // members who have plays or ratings in it; a failed scan is the error
  // (IOError/Corruption from the store, with context), so a server never
  // starts on a store it cannot read.
  static Result<std::unique_ptr<RecommendationService>> Create(ModelStore& models, EventStore& events);

  // GET /v1/members/{id}/recommendations. With no member signal -- a member
  // the dataset does not know with no plays or ratings of the model's titles
  // logged (impressions and clicks are not history, nor are plays of titles
  // outside the serving dataset: stored for the next training), or any member none of whose titles the
  // model scores as a positive (an empty row; every rating below the model's
  // min_rating) -- the answer is the most watched titles, flagged fallback
  // with a fallback_reason and retrieval "popularity" (watched titles still
  // left out when exclude_watched).
  // Errors: InvalidArgument naming the field ("genre", "maturity") for a
  // filter the catalog does not know; the event store's read errors.
  // `model`: the snapshot to score with (an experiment cell's, trained on
  // the same dataset); null: the store's current model.
  Result<Recommendations> ForMember(std::string_view member_id, const MemberQuery& query,
                                    std::shared_ptr<const ServingModel> model = nullptr);
  // POST /v1/recommendations: fold-in of a history the model never saw. An
  // empty history is the popularity fallback, as for ForMember (not an
  // error). Errors: as ForMember for the filter; InvalidArgument with field "history"
  // naming every title id not in the catalog.
  Result<Recommendations> ForHistory(const HistoryQuery& query);
  // GET /v1/titles/{id}/similar. A title the model was trained on no
  // positive for has no similar titles: the popularity fallback, flagged
  // with a reason, as for ForMember. NotFound with field "title" for an
  // unknown id.
  Result<Recommendations> Similar(std::string_view title_id, uint32_t k);

  // The member's history now -- dataset row merged with the plays and
  // ratings logged since -- when they have logged any; nullopt otherwise
  // (their history is their dataset row). The event store's read errors.
  Result<std::optional<MemberHistory>> LiveHistory(std::string_view member_id);

  // The member's plays and ratings (and any other events) in the event store,
  // in append order; empty without a query when the member has none (the
  // common case). The event store's read errors.
  Result<std::vector<Event>> MemberEvents(std::string_view member_id);
  // The title mask for a request's filter over `model`'s catalog (nullptr:
  // every title), shared and cached with the model. InvalidArgument with
  // field "maturity" or "genre" for a value the catalog does not know.
  static Result<std::shared_ptr<const std::vector<uint8_t>>> Candidates(const ServingModel& model,
                                                                        const TitleFilter& filter);

  // Events that the event store has made durable (POST /v1/events calls this
  // before answering), so that the next request for their members reads them.
  void NoteAppended(std::span<const Event> events);

 private:
  RecommendationService(ModelStore& models, EventStore& events);
  // False only when the member has no play or rating in the event store, so
  // the per-request store query can be skipped (most members, most of the
  // time: their history is their dataset row). Impressions and clicks are not
  // history, so members with only those are not indexed.
  bool MayHaveHistoryEvents(std::string_view member_id) const;
  void IndexMembers(std::span<const Event> events);

  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  ModelStore& models_;
  EventStore& events_;
  // Members with plays or ratings in the event store: those in it at start
  // plus those appended through NoteAppended.
  mutable SharedMutex index_mutex_;
  std::unordered_set<std::string, StringHash, std::equal_to<>> members_with_events_ GUARDED_BY(index_mutex_);
};

}  // namespace marquee::serve
