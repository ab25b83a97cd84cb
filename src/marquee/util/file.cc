#include "marquee/util/file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace marquee {

namespace {
std::string ErrnoMessage(std::string_view what, std::string_view path) {
  std::string msg(path);
  msg.append(": ").append(what).append(": ").append(std::strerror(errno));
  return msg;
}
}  // namespace

Result<MappedFile> MappedFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IOError(ErrnoMessage("cannot open", path));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = Status::IOError(ErrnoMessage("cannot stat", path));
    ::close(fd);
    return s;
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument(path + ": is a directory, expected a file");
  }
  MappedFile file;
  file.path_ = path;
  file.size_ = static_cast<size_t>(st.st_size);
  if (file.size_ > 0) {
    void* p = ::mmap(nullptr, file.size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      Status s = Status::IOError(ErrnoMessage("cannot map", path));
      ::close(fd);
      return s;
    }
    ::madvise(p, file.size_, MADV_SEQUENTIAL);
    file.data_ = static_cast<const char*>(p);
  }
  ::close(fd);
  return file;
}

MappedFile::MappedFile(MappedFile&& other) noexcept { *this = std::move(other); }

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    Release();
    path_ = std::move(other.path_);
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

MappedFile::~MappedFile() { Release(); }

void MappedFile::Release() {
  if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  data_ = nullptr;
  size_ = 0;
}

Status WriteBytes(std::FILE* f, const void* data, size_t size, std::string_view path) {
  if (size == 0) return Status::OK();
  if (std::fwrite(data, 1, size, f) != size) {
    return Status::IOError(ErrnoMessage("write failed", path));
  }
  return Status::OK();
}

Status WriteFileAtomically(const std::string& path,
                           const std::function<Status(std::FILE*)>& write) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  // Errors name the file the caller asked for (the temporary one is ours).
  const std::string via = " (through its temporary file " + tmp + ")";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return Status::IOError(ErrnoMessage("cannot create", path) + via);
  Status s = write(f);
  if (s.ok() && std::fflush(f) != 0) s = Status::IOError(ErrnoMessage("flush failed", path) + via);
  if (s.ok() && ::fsync(::fileno(f)) != 0) s = Status::IOError(ErrnoMessage("fsync failed", path) + via);
  if (std::fclose(f) != 0 && s.ok()) s = Status::IOError(ErrnoMessage("close failed", path) + via);
  if (s.ok() && std::rename(tmp.c_str(), path.c_str()) != 0) {
    s = Status::IOError(ErrnoMessage("cannot rename into place", path));
  }
  if (!s.ok()) {
    std::remove(tmp.c_str());
    return s;
  }
  // Make the rename itself durable.
  std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
  if (dir.empty()) dir = "/";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::OK();
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (!out.empty() && out.back() != '/') out += '/';
  out.append(name);
  return out;
}

std::string BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace marquee
