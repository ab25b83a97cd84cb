// Small string helpers shared by the parsers of every library (name lists
// on the command line, plain delimited files).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace marquee {

// Splits `line` at every `delimiter`, no quoting (formats that never quote:
// u.item, movie_titles.csv, "ips,snips"). Always at least one field; reuses
// *fields' capacity; the views point into `line`.
void SplitPlain(std::string_view line, char delimiter, std::vector<std::string_view>* fields);

// Strips ASCII spaces and tabs at both ends.
std::string_view TrimSpaces(std::string_view text);

// `text` with ASCII letters in lower case; other bytes (UTF-8 included) as
// they are, whatever the locale.
std::string AsciiLower(std::string_view text);

}  // namespace marquee
