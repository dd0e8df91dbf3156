// SPDX-License-Identifier: Apache-2.0
// Everything the WeChat Official Account template-message channel decides, as functions of
// message + config + clock: the token and send requests, and what their answers mean.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "notify/channel.hpp"
#include "plugins/common/access_token.hpp"

namespace notify::plugin::wechat_mp {

inline constexpr std::string_view kDefaultBaseUrl = "https://api.weixin.qq.com";
inline constexpr int64_t kMinuteQuotaRetryMs = 60000;  // 45011: per-minute quota

struct MpConfig {
  std::string baseUrl;
  std::string appId;
  std::string appSecret;  // never logged
  std::string callbackToken;  // signs pushed events; never logged; empty: pushes refused
  uint32_t timeoutMs = 0;
};

// Reads the instance configuration. Throws sdk::ConfigError naming the offending key.
MpConfig parseConfig(const sdk::Config& config);

// GET <base>/cgi-bin/token?grant_type=client_credential&appid=…&secret=… (carries the secret).
std::string tokenUrl(const MpConfig& config, const sdk::Host& host);

// A token answer: the token, valid expires_in seconds from nowMs, or the outcome saying why
// there is none (bad app id/secret or IP not allow-listed: bad config).
common::TokenResult parseTokenAnswer(const sdk::HttpResult& result, const MpConfig& config,
                                     int64_t nowMs);

// The template/send body, or why the message cannot be sent (refusal set): touser = to.user
// (the openid), template_id = attr template_id, data {"<var>":{"value":…}} for the variables
// attr params names (all of the message's variables without it), url = attr url, miniprogram
// from attrs miniprogram_appid/miniprogram_pagepath, client_msg_id = the message id.
struct MpMessage {
  std::string body;
  std::optional<sdk::Outcome> refusal;
};
MpMessage buildMessage(const sdk::Message& message);

// POST <base>/cgi-bin/message/template/send?access_token=… (carries the token).
std::string sendUrl(const MpConfig& config, std::string_view token, const sdk::Host& host);

// Milliseconds from nowMs to the next midnight in China Standard Time (UTC+8), when WeChat's
// daily API quotas reset: the retry hint for 45009.
int64_t msUntilQuotaReset(int64_t nowMs);

// A template/send answer at nowMs. Token refusals (40001, 42001, 40014, 41001) set
// tokenRefused; errcode 0 is accepted with the msgid (the delivery result arrives later).
common::TokenSend classifySend(const sdk::HttpResult& result, const MpConfig& config,
                               std::string_view token, int64_t nowMs);

}  // namespace notify::plugin::wechat_mp
