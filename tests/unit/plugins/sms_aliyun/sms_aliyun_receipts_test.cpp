// SPDX-License-Identifier: Apache-2.0
#include "plugins/sms_aliyun/sms_aliyun_receipts.hpp"

#include <gtest/gtest.h>

namespace notify::plugin::sms_aliyun {
namespace {

TEST(SmsAliyunReceipts, SmsReportArrayBecomesReceipts) {
  sdk::Receipts parsed = parseSmsReport(R"([
    {"phone_number":"13711112222","send_time":"2026-01-15 08:00:00",
     "report_time":"2026-01-15 08:00:05","success":true,"err_code":"DELIVERED",
     "err_msg":"ok","sms_size":"1","biz_id":"1001^0","out_id":""},
    {"phone_number":"13711113333","success":false,"err_code":"MK:0001","err_msg":"no",
     "biz_id":"1002^0"}])");
  ASSERT_EQ(parsed.receipts.size(), 2u);
  EXPECT_TRUE(parsed.receipts[0].delivered);
  EXPECT_EQ(parsed.receipts[0].providerMessageId, "1001^0");
  EXPECT_EQ(parsed.receipts[0].code, "DELIVERED");
  EXPECT_FALSE(parsed.receipts[1].delivered);
  EXPECT_EQ(parsed.receipts[1].code, "MK:0001");
  EXPECT_EQ(parsed.reply, R"({"code":0,"msg":"成功"})");
}

TEST(SmsAliyunReceipts, MalformedReportsAreRefused) {
  EXPECT_THROW(parseSmsReport("{"), sdk::ReceiptError);
  EXPECT_THROW(parseSmsReport(R"([{"success":true}])"), sdk::ReceiptError);
  EXPECT_THROW(parseSmsReport(R"([{"biz_id":"1","success":"yes"}])"), sdk::ReceiptError);
}

}  // namespace
}  // namespace notify::plugin::sms_aliyun
