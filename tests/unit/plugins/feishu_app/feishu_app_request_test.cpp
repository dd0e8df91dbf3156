// SPDX-License-Identifier: Apache-2.0
// The Feishu app requests as pure functions of message + config + token: the token request,
// the im/v1 message with its JSON-encoded content and uuid, recipients and configuration.
#include "plugins/feishu_app/feishu_app_request.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "support/json_object.hpp"
#include "unit/plugins/config_kv.hpp"
#include "unit/plugins/http_answers.hpp"
#include "unit/plugins/plugin_support.hpp"

namespace notify::plugin::feishu_app {
namespace {

using Poco::JSON::Object;
using test::header;
using test::parseJson;

AppConfig configure(std::map<std::string, std::string> values) {
  values.emplace("app_id", "cli_a1");
  values.emplace("app_secret", "s3cret\n");
  test::ConfigKv kv(std::move(values));
  return parseConfig(kv.config());
}

TEST(FeishuAppRequestTest, TokenRequestCarriesTheAppCredentials) {
  const AppRequest request = buildTokenRequest(configure({{"base_url", "http://h:1/feishu/"}}));
  EXPECT_EQ(request.url, "http://h:1/feishu/open-apis/auth/v3/tenant_access_token/internal");
  const Object::Ptr body = parseJson(request.body);
  EXPECT_EQ(body->getValue<std::string>("app_id"), "cli_a1");
  EXPECT_EQ(body->getValue<std::string>("app_secret"), "s3cret");
}

TEST(FeishuAppRequestTest, MessageHasBearerTokenJsonEncodedContentAndTheIdAsUuid) {
  core::OutboundMessage message = test::sampleMessage();
  message.to = {{"user", "ou_7d8a6e"}};
  message.body = "say \"hi\"\nbye";
  const test::RawMessage raw(message);
  const AppRequest request = buildSendRequest(configure({}), raw.message(), "t-abc");

  ASSERT_TRUE(request.error.empty()) << request.error;
  EXPECT_EQ(request.url, "https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=open_id");
  EXPECT_EQ(header(request.headers, "Authorization"), "Bearer t-abc");
  EXPECT_EQ(header(request.headers, "Content-Type"), "application/json; charset=utf-8");
  const Object::Ptr body = parseJson(request.body);
  EXPECT_EQ(body->getValue<std::string>("receive_id"), "ou_7d8a6e");
  EXPECT_EQ(body->getValue<std::string>("msg_type"), "text");
  EXPECT_EQ(body->getValue<std::string>("uuid"), message.id);
  // content is a string holding JSON, not an object.
  ASSERT_TRUE(body->get("content").isString());
  EXPECT_EQ(parseJson(body->getValue<std::string>("content"))->getValue<std::string>("text"),
            "Shipped\nsay \"hi\"\nbye");
}

TEST(FeishuAppRequestTest, CardTravelsAsAStringAndLongIdsAreNotSentAsUuid) {
  core::OutboundMessage message = test::sampleMessage();
  message.id = std::string(51, 'x');
  message.attrs = {{"msg_type", "interactive"}};
  message.body = R"({"elements":[{"tag":"markdown","content":"**A**"}]})";
  const test::RawMessage raw(message);
  const Object::Ptr body = parseJson(buildSendRequest(configure({}), raw.message(), "t").body);
  EXPECT_EQ(body->getValue<std::string>("msg_type"), "interactive");
  EXPECT_EQ(body->getValue<std::string>("content"), message.body);
  EXPECT_FALSE(body->has("uuid"));
}

TEST(FeishuAppRequestTest, EmailReceiveIdTypeAddressesToEmail) {
  core::OutboundMessage message = test::sampleMessage();
  message.to = {{"user", "ou_1"}, {"email", "ann@example.com"}};
  const test::RawMessage raw(message);
  const AppRequest request =
      buildSendRequest(configure({{"receive_id_type", "email"}}), raw.message(), "t");
  EXPECT_EQ(request.url.substr(request.url.find('?')), "?receive_id_type=email");
  EXPECT_EQ(parseJson(request.body)->getValue<std::string>("receive_id"), "ann@example.com");
}

TEST(FeishuAppRequestTest, MissingRecipientOrBadContentIsReported) {
  core::OutboundMessage message = test::sampleMessage();
  message.to = {{"email", "ann@example.com"}};
  const test::RawMessage noUser(message);
  EXPECT_NE(buildSendRequest(configure({}), noUser.message(), "t").error.find("to.user"),
            std::string::npos);
  message.to = {{"user", "ou_1"}};
  message.attrs = {{"msg_type", "interactive"}};
  const test::RawMessage badCard(message);
  EXPECT_FALSE(buildSendRequest(configure({}), badCard.message(), "t").error.empty());
}

TEST(FeishuAppRequestTest, ConfigurationChecks) {
  EXPECT_THROW(configure({{"receive_id_type", "phone"}}), sdk::ConfigError);
  EXPECT_THROW(configure({{"app_secret", ""}}), sdk::ConfigError);  // emplace keeps this one
  EXPECT_EQ(configure({}).receiveIdType, "open_id");
  EXPECT_EQ(configure({}).appSecret, "s3cret");
}

}  // namespace
}  // namespace notify::plugin::feishu_app
