// SPDX-License-Identifier: Apache-2.0
// The WeCom (企业微信) app message channel: sends each message as the configured app to the
// users in to.user, with an access token cached per instance and refreshed exactly once when
// the provider refuses it. The decisions live in wecom_app_request.cpp.
#include "notify/channel.hpp"
#include "plugins/common/access_token.hpp"
#include "plugins/wecom_app/wecom_app_request.hpp"

namespace notify::plugin::wecom_app {
namespace {

class WecomAppChannel
    : public common::TokenChannel<parseConfig, tokenUrl, parseTokenAnswer, sendUrl> {
 public:
  using TokenChannel::TokenChannel;

  sdk::Outcome send(const sdk::Message& message) override {
    const AppMessage built = buildMessage(config(), message);
    if (built.refusal) {
      return *built.refusal;
    }
    return post(built.body, [&](const sdk::HttpResult& answer, const std::string& token) {
      return classifySend(answer, message.to("user"), config(), token);
    });
  }
};

const notify_param_spec kParams[] = {
    {"base_url", NOTIFY_PARAM_STRING, 0, kDefaultBaseUrl.data(),
     "API root; point it at a fake or proxy for tests"},
    {"corp_id", NOTIFY_PARAM_STRING, 1, nullptr, "the corporation id (corpid, ww...)"},
    {"corp_secret", NOTIFY_PARAM_SECRET, 1, nullptr, "the app's secret (corpsecret)"},
    {"agent_id", NOTIFY_PARAM_INT, 1, nullptr, "the app's AgentId"},
    {"timeout_ms", NOTIFY_PARAM_INT, 0, "10000", "request timeout in milliseconds"},
    {nullptr, 0, 0, nullptr, nullptr},
};

}  // namespace
}  // namespace notify::plugin::wecom_app

NOTIFY_DEFINE_CHANNEL(notify::plugin::wecom_app::WecomAppChannel, "wecom_app", "0.1.0",
                      "WeCom app messages to members (corp id, app secret, agent id)",
                      notify::plugin::wecom_app::kParams, NOTIFY_CHANNEL_THREADSAFE_SEND)
