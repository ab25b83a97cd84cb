// Writing a command's output to a file (atomically) or to standard output.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

#include "marquee/util/file.h"
#include "marquee/util/status.h"

namespace marquee::cli {

// Calls `write` with stdout when `path` is empty, else with a temporary file
// that is renamed to `path` once complete.
inline Status WriteOutput(const std::string& path, const std::function<void(std::FILE*)>& write) {
  if (path.empty()) {
    write(stdout);
    return std::fflush(stdout) == 0 ? Status::OK() : Status::IOError("standard output: write failed");
  }
  return WriteFileAtomically(path, [&](std::FILE* f) {
    write(f);
    return std::ferror(f) ? Status::IOError(path + ": write failed") : Status::OK();
  });
}

}  // namespace marquee::cli
