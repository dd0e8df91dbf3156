// SPDX-License-Identifier: Apache-2.0
#include "plugins/sms_aliyun/sms_aliyun_receipts.hpp"

#include "plugins/common/receipts_channel.hpp"

namespace notify::plugin::sms_aliyun {

sdk::Receipts parseSmsReport(std::string_view body) {
  sdk::Receipts out;
  for (const auto& report : common::reportObjects(body)) {
    sdk::Receipt r;
    r.providerMessageId = common::reportField(report, "biz_id", true);
    std::string success = common::reportField(report, "success", true);
    if (success != "true" && success != "false") {
      throw sdk::ReceiptError("success must be true or false, got '" + success + "'");
    }
    r.delivered = success == "true";
    r.code = common::reportField(report, "err_code");
    r.detail = common::reportField(report, "err_msg");
    out.receipts.push_back(std::move(r));
  }
  out.reply = R"({"code":0,"msg":"成功"})";
  return out;
}

}  // namespace notify::plugin::sms_aliyun
