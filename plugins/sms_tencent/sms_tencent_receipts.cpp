// SPDX-License-Identifier: Apache-2.0
#include "plugins/sms_tencent/sms_tencent_receipts.hpp"

#include "plugins/common/receipts_channel.hpp"

namespace notify::plugin::sms_tencent {

sdk::Receipts parseStatusCallback(std::string_view body) {
  sdk::Receipts out;
  for (const auto& report : common::reportObjects(body)) {
    sdk::Receipt r;
    r.providerMessageId = common::reportField(report, "sid", true);
    std::string status = common::reportField(report, "report_status", true);
    if (status != "SUCCESS" && status != "FAIL") {
      throw sdk::ReceiptError("report_status must be SUCCESS or FAIL, got '" + status + "'");
    }
    r.delivered = status == "SUCCESS";
    r.code = common::reportField(report, "errmsg");
    r.detail = common::reportField(report, "description");
    out.receipts.push_back(std::move(r));
  }
  out.reply = R"({"result":0,"errmsg":"OK"})";
  return out;
}

}  // namespace notify::plugin::sms_tencent
