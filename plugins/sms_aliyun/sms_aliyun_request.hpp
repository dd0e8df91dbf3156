// SPDX-License-Identifier: Apache-2.0
// Everything the sms_aliyun channel decides, as functions of message + config + clock: the
// signed Dysmsapi SendSms (2017-05-25, RPC v1) request and the outcome Aliyun's answer means.
// No network here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "notify/channel.hpp"
#include "plugins/sms_aliyun/rpc_signer.hpp"

namespace notify::plugin::sms_aliyun {

inline constexpr std::string_view kDefaultBaseUrl = "https://dysmsapi.aliyuncs.com";

struct AliyunConfig {
  std::string accessKeyId;
  std::string accessKeySecret;
  std::string signName;  // default when the template gives no attr sign_name
  std::string region;
  std::string url;  // base_url + "/"
  uint32_t timeoutMs = 0;
};

// Reads the instance configuration. Throws sdk::ConfigError naming the offending key.
AliyunConfig parseConfig(const sdk::Config& config);

// The SendSms parameters of one attempt made at nowUnixMs, Signature not yet among them; empty
// with a reason in error when the message cannot be sent (no phone, no attr template_id, no
// signature name, a listed template parameter without a value).
Params buildParams(const AliyunConfig& config, const sdk::Message& message, int64_t nowUnixMs,
                   std::string& error);

struct AliyunRequest {
  sdk::Headers headers;
  std::string body;   // form-urlencoded parameters, Signature last
  std::string error;  // non-empty: nothing to send, the message is rejected for this reason
};

AliyunRequest buildRequest(const AliyunConfig& config, const sdk::Message& message,
                           const sdk::Host& host, int64_t nowUnixMs);

// The outcome one Aliyun Code other than "OK" means. message is Aliyun's Message: it is used
// as the detail except where it quotes the string to sign (phone numbers, template values).
sdk::Outcome codeOutcome(const std::string& code, const std::string& message, int httpStatus);

// What an exchange means for the message (see README.md for the table).
sdk::Outcome classify(const sdk::HttpResult& result);

}  // namespace notify::plugin::sms_aliyun
