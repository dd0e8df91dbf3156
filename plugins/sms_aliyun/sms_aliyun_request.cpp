// SPDX-License-Identifier: Apache-2.0
#include "plugins/sms_aliyun/sms_aliyun_request.hpp"

#include <array>

#include "plugins/common/code_rules.hpp"
#include "plugins/common/config_values.hpp"
#include "plugins/common/errcode_reply.hpp"
#include "plugins/common/json_writer.hpp"
#include "plugins/common/message_text.hpp"
#include "plugins/common/provider_response.hpp"
#include "plugins/common/time_format.hpp"

namespace notify::plugin::sms_aliyun {
namespace {

constexpr int64_t kMinuteMs = int64_t{60} * 1000;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr std::string_view kBusinessLimit = "isv.BUSINESS_LIMIT_CONTROL";
// Aliyun's SignatureDoesNotMatch message quotes its string to sign, recipients included.
constexpr std::string_view kEchoMarker = "string to sign";

using common::CodeRule;

// How Aliyun codes are classified: the first rule naming a code or its family wins.
constexpr std::array kRules = {
    CodeRule{"Throttling", NOTIFY_RATE_LIMITED, 1000},  // API QPS: back off briefly
    // Account quotas: not before tomorrow or next month.
    CodeRule{"isv.DAY_LIMIT_CONTROL", NOTIFY_REJECTED},
    CodeRule{"isv.MONTH_LIMIT_CONTROL", NOTIFY_REJECTED},
    // Credentials, account, subscription and endpoint problems an operator must fix.
    CodeRule{"SignatureDoesNotMatch", NOTIFY_BAD_CONFIG},
    CodeRule{"IncompleteSignature", NOTIFY_BAD_CONFIG},
    CodeRule{"InvalidAccessKeyId", NOTIFY_BAD_CONFIG},
    CodeRule{"Forbidden", NOTIFY_BAD_CONFIG},
    CodeRule{"isp.RAM_PERMISSION_DENY", NOTIFY_BAD_CONFIG},
    CodeRule{"isv.ACCOUNT_NOT_EXISTS", NOTIFY_BAD_CONFIG},
    CodeRule{"isv.ACCOUNT_ABNORMAL", NOTIFY_BAD_CONFIG},
    CodeRule{"isv.PRODUCT_UN_SUBSCRIPT", NOTIFY_BAD_CONFIG},
    CodeRule{"isv.PRODUCT_UNSUBSCRIBE", NOTIFY_BAD_CONFIG},
    CodeRule{"isv.OUT_OF_SERVICE", NOTIFY_BAD_CONFIG},
    CodeRule{"isv.AMOUNT_NOT_ENOUGH", NOTIFY_BAD_CONFIG},
    CodeRule{"isv.DENY_IP_RANGE", NOTIFY_BAD_CONFIG},
    CodeRule{"InvalidVersion", NOTIFY_BAD_CONFIG},
    CodeRule{"InvalidAction", NOTIFY_BAD_CONFIG},
    // The next attempt signs with a fresh timestamp and a fresh nonce.
    CodeRule{"InvalidTimeStamp", NOTIFY_RETRY},
    CodeRule{"SignatureNonceUsed", NOTIFY_RETRY},
    CodeRule{"isp.SYSTEM_ERROR", NOTIFY_RETRY},
    CodeRule{"ServiceUnavailable", NOTIFY_RETRY},
    CodeRule{"InternalError", NOTIFY_RETRY},
    // Recipient, template, signature and content problems of this message.
    CodeRule{"isv", NOTIFY_REJECTED},
};

// isv.BUSINESS_LIMIT_CONTROL says which per-number window it hit only in its message:
// 触发分钟级流控 (minute), 触发小时级流控 (hour), 触发天级流控 (day).
sdk::Outcome businessLimitOutcome(const std::string& message) {
  sdk::Outcome outcome;
  if (message.find("天级") != std::string::npos) {
    // Not before tomorrow: by then a verification code or notification is stale.
    outcome = sdk::Outcome::rejected(message + " (daily per-number limit)");
  } else if (message.find("小时级") != std::string::npos) {
    outcome = sdk::Outcome::rateLimited(message + " (hourly per-number limit)", kHourMs);
  } else {
    outcome = sdk::Outcome::rateLimited(message + " (per-number limit)", kMinuteMs);
  }
  return outcome.withCode(std::string(kBusinessLimit));
}

std::string safeDetail(const std::string& code, const std::string& message) {
  if (code == "SignatureDoesNotMatch") {
    return "signature not accepted: check access_key_secret (Aliyun's message is withheld, it "
           "quotes the signed parameters)";
  }
  const size_t echo = message.find(kEchoMarker);
  return echo == std::string::npos ? message : message.substr(0, echo) + "[redacted]";
}

}  // namespace

AliyunConfig parseConfig(const sdk::Config& config) {
  AliyunConfig out;
  out.accessKeyId = common::trimmedParam(config, "access_key_id", true);
  out.accessKeySecret = common::trimmedParam(config, "access_key_secret", true);
  out.signName = config.get("sign_name");
  out.region = common::trimmedParam(config, "region", false);
  if (out.region.empty()) {
    out.region = "cn-hangzhou";
  }
  out.url = common::baseUrlParam(config, "base_url", kDefaultBaseUrl) + "/";
  out.timeoutMs = common::timeoutParam(config);
  return out;
}

Params buildParams(const AliyunConfig& config, const sdk::Message& message, int64_t nowUnixMs,
                   std::string& error) {
  const std::string_view phone = message.to("phone");
  const std::string_view templateCode = message.attr("template_id");
  const std::string_view signName = message.attr("sign_name").empty()
                                        ? std::string_view(config.signName)
                                        : message.attr("sign_name");
  const common::TemplateParams params = common::templateParams(message, true);
  if (phone.empty()) {
    error = "the message has no phone recipient (to.phone)";
  } else if (templateCode.empty()) {
    error =
        "no Aliyun template code: set attrs.template_id in the template's content for this "
        "channel";
  } else if (signName.empty()) {
    error = "no SMS signature: set sign_name on the provider or attrs.sign_name in the template";
  } else if (!params.missing.empty()) {
    error = "template parameter '" + params.missing + "' (attrs.params) has no value";
  }
  if (!error.empty()) {
    return {};
  }
  Params out = {
      {"AccessKeyId", config.accessKeyId},
      {"Action", "SendSms"},
      {"Format", "JSON"},
      {"OutId", std::string(message.id())},
      {"PhoneNumbers", std::string(phone)},
      {"RegionId", config.region},
      {"SignName", std::string(signName)},
      {"SignatureMethod", "HMAC-SHA1"},
      // Unique per request: the message, its attempt and the instant of the attempt.
      {"SignatureNonce", std::string(message.id()) + "-" + std::to_string(message.attempt()) + "-" +
                             std::to_string(nowUnixMs)},
      {"SignatureVersion", "1.0"},
      {"TemplateCode", std::string(templateCode)},
      {"Timestamp", common::formatIso8601Seconds(nowUnixMs)},
      {"Version", "2017-05-25"},
  };
  if (!params.values.empty()) {
    common::JsonWriter json;
    json.beginObject();
    for (const auto& [name, value] : params.values) {
      json.field(name, value);
    }
    out.emplace_back("TemplateParam", json.endObject().take());
  }
  return out;
}

AliyunRequest buildRequest(const AliyunConfig& config, const sdk::Message& message,
                           const sdk::Host& host, int64_t nowUnixMs) {
  AliyunRequest out;
  const Params params = buildParams(config, message, nowUnixMs, out.error);
  if (!out.error.empty()) {
    return out;
  }
  const std::string signature = rpcSignature(host, "POST", params, config.accessKeySecret);
  out.body = canonicalQuery(host, params) + "&Signature=" + host.urlEncode(signature);
  out.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"}};
  return out;
}

sdk::Outcome codeOutcome(const std::string& code, const std::string& message, int httpStatus) {
  if (code == kBusinessLimit) {
    return businessLimitOutcome(message);
  }
  return common::codeOutcome(kRules, code, safeDetail(code, message), httpStatus);
}

sdk::Outcome classify(const sdk::HttpResult& result) {
  const Poco::JSON::Object::Ptr reply =
      result.ok() ? common::parseJsonObject(result.response.body) : nullptr;
  const std::string code = common::jsonString(reply, "Code");
  if (code.empty()) {
    return common::noErrcodeOutcome(result, {});  // no answer, or not Aliyun's
  }
  const std::string message = common::jsonString(reply, "Message");
  if (code == "OK") {
    return sdk::Outcome::accepted(common::jsonString(reply, "BizId"), message).withCode(code);
  }
  return codeOutcome(code, message, result.response.status);
}

}  // namespace notify::plugin::sms_aliyun
