// SPDX-License-Identifier: Apache-2.0
#include "plugins/webhook/webhook_request.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "plugins/common/ascii_text.hpp"
#include "plugins/common/json_writer.hpp"
#include "plugins/common/message_json.hpp"
#include "plugins/common/provider_response.hpp"
#include "plugins/common/time_format.hpp"

namespace notify::plugin::webhook {
namespace {

constexpr std::string_view kSecretPrefix = "whsec_";
// Headers the plugin owns: a configured duplicate would break the signature or the body.
constexpr std::array<std::string_view, 5> kReservedHeaders = {
    "content-type", "content-length", "webhook-id", "webhook-timestamp", "webhook-signature"};

// RFC 9110 token characters, the only ones allowed in a header name.
bool isTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string checkUrl(const std::string& url) {
  const std::string scheme = common::lowerAscii(url.substr(0, url.find("://")));
  if (url.find("://") == std::string::npos || (scheme != "http" && scheme != "https")) {
    throw sdk::ConfigError("url: must start with http:// or https://");
  }
  const std::string_view rest = std::string_view(url).substr(scheme.size() + 3);
  if (rest.empty() || rest.front() == '/' || rest.front() == '?' || rest.front() == '#') {
    throw sdk::ConfigError("url: has no host");
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) {
      throw sdk::ConfigError("url: contains whitespace or a control character");
    }
  }
  return url;
}

std::pair<std::string, std::string> parseHeader(std::string_view item) {
  const size_t colon = item.find(':');
  const std::string_view name = colon == std::string_view::npos ? item : item.substr(0, colon);
  if (colon == std::string_view::npos || name.empty() ||
      !std::all_of(name.begin(), name.end(), isTokenChar)) {
    throw sdk::ConfigError("headers: expected \"Name: value\", got \"" + std::string(item) + "\"");
  }
  const std::string_view value = common::trim(item.substr(colon + 1));
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    throw sdk::ConfigError("headers: value of " + std::string(name) + " has a line break");
  }
  const std::string key = common::lowerAscii(name);
  if (std::find(kReservedHeaders.begin(), kReservedHeaders.end(), key) != kReservedHeaders.end()) {
    throw sdk::ConfigError("headers: " + std::string(name) + " is set by the plugin");
  }
  return {std::string(name), std::string(value)};
}

}  // namespace

std::string decodeSecret(std::string_view secret, const sdk::Host& host) {
  secret = common::trim(secret);  // secrets read from files often end in a newline
  if (secret.substr(0, kSecretPrefix.size()) != kSecretPrefix) {
    throw sdk::ConfigError("secret: must have the form whsec_<base64>");
  }
  std::string key;
  try {
    key = host.base64Decode(secret.substr(kSecretPrefix.size()));
  } catch (const std::exception&) {
    throw sdk::ConfigError("secret: the part after whsec_ is not valid base64");
  }
  if (key.empty()) {
    throw sdk::ConfigError("secret: the key after whsec_ is empty");
  }
  return key;
}

WebhookConfig parseConfig(const sdk::Config& config, const sdk::Host& host) {
  WebhookConfig out;
  out.url = checkUrl(config.get("url"));
  if (config.has("secret")) {
    out.signingKey = decodeSecret(config.get("secret"), host);
  }
  out.eventType = config.get("event_type", "notification.message");
  if (out.eventType.empty()) {
    throw sdk::ConfigError("event_type: must not be empty");
  }
  const int64_t timeoutMs = config.getInt("timeout_ms", 10000);
  if (timeoutMs <= 0 || timeoutMs > std::numeric_limits<int32_t>::max()) {
    throw sdk::ConfigError("timeout_ms: must be a positive number of milliseconds");
  }
  out.timeoutMs = static_cast<uint32_t>(timeoutMs);
  for (const std::string& item : config.getList("headers")) {
    out.extraHeaders.push_back(parseHeader(item));
  }
  return out;
}

std::string buildBody(const sdk::Message& message, std::string_view eventType, int64_t nowUnixMs) {
  const notify_message& raw = message.raw();
  common::JsonWriter json;
  json.beginObject()
      .field("type", eventType)
      .field("timestamp", common::formatRfc3339Ms(nowUnixMs))
      .beginObject("data");
  common::writeMessageFields(json, message);
  common::writeKvObject(json, "vars", raw.vars, raw.vars_count);
  json.field("attempt", static_cast<int64_t>(message.attempt())).endObject().endObject();
  return json.take();
}

std::string sign(const sdk::Host& host, std::string_view key, std::string_view id,
                 std::string_view timestamp, std::string_view body) {
  std::string content;
  content.reserve(id.size() + timestamp.size() + body.size() + 2);
  content.append(id).append(".").append(timestamp).append(".").append(body);
  return "v1," + host.base64(host.hmacSha256(key, content));
}

WebhookRequest buildRequest(const WebhookConfig& config, const sdk::Message& message,
                            const sdk::Host& host, int64_t nowUnixMs) {
  WebhookRequest request;
  request.body = buildBody(message, config.eventType, nowUnixMs);
  // Unix seconds of this attempt; the id stays the message's so receivers can deduplicate.
  const std::string timestamp = std::to_string(nowUnixMs / 1000);
  request.headers.reserve(4 + config.extraHeaders.size());
  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("webhook-id", std::string(message.id()));
  request.headers.emplace_back("webhook-timestamp", timestamp);
  if (!config.signingKey.empty()) {
    request.headers.emplace_back(
        "webhook-signature", sign(host, config.signingKey, message.id(), timestamp, request.body));
  }
  request.headers.insert(request.headers.end(), config.extraHeaders.begin(),
                         config.extraHeaders.end());
  return request;
}

int64_t parseRetryAfterMs(std::string_view value) {
  return common::deltaSecondsToMs(value);
}

sdk::Outcome classify(const sdk::HttpResult& result) {
  if (!result.ok()) {
    return common::transportOutcome(result);
  }
  const sdk::HttpResponse& response = result.response;
  const int status = response.status;
  const std::string code = std::to_string(status);
  if (status >= 200 && status <= 299) {
    return sdk::Outcome::delivered({}, "HTTP " + code).withCode(code);
  }
  if (status == 410) {
    return sdk::Outcome::rejected("endpoint gone (HTTP 410)").withCode(code);
  }
  if (status >= 300 && status <= 399) {
    const std::string location = response.header("location");
    return sdk::Outcome::rejected("HTTP " + code + ": redirect not followed" +
                                  (location.empty() ? "" : " (to " + location + ")"))
        .withCode(code);
  }
  if (status >= 400 && status <= 599) {
    return common::httpStatusOutcome(response);  // 429 rate limited, 5xx retried, 4xx rejected
  }
  // 1xx as a final answer or a number outside HTTP: a broken intermediary, worth another try.
  std::string detail = "unexpected HTTP " + code;
  if (!response.body.empty()) {
    detail += ": " + common::bodyExcerpt(response.body);
  }
  return sdk::Outcome::retry(detail).withCode(code);
}

}  // namespace notify::plugin::webhook
