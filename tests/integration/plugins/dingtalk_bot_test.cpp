// SPDX-License-Identifier: Apache-2.0
// The dingtalk_bot plugin through the real daemon against notify-fakeprov's DingTalk robot,
// which verifies the signature itself: delivery, and the 20-per-minute limit after which the
// robot is blocked for 10 minutes (130101, rate limited, not a delivery failure).
#include <chrono>
#include <map>

#include "support/fakeprov_daemon_test.hpp"
#include "support/json_object.hpp"

namespace notify::test {
namespace {

using Poco::JSON::Object;

// The fake's default robot "test-ding-token" signs with "SECtest0123456789abcdef".
class DingTalkBotThroughFakeProv : public FakeProvDaemonTest {
 protected:
  void SetUp() override {
    dir_.write("ding.token", "test-ding-token\n");
    dir_.write("ding.secret", "SECtest0123456789abcdef\n");
    startDaemon(R"(
[providers.ding]
plugin = "dingtalk_bot"
base_url = ")" + fake_.url("dingtalk") +
                R"("
access_token = "file:ding.token"
secret = "file:ding.secret"

[channels.dingtalk]
providers = ["ding"]

[templates.alert]
vars = ["name"]

[templates.alert.content.dingtalk]
subject = "Alert"
body = "Disk full on {{name}}"
)");
  }

  std::string alert(const std::string& name) {
    return send("alert", R"({"group":"ops"})", R"({"name":")" + name + "\"}");
  }
};

TEST_F(DingTalkBotThroughFakeProv, SignedTextIsDeliveredAsRecorded) {
  auto message = waitForState(*client_, alert("db-1"), "delivered");
  ASSERT_EQ(message->getValue<std::string>("state"), "delivered");

  auto recorded = fake_.requests("dingtalk");
  ASSERT_EQ(recorded->size(), 1U);
  auto request = recorded->getObject(0);
  EXPECT_EQ(request->getValue<std::string>("path"), "/robot/send");
  auto query = request->getObject("query");  // URL-decoded by the fake
  EXPECT_EQ(query->getValue<std::string>("access_token"), "test-ding-token");
  const std::string timestamp = query->getValue<std::string>("timestamp");
  const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  EXPECT_LE(std::llabs(std::stoll(timestamp) - nowMs), 60000);  // milliseconds
  // DingTalk's scheme, recomputed here: key = secret, message = timestamp + "\n" + secret.
  EXPECT_EQ(query->getValue<std::string>("sign"),
            hmacSha256Base64("SECtest0123456789abcdef", timestamp + "\nSECtest0123456789abcdef"));
  auto body = parseJson(request->getValue<std::string>("body"));
  EXPECT_EQ(body->getValue<std::string>("msgtype"), "text");
  EXPECT_EQ(body->getObject("text")->getValue<std::string>("content"), "Alert\nDisk full on db-1");
}

TEST_F(DingTalkBotThroughFakeProv, TwentyFirstMessageInAMinuteIsRateLimitedForTenMinutes) {
  std::vector<std::string> ids;
  for (int i = 0; i < 21; ++i) {
    ids.push_back(alert("host-" + std::to_string(i)));
  }
  std::map<std::string, int> states;
  Poco::JSON::Object::Ptr limited;
  for (const std::string& id : ids) {
    auto message = waitForAnyState(id, {"delivered", "rate_limited", "failed"});
    ASSERT_TRUE(message);
    const std::string state = message->getValue<std::string>("state");
    ++states[state];
    if (state == "rate_limited") {
      limited = message;
    }
  }
  EXPECT_EQ(states["delivered"], 20);
  EXPECT_EQ(states["rate_limited"], 1);
  EXPECT_EQ(states["failed"], 0);
  EXPECT_EQ(fake_.requests("dingtalk")->size(), 20U);
  ASSERT_TRUE(limited);
  auto event = eventsIn(limited, "rate_limited").back();
  EXPECT_EQ(event->getValue<std::string>("code"), "130101");
  const std::string detail = event->getValue<std::string>("detail");
  EXPECT_NE(detail.find("send too fast"), std::string::npos) << detail;
  EXPECT_NE(detail.find("next attempt in 600000 ms"), std::string::npos) << detail;
}

}  // namespace
}  // namespace notify::test
