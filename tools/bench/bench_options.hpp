// notify-bench's command line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/client/cli.hpp"
#include "tools/client/requests.hpp"

namespace notify::tools::bench {

enum class Op { kSend, kSendBatch };

struct BenchOptions {
  client::ConnectionOptions connection;
  unsigned clients = 64;               // one DEALER socket and one thread each
  unsigned window = 64;                // requests in flight per client
  std::optional<std::uint64_t> count;  // messages in all; unset with a duration = no limit
  std::optional<double> durationS;
  double rate = 0;  // messages/s over all clients; 0 = as fast as the windows allow
  Op op = Op::kSend;
  unsigned batch = 1;              // messages per request
  std::size_t payloadBytes = 300;  // the size of one message's JSON, padded by payloadVar
  std::string payloadVar = "name";
  std::string templateName = "welcome";
  std::string toKind = "email";
  client::KeyValues vars;  // sent with every message, besides payloadVar
  std::optional<std::string> channel;
  // Lifecycle runs: receive the deliveries on 127.0.0.1:sinkPort and wait up to sinkWaitS for
  // every accepted message to arrive there.
  std::optional<unsigned short> sinkPort;
  double sinkWaitS = 60;
  int sinkDelayMs = 0;  // the sink answers after this long: a slow provider
  bool help = false;
};

// Throws client::UsageError.
BenchOptions parseBenchOptions(const std::vector<std::string>& args);

std::string benchUsage();

const char* opName(Op op);

}  // namespace notify::tools::bench
