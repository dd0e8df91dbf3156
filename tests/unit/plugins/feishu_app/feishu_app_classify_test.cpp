// SPDX-License-Identifier: Apache-2.0
// What Feishu IM API answers mean: the token answer, refused tokens (which the channel
// refreshes once), recipient errors, gateway throttling and transport failures.
#include <gtest/gtest.h>

#include "plugins/feishu_app/feishu_app_request.hpp"
#include "unit/plugins/http_answers.hpp"

namespace notify::plugin::feishu_app {
namespace {

using test::httpAnswer;

constexpr int64_t kNowMs = 1700000000000;

TEST(FeishuAppTokenTest, TokenAnswerGivesTheTokenAndItsExpiryOnTheHostClock) {
  const common::TokenResult result = parseTokenAnswer(
      httpAnswer(200, R"({"code":0,"msg":"ok","tenant_access_token":"t-xyz","expire":7200})"),
      kNowMs);
  ASSERT_TRUE(result.token.has_value());
  EXPECT_EQ(result.token->value, "t-xyz");
  EXPECT_EQ(result.token->expiresAtMs, kNowMs + 7200 * 1000);
}

TEST(FeishuAppTokenTest, RefusedCredentialsAreBadConfig) {
  for (const char* body : {R"({"code":10014,"msg":"app secret invalid"})",
                           R"({"code":10003,"msg":"invalid param"})"}) {
    const common::TokenResult result = parseTokenAnswer(httpAnswer(200, body), kNowMs);
    EXPECT_FALSE(result.token.has_value());
    EXPECT_EQ(result.failure.status, NOTIFY_BAD_CONFIG) << body;
  }
  const common::TokenResult secret =
      parseTokenAnswer(httpAnswer(400, R"({"code":10014,"msg":"app secret invalid"})"), kNowMs);
  EXPECT_EQ(secret.failure.providerCode, "10014");
  EXPECT_NE(secret.failure.detail.find("app secret invalid"), std::string::npos);
  // A 404 page: base_url points somewhere that is not Feishu.
  EXPECT_EQ(parseTokenAnswer(httpAnswer(404, "<html/>"), kNowMs).failure.status, NOTIFY_BAD_CONFIG);
}

TEST(FeishuAppTokenTest, UnreachableOrThrottledTokenEndpointIsTransient) {
  EXPECT_EQ(
      parseTokenAnswer(test::transportFailure(NOTIFY_HOST_TIMEOUT, "t"), kNowMs).failure.status,
      NOTIFY_RETRY);
  const common::TokenResult throttled = parseTokenAnswer(
      httpAnswer(429, R"({"code":99991400,"msg":"limit"})", {{"x-ogw-ratelimit-reset", "2"}}),
      kNowMs);
  EXPECT_EQ(throttled.failure.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(throttled.failure.retryAfterMs, 2000);
}

TEST(FeishuAppSendTest, SuccessIsDeliveredWithTheMessageId) {
  const sdk::Outcome outcome = classifySend(httpAnswer(
      200,
      R"({"code":0,"msg":"success","data":{"message_id":"om_dc13264520392913993dd051dba21dcf"}})"));
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED);
  EXPECT_EQ(outcome.providerMessageId, "om_dc13264520392913993dd051dba21dcf");
  EXPECT_EQ(outcome.providerCode, "0");
}

TEST(FeishuAppSendTest, RefusedTokensAreRecognisedForTheOneRefresh) {
  EXPECT_TRUE(
      isTokenRejected(httpAnswer(400, R"({"code":99991663,"msg":"Invalid access token"})")));
  EXPECT_TRUE(
      isTokenRejected(httpAnswer(400, R"({"code":99991661,"msg":"Missing access token"})")));
  EXPECT_FALSE(isTokenRejected(httpAnswer(400, R"({"code":230001,"msg":"x"})")));
  EXPECT_FALSE(isTokenRejected(test::transportFailure(NOTIFY_HOST_IO_ERROR, "x")));
  // Refused again after the refresh: transient, the host tries later.
  EXPECT_EQ(classifySend(httpAnswer(400, R"({"code":99991663,"msg":"Invalid"})")).status,
            NOTIFY_RETRY);
}

TEST(FeishuAppSendTest, RecipientErrorsAreRejectedWithTheProviderCode) {
  for (int code : {230001, 230002, 230013}) {
    const sdk::Outcome outcome = classifySend(httpAnswer(
        400, R"({"code":)" + std::to_string(code) + R"(,"msg":"ext=invalid receive_id."})"));
    EXPECT_EQ(outcome.status, NOTIFY_REJECTED) << code;
    EXPECT_EQ(outcome.providerCode, std::to_string(code));
    EXPECT_EQ(outcome.detail, "ext=invalid receive_id.");
  }
  EXPECT_EQ(classifySend(httpAnswer(400, R"({"code":230006,"msg":"bot ability"})")).status,
            NOTIFY_BAD_CONFIG);
}

TEST(FeishuAppSendTest, ThrottlingHonoursTheGatewayReset) {
  sdk::Outcome outcome =
      classifySend(httpAnswer(429, R"({"code":99991400,"msg":"request trigger frequency limit"})",
                              {{"x-ogw-ratelimit-limit", "5"}, {"x-ogw-ratelimit-reset", "4"}}));
  EXPECT_EQ(outcome.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(outcome.retryAfterMs, 4000);
  EXPECT_EQ(outcome.providerCode, "99991400");
  // Older APIs throttle with 400 and the same code; no header: one second.
  outcome = classifySend(httpAnswer(400, R"({"code":99991400,"msg":"limit"})"));
  EXPECT_EQ(outcome.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(outcome.retryAfterMs, 1000);
}

TEST(FeishuAppSendTest, AnswersWithoutACodeFollowTheTransportOrStatus) {
  EXPECT_EQ(classifySend(httpAnswer(503, "busy")).status, NOTIFY_RETRY);
  EXPECT_EQ(classifySend(test::transportFailure(NOTIFY_HOST_CONNECT_FAILED, "refused")).status,
            NOTIFY_RETRY);
  EXPECT_EQ(classifySend(httpAnswer(500, R"({"code":1500,"msg":"internal"})")).status,
            NOTIFY_RETRY);
  EXPECT_EQ(classifySend(httpAnswer(400, R"({"code":1234,"msg":"odd"})")).status, NOTIFY_REJECTED);
}

}  // namespace
}  // namespace notify::plugin::feishu_app
