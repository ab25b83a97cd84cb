#include "marquee/util/strings.h"

namespace marquee {

void SplitPlain(std::string_view line, char delimiter, std::vector<std::string_view>* fields) {
  fields->clear();
  size_t pos = 0;
  for (;;) {
    size_t hit = line.find(delimiter, pos);
    if (hit == std::string_view::npos) break;
    fields->push_back(line.substr(pos, hit - pos));
    pos = hit + 1;
  }
  fields->push_back(line.substr(pos));
}

std::string_view TrimSpaces(std::string_view text) {
  size_t b = 0;
  size_t e = text.size();
  while (b < e && (text[b] == ' ' || text[b] == '\t')) ++b;
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  return text.substr(b, e - b);
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace marquee
