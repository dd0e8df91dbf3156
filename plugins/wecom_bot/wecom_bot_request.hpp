// SPDX-License-Identifier: Apache-2.0
// Everything the WeCom group robot channel decides, as functions of message + config: the
// webhook request it sends and the outcome an answer means. No network here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "notify/channel.hpp"

namespace notify::plugin::wecom_bot {

inline constexpr std::string_view kDefaultBaseUrl = "https://qyapi.weixin.qq.com";
inline constexpr size_t kTextMaxBytes = 2048;        // text.content, UTF-8 bytes
inline constexpr size_t kMarkdownMaxBytes = 4096;    // markdown.content, UTF-8 bytes
inline constexpr int64_t kRateLimitRetryMs = 60000;  // 20 messages per minute per robot

struct BotConfig {
  std::string baseUrl;
  std::string key;  // the robot's webhook key: the credential itself, never logged
  uint32_t timeoutMs = 0;
};

// What one message becomes: the POST to make, or why it cannot be sent (refusal set).
struct BotRequest {
  std::string url;  // carries the key: never put it in a detail or a log line
  std::string body;
  std::optional<sdk::Outcome> refusal;
};

// Reads the instance configuration. Throws sdk::ConfigError naming the offending key.
BotConfig parseConfig(const sdk::Config& config);

// The robot message for attr msg_type ("text" by default, or "markdown"). Text mentions come
// from attrs mentions (user ids or @all) and mention_mobiles, both comma-separated. Content
// over the provider's byte limit is refused here rather than cut. The host url-encodes the key.
BotRequest buildRequest(const BotConfig& config, const sdk::Message& message,
                        const sdk::Host& host);

// What an answer means (see README.md). key is redacted from any detail.
sdk::Outcome classify(const sdk::HttpResult& result, std::string_view key);

}  // namespace notify::plugin::wecom_bot
