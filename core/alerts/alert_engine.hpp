// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "core/alerts/alert_rule.hpp"
#include "core/daemon/runtime.hpp"
#include "core/store/message_store.hpp"

namespace notify::core {

// Evaluates the [alerts.*] rules every [ops] alert_interval_ms on its own thread. A rule that
// starts firing is recorded in the alert history and sent through its `notify` provider (at
// most once per cool-down); when it stops firing, a "resolved" message follows. A failed alert
// send is logged and tried again at the next round. Each round reads the current runtime, so a
// reload changes the rules, the interval and the providers alerts go through; a rule keeps its
// state across reloads by name, and a removed rule is forgotten.
class AlertEngine {
 public:
  using Clock = std::function<int64_t()>;

  AlertEngine(const RuntimeHolder& runtime, MessageStore& store, Clock clock);
  ~AlertEngine();
  AlertEngine(const AlertEngine&) = delete;
  AlertEngine& operator=(const AlertEngine&) = delete;

  void start();
  void stop();
  // One round, now (also what the thread runs).
  void evaluate();

 private:
  struct RuleState {
    bool firing = false;
    bool notified = false;  // the firing message went out
    int64_t lastSentMs = 0;
  };

  void loop();
  int64_t deadLettersAt(int64_t sinceMs) const;
  // What rule looks at besides the gauges; false when the store cannot tell.
  bool gatherInputs(const Runtime& runtime, const AlertRuleConfig& rule, AlertInputs& in);
  // Today's usage of every app with a daily quota.
  Result<std::vector<QuotaUsage>> quotaUsage(const DaemonConfig& config, int64_t nowMs);
  // Sends the alert text through the rule's provider; true when the provider took it.
  bool notify(const ProviderSet& providers, const AlertRuleConfig& rule, const std::string& body);

  const RuntimeHolder& runtime_;
  MessageStore& store_;
  Clock clock_;
  std::map<std::string, RuleState> states_;
  std::deque<std::pair<int64_t, int64_t>> deadLetterSamples_;  // (time, count), oldest first
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace notify::core
