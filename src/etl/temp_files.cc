#include "etl/temp_files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

namespace hltwap {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSuffix = ".parquet";

// The pid a download file is named after ("<pid>-XXXXXX.parquet"); nullopt for other names.
std::optional<pid_t> OwnerPid(std::string_view name) {
  if (name.size() <= kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return std::nullopt;
  }
  pid_t pid = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
  if (ec != std::errc() || pid <= 0 || end == name.data() + name.size() || *end != '-') {
    return std::nullopt;
  }
  return pid;
}

bool Alive(pid_t pid) {
  // EPERM: the process exists and belongs to someone else.
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

}  // namespace

Result<std::string> PrepareDownloadDir() {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  const std::string dir = (base / fmt::format("hltwap-etl-{}", ::geteuid())).string();
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::Internal(
        fmt::format("cannot create the download directory {}: {}", dir, std::strerror(errno)));
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid() ||
      (st.st_mode & 077) != 0) {
    return Status::Internal(fmt::format(
        "{} is not a directory of this user closed to others: remove it, or set TMPDIR", dir));
  }
  return dir;
}

int64_t RemoveStaleDownloads(const std::string& dir) {
  int64_t removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const auto pid = OwnerPid(name);
    if (!pid || *pid == ::getpid() || Alive(*pid)) continue;
    const int fd = ::open(entry.path().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) continue;
    // Locked: a live run whose pid this process cannot see.
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::unlink(entry.path().c_str()) == 0) ++removed;
    ::close(fd);
  }
  return removed;
}

Result<TempFile> TempFile::Create(const std::string& dir) {
  std::string pattern = fmt::format("{}/{}-XXXXXX{}", dir, ::getpid(), kSuffix);
  const int fd = ::mkostemps(pattern.data(), static_cast<int>(kSuffix.size()), O_CLOEXEC);
  if (fd < 0) {
    return Status::Internal(
        fmt::format("cannot create a temporary file in {}: {}", dir, std::strerror(errno)));
  }
  (void)::flock(fd, LOCK_EX | LOCK_NB);  // a fresh name: nobody else can hold it
  return TempFile(std::move(pattern), fd);
}

TempFile::TempFile(TempFile&& other) noexcept
    : path_(std::exchange(other.path_, std::string())), fd_(std::exchange(other.fd_, -1)) {}

TempFile::~TempFile() {
  if (!path_.empty()) ::unlink(path_.c_str());
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace hltwap
