// SPDX-License-Identifier: Apache-2.0
#include "core/dispatch/circuit_breaker.hpp"

#include <algorithm>

namespace notify::core {

const char* circuitStateName(CircuitState state) {
  switch (state) {
    case CircuitState::kClosed:
      return "closed";
    case CircuitState::kOpen:
      return "open";
    case CircuitState::kHalfOpen:
      break;
  }
  return "half_open";
}

CircuitBreaker::CircuitBreaker(int threshold, int64_t cooldownMs, int64_t maxCooldownMs)
    : threshold_(threshold),
      baseCooldownMs_(cooldownMs),
      maxCooldownMs_(std::max(cooldownMs, maxCooldownMs)),
      cooldownMs_(cooldownMs) {}

bool CircuitBreaker::allow(int64_t nowMs) {
  std::lock_guard lock(mutex_);
  if (state_ == CircuitState::kOpen && nowMs >= openUntilMs_) {
    state_ = CircuitState::kHalfOpen;
    probing_ = false;
  }
  switch (state_) {
    case CircuitState::kClosed:
      return true;
    case CircuitState::kOpen:
      return false;
    case CircuitState::kHalfOpen:
      if (probing_) {
        return false;
      }
      probing_ = true;
      return true;
  }
  return false;
}

int64_t CircuitBreaker::retryAtMs(int64_t nowMs) const {
  std::lock_guard lock(mutex_);
  return state_ == CircuitState::kOpen ? std::max(nowMs, openUntilMs_) : nowMs;
}

void CircuitBreaker::recordSuccess() {
  std::lock_guard lock(mutex_);
  state_ = CircuitState::kClosed;
  failures_ = 0;
  probing_ = false;
  cooldownMs_ = baseCooldownMs_;
}

void CircuitBreaker::recordFailure(int64_t nowMs) {
  std::lock_guard lock(mutex_);
  if (state_ == CircuitState::kHalfOpen) {
    cooldownMs_ = std::min(cooldownMs_ * 2, maxCooldownMs_);
    open(nowMs);
    return;
  }
  if (++failures_ >= threshold_ && state_ == CircuitState::kClosed) {
    open(nowMs);
  }
}

void CircuitBreaker::open(int64_t nowMs) {
  state_ = CircuitState::kOpen;
  openUntilMs_ = nowMs + cooldownMs_;
  probing_ = false;
}

CircuitState CircuitBreaker::state(int64_t nowMs) const {
  std::lock_guard lock(mutex_);
  if (state_ == CircuitState::kOpen && nowMs >= openUntilMs_) {
    return CircuitState::kHalfOpen;
  }
  return state_;
}

}  // namespace notify::core
