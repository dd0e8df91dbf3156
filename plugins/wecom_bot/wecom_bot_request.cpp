// SPDX-License-Identifier: Apache-2.0
#include "plugins/wecom_bot/wecom_bot_request.hpp"

#include <array>

#include "plugins/common/config_values.hpp"
#include "plugins/common/errcode_reply.hpp"
#include "plugins/common/json_writer.hpp"
#include "plugins/common/message_text.hpp"

namespace notify::plugin::wecom_bot {
namespace {

using common::ErrcodeRule;

constexpr std::array<ErrcodeRule, 6> kRules = {{
    {45009, NOTIFY_RATE_LIMITED, kRateLimitRetryMs},  // api freq out of limit
    {93000, NOTIFY_BAD_CONFIG, 0},                    // invalid webhook url: bad or removed key
    {40008, NOTIFY_REJECTED, 0},                      // invalid message type
    {44004, NOTIFY_REJECTED, 0},                      // empty content
    {40058, NOTIFY_REJECTED, 0},                      // invalid parameter
    {-1, NOTIFY_RETRY, 0},                            // system busy
}};

sdk::Outcome refuse(std::string code, std::string detail) {
  return sdk::Outcome::rejected(std::move(detail)).withCode(std::move(code));
}

void writeList(common::JsonWriter& json, std::string_view key, std::string_view attr) {
  const std::vector<std::string> items = common::splitList(attr);
  if (items.empty()) {
    return;
  }
  json.beginArray(key);
  for (const std::string& item : items) {
    json.element(item);
  }
  json.endArray();
}

}  // namespace

BotConfig parseConfig(const sdk::Config& config) {
  BotConfig out;
  out.baseUrl = common::baseUrlParam(config, "base_url", kDefaultBaseUrl);
  out.key = common::trimmedParam(config, "key", true);
  out.timeoutMs = common::timeoutParam(config);
  return out;
}

BotRequest buildRequest(const BotConfig& config, const sdk::Message& message,
                        const sdk::Host& host) {
  BotRequest request;
  const std::string_view msgType = message.attr("msg_type");
  const bool markdown = msgType == "markdown";
  if (!markdown && !msgType.empty() && msgType != "text") {
    request.refusal = refuse("unsupported_msg_type",
                             "msg_type " + std::string(msgType) + ": use text or markdown");
    return request;
  }
  const std::string content = common::chatText(message, markdown);
  const size_t limit = markdown ? kMarkdownMaxBytes : kTextMaxBytes;
  if (content.empty()) {
    request.refusal = refuse("empty_content", "the message has no text to send");
    return request;
  }
  if (content.size() > limit) {
    request.refusal = refuse("content_too_long", std::to_string(content.size()) +
                                                     " bytes of content; the robot takes at most " +
                                                     std::to_string(limit));
    return request;
  }
  const std::string type = markdown ? "markdown" : "text";
  common::JsonWriter json;
  json.beginObject().field("msgtype", type).beginObject(type).field("content", content);
  if (!markdown) {  // markdown cannot @-mention through these lists
    writeList(json, "mentioned_list", message.attr("mentions"));
    writeList(json, "mentioned_mobile_list", message.attr("mention_mobiles"));
  }
  json.endObject().endObject();
  request.body = json.take();
  request.url = config.baseUrl + "/cgi-bin/webhook/send?key=" + host.urlEncode(config.key);
  return request;
}

sdk::Outcome classify(const sdk::HttpResult& result, std::string_view key) {
  const std::optional<common::ErrcodeReply> reply = common::errcodeReplyOf(result);
  if (!reply) {
    return common::noErrcodeOutcome(result, {key});
  }
  if (reply->errcode == 0) {
    return sdk::Outcome::delivered({}, reply->errmsg.empty() ? "ok" : reply->errmsg).withCode("0");
  }
  sdk::Outcome outcome = common::errcodeOutcome(*reply, kRules);
  outcome.detail = common::redact(std::move(outcome.detail), {key});
  return outcome;
}

}  // namespace notify::plugin::wecom_bot
