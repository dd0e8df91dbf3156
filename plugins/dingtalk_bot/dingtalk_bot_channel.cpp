// SPDX-License-Identifier: Apache-2.0
// The dingtalk_bot channel: posts each message to a DingTalk custom robot, signed when a
// secret is configured. The decisions live in dingtalk_bot_request.cpp.
#include "notify/channel.hpp"
#include "plugins/dingtalk_bot/dingtalk_bot_request.hpp"

namespace notify::plugin::dingtalk_bot {
namespace {

// An sdk::HttpChannel: the host makes the POST. The configuration is read-only after
// construction, so prepare and complete are thread-safe.
class DingTalkBotChannel : public sdk::HttpChannel {
 public:
  DingTalkBotChannel(sdk::Host host, const sdk::Config& config)
      : sdk::HttpChannel(host), config_(parseConfig(config)) {}

  sdk::Prepared prepare(const sdk::Message& message) const override {
    RobotRequest request = buildRequest(config_, message, host(), host().nowUnixMs());
    if (!request.error.empty()) {
      return sdk::Prepared::outcome(sdk::Outcome::rejected(request.error).withCode("bad_content"));
    }
    return sdk::Prepared::request({"POST",
                                   request.url,
                                   {{"Content-Type", "application/json;charset=utf-8"}},
                                   std::move(request.body),
                                   config_.timeoutMs});
  }

  sdk::Outcome complete(const sdk::Message&, const sdk::HttpResult& result) const override {
    return classify(result, config_);
  }

 private:
  RobotConfig config_;
};

const notify_param_spec kParams[] = {
    {"base_url", NOTIFY_PARAM_STRING, 0, "https://oapi.dingtalk.com", "API root, or a test server"},
    {"access_token", NOTIFY_PARAM_SECRET, 1, nullptr,
     "the robot's access_token from its webhook URL"},
    {"secret", NOTIFY_PARAM_SECRET, 0, nullptr, "signing secret SEC… (security option 加签)"},
    {"timeout_ms", NOTIFY_PARAM_INT, 0, "10000", "request timeout in milliseconds"},
    {nullptr, 0, 0, nullptr, nullptr},
};

}  // namespace
}  // namespace notify::plugin::dingtalk_bot

NOTIFY_DEFINE_CHANNEL(notify::plugin::dingtalk_bot::DingTalkBotChannel, "dingtalk_bot", "0.1.0",
                      "DingTalk custom robot (group webhook)",
                      notify::plugin::dingtalk_bot::kParams, NOTIFY_CHANNEL_THREADSAFE_SEND)
