// SPDX-License-Identifier: Apache-2.0
// The sms_tencent plugin through the real daemon against notify-fakeprov's Tencent SMS, which
// recomputes the TC3 signature from the headers it received: acceptance with the SerialNo, the
// per-number 30-second window, an invalid number, a wrong secret key, a skewed clock, and a
// template without a Tencent template id.
#include "integration/plugins/sms_test_fixture.hpp"

namespace notify::test {
namespace {

constexpr const char* kPhone = "+8613711112222";

// The fake's default account: AKIDfakeTencentSecretId0001 / fakeTencentSecretKey0001, app
// 1400006666, templates 1001 and 1002, sign name "Notify".
class SmsTencentThroughFakeProv : public SmsThroughFakeProv {
 protected:
  void start(const std::string& secretKey = "fakeTencentSecretKey0001") {
    dir_.write("tencent.id", "AKIDfakeTencentSecretId0001\n");
    dir_.write("tencent.key", secretKey + "\n");
    startSms(R"(
[providers.sms]
plugin = "sms_tencent"
base_url = ")" + fake_.url("tencent") +
                 R"("
secret_id = "file:tencent.id"
secret_key = "file:tencent.key"
sdk_app_id = "1400006666"
sign_name = "Notify"
)",
             "1001", "code,minutes");
  }
};

TEST_F(SmsTencentThroughFakeProv, AcceptedWithTheSerialNoAfterTheFakeVerifiedTheSignature) {
  start();
  const std::string id = sendCode(kPhone, "4370");
  auto [message, accepted] = reach(id, "provider_accepted");
  ASSERT_TRUE(accepted);
  EXPECT_EQ(eventStates(message),
            (std::vector<std::string>{"accepted", "queued", "sending", "provider_accepted"}));
  EXPECT_EQ(accepted->getValue<std::string>("code"), "Ok");

  auto recorded = fake_.requests("tencent");
  ASSERT_EQ(recorded->size(), 1U);
  auto request = recorded->getObject(0);
  const std::string note = request->getValue<std::string>("note");  // "Ok <SerialNo>"
  ASSERT_EQ(note.rfind("Ok 2640:", 0), 0U) << note;
  EXPECT_EQ(message->getValue<std::string>("provider_message_id"), note.substr(3));
  EXPECT_EQ(request->getValue<std::string>("body"),
            R"({"PhoneNumberSet":["+8613711112222"],"SmsSdkAppId":"1400006666",)"
            R"("SignName":"Notify","TemplateId":"1001","TemplateParamSet":["4370","5"],)"
            R"("SessionContext":")" +
                id + R"("})");
  auto headers = request->getObject("headers");
  EXPECT_EQ(headers->getValue<std::string>("host"), "127.0.0.1:" + std::to_string(fake_.port()));
  EXPECT_EQ(headers->getValue<std::string>("x-tc-action"), "SendSms");
  EXPECT_EQ(headers->getValue<std::string>("x-tc-version"), "2021-01-11");
  EXPECT_EQ(headers->getValue<std::string>("x-tc-region"), "ap-guangzhou");
  EXPECT_EQ(headers->getValue<std::string>("authorization")
                .rfind("TC3-HMAC-SHA256 Credential=AKIDfakeTencentSecretId0001/", 0),
            0U);
}

TEST_F(SmsTencentThroughFakeProv, SameContentWithinThirtySecondsIsRateLimitedForThirtySeconds) {
  start();
  ASSERT_TRUE(reach(sendCode(kPhone, "1111"), "provider_accepted").event);
  auto limited = reach(sendCode(kPhone, "1111"), "rate_limited").event;
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->getValue<std::string>("code"), "LimitExceeded.PhoneNumberThirtySecondLimit");
  // The core waits for the provider's window: max(backoff, 30000 ms).
  EXPECT_NE(limited->getValue<std::string>("detail").find("next attempt in 30000 ms"),
            std::string::npos)
      << limited->getValue<std::string>("detail");
  auto recorded = fake_.requests("tencent");
  ASSERT_EQ(recorded->size(), 2U);
  EXPECT_EQ(recorded->getObject(1)->getValue<std::string>("note"),
            "LimitExceeded.PhoneNumberThirtySecondLimit");
}

TEST_F(SmsTencentThroughFakeProv, InvalidNumberFailsWithTheProviderCode) {
  start();
  // A number ending in 0000 is the fake's invalid number.
  auto [message, failed] = reach(sendCode("+8613700000000", "2222"), "failed");
  ASSERT_TRUE(failed);
  EXPECT_EQ(message->getValue<int>("attempts"), 1);
  EXPECT_EQ(failed->getValue<std::string>("code"), "InvalidParameterValue.IncorrectPhoneNumber");
}

TEST_F(SmsTencentThroughFakeProv, WrongSecretKeyFailsAfterTheAttemptsWithTheAuthCode) {
  start("not-the-right-key");
  auto [message, failed] = reach(sendCode(kPhone, "3333"), "failed");
  ASSERT_TRUE(failed);
  // bad_config is retried by the core while attempts remain.
  EXPECT_EQ(eventStates(message), triedThreeTimes());
  EXPECT_EQ(failed->getValue<std::string>("code"), "AuthFailure.SignatureFailure");
  EXPECT_EQ(fake_.requests("tencent")->size(), 0U);  // refused before anything was sent
}

TEST_F(SmsTencentThroughFakeProv, ClockSkewBeyondFiveMinutesIsRetriedAsSignatureExpire) {
  start();
  fake_.control("clock", R"({"offset_ms":360000})");  // the provider runs 6 minutes ahead
  auto [message, failed] = reach(sendCode(kPhone, "5555"), "failed");
  ASSERT_TRUE(failed);
  EXPECT_EQ(eventStates(message), triedThreeTimes());
  EXPECT_EQ(failed->getValue<std::string>("code"), "AuthFailure.SignatureExpire");
}

TEST_F(SmsTencentThroughFakeProv, TemplateWithoutTemplateIdIsRejectedWithoutACall) {
  start();  // template "bare" has no attrs.template_id
  const std::string id = send("bare", R"({"phone":"+8613711112222"})", R"({"code":"1"})");
  auto failed = reach(id, "failed").event;
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->getValue<std::string>("code"), "bad_message");
  EXPECT_NE(failed->getValue<std::string>("detail").find("attrs.template_id"), std::string::npos);
  EXPECT_EQ(fake_.requests("tencent")->size(), 0U);
}

}  // namespace
}  // namespace notify::test
