// SPDX-License-Identifier: Apache-2.0
#include "core/dispatch/provider_guards.hpp"

#include <algorithm>
#include <limits>

namespace notify::core {
namespace {

constexpr int64_t kMaxCooldownFactor = 20;

}  // namespace

ProviderGuards::ProviderGuards(const DaemonConfig& config, PermitSourceFactory sharedPermits) {
  for (const auto& [name, provider] : config.providers) {
    Guards guards;
    guards.limiter = makeRateLimiter(provider.rateLimits, provider.rateMarginMs);
    if (sharedPermits && !guards.limiter->windows().empty()) {
      guards.shared = sharedPermits(name, guards.limiter->windows());
      guards.limiter = makeRateLimiter({}, provider.rateMarginMs);  // pauses only
    }
    guards.breaker =
        std::make_unique<CircuitBreaker>(provider.circuitFailures, provider.circuitCooldownMs,
                                         provider.circuitCooldownMs * kMaxCooldownFactor);
    byProvider_.emplace(name, std::move(guards));
  }
}

const ProviderGuards::Guards* ProviderGuards::find(const std::string& provider) const {
  auto it = byProvider_.find(provider);
  return it == byProvider_.end() ? nullptr : &it->second;
}

ProviderGuards::Choice ProviderGuards::choose(const std::vector<std::string>& chain,
                                              uint32_t attempt, int64_t nowMs) const {
  Choice choice;
  if (chain.empty()) {
    return choice;
  }
  size_t first = (attempt == 0 ? 0 : attempt - 1) % chain.size();
  int64_t soonest = INT64_MAX;
  for (size_t i = 0; i < chain.size(); ++i) {
    const std::string& name = chain[(first + i) % chain.size()];
    const Guards* guards = find(name);
    if (guards == nullptr || guards->breaker->state(nowMs) != CircuitState::kOpen) {
      choice.provider = name;
      return choice;
    }
    soonest = std::min(soonest, guards->breaker->retryAtMs(nowMs));
  }
  choice.retryAtMs = soonest;
  return choice;
}

int64_t ProviderGuards::acquire(const std::string& provider, int64_t nowMs) {
  const Guards* guards = find(provider);
  if (guards == nullptr) {
    return 0;
  }
  int64_t paused = guards->limiter->tryAcquire(nowMs);
  return paused != 0 || !guards->shared ? paused : guards->shared->tryAcquire(nowMs);
}

int64_t ProviderGuards::scheduleWaiter(const std::string& provider, int64_t nowMs, bool ahead) {
  const Guards* guards = find(provider);
  if (guards == nullptr) {
    return nowMs;
  }
  int64_t local = guards->limiter->scheduleWaiter(nowMs, ahead);
  // Cluster permits are not paced per waiter: every waiter is told when the next one frees.
  return guards->shared ? std::max(local, guards->shared->nextFreeMs(nowMs)) : local;
}

void ProviderGuards::throttled(const std::string& provider, int64_t untilMs) {
  if (const Guards* guards = find(provider)) {
    guards->limiter->pauseUntil(untilMs);
  }
}

bool ProviderGuards::admit(const std::string& provider, int64_t nowMs) {
  const Guards* guards = find(provider);
  return guards == nullptr || guards->breaker->allow(nowMs);
}

void ProviderGuards::record(const std::string& provider, notify_status status, int64_t nowMs) {
  const Guards* guards = find(provider);
  if (guards == nullptr) {
    return;
  }
  switch (status) {
    case NOTIFY_DELIVERED:
    case NOTIFY_ACCEPTED:
    case NOTIFY_REJECTED:
      guards->breaker->recordSuccess();
      break;
    case NOTIFY_RETRY:
    case NOTIFY_BAD_CONFIG:
    case NOTIFY_INTERNAL_ERROR:
      guards->breaker->recordFailure(nowMs);
      break;
    case NOTIFY_RATE_LIMITED:
      break;
  }
}

CircuitState ProviderGuards::circuit(const std::string& provider, int64_t nowMs) const {
  const Guards* guards = find(provider);
  return guards == nullptr ? CircuitState::kClosed : guards->breaker->state(nowMs);
}

std::string ProviderGuards::describeLimits(const std::string& provider) const {
  const Guards* guards = find(provider);
  if (guards == nullptr || !guards->limiter) {
    return "unlimited";
  }
  std::string text;
  for (const auto& w : guards->shared ? guards->shared->windows() : guards->limiter->windows()) {
    text += (text.empty() ? "" : ", ") + std::to_string(w.limit) + " per " +
            std::to_string(w.windowMs) + " ms";
  }
  return text;
}

double ProviderGuards::utilisation(const std::string& provider, int64_t nowMs) const {
  const Guards* guards = find(provider);
  if (guards != nullptr && guards->shared) {
    return std::numeric_limits<double>::quiet_NaN();  // the cluster ledger does not report it
  }
  return guards != nullptr && guards->limiter ? guards->limiter->utilisation(nowMs) : 0.0;
}

std::vector<std::string> ProviderGuards::providers() const {
  std::vector<std::string> names;
  for (const auto& [name, guards] : byProvider_) {
    names.push_back(name);
  }
  return names;
}

}  // namespace notify::core
