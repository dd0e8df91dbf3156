// SPDX-License-Identifier: Apache-2.0
// What Tencent's SendSms answers mean: request-level Response.Error by code class, per-number
// SendStatusSet codes with their windows, and answers that are not Tencent's at all.
#include <gtest/gtest.h>

#include <string>

#include "plugins/sms_tencent/sms_tencent_request.hpp"
#include "unit/plugins/http_answers.hpp"

namespace notify::plugin::sms_tencent {
namespace {

using test::httpAnswer;

sdk::Outcome requestError(const std::string& code, const std::string& message = "why") {
  return classify(httpAnswer(200, R"({"Response":{"Error":{"Code":")" + code + R"(","Message":")" +
                                      message + R"("},"RequestId":"req-1"}})"));
}

sdk::Outcome numberStatus(const std::string& code, const std::string& message = "why") {
  return classify(httpAnswer(
      200, R"({"Response":{"SendStatusSet":[{"SerialNo":"","PhoneNumber":"+8613711112222",)"
           R"("Fee":0,"SessionContext":"msg-1","Code":")" +
               code + R"(","Message":")" + message +
               R"(","IsoCode":"CN"}],"RequestId":"req-2"}})"));
}

TEST(SmsTencentClassifyTest, OkIsAcceptedWithTheSerialNo) {
  const sdk::Outcome outcome = classify(httpAnswer(
      200, R"({"Response":{"SendStatusSet":[{"SerialNo":"5000:1045710669157053657849499619",)"
           R"("PhoneNumber":"+8618511122233","Fee":1,"SessionContext":"test","Code":"Ok",)"
           R"("Message":"send success","IsoCode":"CN"}],"RequestId":"a0aabda6"}})"));
  EXPECT_EQ(outcome.status, NOTIFY_ACCEPTED);
  EXPECT_EQ(outcome.providerMessageId, "5000:1045710669157053657849499619");
  EXPECT_EQ(outcome.providerCode, "Ok");
  EXPECT_EQ(outcome.detail, "send success (RequestId a0aabda6)");
}

TEST(SmsTencentClassifyTest, PerNumberWindowsAreRateLimitedForTheirLength) {
  sdk::Outcome outcome = numberStatus("LimitExceeded.PhoneNumberThirtySecondLimit");
  EXPECT_EQ(outcome.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(outcome.retryAfterMs, 30000);
  EXPECT_EQ(outcome.providerCode, "LimitExceeded.PhoneNumberThirtySecondLimit");
  outcome = numberStatus("LimitExceeded.PhoneNumberOneHourLimit");
  EXPECT_EQ(outcome.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(outcome.retryAfterMs, 3600000);
}

TEST(SmsTencentClassifyTest, DailyLimitsAndQuotasAreRejected) {
  EXPECT_EQ(numberStatus("LimitExceeded.PhoneNumberDailyLimit").status, NOTIFY_REJECTED);
  EXPECT_EQ(numberStatus("LimitExceeded.PhoneNumberSameContentDailyLimit").status, NOTIFY_REJECTED);
  EXPECT_EQ(requestError("LimitExceeded.AppDailyLimit").status, NOTIFY_REJECTED);
}

TEST(SmsTencentClassifyTest, BadNumbersTemplatesAndSignaturesAreRejectedWithTheCode) {
  const sdk::Outcome outcome =
      numberStatus("InvalidParameterValue.IncorrectPhoneNumber", "incorrect number format");
  EXPECT_EQ(outcome.status, NOTIFY_REJECTED);
  EXPECT_EQ(outcome.providerCode, "InvalidParameterValue.IncorrectPhoneNumber");
  EXPECT_EQ(outcome.detail, "incorrect number format (RequestId req-2)");
  EXPECT_EQ(numberStatus("FailedOperation.PhoneNumberInBlacklist").status, NOTIFY_REJECTED);
  EXPECT_EQ(requestError("FailedOperation.TemplateIncorrectOrUnapproved").status, NOTIFY_REJECTED);
  EXPECT_EQ(requestError("FailedOperation.SignatureIncorrectOrUnapproved").status, NOTIFY_REJECTED);
  EXPECT_EQ(requestError("MissingParameter.EmptyPhoneNumberSet").status, NOTIFY_REJECTED);
  EXPECT_EQ(requestError("UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber").status,
            NOTIFY_REJECTED);
}

TEST(SmsTencentClassifyTest, CredentialAndAccountProblemsAreBadConfig) {
  const sdk::Outcome outcome = requestError("AuthFailure.SignatureFailure", "signature mismatch");
  EXPECT_EQ(outcome.status, NOTIFY_BAD_CONFIG);
  EXPECT_EQ(outcome.providerCode, "AuthFailure.SignatureFailure");
  EXPECT_EQ(outcome.detail, "signature mismatch (RequestId req-1)");
  EXPECT_EQ(requestError("AuthFailure.SecretIdNotFound").status, NOTIFY_BAD_CONFIG);
  EXPECT_EQ(requestError("UnauthorizedOperation.SmsSdkAppIdVerifyFail").status, NOTIFY_BAD_CONFIG);
  EXPECT_EQ(requestError("InvalidParameterValue.SdkAppIdNotExist").status, NOTIFY_BAD_CONFIG);
  EXPECT_EQ(requestError("FailedOperation.InsufficientBalanceInSmsPackage").status,
            NOTIFY_BAD_CONFIG);
}

TEST(SmsTencentClassifyTest, ClockSkewServerTroubleAndThrottlingAreRetried) {
  EXPECT_EQ(requestError("AuthFailure.SignatureExpire").status, NOTIFY_RETRY);
  EXPECT_EQ(requestError("InternalError.Timeout").status, NOTIFY_RETRY);
  EXPECT_EQ(requestError("ServiceUnavailable").status, NOTIFY_RETRY);
  const sdk::Outcome throttled = requestError("RequestLimitExceeded.UinLimitExceeded");
  EXPECT_EQ(throttled.status, NOTIFY_RATE_LIMITED);
  EXPECT_GT(throttled.retryAfterMs, 0);
  EXPECT_EQ(requestError("RequestLimitExceeded").status, NOTIFY_RATE_LIMITED);
}

TEST(SmsTencentClassifyTest, MalformedRequestsAreReportedAsPluginBugs) {
  EXPECT_EQ(requestError("FailedOperation.JsonParseFail").status, NOTIFY_INTERNAL_ERROR);
}

TEST(SmsTencentClassifyTest, UnlistedCodesInsideHttp200AreRejected) {
  const sdk::Outcome outcome = requestError("SomethingNew.Entirely");
  EXPECT_EQ(outcome.status, NOTIFY_REJECTED);
  EXPECT_EQ(outcome.providerCode, "SomethingNew.Entirely");
  // A family name must match whole labels: "InternalErrorX" is not an InternalError.
  EXPECT_EQ(requestError("InternalErrorX").status, NOTIFY_REJECTED);
}

TEST(SmsTencentClassifyTest, AnswersThatAreNotTencentsFollowTheTransportOrStatus) {
  EXPECT_EQ(classify(httpAnswer(502, "<html>bad gateway</html>")).status, NOTIFY_RETRY);
  EXPECT_EQ(classify(httpAnswer(200, "<html>captive portal</html>")).status, NOTIFY_RETRY);
  EXPECT_EQ(classify(httpAnswer(200, R"({"Response":{"RequestId":"r"}})")).status, NOTIFY_RETRY);
  const sdk::Outcome timeout = classify(test::transportFailure(NOTIFY_HOST_TIMEOUT, "timed out"));
  EXPECT_EQ(timeout.status, NOTIFY_RETRY);
  EXPECT_EQ(timeout.providerCode, "timeout");
}

}  // namespace
}  // namespace notify::plugin::sms_tencent
