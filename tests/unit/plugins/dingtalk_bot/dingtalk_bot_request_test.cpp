// SPDX-License-Identifier: Apache-2.0
// The DingTalk robot request as a pure function of message + config + clock: the signature
// against the hand-checked vector in providers.md, the signed URL and the message bodies.
#include "plugins/dingtalk_bot/dingtalk_bot_request.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "core/plugin/host_services.hpp"
#include "core/http/http_engine.hpp"
#include "support/json_object.hpp"
#include "unit/plugins/config_kv.hpp"
#include "unit/plugins/plugin_support.hpp"

namespace notify::plugin::dingtalk_bot {
namespace {

using Poco::JSON::Object;
using test::parseJson;

// providers.md §4: ts 1700000000000 (milliseconds), secret SECtest0123456789abcdef.
constexpr int64_t kNowMs = 1700000000000;
constexpr const char* kSecret = "SECtest0123456789abcdef";
constexpr const char* kSign = "/lfnxUUu80FwVTsIlv2F1cMGBb+PxEKAwYh/bsRxXcc=";
constexpr const char* kSignEncoded = "%2FlfnxUUu80FwVTsIlv2F1cMGBb%2BPxEKAwYh%2FbsRxXcc%3D";

class DingTalkRequestTest : public ::testing::Test {
 protected:
  RobotConfig configure(std::map<std::string, std::string> values) {
    test::ConfigKv kv(std::move(values));
    return parseConfig(kv.config());
  }

  Object::Ptr bodyOf(core::OutboundMessage message) {
    const test::RawMessage raw(std::move(message));
    const RobotRequest request = buildBody(raw.message());
    EXPECT_TRUE(request.error.empty()) << request.error;
    return parseJson(request.body);
  }

  core::HostServices services_{"dingtalk-test", std::make_shared<core::HttpEngine>(),
                               [] { return kNowMs; }};
  sdk::Host host_{services_.api()};
};

TEST_F(DingTalkRequestTest, SignsTheHandCheckedVectorWithTheSecretAsKey) {
  EXPECT_EQ(sign(host_, "1700000000000", kSecret), kSign);
  EXPECT_EQ(host_.urlEncode(sign(host_, "1700000000000", kSecret)), kSignEncoded);
  // Feishu's order (the string as key, empty message) is a different value.
  EXPECT_NE(host_.base64(host_.hmacSha256(std::string("1700000000000\n") + kSecret, "")), kSign);
}

TEST_F(DingTalkRequestTest, SignedUrlCarriesTokenMillisecondTimestampAndEncodedSign) {
  const RobotConfig config = configure({{"access_token", "abc123\n"}, {"secret", kSecret}});
  const test::RawMessage raw(test::sampleMessage());
  const RobotRequest request = buildRequest(config, raw.message(), host_, kNowMs);
  EXPECT_EQ(request.url, std::string("https://oapi.dingtalk.com/robot/send?access_token=abc123"
                                     "&timestamp=1700000000000&sign=") +
                             kSignEncoded);
  const Object::Ptr body = parseJson(request.body);
  EXPECT_EQ(body->getValue<std::string>("msgtype"), "text");
  EXPECT_EQ(body->getObject("text")->getValue<std::string>("content"),
            "Shipped\nYour order is on its way");
}

TEST_F(DingTalkRequestTest, UnsignedRobotUrlHasOnlyTheToken) {
  const RobotConfig config =
      configure({{"access_token", "a+b"}, {"base_url", "http://127.0.0.1:9/dingtalk"}});
  const test::RawMessage raw(test::sampleMessage());
  EXPECT_EQ(buildRequest(config, raw.message(), host_, kNowMs).url,
            "http://127.0.0.1:9/dingtalk/robot/send?access_token=a%2Bb");
}

TEST_F(DingTalkRequestTest, MarkdownAndActionCardTakeTheSubjectAsTitle) {
  core::OutboundMessage message = test::sampleMessage();
  message.body = "## Order\n**A-1001** is on its way";
  message.attrs = {{"msg_type", "markdown"}};
  const Object::Ptr markdown = bodyOf(message)->getObject("markdown");
  EXPECT_EQ(markdown->getValue<std::string>("title"), "Shipped");
  EXPECT_EQ(markdown->getValue<std::string>("text"), message.body);

  message.attrs = {
      {"msg_type", "action_card"}, {"url", "https://shop.example/o/1"}, {"button", "Track"}};
  message.subject.clear();
  const Object::Ptr root = bodyOf(message);
  EXPECT_EQ(root->getValue<std::string>("msgtype"), "actionCard");
  const Object::Ptr card = root->getObject("actionCard");
  EXPECT_EQ(card->getValue<std::string>("title"), "## Order");  // the body's first line
  EXPECT_EQ(card->getValue<std::string>("singleTitle"), "Track");
  EXPECT_EQ(card->getValue<std::string>("singleURL"), "https://shop.example/o/1");
}

TEST_F(DingTalkRequestTest, UnsendableMessagesAreReported) {
  core::OutboundMessage message = test::sampleMessage();
  message.attrs = {{"msg_type", "action_card"}};
  const test::RawMessage noUrl(message);
  EXPECT_NE(buildBody(noUrl.message()).error.find("url"), std::string::npos);
  message.attrs = {{"msg_type", "feedCard"}};
  const test::RawMessage unknown(message);
  EXPECT_NE(buildBody(unknown.message()).error.find("feedCard"), std::string::npos);
}

TEST_F(DingTalkRequestTest, ConfigurationChecks) {
  EXPECT_THROW(configure({}), sdk::ConfigError);
  EXPECT_THROW(configure({{"access_token", " \n"}}), sdk::ConfigError);
  EXPECT_THROW(configure({{"access_token", "t"}, {"base_url", "oapi.dingtalk.com"}}),
               sdk::ConfigError);
  EXPECT_EQ(configure({{"access_token", "t"}, {"base_url", "https://x.example//"}}).baseUrl,
            "https://x.example");
}

}  // namespace
}  // namespace notify::plugin::dingtalk_bot
