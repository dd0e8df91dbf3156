// SPDX-License-Identifier: Apache-2.0
#include "core/store/sqlite_wal_sync.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace notify::core {

WalSync::WalSync(std::filesystem::path databasePath) : walPath_(databasePath.string() + "-wal") {}

WalSync::~WalSync() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

void WalSync::sync() {
  std::lock_guard lock(mutex_);
  if (fd_ < 0) {
    // Read-only is enough: fdatasync flushes the file, whichever descriptor names it.
    fd_ = ::open(walPath_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      throw std::runtime_error("cannot open " + walPath_.string() + ": " + std::strerror(errno));
    }
  }
  if (::fdatasync(fd_) != 0) {
    throw std::runtime_error("fdatasync of " + walPath_.string() +
                             " failed: " + std::strerror(errno));
  }
  ++syncs_;
}

size_t WalSync::syncs() const {
  std::lock_guard lock(mutex_);
  return syncs_;
}

}  // namespace notify::core
