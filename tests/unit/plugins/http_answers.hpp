// SPDX-License-Identifier: Apache-2.0
// Provider answers as a plugin's classifier receives them, for pure classification tests.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "notify/channel.hpp"

namespace notify::test {

// An HTTP answer; header names in lower case, as the host hands them over.
inline sdk::HttpResult httpAnswer(int status, std::string body, sdk::Headers headers = {}) {
  sdk::HttpResult result;
  result.response.status = status;
  result.response.body = std::move(body);
  result.response.headers = std::move(headers);
  return result;
}

// An exchange that got no answer (NOTIFY_HOST_TIMEOUT, _CONNECT_FAILED, ...).
inline sdk::HttpResult transportFailure(int32_t hostCode, std::string error) {
  sdk::HttpResult result;
  result.hostCode = hostCode;
  result.error = std::move(error);
  return result;
}

}  // namespace notify::test
