// SPDX-License-Identifier: Apache-2.0
// Reading {"errcode","errmsg"} answers and classifying them with a rule table; answers that
// carry no errcode; secrets kept out of details.
#include "plugins/common/errcode_reply.hpp"

#include <gtest/gtest.h>

#include <array>

#include "unit/plugins/http_answers.hpp"

namespace notify::plugin::common {
namespace {

using test::httpAnswer;
using test::transportFailure;

constexpr std::array<ErrcodeRule, 2> kRules = {{
    {45009, NOTIFY_RATE_LIMITED, 60000},
    {93000, NOTIFY_BAD_CONFIG, 0},
}};

TEST(ErrcodeReplyTest, ReadsCodeMessageAndTheRestOfTheBody) {
  const auto reply =
      parseErrcodeReply(R"({"errcode":81013,"errmsg":"user & party & tag all invalid","x":1})");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->errcode, 81013);
  EXPECT_EQ(reply->errmsg, "user & party & tag all invalid");
  EXPECT_EQ(reply->json->getValue<int>("x"), 1);
}

TEST(ErrcodeReplyTest, MissingErrcodeMeansZeroAndNonJsonMeansNone) {
  const auto token = parseErrcodeReply(R"({"access_token":"abc","expires_in":7200})");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->errcode, 0);
  EXPECT_FALSE(parseErrcodeReply("<html>502 Bad Gateway</html>"));
  EXPECT_FALSE(parseErrcodeReply(R"([1,2])"));
  EXPECT_FALSE(parseErrcodeReply(R"({"errcode":{"nested":1}})"));
  EXPECT_EQ(parseErrcodeReply(R"({"errcode":"45009"})")->errcode, 45009);
}

TEST(ErrcodeReplyTest, RuleDecidesStatusAndHintOtherwiseTheFallback) {
  const sdk::Outcome limited = errcodeOutcome(
      *parseErrcodeReply(R"({"errcode":45009,"errmsg":"api freq out of limit"})"), kRules);
  EXPECT_EQ(limited.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(limited.retryAfterMs, 60000);
  EXPECT_EQ(limited.providerCode, "45009");
  EXPECT_EQ(limited.detail, "api freq out of limit");

  const sdk::Outcome unknown = errcodeOutcome(*parseErrcodeReply(R"({"errcode":12345})"), kRules);
  EXPECT_EQ(unknown.status, NOTIFY_REJECTED);
  EXPECT_EQ(unknown.detail, "errcode 12345");
  EXPECT_EQ(
      errcodeOutcome(*parseErrcodeReply(R"({"errcode":1})"), kRules, NOTIFY_BAD_CONFIG).status,
      NOTIFY_BAD_CONFIG);
  ASSERT_NE(findRule(kRules, 93000), nullptr);
  EXPECT_EQ(findRule(kRules, 93000)->status, NOTIFY_BAD_CONFIG);
  EXPECT_EQ(findRule(kRules, 1), nullptr);
}

TEST(ErrcodeReplyTest, AnswersWithoutErrcodeAreClassifiedAndSecretsRedacted) {
  const sdk::Outcome timeout = noErrcodeOutcome(
      transportFailure(NOTIFY_HOST_TIMEOUT, "timeout on https://h/x?key=K3Y&k2=K3Y"), {"K3Y"});
  EXPECT_EQ(timeout.status, NOTIFY_RETRY);
  EXPECT_EQ(timeout.providerCode, "timeout");
  EXPECT_EQ(timeout.detail.find("K3Y"), std::string::npos) << timeout.detail;

  const sdk::Outcome proxyPage = noErrcodeOutcome(httpAnswer(200, "<html>hi</html>"), {});
  EXPECT_EQ(proxyPage.status, NOTIFY_RETRY);
  EXPECT_EQ(proxyPage.providerCode, "200");
  EXPECT_EQ(noErrcodeOutcome(httpAnswer(502, "bad gateway"), {}).status, NOTIFY_RETRY);
  EXPECT_EQ(noErrcodeOutcome(httpAnswer(429, ""), {}).status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(noErrcodeOutcome(httpAnswer(404, "not found"), {}).status, NOTIFY_REJECTED);
}

TEST(ErrcodeReplyTest, RedactReplacesEveryOccurrenceOfEachSecret) {
  EXPECT_EQ(redact("a=s1&b=s2&c=s1", {"s1", "s2", ""}), "a=***&b=***&c=***");
  EXPECT_EQ(redact("nothing here", {"zz"}), "nothing here");
}

}  // namespace
}  // namespace notify::plugin::common
