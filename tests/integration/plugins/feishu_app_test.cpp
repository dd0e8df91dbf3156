// SPDX-License-Identifier: Apache-2.0
// The feishu_app plugin through the real daemon against notify-fakeprov's Feishu IM API:
// delivery with a cached tenant token, the one refresh after the token expired early,
// recipient errors, the 5-per-second-per-user throttle (HTTP 429 + x-ogw-ratelimit-reset)
// and refused app credentials.
#include "support/fakeprov_daemon_test.hpp"
#include "support/json_object.hpp"

namespace notify::test {
namespace {

// The fake's default app is cli_test / test-app-secret.
class FeishuAppThroughFakeProv : public FakeProvDaemonTest {
 protected:
  void SetUp() override {
    dir_.write("app.secret", "test-app-secret\n");
    dir_.write("wrong.secret", "nope\n");
    const std::string base = fake_.url("feishu");
    startDaemon(R"(
[providers.fapp]
plugin = "feishu_app"
base_url = ")" + base +
                R"("
app_id = "cli_test"
app_secret = "file:app.secret"

[providers.fapp_wrong]
plugin = "feishu_app"
base_url = ")" + base +
                R"("
app_id = "cli_test"
app_secret = "file:wrong.secret"

[channels.feishu_dm]
providers = ["fapp"]
recipient = "user"

[channels.feishu_wrong]
providers = ["fapp_wrong"]

[templates.notice]
vars = ["name"]
default_channel = "feishu_dm"

[templates.notice.content.feishu_dm]
subject = "Notice"
body = "Hi {{name}}"

[templates.notice.content.feishu_wrong]
body = "Hi {{name}}"
)");
  }

  std::string notice(const std::string& user, const std::string& channel = "") {
    return send("notice", R"({"user":")" + user + "\"}", R"({"name":"Ann"})", channel);
  }
};

TEST_F(FeishuAppThroughFakeProv, DeliversWithOneCachedTokenAndTheExpectedBody) {
  const std::string first = notice("ou_ann");
  auto message = waitForState(*client_, first, "delivered");
  ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
  EXPECT_EQ(message->getValue<std::string>("provider_message_id").rfind("om_", 0), 0U);
  auto second = waitForState(*client_, notice("ou_bob"), "delivered");
  ASSERT_EQ(second->getValue<std::string>("state"), "delivered");
  EXPECT_EQ(fake_.tokensIssued("feishu"), 1);

  auto request = fake_.requests("feishu")->getObject(0);
  EXPECT_EQ(request->getValue<std::string>("path"), "/open-apis/im/v1/messages");
  EXPECT_EQ(request->getObject("query")->getValue<std::string>("receive_id_type"), "open_id");
  EXPECT_EQ(
      request->getObject("headers")->getValue<std::string>("authorization").rfind("Bearer ", 0),
      0U);
  auto body = parseJson(request->getValue<std::string>("body"));
  EXPECT_EQ(body->getValue<std::string>("receive_id"), "ou_ann");
  EXPECT_EQ(body->getValue<std::string>("msg_type"), "text");
  EXPECT_EQ(body->getValue<std::string>("uuid"), first);
  EXPECT_EQ(parseJson(body->getValue<std::string>("content"))->getValue<std::string>("text"),
            "Notice\nHi Ann");
}

TEST_F(FeishuAppThroughFakeProv, ExpiredTokenIsRefreshedExactlyOnceWithinTheSameAttempt) {
  ASSERT_EQ(waitForState(*client_, notice("ou_ann"), "delivered")->getValue<std::string>("state"),
            "delivered");
  ASSERT_EQ(fake_.tokensIssued("feishu"), 1);
  fake_.control("tokens/expire", R"({"provider":"feishu"})");

  auto message = waitForState(*client_, notice("ou_bob"), "delivered");
  ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
  EXPECT_EQ(message->getValue<int>("attempts"), 1);
  EXPECT_EQ(fake_.tokensIssued("feishu"), 2);
  EXPECT_EQ(fake_.requests("feishu")->size(), 2U);
}

TEST_F(FeishuAppThroughFakeProv, InvalidRecipientFailsWithTheProviderCode) {
  auto invalid = waitForState(*client_, notice("ou_invalid_42"), "failed");
  ASSERT_EQ(invalid->getValue<std::string>("state"), "failed");
  EXPECT_EQ(invalid->getValue<int>("attempts"), 1);
  auto event = eventsIn(invalid, "failed").back();
  EXPECT_EQ(event->getValue<std::string>("code"), "230001");
  EXPECT_NE(event->getValue<std::string>("detail").find("invalid receive_id"), std::string::npos);

  auto outside = waitForState(*client_, notice("ou_outside_7"), "failed");
  ASSERT_EQ(outside->getValue<std::string>("state"), "failed");
  EXPECT_EQ(eventsIn(outside, "failed").back()->getValue<std::string>("code"), "230013");
  EXPECT_EQ(fake_.requests("feishu")->size(), 0U);
}

TEST_F(FeishuAppThroughFakeProv, OverFivePerSecondToOneUserIsRateLimitedByTheGatewayReset) {
  std::vector<std::string> ids;
  for (int i = 0; i < 8; ++i) {
    ids.push_back(notice("ou_busy"));
  }
  size_t limited = 0;
  for (const std::string& id : ids) {
    auto message = waitForState(*client_, id, "delivered", 15000);
    ASSERT_EQ(message->getValue<std::string>("state"), "delivered") << id;
    for (const auto& event : eventsIn(message, "rate_limited")) {
      ++limited;
      EXPECT_EQ(event->getValue<std::string>("code"), "99991400");
      // x-ogw-ratelimit-reset: 1 → one second, longer than the test config's backoff.
      const std::string detail = event->getValue<std::string>("detail");
      EXPECT_NE(detail.find("next attempt in 1000 ms"), std::string::npos) << detail;
    }
  }
  EXPECT_GE(limited, 1U) << "eight messages to one user within a second should trip 5 QPS";
}

TEST_F(FeishuAppThroughFakeProv, RefusedAppSecretIsAConfigurationProblem) {
  auto message = waitForState(*client_, notice("ou_ann", "feishu_wrong"), "failed");
  ASSERT_EQ(message->getValue<std::string>("state"), "failed");
  auto retries = eventsIn(message, "retrying");
  ASSERT_FALSE(retries.empty());
  EXPECT_EQ(retries.front()->getValue<std::string>("code"), "10014");
  EXPECT_EQ(fake_.tokensIssued("feishu"), 0);
}

}  // namespace
}  // namespace notify::test
