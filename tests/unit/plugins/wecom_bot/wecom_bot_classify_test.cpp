// SPDX-License-Identifier: Apache-2.0
// What WeCom robot answers mean: errcode inside HTTP 200, the 20/min limit, bad keys, and that
// the key never reaches a detail.
#include <gtest/gtest.h>

#include "plugins/wecom_bot/wecom_bot_request.hpp"
#include "unit/plugins/http_answers.hpp"

namespace notify::plugin::wecom_bot {
namespace {

using test::httpAnswer;

constexpr const char* kKey = "693a91f6-secret-key";

sdk::Outcome errcode(int code, const std::string& errmsg) {
  return classify(test::errcodeAnswer(code, errmsg), kKey);
}

TEST(WecomBotClassifyTest, ErrcodeZeroIsDelivered) {
  const sdk::Outcome outcome = errcode(0, "ok");
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED);
  EXPECT_EQ(outcome.providerCode, "0");
}

TEST(WecomBotClassifyTest, FrequencyLimitWaitsAMinute) {
  const sdk::Outcome outcome = errcode(45009, "api freq out of limit");
  EXPECT_EQ(outcome.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(outcome.retryAfterMs, 60000);
  EXPECT_EQ(outcome.providerCode, "45009");
  EXPECT_EQ(outcome.detail, "api freq out of limit");
}

TEST(WecomBotClassifyTest, BadKeyIsConfigurationAndBadContentRejected) {
  EXPECT_EQ(errcode(93000, "invalid webhook url").status, NOTIFY_BAD_CONFIG);
  EXPECT_EQ(errcode(40008, "invalid message type").status, NOTIFY_REJECTED);
  EXPECT_EQ(errcode(44004, "empty content").status, NOTIFY_REJECTED);
  EXPECT_EQ(errcode(40058, "invalid parameter").status, NOTIFY_REJECTED);
  EXPECT_EQ(errcode(-1, "system busy").status, NOTIFY_RETRY);
  EXPECT_EQ(errcode(99999, "something new").status, NOTIFY_REJECTED);
}

TEST(WecomBotClassifyTest, TheKeyNeverAppearsInADetail) {
  const sdk::Outcome echoed = errcode(93000, std::string("invalid webhook url key=") + kKey);
  EXPECT_EQ(echoed.detail.find(kKey), std::string::npos) << echoed.detail;
  const sdk::Outcome transport = classify(
      test::transportFailure(NOTIFY_HOST_CONNECT_FAILED, std::string("refused: /x?key=") + kKey),
      kKey);
  EXPECT_EQ(transport.status, NOTIFY_RETRY);
  EXPECT_EQ(transport.detail.find(kKey), std::string::npos) << transport.detail;
}

TEST(WecomBotClassifyTest, AnswersWithoutErrcodeFollowTheHttpStatus) {
  EXPECT_EQ(classify(httpAnswer(502, "<html>Bad Gateway</html>"), kKey).status, NOTIFY_RETRY);
  EXPECT_EQ(classify(httpAnswer(200, "not json"), kKey).status, NOTIFY_RETRY);
  EXPECT_EQ(classify(httpAnswer(404, "no"), kKey).status, NOTIFY_REJECTED);
}

}  // namespace
}  // namespace notify::plugin::wecom_bot
