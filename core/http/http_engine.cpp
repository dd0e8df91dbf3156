// SPDX-License-Identifier: Apache-2.0
#include "core/http/http_engine.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "core/http/http_event_loop.hpp"
#include "core/http/http_request_writer.hpp"
#include "core/http/http_url.hpp"
#include "notify/channel_abi.h"

namespace notify::core {

HttpEngine::HttpEngine() : HttpEngine(Options{}) {}

HttpEngine::HttpEngine(Options options)
    : options_(std::move(options)), loop_(std::make_unique<HttpEventLoop>(options_, resolver_)) {}

HttpEngine::~HttpEngine() = default;

HttpEventLoop& HttpEngine::loop() {
  return *loop_;
}

int32_t HttpEngine::start(HttpCall call, Completion done, std::string& error) {
  Result<HttpUrl> url = parseHttpUrl(call.url);
  if (!url) {
    error = url.error().message;
    return NOTIFY_HOST_BAD_ARGUMENT;
  }
  Result<std::string> request = writeHttpRequest(call, *url);
  if (!request) {
    error = request.error().message;
    return NOTIFY_HOST_BAD_ARGUMENT;
  }
  PendingExchange exchange;
  exchange.addresses = resolver_.resolve(url->host, url->port, error);
  if (exchange.addresses.empty()) {
    return NOTIFY_HOST_CONNECT_FAILED;
  }
  exchange.origin = url->origin();
  exchange.tls = url->tls;
  exchange.host = url->host;
  exchange.port = url->port;
  exchange.request = std::move(request.value());
  exchange.headRequest = call.method == "HEAD";
  exchange.timeoutMs = call.timeoutMs == 0 ? 10000 : call.timeoutMs;
  exchange.done = std::move(done);
  loop().submit(std::move(exchange));
  return NOTIFY_HOST_OK;
}

HttpOutcome HttpEngine::send(const HttpCall& call) {
  if (loop().onLoopThread()) {
    return HttpOutcome{NOTIFY_HOST_BAD_ARGUMENT,
                       "a blocking HTTP call from the HTTP engine's own thread would never end",
                       {}};
  }
  struct Waiter {
    std::mutex mutex;
    std::condition_variable ready;
    bool done = false;
    HttpOutcome outcome;
  };
  auto waiter = std::make_shared<Waiter>();
  HttpOutcome failed;
  failed.code = start(
      call,
      [waiter](HttpOutcome&& outcome) {
        std::lock_guard lock(waiter->mutex);
        waiter->outcome = std::move(outcome);
        waiter->done = true;
        waiter->ready.notify_one();
      },
      failed.error);
  if (failed.code != NOTIFY_HOST_OK) {
    return failed;
  }
  std::unique_lock lock(waiter->mutex);
  waiter->ready.wait(lock, [&] { return waiter->done; });
  return std::move(waiter->outcome);
}

size_t HttpEngine::openConnections() const {
  return loop_->openConnections();
}

size_t HttpEngine::idleConnections() const {
  return loop_->idleConnections();
}

}  // namespace notify::core
