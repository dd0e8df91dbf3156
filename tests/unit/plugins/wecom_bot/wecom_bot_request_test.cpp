// SPDX-License-Identifier: Apache-2.0
// The WeCom robot request as a pure function of message + config: URL with the key, text and
// markdown bodies, mentions, byte limits, configuration checks.
#include "plugins/wecom_bot/wecom_bot_request.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "core/plugin/host_services.hpp"
#include "core/http/http_engine.hpp"
#include "support/json_object.hpp"
#include "unit/plugins/config_kv.hpp"
#include "unit/plugins/plugin_support.hpp"

namespace notify::plugin::wecom_bot {
namespace {

using Poco::JSON::Object;
using test::parseJson;

class WecomBotRequestTest : public ::testing::Test {
 protected:
  BotConfig configure(std::map<std::string, std::string> values) {
    values.emplace("key", "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa\n");
    test::ConfigKv kv(std::move(values));
    return parseConfig(kv.config());
  }

  BotRequest build(const core::OutboundMessage& message, const BotConfig& config) {
    const test::RawMessage raw(message);
    return buildRequest(config, raw.message(), host_);
  }

  core::HostServices services_{"wecom-bot-test", std::make_shared<core::HttpEngine>()};
  sdk::Host host_{services_.api()};
};

TEST_F(WecomBotRequestTest, TextMessageWithMentionsGoesToTheKeysWebhook) {
  core::OutboundMessage message = test::sampleMessage();
  message.attrs = {{"mentions", "wangqing, @all"}, {"mention_mobiles", "13800001111"}};
  const BotRequest request = build(message, configure({{"base_url", "http://127.0.0.1:9/wecom/"}}));
  ASSERT_FALSE(request.refusal);
  EXPECT_EQ(request.url,
            "http://127.0.0.1:9/wecom/cgi-bin/webhook/send?key="
            "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa");
  const Object::Ptr body = parseJson(request.body);
  EXPECT_EQ(body->getValue<std::string>("msgtype"), "text");
  const Object::Ptr text = body->getObject("text");
  EXPECT_EQ(text->getValue<std::string>("content"), "Shipped\nYour order is on its way");
  EXPECT_EQ(text->getArray("mentioned_list")->size(), 2U);
  EXPECT_EQ(text->getArray("mentioned_list")->getElement<std::string>(1), "@all");
  EXPECT_EQ(text->getArray("mentioned_mobile_list")->getElement<std::string>(0), "13800001111");
}

TEST_F(WecomBotRequestTest, DefaultEndpointAndNoMentionListsWithoutTheAttrs) {
  const BotRequest request = build(test::sampleMessage(), configure({}));
  EXPECT_EQ(request.url.rfind("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=", 0), 0U);
  EXPECT_FALSE(parseJson(request.body)->getObject("text")->has("mentioned_list"));
}

TEST_F(WecomBotRequestTest, KeyIsUrlEncoded) {
  const BotRequest request = build(test::sampleMessage(), configure({{"key", "a b&c"}}));
  EXPECT_NE(request.url.find("key=a%20b%26c"), std::string::npos) << request.url;
}

TEST_F(WecomBotRequestTest, MarkdownHasABoldSubjectAndNoMentions) {
  core::OutboundMessage message = test::sampleMessage();
  message.attrs = {{"msg_type", "markdown"}, {"mentions", "@all"}};
  const Object::Ptr body = parseJson(build(message, configure({})).body);
  EXPECT_EQ(body->getValue<std::string>("msgtype"), "markdown");
  EXPECT_EQ(body->getObject("markdown")->getValue<std::string>("content"),
            "**Shipped**\nYour order is on its way");
  EXPECT_FALSE(body->getObject("markdown")->has("mentioned_list"));
}

TEST_F(WecomBotRequestTest, ContentOverTheByteLimitIsRejectedNotCut) {
  core::OutboundMessage message = test::sampleMessage();
  message.subject.clear();
  message.body = std::string(kTextMaxBytes, 'x');
  EXPECT_FALSE(build(message, configure({})).refusal);
  message.body += "y";
  const BotRequest tooLong = build(message, configure({}));
  ASSERT_TRUE(tooLong.refusal);
  EXPECT_EQ(tooLong.refusal->status, NOTIFY_REJECTED);
  EXPECT_EQ(tooLong.refusal->providerCode, "content_too_long");
  message.attrs = {{"msg_type", "markdown"}};  // markdown allows 4096 bytes
  EXPECT_FALSE(build(message, configure({})).refusal);
  // Bytes, not characters: 683 three-byte characters are 2049 bytes.
  message.attrs.clear();
  message.body.clear();
  for (int i = 0; i < 683; ++i) {
    message.body += "\xE4\xBD\xA0";
  }
  EXPECT_TRUE(build(message, configure({})).refusal);
}

TEST_F(WecomBotRequestTest, UnsupportedTypeOrEmptyTextIsRejected) {
  core::OutboundMessage message = test::sampleMessage();
  message.attrs = {{"msg_type", "news"}};
  EXPECT_EQ(build(message, configure({})).refusal->providerCode, "unsupported_msg_type");
  message.attrs.clear();
  message.subject.clear();
  message.body.clear();
  EXPECT_EQ(build(message, configure({})).refusal->providerCode, "empty_content");
}

TEST_F(WecomBotRequestTest, ConfigurationIsChecked) {
  EXPECT_EQ(configure({}).key, "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa");  // newline trimmed
  EXPECT_EQ(configure({}).timeoutMs, 10000U);
  EXPECT_THROW(configure({{"base_url", "ftp://x"}}), sdk::ConfigError);
  EXPECT_THROW(configure({{"key", " \n"}}), sdk::ConfigError);
  EXPECT_THROW(configure({{"timeout_ms", "0"}}), sdk::ConfigError);
}

}  // namespace
}  // namespace notify::plugin::wecom_bot
