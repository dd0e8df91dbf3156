// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/result.hpp"

namespace notify::core {

// An absolute http:// or https:// URL split the way a request needs it.
struct HttpUrl {
  bool tls = false;
  std::string host;        // without brackets for an IPv6 literal
  uint16_t port = 0;       // 80 or 443 when the URL names none
  std::string target;      // path and query as written ("/" when empty); the fragment dropped
  std::string hostHeader;  // what the Host header says: host, with ":port" when not the default

  // Connections are shared between exchanges with the same origin.
  std::string origin() const;
};

// Pure. Refuses what a request line cannot carry (spaces, control characters), user
// information (credentials belong in a header the plugin sets, not silently dropped), unknown
// schemes, a missing host and a bad port, each with a sentence saying which.
Result<HttpUrl> parseHttpUrl(std::string_view url);

}  // namespace notify::core
