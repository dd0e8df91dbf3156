// SPDX-License-Identifier: Apache-2.0
// The WeChat Official Account (服务号) template-message channel: sends each message as a
// template message to the openid in to.user, with an access token cached per instance and
// refreshed exactly once when the provider refuses it; template-send results pushed by WeChat
// become delivery receipts. Decisions live in wechat_mp_request.cpp and wechat_mp_receipts.cpp.
#include "notify/channel.hpp"
#include "plugins/common/access_token.hpp"
#include "plugins/wechat_mp/wechat_mp_receipts.hpp"
#include "plugins/wechat_mp/wechat_mp_request.hpp"

namespace notify::plugin::wechat_mp {
namespace {

class WechatMpChannel
    : public common::TokenChannel<parseConfig, tokenUrl, parseTokenAnswer, sendUrl> {
 public:
  using TokenChannel::TokenChannel;

  sdk::Outcome send(const sdk::Message& message) override {
    const MpMessage built = buildMessage(message);
    if (built.refusal) {
      return *built.refusal;
    }
    return post(built.body, [this](const sdk::HttpResult& answer, const std::string& token) {
      return classifySend(answer, config(), token, host().nowUnixMs());
    });
  }

  sdk::Receipts receipts(const sdk::InboundRequest& request) const {
    return templateSendReceipts(request, config().callbackToken, host());
  }
};

const notify_param_spec kParams[] = {
    {"base_url", NOTIFY_PARAM_STRING, 0, kDefaultBaseUrl.data(),
     "API root; point it at a fake or proxy for tests"},
    {"app_id", NOTIFY_PARAM_STRING, 1, nullptr, "the Official Account's AppID (wx...)"},
    {"app_secret", NOTIFY_PARAM_SECRET, 1, nullptr, "the Official Account's AppSecret"},
    {"timeout_ms", NOTIFY_PARAM_INT, 0, "10000", "request timeout in milliseconds"},
    {"callback_token", NOTIFY_PARAM_SECRET, 0, nullptr,
     "the Token of the account's server configuration: checks the signature of pushed "
     "template-send results (POST /receipts/NAME)"},
    {nullptr, 0, 0, nullptr, nullptr},
};

}  // namespace
}  // namespace notify::plugin::wechat_mp

NOTIFY_DEFINE_CHANNEL(notify::plugin::wechat_mp::WechatMpChannel, "wechat_mp", "0.1.0",
                      "WeChat Official Account template messages to followers (openid)",
                      notify::plugin::wechat_mp::kParams, NOTIFY_CHANNEL_THREADSAFE_SEND)
