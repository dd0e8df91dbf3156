// SPDX-License-Identifier: Apache-2.0
#include "core/dispatch/dispatcher.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/common/json_writer.hpp"
#include "core/common/log.hpp"
#include "core/common/process_clock.hpp"
#include "core/common/thread_name.hpp"
#include "core/templates/content_renderer.hpp"

namespace notify::core {
namespace {

// A safety net, not a polling interval: the claimer normally wakes on a commit or on the next
// due time; this bounds the damage of a missed wake-up (e.g. another node's write).
constexpr int64_t kMaxIdleWaitMs = 5000;
constexpr int64_t kStoreErrorBackoffMs = 200;
// Waits for a rate permit up to this long (real time) stay in the worker (smooth high rates);
// longer ones go back to the store as rate_limited.
constexpr int64_t kMaxInlineWaitMs = 50;
// How soon to look again while another message probes a half-open provider.
constexpr int64_t kProbeWaitMs = 1000;
// How long a message waits in the store when its provider's sends in flight stayed at
// max_concurrency for kMaxInlineWaitMs.
constexpr int64_t kConcurrencyWaitMs = 200;

double jitter() {
  thread_local std::mt19937 random{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(random);
}

}  // namespace

Dispatcher::Dispatcher(LaneConfig lane, MessageStore& store, GroupCommitter& committer,
                       const RuntimeHolder& runtime, std::string owner, Clock clock,
                       DeliveryMetrics* metrics)
    : lane_(std::move(lane)),
      store_(store),
      committer_(committer),
      runtime_(runtime),
      owner_(std::move(owner)),
      clock_(std::move(clock)),
      retry_{static_cast<uint32_t>(lane_.maxAttempts), lane_.backoffBaseMs, lane_.backoffMaxMs,
             lane_.maxAgeMs},
      metrics_(metrics) {
  // Workers that only prepare requests empty the queue in moments: claiming again when half a
  // claim batch is left keeps them fed while the next claim waits for the store.
  const size_t batch = static_cast<size_t>(runtime_.get()->config->dispatch.claimBatch);
  refillLevel_ = std::max(static_cast<size_t>(lane_.workers) / 2,
                          std::min(batch, static_cast<size_t>(lane_.maxInFlight)) / 2);
}

Dispatcher::~Dispatcher() {
  stop();
}

void Dispatcher::start() {
  for (int i = 0; i < lane_.workers; ++i) {
    workers_.emplace_back([this] {
      nameThisThread("send-" + lane_.name);
      workerLoop();
    });
  }
  claimer_ = std::thread([this] {
    nameThisThread("claim-" + lane_.name);
    claimLoop();
  });
}

void Dispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !claimer_.joinable()) {
      return;
    }
    stopping_ = true;
  }
  claimerWake_.notify_all();
  workAvailable_.notify_all();
  if (claimer_.joinable()) {
    claimer_.join();
  }
  for (auto& worker : workers_) {
    worker.join();
  }
  workers_.clear();
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [&] { return inFlight_ == 0; });
}

void Dispatcher::wake() {
  {
    std::lock_guard lock(mutex_);
    wakeRequested_ = true;
  }
  claimerWake_.notify_one();
}

int64_t Dispatcher::reserveHandOff(size_t wanted, size_t& granted) {
  std::lock_guard lock(mutex_);
  granted = 0;
  if (stopping_ || !caughtUp_) {
    return 0;
  }
  granted = std::min(wanted, capacity() - std::min(capacity(), held()));
  if (granted < wanted) {
    caughtUp_ = false;  // the rest wait in the store: later ones must not overtake them
  }
  reserved_ += granted;
  return granted > 0 ? runtime_.get()->config->dispatch.leaseMs : 0;
}

void Dispatcher::adopt(std::vector<ClaimedMessage> messages) {
  size_t wake;
  {
    std::lock_guard lock(mutex_);
    reserved_ -= messages.size();
    if (stopping_) {
      return;  // stored claimed: sent after their lease, like anything claimed and not sent
    }
    for (ClaimedMessage& message : messages) {
      queue_.push_back(std::move(message));
    }
    // Only the idle workers need waking; a busy one takes the next message when it is done.
    size_t idle =
        static_cast<size_t>(lane_.workers) - std::min<size_t>(busyWorkers_, lane_.workers);
    wake = std::min(messages.size(), idle);
  }
  for (size_t i = 0; i < wake; ++i) {
    workAvailable_.notify_one();
  }
}

void Dispatcher::releaseHandOff(size_t count) {
  bool wakeClaimer;
  {
    std::lock_guard lock(mutex_);
    reserved_ -= count;
    wakeClaimer = claimerWaiting_ && needsClaim();
  }
  if (wakeClaimer) {
    claimerWake_.notify_one();
  }
}

bool Dispatcher::needsClaim() const {
  // Claim only what the workers can start soon, so leases do not run out in our queue; and
  // refill only once the queue ran low, so that a busy lane claims in batches, not one message
  // per finished send.
  return held() < capacity() && queue_.size() <= refillLevel();
}

void Dispatcher::claimLoop() {
  for (;;) {
    size_t free;
    {
      std::unique_lock lock(mutex_);
      claimerWaiting_ = true;
      claimerWake_.wait(lock, [&] { return stopping_ || needsClaim(); });
      claimerWaiting_ = false;
      if (stopping_) {
        return;
      }
      wakeRequested_ = false;
      free = capacity() - held();
    }
    const DispatchConfig dispatch = runtime_.get()->config->dispatch;
    size_t limit = std::min(free, static_cast<size_t>(dispatch.claimBatch));
    Result<std::vector<ClaimedMessage>> claimed =
        store_.claim({clock_(), limit, dispatch.leaseMs, owner_, lane_.name});
    if (!claimed) {
      logError("dispatcher", "lane " + lane_.name + ": claim failed: " + claimed.error().message);
      {
        std::lock_guard lock(mutex_);
        caughtUp_ = false;
      }
      waitForWork(clock_() + kStoreErrorBackoffMs);
      continue;
    }
    size_t count = claimed->size();
    {
      std::lock_guard lock(mutex_);
      for (auto& message : claimed.value()) {
        queue_.push_back(std::move(message));
      }
      caughtUp_ = count < limit;  // nothing more was due: new messages may skip the store
    }
    // One wake-up per message: waking every idle worker for a single message costs a context
    // switch each for nothing.
    for (size_t i = 0; i < count; ++i) {
      workAvailable_.notify_one();
    }
    if (count == limit) {
      continue;  // there may be more due right now
    }
    Result<std::optional<int64_t>> next = store_.nextReadyMs(lane_.name);
    waitForWork(next ? next.value() : std::optional<int64_t>(clock_() + kStoreErrorBackoffMs));
  }
}

void Dispatcher::waitForWork(std::optional<int64_t> nextReadyMs) {
  std::unique_lock lock(mutex_);
  int64_t now = clock_();
  int64_t waitMs =
      nextReadyMs ? std::clamp<int64_t>(*nextReadyMs - now, 0, kMaxIdleWaitMs) : kMaxIdleWaitMs;
  if (waitMs == 0) {
    return;
  }
  claimerWake_.wait_for(lock, realDelay(waitMs), [&] { return stopping_ || wakeRequested_; });
}

void Dispatcher::workerLoop() {
  for (;;) {
    ClaimedMessage message;
    {
      std::unique_lock lock(mutex_);
      // A full set of exchanges in flight holds the queue back: each finished one frees a slot.
      workAvailable_.wait(lock, [&] {
        return stopping_ || (!queue_.empty() && inFlight_ < static_cast<size_t>(lane_.maxInFlight));
      });
      if (queue_.empty()) {
        return;  // stopping
      }
      message = std::move(queue_.front());
      queue_.pop_front();
      ++busyWorkers_;
    }
    deliver(std::move(message));
    bool wakeClaimer;
    {
      std::lock_guard lock(mutex_);
      --busyWorkers_;
      wakeClaimer = claimerWaiting_ && needsClaim();
    }
    if (wakeClaimer) {
      claimerWake_.notify_one();
    }
  }
}

void Dispatcher::deliver(ClaimedMessage message) {
  // Held to the end of the send: a reload cannot destroy the instance being used.
  std::shared_ptr<const Runtime> runtime = runtime_.get();
  const DaemonConfig& config = *runtime->config;
  ProviderGuards& guards = *runtime->guards;
  auto channel = config.channels.find(message.channel);
  static const std::vector<std::string> kNoProviders;
  // A routed message carries its own chain; older ones use the channel's.
  const std::vector<std::string>& chain = !message.providers.empty() ? message.providers
                                          : channel == config.channels.end()
                                              ? kNoProviders
                                              : channel->second.providers;
  int64_t now = clock_();
  ProviderGuards::Choice choice = guards.choose(chain, message.attempt, now);
  if (choice.provider.empty() && !chain.empty()) {
    submit(message,
           waitTransition(message, MessageState::kRetrying, choice.retryAtMs, "",
                          "every provider of channel '" + message.channel + "' has an open circuit",
                          now));
    return;
  }
  const std::string providerName = choice.provider;
  // The place among the provider's sends in flight is taken first and held to finishSend, which
  // every path below ends in; a rate permit is only spent on a send that can go.
  if (!providerName.empty() && !enterProvider(message, providerName, guards)) {
    return;
  }
  if (!providerName.empty() && !awaitPermit(message, providerName, guards)) {
    guards.leave(providerName);
    return;
  }
  std::shared_ptr<ChannelInstance> instance = runtime->providers->find(providerName);
  if (!instance) {
    SendOutcome outcome;
    outcome.status = NOTIFY_BAD_CONFIG;
    outcome.detail = "no provider configured for channel '" + message.channel + "'";
    finishSend(message, *runtime, providerName, "none", outcome, std::nullopt);
    return;
  }
  if (instance->splitsSend()) {
    sendSplit(std::move(message), std::move(runtime), std::move(instance), providerName);
    return;
  }
  auto callStart = std::chrono::steady_clock::now();
  SendOutcome outcome = instance->send(outboundOf(message, providerName, config));
  finishSend(message, *runtime, providerName, instance->plugin().name, outcome, callStart);
}

void Dispatcher::finishSend(const ClaimedMessage& message, const Runtime& runtime,
                            const std::string& providerName, const std::string& plugin,
                            const SendOutcome& outcome,
                            std::optional<std::chrono::steady_clock::time_point> callStart) {
  if (!providerName.empty()) {
    runtime.guards->leave(providerName);  // taken in deliver
  }
  if (callStart) {
    ProviderGuards& guards = *runtime.guards;
    guards.record(providerName, outcome.status, clock_());
    if (metrics_ != nullptr) {
      metrics_->recordProviderCall(
          providerName, statusName(outcome.status),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - *callStart).count());
    }
    const int64_t pauseMs = runtime.config->providers.at(providerName).throttlePauseMs;
    if (outcome.status == NOTIFY_RATE_LIMITED && pauseMs > 0) {
      // A limit of the whole account or robot (throttle_pause_ms): hold every send to it.
      guards.throttled(providerName, clock_() + std::max(outcome.retryAfterMs, pauseMs));
    }
  }
  if (outcome.status == NOTIFY_BAD_CONFIG) {
    // The operator has to act (credentials, keys, allow-lists): say so where they look.
    logError("provider " + (providerName.empty() ? std::string("(none)") : providerName),
             "configuration problem: " + outcome.providerCode + " " + outcome.detail);
  }
  Transition next = decideNext(message, outcome, providerName, plugin, retry_, clock_(), jitter());
  if (logEnabled(LogLevel::kDebug)) {
    logDebug("dispatcher", message.id + " attempt " + std::to_string(message.attempt) + " via " +
                               providerName + ": " + stateName(next.state));
  }
  submit(message, std::move(next));
}

void Dispatcher::submit(const ClaimedMessage& message, Transition next) {
  if (metrics_ != nullptr) {
    const char* outcome = stateName(next.state);
    metrics_->recordOutcome(message.app, message.templateName, message.channel, next.provider,
                            outcome);
    if (isTerminal(next.state)) {
      metrics_->recordEndToEnd(message.channel, outcome,
                               static_cast<double>(next.event.atMs - message.createdMs) / 1000.0);
    }
  }
  committer_.submitTransition(std::move(next));
}

bool Dispatcher::enterProvider(const ClaimedMessage& message, const std::string& provider,
                               ProviderGuards& guards) {
  if (guards.enter(provider, realDelay(kMaxInlineWaitMs))) {
    return true;
  }
  // Every place stayed taken: the store holds the message (its attempt is not counted) rather
  // than a worker, which other providers' messages of the lane may need.
  int64_t now = clock_();
  submit(message, waitTransition(message, MessageState::kRateLimited, now + kConcurrencyWaitMs,
                                 provider,
                                 "provider '" + provider + "' has its max_concurrency of " +
                                     std::to_string(guards.maxConcurrency(provider)) +
                                     " sends in flight; next attempt in " +
                                     std::to_string(kConcurrencyWaitMs) + " ms",
                                 now));
  return false;
}

bool Dispatcher::awaitPermit(const ClaimedMessage& message, const std::string& provider,
                             ProviderGuards& guards) {
  for (;;) {
    int64_t now = clock_();
    int64_t next = guards.acquire(provider, now);
    if (next == 0) {
      break;
    }
    if (realDelay(next - now) > std::chrono::milliseconds(kMaxInlineWaitMs)) {
      // A long wait (a per-minute window) goes back to the store, not into a worker, until the
      // permit the limiter promises this message.
      // A message that already waited for its promised permit and found it a moment late (the
      // previous holder sent late) keeps its place: it gets the next permit, not the queue's end.
      bool ahead = lane_.priority > 0 || message.claimedFrom == MessageState::kRateLimited;
      int64_t at = guards.scheduleWaiter(provider, now, ahead);
      submit(message, waitTransition(message, MessageState::kRateLimited, at, provider,
                                     "provider '" + provider + "' is at its limit (" +
                                         guards.describeLimits(provider) + "); next attempt in " +
                                         std::to_string(at - now) + " ms",
                                     now));
      return false;
    }
    std::this_thread::sleep_for(realDelay(next - now));
  }
  int64_t now = clock_();
  if (!guards.admit(provider, now)) {
    submit(message,
           waitTransition(message, MessageState::kRetrying, now + kProbeWaitMs, provider,
                          "provider '" + provider + "' is being probed after its circuit opened",
                          now));
    return false;
  }
  return true;
}

OutboundMessage Dispatcher::outboundOf(const ClaimedMessage& message,
                                       const std::string& providerName,
                                       const DaemonConfig& config) const {
  const ProviderConfig& provider = config.providers.at(providerName);
  int64_t timeout =
      provider.sendTimeoutMs > 0 ? provider.sendTimeoutMs : config.dispatch.sendTimeoutMs;
  OutboundMessage out;
  out.id = message.id;
  out.app = message.app;
  out.templateName = message.templateName;
  out.channel = message.channel;
  out.to = parseJsonObjectOfStrings(message.toJson);
  out.vars = parseJsonObjectOfStrings(message.varsJson);
  out.attrs = attrsForProvider(parseJsonObjectOfStrings(message.attrsJson), providerName);
  out.subject = message.subject;
  out.body = message.body;
  out.attempt = message.attempt;
  out.deadlineUnixMs = clock_() + timeout;
  return out;
}

}  // namespace notify::core
