#include "marquee/serve/recommendation_service.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

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

// Exclusions and candidates applied, the best k kept: the ranking step of
// `marquee recommend` (recommend.h), on a buffer the caller already filled.
// The exclusions are all in options.exclude (the history they come from may
// hold titles the model has not seen).
std::vector<ScoredTitle> Rank(std::span<float> scores, const RecommendOptions& options) {
  return RankScores(scores, History{}, options);
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

// The answer when there is no member signal to score (an unknown member,
// an empty history, a history with no positive title): the most watched
// titles of the dataset, flagged as the fallback with `reason`.
void PopularityFallback(const std::vector<float>& popularity, std::span<float> scores,
                        const RecommendOptions& options, std::string reason, Recommendations& out) {
  // The model's own popularity, one a title it scores; a title beyond it
  // (none today) ranks last rather than keeping a stale score.
  const size_t n = std::min(popularity.size(), scores.size());
  std::copy_n(popularity.begin(), n, scores.begin());
  std::fill(scores.begin() + static_cast<std::ptrdiff_t>(n), scores.end(), -std::numeric_limits<float>::infinity());
  out.fallback = true;
  out.fallback_reason = std::move(reason);
  out.retrieval = "popularity";
  out.items = Rank(scores, options);
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
    : models_(models), events_(events) {}

Result<std::unique_ptr<RecommendationService>> RecommendationService::Create(ModelStore& models,
                                                                             EventStore& events) {
  std::unique_ptr<RecommendationService> service(new RecommendationService(models, events));
  // The events already in the store (a restarted server, an imported log),
  // a page at a time so that a large store is never held in memory whole.
  constexpr size_t kPage = 65536;
  RecommendationService* self = service.get();
  Status scanned = events.Scan(kPage, [self](std::span<const Event> page) { self->IndexMembers(page); });
  if (!scanned.ok()) return scanned.WithContext("recommendation service: indexing the event store");
  return service;
}

void RecommendationService::IndexMembers(std::span<const Event> events) {
  WriterLock lock(&index_mutex_);
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

bool RecommendationService::MayHaveHistoryEvents(std::string_view member_id) const {
  ReaderLock lock(&index_mutex_);
  return members_with_events_.contains(member_id);
}

Result<std::shared_ptr<const std::vector<uint8_t>>> RecommendationService::Candidates(
    const ServingModel& model, const TitleFilter& filter) {
  if (!filter.max_maturity.empty() && !MaturityLevel(filter.max_maturity)) {
    return Status::InvalidField("maturity", fmt::format("maturity: expected a rating such as G, PG, PG-13, "
                                                        "R, TV-14 or TV-MA, found {}",
                                                        QuoteForError(filter.max_maturity)));
  }
  Result<std::shared_ptr<const std::vector<uint8_t>>> mask = model.candidates->Get(filter);
  // With the maturity checked above, what CandidateMask refuses is a genre.
  if (!mask.ok()) return mask.status().WithField("genre");
  return *mask;
}

Result<std::vector<Event>> RecommendationService::MemberEvents(std::string_view member_id) {
  if (!MayHaveHistoryEvents(member_id)) return std::vector<Event>();
  return events_.MemberEvents(member_id);
}

Result<std::optional<MemberHistory>> RecommendationService::LiveHistory(std::string_view member_id) {
  if (!MayHaveHistoryEvents(member_id)) return std::optional<MemberHistory>();
  MARQUEE_ASSIGN_OR_RETURN(std::vector<Event> events, events_.MemberEvents(member_id));
  if (events.empty()) return std::optional<MemberHistory>();  // as ForMember's live_history
  std::shared_ptr<const ServingModel> model = models_.Current();
  MemberHistory history;
  BuildMemberHistory(*model, model->dataset->members.Find(member_id), events, history);
  return std::optional<MemberHistory>(std::move(history));
}

Result<Recommendations> RecommendationService::ForMember(std::string_view member_id, const MemberQuery& query,
                                                         std::shared_ptr<const ServingModel> model_override) {
  Recommendations out;
  out.model = model_override != nullptr ? std::move(model_override) : models_.Current();
  const ServingModel& model = *out.model;
  MARQUEE_ASSIGN_OR_RETURN(std::shared_ptr<const std::vector<uint8_t>> mask, Candidates(model, query.filter));
  // Most members have no logged plays: skip the store query for them.
  std::vector<Event> events;
  if (MayHaveHistoryEvents(member_id)) {
    MARQUEE_ASSIGN_OR_RETURN(events, events_.MemberEvents(member_id));
  }

  const uint32_t index = model.dataset->members.Find(member_id);
  thread_local MemberHistory history;
  BuildMemberHistory(model, index, events, history);
  if (!events.empty()) out.live_history = history;

  std::span<float> scores = ScoreBuffer(model.model().title_count());
  RecommendOptions options{.k = query.k, .candidates = MaskOf(mask)};
  if (query.exclude_watched) options.exclude = history.seen;
  // Every way of having nothing to score ends here, the same way.
  if (history.titles.empty()) {
    PopularityFallback(model.popularity, scores, options, NoSignalReason(index, history), out);
    return out;
  }
  if (CanUseIndex(model, options.candidates)) {
    out.retrieval = "hnsw";
    const FactorMatrix& members = model.factors->member_factors();
    if (index != IdMap::kNotFound && index < members.rows() && !history.has_new_titles) {
      out.items = SearchIndex(model, {members.Row(index), members.stride()}, options);
    } else {
      out.items = SearchIndex(model, model.factors->FoldIn(history.scoring()), options);
    }
    return out;
  }
  ScoreMemberHistory(model, index, history, scores);
  out.items = Rank(scores, options);
  return out;
}

Result<Recommendations> RecommendationService::ForHistory(const HistoryQuery& request) {
  Recommendations out;
  out.model = models_.Current();
  const ServingModel& model = *out.model;
  MARQUEE_ASSIGN_OR_RETURN(std::shared_ptr<const std::vector<uint8_t>> mask, Candidates(model, request.filter));
  std::vector<uint32_t> titles;
  std::string unknown;
  for (const std::string& id : request.title_ids) {
    const uint32_t title = model.dataset->titles.Find(id);
    if (title == IdMap::kNotFound) unknown += (unknown.empty() ? "" : ", ") + QuoteForError(id);
    else titles.push_back(title);
  }
  if (!unknown.empty()) {
    return Status::InvalidField("history", "history: titles not in the catalog: " + unknown);
  }
  std::sort(titles.begin(), titles.end());
  titles.erase(std::unique(titles.begin(), titles.end()), titles.end());
  const std::vector<float> weights(titles.size(), 1.0f);
  const RecommendOptions options{.k = request.k, .exclude = titles, .candidates = MaskOf(mask)};
  if (titles.empty()) {
    PopularityFallback(model.popularity, ScoreBuffer(model.model().title_count()), options,
                       "empty history: no titles to fold in", out);
    return out;
  }
  if (CanUseIndex(model, options.candidates)) {
    out.retrieval = "hnsw";
    out.items = SearchIndex(model, model.factors->FoldIn({titles, weights}), options);
    return out;
  }

  std::span<float> scores = ScoreBuffer(model.model().title_count());
  model.model().ScoreHistory({titles, weights}, scores);
  out.items = Rank(scores, options);
  return out;
}

Result<Recommendations> RecommendationService::Similar(std::string_view title_id, uint32_t k) {
  Recommendations out;
  out.model = models_.Current();
  const ServingModel& model = *out.model;
  const uint32_t index = model.dataset->titles.Find(title_id);
  if (index == IdMap::kNotFound) {
    return Status::NotFound(fmt::format("title {} is not in the catalog", QuoteForError(title_id)))
        .WithField("title");
  }
  std::span<float> scores = ScoreBuffer(model.model().title_count());
  const uint32_t self[] = {index};
  const RecommendOptions options{.k = k, .exclude = self};
  if (index < model.title_positives.size() && model.title_positives[index] == 0) {
    PopularityFallback(model.popularity, scores, options,
                       "no title signal: the model was trained on no positive for this title", out);
    return out;
  }
  model.model().ScoreSimilar(index, scores);
  out.items = Rank(scores, options);
  return out;
}

}  // namespace marquee::serve
