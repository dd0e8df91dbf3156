// SPDX-License-Identifier: Apache-2.0
// Sends through plugins that split their send around one HTTP exchange (ABI minor 2): the
// worker prepares the request and hands it to the host's HTTP engine; the engine's thread
// classifies the answer and records it. A lane then has up to max_in_flight sends waiting for
// providers on a handful of threads, and a worker never sleeps in a socket read.
#include "core/dispatch/dispatcher.hpp"
#include "core/http/http_engine.hpp"

namespace notify::core {

// One send between prepare and complete. The plugin's view (raw) points into outbound, so the
// object never moves; the runtime snapshot keeps the instance and its library alive.
struct Dispatcher::Exchange {
  Exchange(ClaimedMessage claimed, OutboundMessage message, std::shared_ptr<const Runtime> rt,
           std::shared_ptr<ChannelInstance> plugin, std::string providerName)
      : message(std::move(claimed)),
        outbound(std::move(message)),
        raw(outbound),
        runtime(std::move(rt)),
        instance(std::move(plugin)),
        provider(std::move(providerName)) {}
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  ClaimedMessage message;
  OutboundMessage outbound;
  PluginMessage raw;
  std::shared_ptr<const Runtime> runtime;
  std::shared_ptr<ChannelInstance> instance;
  std::string provider;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

void Dispatcher::sendSplit(ClaimedMessage message, std::shared_ptr<const Runtime> runtime,
                           std::shared_ptr<ChannelInstance> instance, const std::string& provider) {
  OutboundMessage outbound = outboundOf(message, provider, *runtime->config);
  auto exchange = std::make_shared<Exchange>(std::move(message), std::move(outbound),
                                             std::move(runtime), std::move(instance), provider);
  const ChannelInstance& plugin = *exchange->instance;
  PreparedSend prepared = plugin.prepare(exchange->raw);
  if (prepared.kind != PreparedSend::Kind::kRequest) {
    // Decided without the network, or this message needs the plugin's own send.
    SendOutcome outcome = prepared.kind == PreparedSend::Kind::kDone
                              ? std::move(prepared.outcome)
                              : exchange->instance->send(exchange->outbound);
    finishSend(exchange->message, *exchange->runtime, provider, plugin.plugin().name, outcome,
               exchange->start);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    ++inFlight_;
  }
  std::string error;
  const int32_t code = plugin.http().start(
      std::move(prepared.call),
      [this, exchange](HttpOutcome&& result) { onExchange(exchange, std::move(result)); }, error);
  if (code != NOTIFY_HOST_OK) {
    // Refused before any I/O (a malformed URL, an unknown host): the plugin classifies it as
    // it would have from a synchronous call.
    onExchange(exchange, HttpOutcome{code, std::move(error), {}});
  }
}

void Dispatcher::onExchange(const std::shared_ptr<Exchange>& exchange, HttpOutcome&& result) {
  SendOutcome outcome = exchange->instance->complete(exchange->raw, result);
  finishSend(exchange->message, *exchange->runtime, exchange->provider,
             exchange->instance->plugin().name, outcome, exchange->start);
  bool wakeClaimer;
  bool wakeWorker;
  bool drained;
  {
    std::lock_guard lock(mutex_);
    wakeWorker = inFlight_-- == static_cast<size_t>(lane_.maxInFlight) && !queue_.empty();
    wakeClaimer = claimerWaiting_ && needsClaim();
    drained = inFlight_ == 0;
  }
  if (wakeWorker) {
    workAvailable_.notify_one();
  }
  if (wakeClaimer) {
    claimerWake_.notify_one();
  }
  if (drained) {
    drained_.notify_all();
  }
}

}  // namespace notify::core
