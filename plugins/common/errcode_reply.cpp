// SPDX-License-Identifier: Apache-2.0
#include "plugins/common/errcode_reply.hpp"

#include "plugins/common/provider_response.hpp"

namespace notify::plugin::common {

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
