// SPDX-License-Identifier: Apache-2.0
#include "plugins/dingtalk_bot/dingtalk_bot_request.hpp"

#include "plugins/common/config_values.hpp"
#include "plugins/common/errcode_reply.hpp"
#include "plugins/common/json_writer.hpp"
#include "plugins/common/message_text.hpp"

namespace notify::plugin::dingtalk_bot {
namespace {

// 130101: past 20 messages a minute the robot is blocked for 10 minutes. Every other non-zero
// errcode is rejected.
constexpr common::ErrcodeRule kRules[] = {
    {130101, NOTIFY_RATE_LIMITED, 10 * 60 * 1000},
    {310000, NOTIFY_BAD_CONFIG},  // sign not match / invalid timestamp / keywords / IP list
    {300005, NOTIFY_BAD_CONFIG},  // token is not exist
    {40035, NOTIFY_BAD_CONFIG},   // access_token missing
};

// The title markdown and action cards show in notifications: attr title, the subject, or the
// body's first line.
std::string titleOf(const sdk::Message& message) {
  if (!message.attr("title").empty()) {
    return std::string(message.attr("title"));
  }
  if (!message.subject().empty()) {
    return std::string(message.subject());
  }
  const std::string_view body = message.body();
  return std::string(body.substr(0, body.find('\n')));
}

std::string textBody(const sdk::Message& message) {
  return common::JsonWriter()
      .beginObject()
      .field("msgtype", "text")
      .beginObject("text")
      .field("content", common::chatText(message, false))
      .endObject()
      .endObject()
      .take();
}

std::string markdownBody(const sdk::Message& message) {
  return common::JsonWriter()
      .beginObject()
      .field("msgtype", "markdown")
      .beginObject("markdown")
      .field("title", titleOf(message))
      .field("text", message.body())
      .endObject()
      .endObject()
      .take();
}

std::string actionCardBody(const sdk::Message& message) {
  const std::string_view button = message.attr("button");
  return common::JsonWriter()
      .beginObject()
      .field("msgtype", "actionCard")
      .beginObject("actionCard")
      .field("title", titleOf(message))
      .field("text", message.body())
      .field("btnOrientation", "0")
      .field("singleTitle", button.empty() ? std::string_view("查看详情") : button)
      .field("singleURL", message.attr("url"))
      .endObject()
      .endObject()
      .take();
}

}  // namespace

RobotConfig parseConfig(const sdk::Config& config) {
  RobotConfig out;
  out.baseUrl = common::baseUrlParam(config, "base_url", "https://oapi.dingtalk.com");
  out.accessToken = common::trimmedParam(config, "access_token", true);
  out.secret = common::trimmedParam(config, "secret", false);
  out.timeoutMs = common::timeoutParam(config);
  return out;
}

std::string sign(const sdk::Host& host, std::string_view timestampMs, std::string_view secret) {
  std::string message;
  message.append(timestampMs).append("\n").append(secret);
  return host.base64(host.hmacSha256(secret, message));
}

RobotRequest buildBody(const sdk::Message& message) {
  const std::string_view type = message.attr("msg_type");
  RobotRequest request;
  if (type.empty() || type == "text") {
    request.body = textBody(message);
  } else if (type == "markdown") {
    request.body = markdownBody(message);
  } else if (type == "action_card" || type == "actionCard") {
    if (message.attr("url").empty()) {
      request.error = "msg_type action_card needs attr url (the button's link)";
    } else {
      request.body = actionCardBody(message);
    }
  } else {
    request.error =
        "msg_type '" + std::string(type) + "' is not one of text, markdown, action_card";
  }
  return request;
}

RobotRequest buildRequest(const RobotConfig& config, const sdk::Message& message,
                          const sdk::Host& host, int64_t nowUnixMs) {
  RobotRequest request = buildBody(message);
  request.url = config.baseUrl + "/robot/send?access_token=" + host.urlEncode(config.accessToken);
  if (!config.secret.empty()) {
    const std::string timestamp = std::to_string(nowUnixMs);
    request.url +=
        "&timestamp=" + timestamp + "&sign=" + host.urlEncode(sign(host, timestamp, config.secret));
  }
  return request;
}

sdk::Outcome classify(const sdk::HttpResult& result, const RobotConfig& config) {
  const std::optional<common::ErrcodeReply> reply = common::errcodeReplyOf(result);
  if (!reply || !reply->json->has("errcode")) {
    return common::noErrcodeOutcome(result, {config.accessToken, config.secret});
  }
  if (reply->errcode == 0) {
    return sdk::Outcome::delivered({}, reply->errmsg).withCode("0");
  }
  sdk::Outcome outcome = common::errcodeOutcome(*reply, kRules);
  if (outcome.status == NOTIFY_RATE_LIMITED) {
    outcome.detail += " (the robot is blocked for 10 minutes)";
  }
  return outcome;
}

}  // namespace notify::plugin::dingtalk_bot
