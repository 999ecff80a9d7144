// Where downloads wait to be loaded: $TMPDIR/hltwap-etl-<uid>/<pid>-XXXXXX.parquet, a directory
// of this user's alone. A file is deleted when its load ends; a run killed with SIGKILL cannot
// delete its own, so every run starts by removing the files of runs that are gone: those whose
// pid is not alive and that no process holds locked (each run keeps a lock on its files, so a
// live run in another PID namespace, where its pid means nothing, is left alone too).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace hltwap {

// The download directory, created (mode 0700) when missing. One that is not a directory of this
// user, closed to everyone else, is refused: another user could read or replace the downloads.
[[nodiscard]] Result<std::string> PrepareDownloadDir();

// Removes the download files in `dir` left by runs that are gone; returns how many.
int64_t RemoveStaleDownloads(const std::string& dir);

// A download file in `dir`, named after this process and locked by it, deleted when this goes
// out of scope.
class TempFile {
 public:
  [[nodiscard]] static Result<TempFile> Create(const std::string& dir);
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&&) = delete;
  ~TempFile();
  const std::string& path() const { return path_; }

 private:
  TempFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_ = -1;  // holds the lock
};

}  // namespace hltwap
