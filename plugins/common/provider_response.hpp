// SPDX-License-Identifier: Apache-2.0
// Reading provider answers: the JSON body most providers wrap their business result in (often
// inside HTTP 200), delta-seconds throttling headers, and the outcomes of exchanges that carry
// no business code at all (transport failures, bare HTTP errors). Parsing uses Poco::JSON, a
// system shared library, so plugins do not hand-roll a JSON reader.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "notify/channel.hpp"

namespace notify::plugin::common {

// The top-level object of a JSON body; null when the body is not one JSON object.
Poco::JSON::Object::Ptr parseJsonObject(std::string_view body);

// True when text is exactly one JSON object (operator-authored JSON such as message cards).
bool isJsonObject(std::string_view text);

// An integer member (a JSON number or a decimal string); nullopt when absent or not integral.
std::optional<int64_t> jsonInt(const Poco::JSON::Object::Ptr& object, const std::string& key);

// A string member (numbers converted to text); empty when absent or null.
std::string jsonString(const Poco::JSON::Object::Ptr& object, const std::string& key);

// A delta-seconds header value (Retry-After, x-ogw-ratelimit-reset) in milliseconds, capped at
// 7 days; 0 when absent or not a non-negative integer.
int64_t deltaSecondsToMs(std::string_view value);

// The start of a response body for an outcome detail, cut on a UTF-8 character boundary.
std::string bodyExcerpt(std::string_view body, size_t maxBytes = 200);

// An exchange that got no HTTP answer: timeouts, refused and broken connections are retried
// (provider codes "timeout", "connect_failed", "io_error"); a request the host refused itself
// is a configuration problem ("bad_argument"). Call only when !result.ok().
sdk::Outcome transportOutcome(const sdk::HttpResult& result);

// An HTTP answer whose body carries no business code: 429 is rate limited and 5xx retried
// (both honouring Retry-After), 2xx and everything else rejected. The code is the HTTP status.
sdk::Outcome httpStatusOutcome(const sdk::HttpResponse& response);

// A business code a plugin does not list: retried when the HTTP status is 5xx (the provider's
// own trouble), rejected otherwise.
sdk::Outcome unlistedCodeOutcome(const sdk::HttpResponse& response, std::string detail,
                                 std::string code);

}  // namespace notify::plugin::common
