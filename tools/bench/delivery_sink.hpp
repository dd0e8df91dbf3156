// The far end of a lifecycle run: a local keep-alive HTTP endpoint the daemon's webhook provider
// delivers to. Each bench address carries the monotonic time its request was built
// ("bench-t<ns>-<n>"), so the sink measures send → provider-receives latency per message.
//
// It stands in for a provider on another machine, so it should cost the shared cores as little
// as possible: one thread serves every connection with epoll (no thread per connection, no
// wake-up per request), and a configured delay is a timer, not a sleeping thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace notify::tools::bench {

struct SinkStats {
  std::uint64_t received = 0;
  std::vector<std::int64_t> latenciesUs;  // sorted
  double spanS = 0;                       // first to last arrival
};

class DeliverySink {
 public:
  // delayMs: how long each answer takes, to stand in for a slow provider. Throws
  // std::runtime_error when the port cannot be bound.
  DeliverySink(unsigned short port, int delayMs);
  ~DeliverySink();
  DeliverySink(const DeliverySink&) = delete;
  DeliverySink& operator=(const DeliverySink&) = delete;

  std::uint64_t received() const;
  SinkStats stats() const;

 private:
  struct Connection;
  void run();
  // Answers every complete request buffered on the connection; false when it must be closed.
  bool serve(Connection& connection, std::int64_t nowNs);
  void record(std::string_view body, std::int64_t nowNs);

  int delayMs_;
  int listenFd_ = -1;
  int epollFd_ = -1;
  int stopFd_ = -1;  // an eventfd that ends run()
  std::thread thread_;

  mutable std::mutex mutex_;
  std::vector<std::int64_t> latenciesUs_;
  std::int64_t firstNs_ = 0;
  std::int64_t lastNs_ = 0;
};

// Monotonic nanoseconds, comparable between processes on one machine.
std::int64_t monotonicNs();

}  // namespace notify::tools::bench
