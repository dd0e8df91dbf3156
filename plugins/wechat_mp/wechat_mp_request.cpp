// SPDX-License-Identifier: Apache-2.0
#include "plugins/wechat_mp/wechat_mp_request.hpp"

#include <array>

#include "plugins/common/config_values.hpp"
#include "plugins/common/errcode_reply.hpp"
#include "plugins/common/json_writer.hpp"
#include "plugins/common/message_text.hpp"
#include "plugins/common/provider_response.hpp"

namespace notify::plugin::wechat_mp {
namespace {

using common::ErrcodeRule;

constexpr int64_t kDayMs = int64_t{24} * 3600 * 1000;
constexpr int64_t kChinaOffsetMs = int64_t{8} * 3600 * 1000;
constexpr int64_t kDailyQuota = 45009;

constexpr std::array<int64_t, 4> kTokenRefusals = {40001, 42001, 40014, 41001};

// Shared by token and template/send: what an errcode means whichever call returned it. 45009's
// hint depends on the clock and is set by withQuotaHint.
constexpr std::array<ErrcodeRule, 13> kRules = {{
    {40003, NOTIFY_REJECTED, 0},                        // invalid openid
    {43004, NOTIFY_REJECTED, 0},                        // require subscribe (unfollowed)
    {43019, NOTIFY_REJECTED, 0},                        // require remove blacklist
    {40037, NOTIFY_REJECTED, 0},                        // invalid template_id
    {47003, NOTIFY_REJECTED, 0},                        // template data invalid
    {kDailyQuota, NOTIFY_RATE_LIMITED, 0},              // daily quota / api freq out of limit
    {45011, NOTIFY_RATE_LIMITED, kMinuteQuotaRetryMs},  // api minute-quota reach limit
    {-1, NOTIFY_RETRY, 0},                              // system busy
    {40013, NOTIFY_BAD_CONFIG, 0},                      // invalid appid
    {40125, NOTIFY_BAD_CONFIG, 0},                      // invalid appsecret
    {40164, NOTIFY_BAD_CONFIG, 0},                      // IP not on the allow-list
    {40002, NOTIFY_BAD_CONFIG, 0},                      // invalid grant_type
    {48001, NOTIFY_BAD_CONFIG, 0},                      // api unauthorized for this account
}};

sdk::Outcome withQuotaHint(sdk::Outcome outcome, int64_t nowMs) {
  if (outcome.providerCode == std::to_string(kDailyQuota)) {
    outcome.retryAfterMs = msUntilQuotaReset(nowMs);
  }
  return outcome;
}

sdk::Outcome refuse(std::string code, std::string detail) {
  return sdk::Outcome::rejected(std::move(detail)).withCode(std::move(code));
}

}  // namespace

MpConfig parseConfig(const sdk::Config& config) {
  MpConfig out;
  out.baseUrl = common::baseUrlParam(config, "base_url", kDefaultBaseUrl);
  out.appId = common::trimmedParam(config, "app_id", true);
  out.appSecret = common::trimmedParam(config, "app_secret", true);
  out.callbackToken = common::trimmedParam(config, "callback_token", false);
  out.timeoutMs = common::timeoutParam(config);
  return out;
}

std::string tokenUrl(const MpConfig& config, const sdk::Host& host) {
  return config.baseUrl +
         "/cgi-bin/token?grant_type=client_credential&appid=" + host.urlEncode(config.appId) +
         "&secret=" + host.urlEncode(config.appSecret);
}

common::TokenResult parseTokenAnswer(const sdk::HttpResult& result, const MpConfig& config,
                                     int64_t nowMs) {
  common::TokenResult answer =
      common::errcodeTokenAnswer(result, kRules, "token", config.appSecret, nowMs);
  if (!answer.token) {
    answer.failure = withQuotaHint(std::move(answer.failure), nowMs);
  }
  return answer;
}

MpMessage buildMessage(const sdk::Message& message) {
  MpMessage out;
  const std::string_view openid = message.to("user");
  const std::string_view templateId = message.attr("template_id");
  const common::TemplateParams params = common::templateParams(message, true);
  if (openid.empty()) {
    out.refusal = refuse("no_recipient", "no recipient: to.user (the openid) is empty");
  } else if (templateId.empty()) {
    out.refusal = refuse("no_template_id", "the template has no attrs.template_id for WeChat");
  } else if (!params.missing.empty()) {
    out.refusal = refuse("missing_param", "attr params names variable " + params.missing +
                                              ", which the message does not carry");
  }
  if (out.refusal) {
    return out;
  }
  common::JsonWriter json;
  json.beginObject().field("touser", openid).field("template_id", templateId);
  if (!message.attr("url").empty()) {
    json.field("url", message.attr("url"));
  }
  if (!message.attr("miniprogram_appid").empty()) {
    json.beginObject("miniprogram")
        .field("appid", message.attr("miniprogram_appid"))
        .field("pagepath", message.attr("miniprogram_pagepath"))
        .endObject();
  }
  json.field("client_msg_id", message.id()).beginObject("data");
  for (const auto& [name, value] : params.values) {
    json.beginObject(name).field("value", value).endObject();
  }
  json.endObject().endObject();
  out.body = json.take();
  return out;
}

std::string sendUrl(const MpConfig& config, std::string_view token, const sdk::Host& host) {
  return config.baseUrl + "/cgi-bin/message/template/send?access_token=" + host.urlEncode(token);
}

int64_t msUntilQuotaReset(int64_t nowMs) {
  const int64_t intoChinaDay = ((nowMs + kChinaOffsetMs) % kDayMs + kDayMs) % kDayMs;
  return kDayMs - intoChinaDay;
}

common::TokenSend classifySend(const sdk::HttpResult& result, const MpConfig& config,
                               std::string_view token, int64_t nowMs) {
  const std::optional<common::ErrcodeReply> reply = common::errcodeReplyOf(result);
  if (!reply) {
    return {common::noErrcodeOutcome(result, {config.appSecret, token}), false};
  }
  if (reply->errcode == 0) {
    const std::string msgid = common::jsonString(reply->json, "msgid");
    return {
        sdk::Outcome::accepted(msgid, reply->errmsg.empty() ? "ok" : reply->errmsg).withCode("0"),
        false};
  }
  common::TokenSend sent = common::errcodeTokenSend(*reply, kRules, kTokenRefusals, token);
  sent.outcome = withQuotaHint(std::move(sent.outcome), nowMs);
  return sent;
}

}  // namespace notify::plugin::wechat_mp
