// Files: read-only memory maps for fast loading, and atomic replacement for
// writes (write to a temporary file in the same folder, fsync, rename), so a
// crash never leaves a half-written dataset or model behind.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include "marquee/util/status.h"

namespace marquee {

// A whole file mapped read-only. Movable, not copyable. An empty file maps to
// an empty view (mmap cannot map zero bytes).
class MappedFile {
 public:
  static Result<MappedFile> Open(const std::string& path);

  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view bytes() const { return {data_, size_}; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  void Release();
  std::string path_;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// Writes `path` by calling `write` on a FILE* opened on a temporary sibling,
// then flushes, fsyncs and renames it into place. On any error the temporary
// file is removed and `path` is untouched.
Status WriteFileAtomically(const std::string& path,
                           const std::function<Status(std::FILE*)>& write);

// fwrite that turns a short write into an IOError naming the path.
Status WriteBytes(std::FILE* f, const void* data, size_t size, std::string_view path);

bool FileExists(const std::string& path);
bool IsDirectory(const std::string& path);
std::string JoinPath(std::string_view dir, std::string_view name);
std::string BaseName(std::string_view path);

}  // namespace marquee
