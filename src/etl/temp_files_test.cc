#include "etl/temp_files.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace hltwap {
namespace {

namespace fs = std::filesystem;

// A pid no process has: a child that has exited and been reaped.
pid_t DeadPid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

class TempFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::path(::testing::TempDir()) / ("hltwap-temp-files-" + std::to_string(::getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_);
    const char* old = std::getenv("TMPDIR");
    if (old != nullptr) old_tmpdir_ = old;
    ::setenv("TMPDIR", base_.c_str(), 1);
  }
  void TearDown() override {
    if (old_tmpdir_.empty()) {
      ::unsetenv("TMPDIR");
    } else {
      ::setenv("TMPDIR", old_tmpdir_.c_str(), 1);
    }
    fs::remove_all(base_);
  }
  std::string Touch(const std::string& dir, const std::string& name) {
    const std::string path = dir + "/" + name;
    std::ofstream(path) << "x";
    return path;
  }

  fs::path base_;
  std::string old_tmpdir_;
};

TEST_F(TempFiles, ADownloadIsNamedAfterItsRunAndDeletedAfterwards) {
  auto dir = PrepareDownloadDir();
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  EXPECT_EQ(*dir, (base_ / ("hltwap-etl-" + std::to_string(::geteuid()))).string());
  struct stat st {};
  ASSERT_EQ(::stat(dir->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  std::string path;
  {
    auto file = TempFile::Create(*dir);
    ASSERT_TRUE(file.ok()) << file.status().message();
    path = file->path();
    EXPECT_EQ(fs::path(path).filename().string().rfind(std::to_string(::getpid()) + "-", 0), 0u);
    EXPECT_TRUE(fs::exists(path));
    EXPECT_EQ(RemoveStaleDownloads(*dir), 0) << "this run's own file stays";
    EXPECT_TRUE(fs::exists(path));
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(TempFiles, OnlyTheFilesOfRunsThatAreGoneAreRemoved) {
  auto dir = PrepareDownloadDir();
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  const pid_t dead = DeadPid();
  const std::string stale = Touch(*dir, std::to_string(dead) + "-abc123.parquet");
  const std::string live = Touch(*dir, std::to_string(::getppid()) + "-abc123.parquet");
  const std::string other = Touch(*dir, "notes-" + std::to_string(dead) + ".parquet");
  const std::string not_parquet = Touch(*dir, std::to_string(dead) + "-abc123.txt");
  // A dead pid whose file is locked: a live run in another PID namespace.
  const std::string locked = Touch(*dir, std::to_string(dead) + "-locked.parquet");
  const int fd = ::open(locked.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);

  EXPECT_EQ(RemoveStaleDownloads(*dir), 1);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(other));
  EXPECT_TRUE(fs::exists(not_parquet));
  EXPECT_TRUE(fs::exists(locked));
  ::close(fd);
  EXPECT_EQ(RemoveStaleDownloads(*dir), 1) << "unlocked, it is stale";
  EXPECT_FALSE(fs::exists(locked));
}

// Another user could read or swap the downloads in a directory open to them.
TEST_F(TempFiles, ADirectoryOpenToOthersIsRefused) {
  const std::string dir = (base_ / ("hltwap-etl-" + std::to_string(::geteuid()))).string();
  ASSERT_EQ(::mkdir(dir.c_str(), 0777), 0);
  ASSERT_EQ(::chmod(dir.c_str(), 0777), 0);
  auto refused = PrepareDownloadDir();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("closed to others"), std::string::npos);
  ASSERT_EQ(::rmdir(dir.c_str()), 0);
  ASSERT_EQ(::symlink(base_.c_str(), dir.c_str()), 0);
  EXPECT_FALSE(PrepareDownloadDir().ok()) << "a symbolic link is not the directory";
}

}  // namespace
}  // namespace hltwap
