// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

#include "core/plugin/channel_instance.hpp"
#include "core/store/message.hpp"

namespace notify::core {

struct RetryPolicy {
  uint32_t maxAttempts = 5;
  int64_t backoffBaseMs = 1000;
  int64_t backoffMaxMs = 300000;
  int64_t maxAgeMs = 86400000;  // no attempt is scheduled later than createdMs + maxAgeMs
};

// Exponential backoff with equal jitter: half of min(max, base * 2^(attempt-1)) fixed, the
// other half scaled by jitter01 in [0, 1). Pure arithmetic, so tests pin the jitter.
int64_t backoffMs(const RetryPolicy& policy, uint32_t attempt, double jitter01);

// Turns a plugin's answer to one attempt into the message's next state: final (delivered,
// provider_accepted, failed) or another attempt later (retrying, rate_limited). A provider's
// retry-after is honoured when it is longer than the backoff. A message whose next attempt would
// fall past its maximum age fails instead. Pure.
Transition decideNext(const ClaimedMessage& message, const SendOutcome& outcome,
                      const std::string& provider, const std::string& plugin,
                      const RetryPolicy& policy, int64_t nowMs, double jitter01);

// A message that could not be sent yet for a reason of the provider's, not the message's (a
// rate limit, an open circuit): back to the queue at readyMs, the attempt given back.
Transition waitTransition(const ClaimedMessage& message, MessageState state, int64_t readyMs,
                          const std::string& provider, std::string detail, int64_t nowMs);

}  // namespace notify::core
