// SPDX-License-Identifier: Apache-2.0
// Everything the feishu_bot channel decides, as functions of message + config + clock: the
// custom-bot webhook request (URL, body, signature) and what an answer means. No network here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "notify/channel.hpp"

namespace notify::plugin::feishu_bot {

struct BotConfig {
  std::string baseUrl;  // without a trailing slash
  std::string token;    // the hook token: part of the URL, a credential
  std::string secret;   // signing secret; empty: unsigned
  uint32_t timeoutMs = 10000;
};

struct BotRequest {
  std::string url;  // contains the token: never log it
  std::string body;
  std::string error;  // non-empty: the message cannot be sent (see Content::error)
};

// Reads the instance configuration; throws sdk::ConfigError naming the offending key.
BotConfig parseConfig(const sdk::Config& config);

// base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = "")). The key/message order is
// the opposite of DingTalk's; swapping them gives a plausible-looking value Feishu rejects.
std::string sign(const sdk::Host& host, std::string_view timestamp, std::string_view secret);

// The request of an attempt made at nowUnixMs (the timestamp is in seconds).
BotRequest buildRequest(const BotConfig& config, const sdk::Message& message, const sdk::Host& host,
                        int64_t nowUnixMs);

// What an exchange means for the message (see README.md for the table).
sdk::Outcome classify(const sdk::HttpResult& result);

}  // namespace notify::plugin::feishu_bot
