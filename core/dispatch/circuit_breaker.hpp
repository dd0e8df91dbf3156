// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <mutex>

namespace notify::core {

enum class CircuitState { kClosed, kOpen, kHalfOpen };
const char* circuitStateName(CircuitState state);

// Per provider instance: opens after `threshold` consecutive transient failures, refuses sends
// for `cooldownMs`, then lets one probe through (half-open). A probe's success closes it; its
// failure opens it again for twice the cooldown, up to maxCooldownMs. Rejections of a message
// (bad recipient, template) say nothing about the provider and are not counted. Thread-safe;
// times are passed in.
class CircuitBreaker {
 public:
  CircuitBreaker(int threshold, int64_t cooldownMs, int64_t maxCooldownMs);

  // May a send go to this provider now? In half-open state, true for one caller at a time.
  bool allow(int64_t nowMs);
  // The earliest time allow() may say yes (nowMs when it would now).
  int64_t retryAtMs(int64_t nowMs) const;

  void recordSuccess();
  void recordFailure(int64_t nowMs);

  CircuitState state(int64_t nowMs) const;

 private:
  void open(int64_t nowMs);

  const int threshold_;
  const int64_t baseCooldownMs_;
  const int64_t maxCooldownMs_;
  mutable std::mutex mutex_;
  CircuitState state_ = CircuitState::kClosed;
  int failures_ = 0;
  int64_t cooldownMs_;
  int64_t openUntilMs_ = 0;
  bool probing_ = false;
};

}  // namespace notify::core
