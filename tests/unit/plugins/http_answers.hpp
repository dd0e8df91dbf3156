// SPDX-License-Identifier: Apache-2.0
// Both sides of a provider exchange for pure plugin tests: the answers a classifier receives,
// and a header of the request a builder produced.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
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

// {"errcode": errcode, "errmsg": errmsg} inside HTTP 200, as DingTalk, WeCom and WeChat answer.
inline sdk::HttpResult errcodeAnswer(int64_t errcode, const std::string& errmsg) {
  return httpAnswer(200,
                    R"({"errcode":)" + std::to_string(errcode) + R"(,"errmsg":")" + errmsg + "\"}");
}

// An exchange that got no answer (NOTIFY_HOST_TIMEOUT, _CONNECT_FAILED, ...).
inline sdk::HttpResult transportFailure(int32_t hostCode, std::string error) {
  sdk::HttpResult result;
  result.hostCode = hostCode;
  result.error = std::move(error);
  return result;
}

// The value of the first header named name (exact case), "<absent>" when there is none.
inline std::string header(const sdk::Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key == name) {
      return value;
    }
  }
  return "<absent>";
}

}  // namespace notify::test
