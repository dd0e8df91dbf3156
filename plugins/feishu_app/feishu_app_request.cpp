// SPDX-License-Identifier: Apache-2.0
#include "plugins/feishu_app/feishu_app_request.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "plugins/common/config_values.hpp"
#include "plugins/common/feishu_content.hpp"
#include "plugins/common/json_writer.hpp"
#include "plugins/common/provider_response.hpp"

namespace notify::plugin::feishu_app {
namespace {

constexpr std::string_view kJsonUtf8 = "application/json; charset=utf-8";
constexpr size_t kMaxUuidLength = 50;
constexpr int64_t kDefaultTokenLifetimeS = 7200;
constexpr int64_t kThrottledRetryMs = 1000;  // when the gateway sends no reset header
constexpr int64_t kRateLimited = 99991400;
constexpr int64_t kImFrequencyLimited = 230020;
constexpr int64_t kTokenInvalid = 99991663;
constexpr int64_t kTokenMissing = 99991661;
constexpr std::array<std::string_view, 5> kReceiveIdTypes = {"open_id", "union_id", "user_id",
                                                             "email", "chat_id"};

struct Answer {
  std::optional<int64_t> code;
  std::string detail;
  Poco::JSON::Object::Ptr root;
};

Answer readAnswer(const sdk::HttpResponse& response) {
  Answer answer;
  answer.root = common::parseJsonObject(response.body);
  answer.code = common::jsonInt(answer.root, "code");
  answer.detail = common::jsonString(answer.root, "msg");
  if (answer.detail.empty() && answer.code) {
    answer.detail = "code " + std::to_string(*answer.code);
  }
  return answer;
}

bool isThrottled(const sdk::HttpResponse& response, const Answer& answer) {
  return response.status == 429 || answer.code == kRateLimited ||
         answer.code == kImFrequencyLimited;
}

sdk::Outcome throttled(const sdk::HttpResponse& response, const Answer& answer) {
  const std::string code =
      answer.code ? std::to_string(*answer.code) : std::to_string(response.status);
  const std::string detail = answer.detail.empty() ? "HTTP " + code : answer.detail;
  return sdk::Outcome::rateLimited(detail,
                                   common::feishu::rateLimitResetMs(response, kThrottledRetryMs))
      .withCode(code);
}

}  // namespace

AppConfig parseConfig(const sdk::Config& config) {
  AppConfig out;
  out.baseUrl = common::baseUrlParam(config, "base_url", "https://open.feishu.cn");
  out.appId = common::trimmedParam(config, "app_id", true);
  out.appSecret = common::trimmedParam(config, "app_secret", true);
  out.receiveIdType = config.get("receive_id_type", "open_id");
  if (std::find(kReceiveIdTypes.begin(), kReceiveIdTypes.end(), out.receiveIdType) ==
      kReceiveIdTypes.end()) {
    throw sdk::ConfigError(
        "receive_id_type: must be one of open_id, union_id, user_id, email, chat_id");
  }
  out.timeoutMs = common::timeoutParam(config);
  return out;
}

AppRequest buildTokenRequest(const AppConfig& config) {
  AppRequest request;
  request.url = config.baseUrl + "/open-apis/auth/v3/tenant_access_token/internal";
  request.headers = {{"Content-Type", std::string(kJsonUtf8)}};
  request.body = common::JsonWriter()
                     .beginObject()
                     .field("app_id", config.appId)
                     .field("app_secret", config.appSecret)
                     .endObject()
                     .take();
  return request;
}

common::TokenResult parseTokenAnswer(const sdk::HttpResult& result, int64_t nowMs) {
  common::TokenResult out;
  if (!result.ok()) {
    out.failure = common::transportOutcome(result);
    return out;
  }
  const Answer answer = readAnswer(result.response);
  const std::string token = common::jsonString(answer.root, "tenant_access_token");
  if (answer.code == 0 && !token.empty()) {
    int64_t expire = common::jsonInt(answer.root, "expire").value_or(kDefaultTokenLifetimeS);
    expire = expire > 0 ? expire : kDefaultTokenLifetimeS;
    out.token = common::AccessToken{token, nowMs + expire * 1000};
  } else if (isThrottled(result.response, answer)) {
    out.failure = throttled(result.response, answer);
  } else if (!answer.code) {
    out.failure = common::httpStatusOutcome(result.response);
    if (out.failure.status == NOTIFY_REJECTED) {  // e.g. 404: base_url points elsewhere
      out.failure.status = NOTIFY_BAD_CONFIG;
    }
  } else if (result.response.status >= 500 && result.response.status <= 599) {
    out.failure = sdk::Outcome::retry("tenant_access_token: " + answer.detail)
                      .withCode(std::to_string(*answer.code));
  } else {  // 10014 bad secret, 10003 bad app id, ...: the operator must fix the credentials
    out.failure = sdk::Outcome::badConfig("tenant_access_token: " + answer.detail)
                      .withCode(std::to_string(*answer.code));
  }
  return out;
}

std::string_view recipientOf(const AppConfig& config, const sdk::Message& message) {
  return message.to(config.receiveIdType == "email" ? "email" : "user");
}

AppRequest buildSendRequest(const AppConfig& config, const sdk::Message& message,
                            std::string_view token) {
  AppRequest request;
  request.url =
      config.baseUrl + "/open-apis/im/v1/messages?receive_id_type=" + config.receiveIdType;
  request.headers = {{"Authorization", "Bearer " + std::string(token)},
                     {"Content-Type", std::string(kJsonUtf8)}};
  const std::string_view receiveId = recipientOf(config, message);
  if (receiveId.empty()) {
    request.error = std::string("no recipient: the message needs to.") +
                    (config.receiveIdType == "email" ? "email" : "user") + " (" +
                    config.receiveIdType + ")";
    return request;
  }
  const common::feishu::Content content = common::feishu::buildContent(message);
  if (!content.error.empty()) {
    request.error = content.error;
    return request;
  }
  common::JsonWriter json;
  json.beginObject()
      .field("receive_id", receiveId)
      .field("msg_type", content.msgType)
      .field("content", content.json);  // a JSON-encoded string, not an object
  if (!message.id().empty() && message.id().size() <= kMaxUuidLength) {
    json.field("uuid", message.id());
  }
  request.body = json.endObject().take();
  return request;
}

bool isTokenRejected(const sdk::HttpResult& result) {
  if (!result.ok()) {
    return false;
  }
  const std::optional<int64_t> code =
      common::jsonInt(common::parseJsonObject(result.response.body), "code");
  return code == kTokenInvalid || code == kTokenMissing;
}

sdk::Outcome classifySend(const sdk::HttpResult& result) {
  if (!result.ok()) {
    return common::transportOutcome(result);
  }
  const sdk::HttpResponse& response = result.response;
  const Answer answer = readAnswer(response);
  if (isThrottled(response, answer)) {
    return throttled(response, answer);
  }
  if (!answer.code) {
    return common::httpStatusOutcome(response);
  }
  const std::string code = std::to_string(*answer.code);
  switch (*answer.code) {
    case 0: {
      const Poco::JSON::Object::Ptr data = answer.root->getObject("data");
      return sdk::Outcome::delivered(common::jsonString(data, "message_id"), answer.detail)
          .withCode(code);
    }
    case 230001:  // invalid parameter, e.g. "ext=invalid receive_id"
    case 230002:  // the bot is not in the chat
    case 230013:  // the user is outside the app's availability
      return sdk::Outcome::rejected(answer.detail).withCode(code);
    case 230006:  // the app's bot ability is not enabled
      return sdk::Outcome::badConfig(answer.detail).withCode(code);
    case kTokenInvalid:  // still refused after a fresh token: let the host try again later
    case kTokenMissing:
      return sdk::Outcome::retry(answer.detail).withCode(code);
    default:
      return common::unlistedCodeOutcome(response, answer.detail, code);
  }
}

}  // namespace notify::plugin::feishu_app
