// SPDX-License-Identifier: Apache-2.0
// Everything the WhatsApp Cloud API channel decides, as functions of message + config: the
// Graph API request it sends and the outcome an answer means. No network here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "notify/channel.hpp"

namespace notify::plugin::whatsapp {

inline constexpr std::string_view kDefaultBaseUrl = "https://graph.facebook.com";
inline constexpr std::string_view kDefaultApiVersion = "v19.0";
inline constexpr std::string_view kDefaultLanguage = "en_US";
inline constexpr int64_t kPairRateRetryMs = 6000;  // 131056: about 1 message per 6 s per user

struct WaConfig {
  std::string baseUrl;
  std::string apiVersion;  // "v19.0"
  std::string phoneNumberId;
  std::string accessToken;  // never logged
  uint32_t timeoutMs = 0;
};

// Reads the instance configuration. Throws sdk::ConfigError naming the offending key.
WaConfig parseConfig(const sdk::Config& config);

// What one message becomes: the POST to make, or why it cannot be sent (refusal set).
struct WaRequest {
  std::string url;
  sdk::Headers headers;  // Authorization carries the token
  std::string body;
  std::optional<sdk::Outcome> refusal;
};

// A template message when attr template_id is set (name = template_id, language = attr
// language or en_US, body parameters = the variables attr params names, in order), a text
// message (the body, under the subject) otherwise; to = to.phone; biz_opaque_callback_data =
// the message id, so status webhooks can be matched to it.
WaRequest buildRequest(const WaConfig& config, const sdk::Message& message);

// What an answer means (see README.md): accepted with messages[0].id, or the error's code.
sdk::Outcome classify(const sdk::HttpResult& result, const WaConfig& config);

}  // namespace notify::plugin::whatsapp
