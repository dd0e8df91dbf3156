// SPDX-License-Identifier: Apache-2.0
// The wechat_mp plugin through the real daemon against notify-fakeprov's WeChat Official
// Account API: an accepted template message carrying exactly the expected fields, unreachable
// followers and unknown templates failing with the provider's code, the one token refresh, and
// the per-minute quota.
#include "support/fakeprov_daemon_test.hpp"
#include "support/json_object.hpp"

namespace notify::test {
namespace {

using Poco::JSON::Object;

// The fake's default account: wxfakeappid00001 / wechat-app-secret, template
// TPL_ORDER_SHIPPED needing keywords order and eta; openids starting with "unsubscribed" have
// unfollowed.
class WechatMpThroughFakeProv : public FakeProvDaemonTest {
 protected:
  void SetUp() override {
    dir_.write("mp.secret", "wechat-app-secret\n");
    limited_ = std::make_unique<FakeProvProcess>(
        dir_.write("accounts.json", R"({"wechat": {"minute_quota": 1}})"));
    startDaemon(provider("mp", fake_.url("wechat")) +
                provider("mp_limited", limited_->url("wechat")) +
                R"(
[channels.wechat]
providers = ["mp"]
recipient = "user"

[channels.wechat_limited]
providers = ["mp_limited"]
recipient = "user"

[templates.shipped]
vars = ["order", "eta"]
default_channel = "wechat"

[templates.shipped.content.wechat]
body = "Order {{order}} arrives {{eta}}"
attrs = { template_id = "TPL_ORDER_SHIPPED", url = "https://shop.example.com/orders" }

[templates.shipped.content.wechat_limited]
body = "Order {{order}} arrives {{eta}}"
attrs = { template_id = "TPL_ORDER_SHIPPED" }

[templates.retired]
vars = ["order"]

[templates.retired.content.wechat]
body = "Order {{order}}"
attrs = { template_id = "TPL_GONE" }
)");
  }

  static std::string provider(const std::string& name, const std::string& base) {
    return "\n[providers." + name + "]\nplugin = \"wechat_mp\"\nbase_url = \"" + base +
           "\"\napp_id = \"wxfakeappid00001\"\napp_secret = \"file:mp.secret\"\n";
  }

  std::string shipped(const std::string& openid, const std::string& channel = "") {
    return send("shipped", R"({"user":")" + openid + "\"}", R"({"order":"A-1001","eta":"Friday"})",
                channel);
  }

  // The recorded template/send calls (token fetches are recorded too).
  static std::vector<Object::Ptr> templateSends(const FakeProvProcess& fake) {
    return recordedAt(fake, "wechat", "/cgi-bin/message/template/send");
  }

  std::unique_ptr<FakeProvProcess> limited_;
};

TEST_F(WechatMpThroughFakeProv, TemplateMessageIsProviderAcceptedWithTheExpectedFields) {
  const std::string id = shipped("oFollower1");
  auto message = waitForState(*client_, id, "provider_accepted");
  ASSERT_EQ(message->getValue<std::string>("state"), "provider_accepted");
  EXPECT_FALSE(message->getValue<std::string>("provider_message_id").empty());

  auto sends = templateSends(fake_);
  ASSERT_EQ(sends.size(), 1U);
  EXPECT_EQ(sends[0]->getValue<std::string>("note"), "accepted");
  EXPECT_EQ(sends[0]->getValue<std::string>("path"), "/cgi-bin/message/template/send");
  auto body = parseJson(sends[0]->getValue<std::string>("body"));
  EXPECT_EQ(body->getValue<std::string>("touser"), "oFollower1");
  EXPECT_EQ(body->getValue<std::string>("template_id"), "TPL_ORDER_SHIPPED");
  EXPECT_EQ(body->getValue<std::string>("client_msg_id"), id);
  EXPECT_EQ(body->getValue<std::string>("url"), "https://shop.example.com/orders");
  auto data = body->getObject("data");
  EXPECT_EQ(data->getObject("order")->getValue<std::string>("value"), "A-1001");
  EXPECT_EQ(data->getObject("eta")->getValue<std::string>("value"), "Friday");
  EXPECT_EQ(fake_.tokensIssued("wechat"), 1);
}

TEST_F(WechatMpThroughFakeProv, UnfollowedUserAndUnknownTemplateFailWithTheProviderCode) {
  auto unfollowed = waitForState(*client_, shipped("unsubscribed-42"), "failed");
  ASSERT_EQ(unfollowed->getValue<std::string>("state"), "failed");
  EXPECT_EQ(eventsIn(unfollowed, "failed").at(0)->getValue<std::string>("code"), "43004");

  const std::string retired = send("retired", R"({"user":"oFollower1"})", R"({"order":"A-1"})");
  auto message = waitForState(*client_, retired, "failed");
  ASSERT_EQ(message->getValue<std::string>("state"), "failed");
  EXPECT_EQ(eventsIn(message, "failed").at(0)->getValue<std::string>("code"), "40037");
  EXPECT_TRUE(templateSends(fake_).empty());
}

TEST_F(WechatMpThroughFakeProv, ExpiredTokenIsRefreshedExactlyOnceWithinTheSend) {
  ASSERT_EQ(
      waitForState(*client_, shipped("oA"), "provider_accepted")->getValue<std::string>("state"),
      "provider_accepted");
  ASSERT_EQ(fake_.tokensIssued("wechat"), 1);
  fake_.control("tokens/expire", R"({"provider":"wechat"})");

  auto message = waitForState(*client_, shipped("oB"), "provider_accepted");
  ASSERT_EQ(message->getValue<std::string>("state"), "provider_accepted");
  EXPECT_EQ(fake_.tokensIssued("wechat"), 2);
  EXPECT_EQ(eventStates(message),
            (std::vector<std::string>{"accepted", "queued", "sending", "provider_accepted"}));
  EXPECT_EQ(templateSends(fake_).size(), 2U);
}

TEST_F(WechatMpThroughFakeProv, MinuteQuotaIsRateLimitedForAMinute) {
  ASSERT_EQ(waitForState(*client_, shipped("oA", "wechat_limited"), "provider_accepted")
                ->getValue<std::string>("state"),
            "provider_accepted");
  auto message = waitForState(*client_, shipped("oB", "wechat_limited"), "rate_limited");
  ASSERT_EQ(message->getValue<std::string>("state"), "rate_limited");
  auto event = eventsIn(message, "rate_limited").at(0);
  EXPECT_EQ(event->getValue<std::string>("code"), "45011");
  const std::string detail = event->getValue<std::string>("detail");
  EXPECT_NE(detail.find("next attempt in 60000 ms"), std::string::npos) << detail;
}

}  // namespace
}  // namespace notify::test
