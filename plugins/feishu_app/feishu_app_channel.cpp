// SPDX-License-Identifier: Apache-2.0
// The feishu_app channel: sends each message to a user (or chat) through the Feishu/Lark IM
// API as the app's bot, with a cached tenant_access_token that is refreshed and the send
// retried exactly once when the API refuses it. The decisions live in feishu_app_request.cpp.
#include "notify/channel.hpp"
#include "plugins/common/access_token.hpp"
#include "plugins/feishu_app/feishu_app_request.hpp"

namespace notify::plugin::feishu_app {
namespace {

// Thread-safe send: the configuration is read-only and the token cache guards itself.
class FeishuAppChannel : public sdk::Channel {
 public:
  FeishuAppChannel(sdk::Host host, const sdk::Config& config)
      : host_(host), config_(parseConfig(config)) {}

  sdk::Outcome send(const sdk::Message& message) override {
    // Checked before any token is fetched: a message that cannot be sent costs no call.
    const AppRequest check = buildSendRequest(config_, message, "");
    if (!check.error.empty()) {
      return sdk::Outcome::rejected(check.error).withCode("bad_message");
    }
    return common::sendWithToken(
        tokens_, [this] { return host_.nowUnixMs(); },
        [this] {
          const int64_t requestedAt = host_.nowUnixMs();
          return parseTokenAnswer(post(buildTokenRequest(config_)), requestedAt);
        },
        [&](const std::string& token) {
          const sdk::HttpResult result = post(buildSendRequest(config_, message, token));
          return common::TokenSend{classifySend(result), isTokenRejected(result)};
        });
  }

 private:
  sdk::HttpResult post(const AppRequest& request) const {
    return host_.http("POST", request.url, request.headers, request.body, config_.timeoutMs);
  }

  sdk::Host host_;
  AppConfig config_;
  common::AccessTokenCache tokens_;
};

const notify_param_spec kParams[] = {
    {"base_url", NOTIFY_PARAM_STRING, 0, "https://open.feishu.cn",
     "API root; https://open.larksuite.com for Lark, or a test server"},
    {"app_id", NOTIFY_PARAM_STRING, 1, nullptr, "the app's id, cli_…"},
    {"app_secret", NOTIFY_PARAM_SECRET, 1, nullptr, "the app's secret"},
    {"receive_id_type", NOTIFY_PARAM_STRING, 0, "open_id",
     "open_id, union_id, user_id or chat_id (address in to.user), or email (to.email)"},
    {"timeout_ms", NOTIFY_PARAM_INT, 0, "10000", "request timeout in milliseconds"},
    {nullptr, 0, 0, nullptr, nullptr},
};

}  // namespace
}  // namespace notify::plugin::feishu_app

NOTIFY_DEFINE_CHANNEL(notify::plugin::feishu_app::FeishuAppChannel, "feishu_app", "0.1.0",
                      "Feishu/Lark app bot messages to users and chats (IM API)",
                      notify::plugin::feishu_app::kParams, NOTIFY_CHANNEL_THREADSAFE_SEND)
