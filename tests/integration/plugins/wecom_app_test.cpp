// SPDX-License-Identifier: Apache-2.0
// The wecom_app plugin through the real daemon against notify-fakeprov's WeCom app API:
// delivery with one cached token, partly and wholly invalid recipients, the one refresh after
// the token expired early, and the per-minute frequency limit.
#include "support/fakeprov_daemon_test.hpp"
#include "support/json_object.hpp"

namespace notify::test {
namespace {

using Poco::JSON::Object;

// The fake's default app: corp wwfakecorp0001, secret wecom-app-secret, agent 1000002. Users
// whose id starts with "invalid" are not members.
class WecomAppThroughFakeProv : public FakeProvDaemonTest {
 protected:
  void SetUp() override {
    dir_.write("app.secret", "wecom-app-secret\n");
    // A second fake allowing one message/send a minute, for the frequency limit.
    limited_ = std::make_unique<FakeProvProcess>(
        dir_.write("accounts.json", R"({"wecom": {"app_minute_quota": 1}})"));
    startDaemon(provider("app", fake_.url("wecom")) +
                provider("app_limited", limited_->url("wecom")) +
                R"(
[channels.wecom_members]
providers = ["app"]
recipient = "user"

[channels.wecom_limited]
providers = ["app_limited"]
recipient = "user"

[templates.notice]
vars = ["name"]
default_channel = "wecom_members"

[templates.notice.content.wecom_members]
subject = "Notice"
body = "Hi {{name}}"

[templates.notice.content.wecom_limited]
body = "Hi {{name}}"
)");
  }

  static std::string provider(const std::string& name, const std::string& base) {
    return "\n[providers." + name + "]\nplugin = \"wecom_app\"\nbase_url = \"" + base +
           "\"\ncorp_id = \"wwfakecorp0001\"\ncorp_secret = \"file:app.secret\"\n"
           "agent_id = 1000002\n";
  }

  std::string notice(const std::string& users, const std::string& channel = "") {
    return send("notice", R"({"user":")" + users + "\"}", R"({"name":"Ann"})", channel);
  }

  // The recorded message/send calls (token fetches are recorded too).
  static std::vector<Object::Ptr> messageSends(const FakeProvProcess& fake) {
    return recordedAt(fake, "wecom", "/cgi-bin/message/send");
  }

  std::unique_ptr<FakeProvProcess> limited_;
};

TEST_F(WecomAppThroughFakeProv, DeliversAsTheAgentWithOneCachedToken) {
  auto first = waitForState(*client_, notice("zhangsan|lisi"), "delivered");
  ASSERT_EQ(first->getValue<std::string>("state"), "delivered");
  EXPECT_EQ(first->getValue<std::string>("provider_message_id").rfind("fake-wecom-msg-", 0), 0U);
  auto second = waitForState(*client_, notice("wangwu"), "delivered");
  ASSERT_EQ(second->getValue<std::string>("state"), "delivered");
  EXPECT_EQ(fake_.tokensIssued("wecom"), 1);

  auto sends = messageSends(fake_);
  ASSERT_EQ(sends.size(), 2U);
  EXPECT_EQ(sends[0]->getValue<std::string>("note"), "delivered");
  EXPECT_EQ(
      sends[0]->getObject("query")->getValue<std::string>("access_token").rfind("wecom-token-", 0),
      0U);
  auto body = parseJson(sends[0]->getValue<std::string>("body"));
  EXPECT_EQ(body->getValue<std::string>("touser"), "zhangsan|lisi");
  EXPECT_EQ(body->getValue<std::string>("msgtype"), "text");
  EXPECT_EQ(body->getValue<int64_t>("agentid"), 1000002);
  EXPECT_EQ(body->getObject("text")->getValue<std::string>("content"), "Notice\nHi Ann");
}

TEST_F(WecomAppThroughFakeProv, PartlyInvalidRecipientsStillDeliverAndAreNamed) {
  auto message = waitForState(*client_, notice("alice|InvalidBob"), "delivered");
  ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
  const std::string detail = eventsIn(message, "delivered").at(0)->getValue<std::string>("detail");
  EXPECT_NE(detail.find("invalid users: invalidbob"), std::string::npos) << detail;
  EXPECT_EQ(messageSends(fake_).at(0)->getValue<std::string>("note"), "delivered_partially");
}

TEST_F(WecomAppThroughFakeProv, NoValidRecipientFailsWithTheProviderCode) {
  auto message = waitForState(*client_, notice("invalid1|invalid2"), "failed");
  ASSERT_EQ(message->getValue<std::string>("state"), "failed");
  EXPECT_EQ(eventsIn(message, "failed").at(0)->getValue<std::string>("code"), "81013");
  EXPECT_EQ(eventsIn(message, "sending").size(), 1U);  // permanent: no second attempt
}

TEST_F(WecomAppThroughFakeProv, ExpiredTokenIsRefreshedExactlyOnceWithinTheSend) {
  ASSERT_EQ(waitForState(*client_, notice("zhangsan"), "delivered")->getValue<std::string>("state"),
            "delivered");
  ASSERT_EQ(fake_.tokensIssued("wecom"), 1);
  fake_.control("tokens/expire", R"({"provider":"wecom"})");

  auto message = waitForState(*client_, notice("lisi"), "delivered");
  ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
  EXPECT_EQ(fake_.tokensIssued("wecom"), 2);
  EXPECT_EQ(eventStates(message),
            (std::vector<std::string>{"accepted", "queued", "sending", "delivered"}));
  auto sends = messageSends(fake_);
  ASSERT_EQ(sends.size(), 2U);
  EXPECT_NE(sends[0]->getObject("query")->getValue<std::string>("access_token"),
            sends[1]->getObject("query")->getValue<std::string>("access_token"));
}

TEST_F(WecomAppThroughFakeProv, FrequencyLimitIsRateLimitedForAMinute) {
  ASSERT_EQ(waitForState(*client_, notice("a", "wecom_limited"), "delivered")
                ->getValue<std::string>("state"),
            "delivered");
  auto message = waitForState(*client_, notice("b", "wecom_limited"), "rate_limited");
  ASSERT_EQ(message->getValue<std::string>("state"), "rate_limited");
  auto event = eventsIn(message, "rate_limited").at(0);
  EXPECT_EQ(event->getValue<std::string>("code"), "45009");
  const std::string detail = event->getValue<std::string>("detail");
  EXPECT_NE(detail.find("next attempt in 60000 ms"), std::string::npos) << detail;
  EXPECT_EQ(messageSends(*limited_).size(), 1U);
}

}  // namespace
}  // namespace notify::test
