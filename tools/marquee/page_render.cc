#include "page_render.h"

#include <fmt/format.h>

#include "marquee/util/civil_time.h"
#include "marquee/util/svg_chart.h"

namespace marquee::cli {

namespace {

constexpr std::string_view kIndent = "     ";  // under "NNN. "

// "Name (year) score"; Continue Watching's scores are play times (the row
// is by recency), which mean nothing to a reader, so its titles go without.
std::string TitleLabel(const Title& title, float score, page::RowKind kind) {
  std::string label = title.name.empty() ? "(untitled)" : title.name;
  if (title.year != 0) label += fmt::format(" ({})", title.year);
  if (kind == page::RowKind::kContinueWatching) return label;
  return label + fmt::format(" {:.3g}", score);
}

// Appends `items` to `out` joined by " | ", breaking lines before `width`
// columns; every line starts with kIndent.
void AppendWrapped(const std::vector<std::string>& items, size_t width, std::string& out) {
  std::string line(kIndent);
  bool empty = true;
  for (const std::string& item : items) {
    if (!empty && line.size() + 3 + item.size() > width) {
      out += line + "\n";
      line = std::string(kIndent);
      empty = true;
    }
    line += (empty ? "" : " | ") + item;
    empty = false;
  }
  if (!empty) out += line + "\n";
}

// A stable colour per genre name (FNV-1a to a hue), so that a genre keeps
// its colour across catalogs and pages; dark enough for white text.
std::string GenreColour(const Catalog& catalog, const Title& title) {
  if (title.genres.empty()) return "hsl(0, 0%, 32%)";
  uint32_t hash = 2166136261u;
  for (unsigned char c : catalog.genres()[title.genres.front()]) hash = (hash ^ c) * 16777619u;
  return fmt::format("hsl({}, 48%, 32%)", hash % 360);
}

constexpr std::string_view kHtmlStyle = R"(
body { margin: 0; padding: 24px; background: #141414; color: #e5e5e5;
       font-family: Helvetica, Arial, sans-serif; }
h1 { margin: 0 0 4px; font-size: 26px; }
.subtitle { margin: 0 0 20px; color: #b3b3b3; }
section.row { margin: 0 0 22px; }
section.row h2 { margin: 0; font-size: 19px; }
.why { margin: 2px 0 8px; font-size: 12px; color: #8c8c8c; }
.tiles { display: flex; gap: 8px; overflow-x: auto; padding-bottom: 6px; }
.tile { flex: 0 0 160px; height: 90px; border-radius: 4px; padding: 8px; box-sizing: border-box;
        display: flex; flex-direction: column; justify-content: flex-end; color: #fff; }
.tile .name { font-weight: bold; font-size: 14px; overflow: hidden; }
.tile .art { font-size: 10px; opacity: 0.75; }
.tile.plain { border: 1px solid #555; }
.empty { color: #8c8c8c; }
)";

void AppendTile(const Dataset& dataset, const page::RowTitle& entry, page::RowKind kind, std::string& out) {
  const Title& title = dataset.catalog.titles()[entry.title];
  const Artwork* artwork = TileArtwork(title);
  out += fmt::format(R"(<div class="tile{}" style="background: {}" data-title="{}" title="{}">)",
                     artwork ? "" : " plain", GenreColour(dataset.catalog, title),
                     XmlEscape(dataset.titles.ExternalId(entry.title)),
                     XmlEscape(TitleLabel(title, entry.score, kind)));
  out += fmt::format(R"(<span class="name">{}</span>)", XmlEscape(title.name));
  if (artwork) out += fmt::format(R"(<span class="art">{}</span>)", XmlEscape(artwork->id));
  out += "</div>\n";
}

void AppendHtmlRow(const Dataset& dataset, const page::PageRow& row, std::string& out) {
  const page::CandidateRow& r = row.row;
  out += fmt::format(R"(<section class="row" data-kind="{}" data-row-id="{}">)", page::RowKindName(r.kind),
                     XmlEscape(r.row_id));
  out += fmt::format("\n<h2>{}</h2>\n<p class=\"why\">{}</p>\n<div class=\"tiles\">\n", XmlEscape(r.heading),
                     XmlEscape(r.reason));
  for (const page::RowTitle& entry : r.titles) AppendTile(dataset, entry, r.kind, out);
  out += "</div>\n</section>\n";
}

// One row as the homepage route writes it (homepage_handlers.cc WriteRow),
// without artwork.
nlohmann::json RowJson(const page::PageRow& shown, size_t position, const Dataset& dataset) {
  const page::CandidateRow& row = shown.row;
  nlohmann::json titles = nlohmann::json::array();
  for (size_t c = 0; c < row.titles.size(); ++c) {
    const uint32_t title = row.titles[c].title;
    titles.push_back({{"column", c},
                      {"title", std::string(dataset.titles.ExternalId(title))},
                      {"name", dataset.catalog.titles()[title].name},
                      {"score", static_cast<double>(row.titles[c].score)}});
  }
  nlohmann::json j = {{"position", position},
                      {"row_id", row.row_id},
                      {"kind", std::string(page::RowKindName(row.kind))},
                      {"title", row.heading},
                      {"reason", row.reason}};
  if (row.anchor != page::kNoTitle) {
    j["anchor"] = {{"title", std::string(dataset.titles.ExternalId(row.anchor))},
                   {"name", dataset.catalog.titles()[row.anchor].name}};
  }
  if (row.genre >= 0) j["genre"] = dataset.catalog.genres()[row.genre];
  j["value"] = shown.value;
  j["titles"] = std::move(titles);
  return j;
}

}  // namespace

const Artwork* TileArtwork(const Title& title) {
  for (const Artwork& artwork : title.artwork) {
    if (!artwork.quarantined()) return &artwork;
  }
  return nullptr;
}

std::string RenderPageText(const page::Page& page, const Dataset& dataset, size_t width) {
  if (page.rows.empty()) return "(the page is empty: no row had titles to show)\n";
  std::string out;
  for (size_t i = 0; i < page.rows.size(); ++i) {
    const page::CandidateRow& row = page.rows[i].row;
    out += fmt::format("{:>3}. {}  [{}]\n", i + 1, row.heading, page::RowKindName(row.kind));
    if (!row.reason.empty()) out += fmt::format("{}why: {}\n", kIndent, row.reason);
    std::vector<std::string> labels;
    for (const page::RowTitle& entry : row.titles) {
      labels.push_back(TitleLabel(dataset.catalog.titles()[entry.title], entry.score, row.kind));
    }
    AppendWrapped(labels, width, out);
  }
  return out;
}

std::string RenderPageHtml(const page::Page& page, const Dataset& dataset, std::string_view member_id,
                           std::string_view subtitle) {
  std::string heading = "Homepage for " + std::string(member_id);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += fmt::format("<title>Marquee: {}</title>\n<style>{}</style>\n</head>\n<body>\n", XmlEscape(heading),
                     kHtmlStyle);
  out += fmt::format("<h1>{}</h1>\n", XmlEscape(heading));
  if (!subtitle.empty()) out += fmt::format("<p class=\"subtitle\">{}</p>\n", XmlEscape(subtitle));
  if (page.rows.empty()) out += "<p class=\"empty\">The page is empty: no row had titles to show.</p>\n";
  for (const page::PageRow& row : page.rows) AppendHtmlRow(dataset, row, out);
  out += "</body>\n</html>\n";
  return out;
}

nlohmann::json PageJson(const page::Page& page, const Dataset& dataset, const PageJsonHeader& header) {
  nlohmann::json rows = nlohmann::json::array();
  for (size_t r = 0; r < page.rows.size(); ++r) rows.push_back(RowJson(page.rows[r], r, dataset));
  nlohmann::json j = {{"member", header.member},
                      {"personalized", page.personalized},
                      {"fallback", !page.personalized},
                      {"region", header.region},
                      {"per_row", header.per_row},
                      {"now", FormatCivilDate(UnixDay(header.now))},
                      {"config", header.config_source},
                      {"rows", std::move(rows)}};
  if (!page.personalized) j["fallback_reason"] = header.fallback_reason;
  return j;
}

}  // namespace marquee::cli
