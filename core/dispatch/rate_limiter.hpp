// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.hpp"

namespace notify::core {

// "at most limit sends in any windowMs".
struct RateWindow {
  int64_t limit = 0;
  int64_t windowMs = 0;
};

// Parses "3000/s", "20/min", "20/60s", "100/1m", "5/1s", "10000/h", "50/day".
Result<RateWindow> parseRateWindow(std::string_view text);
std::string describe(const RateWindow& window);

// An exact sliding-window limiter over one or more windows. A permit is granted at time t only
// if, for every window, fewer than `limit` permits were granted in (t - window - margin, t], so no
// window of the provider's ever sees more than its limit — whatever the window's alignment.
// The margin absorbs the spread of network delays between our grant and the provider's arrival
// time (0.5% of the window, at most 1 s). Under saturation it grants exactly limit per
// window + margin. Thread-safe.
class RateLimiter {
 public:
  // marginMs: added to every window; negative: 0.5% of the window, at most 1 s.
  explicit RateLimiter(std::vector<RateWindow> windows, int64_t marginMs = -1);

  // Grants a permit now and returns 0, or returns the earliest time (Unix ms) at which one
  // could be granted, granting nothing.
  int64_t tryAcquire(int64_t nowMs);

  // For a message that must wait: the time at which to try again. Waiters are paced: each gets
  // the next future permit not already promised to an earlier waiter, so a backlog of a million
  // messages for a 20-per-minute robot wakes 20 at a time, not all at once at every permit.
  // A waiter with `ahead` (a higher-priority lane) is promised the very next permit instead,
  // ahead of the queue. Promises are hints, not grants: tryAcquire stays exact, and a waiter that
  // loses its permit waits again. O(windows) time, no memory per waiter.
  int64_t scheduleWaiter(int64_t nowMs, bool ahead = false);

  // The provider itself said "too many requests": no permit before untilMs.
  void pauseUntil(int64_t untilMs);

  // Fraction of the tightest window in use at nowMs (0..1), for metrics and alerts.
  double utilisation(int64_t nowMs) const;

  const std::vector<RateWindow>& windows() const { return windows_; }

 private:
  struct Ring {
    RateWindow window;
    int64_t spanMs;               // window plus margin
    std::vector<int64_t> grants;  // the last `limit` grant times, oldest at head
    size_t head = 0;
    size_t size = 0;
  };

  // When the k-th permit from now (k = 0: the next) becomes free, if every earlier one is used
  // as soon as it is free. Caller holds mutex_.
  int64_t permitTime(uint64_t k, int64_t nowMs) const;

  std::vector<RateWindow> windows_;
  mutable std::mutex mutex_;
  std::vector<Ring> rings_;
  struct Promises {
    uint64_t next = 0;   // the permit number to promise next
    int64_t lastMs = 0;  // the latest time promised
  };

  uint64_t granted_ = 0;  // permits granted so far
  Promises promises_;
  Promises aheadPromises_;
  int64_t pausedUntilMs_ = 0;
};

// A limiter for configured limits such as {"20/min", "5/s"}; with none, a limiter that only
// honours pauses (a provider's own "too many requests").
// The texts must have been checked (parseRateWindow) when the configuration was read; any that
// do not parse are skipped here.
std::unique_ptr<RateLimiter> makeRateLimiter(const std::vector<std::string>& limits,
                                             int64_t marginMs = -1);

}  // namespace notify::core
