// SPDX-License-Identifier: Apache-2.0
#include "core/alerts/alert_engine.hpp"
#include "core/common/thread_name.hpp"

#include <algorithm>

#include "core/common/ids.hpp"
#include "core/common/log.hpp"
#include "core/guards/guard_policy.hpp"

namespace notify::core {
namespace {

constexpr int64_t kAlertSendTimeoutMs = 10000;

bool tookIt(notify_status status) {
  return status == NOTIFY_DELIVERED || status == NOTIFY_ACCEPTED;
}

}  // namespace

AlertEngine::AlertEngine(const RuntimeHolder& runtime, MessageStore& store, Clock clock)
    : runtime_(runtime), store_(store), clock_(std::move(clock)) {}

AlertEngine::~AlertEngine() {
  stop();
}

void AlertEngine::start() {
  thread_ = std::thread([this] {
    nameThisThread("alerts");
    loop();
  });
}

void AlertEngine::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void AlertEngine::loop() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      int64_t interval = runtime_.get()->config->ops.alertIntervalMs;
      if (wake_.wait_for(lock, std::chrono::milliseconds(interval),
                         [this] { return stopping_; })) {
        return;
      }
    }
    evaluate();
  }
}

int64_t AlertEngine::deadLettersAt(int64_t sinceMs) const {
  for (const auto& [at, count] : deadLetterSamples_) {
    if (at >= sinceMs) {
      return count;  // the oldest sample inside the window
    }
  }
  return deadLetterSamples_.empty() ? 0 : deadLetterSamples_.back().second;
}

Result<std::vector<QuotaUsage>> AlertEngine::quotaUsage(const DaemonConfig& config,
                                                        int64_t nowMs) {
  std::vector<QuotaUsage> out;
  for (const auto& [name, app] : config.apps) {
    if (app.dailyQuota <= 0) {
      continue;
    }
    QuotaDay day = quotaDay(config, app, nowMs);
    Result<int64_t> used = store_.countGuardMarks(day.key, day.startMs);
    if (!used) {
      return used.error();
    }
    out.push_back({name, *used, app.dailyQuota});
  }
  return out;
}

bool AlertEngine::gatherInputs(const Runtime& runtime, const AlertRuleConfig& rule,
                               AlertInputs& in) {
  if (rule.kind == "failure_rate" || rule.kind == "rate_limited_ratio") {
    Result<std::vector<SendStats>> stats = store_.sendStats(in.nowMs - rule.windowMs, in.nowMs);
    if (!stats) {
      logWarn("alerts", "rule " + rule.name + ": " + stats.error().message);
      return false;
    }
    in.stats = std::move(stats).value();
  }
  if (rule.kind == "quota_nearly_used") {
    Result<std::vector<QuotaUsage>> quotas = quotaUsage(*runtime.config, in.nowMs);
    if (!quotas) {
      logWarn("alerts", "rule " + rule.name + ": " + quotas.error().message);
      return false;
    }
    in.quotas = std::move(quotas).value();
  }
  in.deadLettersAtWindowStart = deadLettersAt(in.nowMs - rule.windowMs);
  if (!rule.provider.empty()) {
    in.utilisation = runtime.guards->utilisation(rule.provider, in.nowMs);
    in.circuitOpen = runtime.guards->circuit(rule.provider, in.nowMs) == CircuitState::kOpen;
  }
  return true;
}

void AlertEngine::evaluate() {
  std::shared_ptr<const Runtime> runtime = runtime_.get();
  const std::vector<AlertRuleConfig>& rules = runtime->config->ops.alerts;
  std::erase_if(states_, [&](const auto& entry) {
    return std::none_of(rules.begin(), rules.end(),
                        [&](const AlertRuleConfig& r) { return r.name == entry.first; });
  });
  if (rules.empty()) {
    return;
  }
  int64_t now = clock_();
  Result<StoreGauges> gauges = store_.gauges(now);
  if (!gauges) {
    logWarn("alerts", "cannot read the store: " + gauges.error().message);
    return;
  }
  deadLetterSamples_.emplace_back(now, gauges->deadLetters);
  int64_t longest = 0;
  for (const auto& rule : rules) {
    longest = std::max(longest, rule.windowMs);
  }
  while (deadLetterSamples_.size() > 1 && deadLetterSamples_.front().first < now - longest) {
    deadLetterSamples_.pop_front();
  }
  for (const auto& rule : rules) {
    AlertInputs in;
    in.nowMs = now;
    in.gauges = *gauges;
    if (!gatherInputs(*runtime, rule, in)) {
      continue;
    }
    std::optional<AlertReading> reading = evaluateRule(rule, in);
    RuleState& state = states_[rule.name];
    bool firing = reading && reading->firing;
    std::string detail = reading ? reading->detail : "too little traffic to judge";
    if (firing != state.firing) {
      state.firing = firing;
      logWarn("alerts", rule.name + (firing ? " firing: " : " resolved: ") + detail);
      Result<void> recorded =
          store_.recordAlert({now, rule.name, firing, reading ? reading->value : 0, detail});
      if (!recorded) {
        logWarn("alerts", "cannot record alert history: " + recorded.error().message);
      }
    }
    if (firing && !state.notified && now - state.lastSentMs >= rule.cooldownMs) {
      if (notify(*runtime->providers, rule, "[FIRING] " + rule.name + ": " + detail)) {
        state.notified = true;
        state.lastSentMs = now;
      }
    } else if (!firing && state.notified) {
      if (notify(*runtime->providers, rule, "[RESOLVED] " + rule.name + ": " + detail)) {
        state.notified = false;
      }
    }
  }
}

bool AlertEngine::notify(const ProviderSet& providers, const AlertRuleConfig& rule,
                         const std::string& body) {
  std::shared_ptr<ChannelInstance> instance = providers.find(rule.notify);
  if (!instance) {
    logError("alerts", "rule " + rule.name + ": provider '" + rule.notify + "' is not running");
    return false;
  }
  OutboundMessage out;
  out.id = newMessageId();
  out.app = "notify";
  out.templateName = "alert:" + rule.name;
  out.channel = "alerts";
  out.to = rule.to;
  out.body = body;
  out.deadlineUnixMs = clock_() + kAlertSendTimeoutMs;
  SendOutcome outcome = instance->send(out);
  if (!tookIt(outcome.status)) {
    logWarn("alerts", "rule " + rule.name + ": sending through " + rule.notify + " failed (" +
                          statusName(outcome.status) + " " + outcome.providerCode + " " +
                          outcome.detail + "); will try again");
    return false;
  }
  return true;
}

}  // namespace notify::core
