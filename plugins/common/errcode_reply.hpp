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
#include "plugins/common/access_token.hpp"

namespace notify::plugin::common {

struct ErrcodeReply {
  int64_t errcode = 0;  // 0 when the body carries none (WeChat's token answer on success)
  std::string errmsg;
  Poco::JSON::Object::Ptr json;  // the whole body, for the fields beyond errcode/errmsg
};

// The reply in a response body; nullopt when the body is not a JSON object or its errcode is
// not an integer.
std::optional<ErrcodeReply> parseErrcodeReply(std::string_view body);

// The reply an exchange brought; nullopt when it got no HTTP answer or the body is no reply.
std::optional<ErrcodeReply> errcodeReplyOf(const sdk::HttpResult& result);

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

// An access-token answer of this family (WeCom gettoken, WeChat token): access_token, valid
// expires_in seconds (7200 when absent) from nowMs. A non-zero errcode is classified by rules
// (bad config unless listed), its detail prefixed with call ("gettoken: ...") and the secret
// redacted; an exchange without a reply is classified by noErrcodeOutcome.
TokenResult errcodeTokenAnswer(const sdk::HttpResult& result, std::span<const ErrcodeRule> rules,
                               std::string_view call, std::string_view secret, int64_t nowMs);

// A non-zero errcode answering a call made with token. A code in refusals means the provider
// refused the token (tokenRefused set; retried unless a rule says otherwise); any other is
// classified by rules, rejected unless listed. The token is redacted from the detail.
TokenSend errcodeTokenSend(const ErrcodeReply& reply, std::span<const ErrcodeRule> rules,
                           std::span<const int64_t> refusals, std::string_view token);

// text with every occurrence of each non-empty secret replaced by "***".
std::string redact(std::string text, std::initializer_list<std::string_view> secrets);

}  // namespace notify::plugin::common
