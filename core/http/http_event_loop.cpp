// SPDX-License-Identifier: Apache-2.0
#include "core/http/http_event_loop.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "core/common/log.hpp"
#include "core/common/thread_name.hpp"
#include "core/http/http_connection.hpp"
#include "core/http/tls_client.hpp"
#include "notify/channel_abi.h"

namespace notify::core {
namespace {

constexpr uint64_t kWakeId = 0;  // epoll data of the eventfd; connections count from 1
constexpr int kMaxEvents = 256;

int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

HttpEventLoop::HttpEventLoop(const HttpEngine::Options& options, AddressResolver& resolver)
    : options_(options), resolver_(resolver) {
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  wakeFd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_ < 0 || wakeFd_ < 0) {
    throw std::runtime_error(std::string("HTTP engine: ") + std::strerror(errno));
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kWakeId;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, wakeFd_, &event);
}

HttpEventLoop::~HttpEventLoop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wakeFd_, &one, sizeof(one));
  if (thread_.joinable()) {
    thread_.join();
  } else {
    failEverything();  // never started: only incoming_ can hold anything
  }
  ::close(wakeFd_);
  ::close(epoll_);
}

void HttpEventLoop::ensureThread() {
  if (!thread_.joinable()) {
    thread_ = std::thread([this] {
      threadId_.store(std::this_thread::get_id());
      nameThisThread("http");
      run();
    });
  }
}

void HttpEventLoop::submit(PendingExchange exchange) {
  bool wake = false;
  bool refused = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      refused = true;
    } else {
      ensureThread();
      incoming_.push_back(std::move(exchange));
      wake = sleeping_;
      sleeping_ = false;
    }
  }
  if (refused) {
    // Only a caller racing the engine's destruction gets here.
    exchange.done(HttpOutcome{NOTIFY_HOST_IO_ERROR, "HTTP client is shutting down", {}});
    return;
  }
  if (wake) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wakeFd_, &one, sizeof(one));
  }
}

void HttpEventLoop::run() {
  std::vector<PendingExchange> batch;
  epoll_event events[kMaxEvents];
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        break;
      }
      batch.swap(incoming_);
      // Submitters write the eventfd only while this thread may block in epoll_wait.
      sleeping_ = batch.empty();
    }
    for (PendingExchange& spec : batch) {
      admit(std::move(spec));
    }
    const bool hadWork = !batch.empty();
    batch.clear();
    expireDeadlines();
    int n = epoll_wait(epoll_, events, kMaxEvents, hadWork ? 0 : nextTimeoutMs());
    {
      std::lock_guard lock(mutex_);
      sleeping_ = false;
    }
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == kWakeId) {
        uint64_t count;
        [[maybe_unused]] ssize_t r = ::read(wakeFd_, &count, sizeof(count));
        continue;
      }
      onReady(events[i].data.u64);
    }
  }
  failEverything();
}

void HttpEventLoop::admit(PendingExchange spec) {
  const uint64_t id = nextId_++;
  Exchange& exchange = exchanges_[id];
  exchange.deadlineMs = steadyMs() + spec.timeoutMs;
  exchange.spec = std::move(spec);
  deadlines_.emplace(exchange.deadlineMs, id);
  dispatch(id);
}

void HttpEventLoop::dispatch(uint64_t exchangeId) {
  Exchange& exchange = exchanges_.at(exchangeId);
  Origin& origin = origins_[exchange.spec.origin];
  if (!origin.idle.empty()) {
    uint64_t connectionId = origin.idle.back();
    origin.idle.pop_back();
    --idle_;
    assign(connectionId, exchangeId);
    drive(connectionId);
  } else if (origin.open < options_.maxConnectionsPerOrigin) {
    connectNew(exchangeId);
  } else {
    origin.waiting.push_back(exchangeId);
  }
}

void HttpEventLoop::connectNew(uint64_t exchangeId) {
  Exchange& exchange = exchanges_.at(exchangeId);
  const PendingExchange& spec = exchange.spec;
  std::string error;
  const TlsClientContext* tls = spec.tls ? tlsContext(error) : nullptr;
  if (spec.tls && tls == nullptr) {
    finish(exchangeId, NOTIFY_HOST_CONNECT_FAILED, error);
    return;
  }
  std::unique_ptr<HttpConnection> io =
      HttpConnection::open(spec.addresses[exchange.addressIndex], spec.tls, spec.host, tls, error);
  if (!io) {
    if (exchange.addressIndex + 1 < spec.addresses.size()) {
      ++exchange.addressIndex;
      connectNew(exchangeId);
      return;
    }
    resolver_.forget(spec.host, spec.port);
    finish(exchangeId, NOTIFY_HOST_CONNECT_FAILED, error);
    return;
  }
  const uint64_t connectionId = nextId_++;
  Connection& connection = connections_[connectionId];
  connection.origin = spec.origin;
  connection.interest = EPOLLOUT;  // a connect in progress completes as writable
  epoll_event event{};
  event.events = EPOLLOUT;
  event.data.u64 = connectionId;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, io->fd(), &event);
  connection.io = std::move(io);
  ++origins_[spec.origin].open;
  ++open_;
  assign(connectionId, exchangeId);
}

const TlsClientContext* HttpEventLoop::tlsContext(std::string& error) {
  // Built at the first https:// exchange: OpenSSL's context costs milliseconds, and many
  // engines (tests, configuration checks) never speak TLS.
  if (!tls_) {
    try {
      tls_ = std::make_unique<TlsClientContext>(options_.caFile);
    } catch (const std::exception& e) {
      error = e.what();
      return nullptr;
    }
  }
  return tls_.get();
}

void HttpEventLoop::assign(uint64_t connectionId, uint64_t exchangeId) {
  Connection& connection = connections_.at(connectionId);
  Exchange& exchange = exchanges_.at(exchangeId);
  connection.exchange = exchangeId;
  exchange.connection = connectionId;
  connection.io->begin(exchange.spec.request, exchange.spec.headRequest);
}

void HttpEventLoop::onReady(uint64_t connectionId) {
  auto it = connections_.find(connectionId);
  if (it == connections_.end()) {
    return;  // closed earlier in this batch of events
  }
  if (it->second.exchange == 0) {
    // Idle and readable: the server closed it (or talks out of turn). Never reuse it.
    Origin& origin = origins_[it->second.origin];
    std::erase(origin.idle, connectionId);
    --idle_;
    close(connectionId);
    return;
  }
  drive(connectionId);
}

void HttpEventLoop::drive(uint64_t connectionId) {
  Connection& connection = connections_.at(connectionId);
  switch (connection.io->advance()) {
    case HttpConnection::Wait::kRead:
      setInterest(connectionId, connection, EPOLLIN);
      return;
    case HttpConnection::Wait::kWrite:
      setInterest(connectionId, connection, EPOLLOUT);
      return;
    case HttpConnection::Wait::kResponse: {
      uint64_t exchangeId = connection.exchange;
      connection.exchange = 0;
      // Back in the pool before the caller hears of it: its next request can reuse it.
      HttpReply reply = connection.io->takeReply();
      release(connectionId);
      finish(exchangeId, NOTIFY_HOST_OK, {}, std::move(reply));
      return;
    }
    case HttpConnection::Wait::kFailed:
      onFailure(connectionId);
      return;
  }
}

void HttpEventLoop::onFailure(uint64_t connectionId) {
  Connection& connection = connections_.at(connectionId);
  const uint64_t exchangeId = connection.exchange;
  const bool stale = connection.io->staleFailure();
  const int32_t code = connection.io->failureCode();
  std::string reason = connection.io->failure();
  const std::string origin = connection.origin;
  close(connectionId);
  Exchange& exchange = exchanges_.at(exchangeId);
  exchange.connection = 0;
  if (stale && !exchange.retriedStale) {
    // A kept-alive connection the server had dropped: the request never reached it whole,
    // so one fresh connection is safe.
    exchange.retriedStale = true;
    connectNew(exchangeId);
  } else if (code == NOTIFY_HOST_CONNECT_FAILED &&
             exchange.addressIndex + 1 < exchange.spec.addresses.size()) {
    ++exchange.addressIndex;
    connectNew(exchangeId);
  } else {
    if (code == NOTIFY_HOST_CONNECT_FAILED) {
      resolver_.forget(exchange.spec.host, exchange.spec.port);
    }
    finish(exchangeId, code, std::move(reason));
  }
  pump(origin);
}

void HttpEventLoop::release(uint64_t connectionId) {
  Connection& connection = connections_.at(connectionId);
  const std::string origin = connection.origin;
  Origin& state = origins_[origin];
  if (!connection.io->reusable()) {
    close(connectionId);
    pump(origin);
    return;
  }
  while (!state.waiting.empty()) {
    uint64_t next = state.waiting.front();
    state.waiting.pop_front();
    if (exchanges_.count(next) != 0) {
      assign(connectionId, next);
      drive(connectionId);
      return;
    }
  }
  if (state.idle.size() >= options_.maxIdlePerOrigin) {
    close(connectionId);
    return;
  }
  state.idle.push_back(connectionId);
  ++idle_;
  setInterest(connectionId, connection, EPOLLIN);
}

void HttpEventLoop::close(uint64_t connectionId) {
  auto it = connections_.find(connectionId);
  if (it == connections_.end()) {
    return;
  }
  --origins_[it->second.origin].open;
  --open_;
  connections_.erase(it);  // closing the socket removes it from the epoll set
}

void HttpEventLoop::pump(const std::string& origin) {
  Origin& state = origins_[origin];
  while (!state.waiting.empty() &&
         (!state.idle.empty() || state.open < options_.maxConnectionsPerOrigin)) {
    uint64_t next = state.waiting.front();
    state.waiting.pop_front();
    if (exchanges_.count(next) != 0) {
      dispatch(next);
    }
  }
}

void HttpEventLoop::setInterest(uint64_t connectionId, Connection& connection, uint32_t events) {
  if (connection.interest == events) {
    return;
  }
  connection.interest = events;
  epoll_event event{};
  event.events = events;
  event.data.u64 = connectionId;
  epoll_ctl(epoll_, EPOLL_CTL_MOD, connection.io->fd(), &event);
}

void HttpEventLoop::expireDeadlines() {
  const int64_t now = steadyMs();
  while (!deadlines_.empty() && deadlines_.top().first <= now) {
    const uint64_t exchangeId = deadlines_.top().second;
    deadlines_.pop();
    auto it = exchanges_.find(exchangeId);
    if (it == exchanges_.end()) {
      continue;  // finished in time
    }
    const std::string origin = it->second.spec.origin;
    const uint32_t timeoutMs = it->second.spec.timeoutMs;
    if (it->second.connection != 0) {
      close(it->second.connection);  // its answer, should it come, belongs to nobody
    } else {
      std::erase(origins_[origin].waiting, exchangeId);
    }
    finish(exchangeId, NOTIFY_HOST_TIMEOUT, "timeout after " + std::to_string(timeoutMs) + " ms");
    pump(origin);
  }
}

int HttpEventLoop::nextTimeoutMs() const {
  if (deadlines_.empty()) {
    return -1;
  }
  // Round up: waking a millisecond early would only spin until the deadline.
  return static_cast<int>(std::max<int64_t>(deadlines_.top().first - steadyMs() + 1, 0));
}

void HttpEventLoop::finish(uint64_t exchangeId, int32_t code, std::string error, HttpReply reply) {
  auto it = exchanges_.find(exchangeId);
  if (it == exchanges_.end()) {
    return;
  }
  HttpEngine::Completion done = std::move(it->second.spec.done);
  exchanges_.erase(it);
  try {
    done(HttpOutcome{code, std::move(error), std::move(reply)});
  } catch (const std::exception& e) {
    logError("http", std::string("an exchange's completion threw: ") + e.what());
  }
}

void HttpEventLoop::failEverything() {
  std::vector<PendingExchange> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(incoming_);
  }
  for (PendingExchange& spec : batch) {
    spec.done(HttpOutcome{NOTIFY_HOST_IO_ERROR, "HTTP client is shutting down", {}});
  }
  while (!exchanges_.empty()) {
    finish(exchanges_.begin()->first, NOTIFY_HOST_IO_ERROR, "HTTP client is shutting down");
  }
  connections_.clear();
  origins_.clear();
  open_ = 0;
  idle_ = 0;
}

}  // namespace notify::core
