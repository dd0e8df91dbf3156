// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace notify::core {

// At most `limit` holders at once (0: no limit): a provider's max_concurrency, its sends in
// flight on this node. Thread-safe.
class ConcurrencyGate {
 public:
  explicit ConcurrencyGate(int limit) : limit_(limit) {}
  ConcurrencyGate(const ConcurrencyGate&) = delete;
  ConcurrencyGate& operator=(const ConcurrencyGate&) = delete;

  // Takes a place, waiting up to `wait` for one to free; false if none did.
  bool enter(std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    if (limit_ > 0 &&
        !freed_.wait_for(lock, wait, [&] { return inUse_ < limit_; })) {
      return false;
    }
    ++inUse_;
    return true;
  }

  void leave() {
    {
      std::lock_guard lock(mutex_);
      --inUse_;
    }
    freed_.notify_one();
  }

  int limit() const { return limit_; }
  int inUse() const {
    std::lock_guard lock(mutex_);
    return inUse_;
  }

 private:
  const int limit_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  int inUse_ = 0;
};

}  // namespace notify::core
