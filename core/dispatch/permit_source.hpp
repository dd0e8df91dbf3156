// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/dispatch/rate_limiter.hpp"

namespace notify::core {

// Where a provider's send permits come from: this process alone (RateLimiter) or a ledger
// shared by every node (PgPermitLedger), so that several nodes together keep the limit.
class PermitSource {
 public:
  virtual ~PermitSource() = default;

  // Grants a permit now and returns 0, or returns the earliest time (Unix ms) at which one
  // could be granted, granting nothing.
  virtual int64_t tryAcquire(int64_t nowMs) = 0;
  // For a message that found no permit: when to try again (see RateLimiter::scheduleWaiter).
  virtual int64_t scheduleWaiter(int64_t nowMs, bool ahead) = 0;
  // The provider said "too many requests": no permit before untilMs.
  virtual void pauseUntil(int64_t untilMs) = 0;
  virtual const std::vector<RateWindow>& windows() const = 0;
};

// The in-process limiter as a PermitSource.
class LocalPermits : public PermitSource {
 public:
  explicit LocalPermits(std::unique_ptr<RateLimiter> limiter) : limiter_(std::move(limiter)) {}
  int64_t tryAcquire(int64_t nowMs) override { return limiter_->tryAcquire(nowMs); }
  int64_t scheduleWaiter(int64_t nowMs, bool ahead) override {
    return limiter_->scheduleWaiter(nowMs, ahead);
  }
  void pauseUntil(int64_t untilMs) override { limiter_->pauseUntil(untilMs); }
  const std::vector<RateWindow>& windows() const override { return limiter_->windows(); }

 private:
  std::unique_ptr<RateLimiter> limiter_;
};

// Makes the permit source of a provider with the given (checked, non-empty) windows and its
// rate_margin_ms (negative: the source's default).
using PermitSourceFactory = std::function<std::unique_ptr<PermitSource>(
    const std::string& provider, std::vector<RateWindow> windows, int64_t marginMs)>;

}  // namespace notify::core
