// SPDX-License-Identifier: Apache-2.0
// What Aliyun's SendSms answers mean: Code "OK", per-number windows read from the message,
// credential failures (without echoing the string to sign), and answers that are not Aliyun's.
#include <gtest/gtest.h>

#include <string>

#include "plugins/sms_aliyun/sms_aliyun_request.hpp"
#include "unit/plugins/http_answers.hpp"

namespace notify::plugin::sms_aliyun {
namespace {

using test::httpAnswer;

sdk::Outcome answer(const std::string& code, const std::string& message, int status = 200) {
  return classify(httpAnswer(
      status, R"({"Message":")" + message + R"(","RequestId":"81E8736D","Code":")" + code + "\"}"));
}

TEST(SmsAliyunClassifyTest, OkIsAcceptedWithTheBizId) {
  const sdk::Outcome outcome = classify(httpAnswer(
      200,
      R"({"Message":"OK","RequestId":"81E8736D","BizId":"496112870375361879^0","Code":"OK"})"));
  EXPECT_EQ(outcome.status, NOTIFY_ACCEPTED);
  EXPECT_EQ(outcome.providerMessageId, "496112870375361879^0");
  EXPECT_EQ(outcome.providerCode, "OK");
}

TEST(SmsAliyunClassifyTest, BusinessLimitWindowComesFromTheMessage) {
  sdk::Outcome outcome = answer("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1");
  EXPECT_EQ(outcome.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(outcome.retryAfterMs, 60000);
  EXPECT_EQ(outcome.providerCode, "isv.BUSINESS_LIMIT_CONTROL");
  EXPECT_NE(outcome.detail.find("触发分钟级流控Permits:1"), std::string::npos);
  outcome = answer("isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控Permits:5");
  EXPECT_EQ(outcome.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(outcome.retryAfterMs, 3600000);
  EXPECT_EQ(answer("isv.BUSINESS_LIMIT_CONTROL", "触发天级流控Permits:10").status, NOTIFY_REJECTED);
}

TEST(SmsAliyunClassifyTest, ApiThrottlingIsRateLimited) {
  EXPECT_EQ(answer("Throttling.User", "Request was denied due to user flow control.", 400).status,
            NOTIFY_RATE_LIMITED);
  EXPECT_EQ(answer("Throttling", "throttled", 400).status, NOTIFY_RATE_LIMITED);
}

TEST(SmsAliyunClassifyTest, RecipientTemplateAndSignatureProblemsAreRejected) {
  const sdk::Outcome outcome = answer("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号");
  EXPECT_EQ(outcome.status, NOTIFY_REJECTED);
  EXPECT_EQ(outcome.providerCode, "isv.MOBILE_NUMBER_ILLEGAL");
  EXPECT_EQ(outcome.detail, "非法手机号");
  EXPECT_EQ(answer("isv.SMS_TEMPLATE_ILLEGAL", "x").status, NOTIFY_REJECTED);
  EXPECT_EQ(answer("isv.SMS_SIGNATURE_ILLEGAL", "x").status, NOTIFY_REJECTED);
  EXPECT_EQ(answer("isv.DAY_LIMIT_CONTROL", "x").status, NOTIFY_REJECTED);
}

TEST(SmsAliyunClassifyTest, CredentialProblemsAreBadConfig) {
  EXPECT_EQ(answer("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404).status,
            NOTIFY_BAD_CONFIG);
  EXPECT_EQ(answer("isv.OUT_OF_SERVICE", "x").status, NOTIFY_BAD_CONFIG);
  EXPECT_EQ(answer("isp.RAM_PERMISSION_DENY", "x").status, NOTIFY_BAD_CONFIG);
}

TEST(SmsAliyunClassifyTest, SignatureMismatchNeverEchoesTheStringToSign) {
  const sdk::Outcome outcome =
      answer("SignatureDoesNotMatch",
             "Specified signature is not matched with our calculation. server string to sign is:"
             "POST&%2F&AccessKeyId%3DtestId%26PhoneNumbers%3D15300000001",
             400);
  EXPECT_EQ(outcome.status, NOTIFY_BAD_CONFIG);
  EXPECT_EQ(outcome.providerCode, "SignatureDoesNotMatch");
  EXPECT_EQ(outcome.detail.find("15300000001"), std::string::npos) << outcome.detail;
  EXPECT_NE(outcome.detail.find("access_key_secret"), std::string::npos);
  // Any other message quoting the string to sign is cut there too.
  const sdk::Outcome other =
      answer("IncompleteSignature", "bad. string to sign is:GET&%2F&PhoneNumbers%3D1530000", 400);
  EXPECT_EQ(other.detail.find("1530000"), std::string::npos) << other.detail;
}

TEST(SmsAliyunClassifyTest, StaleTimestampsNoncesAndServerTroubleAreRetried) {
  EXPECT_EQ(answer("InvalidTimeStamp.Expired", "x", 400).status, NOTIFY_RETRY);
  EXPECT_EQ(answer("SignatureNonceUsed", "x", 400).status, NOTIFY_RETRY);
  EXPECT_EQ(answer("isp.SYSTEM_ERROR", "x").status, NOTIFY_RETRY);
  EXPECT_EQ(answer("ServiceUnavailable", "x", 503).status, NOTIFY_RETRY);
  EXPECT_EQ(classify(httpAnswer(503, "<html>busy</html>")).status, NOTIFY_RETRY);
}

TEST(SmsAliyunClassifyTest, UnlistedCodesFollowTheHttpStatus) {
  EXPECT_EQ(answer("MissingPhoneNumbers", "x", 400).status, NOTIFY_REJECTED);
  EXPECT_EQ(answer("Brand.New", "x", 500).status, NOTIFY_RETRY);
}

TEST(SmsAliyunClassifyTest, AnswersThatAreNotAliyunsFollowTheTransportOrStatus) {
  EXPECT_EQ(classify(httpAnswer(200, "not json")).status, NOTIFY_RETRY);
  const sdk::Outcome refused =
      classify(test::transportFailure(NOTIFY_HOST_CONNECT_FAILED, "connection refused"));
  EXPECT_EQ(refused.status, NOTIFY_RETRY);
  EXPECT_EQ(refused.providerCode, "connect_failed");
}

}  // namespace
}  // namespace notify::plugin::sms_aliyun
