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
    const auto now = [this] { return host_.nowUnixMs(); };
    const auto fetch = [this] {
      const int64_t askedAtMs = host_.nowUnixMs();
      return parseTokenAnswer(
          host_.http("GET", tokenUrl(config_, host_), {}, {}, config_.timeoutMs), config_,
          askedAtMs);
    };
    const auto post = [&](const std::string& token) {
      return classifySend(host_.http("POST", sendUrl(config_, token, host_),
                                     {{"Content-Type", "application/json"}}, built.body,
                                     config_.timeoutMs),
                          config_, token, host_.nowUnixMs());
    };
    return common::sendWithToken(tokens_, now, fetch, post);
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
