// SPDX-License-Identifier: Apache-2.0
// POST /_fake/report: the fake sends a provider's delivery report to a URL, as the provider
// would after a carrier (or WeChat) knew the outcome. Body:
//   {"provider": "tencent"|"aliyun"|"wechat", "url": "http://...",
//    "message_id": "<SerialNo|BizId|msgid>", "delivered": true|false,
//    "code": "DELIVRD", "phone": "+86...",                 (SMS)
//    "status": "failed:user block", "openid": "o...", "token": "<callback token>"}  (WeChat)
// WeChat pushes a TEMPLATESENDJOBFINISH event as XML, signed in the query (signature, timestamp,
// nonce) with token (default "wechat-callback-token"); status defaults to "success" or
// "failed:user block" following delivered.
// Answers {"ok": true, "status": <HTTP status of the POST>, "reply": "<its body>"}.
#pragma once

#include <Poco/JSON/Object.h>

#include "tools/fakeprov/fake_context.hpp"

namespace notify::fakeprov {

// One report as the provider would send it: body, its content type and the query parameters
// to add to the URL ("" for none).
struct DeliveryReport {
  std::string body;
  std::string contentType;
  std::string query;
};

// The provider's report for one message at nowS (Unix seconds); empty body for a provider
// without reports.
DeliveryReport deliveryReport(const Poco::JSON::Object::Ptr& request, int64_t nowS);

FakeResponse sendDeliveryReport(const Poco::JSON::Object::Ptr& request);

}  // namespace notify::fakeprov
