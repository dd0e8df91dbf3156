// SPDX-License-Identifier: Apache-2.0
#include "plugins/feishu_bot/feishu_bot_request.hpp"

#include "plugins/common/config_values.hpp"
#include "plugins/common/feishu_content.hpp"
#include "plugins/common/json_writer.hpp"
#include "plugins/common/provider_response.hpp"

namespace notify::plugin::feishu_bot {
namespace {

// 11232 answers carry no wait; one second clears the 5/s window.
constexpr int64_t kFrequencyLimitedRetryMs = 1000;

sdk::Outcome classifyCode(int64_t code, const std::string& msg, const sdk::HttpResponse& response) {
  const std::string text = std::to_string(code);
  const std::string detail = msg.empty() ? "code " + text : msg;
  switch (code) {
    case 0:
      return sdk::Outcome::delivered({}, detail).withCode(text);
    case 11232:
      return sdk::Outcome::rateLimited(
                 detail, common::feishu::rateLimitResetMs(response, kFrequencyLimitedRetryMs))
          .withCode(text);
    case 19001:  // the hook token is wrong or the bot was removed
    case 19021:  // signature or timestamp: the secret or the clock
    case 19022:  // this host is not on the bot's IP allow-list
      return sdk::Outcome::badConfig(detail).withCode(text);
    default:  // 19002 bad parameter, 19024 keyword missing, 9499 unparsable content, unknown
      return common::unlistedCodeOutcome(response, detail, text);
  }
}

}  // namespace

BotConfig parseConfig(const sdk::Config& config) {
  BotConfig out;
  out.baseUrl = common::baseUrlParam(config, "base_url", "https://open.feishu.cn");
  out.token = common::trimmedParam(config, "token", true);
  if (out.token.find_first_of("/?#% ") != std::string::npos) {
    throw sdk::ConfigError("token: must be the hook token (the last part of the webhook URL)");
  }
  out.secret = common::trimmedParam(config, "secret", false);
  out.timeoutMs = common::timeoutParam(config);
  return out;
}

std::string sign(const sdk::Host& host, std::string_view timestamp, std::string_view secret) {
  std::string key;
  key.append(timestamp).append("\n").append(secret);
  return host.base64(host.hmacSha256(key, ""));
}

BotRequest buildRequest(const BotConfig& config, const sdk::Message& message, const sdk::Host& host,
                        int64_t nowUnixMs) {
  BotRequest request;
  request.url = config.baseUrl + "/open-apis/bot/v2/hook/" + config.token;
  const common::feishu::Content content = common::feishu::buildContent(message);
  if (!content.error.empty()) {
    request.error = content.error;
    return request;
  }
  common::JsonWriter json;
  json.beginObject();
  if (!config.secret.empty()) {
    const std::string timestamp = std::to_string(nowUnixMs / 1000);
    json.field("timestamp", timestamp).field("sign", sign(host, timestamp, config.secret));
  }
  json.field("msg_type", content.msgType);
  if (content.msgType == "interactive") {
    json.rawField("card", content.json);  // the bot API wants the card at the top level
  } else if (content.msgType == "post") {
    json.beginObject("content").rawField("post", content.json).endObject();
  } else {
    json.rawField("content", content.json);
  }
  request.body = json.endObject().take();
  return request;
}

sdk::Outcome classify(const sdk::HttpResult& result) {
  if (!result.ok()) {
    return common::transportOutcome(result);
  }
  const sdk::HttpResponse& response = result.response;
  if (response.status == 429) {
    return sdk::Outcome::rateLimited(
               "HTTP 429: " + common::bodyExcerpt(response.body),
               common::feishu::rateLimitResetMs(response, kFrequencyLimitedRetryMs))
        .withCode("429");
  }
  const Poco::JSON::Object::Ptr root = common::parseJsonObject(response.body);
  // Current answers say "code"/"msg"; older deployments "StatusCode"/"StatusMessage".
  std::optional<int64_t> code = common::jsonInt(root, "code");
  std::string msg = common::jsonString(root, "msg");
  if (!code || (*code != 0 && common::jsonInt(root, "StatusCode") == 0)) {
    code = common::jsonInt(root, "StatusCode");
    msg = common::jsonString(root, "StatusMessage");
  }
  if (!code) {
    return common::httpStatusOutcome(response);
  }
  return classifyCode(*code, msg, response);
}

}  // namespace notify::plugin::feishu_bot
