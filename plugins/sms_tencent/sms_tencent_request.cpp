// SPDX-License-Identifier: Apache-2.0
#include "plugins/sms_tencent/sms_tencent_request.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <array>

#include "plugins/common/code_rules.hpp"
#include "plugins/common/config_values.hpp"
#include "plugins/common/errcode_reply.hpp"
#include "plugins/common/json_writer.hpp"
#include "plugins/common/message_text.hpp"
#include "plugins/common/provider_response.hpp"
#include "plugins/sms_tencent/tc3_signer.hpp"

namespace notify::plugin::sms_tencent {
namespace {

constexpr const char* kContentType = "application/json; charset=utf-8";
constexpr int64_t kSecondMs = 1000;
constexpr int64_t kHourMs = 3600 * kSecondMs;

// How Tencent codes are classified: the first rule naming a code or its family wins. Codes are
// from the SendSms 2021-01-11 error list.
using common::CodeRule;

constexpr std::array kRules = {
    // A skewed clock: the next attempt signs with a fresh timestamp.
    CodeRule{"AuthFailure.SignatureExpire", NOTIFY_RETRY},
    CodeRule{"InternalError.RequestTimeException", NOTIFY_RETRY},
    CodeRule{"AuthFailure", NOTIFY_BAD_CONFIG},
    CodeRule{"RequestLimitExceeded", NOTIFY_RATE_LIMITED, kSecondMs},
    // Per-number windows: try again once the window has passed.
    CodeRule{"LimitExceeded.PhoneNumberThirtySecondLimit", NOTIFY_RATE_LIMITED, 30 * kSecondMs},
    CodeRule{"LimitExceeded.PhoneNumberOneHourLimit", NOTIFY_RATE_LIMITED, kHourMs},
    CodeRule{"LimitExceeded.DeliveryFrequencyLimit", NOTIFY_RATE_LIMITED, 60 * kSecondMs},
    // Daily per-number and app quotas, more than 200 numbers: not before tomorrow, by which
    // time a notification is stale; failing it says so at once.
    CodeRule{"LimitExceeded", NOTIFY_REJECTED},
    // The request our code built was malformed: a plugin bug.
    CodeRule{"FailedOperation.JsonParseFail", NOTIFY_INTERNAL_ERROR},
    CodeRule{"FailedOperation.FailResolvePacket", NOTIFY_INTERNAL_ERROR},
    CodeRule{"InternalError.SigFieldMissing", NOTIFY_INTERNAL_ERROR},
    CodeRule{"InternalError.RestApiInterfaceNotExist", NOTIFY_BAD_CONFIG},
    CodeRule{"InternalError", NOTIFY_RETRY},
    CodeRule{"ServiceUnavailable", NOTIFY_RETRY},
    // Account, app and endpoint problems an operator must fix.
    CodeRule{"UnauthorizedOperation", NOTIFY_BAD_CONFIG},
    CodeRule{"InvalidParameterValue.SdkAppIdNotExist", NOTIFY_BAD_CONFIG},
    CodeRule{"FailedOperation.InsufficientBalanceInSmsPackage", NOTIFY_BAD_CONFIG},
    CodeRule{"InvalidAction", NOTIFY_BAD_CONFIG},
    CodeRule{"NoSuchVersion", NOTIFY_BAD_CONFIG},
    CodeRule{"UnsupportedRegion", NOTIFY_BAD_CONFIG},
    // Recipient, template, signature and content problems of this message.
    CodeRule{"FailedOperation", NOTIFY_REJECTED},
    CodeRule{"InvalidParameterValue", NOTIFY_REJECTED},
    CodeRule{"InvalidParameter", NOTIFY_REJECTED},
    CodeRule{"MissingParameter", NOTIFY_REJECTED},
    CodeRule{"UnsupportedOperation", NOTIFY_REJECTED},
};

std::string withRequestId(const std::string& detail, const std::string& requestId) {
  return requestId.empty() ? detail : detail + " (RequestId " + requestId + ")";
}

}  // namespace

std::string hostOf(std::string_view url) {
  url.remove_prefix(url.find("://") + 3);
  std::string host(url.substr(0, url.find('/')));
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return host;
}

TencentConfig parseConfig(const sdk::Config& config) {
  TencentConfig out;
  out.secretId = common::trimmedParam(config, "secret_id", true);
  out.secretKey = common::trimmedParam(config, "secret_key", true);
  out.sdkAppId = common::trimmedParam(config, "sdk_app_id", true);
  out.signName = config.get("sign_name");
  out.region = common::trimmedParam(config, "region", false);
  if (out.region.empty()) {
    out.region = "ap-guangzhou";
  }
  const std::string base = common::baseUrlParam(config, "base_url", kDefaultBaseUrl);
  out.url = base + "/";
  out.host = hostOf(base);
  if (out.host.empty() || out.host.find('@') != std::string::npos) {
    throw sdk::ConfigError("base_url: needs a host (and no user info)");
  }
  out.service = common::trimmedParam(config, "service", false);
  if (out.service.empty()) {
    out.service = "sms";
  }
  out.timeoutMs = common::timeoutParam(config);
  return out;
}

std::string buildBody(const TencentConfig& config, const sdk::Message& message,
                      std::string& error) {
  const std::string_view phone = message.to("phone");
  const std::string_view templateId = message.attr("template_id");
  const common::TemplateParams params = common::templateParams(message, false);
  if (phone.empty()) {
    error = "the message has no phone recipient (to.phone)";
  } else if (templateId.empty()) {
    error =
        "no Tencent template id: set attrs.template_id in the template's content for this "
        "channel";
  } else if (!params.missing.empty()) {
    error = "template parameter '" + params.missing + "' (attrs.params) has no value";
  }
  if (!error.empty()) {
    return {};
  }
  const std::string_view signName = message.attr("sign_name").empty()
                                        ? std::string_view(config.signName)
                                        : message.attr("sign_name");
  common::JsonWriter json;
  json.beginObject().beginArray("PhoneNumberSet").element(phone).endArray();
  json.field("SmsSdkAppId", config.sdkAppId);
  if (!signName.empty()) {
    json.field("SignName", signName);
  }
  json.field("TemplateId", templateId);
  if (!params.values.empty()) {
    json.beginArray("TemplateParamSet");
    for (const auto& [name, value] : params.values) {
      json.element(value);
    }
    json.endArray();
  }
  json.field("SessionContext", message.id()).endObject();
  return json.take();
}

TencentRequest buildRequest(const TencentConfig& config, const sdk::Message& message,
                            const sdk::Host& host, int64_t nowUnixMs) {
  TencentRequest out;
  out.body = buildBody(config, message, out.error);
  if (!out.error.empty()) {
    return out;
  }
  Tc3Request signing;
  signing.signedHeaders = {{"Content-Type", kContentType}, {"Host", config.host}};
  signing.payload = out.body;
  signing.timestamp = nowUnixMs / 1000;
  signing.service = config.service;
  const Tc3Signature signature = tc3Sign(host, signing, config.secretId, config.secretKey);
  out.headers = {
      {"Authorization", signature.authorization},
      {"Content-Type", kContentType},
      {"Host", config.host},
      {"X-TC-Action", "SendSms"},
      {"X-TC-Version", "2021-01-11"},
      {"X-TC-Timestamp", std::to_string(signing.timestamp)},
      {"X-TC-Region", config.region},
  };
  return out;
}

sdk::Outcome codeOutcome(const std::string& code, std::string detail, int httpStatus) {
  return common::codeOutcome(kRules, code, std::move(detail), httpStatus);
}

sdk::Outcome classify(const sdk::HttpResult& result) {
  const Poco::JSON::Object::Ptr root =
      result.ok() ? common::parseJsonObject(result.response.body) : nullptr;
  const Poco::JSON::Object::Ptr response = root.isNull() ? nullptr : root->getObject("Response");
  if (response.isNull()) {
    return common::noErrcodeOutcome(result, {});  // no answer, or not Tencent's
  }
  const std::string requestId = common::jsonString(response, "RequestId");
  if (const Poco::JSON::Object::Ptr error = response->getObject("Error"); !error.isNull()) {
    return codeOutcome(common::jsonString(error, "Code"),
                       withRequestId(common::jsonString(error, "Message"), requestId),
                       result.response.status);
  }
  const Poco::JSON::Array::Ptr statuses = response->getArray("SendStatusSet");
  const Poco::JSON::Object::Ptr status =
      statuses.isNull() || statuses->size() == 0 ? nullptr : statuses->getObject(0);
  if (status.isNull()) {
    return sdk::Outcome::retry(withRequestId("answer without SendStatusSet", requestId));
  }
  const std::string code = common::jsonString(status, "Code");
  std::string detail = withRequestId(common::jsonString(status, "Message"), requestId);
  if (code == "Ok") {
    return sdk::Outcome::accepted(common::jsonString(status, "SerialNo"), std::move(detail))
        .withCode(code);
  }
  return codeOutcome(code, std::move(detail), result.response.status);
}

}  // namespace notify::plugin::sms_tencent
