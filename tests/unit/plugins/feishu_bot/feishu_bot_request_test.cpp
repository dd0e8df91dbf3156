// SPDX-License-Identifier: Apache-2.0
// The Feishu custom-bot request as a pure function of message + config + clock: the signature
// against the hand-checked vector in providers.md, the URL, the body and configuration checks.
#include "plugins/feishu_bot/feishu_bot_request.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "core/plugin/host_services.hpp"
#include "core/http/http_engine.hpp"
#include "support/json_object.hpp"
#include "unit/plugins/config_kv.hpp"
#include "unit/plugins/plugin_support.hpp"

namespace notify::plugin::feishu_bot {
namespace {

using Poco::JSON::Object;
using test::parseJson;

// providers.md §3: ts 1599360473, secret test-secret.
constexpr const char* kTimestamp = "1599360473";
constexpr const char* kSecret = "test-secret";
constexpr const char* kFeishuSign = "wSds2BzzFIIGf/WrhUO+NI1q/9j+FRJd3JNHKAq0NZY=";
constexpr const char* kDingTalkStyleSign = "bwOSU6XMEexAHKuyN31krxa2lbNEg4trOnn0f+E2pPs=";
constexpr int64_t kNowMs = 1599360473456;

class FeishuBotRequestTest : public ::testing::Test {
 protected:
  BotConfig configure(std::map<std::string, std::string> values) {
    test::ConfigKv kv(std::move(values));
    return parseConfig(kv.config());
  }

  core::HostServices services_{"feishu-bot-test", std::make_shared<core::HttpEngine>(),
                               [] { return kNowMs; }};
  sdk::Host host_{services_.api()};
};

TEST_F(FeishuBotRequestTest, SignsTheHandCheckedVectorWithTheStringAsKeyOverAnEmptyMessage) {
  EXPECT_EQ(sign(host_, kTimestamp, kSecret), kFeishuSign);
  // DingTalk's order (key = secret, message = the string) gives another value: the common bug.
  const std::string dingTalkStyle =
      host_.base64(host_.hmacSha256(kSecret, std::string(kTimestamp) + "\n" + kSecret));
  EXPECT_EQ(dingTalkStyle, kDingTalkStyleSign);
  EXPECT_NE(sign(host_, kTimestamp, kSecret), dingTalkStyle);
}

TEST_F(FeishuBotRequestTest, SignedTextMessageGoesToTheHookUrlWithTimestampInSeconds) {
  const BotConfig config = configure({{"token", "hook-token\n"}, {"secret", kSecret}});
  const test::RawMessage raw(test::sampleMessage());
  const BotRequest request = buildRequest(config, raw.message(), host_, kNowMs);

  ASSERT_TRUE(request.error.empty()) << request.error;
  EXPECT_EQ(request.url, "https://open.feishu.cn/open-apis/bot/v2/hook/hook-token");
  const Object::Ptr body = parseJson(request.body);
  EXPECT_EQ(body->getValue<std::string>("timestamp"), kTimestamp);
  EXPECT_EQ(body->getValue<std::string>("sign"), kFeishuSign);
  EXPECT_EQ(body->getValue<std::string>("msg_type"), "text");
  EXPECT_EQ(body->getObject("content")->getValue<std::string>("text"),
            "Shipped\nYour order is on its way");
}

TEST_F(FeishuBotRequestTest, UnsignedBotSendsNoTimestampOrSign) {
  const BotConfig config = configure({{"token", "t"}, {"base_url", "http://127.0.0.1:9/feishu/"}});
  core::OutboundMessage message = test::sampleMessage();
  message.subject.clear();
  const test::RawMessage raw(message);
  const BotRequest request = buildRequest(config, raw.message(), host_, kNowMs);

  EXPECT_EQ(request.url, "http://127.0.0.1:9/feishu/open-apis/bot/v2/hook/t");
  const Object::Ptr body = parseJson(request.body);
  EXPECT_FALSE(body->has("timestamp"));
  EXPECT_FALSE(body->has("sign"));
  EXPECT_EQ(body->getObject("content")->getValue<std::string>("text"), message.body);
}

TEST_F(FeishuBotRequestTest, PostIsWrappedInContentPostAndCardSitsAtTheTopLevel) {
  const BotConfig config = configure({{"token", "t"}});
  core::OutboundMessage message = test::sampleMessage();
  message.attrs = {{"msg_type", "post"}};
  const test::RawMessage post(message);
  const Object::Ptr postBody = parseJson(buildRequest(config, post.message(), host_, kNowMs).body);
  EXPECT_EQ(postBody->getValue<std::string>("msg_type"), "post");
  EXPECT_EQ(
      postBody->getObject("content")->getObject("post")->getObject("zh_cn")->getValue<std::string>(
          "title"),
      "Shipped");

  message.attrs = {{"msg_type", "interactive"}};
  message.body = R"({"elements":[{"tag":"div","text":{"tag":"plain_text","content":"A \"1\""}}]})";
  const test::RawMessage card(message);
  const Object::Ptr cardBody = parseJson(buildRequest(config, card.message(), host_, kNowMs).body);
  EXPECT_EQ(cardBody->getValue<std::string>("msg_type"), "interactive");
  EXPECT_FALSE(cardBody->has("content"));
  EXPECT_EQ(cardBody->getObject("card")->getArray("elements")->size(), 1U);
}

TEST_F(FeishuBotRequestTest, InvalidCardIsReportedInsteadOfSent) {
  const BotConfig config = configure({{"token", "t"}});
  core::OutboundMessage message = test::sampleMessage();
  message.attrs = {{"msg_type", "card"}};
  message.body = R"({"elements": [ broken)";
  const test::RawMessage raw(message);
  const BotRequest request = buildRequest(config, raw.message(), host_, kNowMs);
  EXPECT_NE(request.error.find("JSON object"), std::string::npos) << request.error;
  EXPECT_TRUE(request.body.empty());
}

TEST_F(FeishuBotRequestTest, ConfigurationChecksNameTheKey) {
  EXPECT_THROW(configure({}), sdk::ConfigError);
  EXPECT_THROW(configure({{"token", "a/b"}}), sdk::ConfigError);
  EXPECT_THROW(configure({{"token", "t"}, {"base_url", "ftp://x"}}), sdk::ConfigError);
  EXPECT_THROW(configure({{"token", "t"}, {"timeout_ms", "0"}}), sdk::ConfigError);
  try {
    configure({{"token", "t"}, {"base_url", "open.feishu.cn"}});
    FAIL() << "expected ConfigError";
  } catch (const sdk::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("base_url"), std::string::npos);
  }
}

}  // namespace
}  // namespace notify::plugin::feishu_bot
