// SPDX-License-Identifier: Apache-2.0
// The WeChat template message as a pure function of message + config: token and send URLs,
// touser/template_id/data/url/miniprogram/client_msg_id, refusals, configuration checks.
#include "plugins/wechat_mp/wechat_mp_request.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "core/plugin/host_services.hpp"
#include "core/http/http_engine.hpp"
#include "support/json_object.hpp"
#include "unit/plugins/config_kv.hpp"
#include "unit/plugins/plugin_support.hpp"

namespace notify::plugin::wechat_mp {
namespace {

using Poco::JSON::Object;
using test::parseJson;

MpConfig configure(std::map<std::string, std::string> values) {
  values.emplace("app_id", "wx0123");
  values.emplace("app_secret", "app&secret\n");
  test::ConfigKv kv(std::move(values));
  return parseConfig(kv.config());
}

core::OutboundMessage templateMessage() {
  core::OutboundMessage message = test::sampleMessage();
  message.to = {{"user", "oXyz-openid"}};
  message.vars = {{"order", "A-1001"}, {"eta", "Friday"}};
  message.attrs = {{"template_id", "TPL_ORDER_SHIPPED"}};
  return message;
}

MpMessage build(const core::OutboundMessage& message) {
  const test::RawMessage raw(message);
  return buildMessage(raw.message());
}

TEST(WechatMpRequestTest, UrlsCarryTheEncodedCredentialsAndToken) {
  core::HostServices services("wechat-test", std::make_shared<core::HttpEngine>());
  const sdk::Host host(services.api());
  EXPECT_EQ(tokenUrl(configure({{"base_url", "http://h:1/wechat"}}), host),
            "http://h:1/wechat/cgi-bin/token?grant_type=client_credential&appid=wx0123"
            "&secret=app%26secret");
  EXPECT_EQ(sendUrl(configure({}), "T", host),
            "https://api.weixin.qq.com/cgi-bin/message/template/send?access_token=T");
}

TEST(WechatMpRequestTest, EveryVariableBecomesAKeywordAndTheIdTheClientMsgId) {
  const MpMessage built = build(templateMessage());
  ASSERT_FALSE(built.refusal);
  const Object::Ptr body = parseJson(built.body);
  EXPECT_EQ(body->getValue<std::string>("touser"), "oXyz-openid");
  EXPECT_EQ(body->getValue<std::string>("template_id"), "TPL_ORDER_SHIPPED");
  EXPECT_EQ(body->getValue<std::string>("client_msg_id"), test::sampleMessage().id);
  const Object::Ptr data = body->getObject("data");
  EXPECT_EQ(data->size(), 2U);
  EXPECT_EQ(data->getObject("order")->getValue<std::string>("value"), "A-1001");
  EXPECT_EQ(data->getObject("eta")->getValue<std::string>("value"), "Friday");
  EXPECT_FALSE(body->has("url"));
  EXPECT_FALSE(body->has("miniprogram"));
}

TEST(WechatMpRequestTest, ParamsAttrLimitsTheKeywordsAndUrlAndMiniprogramAreAdded) {
  core::OutboundMessage message = templateMessage();
  message.attrs = {{"template_id", "T2"},
                   {"params", "order"},
                   {"url", "https://shop.example.com/o/A-1001"},
                   {"miniprogram_appid", "wxmini"},
                   {"miniprogram_pagepath", "pages/order?id=1"}};
  const Object::Ptr body = parseJson(build(message).body);
  EXPECT_EQ(body->getObject("data")->size(), 1U);
  EXPECT_TRUE(body->getObject("data")->has("order"));
  EXPECT_EQ(body->getValue<std::string>("url"), "https://shop.example.com/o/A-1001");
  EXPECT_EQ(body->getObject("miniprogram")->getValue<std::string>("pagepath"), "pages/order?id=1");
}

TEST(WechatMpRequestTest, MessagesThatCannotBeSentAreRefused) {
  core::OutboundMessage noOpenid = templateMessage();
  noOpenid.to = {{"email", "a@b.c"}};
  EXPECT_EQ(build(noOpenid).refusal->providerCode, "no_recipient");
  core::OutboundMessage noTemplate = templateMessage();
  noTemplate.attrs.clear();
  EXPECT_EQ(build(noTemplate).refusal->providerCode, "no_template_id");
  core::OutboundMessage missing = templateMessage();
  missing.attrs.emplace_back("params", "order,coupon");
  const MpMessage refused = build(missing);
  EXPECT_EQ(refused.refusal->providerCode, "missing_param");
  EXPECT_NE(refused.refusal->detail.find("coupon"), std::string::npos);
}

TEST(WechatMpRequestTest, ConfigurationIsChecked) {
  EXPECT_EQ(configure({}).appSecret, "app&secret");
  EXPECT_EQ(configure({}).baseUrl, "https://api.weixin.qq.com");
  EXPECT_THROW(configure({{"app_id", " "}}), sdk::ConfigError);
  EXPECT_THROW(configure({{"timeout_ms", "-5"}}), sdk::ConfigError);
}

}  // namespace
}  // namespace notify::plugin::wechat_mp
