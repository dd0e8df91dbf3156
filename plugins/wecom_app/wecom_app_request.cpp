// SPDX-License-Identifier: Apache-2.0
#include "plugins/wecom_app/wecom_app_request.hpp"

#include <Poco/String.h>

#include <algorithm>
#include <array>
#include <set>

#include "plugins/common/config_values.hpp"
#include "plugins/common/errcode_reply.hpp"
#include "plugins/common/json_writer.hpp"
#include "plugins/common/message_text.hpp"
#include "plugins/common/provider_response.hpp"

namespace notify::plugin::wecom_app {
namespace {

using common::ErrcodeRule;

constexpr std::array<int64_t, 3> kTokenRefusals = {42001, 40014, 41001};

// Shared by gettoken and message/send: what an errcode means whichever call returned it.
constexpr std::array<ErrcodeRule, 10> kRules = {{
    {81013, NOTIFY_REJECTED, 0},                      // user & party & tag all invalid
    {45009, NOTIFY_RATE_LIMITED, kRateLimitRetryMs},  // frequency limit
    {45033, NOTIFY_RATE_LIMITED, 1000},               // concurrency limit
    {-1, NOTIFY_RETRY, 0},                            // system busy
    {40013, NOTIFY_BAD_CONFIG, 0},                    // invalid corpid
    {40001, NOTIFY_BAD_CONFIG, 0},                    // invalid secret
    {40091, NOTIFY_BAD_CONFIG, 0},                    // secret invalid
    {60020, NOTIFY_BAD_CONFIG, 0},                    // not allowed from this IP
    {60011, NOTIFY_BAD_CONFIG, 0},                    // no privilege (app visibility)
    {40056, NOTIFY_BAD_CONFIG, 0},                    // invalid agentid
}};

// "delivered" with the recipients the provider skipped, or rejected when it skipped them all.
sdk::Outcome partialDelivery(const common::ErrcodeReply& reply, std::string_view touser) {
  const std::string msgid = common::jsonString(reply.json, "msgid");
  const std::string invalid = common::jsonString(reply.json, "invaliduser");
  const std::string unlicensed = common::jsonString(reply.json, "unlicenseduser");
  std::string detail = reply.errmsg.empty() ? "ok" : reply.errmsg;
  if (!invalid.empty()) {
    detail += "; invalid users: " + invalid;
  }
  if (!unlicensed.empty()) {
    detail += "; unlicensed users: " + unlicensed;
  }
  const std::vector<std::string> skipped = common::splitList(invalid + "|" + unlicensed, '|');
  const std::set<std::string> skippedSet(skipped.begin(), skipped.end());  // lowercased ids
  const std::vector<std::string> wanted = common::splitList(touser, '|');
  const bool allSkipped =
      !wanted.empty() && std::all_of(wanted.begin(), wanted.end(), [&](const std::string& user) {
        return skippedSet.count(Poco::toLower(user)) > 0;
      });
  if (allSkipped) {
    return sdk::Outcome::rejected("no valid recipient: " + detail).withCode("0");
  }
  return sdk::Outcome::delivered(msgid, detail).withCode("0");
}

}  // namespace

AppConfig parseConfig(const sdk::Config& config) {
  AppConfig out;
  out.baseUrl = common::baseUrlParam(config, "base_url", kDefaultBaseUrl);
  out.corpId = common::trimmedParam(config, "corp_id", true);
  out.corpSecret = common::trimmedParam(config, "corp_secret", true);
  out.agentId = config.getInt("agent_id");
  if (out.agentId <= 0) {
    throw sdk::ConfigError("agent_id: must be the app's positive AgentId");
  }
  out.timeoutMs = common::timeoutParam(config);
  return out;
}

std::string tokenUrl(const AppConfig& config, const sdk::Host& host) {
  return config.baseUrl + "/cgi-bin/gettoken?corpid=" + host.urlEncode(config.corpId) +
         "&corpsecret=" + host.urlEncode(config.corpSecret);
}

common::TokenResult parseTokenAnswer(const sdk::HttpResult& result, const AppConfig& config,
                                     int64_t nowMs) {
  return common::errcodeTokenAnswer(result, kRules, "gettoken", config.corpSecret, nowMs);
}

AppMessage buildMessage(const AppConfig& config, const sdk::Message& message) {
  AppMessage out;
  const std::string_view msgType = message.attr("msg_type");
  const bool markdown = msgType == "markdown";
  const std::string touser(message.to("user"));
  if (!markdown && !msgType.empty() && msgType != "text") {
    out.refusal =
        sdk::Outcome::rejected("msg_type " + std::string(msgType) + ": use text or markdown")
            .withCode("unsupported_msg_type");
  } else if (common::splitList(touser, '|').empty()) {
    out.refusal = sdk::Outcome::rejected("no recipient: to.user is empty").withCode("no_recipient");
  }
  const std::string content = common::chatText(message, markdown);
  if (!out.refusal && content.empty()) {
    out.refusal =
        sdk::Outcome::rejected("the message has no text to send").withCode("empty_content");
  } else if (!out.refusal && content.size() > kContentMaxBytes) {
    out.refusal = sdk::Outcome::rejected(std::to_string(content.size()) +
                                         " bytes of content; an app message takes at most " +
                                         std::to_string(kContentMaxBytes))
                      .withCode("content_too_long");
  }
  if (out.refusal) {
    return out;
  }
  const std::string type = markdown ? "markdown" : "text";
  common::JsonWriter json;
  json.beginObject()
      .field("touser", touser)
      .field("msgtype", type)
      .field("agentid", config.agentId)
      .beginObject(type)
      .field("content", content)
      .endObject()
      .field("safe", int64_t{0})
      .endObject();
  out.body = json.take();
  return out;
}

std::string sendUrl(const AppConfig& config, std::string_view token, const sdk::Host& host) {
  return config.baseUrl + "/cgi-bin/message/send?access_token=" + host.urlEncode(token);
}

common::TokenSend classifySend(const sdk::HttpResult& result, std::string_view touser,
                               const AppConfig& config, std::string_view token) {
  const std::optional<common::ErrcodeReply> reply = common::errcodeReplyOf(result);
  if (!reply) {
    return {common::noErrcodeOutcome(result, {config.corpSecret, token}), false};
  }
  if (reply->errcode == 0) {
    return {partialDelivery(*reply, touser), false};
  }
  return common::errcodeTokenSend(*reply, kRules, kTokenRefusals, token);
}

}  // namespace notify::plugin::wecom_app
