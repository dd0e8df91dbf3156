// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/dispatch/rate_limiter.hpp"

namespace notify::core {

// Where a provider's send permits come from when they are shared by every node
// (PgPermitLedger), so that several nodes together keep the limit. A single process uses its
// RateLimiter directly.
class PermitSource {
 public:
  virtual ~PermitSource() = default;

  // Grants a permit now and returns 0, or returns the earliest time (Unix ms) at which one
  // could be granted, granting nothing.
  virtual int64_t tryAcquire(int64_t nowMs) = 0;
  // When a permit is expected to be free again (nowMs if it may be now), granting nothing.
  virtual int64_t nextFreeMs(int64_t nowMs) = 0;
  virtual const std::vector<RateWindow>& windows() const = 0;
};

// Makes the permit source of a provider with the given (checked, non-empty) windows.
using PermitSourceFactory = std::function<std::unique_ptr<PermitSource>(
    const std::string& provider, std::vector<RateWindow> windows)>;

}  // namespace notify::core
