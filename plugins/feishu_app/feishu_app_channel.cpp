// SPDX-License-Identifier: Apache-2.0
// The feishu_app channel: sends each message to a user (or chat) through the Feishu/Lark IM
// API as the app's bot, with a cached tenant_access_token. The decisions live in
// feishu_app_request.cpp and token_cache.cpp; this file wires them to the host.
#include "notify/channel.hpp"
#include "plugins/feishu_app/feishu_app_request.hpp"
#include "plugins/feishu_app/token_cache.hpp"

namespace notify::plugin::feishu_app {
namespace {

// Thread-safe send: the configuration is read-only and the token cache guards itself.
class FeishuAppChannel : public sdk::Channel {
 public:
  FeishuAppChannel(sdk::Host host, const sdk::Config& config)
      : host_(host),
        config_(parseConfig(config)),
        tokens_([this] { return fetchToken(); }, [this] { return host_.nowUnixMs(); }) {}

  sdk::Outcome send(const sdk::Message& message) override {
    TokenAnswer token = tokens_.get();
    if (!token.ok) {
      return token.failure;
    }
    AppRequest request = buildSendRequest(config_, message, token.token);
    if (!request.error.empty()) {
      return sdk::Outcome::rejected(request.error).withCode("bad_message");
    }
    sdk::HttpResult result = post(request);
    if (isTokenRejected(result)) {  // expired or revoked early: refresh and send once more
      tokens_.invalidate(token.token);
      token = tokens_.get();
      if (!token.ok) {
        return token.failure;
      }
      result = post(buildSendRequest(config_, message, token.token));
    }
    return classifySend(result);
  }

 private:
  sdk::HttpResult post(const AppRequest& request) const {
    return host_.http("POST", request.url, request.headers, request.body, config_.timeoutMs);
  }

  TokenAnswer fetchToken() const { return parseTokenAnswer(post(buildTokenRequest(config_))); }

  sdk::Host host_;
  AppConfig config_;
  TokenCache tokens_;
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
