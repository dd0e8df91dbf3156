// SPDX-License-Identifier: Apache-2.0
// What DingTalk robot answers mean: errcode inside HTTP 200, the 10-minute block, security
// failures as configuration problems, and answers without an errcode.
#include <gtest/gtest.h>

#include "plugins/dingtalk_bot/dingtalk_bot_request.hpp"
#include "unit/plugins/http_answers.hpp"

namespace notify::plugin::dingtalk_bot {
namespace {

using test::httpAnswer;

RobotConfig config() {
  RobotConfig c;
  c.accessToken = "tok-secret-123";
  c.secret = "SECabc";
  return c;
}

sdk::Outcome answer(int errcode, const std::string& errmsg) {
  return classify(test::errcodeAnswer(errcode, errmsg), config());
}

TEST(DingTalkClassifyTest, ErrcodeZeroIsDelivered) {
  const sdk::Outcome outcome = answer(0, "ok");
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED);
  EXPECT_EQ(outcome.providerCode, "0");
}

TEST(DingTalkClassifyTest, SendTooFastIsRateLimitedForTheTenMinuteBlock) {
  const sdk::Outcome outcome = answer(130101, "send too fast, exceed 20 times per minute");
  EXPECT_EQ(outcome.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(outcome.retryAfterMs, 600000);
  EXPECT_EQ(outcome.providerCode, "130101");
  EXPECT_NE(outcome.detail.find("send too fast"), std::string::npos);
}

TEST(DingTalkClassifyTest, SecurityAndTokenFailuresAreBadConfigWithTheProvidersText) {
  sdk::Outcome outcome = answer(310000, "sign not match");
  EXPECT_EQ(outcome.status, NOTIFY_BAD_CONFIG);
  EXPECT_EQ(outcome.detail, "sign not match");
  EXPECT_EQ(answer(310000, "keywords not in content").status, NOTIFY_BAD_CONFIG);
  EXPECT_EQ(answer(300005, "token is not exist").status, NOTIFY_BAD_CONFIG);
  EXPECT_EQ(answer(40035, "missing access_token").status, NOTIFY_BAD_CONFIG);
}

TEST(DingTalkClassifyTest, OtherErrcodesAreRejected) {
  const sdk::Outcome outcome = answer(400013, "whatever");
  EXPECT_EQ(outcome.status, NOTIFY_REJECTED);
  EXPECT_EQ(outcome.providerCode, "400013");
}

TEST(DingTalkClassifyTest, AnswersWithoutErrcodeFollowTheTransportOrStatus) {
  EXPECT_EQ(classify(httpAnswer(502, "<html>bad gateway</html>"), config()).status, NOTIFY_RETRY);
  EXPECT_EQ(classify(httpAnswer(200, R"({"unexpected":true})"), config()).status, NOTIFY_RETRY);
  const sdk::Outcome refused =
      classify(test::transportFailure(NOTIFY_HOST_CONNECT_FAILED,
                                      "refused: /robot/send?access_token=tok-secret-123"),
               config());
  EXPECT_EQ(refused.status, NOTIFY_RETRY);
  EXPECT_EQ(refused.detail.find("tok-secret-123"), std::string::npos) << refused.detail;
}

}  // namespace
}  // namespace notify::plugin::dingtalk_bot
