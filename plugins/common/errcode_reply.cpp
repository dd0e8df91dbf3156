// SPDX-License-Identifier: Apache-2.0
#include "plugins/common/errcode_reply.hpp"

#include <algorithm>

#include "plugins/common/provider_response.hpp"

namespace notify::plugin::common {
namespace {

constexpr int64_t kDefaultTokenTtlS = 7200;

}  // namespace

std::optional<ErrcodeReply> parseErrcodeReply(std::string_view body) {
  Poco::JSON::Object::Ptr json = parseJsonObject(body);
  if (json.isNull()) {
    return std::nullopt;
  }
  ErrcodeReply reply;
  if (json->has("errcode")) {
    const std::optional<int64_t> errcode = jsonInt(json, "errcode");
    if (!errcode) {
      return std::nullopt;
    }
    reply.errcode = *errcode;
  }
  reply.errmsg = jsonString(json, "errmsg");
  reply.json = json;
  return reply;
}

std::optional<ErrcodeReply> errcodeReplyOf(const sdk::HttpResult& result) {
  return result.ok() ? parseErrcodeReply(result.response.body) : std::nullopt;
}

const ErrcodeRule* findRule(std::span<const ErrcodeRule> rules, int64_t code) {
  for (const ErrcodeRule& rule : rules) {
    if (rule.errcode == code) {
      return &rule;
    }
  }
  return nullptr;
}

sdk::Outcome errcodeOutcome(const ErrcodeReply& reply, std::span<const ErrcodeRule> rules,
                            notify_status fallback) {
  sdk::Outcome outcome{fallback, std::to_string(reply.errcode), {}, reply.errmsg, 0};
  if (const ErrcodeRule* rule = findRule(rules, reply.errcode)) {
    outcome.status = rule->status;
    outcome.retryAfterMs = rule->retryAfterMs;
  }
  if (outcome.detail.empty()) {
    outcome.detail = "errcode " + outcome.providerCode;
  }
  return outcome;
}

sdk::Outcome noErrcodeOutcome(const sdk::HttpResult& result,
                              std::initializer_list<std::string_view> secrets) {
  sdk::Outcome outcome;
  if (!result.ok()) {
    outcome = transportOutcome(result);
  } else if (result.response.status >= 200 && result.response.status <= 299) {
    outcome = sdk::Outcome::retry("unreadable answer: " + bodyExcerpt(result.response.body))
                  .withCode(std::to_string(result.response.status));
  } else {
    outcome = httpStatusOutcome(result.response);
  }
  outcome.detail = redact(std::move(outcome.detail), secrets);
  return outcome;
}

TokenResult errcodeTokenAnswer(const sdk::HttpResult& result, std::span<const ErrcodeRule> rules,
                               std::string_view call, std::string_view secret, int64_t nowMs) {
  const std::optional<ErrcodeReply> reply = errcodeReplyOf(result);
  if (!reply) {
    return {std::nullopt, noErrcodeOutcome(result, {secret})};
  }
  if (reply->errcode != 0) {
    sdk::Outcome failure = errcodeOutcome(*reply, rules, NOTIFY_BAD_CONFIG);
    failure.detail = std::string(call) + ": " + redact(failure.detail, {secret});
    return {std::nullopt, failure};
  }
  const std::string token = jsonString(reply->json, "access_token");
  if (token.empty()) {
    return {std::nullopt,
            sdk::Outcome::retry(std::string(call) + ": answer without access_token").withCode("0")};
  }
  const int64_t ttlS = jsonInt(reply->json, "expires_in").value_or(kDefaultTokenTtlS);
  return {AccessToken{token, nowMs + ttlS * 1000}, {}};
}

TokenSend errcodeTokenSend(const ErrcodeReply& reply, std::span<const ErrcodeRule> rules,
                           std::span<const int64_t> refusals, std::string_view token) {
  const bool refused = std::find(refusals.begin(), refusals.end(), reply.errcode) != refusals.end();
  sdk::Outcome outcome = errcodeOutcome(reply, rules, refused ? NOTIFY_RETRY : NOTIFY_REJECTED);
  outcome.detail = redact(std::move(outcome.detail), {token});
  return {outcome, refused};
}

std::string redact(std::string text, std::initializer_list<std::string_view> secrets) {
  for (std::string_view secret : secrets) {
    if (secret.empty()) {
      continue;
    }
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

}  // namespace notify::plugin::common
