// The far end of a lifecycle run: a local keep-alive HTTP endpoint the daemon's webhook provider
// delivers to. Each bench address carries the monotonic time its request was built
// ("bench-t<ns>-<n>"), so the sink measures send → provider-receives latency per message.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace Poco::Net {
class HTTPServer;
}

namespace notify::tools::bench {

struct SinkStats {
  std::uint64_t received = 0;
  std::vector<std::int64_t> latenciesUs;  // sorted
  double spanS = 0;                       // first to last arrival
};

class DeliverySink {
 public:
  // delayMs: how long each answer takes, to stand in for a slow provider.
  DeliverySink(unsigned short port, int delayMs);
  ~DeliverySink();

  // Records one delivery whose body was read; called by the HTTP handler threads.
  void record(const std::string& body);
  int delayMs() const { return delayMs_; }
  std::uint64_t received() const;
  SinkStats stats() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::int64_t> latenciesUs_;
  std::int64_t firstNs_ = 0;
  std::int64_t lastNs_ = 0;
  int delayMs_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

// Monotonic nanoseconds, comparable between processes on one machine.
std::int64_t monotonicNs();

}  // namespace notify::tools::bench
