// SPDX-License-Identifier: Apache-2.0
// The Feishu content formats both Feishu channels send (plugins/common/feishu_content).
#include "plugins/common/feishu_content.hpp"

#include <gtest/gtest.h>

#include "support/json_object.hpp"
#include "unit/plugins/http_answers.hpp"
#include "unit/plugins/plugin_support.hpp"

namespace notify::plugin::common::feishu {
namespace {

using Poco::JSON::Object;
using test::parseJson;

Content contentOf(core::OutboundMessage message) {
  const test::RawMessage raw(std::move(message));
  return buildContent(raw.message());
}

TEST(FeishuContentTest, TextIsTheBodyUnderTheSubjectAndSurvivesQuotesAndNewlines) {
  core::OutboundMessage message = test::sampleMessage();
  message.body = "line \"1\"\nline\\2\t\xE4\xB8\x96";
  const Content content = contentOf(message);
  ASSERT_TRUE(content.error.empty());
  EXPECT_EQ(content.msgType, "text");
  EXPECT_EQ(parseJson(content.json)->getValue<std::string>("text"), "Shipped\n" + message.body);
}

TEST(FeishuContentTest, PostHasTheTitleAndOneParagraphPerLine) {
  core::OutboundMessage message = test::sampleMessage();
  message.body = "first\r\nsecond";
  message.attrs = {{"msg_type", "post"}, {"title", "Order A-1"}, {"locale", "en_us"}};
  const Content content = contentOf(message);
  ASSERT_TRUE(content.error.empty());
  const Object::Ptr post = parseJson(content.json)->getObject("en_us");
  EXPECT_EQ(post->getValue<std::string>("title"), "Order A-1");
  const auto paragraphs = post->getArray("content");
  ASSERT_EQ(paragraphs->size(), 2U);
  const auto second = paragraphs->getArray(1)->getObject(0);
  EXPECT_EQ(second->getValue<std::string>("tag"), "text");
  EXPECT_EQ(second->getValue<std::string>("text"), "second");
  EXPECT_EQ(paragraphs->getArray(0)->getObject(0)->getValue<std::string>("text"), "first");
}

TEST(FeishuContentTest, CardComesFromAttrOrBodyAndMustBeAJsonObject) {
  core::OutboundMessage message = test::sampleMessage();
  message.attrs = {{"msg_type", "interactive"}, {"card", R"({"header":{"title":"x"}})"}};
  EXPECT_EQ(contentOf(message).json, R"({"header":{"title":"x"}})");
  message.attrs = {{"msg_type", "interactive"}};
  message.body = R"(["not", "an object"])";
  EXPECT_FALSE(contentOf(message).error.empty());
  message.attrs = {{"msg_type", "image"}};
  EXPECT_NE(contentOf(message).error.find("image"), std::string::npos);
}

TEST(FeishuContentTest, RateLimitResetHeaderIsSecondsWithAFallback) {
  EXPECT_EQ(
      rateLimitResetMs(test::httpAnswer(429, "", {{"x-ogw-ratelimit-reset", "3"}}).response, 1000),
      3000);
  EXPECT_EQ(rateLimitResetMs(test::httpAnswer(429, "").response, 1000), 1000);
  EXPECT_EQ(rateLimitResetMs(
                test::httpAnswer(429, "", {{"x-ogw-ratelimit-reset", "soon"}}).response, 1000),
            1000);
}

}  // namespace
}  // namespace notify::plugin::common::feishu
