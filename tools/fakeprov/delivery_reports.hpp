// SPDX-License-Identifier: Apache-2.0
// POST /_fake/report: the fake sends a provider's delivery report to a URL, as the provider
// would after a carrier answered. Body:
//   {"provider": "tencent"|"aliyun", "url": "http://...", "message_id": "<SerialNo|BizId>",
//    "delivered": true|false, "code": "DELIVRD", "phone": "+86..."}
// Answers {"ok": true, "status": <HTTP status of the POST>, "reply": "<its body>"}.
#pragma once

#include <Poco/JSON/Object.h>

#include "tools/fakeprov/fake_context.hpp"

namespace notify::fakeprov {

// The provider's report body for one message; empty for a provider without reports.
std::string deliveryReportBody(const std::string& provider, const std::string& messageId,
                               bool delivered, const std::string& code, const std::string& phone);

FakeResponse sendDeliveryReport(const Poco::JSON::Object::Ptr& request);

}  // namespace notify::fakeprov
