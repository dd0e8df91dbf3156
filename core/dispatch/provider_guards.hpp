// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/config/daemon_config.hpp"
#include "core/dispatch/circuit_breaker.hpp"
#include "core/dispatch/concurrency_gate.hpp"
#include "core/dispatch/permit_source.hpp"
#include "core/dispatch/rate_limiter.hpp"
#include "notify/channel_abi.h"

namespace notify::core {

// The per-provider protections the core applies the same way to every channel: a rate limiter
// (when the provider has rate_limits) and a circuit breaker, and the choice of provider along a
// channel's chain. Thread-safe.
class ProviderGuards {
 public:
  // sharedPermits, when given, supplies the permits of rate-limited providers (a ledger shared
  // by the cluster); otherwise each process limits on its own. With previous (a configuration
  // reload), a provider whose limits and circuit settings are unchanged keeps its limiter and
  // breaker, so a reload never resets a rate window.
  explicit ProviderGuards(const DaemonConfig& config, PermitSourceFactory sharedPermits = nullptr,
                          const ProviderGuards* previous = nullptr);

  struct Choice {
    std::string provider;   // empty when every provider's circuit is open
    int64_t retryAtMs = 0;  // then: when the first one may be tried again
  };

  // Attempt n goes to the chain's provider (n - 1) mod size — a failed attempt fails over to
  // the next provider — skipping providers whose circuit is open.
  Choice choose(const std::vector<std::string>& chain, uint32_t attempt, int64_t nowMs) const;

  // 0: a permit was granted; otherwise the time the next one is due. No limits: always 0.
  int64_t acquire(const std::string& provider, int64_t nowMs);
  // When a message that found no permit should try again (paced: see
  // RateLimiter::scheduleWaiter). `ahead`: the message's lane has priority over others.
  int64_t scheduleWaiter(const std::string& provider, int64_t nowMs, bool ahead);
  // A place among the provider's sends in flight (max_concurrency), waiting up to `wait` for
  // one; false if none freed. Every true is matched by one leave().
  bool enter(const std::string& provider, std::chrono::milliseconds wait);
  void leave(const std::string& provider);
  int maxConcurrency(const std::string& provider) const;
  // The provider answered "too many requests": no sends to it before untilMs.
  void throttled(const std::string& provider, int64_t untilMs);
  // The half-open gate: false while another probe to this provider is in flight.
  bool admit(const std::string& provider, int64_t nowMs);
  // Feeds the breaker: transient failures and configuration errors count against the provider;
  // answers about the message (delivered, rejected) or throttling do not.
  void record(const std::string& provider, notify_status status, int64_t nowMs);

  CircuitState circuit(const std::string& provider, int64_t nowMs) const;
  std::string describeLimits(const std::string& provider) const;
  // Fraction of the provider's tightest rate window in use (0 without limits).
  double utilisation(const std::string& provider, int64_t nowMs) const;
  std::vector<std::string> providers() const;

 private:
  struct Guards {
    std::vector<std::string> rateLimits;  // as configured, to recognise it on reload
    int64_t rateMarginMs = 0;
    int circuitFailures = 0;
    int64_t circuitCooldownMs = 0;
    int64_t throttlePauseMs = 0;
    // Never null: without configured limits it only honours the provider's own pauses.
    std::unique_ptr<PermitSource> limiter;
    std::unique_ptr<CircuitBreaker> breaker;
    std::unique_ptr<ConcurrencyGate> gate;
  };

  const Guards* find(const std::string& provider) const;

  std::map<std::string, std::shared_ptr<Guards>> byProvider_;
};

}  // namespace notify::core
