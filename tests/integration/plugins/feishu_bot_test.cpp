// SPDX-License-Identifier: Apache-2.0
// The feishu_bot plugin through the real daemon against notify-fakeprov's Feishu custom bot,
// which verifies the signature itself: delivery, the 5/s throttle (code 11232), a wrong
// secret (19021, a configuration problem) and a missing keyword (19024, rejected).
#include <ctime>

#include "support/fakeprov_daemon_test.hpp"
#include "support/json_object.hpp"

namespace notify::test {
namespace {

// The fake's default bots: "test-bot-token" signs with "test-secret", "test-bot-keyword"
// wants "notify" in the text.
class FeishuBotThroughFakeProv : public FakeProvDaemonTest {
 protected:
  void SetUp() override {
    dir_.write("bot.token", "test-bot-token\n");
    dir_.write("bot.secret", "test-secret\n");
    dir_.write("wrong.secret", "not-the-secret\n");
    dir_.write("kw.token", "test-bot-keyword\n");
    const std::string base = fake_.url("feishu");
    startDaemon(R"(
[providers.fbot]
plugin = "feishu_bot"
base_url = ")" + base +
                R"("
token = "file:bot.token"
secret = "file:bot.secret"

[providers.fbot_wrong]
plugin = "feishu_bot"
base_url = ")" + base +
                R"("
token = "file:bot.token"
secret = "file:wrong.secret"

[providers.fbot_kw]
plugin = "feishu_bot"
base_url = ")" + base +
                R"("
token = "file:kw.token"

[channels.lark]
providers = ["fbot"]

[channels.lark_wrong]
providers = ["fbot_wrong"]

[channels.lark_kw]
providers = ["fbot_kw"]

[templates.alert]
vars = ["name"]
default_channel = "lark"

[templates.alert.content.lark]
subject = "Alert"
body = "Disk \"full\" on {{name}}"

[templates.alert.content.lark_wrong]
body = "Disk full on {{name}}"

[templates.alert.content.lark_kw]
body = "Disk full on {{name}}"
)");
  }

  std::string alert(const std::string& name, const std::string& channel = "") {
    return send("alert", R"({"group":"ops"})", R"({"name":")" + name + "\"}", channel);
  }
};

TEST_F(FeishuBotThroughFakeProv, SignedTextIsDeliveredAsRecorded) {
  const std::string id = alert("db-1");
  auto message = waitForState(*client_, id, "delivered");
  ASSERT_EQ(message->getValue<std::string>("state"), "delivered");

  auto recorded = fake_.requests("feishu");
  ASSERT_EQ(recorded->size(), 1U);
  auto request = recorded->getObject(0);
  EXPECT_EQ(request->getValue<std::string>("path"), "/open-apis/bot/v2/hook/test-bot-token");
  auto body = parseJson(request->getValue<std::string>("body"));
  EXPECT_EQ(body->getValue<std::string>("msg_type"), "text");
  EXPECT_EQ(body->getObject("content")->getValue<std::string>("text"),
            "Alert\nDisk \"full\" on db-1");
  const std::string timestamp = body->getValue<std::string>("timestamp");
  EXPECT_LE(std::llabs(std::stoll(timestamp) - static_cast<long long>(std::time(nullptr))), 60);
  // Feishu's scheme, recomputed here: key = timestamp + "\n" + secret, empty message.
  EXPECT_EQ(body->getValue<std::string>("sign"), hmacSha256Base64(timestamp + "\ntest-secret", ""));
}

TEST_F(FeishuBotThroughFakeProv, OverFivePerSecondIsRateLimitedWithTheHintAndThenDelivered) {
  std::vector<std::string> ids;
  for (int i = 0; i < 8; ++i) {
    ids.push_back(alert("host-" + std::to_string(i)));
  }
  size_t limited = 0;
  for (const std::string& id : ids) {
    auto message = waitForState(*client_, id, "delivered", 15000);
    ASSERT_EQ(message->getValue<std::string>("state"), "delivered") << id;
    for (const auto& event : eventsIn(message, "rate_limited")) {
      ++limited;
      EXPECT_EQ(event->getValue<std::string>("code"), "11232");
      const std::string detail = event->getValue<std::string>("detail");
      EXPECT_NE(detail.find("frequency limited"), std::string::npos) << detail;
      EXPECT_NE(detail.find("next attempt in 1000 ms"), std::string::npos) << detail;
    }
  }
  EXPECT_GE(limited, 1U) << "eight messages within a second should trip the 5/s limit";
  EXPECT_EQ(fake_.requests("feishu")->size(), 8U);  // each delivered exactly once
}

TEST_F(FeishuBotThroughFakeProv, WrongSecretIsAConfigurationProblem) {
  const std::string id = alert("db-2", "lark_wrong");
  auto message = waitForState(*client_, id, "failed");
  ASSERT_EQ(message->getValue<std::string>("state"), "failed");
  auto retries = eventsIn(message, "retrying");
  ASSERT_FALSE(retries.empty());
  EXPECT_EQ(retries.front()->getValue<std::string>("code"), "19021");
  EXPECT_EQ(fake_.requests("feishu")->size(), 0U);
}

TEST_F(FeishuBotThroughFakeProv, MissingKeywordIsRejectedAtOnce) {
  const std::string id = alert("db-3", "lark_kw");
  auto message = waitForState(*client_, id, "failed");
  ASSERT_EQ(message->getValue<std::string>("state"), "failed");
  EXPECT_EQ(message->getValue<int>("attempts"), 1);
  EXPECT_EQ(eventsIn(message, "failed").back()->getValue<std::string>("code"), "19024");
}

}  // namespace
}  // namespace notify::test
