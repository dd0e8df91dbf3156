// SPDX-License-Identifier: Apache-2.0
#include "plugins/whatsapp/whatsapp_request.hpp"

#include <Poco/JSON/Array.h>

#include <array>
#include <regex>

#include "plugins/common/config_values.hpp"
#include "plugins/common/errcode_reply.hpp"
#include "plugins/common/json_writer.hpp"
#include "plugins/common/message_text.hpp"
#include "plugins/common/provider_response.hpp"

namespace notify::plugin::whatsapp {
namespace {

using common::ErrcodeRule;

// Meta's codes; branch on code, never on message. Codes 200-299 (permissions) are bad config
// too and handled as a range.
constexpr std::array<ErrcodeRule, 27> kRules = {{
    {130429, NOTIFY_RATE_LIMITED, 0},                 // throughput limit of the number
    {131056, NOTIFY_RATE_LIMITED, kPairRateRetryMs},  // pair rate limit (same recipient)
    {4, NOTIFY_RATE_LIMITED, 0},                      // application request limit
    {80007, NOTIFY_RATE_LIMITED, 0},                  // business account rate limit
    {131026, NOTIFY_REJECTED, 0},                     // undeliverable
    {131047, NOTIFY_REJECTED, 0},                     // outside the 24 h window: use a template
    {131048, NOTIFY_REJECTED, 0},                     // spam rate limit: sending more will not help
    {131049, NOTIFY_REJECTED, 0},                     // marketing per-user limit
    {131051, NOTIFY_REJECTED, 0},                     // unsupported message type
    {132000, NOTIFY_REJECTED, 0},                     // template parameter count mismatch
    {132001, NOTIFY_REJECTED, 0},                     // template does not exist
    {132005, NOTIFY_REJECTED, 0},                     // translated text too long
    {132007, NOTIFY_REJECTED, 0},                     // template format character policy
    {132012, NOTIFY_REJECTED, 0},                     // template parameter format mismatch
    {100, NOTIFY_REJECTED, 0},                        // invalid parameter
    {131008, NOTIFY_REJECTED, 0},                     // required parameter missing
    {131009, NOTIFY_REJECTED, 0},                     // parameter value invalid
    {0, NOTIFY_BAD_CONFIG, 0},                        // auth exception
    {190, NOTIFY_BAD_CONFIG, 0},                      // access token expired or invalid
    {10, NOTIFY_BAD_CONFIG, 0},                       // permission denied
    {3, NOTIFY_BAD_CONFIG, 0},                        // capability missing
    {131005, NOTIFY_BAD_CONFIG, 0},                   // access denied
    {131031, NOTIFY_BAD_CONFIG, 0},                   // account locked
    {133010, NOTIFY_BAD_CONFIG, 0},                   // phone number not registered
    {131000, NOTIFY_RETRY, 0},                        // something went wrong
    {2, NOTIFY_RETRY, 0},                             // service temporarily unavailable
    {1, NOTIFY_RETRY, 0},                             // unknown API error
}};

sdk::Outcome refuse(std::string code, std::string detail) {
  return sdk::Outcome::rejected(std::move(detail)).withCode(std::move(code));
}

void writeTemplate(common::JsonWriter& json, const sdk::Message& message,
                   const common::TemplateParams& params) {
  const std::string_view language = message.attr("language");
  json.field("type", "template")
      .beginObject("template")
      .field("name", message.attr("template_id"))
      .beginObject("language")
      .field("code", language.empty() ? kDefaultLanguage : language)
      .endObject();
  if (!params.values.empty()) {
    json.beginArray("components").beginObject().field("type", "body").beginArray("parameters");
    for (const auto& [name, value] : params.values) {
      json.beginObject().field("type", "text").field("text", value).endObject();
    }
    json.endArray().endObject().endArray();
  }
  json.endObject();
}

// An error object's outcome: its code through the table, its message and details as detail.
sdk::Outcome errorOutcome(const sdk::HttpResponse& response, const Poco::JSON::Object::Ptr& error,
                          const WaConfig& config) {
  const int64_t code = common::jsonInt(error, "code").value_or(-1);
  std::string detail = common::jsonString(error, "message");
  const std::string details = common::jsonString(error->getObject("error_data"), "details");
  if (!details.empty()) {
    detail += (detail.empty() ? "" : ": ") + details;
  }
  detail = common::redact(detail, {config.accessToken});
  const std::string codeText = std::to_string(code);
  const int64_t retryAfterMs = common::deltaSecondsToMs(response.header("retry-after"));
  if (const ErrcodeRule* rule = common::findRule(kRules, code)) {
    return {rule->status,
            codeText,
            {},
            detail,
            rule->retryAfterMs > 0 ? rule->retryAfterMs : retryAfterMs};
  }
  if (code >= 200 && code <= 299) {
    return sdk::Outcome::badConfig(detail).withCode(codeText);
  }
  return common::unlistedCodeOutcome(response, detail, codeText);
}

}  // namespace

WaConfig parseConfig(const sdk::Config& config) {
  WaConfig out;
  out.baseUrl = common::baseUrlParam(config, "base_url", kDefaultBaseUrl);
  out.apiVersion = config.get("api_version", kDefaultApiVersion);
  if (!std::regex_match(out.apiVersion, std::regex(R"(v[0-9]+\.[0-9]+)"))) {
    throw sdk::ConfigError("api_version: must look like v19.0");
  }
  out.phoneNumberId = common::trimmedParam(config, "phone_number_id", true);
  if (!std::regex_match(out.phoneNumberId, std::regex("[0-9]+"))) {
    throw sdk::ConfigError("phone_number_id: must be the numeric id of the sending number");
  }
  out.accessToken = common::trimmedParam(config, "access_token", true);
  out.timeoutMs = common::timeoutParam(config);
  return out;
}

WaRequest buildRequest(const WaConfig& config, const sdk::Message& message) {
  WaRequest request;
  const std::string_view to = message.to("phone");
  const bool isTemplate = !message.attr("template_id").empty();
  const common::TemplateParams params = common::templateParams(message, false);
  const std::string text = common::chatText(message, false);
  if (to.empty()) {
    request.refusal = refuse("no_recipient", "no recipient: to.phone is empty");
  } else if (isTemplate && !params.missing.empty()) {
    request.refusal = refuse("missing_param", "attr params names variable " + params.missing +
                                                  ", which the message does not carry");
  } else if (!isTemplate && text.empty()) {
    request.refusal = refuse("empty_content", "the message has no text to send");
  }
  if (request.refusal) {
    return request;
  }
  common::JsonWriter json;
  json.beginObject()
      .field("messaging_product", "whatsapp")
      .field("recipient_type", "individual")
      .field("to", to);
  if (isTemplate) {
    writeTemplate(json, message, params);
  } else {
    json.field("type", "text")
        .beginObject("text")
        .boolField("preview_url", false)
        .field("body", text)
        .endObject();
  }
  json.field("biz_opaque_callback_data", message.id()).endObject();
  request.body = json.take();
  request.url = config.baseUrl + "/" + config.apiVersion + "/" + config.phoneNumberId + "/messages";
  request.headers = {{"Authorization", "Bearer " + config.accessToken},
                     {"Content-Type", "application/json"}};
  return request;
}

sdk::Outcome classify(const sdk::HttpResult& result, const WaConfig& config) {
  const Poco::JSON::Object::Ptr json =
      result.ok() ? common::parseJsonObject(result.response.body) : nullptr;
  if (json.isNull()) {
    return common::noErrcodeOutcome(result, {config.accessToken});
  }
  if (const Poco::JSON::Object::Ptr error = json->getObject("error")) {
    return errorOutcome(result.response, error, config);
  }
  const Poco::JSON::Array::Ptr messages = json->getArray("messages");
  const Poco::JSON::Object::Ptr first =
      messages.isNull() || messages->size() == 0 ? nullptr : messages->getObject(0);
  const std::string id = common::jsonString(first, "id");
  if (id.empty() || result.response.status < 200 || result.response.status > 299) {
    return common::noErrcodeOutcome(result, {config.accessToken});
  }
  const std::string status = common::jsonString(first, "message_status");
  return sdk::Outcome::accepted(id, status.empty() ? "accepted" : status)
      .withCode(std::to_string(result.response.status));
}

}  // namespace notify::plugin::whatsapp
