// SPDX-License-Identifier: Apache-2.0
// The WhatsApp Cloud API request as a pure function of message + config: URL, bearer token,
// text and template bodies, the message id as callback data, configuration checks.
#include "plugins/whatsapp/whatsapp_request.hpp"

#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <map>

#include "support/json_object.hpp"
#include "unit/plugins/config_kv.hpp"
#include "unit/plugins/http_answers.hpp"
#include "unit/plugins/plugin_support.hpp"

namespace notify::plugin::whatsapp {
namespace {

using Poco::JSON::Object;
using test::header;
using test::parseJson;

WaConfig configure(std::map<std::string, std::string> values) {
  values.emplace("phone_number_id", "106540352242922");
  values.emplace("access_token", "EAAG-token\n");
  test::ConfigKv kv(std::move(values));
  return parseConfig(kv.config());
}

WaRequest build(const core::OutboundMessage& message, const WaConfig& config = configure({})) {
  const test::RawMessage raw(message);
  return buildRequest(config, raw.message());
}

core::OutboundMessage phoneMessage() {
  core::OutboundMessage message = test::sampleMessage();
  message.to = {{"phone", "+16505551234"}};
  return message;
}

TEST(WhatsappRequestTest, TextMessageToThePhoneWithBearerToken) {
  const WaRequest request = build(phoneMessage());
  ASSERT_FALSE(request.refusal);
  EXPECT_EQ(request.url, "https://graph.facebook.com/v19.0/106540352242922/messages");
  EXPECT_EQ(header(request.headers, "Authorization"), "Bearer EAAG-token");
  EXPECT_EQ(header(request.headers, "Content-Type"), "application/json");
  const Object::Ptr body = parseJson(request.body);
  EXPECT_EQ(body->getValue<std::string>("messaging_product"), "whatsapp");
  EXPECT_EQ(body->getValue<std::string>("recipient_type"), "individual");
  EXPECT_EQ(body->getValue<std::string>("to"), "+16505551234");
  EXPECT_EQ(body->getValue<std::string>("type"), "text");
  EXPECT_FALSE(body->getObject("text")->getValue<bool>("preview_url"));
  EXPECT_EQ(body->getObject("text")->getValue<std::string>("body"),
            "Shipped\nYour order is on its way");
  EXPECT_EQ(body->getValue<std::string>("biz_opaque_callback_data"), test::sampleMessage().id);
}

TEST(WhatsappRequestTest, TemplateMessageWithOrderedBodyParameters) {
  core::OutboundMessage message = phoneMessage();
  message.vars = {{"order", "A-1001"}, {"eta", "Friday"}};
  message.attrs = {{"template_id", "order_update"}, {"language", "de"}, {"params", "eta,order"}};
  const Object::Ptr body = parseJson(build(message).body);
  EXPECT_EQ(body->getValue<std::string>("type"), "template");
  EXPECT_FALSE(body->has("text"));
  const Object::Ptr tpl = body->getObject("template");
  EXPECT_EQ(tpl->getValue<std::string>("name"), "order_update");
  EXPECT_EQ(tpl->getObject("language")->getValue<std::string>("code"), "de");
  const Object::Ptr component = tpl->getArray("components")->getObject(0);
  EXPECT_EQ(component->getValue<std::string>("type"), "body");
  const auto parameters = component->getArray("parameters");
  ASSERT_EQ(parameters->size(), 2U);
  EXPECT_EQ(parameters->getObject(0)->getValue<std::string>("type"), "text");
  EXPECT_EQ(parameters->getObject(0)->getValue<std::string>("text"), "Friday");
  EXPECT_EQ(parameters->getObject(1)->getValue<std::string>("text"), "A-1001");
}

TEST(WhatsappRequestTest, TemplateWithoutParamsHasNoComponentsAndDefaultLanguage) {
  core::OutboundMessage message = phoneMessage();
  message.attrs = {{"template_id", "hello_world"}};
  const Object::Ptr tpl = parseJson(build(message).body)->getObject("template");
  EXPECT_EQ(tpl->getObject("language")->getValue<std::string>("code"), "en_US");
  EXPECT_FALSE(tpl->has("components"));
}

TEST(WhatsappRequestTest, MessagesThatCannotBeSentAreRefused) {
  EXPECT_EQ(build(test::sampleMessage()).refusal->providerCode, "no_recipient");  // to.user only
  core::OutboundMessage missing = phoneMessage();
  missing.attrs = {{"template_id", "order_update"}, {"params", "order,eta"}};
  missing.vars = {{"order", "A-1"}};
  EXPECT_EQ(build(missing).refusal->providerCode, "missing_param");
  core::OutboundMessage empty = phoneMessage();
  empty.subject.clear();
  empty.body.clear();
  EXPECT_EQ(build(empty).refusal->providerCode, "empty_content");
}

TEST(WhatsappRequestTest, ConfigurationIsChecked) {
  const WaConfig custom =
      configure({{"base_url", "http://127.0.0.1:1/whatsapp/"}, {"api_version", "v21.0"}});
  EXPECT_EQ(build(phoneMessage(), custom).url,
            "http://127.0.0.1:1/whatsapp/v21.0/106540352242922/messages");
  EXPECT_THROW(configure({{"api_version", "19"}}), sdk::ConfigError);
  EXPECT_THROW(configure({{"phone_number_id", "+1 650 555"}}), sdk::ConfigError);
  EXPECT_THROW(configure({{"access_token", "\n"}}), sdk::ConfigError);
}

}  // namespace
}  // namespace notify::plugin::whatsapp
