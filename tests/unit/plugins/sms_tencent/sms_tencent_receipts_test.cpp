// SPDX-License-Identifier: Apache-2.0
#include "plugins/sms_tencent/sms_tencent_receipts.hpp"

#include <gtest/gtest.h>

namespace notify::plugin::sms_tencent {
namespace {

TEST(SmsTencentReceipts, StatusCallbackArrayBecomesReceiptsWithoutThePhone) {
  sdk::Receipts parsed = parseStatusCallback(R"([
    {"user_receive_time":"2026-01-15 08:00:05","nationcode":"86","mobile":"13711112222",
     "report_status":"SUCCESS","errmsg":"DELIVRD","description":"ok","sid":"2640:1"},
    {"user_receive_time":"2026-01-15 08:00:06","nationcode":"86","mobile":"13711113333",
     "report_status":"FAIL","errmsg":"MK:0001","description":"not delivered","sid":"2640:2"}])");
  ASSERT_EQ(parsed.receipts.size(), 2u);
  EXPECT_TRUE(parsed.receipts[0].delivered);
  EXPECT_EQ(parsed.receipts[0].providerMessageId, "2640:1");
  EXPECT_EQ(parsed.receipts[0].code, "DELIVRD");
  EXPECT_FALSE(parsed.receipts[1].delivered);
  EXPECT_EQ(parsed.receipts[1].code, "MK:0001");
  EXPECT_EQ(parsed.receipts[1].detail, "not delivered");
  EXPECT_EQ(parsed.reply, R"({"result":0,"errmsg":"OK"})");
}

TEST(SmsTencentReceipts, MalformedReportsAreRefusedNamingTheProblem) {
  EXPECT_THROW(parseStatusCallback("not json"), sdk::ReceiptError);
  EXPECT_THROW(parseStatusCallback(R"([{"report_status":"SUCCESS"}])"), sdk::ReceiptError);
  EXPECT_THROW(parseStatusCallback(R"([{"sid":"1","report_status":"MAYBE"}])"), sdk::ReceiptError);
  EXPECT_THROW(parseStatusCallback(R"([1])"), sdk::ReceiptError);
}

}  // namespace
}  // namespace notify::plugin::sms_tencent
