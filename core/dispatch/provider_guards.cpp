// SPDX-License-Identifier: Apache-2.0
#include "core/dispatch/provider_guards.hpp"

#include <algorithm>
#include <limits>

namespace notify::core {
namespace {

constexpr int64_t kMaxCooldownFactor = 20;

}  // namespace

ProviderGuards::ProviderGuards(const DaemonConfig& config, PermitSourceFactory sharedPermits,
                               const ProviderGuards* previous) {
  for (const auto& [name, provider] : config.providers) {
    if (previous != nullptr) {
      auto old = previous->byProvider_.find(name);
      if (old != previous->byProvider_.end() && old->second->rateLimits == provider.rateLimits &&
          old->second->rateMarginMs == provider.rateMarginMs &&
          old->second->circuitFailures == provider.circuitFailures &&
          old->second->circuitCooldownMs == provider.circuitCooldownMs &&
          old->second->throttlePauseMs == provider.throttlePauseMs &&
          old->second->gate->limit() == provider.maxConcurrency) {
        byProvider_.emplace(name, old->second);
        continue;
      }
    }
    auto guards = std::make_shared<Guards>();
    guards->rateLimits = provider.rateLimits;
    guards->rateMarginMs = provider.rateMarginMs;
    guards->circuitFailures = provider.circuitFailures;
    guards->circuitCooldownMs = provider.circuitCooldownMs;
    guards->throttlePauseMs = provider.throttlePauseMs;
    guards->gate = std::make_unique<ConcurrencyGate>(provider.maxConcurrency);
    std::unique_ptr<RateLimiter> local =
        makeRateLimiter(provider.rateLimits, provider.rateMarginMs);
    // A shared source (the cluster's ledger) for a limit, and for an account-wide throttle
    // answer, whose pause must hold on every node.
    bool shared = !local->windows().empty() || provider.throttlePauseMs > 0;
    guards->limiter = sharedPermits && shared
                          ? sharedPermits(name, local->windows(), provider.rateMarginMs)
                          : std::make_unique<LocalPermits>(std::move(local));
    guards->breaker =
        std::make_unique<CircuitBreaker>(provider.circuitFailures, provider.circuitCooldownMs,
                                         provider.circuitCooldownMs * kMaxCooldownFactor);
    byProvider_.emplace(name, std::move(guards));
  }
}

const ProviderGuards::Guards* ProviderGuards::find(const std::string& provider) const {
  auto it = byProvider_.find(provider);
  return it == byProvider_.end() ? nullptr : it->second.get();
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

bool ProviderGuards::enter(const std::string& provider, std::chrono::milliseconds wait) {
  const Guards* guards = find(provider);
  return guards == nullptr || guards->gate->enter(wait);
}

void ProviderGuards::leave(const std::string& provider) {
  if (const Guards* guards = find(provider)) {
    guards->gate->leave();
  }
}

int ProviderGuards::maxConcurrency(const std::string& provider) const {
  const Guards* guards = find(provider);
  return guards == nullptr ? 0 : guards->gate->limit();
}

int64_t ProviderGuards::acquire(const std::string& provider, int64_t nowMs) {
  const Guards* guards = find(provider);
  return guards == nullptr ? 0 : guards->limiter->tryAcquire(nowMs);
}

int64_t ProviderGuards::scheduleWaiter(const std::string& provider, int64_t nowMs, bool ahead) {
  const Guards* guards = find(provider);
  return guards == nullptr ? nowMs : guards->limiter->scheduleWaiter(nowMs, ahead);
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
  for (const auto& w : guards->limiter->windows()) {
    text += (text.empty() ? "" : ", ") + std::to_string(w.limit) + " per " +
            std::to_string(w.windowMs) + " ms";
  }
  return text;
}

double ProviderGuards::utilisation(const std::string& provider, int64_t nowMs) const {
  const Guards* guards = find(provider);
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
