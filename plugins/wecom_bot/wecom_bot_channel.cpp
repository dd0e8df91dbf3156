// SPDX-License-Identifier: Apache-2.0
// The WeCom (企业微信) group robot channel: POSTs each message to the robot's webhook. The
// decisions live in wecom_bot_request.cpp; this file only wires them.
#include "notify/channel.hpp"
#include "plugins/wecom_bot/wecom_bot_request.hpp"

namespace notify::plugin::wecom_bot {
namespace {

// An sdk::HttpChannel: the host makes the POST. The configuration is read-only after
// construction, so prepare and complete are thread-safe.
class WecomBotChannel : public sdk::HttpChannel {
 public:
  WecomBotChannel(sdk::Host host, const sdk::Config& config)
      : sdk::HttpChannel(host), config_(parseConfig(config)) {}

  sdk::Prepared prepare(const sdk::Message& message) const override {
    BotRequest request = buildRequest(config_, message, host());
    if (request.refusal) {
      return sdk::Prepared::outcome(*request.refusal);
    }
    return sdk::Prepared::request({"POST",
                                   request.url,
                                   {{"Content-Type", "application/json"}},
                                   std::move(request.body),
                                   config_.timeoutMs});
  }

  sdk::Outcome complete(const sdk::Message&, const sdk::HttpResult& result) const override {
    return classify(result, config_.key);
  }

 private:
  BotConfig config_;
};

const notify_param_spec kParams[] = {
    {"base_url", NOTIFY_PARAM_STRING, 0, kDefaultBaseUrl.data(),
     "API root; point it at a fake or proxy for tests"},
    {"key", NOTIFY_PARAM_SECRET, 1, nullptr, "the robot's webhook key (the credential itself)"},
    {"timeout_ms", NOTIFY_PARAM_INT, 0, "10000", "request timeout in milliseconds"},
    {nullptr, 0, 0, nullptr, nullptr},
};

}  // namespace
}  // namespace notify::plugin::wecom_bot

NOTIFY_DEFINE_CHANNEL(notify::plugin::wecom_bot::WecomBotChannel, "wecom_bot", "0.1.0",
                      "WeCom group robot (webhook key)", notify::plugin::wecom_bot::kParams,
                      NOTIFY_CHANNEL_THREADSAFE_SEND)
