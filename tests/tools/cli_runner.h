// Runs the real `marquee` binary and captures what it prints.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace marquee::test {

struct RunResult {
  int exit_code;
  std::string output;  // stdout and stderr together
};

inline RunResult RunCli(const std::string& args) {
  std::string command = std::string(MARQUEE_CLI_PATH) + " " + args + " 2>&1";
  RunResult result{-1, ""};
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) result.output.append(buf.data(), n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace marquee::test
