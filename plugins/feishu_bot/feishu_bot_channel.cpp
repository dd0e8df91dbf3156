// SPDX-License-Identifier: Apache-2.0
// The feishu_bot channel: posts each message to a Feishu/Lark custom bot (group webhook),
// signed when a secret is configured. The decisions live in feishu_bot_request.cpp.
#include "notify/channel.hpp"
#include "plugins/feishu_bot/feishu_bot_request.hpp"

namespace notify::plugin::feishu_bot {
namespace {

// An sdk::HttpChannel: the host makes the POST. The configuration is read-only after
// construction, so prepare and complete are thread-safe.
class FeishuBotChannel : public sdk::HttpChannel {
 public:
  FeishuBotChannel(sdk::Host host, const sdk::Config& config)
      : sdk::HttpChannel(host), config_(parseConfig(config)) {}

  sdk::Prepared prepare(const sdk::Message& message) const override {
    BotRequest request = buildRequest(config_, message, host(), host().nowUnixMs());
    if (!request.error.empty()) {
      return sdk::Prepared::outcome(sdk::Outcome::rejected(request.error).withCode("bad_content"));
    }
    return sdk::Prepared::request({"POST",
                                   request.url,
                                   {{"Content-Type", "application/json"}},
                                   std::move(request.body),
                                   config_.timeoutMs});
  }

  sdk::Outcome complete(const sdk::Message&, const sdk::HttpResult& result) const override {
    return classify(result);
  }

 private:
  BotConfig config_;
};

const notify_param_spec kParams[] = {
    {"base_url", NOTIFY_PARAM_STRING, 0, "https://open.feishu.cn",
     "API root; https://open.larksuite.com for Lark, or a test server"},
    {"token", NOTIFY_PARAM_SECRET, 1, nullptr,
     "the hook token, the last part of .../open-apis/bot/v2/hook/<token>"},
    {"secret", NOTIFY_PARAM_SECRET, 0, nullptr, "signing secret (security option 签名校验)"},
    {"timeout_ms", NOTIFY_PARAM_INT, 0, "10000", "request timeout in milliseconds"},
    {nullptr, 0, 0, nullptr, nullptr},
};

}  // namespace
}  // namespace notify::plugin::feishu_bot

NOTIFY_DEFINE_CHANNEL(notify::plugin::feishu_bot::FeishuBotChannel, "feishu_bot", "0.1.0",
                      "Feishu/Lark custom bot (group webhook)", notify::plugin::feishu_bot::kParams,
                      NOTIFY_CHANNEL_THREADSAFE_SEND)
