#include "marquee/serve/recommendation_service.h"

#include <algorithm>
#include <limits>
#include <mutex>

#include "marquee/data/id_map.h"
#include "marquee/models/recommend.h"
#include "marquee/serve/member_history.h"

namespace marquee::serve {

namespace {

// A per-thread score buffer of n floats, reused across requests.
std::span<float> ScoreBuffer(size_t n) {
  thread_local std::vector<float> buffer;
  buffer.resize(n);
  return buffer;
}

// Exclusions and candidates applied, the best k kept -- the same steps as
// recommend.h's Recommend, on a buffer the caller already filled.
std::vector<ScoredTitle> Rank(std::span<float> scores, const RecommendOptions& options) {
  ExcludeTitles(scores, options.exclude);
  RestrictToCandidates(scores, options.candidates);
  return TopK(scores, options.k);
}

// The index answers when the model has one and no filter restricts the
// candidates. The query is the member's factor vector: the trained row, or a
// fold-in of their history when it has titles the model has not seen.
bool CanUseIndex(const ServingModel& model, std::span<const uint8_t> mask) {
  return model.ann != nullptr && mask.empty();
}

std::vector<ScoredTitle> SearchIndex(const ServingModel& model, std::span<const float> query,
                                     const RecommendOptions& options) {
  return model.ann->Search(query, options.k, model.ann_ef, options.exclude);
}

std::span<const uint8_t> MaskOf(const std::shared_ptr<const std::vector<uint8_t>>& mask) {
  if (mask == nullptr) return {};
  return *mask;
}

}  // namespace

namespace {
bool IsHistoryEvent(const Event& event) {
  return event.kind == EventKind::kPlay || event.kind == EventKind::kRating;
}
}  // namespace

RecommendationService::RecommendationService(ModelStore& models, EventStore& events)
    : models_(models), events_(events), candidates_(models.dataset().catalog) {
  // The events already in the store (a restarted server, an imported log),
  // a page at a time so that a large store is never held in memory whole.
  constexpr size_t kPage = 65536;
  Status scanned = events_.Scan(kPage, [this](std::span<const Event> page) { IndexMembers(page); });
  // On a read error index_complete_ stays false: every request queries the store.
  index_complete_ = scanned.ok();
}

void RecommendationService::IndexMembers(std::span<const Event> events) {
  std::unique_lock<std::shared_mutex> lock(index_mutex_);
  for (const Event& event : events) {
    if (IsHistoryEvent(event) && !members_with_events_.contains(event.member_id)) {
      members_with_events_.insert(event.member_id);
    }
  }
}

void RecommendationService::NoteAppended(std::span<const Event> events) {
  if (std::none_of(events.begin(), events.end(), IsHistoryEvent)) return;
  IndexMembers(events);
}

bool RecommendationService::MayHaveHistoryEvents(std::string_view member) const {
  std::shared_lock<std::shared_mutex> lock(index_mutex_);
  return !index_complete_ || members_with_events_.contains(member);
}

Parsed<std::shared_ptr<const std::vector<uint8_t>>> RecommendationService::Candidates(
    const TitleFilter& filter) {
  if (!filter.max_maturity.empty() && !MaturityLevel(filter.max_maturity)) {
    return ApiError::BadField("maturity", "maturity: expected a rating such as G, PG, PG-13, R, "
                                          "TV-14 or TV-MA, found " + QuoteForError(filter.max_maturity));
  }
  Result<std::shared_ptr<const std::vector<uint8_t>>> mask = candidates_.Get(filter);
  // With the maturity checked above, what CandidateMask refuses is a genre.
  if (!mask.ok()) return FromStatus(mask.status(), "genre");
  return *mask;
}

Parsed<Recommendations> RecommendationService::ForMember(std::string_view member,
                                                         const MemberQuery& query) {
  Parsed<std::shared_ptr<const std::vector<uint8_t>>> mask = Candidates(query.filter);
  if (!mask.ok()) return mask.error();
  // Most members have no logged plays: skip the store query for them.
  Result<std::vector<Event>> events = std::vector<Event>{};
  if (MayHaveHistoryEvents(member)) events = events_.MemberEvents(member);
  if (!events.ok()) return FromStatus(events.status());

  Recommendations out;
  out.model = models_.Current();
  const ServingModel& model = *out.model;
  const uint32_t index = model.dataset->members.Find(member);
  thread_local MemberHistory history;
  BuildMemberHistory(model, index, *events, history);

  std::span<float> scores = ScoreBuffer(model.model().title_count());
  RecommendOptions options{.k = query.k, .candidates = MaskOf(*mask)};
  if (query.exclude_watched) options.exclude = history.seen;
  if (index == IdMap::kNotFound && history.seen.empty()) {
    const std::vector<float>& popularity = models_.popularity();
    std::copy(popularity.begin(), popularity.end(), scores.begin());
    out.fallback = true;
    out.fallback_reason = "unknown member: not in the dataset and no plays or ratings logged";
    out.retrieval = "popularity";
  } else if (CanUseIndex(model, options.candidates)) {
    out.retrieval = "hnsw";
    const FactorMatrix& members = model.ials->member_factors();
    if (index != IdMap::kNotFound && index < members.rows() && !history.has_new_titles) {
      out.items = SearchIndex(model, {members.Row(index), members.stride()}, options);
    } else {
      out.items = SearchIndex(model, model.ials->FoldIn(history.scoring()), options);
    }
    return out;
  } else if (index != IdMap::kNotFound && !history.has_new_titles) {
    model.model().ScoreMember(index, History::Row(model.scoring_rows(), index), scores);
  } else {
    model.model().ScoreHistory(history.scoring(), scores);
  }
  out.items = Rank(scores, options);
  return out;
}

Parsed<Recommendations> RecommendationService::ForHistory(const HistoryRequest& request) {
  Parsed<std::shared_ptr<const std::vector<uint8_t>>> mask = Candidates(request.filter);
  if (!mask.ok()) return mask.error();
  Recommendations out;
  out.model = models_.Current();
  const ServingModel& model = *out.model;
  std::vector<uint32_t> titles;
  std::string unknown;
  for (const std::string& id : request.history) {
    const uint32_t title = model.dataset->titles.Find(id);
    if (title == IdMap::kNotFound) unknown += (unknown.empty() ? "" : ", ") + QuoteForError(id);
    else titles.push_back(title);
  }
  if (!unknown.empty()) {
    return ApiError{400, "unknown_titles", "history: titles not in the catalog: " + unknown, "history"};
  }
  std::sort(titles.begin(), titles.end());
  titles.erase(std::unique(titles.begin(), titles.end()), titles.end());
  const std::vector<float> weights(titles.size(), 1.0f);
  const RecommendOptions options{.k = request.k, .exclude = titles, .candidates = MaskOf(*mask)};
  if (CanUseIndex(model, options.candidates)) {
    out.retrieval = "hnsw";
    out.items = SearchIndex(model, model.ials->FoldIn({titles, weights}), options);
    return out;
  }

  std::span<float> scores = ScoreBuffer(model.model().title_count());
  model.model().ScoreHistory({titles, weights}, scores);
  out.items = Rank(scores, options);
  return out;
}

Parsed<Recommendations> RecommendationService::Similar(std::string_view title, uint32_t k) {
  Recommendations out;
  out.model = models_.Current();
  const ServingModel& model = *out.model;
  const uint32_t index = model.dataset->titles.Find(title);
  if (index == IdMap::kNotFound) {
    return ApiError::NotFound("title " + QuoteForError(title) + " is not in the catalog", "title");
  }
  std::span<float> scores = ScoreBuffer(model.model().title_count());
  model.model().ScoreSimilar(index, scores);
  const uint32_t self[] = {index};
  out.items = Rank(scores, {.k = k, .exclude = self});
  return out;
}

}  // namespace marquee::serve
