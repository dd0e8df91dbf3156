// SPDX-License-Identifier: Apache-2.0
// What WeChat answers mean: tokens (no errcode on success), token refusals that trigger the
// one refresh, recipients, templates, per-minute and daily quotas.
#include <gtest/gtest.h>

#include "plugins/wechat_mp/wechat_mp_request.hpp"
#include "unit/plugins/config_kv.hpp"
#include "unit/plugins/http_answers.hpp"

namespace notify::plugin::wechat_mp {
namespace {

using test::httpAnswer;

// 2023-11-14T22:13:20Z = 2023-11-15T06:13:20 in Beijing: 17h46m40s to the next midnight there.
constexpr int64_t kNowMs = 1700000000000;
constexpr int64_t kToMidnightMs = ((17 * 60 + 46) * 60 + 40) * int64_t{1000};

MpConfig config() {
  test::ConfigKv kv({{"app_id", "wx1"}, {"app_secret", "mp-s3cret"}});
  return parseConfig(kv.config());
}

common::TokenSend send(int errcode, const std::string& errmsg = "x") {
  return classifySend(test::errcodeAnswer(errcode, errmsg), config(), "TOKEN", kNowMs);
}

TEST(WechatMpClassifyTest, TokenAnswerWithoutErrcodeIsTheToken) {
  const common::TokenResult result = parseTokenAnswer(
      httpAnswer(200, R"({"access_token":"ACCESS","expires_in":7200})"), config(), kNowMs);
  ASSERT_TRUE(result.token);
  EXPECT_EQ(result.token->value, "ACCESS");
  EXPECT_EQ(result.token->expiresAtMs, kNowMs + 7200000);
}

TEST(WechatMpClassifyTest, TokenErrorsAreConfigurationProblems) {
  for (int code : {40013, 40125, 40164}) {
    const common::TokenResult result =
        parseTokenAnswer(test::errcodeAnswer(code, "mp-s3cret"), config(), kNowMs);
    ASSERT_FALSE(result.token);
    EXPECT_EQ(result.failure.status, NOTIFY_BAD_CONFIG) << code;
    EXPECT_EQ(result.failure.providerCode, std::to_string(code));
    EXPECT_EQ(result.failure.detail.find("mp-s3cret"), std::string::npos);
  }
}

TEST(WechatMpClassifyTest, ErrcodeZeroIsAcceptedWithTheMsgid) {
  const common::TokenSend result = classifySend(
      httpAnswer(200, R"({"errcode":0,"errmsg":"ok","msgid":200228332})"), config(), "T", kNowMs);
  EXPECT_EQ(result.outcome.status, NOTIFY_ACCEPTED);
  EXPECT_EQ(result.outcome.providerMessageId, "200228332");
  EXPECT_EQ(result.outcome.providerCode, "0");
}

TEST(WechatMpClassifyTest, TokenRefusalsAskForTheOneRefresh) {
  for (int code : {40001, 42001, 40014}) {
    EXPECT_TRUE(send(code).tokenRefused) << code;
    EXPECT_EQ(send(code).outcome.status, NOTIFY_RETRY) << code;
  }
}

TEST(WechatMpClassifyTest, BadRecipientsAndTemplatesAreRejected) {
  for (int code : {40003, 43004, 43019, 40037, 47003}) {
    const common::TokenSend result = send(code, "invalid openid");
    EXPECT_FALSE(result.tokenRefused);
    EXPECT_EQ(result.outcome.status, NOTIFY_REJECTED) << code;
    EXPECT_EQ(result.outcome.providerCode, std::to_string(code));
  }
}

TEST(WechatMpClassifyTest, QuotasWaitForTheMinuteOrTheQuotaDay) {
  const sdk::Outcome minute = send(45011, "api minute-quota reach limit").outcome;
  EXPECT_EQ(minute.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(minute.retryAfterMs, 60000);
  const sdk::Outcome daily = send(45009, "reach max api daily quota limit").outcome;
  EXPECT_EQ(daily.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(daily.retryAfterMs, kToMidnightMs);
  EXPECT_EQ(send(-1, "system error").outcome.status, NOTIFY_RETRY);
}

TEST(WechatMpClassifyTest, QuotaDayEndsAtMidnightBeijingTime) {
  constexpr int64_t kMidnightBeijingMs = 1699977600000;  // 2023-11-14T16:00:00Z
  EXPECT_EQ(msUntilQuotaReset(kMidnightBeijingMs), 24 * 3600 * 1000);
  EXPECT_EQ(msUntilQuotaReset(kMidnightBeijingMs - 1), 1);
  EXPECT_EQ(msUntilQuotaReset(kNowMs), kToMidnightMs);
}

}  // namespace
}  // namespace notify::plugin::wechat_mp
