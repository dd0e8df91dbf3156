// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

#include "notify/channel.hpp"

namespace notify::plugin::sms_aliyun {

// An Alibaba Cloud SMS delivery report (SmsReport, HTTP batch push): a JSON array of
// {"biz_id", "success": true|false, "err_code", "err_msg", "phone_number", ...}, matched by
// biz_id (the BizId SendSms returned). Answered with {"code":0,"msg":"成功"}. The phone number
// is not copied into the receipt.
sdk::Receipts parseSmsReport(std::string_view body);

}  // namespace notify::plugin::sms_aliyun
