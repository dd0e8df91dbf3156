// SPDX-License-Identifier: Apache-2.0
// The WeChat Official Account (服务号) template-message channel: sends each message as a
// template message to the openid in to.user, with an access token cached per instance and
// refreshed exactly once when the provider refuses it. Decisions live in wechat_mp_request.cpp.
#include "notify/channel.hpp"
#include "plugins/wechat_mp/wechat_mp_request.hpp"

namespace notify::plugin::wechat_mp {
namespace {

// Thread-safe send: the configuration is read-only and the token cache has its own lock.
class WechatMpChannel : public sdk::Channel {
 public:
  WechatMpChannel(sdk::Host host, const sdk::Config& config)
      : host_(host), config_(parseConfig(config)) {}

  sdk::Outcome send(const sdk::Message& message) override {
    const MpMessage built = buildMessage(message);
    if (built.refusal) {
      return *built.refusal;
    }
    const common::TokenApi api{
        [this] { return tokenUrl(config_, host_); },
        [this](const sdk::HttpResult& answer, int64_t askedAtMs) {
          return parseTokenAnswer(answer, config_, askedAtMs);
        },
        [this](const std::string& token) { return sendUrl(config_, token, host_); },
        [this](const sdk::HttpResult& answer, const std::string& token) {
          return classifySend(answer, config_, token, host_.nowUnixMs());
        }};
    return common::postJsonWithToken(host_, tokens_, api, built.body, config_.timeoutMs);
  }

 private:
  sdk::Host host_;
  MpConfig config_;
  common::AccessTokenCache tokens_;
};

const notify_param_spec kParams[] = {
    {"base_url", NOTIFY_PARAM_STRING, 0, kDefaultBaseUrl.data(),
     "API root; point it at a fake or proxy for tests"},
    {"app_id", NOTIFY_PARAM_STRING, 1, nullptr, "the Official Account's AppID (wx...)"},
    {"app_secret", NOTIFY_PARAM_SECRET, 1, nullptr, "the Official Account's AppSecret"},
    {"timeout_ms", NOTIFY_PARAM_INT, 0, "10000", "request timeout in milliseconds"},
    {nullptr, 0, 0, nullptr, nullptr},
};

}  // namespace
}  // namespace notify::plugin::wechat_mp

NOTIFY_DEFINE_CHANNEL(notify::plugin::wechat_mp::WechatMpChannel, "wechat_mp", "0.1.0",
                      "WeChat Official Account template messages to followers (openid)",
                      notify::plugin::wechat_mp::kParams, NOTIFY_CHANNEL_THREADSAFE_SEND)
