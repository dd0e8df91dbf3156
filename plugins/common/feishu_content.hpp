// SPDX-License-Identifier: Apache-2.0
// Message content shared by the two Feishu channels (feishu_bot, feishu_app): both speak the
// same text / post / interactive formats and the same gateway throttling header; they differ
// only in how the content travels (an object or top-level card for the bot, a JSON-encoded
// string for the app API).
#pragma once

#include <cstdint>
#include <string>

#include "notify/channel.hpp"

namespace notify::plugin::common::feishu {

struct Content {
  std::string msgType;  // "text", "post" or "interactive"
  // The content object as JSON text: {"text":…} for text, the locale object
  // {"zh_cn":{"title":…,"content":[[…]]}} for post, the card itself for interactive.
  std::string json;
  std::string error;  // non-empty when the message cannot be expressed (bad attr or card)
};

// Builds the content from attr msg_type (text by default; "card" is an alias of interactive):
//  - text: the body, with the subject as its first line when there is one;
//  - post: title = attr title or the subject, one paragraph per body line, language attr
//    locale (default zh_cn);
//  - interactive: attr card, or else the body, must be one JSON object (the card).
Content buildContent(const sdk::Message& message);

// x-ogw-ratelimit-reset (seconds to wait) in milliseconds, or fallbackMs when absent.
int64_t rateLimitResetMs(const sdk::HttpResponse& response, int64_t fallbackMs);

}  // namespace notify::plugin::common::feishu
