// SPDX-License-Identifier: Apache-2.0
// Everything the feishu_app channel decides, as functions of message + config + token: the
// tenant_access_token request, the im/v1 message request, and what their answers mean.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "notify/channel.hpp"
#include "plugins/common/access_token.hpp"

namespace notify::plugin::feishu_app {

struct AppConfig {
  std::string baseUrl;  // without a trailing slash
  std::string appId;
  std::string appSecret;
  std::string receiveIdType;  // open_id, union_id, user_id, email or chat_id
  uint32_t timeoutMs = 10000;
};

struct AppRequest {
  std::string url;
  sdk::Headers headers;
  std::string body;
  std::string error;  // non-empty: the message cannot be sent (no recipient, bad content)
};

// Reads the instance configuration; throws sdk::ConfigError naming the offending key.
AppConfig parseConfig(const sdk::Config& config);

// POST …/open-apis/auth/v3/tenant_access_token/internal with the app's id and secret.
AppRequest buildTokenRequest(const AppConfig& config);

// The token and its expiry on the host clock (requested at nowMs), or why there is none: bad
// credentials (10014 bad secret, 10003 bad app id, any other refusal) are bad_config,
// throttling is rate_limited, transport failures and 5xx are retried.
common::TokenResult parseTokenAnswer(const sdk::HttpResult& result, int64_t nowMs);

// The address the message goes to: to.email when receive_id_type is email, else to.user.
std::string_view recipientOf(const AppConfig& config, const sdk::Message& message);

// POST …/open-apis/im/v1/messages?receive_id_type=… with content as a JSON-encoded string and
// the message id as uuid (Feishu's idempotency key, sent when it fits its 50 characters).
AppRequest buildSendRequest(const AppConfig& config, const sdk::Message& message,
                            std::string_view token);

// True when the API refused the access token (99991663 invalid/expired, 99991661 missing):
// the caller refreshes it and sends once more.
bool isTokenRejected(const sdk::HttpResult& result);

// What a send's answer means for the message (see README.md for the table).
sdk::Outcome classifySend(const sdk::HttpResult& result);

}  // namespace notify::plugin::feishu_app
