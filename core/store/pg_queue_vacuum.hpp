// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace notify::core {

class PgPool;

// Keeps PgStore's queue table small. Every message leaves two or three dead versions of its
// queue row behind (claimed, then done or retried), at the head of the claim index, where every
// claim and every next-ready look-up starts; autovacuum comes at most once a minute per database,
// by which time a busy queue holds hundreds of thousands of them. The table holds only waiting
// messages, so vacuuming it is cheap (about a microsecond per message): this does it on its own
// thread, at most once per interval and only after that many queue rows changed. SKIP_LOCKED:
// when another node is vacuuming it, this one lets it.
class PgQueueVacuum {
 public:
  static constexpr uint64_t kDefaultMinChanges = 1000;
  static constexpr std::chrono::milliseconds kDefaultInterval{200};

  explicit PgQueueVacuum(PgPool& pool, uint64_t minChanges = kDefaultMinChanges,
                         std::chrono::milliseconds interval = kDefaultInterval);
  ~PgQueueVacuum();
  PgQueueVacuum(const PgQueueVacuum&) = delete;
  PgQueueVacuum& operator=(const PgQueueVacuum&) = delete;

  // Counts queue rows written (claimed, finished, retried). Cheap; starts the thread once.
  void noteChanges(uint64_t rows);

 private:
  void run();

  PgPool& pool_;
  const uint64_t minChanges_;
  const std::chrono::milliseconds interval_;
  std::atomic<uint64_t> changes_{0};
  std::once_flag started_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace notify::core
