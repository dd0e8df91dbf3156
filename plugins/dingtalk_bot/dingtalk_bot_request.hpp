// SPDX-License-Identifier: Apache-2.0
// Everything the dingtalk_bot channel decides, as functions of message + config + clock: the
// custom-robot request (URL with token and signature, body) and what an answer means.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "notify/channel.hpp"

namespace notify::plugin::dingtalk_bot {

struct RobotConfig {
  std::string baseUrl;  // without a trailing slash
  std::string accessToken;
  std::string secret;  // "SEC…" signing secret; empty: unsigned
  uint32_t timeoutMs = 10000;
};

struct RobotRequest {
  std::string url;  // carries the access token and signature: never log it
  std::string body;
  std::string error;  // non-empty: the message cannot be sent
};

// Reads the instance configuration; throws sdk::ConfigError naming the offending key.
RobotConfig parseConfig(const sdk::Config& config);

// base64(HMAC-SHA256(key = secret, message = timestampMs + "\n" + secret)), not URL-encoded.
// The key/message order is the opposite of Feishu's.
std::string sign(const sdk::Host& host, std::string_view timestampMs, std::string_view secret);

// The request of an attempt made at nowUnixMs (the timestamp is in milliseconds).
RobotRequest buildRequest(const RobotConfig& config, const sdk::Message& message,
                          const sdk::Host& host, int64_t nowUnixMs);

// The body for attr msg_type text (default), markdown or action_card; error set otherwise.
RobotRequest buildBody(const sdk::Message& message);

// What an exchange means for the message (see README.md for the table). The credentials are
// redacted from any detail that might quote the URL.
sdk::Outcome classify(const sdk::HttpResult& result, const RobotConfig& config);

}  // namespace notify::plugin::dingtalk_bot
