// SPDX-License-Identifier: Apache-2.0
// What WeCom app answers mean: tokens and their lifetime, token refusals that trigger the one
// refresh, partial deliveries listed in invaliduser, limits and configuration errors.
#include <gtest/gtest.h>

#include <map>

#include "plugins/wecom_app/wecom_app_request.hpp"
#include "unit/plugins/config_kv.hpp"
#include "unit/plugins/http_answers.hpp"

namespace notify::plugin::wecom_app {
namespace {

using test::httpAnswer;

constexpr int64_t kNowMs = 1700000000000;
constexpr const char* kToken = "tok-123";

AppConfig config() {
  test::ConfigKv kv({{"corp_id", "ww1"}, {"corp_secret", "corp-s3cret"}, {"agent_id", "7"}});
  return parseConfig(kv.config());
}

common::TokenSend send(const std::string& body, std::string_view touser = "alice|Bob") {
  return classifySend(httpAnswer(200, body), touser, config(), kToken);
}

TEST(WecomAppClassifyTest, TokenAnswerGivesTheTokenAndItsExpiry) {
  const common::TokenResult result = parseTokenAnswer(
      httpAnswer(200, R"({"errcode":0,"errmsg":"ok","access_token":"AT","expires_in":7200})"),
      config(), kNowMs);
  ASSERT_TRUE(result.token);
  EXPECT_EQ(result.token->value, "AT");
  EXPECT_EQ(result.token->expiresAtMs, kNowMs + 7200 * 1000);
}

TEST(WecomAppClassifyTest, TokenErrorsAreConfigurationProblemsWithoutTheSecret) {
  const common::TokenResult badSecret = parseTokenAnswer(
      httpAnswer(200, R"({"errcode":40001,"errmsg":"invalid credential corp-s3cret"})"), config(),
      kNowMs);
  ASSERT_FALSE(badSecret.token);
  EXPECT_EQ(badSecret.failure.status, NOTIFY_BAD_CONFIG);
  EXPECT_EQ(badSecret.failure.providerCode, "40001");
  EXPECT_EQ(badSecret.failure.detail.find("corp-s3cret"), std::string::npos);
  EXPECT_EQ(parseTokenAnswer(httpAnswer(200, R"({"errcode":40013,"errmsg":"invalid corpid"})"),
                             config(), kNowMs)
                .failure.status,
            NOTIFY_BAD_CONFIG);
  EXPECT_EQ(parseTokenAnswer(httpAnswer(200, R"({"errcode":60020,"errmsg":"not allow ip"})"),
                             config(), kNowMs)
                .failure.status,
            NOTIFY_BAD_CONFIG);
  EXPECT_EQ(parseTokenAnswer(httpAnswer(503, ""), config(), kNowMs).failure.status, NOTIFY_RETRY);
}

TEST(WecomAppClassifyTest, ErrcodeZeroIsDeliveredWithTheMsgid) {
  const common::TokenSend result =
      send(R"({"errcode":0,"errmsg":"ok","invaliduser":"","msgid":"MSG1"})");
  EXPECT_FALSE(result.tokenRefused);
  EXPECT_EQ(result.outcome.status, NOTIFY_DELIVERED);
  EXPECT_EQ(result.outcome.providerMessageId, "MSG1");
  EXPECT_EQ(result.outcome.providerCode, "0");
}

TEST(WecomAppClassifyTest, SomeInvalidUsersStillDeliverAndAreNamed) {
  const common::TokenSend result =
      send(R"({"errcode":0,"errmsg":"ok","invaliduser":"bob","msgid":"MSG2"})");
  EXPECT_EQ(result.outcome.status, NOTIFY_DELIVERED);
  EXPECT_NE(result.outcome.detail.find("invalid users: bob"), std::string::npos)
      << result.outcome.detail;
}

TEST(WecomAppClassifyTest, EveryUserInvalidIsRejected) {
  // Ids come back lowercased: "Bob" is the "bob" listed.
  EXPECT_EQ(send(R"({"errcode":0,"errmsg":"ok","invaliduser":"alice|bob"})").outcome.status,
            NOTIFY_REJECTED);
  const common::TokenSend all =
      send(R"({"errcode":81013,"errmsg":"user & party & tag all invalid"})");
  EXPECT_EQ(all.outcome.status, NOTIFY_REJECTED);
  EXPECT_EQ(all.outcome.providerCode, "81013");
}

TEST(WecomAppClassifyTest, TokenRefusalsAskForTheOneRefresh) {
  for (int code : {42001, 40014, 41001}) {
    const common::TokenSend result =
        send(R"({"errcode":)" + std::to_string(code) + R"(,"errmsg":"access_token expired"})");
    EXPECT_TRUE(result.tokenRefused) << code;
    EXPECT_EQ(result.outcome.status, NOTIFY_RETRY) << code;
  }
  EXPECT_FALSE(send(R"({"errcode":45009,"errmsg":"freq"})").tokenRefused);
}

TEST(WecomAppClassifyTest, LimitsConfigurationAndBusyAnswers) {
  const sdk::Outcome limited =
      send(R"({"errcode":45009,"errmsg":"api freq out of limit"})").outcome;
  EXPECT_EQ(limited.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(limited.retryAfterMs, 60000);
  EXPECT_EQ(send(R"({"errcode":45033,"errmsg":"concurrency"})").outcome.status,
            NOTIFY_RATE_LIMITED);
  EXPECT_EQ(send(R"({"errcode":-1,"errmsg":"system busy"})").outcome.status, NOTIFY_RETRY);
  for (int code : {40013, 40001, 60020, 40056}) {
    EXPECT_EQ(send(R"({"errcode":)" + std::to_string(code) + "}").outcome.status, NOTIFY_BAD_CONFIG)
        << code;
  }
}

TEST(WecomAppClassifyTest, TransportFailureHidesTokenAndSecret) {
  const common::TokenSend result =
      classifySend(test::transportFailure(NOTIFY_HOST_TIMEOUT, "timeout: ?access_token=tok-123"),
                   "a", config(), kToken);
  EXPECT_EQ(result.outcome.status, NOTIFY_RETRY);
  EXPECT_EQ(result.outcome.detail.find(kToken), std::string::npos);
}

}  // namespace
}  // namespace notify::plugin::wecom_app
