// SPDX-License-Identifier: Apache-2.0
// The wecom_bot plugin through the real daemon against notify-fakeprov's WeCom robot:
// delivery of exactly the expected webhook call, the 20-messages-a-minute limit (the 21st is
// rate limited for a minute) and an unknown key failing as a configuration problem.
#include "support/fakeprov_daemon_test.hpp"
#include "support/json_object.hpp"

namespace notify::test {
namespace {

using Poco::JSON::Object;

// The fake knows robot key "wecom-robot-key".
class WecomBotThroughFakeProv : public FakeProvDaemonTest {
 protected:
  void SetUp() override {
    dir_.write("robot.key", "wecom-robot-key\n");
    dir_.write("unknown.key", "no-such-robot\n");
    const std::string base = fake_.url("wecom");
    startDaemon(R"(
[providers.robot]
plugin = "wecom_bot"
base_url = ")" + base +
                R"("
key = "file:robot.key"

[providers.robot_unknown]
plugin = "wecom_bot"
base_url = ")" + base +
                R"("
key = "file:unknown.key"

[channels.wecom_group]
providers = ["robot"]

[channels.wecom_unknown]
providers = ["robot_unknown"]

[templates.alert]
vars = ["name"]
default_channel = "wecom_group"

[templates.alert.content.wecom_group]
subject = "Alert"
body = "Disk {{name}} is full"
attrs = { mentions = "ops1, @all" }

[templates.alert.content.wecom_unknown]
body = "Disk {{name}} is full"
)");
  }

  std::string alert(const std::string& name, const std::string& channel = "") {
    return send("alert", R"({"user":"ops"})", R"({"name":")" + name + "\"}", channel);
  }
};

TEST_F(WecomBotThroughFakeProv, DeliversTheTextWithMentionsToTheKeysWebhook) {
  const std::string id = alert("d1");
  auto message = waitForState(*client_, id, "delivered");
  ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
  EXPECT_EQ(eventsIn(message, "delivered").at(0)->getValue<std::string>("code"), "0");

  ASSERT_EQ(fake_.requests("wecom")->size(), 1U);
  auto request = fake_.requests("wecom")->getObject(0);
  EXPECT_EQ(request->getValue<std::string>("note"), "delivered");
  EXPECT_EQ(request->getValue<std::string>("path"), "/cgi-bin/webhook/send");
  EXPECT_EQ(request->getObject("query")->getValue<std::string>("key"), "wecom-robot-key");
  auto body = parseJson(request->getValue<std::string>("body"));
  EXPECT_EQ(body->getValue<std::string>("msgtype"), "text");
  auto text = body->getObject("text");
  EXPECT_EQ(text->getValue<std::string>("content"), "Alert\nDisk d1 is full");
  auto mentions = text->getArray("mentioned_list");
  ASSERT_EQ(mentions->size(), 2U);
  EXPECT_EQ(mentions->getElement<std::string>(0), "ops1");
  EXPECT_EQ(mentions->getElement<std::string>(1), "@all");
}

TEST_F(WecomBotThroughFakeProv, TwentyOneQuickMessagesTheLastIsRateLimitedForAMinute) {
  std::vector<std::string> ids;
  for (int i = 0; i < 21; ++i) {
    ids.push_back(alert("d" + std::to_string(i)));
  }
  ASSERT_TRUE(fake_.waitForRequests("wecom", 20, 10000));
  int delivered = 0;
  std::vector<Object::Ptr> limited;
  for (const std::string& id : ids) {
    auto message = waitForAnyState(id, {"delivered", "rate_limited"});
    ASSERT_TRUE(message);
    if (message->getValue<std::string>("state") == "delivered") {
      ++delivered;
    } else {
      limited.push_back(message);
    }
  }
  EXPECT_EQ(delivered, 20);
  ASSERT_EQ(limited.size(), 1U);
  auto event = eventsIn(limited[0], "rate_limited").at(0);
  EXPECT_EQ(event->getValue<std::string>("code"), "45009");
  const std::string detail = event->getValue<std::string>("detail");
  EXPECT_NE(detail.find("next attempt in 60000 ms"), std::string::npos) << detail;
  EXPECT_EQ(fake_.requests("wecom")->size(), 20U);  // the refused one was not recorded
}

TEST_F(WecomBotThroughFakeProv, UnknownKeyFailsAsConfigurationWithTheProviderCode) {
  const std::string id = alert("d9", "wecom_unknown");
  auto message = waitForState(*client_, id, "failed");
  ASSERT_EQ(message->getValue<std::string>("state"), "failed");
  auto failed = eventsIn(message, "failed").at(0);
  EXPECT_EQ(failed->getValue<std::string>("code"), "93000");
  const std::string detail = failed->getValue<std::string>("detail");
  EXPECT_NE(detail.find("invalid webhook url"), std::string::npos) << detail;
  EXPECT_EQ(detail.find("no-such-robot"), std::string::npos) << "the key leaked: " << detail;
  EXPECT_EQ(fake_.requests("wecom")->size(), 0U);
}

}  // namespace
}  // namespace notify::test
