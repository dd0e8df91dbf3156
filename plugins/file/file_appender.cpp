// SPDX-License-Identifier: Apache-2.0
#include "plugins/file/file_appender.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "notify/channel.hpp"

namespace notify::plugin::file {
namespace {

// Records hold recipient addresses: readable by the owner and the group only.
constexpr mode_t kFileMode = 0640;

std::string errnoText(int error) {
  return std::system_category().message(error);
}

}  // namespace

FileAppender::FileAppender(std::string path, bool fsync) : path_(std::move(path)), fsync_(fsync) {
  // A fresh checkout has no var/ yet; the demo must work on first start.
  std::error_code ignored;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ignored);
  const int fd = open();
  if (fd < 0) {
    throw sdk::ConfigError("path: cannot open " + path_ + " for appending: " + errnoText(errno));
  }
  ::close(fd);
}

// Opened per append rather than kept open so that a rotated or deleted file is recreated
// instead of appending to an unlinked inode forever.
int FileAppender::open() const {
  return ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, kFileMode);
}

std::optional<std::string> FileAppender::append(std::string_view record) {
  std::lock_guard lock(mutex_);
  const int fd = open();
  if (fd < 0) {
    return "cannot open " + path_ + ": " + errnoText(errno);
  }
  struct stat before {};
  const bool sized = ::fstat(fd, &before) == 0 && S_ISREG(before.st_mode);
  std::optional<std::string> error;
  size_t written = 0;
  while (written < record.size()) {
    const ssize_t n = ::write(fd, record.data() + written, record.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      error = "write to " + path_ + " failed: " + errnoText(n < 0 ? errno : EIO);
      break;
    }
    written += static_cast<size_t>(n);
  }
  if (!error && fsync_ && ::fsync(fd) != 0) {
    error = "fsync of " + path_ + " failed: " + errnoText(errno);
  }
  if (error && written > 0 && sized) {
    // A half-written line would corrupt the next record; the retry writes it again in full.
    if (::ftruncate(fd, before.st_size) != 0) {
      *error += "; a partial record may remain: " + errnoText(errno);
    }
  }
  ::close(fd);
  return error;
}

}  // namespace notify::plugin::file
