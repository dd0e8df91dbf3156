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
  explicit RateLimiter(std::vector<RateWindow> windows);

  // Grants a permit now and returns 0, or returns the earliest time (Unix ms) at which one
  // could be granted, granting nothing.
  int64_t tryAcquire(int64_t nowMs);

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

  std::vector<RateWindow> windows_;
  mutable std::mutex mutex_;
  std::vector<Ring> rings_;
};

// A limiter for configured limits such as {"20/min", "5/s"}, or null when there are none.
// The texts must have been checked (parseRateWindow) when the configuration was read; any that
// do not parse are skipped here.
std::unique_ptr<RateLimiter> makeRateLimiter(const std::vector<std::string>& limits);

}  // namespace notify::core
