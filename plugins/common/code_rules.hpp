// SPDX-License-Identifier: Apache-2.0
// Classification tables for providers whose business codes are dotted strings (Tencent Cloud
// "AuthFailure.SignatureFailure", Aliyun "isv.MOBILE_NUMBER_ILLEGAL"): a rule names either one
// code or a whole family, and the first matching rule of a plugin's table wins.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "notify/channel.hpp"
#include "plugins/common/provider_response.hpp"

namespace notify::plugin::common {

struct CodeRule {
  std::string_view code;  // a code, or a family: "AuthFailure" covers "AuthFailure.X.Y" too
  notify_status status;
  int64_t retryAfterMs = 0;
};

inline bool codeMatches(std::string_view rule, std::string_view code) {
  return code == rule || (code.size() > rule.size() && code.substr(0, rule.size()) == rule &&
                          code[rule.size()] == '.');
}

// The first rule that names code or its family; null when none does.
inline const CodeRule* findCodeRule(std::span<const CodeRule> rules, std::string_view code) {
  for (const CodeRule& rule : rules) {
    if (codeMatches(rule.code, code)) {
      return &rule;
    }
  }
  return nullptr;
}

// The outcome of a business code: its rule's status and retry hint, else, for a code no rule
// names, unlistedCodeOutcome (retried for a 5xx answer, rejected otherwise). The provider code
// is the code itself. Needs notify_plugin_response.
inline sdk::Outcome codeOutcome(std::span<const CodeRule> rules, const std::string& code,
                                std::string detail, int httpStatus) {
  if (const CodeRule* rule = findCodeRule(rules, code)) {
    return sdk::Outcome{rule->status, code, {}, std::move(detail), rule->retryAfterMs};
  }
  sdk::HttpResponse response;
  response.status = httpStatus;
  return unlistedCodeOutcome(response, std::move(detail), code);
}

}  // namespace notify::plugin::common
