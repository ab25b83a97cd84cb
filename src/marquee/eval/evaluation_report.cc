#include "marquee/eval/evaluation_report.h"

#include <cstdio>

namespace marquee {

namespace {
std::string Cell(double v, const char* format = "%.4f") {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

void AddRow(std::vector<std::vector<std::string>>& rows, std::vector<std::string> row) {
  rows.push_back(std::move(row));
}

std::string Render(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) {
      const std::string& cell = rows[r][c];
      std::string pad(width[c] - cell.size(), ' ');
      out += c == 0 ? cell + pad : "  " + pad + cell;  // first column left, numbers right
    }
    out += '\n';
    if (r == 0) {
      size_t total = 0;
      for (size_t w : width) total += w + 2;
      out += std::string(total - 2, '-') + '\n';
    }
  }
  return out;
}
}  // namespace

std::string EvaluationTable(const std::vector<EvaluationResult>& results) {
  if (results.empty()) return "";
  const EvaluationResult& first = results.front();
  std::vector<std::string> header = {"model", "members"};
  for (const MetricsAtK& m : first.at_k) header.push_back("Recall@" + std::to_string(m.k));
  for (const MetricsAtK& m : first.at_k) header.push_back("NDCG@" + std::to_string(m.k));
  const std::string last_k = std::to_string(first.at_k.back().k);
  for (const char* name : {"MAP@", "Cov@", "Pop%@"}) header.push_back(name + last_k);
  header.push_back("MRR");
  header.push_back("train s");
  std::vector<std::vector<std::string>> rows = {header};
  for (const EvaluationResult& r : results) {
    std::vector<std::string> row = {r.model, std::to_string(r.members_evaluated)};
    for (const MetricsAtK& m : r.at_k) row.push_back(Cell(m.recall));
    for (const MetricsAtK& m : r.at_k) row.push_back(Cell(m.ndcg));
    row.push_back(Cell(r.at_k.back().map));
    row.push_back(Cell(r.coverage.back(), "%.3f"));
    row.push_back(Cell(r.popularity_percentile.back(), "%.1f"));
    row.push_back(Cell(r.mrr));
    row.push_back(Cell(r.train_seconds, "%.2f"));
    AddRow(rows, std::move(row));
  }
  return Render(rows);
}

nlohmann::json EvaluationJson(const EvaluationResult& r) {
  nlohmann::json at_k = nlohmann::json::array();
  for (size_t c = 0; c < r.at_k.size(); ++c) {
    const MetricsAtK& m = r.at_k[c];
    at_k.push_back({{"k", m.k},
                    {"recall", m.recall},
                    {"recall_normalized", m.recall_normalized},
                    {"precision", m.precision},
                    {"ndcg", m.ndcg},
                    {"map", m.map},
                    {"hit_rate", m.hit_rate},
                    {"coverage", r.coverage[c]},
                    {"popularity_percentile", r.popularity_percentile[c]}});
  }
  nlohmann::json losses = nlohmann::json::array();
  for (const TrainingIteration& it : r.iterations) {
    losses.push_back({{"iteration", it.iteration},
                      {"loss", it.has_loss ? nlohmann::json(it.loss) : nlohmann::json(nullptr)},
                      {"seconds", it.seconds}});
  }
  return {{"model", r.model},
          {"parameters", r.parameters.values()},
          {"protocol", r.protocol},
          {"members_evaluated", r.members_evaluated},
          {"metrics", at_k},
          {"mrr", r.mrr},
          {"train_seconds", r.train_seconds},
          {"evaluate_seconds", r.evaluate_seconds},
          {"training", losses}};
}

std::string EvaluationCsv(const std::vector<EvaluationResult>& results) {
  std::string out = "model,parameters,protocol,metric,k,value\n";
  auto line = [&](const EvaluationResult& r, const char* metric, uint32_t k, double v) {
    char value[32];
    std::snprintf(value, sizeof value, "%.6g", v);
    out += r.model + ",\"" + r.parameters.ToString() + "\"," + r.protocol + "," + metric + "," +
           std::to_string(k) + "," + value + "\n";
  };
  for (const EvaluationResult& r : results) {
    for (size_t c = 0; c < r.at_k.size(); ++c) {
      const MetricsAtK& m = r.at_k[c];
      line(r, "recall", m.k, m.recall);
      line(r, "recall_normalized", m.k, m.recall_normalized);
      line(r, "precision", m.k, m.precision);
      line(r, "ndcg", m.k, m.ndcg);
      line(r, "map", m.k, m.map);
      line(r, "hit_rate", m.k, m.hit_rate);
      line(r, "coverage", m.k, r.coverage[c]);
      line(r, "popularity_percentile", m.k, r.popularity_percentile[c]);
    }
    line(r, "mrr", 0, r.mrr);
  }
  return out;
}

}  // namespace marquee
