// SPDX-License-Identifier: Apache-2.0
// Everything the sms_tencent channel decides, as functions of message + config + clock: the
// signed SendSms (2021-01-11) request and the outcome Tencent's answer means. No network here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "notify/channel.hpp"

namespace notify::plugin::sms_tencent {

inline constexpr std::string_view kDefaultBaseUrl = "https://sms.tencentcloudapi.com";

struct TencentConfig {
  std::string secretId;
  std::string secretKey;
  std::string sdkAppId;
  std::string signName;  // default when the template gives no attr sign_name
  std::string region;
  std::string url;      // base_url + "/"
  std::string host;     // the Host header sent and signed: base_url's host[:port]
  std::string service;  // TC3 credential scope service
  uint32_t timeoutMs = 0;
};

// Reads the instance configuration. Throws sdk::ConfigError naming the offending key.
TencentConfig parseConfig(const sdk::Config& config);

// The authority (host[:port], lower case) of an http(s) URL.
std::string hostOf(std::string_view url);

// The JSON body for one message, or empty with a reason in error when the message cannot be
// sent (no phone, no attr template_id, a listed template parameter without a value).
std::string buildBody(const TencentConfig& config, const sdk::Message& message, std::string& error);

struct TencentRequest {
  sdk::Headers headers;
  std::string body;
  std::string error;  // non-empty: nothing to send, the message is rejected for this reason
};

// Body and signed headers of one attempt made at nowUnixMs.
TencentRequest buildRequest(const TencentConfig& config, const sdk::Message& message,
                            const sdk::Host& host, int64_t nowUnixMs);

// The outcome one Tencent error code means (request-level Error.Code or a per-number
// SendStatus.Code other than "Ok"); detail is the provider's message.
sdk::Outcome codeOutcome(const std::string& code, std::string detail, int httpStatus = 200);

// What an exchange means for the message (see README.md for the table).
sdk::Outcome classify(const sdk::HttpResult& result);

}  // namespace notify::plugin::sms_tencent
