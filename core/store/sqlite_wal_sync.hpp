// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <filesystem>
#include <mutex>

namespace notify::core {

// Makes everything committed so far to a WAL-mode database durable, by syncing its -wal file
// through a descriptor of its own. With it an ingest commit runs with synchronous=NORMAL under
// the store's write lock and is synced after the lock is released, so a claim is not held up
// behind the disk. That is safe because WAL frames are only ever appended or, after a
// checkpoint that synced them and the database file, overwritten: syncing the file after the
// commit returned covers every frame of it. Thread-safe.
class WalSync {
 public:
  explicit WalSync(std::filesystem::path databasePath);
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  // Throws std::runtime_error when the WAL cannot be opened or synced.
  void sync();
  // How many syncs succeeded; for tests.
  size_t syncs() const;

 private:
  std::filesystem::path walPath_;
  mutable std::mutex mutex_;
  int fd_ = -1;  // opened at the first sync: the WAL exists once something was committed
  size_t syncs_ = 0;
};

}  // namespace notify::core
