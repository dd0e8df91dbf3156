// SPDX-License-Identifier: Apache-2.0
// Everything the WeCom app message channel decides, as functions of message + config + clock:
// the token and send requests, and what their answers mean. No network here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "notify/channel.hpp"
#include "plugins/common/access_token.hpp"

namespace notify::plugin::wecom_app {

inline constexpr std::string_view kDefaultBaseUrl = "https://qyapi.weixin.qq.com";
inline constexpr size_t kContentMaxBytes = 2048;  // text and markdown content, UTF-8 bytes
inline constexpr int64_t kRateLimitRetryMs = 60000;

struct AppConfig {
  std::string baseUrl;
  std::string corpId;
  std::string corpSecret;  // never logged
  int64_t agentId = 0;
  uint32_t timeoutMs = 0;
};

// Reads the instance configuration. Throws sdk::ConfigError naming the offending key.
AppConfig parseConfig(const sdk::Config& config);

// GET <base>/cgi-bin/gettoken?corpid=…&corpsecret=… (carries the secret: never log it).
std::string tokenUrl(const AppConfig& config, const sdk::Host& host);

// A gettoken answer: the token, valid expires_in seconds from nowMs, or the outcome saying why
// there is none (bad corp id/secret or IP not allowed: bad config).
common::TokenResult parseTokenAnswer(const sdk::HttpResult& result, const AppConfig& config,
                                     int64_t nowMs);

// The message/send body, or why the message cannot be sent (refusal set). touser is the
// message's to.user ("id1|id2" for several); attr msg_type is text (default) or markdown.
struct AppMessage {
  std::string body;
  std::optional<sdk::Outcome> refusal;
};
AppMessage buildMessage(const AppConfig& config, const sdk::Message& message);

// POST <base>/cgi-bin/message/send?access_token=… (carries the token: never log it).
std::string sendUrl(const AppConfig& config, std::string_view token, const sdk::Host& host);

// A message/send answer. Token refusals (42001, 40014, 41001) set tokenRefused; errcode 0
// with some users listed in invaliduser is delivered to the others, the detail naming them.
common::TokenSend classifySend(const sdk::HttpResult& result, std::string_view touser,
                               const AppConfig& config, std::string_view token);

}  // namespace notify::plugin::wecom_app
