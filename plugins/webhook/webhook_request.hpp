// SPDX-License-Identifier: Apache-2.0
// Everything the webhook channel decides, as functions of message + config + clock: the
// Standard Webhooks request it sends and the outcome an HTTP answer means. No network here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "notify/channel.hpp"

namespace notify::plugin::webhook {

struct WebhookConfig {
  std::string url;
  std::string signingKey;  // raw HMAC key decoded from whsec_<base64>; empty: unsigned
  std::string eventType;
  uint32_t timeoutMs = 0;
  sdk::Headers extraHeaders;
};

struct WebhookRequest {
  sdk::Headers headers;
  std::string body;
};

// Reads the instance configuration. Throws sdk::ConfigError naming the offending key. The host
// is only used to base64-decode the secret.
WebhookConfig parseConfig(const sdk::Config& config, const sdk::Host& host);

// The HMAC key of a Standard Webhooks secret: the bytes base64-encoded after "whsec_".
std::string decodeSecret(std::string_view secret, const sdk::Host& host);

// The envelope {"type", "timestamp", "data": {...}} for an attempt made at nowUnixMs.
std::string buildBody(const sdk::Message& message, std::string_view eventType, int64_t nowUnixMs);

// "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)).
std::string sign(const sdk::Host& host, std::string_view key, std::string_view id,
                 std::string_view timestamp, std::string_view body);

// Body and headers of one attempt made at nowUnixMs.
WebhookRequest buildRequest(const WebhookConfig& config, const sdk::Message& message,
                            const sdk::Host& host, int64_t nowUnixMs);

// Retry-After as milliseconds; 0 when absent or not delta-seconds (HTTP dates are ignored).
int64_t parseRetryAfterMs(std::string_view value);

// What an HTTP exchange means for the message (see README.md for the table).
sdk::Outcome classify(const sdk::HttpResult& result);

}  // namespace notify::plugin::webhook
