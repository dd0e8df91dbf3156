// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/http/address_resolver.hpp"
#include "core/http/http_engine.hpp"

namespace notify::core {

class HttpConnection;
class TlsClientContext;

// One exchange as the I/O thread receives it: already parsed, serialised and resolved.
struct PendingExchange {
  std::string origin;  // connections are shared per origin
  bool tls = false;
  std::string host;
  uint16_t port = 0;
  std::vector<SocketAddress> addresses;  // tried in order when connecting fails
  std::string request;
  bool headRequest = false;
  uint32_t timeoutMs = 10000;
  HttpEngine::Completion done;
};

// The I/O thread behind HttpEngine: epoll over every connection, an eventfd for new work, a
// deadline heap for timeouts. Everything but submit() and the counters runs on its thread.
// The thread starts with the first exchange, so an engine nobody uses costs nothing.
class HttpEventLoop {
 public:
  HttpEventLoop(const HttpEngine::Options& options, AddressResolver& resolver);
  ~HttpEventLoop();
  HttpEventLoop(const HttpEventLoop&) = delete;
  HttpEventLoop& operator=(const HttpEventLoop&) = delete;

  void submit(PendingExchange exchange);
  bool onLoopThread() const { return std::this_thread::get_id() == threadId_.load(); }
  size_t openConnections() const { return open_.load(); }
  size_t idleConnections() const { return idle_.load(); }

 private:
  struct Exchange {
    PendingExchange spec;
    int64_t deadlineMs = 0;
    size_t addressIndex = 0;
    bool retriedStale = false;
    uint64_t connection = 0;  // 0: waiting for one
  };
  struct Connection {
    std::unique_ptr<HttpConnection> io;
    std::string origin;
    uint64_t exchange = 0;  // 0: idle
    uint32_t interest = 0;
  };
  struct Origin {
    std::vector<uint64_t> idle;
    size_t open = 0;
    std::deque<uint64_t> waiting;
  };

  void ensureThread();
  void run();
  void admit(PendingExchange spec);
  void dispatch(uint64_t exchangeId);
  void connectNew(uint64_t exchangeId);
  const TlsClientContext* tlsContext(std::string& error);
  void assign(uint64_t connectionId, uint64_t exchangeId);
  void drive(uint64_t connectionId);
  void onReady(uint64_t connectionId);
  void onFailure(uint64_t connectionId);
  void release(uint64_t connectionId);
  void close(uint64_t connectionId);
  void pump(const std::string& origin);
  void setInterest(uint64_t connectionId, Connection& connection, uint32_t events);
  void expireDeadlines();
  int nextTimeoutMs() const;
  void finish(uint64_t exchangeId, int32_t code, std::string error, HttpReply reply = {});
  void failEverything();

  HttpEngine::Options options_;
  AddressResolver& resolver_;
  std::unique_ptr<TlsClientContext> tls_;  // the I/O thread's, built on first use
  int epoll_ = -1;
  int wakeFd_ = -1;

  std::mutex mutex_;  // guards incoming_, sleeping_, stopping_, thread start
  std::vector<PendingExchange> incoming_;
  bool sleeping_ = false;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<std::thread::id> threadId_{};
  std::atomic<size_t> open_{0};
  std::atomic<size_t> idle_{0};

  // The I/O thread's own state.
  uint64_t nextId_ = 1;
  std::unordered_map<uint64_t, Exchange> exchanges_;
  std::unordered_map<uint64_t, Connection> connections_;
  std::unordered_map<std::string, Origin> origins_;
  using Deadline = std::pair<int64_t, uint64_t>;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
};

}  // namespace notify::core
