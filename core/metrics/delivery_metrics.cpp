// SPDX-License-Identifier: Apache-2.0
#include "core/metrics/delivery_metrics.hpp"

namespace notify::core {
namespace {

constexpr const char* kMessages = "notify_messages_total";
constexpr const char* kAck = "notify_ack_latency_seconds";
constexpr const char* kEndToEnd = "notify_end_to_end_latency_seconds";
constexpr const char* kProviderCall = "notify_provider_call_seconds";
constexpr const char* kQueueDepth = "notify_queue_depth";
constexpr const char* kQueueOldest = "notify_queue_oldest_age_seconds";
constexpr const char* kDeadLetters = "notify_dead_letters";
constexpr const char* kCircuit = "notify_circuit_state";
constexpr const char* kUtilisation = "notify_rate_limit_utilisation";

const std::vector<double> kFastBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                         0.1,   0.25,   0.5,   1,    2.5,   5};
const std::vector<double> kSlowBounds = {0.01, 0.05, 0.1, 0.25, 0.5, 1,   2.5,
                                         5,    10,   30,  60,   300, 1800, 3600};

}  // namespace

DeliveryMetrics::DeliveryMetrics() {
  registry_.declareCounter(kMessages,
                           "Messages by outcome: accepted and duplicate at ingress, the state each "
                           "send attempt ended in at dispatch.",
                           {"app", "template", "channel", "provider", "outcome"});
  registry_.declareHistogram(kAck, "Time from receiving a request to answering it.", {},
                             kFastBounds);
  registry_.declareHistogram(kEndToEnd, "Time from acceptance to a final state.",
                             {"channel", "outcome"}, kSlowBounds);
  registry_.declareHistogram(kProviderCall, "Duration of one call into a provider's plugin.",
                             {"provider", "status"}, kSlowBounds);
  registry_.declareGauge(kQueueDepth, "Messages waiting to be sent (not scheduled for later).",
                         {"lane"});
  registry_.declareGauge(kQueueOldest, "Age of the oldest message waiting to be sent.", {"lane"});
  registry_.declareGauge(kDeadLetters, "Messages that failed for good.", {});
  registry_.declareGauge(kCircuit, "Circuit state per provider: 0 closed, 1 half-open, 2 open.",
                         {"provider"});
  registry_.declareGauge(kUtilisation,
                         "Fraction of the provider's tightest rate-limit window in use.",
                         {"provider"});
}

void DeliveryMetrics::recordOutcome(const std::string& app, const std::string& templateName,
                                    const std::string& channel, const std::string& provider,
                                    const std::string& outcome) {
  registry_.counter(kMessages, {app, templateName, channel, provider, outcome}).inc();
}

void DeliveryMetrics::recordAck(double seconds) {
  registry_.histogram(kAck, {}).observe(seconds);
}

void DeliveryMetrics::recordEndToEnd(const std::string& channel, const std::string& outcome,
                                     double seconds) {
  registry_.histogram(kEndToEnd, {channel, outcome}).observe(seconds);
}

void DeliveryMetrics::recordProviderCall(const std::string& provider, const std::string& status,
                                         double seconds) {
  registry_.histogram(kProviderCall, {provider, status}).observe(seconds);
}

void DeliveryMetrics::setQueue(const std::string& lane, int64_t depth, double oldestAgeSeconds) {
  registry_.gauge(kQueueDepth, {lane}).set(static_cast<double>(depth));
  registry_.gauge(kQueueOldest, {lane}).set(oldestAgeSeconds);
}

void DeliveryMetrics::setDeadLetters(int64_t count) {
  registry_.gauge(kDeadLetters, {}).set(static_cast<double>(count));
}

void DeliveryMetrics::setCircuit(const std::string& provider, int state) {
  registry_.gauge(kCircuit, {provider}).set(state);
}

void DeliveryMetrics::setRateLimitUtilisation(const std::string& provider, double ratio) {
  registry_.gauge(kUtilisation, {provider}).set(ratio);
}

}  // namespace notify::core
