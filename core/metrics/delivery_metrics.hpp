// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "core/metrics/metrics_registry.hpp"

namespace notify::core {

// The metrics Notify exposes, with their names and labels in one place. Ingress and dispatch
// call the record* methods; gauges read from the store and the guards are refreshed by
// collectors the composition root registers. Thread-safe.
class DeliveryMetrics {
 public:
  DeliveryMetrics();

  MetricsRegistry& registry() { return registry_; }

  // One message reached an outcome: accepted, duplicate (ingress, provider ""), or the state a
  // send attempt ended in (delivered, provider_accepted, failed, retrying, rate_limited, ...).
  void recordOutcome(const std::string& app, const std::string& templateName,
                     const std::string& channel, const std::string& provider,
                     const std::string& outcome);
  // From receiving a request to answering it, in seconds.
  void recordAck(double seconds);
  // From acceptance to a final state, in seconds.
  void recordEndToEnd(const std::string& channel, const std::string& outcome, double seconds);
  // One call into a provider's plugin, in seconds.
  void recordProviderCall(const std::string& provider, const std::string& status, double seconds);

  // Gauges refreshed before each scrape.
  void setQueue(const std::string& lane, int64_t depth, double oldestAgeSeconds);
  void setDeadLetters(int64_t count);
  void setCircuit(const std::string& provider, int state);  // 0 closed, 1 half-open, 2 open
  void setRateLimitUtilisation(const std::string& provider, double ratio);

 private:
  MetricsRegistry registry_;
};

}  // namespace notify::core
