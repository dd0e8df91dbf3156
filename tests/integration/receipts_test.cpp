// SPDX-License-Identifier: Apache-2.0
// Delivery receipts end to end: a message sent through a real SMS plugin to notify-fakeprov is
// provider_accepted; the fake then POSTs the provider's delivery report to the daemon's ops
// server, the plugin parses it and the message moves to delivered or failed with the
// carrier's code. Reports without the provider's receipt_token are refused.
#include "integration/plugins/sms_test_fixture.hpp"
#include "support/json_object.hpp"

#include <sstream>

namespace notify::test {
namespace {


class ReceiptsThroughFakeProv : public SmsThroughFakeProv {
 protected:
  void start(const std::string& provider) {
    phone_ = "+8613711112222";
    opsPort_ = freeLoopbackPort();
    dir_.write("receipt.token", "r3ceipt-t0ken\n");
    std::string ops = R"(
[ops]
listen = "127.0.0.1:)" + std::to_string(opsPort_) + R"("
)";
    if (provider == "tencent") {
      dir_.write("tencent.id", "AKIDfakeTencentSecretId0001\n");
      dir_.write("tencent.key", "fakeTencentSecretKey0001\n");
      startSms(ops + R"(
[providers.sms]
plugin = "sms_tencent"
base_url = ")" + fake_.url("tencent") + R"("
secret_id = "file:tencent.id"
secret_key = "file:tencent.key"
sdk_app_id = "1400006666"
sign_name = "Notify"
receipt_token = "file:receipt.token"
)",
               "1001", "code,minutes");
    } else {
      dir_.write("aliyun.id", "LTAIfakeAliyunKeyId0001\n");
      dir_.write("aliyun.secret", "fakeAliyunKeySecret0001\n");
      startSms(ops + R"(
[providers.sms]
plugin = "sms_aliyun"
base_url = ")" + fake_.url("aliyun") + R"("
access_key_id = "file:aliyun.id"
access_key_secret = "file:aliyun.secret"
sign_name = "Notify"
receipt_token = "file:receipt.token"
)",
               "SMS_1001", "code");
    }
  }

  // Sends a code and waits until the provider accepted it; returns {message id, provider id}.
  // Codes differ: the fake refuses the same content to one number within 30 s.
  std::pair<std::string, std::string> accepted(const std::string& code = "4370") {
    std::string id = sendCode(phone_, code);
    auto reached = reach(id, "provider_accepted");
    if (!reached.event && reached.message) {
      std::ostringstream text;
      reached.message->stringify(text);
      ADD_FAILURE() << text.str();
    }
    return {id, reached.message ? reached.message->getValue<std::string>("provider_message_id")
                                : std::string()};
  }

  Poco::JSON::Object::Ptr report(const std::string& provider, const std::string& providerId,
                                 bool delivered, const std::string& token = "r3ceipt-t0ken") {
    std::string url =
        "http://127.0.0.1:" + std::to_string(opsPort_) + "/receipts/sms?token=" + token;
    return parseJson(fake_.control(
        "report", R"({"provider":")" + provider + R"(","url":")" + url +
                      R"(","message_id":")" + providerId +
                      R"(","delivered":)" + (delivered ? "true" : "false") + "}"));
  }

  int opsPort_ = 0;
  std::string phone_;
};

TEST_F(ReceiptsThroughFakeProv, TencentStatusCallbackDeliversAndFails) {
  start("tencent");
  auto [delivered, deliveredSerial] = accepted();
  auto [failed, failedSerial] = accepted("9021");
  ASSERT_FALSE(deliveredSerial.empty());

  auto answer = report("tencent", deliveredSerial, true);
  EXPECT_EQ(answer->getValue<int>("status"), 200);
  EXPECT_EQ(answer->getValue<std::string>("reply"), R"({"result":0,"errmsg":"OK"})");
  auto done = reach(delivered, "delivered");
  ASSERT_TRUE(done.event);
  EXPECT_EQ(done.event->getValue<std::string>("code"), "DELIVRD");
  EXPECT_EQ(done.event->getValue<std::string>("actor"), "provider:sms");

  EXPECT_EQ(report("tencent", failedSerial, false)->getValue<int>("status"), 200);
  auto lost = reach(failed, "failed");
  ASSERT_TRUE(lost.event);
  EXPECT_EQ(lost.event->getValue<std::string>("code"), "MK:0001");
}

TEST_F(ReceiptsThroughFakeProv, AliyunSmsReportDelivers) {
  start("aliyun");
  auto [id, bizId] = accepted();
  ASSERT_FALSE(bizId.empty());
  auto answer = report("aliyun", bizId, true);
  EXPECT_EQ(answer->getValue<int>("status"), 200);
  EXPECT_EQ(answer->getValue<std::string>("reply"), R"({"code":0,"msg":"成功"})");
  auto done = reach(id, "delivered");
  ASSERT_TRUE(done.event);
  EXPECT_EQ(done.event->getValue<std::string>("code"), "DELIVERED");
}

TEST_F(ReceiptsThroughFakeProv, ReportWithoutTheTokenChangesNothing) {
  start("tencent");
  auto [id, serial] = accepted();
  EXPECT_EQ(report("tencent", serial, true, "wrong")->getValue<int>("status"), 401);
  auto message = waitForState(*client_, id, "provider_accepted");
  EXPECT_EQ(message->getValue<std::string>("state"), "provider_accepted");
  EXPECT_EQ(eventsIn(message, "delivered").size(), 0u);
}

}  // namespace
}  // namespace notify::test
