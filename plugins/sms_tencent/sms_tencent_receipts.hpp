// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

#include "notify/channel.hpp"

namespace notify::plugin::sms_tencent {

// A Tencent Cloud SMS status callback (短信下发状态回调): a JSON array of
// {"sid", "report_status": "SUCCESS"|"FAIL", "errmsg", "description", "mobile", ...},
// matched by sid (the SerialNo SendSms returned). Answered with {"result":0,"errmsg":"OK"}.
// The mobile number is not copied into the receipt.
sdk::Receipts parseStatusCallback(std::string_view body);

}  // namespace notify::plugin::sms_tencent
