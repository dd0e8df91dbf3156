// SPDX-License-Identifier: Apache-2.0
// The WeCom app requests as pure functions of message + config: gettoken URL, message/send
// URL and body, recipients, byte limits, configuration checks.
#include "plugins/wecom_app/wecom_app_request.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "core/plugin/host_services.hpp"
#include "core/http/http_engine.hpp"
#include "support/json_object.hpp"
#include "unit/plugins/config_kv.hpp"
#include "unit/plugins/plugin_support.hpp"

namespace notify::plugin::wecom_app {
namespace {

using Poco::JSON::Object;
using test::parseJson;

AppConfig configure(std::map<std::string, std::string> values) {
  values.emplace("corp_id", "ww1234");
  values.emplace("corp_secret", "s3cr+t/=\n");
  values.emplace("agent_id", "1000002");
  test::ConfigKv kv(std::move(values));
  return parseConfig(kv.config());
}

AppMessage build(const core::OutboundMessage& message) {
  const test::RawMessage raw(message);
  return buildMessage(configure({}), raw.message());
}

class WecomAppRequestTest : public ::testing::Test {
 protected:
  core::HostServices services_{"wecom-app-test", std::make_shared<core::HttpEngine>()};
  sdk::Host host_{services_.api()};
};

TEST_F(WecomAppRequestTest, TokenUrlCarriesTheEncodedCorpCredentials) {
  EXPECT_EQ(tokenUrl(configure({{"base_url", "http://h:1/wecom"}}), host_),
            "http://h:1/wecom/cgi-bin/gettoken?corpid=ww1234&corpsecret=s3cr%2Bt%2F%3D");
  EXPECT_EQ(sendUrl(configure({}), "tok/1", host_),
            "https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=tok%2F1");
}

TEST_F(WecomAppRequestTest, TextMessageToTheUsersAsTheAgent) {
  core::OutboundMessage message = test::sampleMessage();
  message.to = {{"user", "ZhangSan|lisi"}};
  const AppMessage built = build(message);
  ASSERT_FALSE(built.refusal);
  const Object::Ptr body = parseJson(built.body);
  EXPECT_EQ(body->getValue<std::string>("touser"), "ZhangSan|lisi");
  EXPECT_EQ(body->getValue<std::string>("msgtype"), "text");
  EXPECT_EQ(body->getValue<int64_t>("agentid"), 1000002);
  EXPECT_EQ(body->getObject("text")->getValue<std::string>("content"),
            "Shipped\nYour order is on its way");
  EXPECT_EQ(body->getValue<int>("safe"), 0);
}

TEST_F(WecomAppRequestTest, MarkdownOnRequest) {
  core::OutboundMessage message = test::sampleMessage();
  message.attrs = {{"msg_type", "markdown"}};
  const Object::Ptr body = parseJson(build(message).body);
  EXPECT_EQ(body->getValue<std::string>("msgtype"), "markdown");
  EXPECT_EQ(body->getObject("markdown")->getValue<std::string>("content"),
            "**Shipped**\nYour order is on its way");
}

TEST_F(WecomAppRequestTest, MessagesThatCannotBeSentAreRefused) {
  core::OutboundMessage noUser = test::sampleMessage();
  noUser.to = {{"user", " | "}};
  EXPECT_EQ(build(noUser).refusal->providerCode, "no_recipient");

  core::OutboundMessage tooLong = test::sampleMessage();
  tooLong.subject.clear();
  tooLong.body = std::string(kContentMaxBytes + 1, 'x');
  EXPECT_EQ(build(tooLong).refusal->providerCode, "content_too_long");
  EXPECT_EQ(build(tooLong).refusal->status, NOTIFY_REJECTED);

  core::OutboundMessage card = test::sampleMessage();
  card.attrs = {{"msg_type", "textcard"}};
  EXPECT_EQ(build(card).refusal->providerCode, "unsupported_msg_type");
}

TEST_F(WecomAppRequestTest, ConfigurationIsChecked) {
  EXPECT_EQ(configure({}).corpSecret, "s3cr+t/=");
  EXPECT_THROW(configure({{"agent_id", "0"}}), sdk::ConfigError);
  EXPECT_THROW(configure({{"corp_id", ""}}), sdk::ConfigError);
  EXPECT_THROW(configure({{"base_url", "qyapi.weixin.qq.com"}}), sdk::ConfigError);
}

}  // namespace
}  // namespace notify::plugin::wecom_app
