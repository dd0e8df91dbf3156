// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/config/daemon_config.hpp"
#include "core/daemon/runtime.hpp"
#include "core/dispatch/provider_guards.hpp"
#include "core/dispatch/retry_policy.hpp"
#include "core/http/http_types.hpp"
#include "core/metrics/delivery_metrics.hpp"
#include "core/plugin/provider_set.hpp"
#include "core/store/group_committer.hpp"
#include "core/store/message_store.hpp"

namespace notify::core {

// The dispatcher role for one lane. One claimer thread takes due messages from the store in batches
// under a lease and hands them to a pool of workers; each worker calls the provider's plugin and
// records the verdict through the group committer. The claimer sleeps until woken by a commit
// of new messages or until the next message becomes due (a scheduled send, a retry, an expired
// lease): no polling interval stands between a send and its delivery.
class Dispatcher {
 public:
  using Clock = std::function<int64_t()>;

  // runtime gives the current configuration, providers and guards; each send uses one snapshot
  // from start to finish. The lane's own settings are fixed at construction.
  Dispatcher(LaneConfig lane, MessageStore& store, GroupCommitter& committer,
             const RuntimeHolder& runtime, std::string owner, Clock clock,
             DeliveryMetrics* metrics = nullptr);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void start();
  // Stops claiming, lets workers send what was already claimed, waits for the exchanges in
  // flight (each bounded by its timeout), and joins. Anything whose outcome is not recorded is
  // claimed again after its lease.
  void stop();
  // New messages were committed: claim now.
  void wake();

  // The lane's side of ClaimHandOff. A new message is stored claimed and handed over without a
  // claim only while the lane is caught up (its last claim found nothing more due) and has room:
  // one waiting in the store is never overtaken by a newer one. reserveHandOff returns the lease
  // to store them under (0 when none is granted) and sets granted; each reserved message ends
  // in adopt or releaseHandOff.
  int64_t reserveHandOff(size_t wanted, size_t& granted);
  void adopt(std::vector<ClaimedMessage> messages);
  void releaseHandOff(size_t count);

 private:
  struct Exchange;  // a send whose HTTP exchange the host makes (dispatcher_exchange.cpp)

  void claimLoop();
  void workerLoop();
  void deliver(ClaimedMessage message);
  // A plugin with prepare/complete: prepare here, let the HTTP engine make the exchange and
  // finish on its thread (onExchange), so the worker is free at once.
  void sendSplit(ClaimedMessage message, std::shared_ptr<const Runtime> runtime,
                 std::shared_ptr<ChannelInstance> instance, const std::string& provider);
  void onExchange(const std::shared_ptr<Exchange>& exchange, HttpOutcome&& result);
  // Everything after a provider answered (or no provider could be asked): guards, metrics,
  // the next state. callStart is empty when no plugin was called.
  void finishSend(const ClaimedMessage& message, const Runtime& runtime,
                  const std::string& provider, const std::string& plugin,
                  const SendOutcome& outcome,
                  std::optional<std::chrono::steady_clock::time_point> callStart);
  // A place among the provider's sends in flight (max_concurrency), waiting briefly for one.
  // False when the message was handed back to the store to wait instead.
  bool enterProvider(const ClaimedMessage& message, const std::string& provider,
                     ProviderGuards& guards);
  // Takes a rate permit for the provider, waiting briefly if one is due soon. False when the
  // message was handed back to the store instead (long wait, or a probe in flight).
  bool awaitPermit(const ClaimedMessage& message, const std::string& provider,
                   ProviderGuards& guards);
  OutboundMessage outboundOf(const ClaimedMessage& message, const std::string& provider,
                             const DaemonConfig& config) const;
  void waitForWork(std::optional<int64_t> nextReadyMs);
  // How many claimed messages the lane holds at most (queued plus being sent), and the queue
  // length at which the claimer refills it. needsClaim() is called with mutex_ held.
  size_t capacity() const {
    return static_cast<size_t>(lane_.workers) * 2 + static_cast<size_t>(lane_.maxInFlight);
  }
  size_t refillLevel() const { return refillLevel_; }
  bool needsClaim() const;
  // Messages claimed, being sent or reserved by a hand-off; with mutex_ held.
  size_t held() const { return queue_.size() + busyWorkers_ + inFlight_ + reserved_; }
  // Counts the verdict (when metrics are on) and hands it to the committer.
  void submit(const ClaimedMessage& message, Transition next);

  LaneConfig lane_;
  MessageStore& store_;
  GroupCommitter& committer_;
  const RuntimeHolder& runtime_;  // its guards are shared by every lane: limits hold across lanes
  std::string owner_;
  Clock clock_;
  RetryPolicy retry_;
  size_t refillLevel_;
  DeliveryMetrics* metrics_;  // null: not measured

  std::mutex mutex_;
  std::condition_variable claimerWake_;
  std::condition_variable workAvailable_;
  std::deque<ClaimedMessage> queue_;
  size_t busyWorkers_ = 0;
  size_t inFlight_ = 0;    // exchanges the HTTP engine is making for this lane
  size_t reserved_ = 0;    // hand-offs reserved and not yet adopted or released
  bool caughtUp_ = false;  // the last claim found nothing more due, and no hand-off was refused
  std::condition_variable drained_;
  bool wakeRequested_ = false;
  bool claimerWaiting_ = false;  // the claimer sleeps in claimLoop (not in waitForWork)
  bool stopping_ = false;
  std::thread claimer_;
  std::vector<std::thread> workers_;
};

}  // namespace notify::core
