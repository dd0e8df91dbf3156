// The bench's request frames. Each is rendered from JSON serialized once up front, so producing
// load costs the bench little CPU on the machine it shares with the daemon.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tools/bench/bench_options.hpp"

namespace notify::tools::bench {

// Serialized JSON with named string placeholders, rendered by splicing raw JSON in their place.
class JsonPattern {
 public:
  JsonPattern(const std::string& json, const std::vector<std::string>& placeholders);

  // values[i] replaces placeholders[i] (quotes included) and must already be valid JSON.
  void render(const std::vector<std::string_view>& values, std::string& out) const;

 private:
  std::vector<std::string> literals_;  // one more than slots_
  std::vector<std::size_t> slots_;     // which value goes between literals i and i + 1
};

class RequestFactory {
 public:
  RequestFactory(const BenchOptions& options, unsigned clientIndex);

  // The request frame with `reqId` and `messages` messages (more than one only for send_batch).
  const std::string& build(std::uint64_t reqId, unsigned messages);

 private:
  // A fresh address for every message: the daemon may suppress the same content sent twice
  // to one recipient, and the bench measures acceptance, not suppression.
  std::string nextAddress();

  const BenchOptions& options_;
  unsigned clientIndex_;
  std::uint64_t sequence_ = 0;
  JsonPattern request_;  // send: the whole request; send_batch: all but the messages
  JsonPattern element_;  // one send_batch element
  std::string frame_;
  std::string messages_;
};

}  // namespace notify::tools::bench
