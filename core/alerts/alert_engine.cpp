// SPDX-License-Identifier: Apache-2.0
#include "core/alerts/alert_engine.hpp"
#include "core/common/thread_name.hpp"

#include "core/alerts/alert_rule.hpp"
#include "core/common/ids.hpp"
#include "core/common/log.hpp"

namespace notify::core {
namespace {

constexpr int64_t kAlertSendTimeoutMs = 10000;

bool tookIt(notify_status status) {
  return status == NOTIFY_DELIVERED || status == NOTIFY_ACCEPTED;
}

}  // namespace

AlertEngine::AlertEngine(std::shared_ptr<const DaemonConfig> config, MessageStore& store,
                         std::shared_ptr<const ProviderSet> providers, ProviderGuards& guards,
                         Clock clock)
    : config_(std::move(config)),
      store_(store),
      providers_(std::move(providers)),
      guards_(guards),
      clock_(std::move(clock)) {}

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
      if (wake_.wait_for(lock, std::chrono::milliseconds(config_->ops.alertIntervalMs),
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

void AlertEngine::evaluate() {
  int64_t now = clock_();
  Result<StoreGauges> gauges = store_.gauges(now);
  if (!gauges) {
    logWarn("alerts", "cannot read the store: " + gauges.error().message);
    return;
  }
  deadLetterSamples_.emplace_back(now, gauges->deadLetters);
  int64_t longest = 0;
  for (const auto& rule : config_->ops.alerts) {
    longest = std::max(longest, rule.windowMs);
  }
  while (deadLetterSamples_.size() > 1 && deadLetterSamples_.front().first < now - longest) {
    deadLetterSamples_.pop_front();
  }
  for (const auto& rule : config_->ops.alerts) {
    AlertInputs in;
    in.nowMs = now;
    in.gauges = *gauges;
    if (rule.kind == "failure_rate" || rule.kind == "rate_limited_ratio") {
      Result<std::vector<SendStats>> stats = store_.sendStats(now - rule.windowMs, now);
      if (!stats) {
        logWarn("alerts", "rule " + rule.name + ": " + stats.error().message);
        continue;
      }
      in.stats = std::move(stats).value();
    }
    in.deadLettersAtWindowStart = deadLettersAt(now - rule.windowMs);
    if (!rule.provider.empty()) {
      in.utilisation = guards_.utilisation(rule.provider, now);
      in.circuitOpen = guards_.circuit(rule.provider, now) == CircuitState::kOpen;
    }
    std::optional<AlertReading> reading = evaluateRule(rule, in);
    RuleState& state = states_[rule.name];
    bool firing = reading && reading->firing;
    if (firing != state.firing) {
      state.firing = firing;
      std::string detail = reading ? reading->detail : "too little traffic to judge";
      logWarn("alerts", rule.name + (firing ? " firing: " : " resolved: ") + detail);
      Result<void> recorded =
          store_.recordAlert({now, rule.name, firing, reading ? reading->value : 0, detail});
      if (!recorded) {
        logWarn("alerts", "cannot record alert history: " + recorded.error().message);
      }
    }
    std::string detail = reading ? reading->detail : "too little traffic to judge";
    if (firing && !state.notified && now - state.lastSentMs >= rule.cooldownMs) {
      if (notify(rule, "", "[FIRING] " + rule.name + ": " + detail)) {
        state.notified = true;
        state.lastSentMs = now;
      }
    } else if (!firing && state.notified) {
      if (notify(rule, "", "[RESOLVED] " + rule.name + ": " + detail)) {
        state.notified = false;
      }
    }
  }
}

bool AlertEngine::notify(const AlertRuleConfig& rule, const std::string& subject,
                         const std::string& body) {
  std::shared_ptr<ChannelInstance> instance = providers_->find(rule.notify);
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
  out.subject = subject;
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
