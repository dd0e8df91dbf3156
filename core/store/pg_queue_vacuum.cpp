// SPDX-License-Identifier: Apache-2.0
#include "core/store/pg_queue_vacuum.hpp"

#include <string>

#include "core/common/log.hpp"
#include "core/common/thread_name.hpp"
#include "core/store/pg_connection.hpp"

namespace notify::core {
namespace {

// Not in a transaction (VACUUM refuses one). PARALLEL 0: the table is small, a helper process
// would cost more than it saves. Skipping (another node or autovacuum has the table) is
// answered with a WARNING that libpq would print on stderr, so the session hears only errors
// while it vacuums, then what every pooled session hears.
void vacuumQueue(PgConnection& conn) {
  conn.exec("SET client_min_messages = error");
  try {
    conn.exec("VACUUM (SKIP_LOCKED, PARALLEL 0) queue");
  } catch (const PgError&) {
    if (conn.healthy()) {
      conn.exec("SET client_min_messages = warning");
    }
    throw;
  }
  conn.exec("SET client_min_messages = warning");
}

}  // namespace

PgQueueVacuum::PgQueueVacuum(PgPool& pool, uint64_t minChanges, std::chrono::milliseconds interval)
    : pool_(pool), minChanges_(minChanges), interval_(interval) {}

PgQueueVacuum::~PgQueueVacuum() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void PgQueueVacuum::noteChanges(uint64_t rows) {
  uint64_t before = changes_.fetch_add(rows, std::memory_order_relaxed);
  if (before < minChanges_ && before + rows >= minChanges_) {
    std::call_once(started_, [this] {
      thread_ = std::thread([this] {
        nameThisThread("pg-vacuum");
        run();
      });
    });
    // Through the mutex: the thread is either before its check (and sees the count) or waiting.
    { std::lock_guard lock(mutex_); }
    wake_.notify_one();
  }
}

void PgQueueVacuum::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait(
        lock, [&] { return stopping_ || changes_.load(std::memory_order_relaxed) >= minChanges_; });
    if (stopping_) {
      break;
    }
    changes_.store(0, std::memory_order_relaxed);
    lock.unlock();
    try {
      PgPool::Lease conn = pool_.acquire();
      vacuumQueue(*conn);
    } catch (const std::exception& e) {
      logDebug("store", std::string("vacuum of the queue table failed: ") + e.what());
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [&] { return stopping_; });
  }
}

}  // namespace notify::core
