// SPDX-License-Identifier: Apache-2.0
#include "plugins/common/provider_response.hpp"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <charconv>

#include "plugins/common/ascii_text.hpp"

namespace notify::plugin::common {
namespace {

constexpr int64_t kMaxDelaySeconds = int64_t{7} * 24 * 3600;

std::optional<int64_t> parseInteger(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

Poco::JSON::Object::Ptr parseJsonObject(std::string_view body) {
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var root = parser.parse(std::string(body));
    if (root.type() == typeid(Poco::JSON::Object::Ptr)) {
      return root.extract<Poco::JSON::Object::Ptr>();
    }
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): not JSON means null
  }
  return nullptr;
}

bool isJsonObject(std::string_view text) {
  return !parseJsonObject(text).isNull();
}

std::optional<int64_t> jsonInt(const Poco::JSON::Object::Ptr& object, const std::string& key) {
  if (object.isNull() || !object->has(key)) {
    return std::nullopt;
  }
  const Poco::Dynamic::Var value = object->get(key);
  if (value.isInteger()) {
    return value.convert<int64_t>();
  }
  if (value.isString()) {
    return parseInteger(trim(value.extract<std::string>()));
  }
  return std::nullopt;
}

std::string jsonString(const Poco::JSON::Object::Ptr& object, const std::string& key) {
  if (object.isNull() || !object->has(key)) {
    return {};
  }
  const Poco::Dynamic::Var value = object->get(key);
  if (value.isEmpty()) {
    return {};
  }
  try {
    return value.convert<std::string>();
  } catch (const std::exception&) {
    return {};  // an object or array where text was expected
  }
}

int64_t deltaSecondsToMs(std::string_view value) {
  const std::optional<int64_t> seconds = parseInteger(trim(value));
  if (!seconds || *seconds < 0) {
    return 0;
  }
  return std::min(*seconds, kMaxDelaySeconds) * 1000;
}

std::string bodyExcerpt(std::string_view body, size_t maxBytes) {
  if (body.size() <= maxBytes) {
    return std::string(body);
  }
  size_t cut = maxBytes;
  while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return std::string(body.substr(0, cut)) + "...";
}

sdk::Outcome transportOutcome(const sdk::HttpResult& result) {
  switch (result.hostCode) {
    case NOTIFY_HOST_TIMEOUT:
      return sdk::Outcome::retry(result.error).withCode("timeout");
    case NOTIFY_HOST_CONNECT_FAILED:
      return sdk::Outcome::retry(result.error).withCode("connect_failed");
    case NOTIFY_HOST_IO_ERROR:
      return sdk::Outcome::retry(result.error).withCode("io_error");
    case NOTIFY_HOST_BAD_ARGUMENT:
      // The host refused the request itself (URL, headers): every message would fail alike.
      return sdk::Outcome::badConfig(result.error).withCode("bad_argument");
    default:
      return sdk::Outcome::retry(result.error).withCode("host_" + std::to_string(result.hostCode));
  }
}

sdk::Outcome httpStatusOutcome(const sdk::HttpResponse& response) {
  const std::string code = std::to_string(response.status);
  std::string detail = "HTTP " + code;
  if (!response.body.empty()) {
    detail += ": " + bodyExcerpt(response.body);
  }
  const int64_t retryAfterMs = deltaSecondsToMs(response.header("retry-after"));
  if (response.status == 429) {
    return sdk::Outcome::rateLimited(detail, retryAfterMs).withCode(code);
  }
  if (response.status >= 500 && response.status <= 599) {
    return sdk::Outcome::retry(detail, retryAfterMs).withCode(code);
  }
  return sdk::Outcome::rejected(detail).withCode(code);
}

sdk::Outcome unlistedCodeOutcome(const sdk::HttpResponse& response, std::string detail,
                                 std::string code) {
  if (response.status >= 500 && response.status <= 599) {
    return sdk::Outcome::retry(std::move(detail)).withCode(std::move(code));
  }
  return sdk::Outcome::rejected(std::move(detail)).withCode(std::move(code));
}

}  // namespace notify::plugin::common
