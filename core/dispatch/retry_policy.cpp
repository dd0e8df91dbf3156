// SPDX-License-Identifier: Apache-2.0
#include "core/dispatch/retry_policy.hpp"

#include <algorithm>

namespace notify::core {

int64_t backoffMs(const RetryPolicy& policy, uint32_t attempt, double jitter01) {
  int64_t ceiling = policy.backoffBaseMs;
  for (uint32_t i = 1; i < attempt && ceiling < policy.backoffMaxMs; ++i) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, policy.backoffMaxMs);
  double jitter = std::clamp(jitter01, 0.0, 1.0);
  return ceiling / 2 + static_cast<int64_t>(static_cast<double>(ceiling / 2) * jitter);
}

Transition decideNext(const ClaimedMessage& message, const SendOutcome& outcome,
                      const std::string& provider, const std::string& plugin,
                      const RetryPolicy& policy, int64_t nowMs, double jitter01) {
  Transition t;
  t.messageId = message.id;
  t.attempt = message.attempt;
  t.provider = provider;
  t.providerMessageId = outcome.providerMessageId;
  t.event.atMs = nowMs;
  t.event.actor = "plugin:" + plugin;
  t.event.provider = provider;
  t.event.code = outcome.providerCode;
  t.event.detail = outcome.detail;

  bool transient = false;
  switch (outcome.status) {
    case NOTIFY_DELIVERED:
      t.state = MessageState::kDelivered;
      break;
    case NOTIFY_ACCEPTED:
      t.state = MessageState::kProviderAccepted;
      break;
    case NOTIFY_REJECTED:
      t.state = MessageState::kFailed;
      break;
    case NOTIFY_RATE_LIMITED:
      t.state = MessageState::kRateLimited;
      transient = true;
      break;
    case NOTIFY_RETRY:
    case NOTIFY_BAD_CONFIG:  // an operator can fix the configuration while attempts remain
    case NOTIFY_INTERNAL_ERROR:
      t.state = MessageState::kRetrying;
      transient = true;
      break;
  }
  t.event.state = t.state;
  if (!transient) {
    return t;
  }
  std::string reason = statusName(outcome.status);
  if (message.attempt >= policy.maxAttempts) {
    t.state = t.event.state = MessageState::kFailed;
    t.event.detail = reason + " after " + std::to_string(message.attempt) +
                     " attempts, giving up: " + outcome.detail;
    return t;
  }
  int64_t wait = std::max(backoffMs(policy, message.attempt, jitter01), outcome.retryAfterMs);
  // A scheduled message ages from its send_at, not from when it was accepted days before.
  int64_t bornMs = std::max(message.createdMs, message.sendAtMs);
  if (nowMs + wait - bornMs > policy.maxAgeMs) {
    t.state = t.event.state = MessageState::kFailed;
    t.event.detail = reason + " and the next attempt would pass the maximum age of " +
                     std::to_string(policy.maxAgeMs) + " ms, giving up: " + outcome.detail;
    return t;
  }
  t.readyMs = nowMs + wait;
  t.event.detail =
      reason + ": " + outcome.detail + " (next attempt in " + std::to_string(wait) + " ms)";
  return t;
}

Transition waitTransition(const ClaimedMessage& message, MessageState state, int64_t readyMs,
                          const std::string& provider, std::string detail, int64_t nowMs) {
  Transition t;
  t.messageId = message.id;
  t.attempt = message.attempt;
  t.state = state;
  t.readyMs = readyMs;
  t.refundAttempt = true;
  t.provider = provider;
  t.event = {nowMs, state, "dispatcher", provider, "", std::move(detail)};
  return t;
}

}  // namespace notify::core
