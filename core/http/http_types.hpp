// SPDX-License-Identifier: Apache-2.0
// The values one outbound HTTP exchange is made of, shared by the engine and its callers.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace notify::core {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpCall {
  std::string method;
  std::string url;
  HttpHeaders headers;
  std::string body;
  uint32_t timeoutMs = 10000;  // the whole exchange: connect, TLS, request and response
};

struct HttpReply {
  int status = 0;
  HttpHeaders headers;  // names in lower case
  std::string body;
};

// What became of one exchange: code is NOTIFY_HOST_OK with reply filled, or a NOTIFY_HOST_*
// transport error with a sentence in error.
struct HttpOutcome {
  int32_t code = 0;
  std::string error;
  HttpReply reply;
};

}  // namespace notify::core
