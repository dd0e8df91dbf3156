// SPDX-License-Identifier: Apache-2.0
#include "plugins/dingtalk_bot/dingtalk_bot_request.hpp"

#include "plugins/common/config_values.hpp"
#include "plugins/common/json_writer.hpp"
#include "plugins/common/provider_response.hpp"

namespace notify::plugin::dingtalk_bot {
namespace {

// 130101: past 20 messages a minute the robot is blocked for 10 minutes.
constexpr int64_t kBlockedRetryMs = 10 * 60 * 1000;

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
  std::string text;
  if (!message.subject().empty()) {
    text.append(message.subject()).append("\n");
  }
  text.append(message.body());
  return common::JsonWriter()
      .beginObject()
      .field("msgtype", "text")
      .beginObject("text")
      .field("content", text)
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
    request.url += "&timestamp=" + timestamp +
                   "&sign=" + host.urlEncode(sign(host, timestamp, config.secret));
  }
  return request;
}

sdk::Outcome classify(const sdk::HttpResult& result) {
  if (!result.ok()) {
    return common::transportOutcome(result);
  }
  const Poco::JSON::Object::Ptr root = common::parseJsonObject(result.response.body);
  const std::optional<int64_t> errcode = common::jsonInt(root, "errcode");
  if (!errcode) {
    return common::httpStatusOutcome(result.response);
  }
  const std::string code = std::to_string(*errcode);
  const std::string errmsg = common::jsonString(root, "errmsg");
  const std::string detail = errmsg.empty() ? "errcode " + code : errmsg;
  switch (*errcode) {
    case 0:
      return sdk::Outcome::delivered({}, detail).withCode(code);
    case 130101:
      return sdk::Outcome::rateLimited(detail + " (robot blocked for 10 minutes)", kBlockedRetryMs)
          .withCode(code);
    case 310000:  // sign not match / invalid timestamp / keywords / ip not in whitelist
    case 300005:  // token is not exist
    case 40035:   // access_token missing
      return sdk::Outcome::badConfig(detail).withCode(code);
    default:
      return common::unlistedCodeOutcome(result.response, detail, code);
  }
}

}  // namespace notify::plugin::dingtalk_bot
