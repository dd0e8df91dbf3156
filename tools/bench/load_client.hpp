// One bench client: a DEALER socket on its own thread keeping up to `window` requests in flight,
// on a fixed schedule (open loop) or as fast as replies return (closed loop).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>
#include <zmq.hpp>

#include "tools/bench/bench_options.hpp"
#include "tools/bench/request_factory.hpp"
#include "tools/client/dealer_client.hpp"

namespace notify::tools::bench {

using Clock = std::chrono::steady_clock;

struct ClientStats {
  std::uint64_t requests = 0;                   // sent
  std::uint64_t accepted = 0;                   // messages the daemon acknowledged
  std::uint64_t timedOut = 0;                   // requests that got no reply in time
  std::map<std::string, std::uint64_t> errors;  // refused messages by error code
  std::vector<std::int64_t> latenciesUs;        // one per reply
  Clock::time_point lastReply{};
};

struct Schedule {
  Clock::time_point start;
  Clock::duration interval{};               // between this client's requests; 0 = closed loop
  std::optional<std::uint64_t> messages;    // this client's share, in count mode
  std::optional<Clock::time_point> stopAt;  // no request is scheduled at or after it
};

class LoadClient {
 public:
  LoadClient(zmq::context_t& context, const BenchOptions& options, unsigned index,
             Schedule schedule);

  ClientStats run();

 private:
  struct InFlight {
    Clock::time_point measuredFrom;  // the scheduled time in open loop, else the send time
    unsigned messages;
  };

  bool moreToSend() const;
  Clock::time_point nextDue() const;
  void sendDue(Clock::time_point now);
  Clock::duration waitBudget(Clock::time_point now) const;
  bool awaitReplies(Clock::duration wait);
  void handleReply(const std::string& frame, Clock::time_point now);
  void abandonInFlight();

  const BenchOptions& options_;
  Schedule schedule_;
  client::DealerClient dealer_;
  RequestFactory factory_;
  std::unordered_map<std::uint64_t, InFlight> inFlight_;
  std::uint64_t nextReqId_ = 1;
  std::uint64_t messagesSent_ = 0;
  Clock::time_point lastProgress_{};  // last reply, or when the window stopped being empty
  bool failed_ = false;
  ClientStats stats_;
};

}  // namespace notify::tools::bench
