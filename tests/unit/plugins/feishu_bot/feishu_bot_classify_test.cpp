// SPDX-License-Identifier: Apache-2.0
// What Feishu custom-bot answers mean: business codes inside HTTP 200, the legacy StatusCode
// shape, gateway throttling and transport failures.
#include <gtest/gtest.h>

#include "plugins/feishu_bot/feishu_bot_request.hpp"
#include "unit/plugins/http_answers.hpp"

namespace notify::plugin::feishu_bot {
namespace {

using test::httpAnswer;

sdk::Outcome answer(int code, const std::string& msg) {
  return classify(httpAnswer(
      200, R"({"code":)" + std::to_string(code) + R"(,"msg":")" + msg + R"(","data":{}})"));
}

TEST(FeishuBotClassifyTest, CodeZeroInEitherShapeIsDelivered) {
  sdk::Outcome outcome = classify(httpAnswer(200, R"({"code":0,"data":{},"msg":"success"})"));
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED);
  EXPECT_EQ(outcome.providerCode, "0");
  outcome = classify(httpAnswer(200, R"({"Extra":null,"StatusCode":0,"StatusMessage":"success"})"));
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED);
  outcome = classify(httpAnswer(
      200, R"({"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"})"));
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED);
}

TEST(FeishuBotClassifyTest, TokenSignatureAndIpProblemsAreBadConfig) {
  for (int code : {19001, 19021, 19022}) {
    const sdk::Outcome outcome = answer(code, "problem " + std::to_string(code));
    EXPECT_EQ(outcome.status, NOTIFY_BAD_CONFIG) << code;
    EXPECT_EQ(outcome.providerCode, std::to_string(code));
    EXPECT_EQ(outcome.detail, "problem " + std::to_string(code));
  }
}

TEST(FeishuBotClassifyTest, MessageProblemsAreRejected) {
  for (int code : {19002, 19024, 9499, 12345}) {
    EXPECT_EQ(answer(code, "no").status, NOTIFY_REJECTED) << code;
  }
  // 9499 may come with a non-200 status.
  const sdk::Outcome parse = classify(httpAnswer(400, R"({"code":9499,"msg":"Bad Request"})"));
  EXPECT_EQ(parse.status, NOTIFY_REJECTED);
  EXPECT_EQ(parse.providerCode, "9499");
}

TEST(FeishuBotClassifyTest, FrequencyLimitIsRateLimitedForASecondOrTheGatewaysReset) {
  sdk::Outcome outcome = answer(11232, "frequency limited");
  EXPECT_EQ(outcome.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(outcome.retryAfterMs, 1000);
  EXPECT_EQ(outcome.providerCode, "11232");

  outcome = classify(httpAnswer(429, R"({"code":99991400,"msg":"request trigger frequency limit"})",
                                {{"x-ogw-ratelimit-reset", "7"}}));
  EXPECT_EQ(outcome.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(outcome.retryAfterMs, 7000);
  EXPECT_EQ(outcome.providerCode, "429");
}

TEST(FeishuBotClassifyTest, AnswersWithoutACodeFollowTheHttpStatus) {
  EXPECT_EQ(classify(httpAnswer(502, "<html>bad gateway</html>")).status, NOTIFY_RETRY);
  EXPECT_EQ(classify(httpAnswer(404, "not found")).status, NOTIFY_REJECTED);
  const sdk::Outcome timeout = classify(test::transportFailure(NOTIFY_HOST_TIMEOUT, "timed out"));
  EXPECT_EQ(timeout.status, NOTIFY_RETRY);
  EXPECT_EQ(timeout.providerCode, "timeout");
}

}  // namespace
}  // namespace notify::plugin::feishu_bot
