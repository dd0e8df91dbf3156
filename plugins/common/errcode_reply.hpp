// SPDX-License-Identifier: Apache-2.0
// The {"errcode": N, "errmsg": "..."} answer family (WeCom, WeChat and the like): the business
// result sits in the body, mostly inside HTTP 200, and each plugin classifies the codes with a
// small table of rules.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "notify/channel.hpp"

namespace notify::plugin::common {

struct ErrcodeReply {
  int64_t errcode = 0;  // 0 when the body carries none (WeChat's token answer on success)
  std::string errmsg;
  Poco::JSON::Object::Ptr json;  // the whole body, for the fields beyond errcode/errmsg
};

// The reply in a response body; nullopt when the body is not a JSON object or its errcode is
// not an integer.
std::optional<ErrcodeReply> parseErrcodeReply(std::string_view body);

// How one non-zero errcode is classified.
struct ErrcodeRule {
  int64_t errcode;
  notify_status status;
  int64_t retryAfterMs = 0;
};

// The first rule naming code, or null.
const ErrcodeRule* findRule(std::span<const ErrcodeRule> rules, int64_t code);

// The outcome of a non-zero errcode: the first rule naming it, else fallback. The provider code
// is the errcode, the detail its errmsg.
sdk::Outcome errcodeOutcome(const ErrcodeReply& reply, std::span<const ErrcodeRule> rules,
                            notify_status fallback = NOTIFY_REJECTED);

// The outcome of an exchange that brought no errcode reply: transport failures and bare HTTP
// errors as transportOutcome/httpStatusOutcome say, and a 2xx with an unreadable body retried
// (a proxy's page or a cut-off answer, not the provider's verdict). Secrets are redacted from
// the detail: these APIs carry credentials in the URL, which a host error may quote.
sdk::Outcome noErrcodeOutcome(const sdk::HttpResult& result,
                              std::initializer_list<std::string_view> secrets);

// text with every occurrence of each non-empty secret replaced by "***".
std::string redact(std::string text, std::initializer_list<std::string_view> secrets);

}  // namespace notify::plugin::common
