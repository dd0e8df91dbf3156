// SPDX-License-Identifier: Apache-2.0
// The sms_aliyun plugin through the real daemon against notify-fakeprov's Aliyun SMS, which
// recomputes the RPC v1 signature over the parameters it received: acceptance with the BizId,
// the per-number minute window, an invalid number, a skewed clock, and a wrong AccessKey
// secret whose SignatureDoesNotMatch message (it quotes the recipient) never reaches the
// status events.
#include <Poco/URI.h>

#include <map>
#include <sstream>

#include "integration/plugins/sms_test_fixture.hpp"

namespace notify::test {
namespace {

constexpr const char* kPhone = "+8613711112222";  // E.164, which Aliyun takes as is

std::map<std::string, std::string> decodeForm(const std::string& body) {
  std::map<std::string, std::string> out;
  std::stringstream in(body);
  for (std::string pair; std::getline(in, pair, '&');) {
    std::string key;
    std::string value;
    Poco::URI::decode(pair.substr(0, pair.find('=')), key, true);
    Poco::URI::decode(pair.substr(pair.find('=') + 1), value, true);
    out[key] = value;
  }
  return out;
}

// The fake's default account: LTAIfakeAliyunKeyId0001 / fakeAliyunKeySecret0001, templates
// SMS_1001 and SMS_1002, sign name "Notify".
class SmsAliyunThroughFakeProv : public SmsThroughFakeProv {
 protected:
  void start(const std::string& secret = "fakeAliyunKeySecret0001") {
    dir_.write("aliyun.id", "LTAIfakeAliyunKeyId0001\n");
    dir_.write("aliyun.secret", secret + "\n");
    startSms(R"(
[providers.sms]
plugin = "sms_aliyun"
base_url = ")" + fake_.url("aliyun") +
                 R"("
access_key_id = "file:aliyun.id"
access_key_secret = "file:aliyun.secret"
sign_name = "Notify"
)",
             "SMS_1001", "code");
  }
};

TEST_F(SmsAliyunThroughFakeProv, AcceptedWithTheBizIdAfterTheFakeVerifiedTheSignature) {
  start();
  const std::string id = sendCode(kPhone, "4370");
  auto [message, accepted] = reach(id, "provider_accepted");
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->getValue<std::string>("code"), "OK");

  auto recorded = fake_.requests("aliyun");
  ASSERT_EQ(recorded->size(), 1U);
  auto request = recorded->getObject(0);
  const std::string note = request->getValue<std::string>("note");  // "OK <BizId>"
  ASSERT_EQ(note.rfind("OK ", 0), 0U) << note;
  EXPECT_EQ(message->getValue<std::string>("provider_message_id"), note.substr(3));
  EXPECT_EQ(request->getValue<std::string>("method"), "POST");
  auto form = decodeForm(request->getValue<std::string>("body"));
  EXPECT_EQ(form["Action"], "SendSms");
  EXPECT_EQ(form["PhoneNumbers"], kPhone);
  EXPECT_EQ(form["SignName"], "Notify");
  EXPECT_EQ(form["TemplateCode"], "SMS_1001");
  EXPECT_EQ(form["TemplateParam"], R"({"code":"4370"})");  // only the params named
  EXPECT_EQ(form["OutId"], id);
  EXPECT_EQ(form["SignatureNonce"].rfind(id + "-1-", 0), 0U) << form["SignatureNonce"];
  EXPECT_FALSE(form["Signature"].empty());
}

TEST_F(SmsAliyunThroughFakeProv, SecondCodeWithinAMinuteIsRateLimitedForAMinute) {
  start();
  ASSERT_TRUE(reach(sendCode(kPhone, "1111"), "provider_accepted").event);
  auto limited = reach(sendCode(kPhone, "2222"), "rate_limited").event;
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->getValue<std::string>("code"), "isv.BUSINESS_LIMIT_CONTROL");
  const std::string detail = limited->getValue<std::string>("detail");
  EXPECT_NE(detail.find("触发分钟级流控Permits:1"), std::string::npos) << detail;
  EXPECT_NE(detail.find("next attempt in 60000 ms"), std::string::npos) << detail;
}

TEST_F(SmsAliyunThroughFakeProv, InvalidNumberFailsWithTheProviderCode) {
  start();
  // A number ending in 0000 is the fake's invalid number.
  auto [message, failed] = reach(sendCode("+8613700000000", "3333"), "failed");
  ASSERT_TRUE(failed);
  EXPECT_EQ(message->getValue<int>("attempts"), 1);
  EXPECT_EQ(failed->getValue<std::string>("code"), "isv.MOBILE_NUMBER_ILLEGAL");
}

TEST_F(SmsAliyunThroughFakeProv, TimestampBeyondFifteenMinutesIsRetriedAsExpired) {
  start();
  fake_.control("clock", R"({"offset_ms":-1200000})");  // the provider runs 20 minutes behind
  auto [message, failed] = reach(sendCode(kPhone, "5555"), "failed");
  ASSERT_TRUE(failed);
  EXPECT_EQ(eventStates(message), triedThreeTimes());
  EXPECT_EQ(failed->getValue<std::string>("code"), "InvalidTimeStamp.Expired");
}

TEST_F(SmsAliyunThroughFakeProv, WrongSecretFailsAfterTheAttemptsWithoutLeakingTheNumber) {
  start("not-the-right-secret");
  auto [message, failed] = reach(sendCode(kPhone, "4444"), "failed");
  ASSERT_TRUE(failed);
  EXPECT_EQ(eventStates(message), triedThreeTimes());
  EXPECT_EQ(failed->getValue<std::string>("code"), "SignatureDoesNotMatch");
  std::ostringstream all;
  message->getArray("events")->stringify(all);
  EXPECT_EQ(all.str().find(kPhone), std::string::npos) << all.str();
  EXPECT_EQ(fake_.requests("aliyun")->size(), 0U);
}

}  // namespace
}  // namespace notify::test
