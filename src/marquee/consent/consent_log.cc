#include "marquee/consent/consent_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "marquee/consent/consent_json.h"
#include "marquee/util/file.h"

namespace marquee {

namespace {

Status ErrnoError(std::string_view what, const std::string& path) {
  return Status::IOError(fmt::format("{}: {}: {}", path, what, std::strerror(errno)));
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// Writes all of `data` at the end of `fd` (O_APPEND), retrying short writes.
Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write failed", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

// Makes a newly created file's directory entry durable too: without it a
// crash could lose the whole file although every line in it was synced.
Status SyncParentDirectory(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open directory to sync", dir);
  Status s;
  if (::fsync(fd) != 0) s = ErrnoError("cannot sync directory", dir);
  ::close(fd);
  return s;
}

}  // namespace

Status AtConsentLine(const std::string& path, size_t line, const Status& s) {
  Status named = s;
  if (!s.field().empty() && s.message().rfind(s.field() + ":", 0) != 0) named = s.WithContext(s.field());
  return named.WithContext(fmt::format("{}:{}", path, line));
}

Result<ConsentLogReplay> ReplayConsentLog(const std::string& path, ConsentRegistry& registry) {
  MARQUEE_ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  const std::string_view bytes = file.bytes();
  ConsentLogReplay replay;
  size_t start = 0;
  size_t line_number = 0;
  while (start < bytes.size()) {
    ++line_number;
    const size_t newline = bytes.find('\n', start);
    if (newline == std::string_view::npos) {
      // A torn write: Append never acknowledged this line (it syncs the
      // newline with it), so it is not part of the history.
      replay.torn_lines = 1;
      break;
    }
    const std::string_view line = bytes.substr(start, newline - start);
    start = newline + 1;
    replay.valid_bytes = start;
    if (IsBlank(line)) continue;
    Result<ConsentEntry> entry = ParseConsentEntryJson(line);
    if (!entry.ok()) return AtConsentLine(path, line_number, entry.status());
    Status added = registry.Add(std::move(entry).value());
    if (!added.ok()) return AtConsentLine(path, line_number, added);
    ++replay.entries;
  }
  return replay;
}

Result<std::unique_ptr<ConsentLog>> ConsentLog::Open(const std::string& path, ConsentRegistry& registry) {
  const bool existed = FileExists(path);
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("cannot open consent log", path);
  // Closes fd on every early return below.
  auto fail = [fd](Status s) {
    ::close(fd);
    return s;
  };
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return fail(Status::IOError(fmt::format("{}: the consent log is open for writing in another process", path)));
    }
    return fail(ErrnoError("cannot lock consent log", path));
  }
  if (!existed) {
    Status synced = SyncParentDirectory(path);
    if (!synced.ok()) return fail(synced);
  }
  Result<ConsentLogReplay> replay = ReplayConsentLog(path, registry);
  if (!replay.ok()) return fail(replay.status());
  if (replay->torn_lines > 0) {
    // Cut the torn tail so the next line does not run into it, and make the
    // cut durable before anything is appended after it.
    if (::ftruncate(fd, static_cast<off_t>(replay->valid_bytes)) != 0) {
      return fail(ErrnoError("cannot cut the torn last line", path));
    }
    if (::fdatasync(fd) != 0) return fail(ErrnoError("cannot sync consent log", path));
  }
  const size_t size = replay->valid_bytes;
  return std::unique_ptr<ConsentLog>(new ConsentLog(path, fd, &registry, *replay, size));
}

ConsentLog::ConsentLog(std::string path, int fd, ConsentRegistry* registry, ConsentLogReplay replay,
                       size_t size)
    : path_(std::move(path)), fd_(fd), replay_(replay), registry_(registry), size_(size) {}

ConsentLog::~ConsentLog() { ::close(fd_); }  // also releases the flock

Status ConsentLog::Append(const ConsentEntry& entry) {
  MutexLock lock(&mu_);
  MARQUEE_RETURN_IF_ERROR(broken_);
  MARQUEE_RETURN_IF_ERROR(registry_->Add(entry));
  std::string line = ConsentEntryToJson(entry);
  line.push_back('\n');
  Status written = WriteAll(fd_, line, path_);
  if (written.ok() && ::fdatasync(fd_) != 0) written = ErrnoError("cannot sync consent log", path_);
  if (!written.ok()) {
    // Best effort: take back a partial line so the file stays a clean
    // history; replay would treat a torn tail the same way.
    if (::ftruncate(fd_, static_cast<off_t>(size_)) == 0) (void)::fdatasync(fd_);
    broken_ = written;
    return written;
  }
  size_ += line.size();
  return Status::OK();
}

}  // namespace marquee
