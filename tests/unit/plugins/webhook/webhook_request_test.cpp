// SPDX-License-Identifier: Apache-2.0
// The webhook request as a pure function of message + config + clock: signature, headers,
// envelope and configuration checks. Crypto runs through the real host services.
#include "plugins/webhook/webhook_request.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/plugin/host_services.hpp"
#include "core/http/http_engine.hpp"
#include "support/json_object.hpp"
#include "unit/plugins/config_kv.hpp"
#include "unit/plugins/http_answers.hpp"
#include "unit/plugins/plugin_support.hpp"

namespace notify::plugin::webhook {
namespace {

using Poco::JSON::Object;
using test::ConfigKv;
using test::header;
using test::parseJson;
using test::RawMessage;
using test::sampleMessage;

// The Standard Webhooks published test vector (spec/standard-webhooks.md).
constexpr const char* kVectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kVectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr const char* kVectorTimestamp = "1614265330";
constexpr const char* kVectorBody = R"({"test": 2432232314})";
constexpr const char* kVectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
constexpr int64_t kNowMs = 1614265330000;

class WebhookRequestTest : public ::testing::Test {
 protected:
  WebhookConfig configure(std::map<std::string, std::string> values) {
    ConfigKv kv(std::move(values));
    return parseConfig(kv.config(), host_);
  }

  core::HostServices services_{"webhook-test", std::make_shared<core::HttpEngine>(),
                               [] { return kNowMs; }};
  sdk::Host host_{services_.api()};
};

TEST_F(WebhookRequestTest, SignsThePublishedStandardWebhooksVector) {
  const std::string key = decodeSecret(kVectorSecret, host_);
  EXPECT_EQ(key.size(), 24U);
  EXPECT_EQ(sign(host_, key, kVectorId, kVectorTimestamp, kVectorBody), kVectorSignature);
}

TEST_F(WebhookRequestTest, SignatureHeaderSignsIdTimestampAndTheExactBodySent) {
  const WebhookConfig config =
      configure({{"url", "https://hooks.example.com/in"}, {"secret", kVectorSecret}});
  core::OutboundMessage message = sampleMessage();
  message.id = kVectorId;
  const RawMessage raw(message);
  const WebhookRequest request =
      buildRequest(config, raw.message(), host_, kNowMs + 999);  // still second 1614265330

  EXPECT_EQ(header(request.headers, "webhook-id"), kVectorId);
  EXPECT_EQ(header(request.headers, "webhook-timestamp"), kVectorTimestamp);
  EXPECT_EQ(
      header(request.headers, "webhook-signature"),
      sign(host_, decodeSecret(kVectorSecret, host_), kVectorId, kVectorTimestamp, request.body));
  EXPECT_EQ(header(request.headers, "Content-Type"), "application/json");
}

TEST_F(WebhookRequestTest, RetryKeepsTheIdButStampsAndSignsTheNewAttempt) {
  const WebhookConfig config = configure({{"url", "http://h/x"}, {"secret", kVectorSecret}});
  core::OutboundMessage message = sampleMessage();
  const RawMessage firstAttempt(message);
  const WebhookRequest first = buildRequest(config, firstAttempt.message(), host_, kNowMs);
  message.attempt = 2;
  const RawMessage secondAttempt(message);
  const WebhookRequest second = buildRequest(config, secondAttempt.message(), host_, kNowMs + 5000);

  EXPECT_EQ(header(first.headers, "webhook-id"), header(second.headers, "webhook-id"));
  EXPECT_EQ(header(second.headers, "webhook-timestamp"), "1614265335");
  EXPECT_NE(header(first.headers, "webhook-signature"),
            header(second.headers, "webhook-signature"));
  EXPECT_EQ(parseJson(second.body)->getObject("data")->getValue<int>("attempt"), 2);
}

TEST_F(WebhookRequestTest, UnsignedWithoutSecretAndExtraHeadersAppended) {
  const WebhookConfig config =
      configure({{"url", "http://h/x"}, {"headers", "Authorization: Bearer abc\nX-Team:  ops "}});
  const RawMessage raw(sampleMessage());
  const WebhookRequest request = buildRequest(config, raw.message(), host_, kNowMs);

  EXPECT_EQ(header(request.headers, "webhook-signature"), "<absent>");
  EXPECT_EQ(header(request.headers, "Authorization"), "Bearer abc");
  EXPECT_EQ(header(request.headers, "X-Team"), "ops");
}

TEST_F(WebhookRequestTest, EnvelopeCarriesTypeTimestampAndMessage) {
  core::OutboundMessage message = sampleMessage();
  message.to = {{"user", "u-42"}, {"email", "ann@example.com"}};
  message.vars = {{"order", "A-1001"}, {"total", "9.90"}};
  message.attempt = 3;
  const RawMessage raw(message);
  const Object::Ptr root = parseJson(buildBody(raw.message(), "order.shipped", kNowMs + 7));

  EXPECT_EQ(root->getValue<std::string>("type"), "order.shipped");
  EXPECT_EQ(root->getValue<std::string>("timestamp"), "2021-02-25T15:02:10.007Z");
  const Object::Ptr data = root->getObject("data");
  EXPECT_EQ(data->getValue<std::string>("message_id"), message.id);
  EXPECT_EQ(data->getValue<std::string>("app"), "shop");
  EXPECT_EQ(data->getValue<std::string>("template"), "order_shipped");
  EXPECT_EQ(data->getValue<std::string>("channel"), "hooks");
  EXPECT_EQ(data->getObject("to")->getValue<std::string>("email"), "ann@example.com");
  EXPECT_EQ(data->getObject("to")->getValue<std::string>("user"), "u-42");
  EXPECT_EQ(data->getValue<std::string>("subject"), "Shipped");
  EXPECT_EQ(data->getValue<std::string>("body"), message.body);
  EXPECT_EQ(data->getObject("vars")->getValue<std::string>("total"), "9.90");
  EXPECT_EQ(data->getValue<int>("attempt"), 3);
}

TEST_F(WebhookRequestTest, EnvelopeEscapesTextAndKeepsUtf8) {
  core::OutboundMessage message = sampleMessage();
  message.subject = "line1\nline2\t\"quoted\"";
  message.body =
      std::string("back\\slash \x01 bell\x07 nul") + '\0' + " end \xE4\xBD\xA0\xE5\xA5\xBD";
  message.vars = {{"we\"ird", "C:\\path\r\n"}};
  const RawMessage raw(message);
  const std::string body = buildBody(raw.message(), "t", kNowMs);

  EXPECT_EQ(body.find('\n'), std::string::npos);
  EXPECT_NE(body.find(R"(\u0001)"), std::string::npos);
  EXPECT_NE(body.find("\xE4\xBD\xA0\xE5\xA5\xBD"), std::string::npos);  // UTF-8 kept verbatim
  const Object::Ptr data = parseJson(body)->getObject("data");
  EXPECT_EQ(data->getValue<std::string>("subject"), message.subject);
  EXPECT_EQ(data->getValue<std::string>("body"), message.body);
  EXPECT_EQ(data->getObject("vars")->getValue<std::string>("we\"ird"), "C:\\path\r\n");
}

TEST_F(WebhookRequestTest, ConfigDefaultsAndValues) {
  const WebhookConfig config = configure({{"url", "HTTPS://hooks.example.com:8443/in?x=1"},
                                          {"event_type", "order.shipped"},
                                          {"timeout_ms", "2500"}});
  EXPECT_EQ(config.url, "HTTPS://hooks.example.com:8443/in?x=1");
  EXPECT_EQ(config.eventType, "order.shipped");
  EXPECT_EQ(config.timeoutMs, 2500U);
  EXPECT_TRUE(config.signingKey.empty());
  EXPECT_EQ(configure({{"url", "http://h"}}).eventType, "notification.message");
  EXPECT_EQ(configure({{"url", "http://h"}}).timeoutMs, 10000U);
}

TEST_F(WebhookRequestTest, RejectsUrlsThatAreNotHttp) {
  for (const char* url : {"", "ftp://h/x", "hooks.example.com/in", "http://", "https:///path",
                          "http//h", "http://h/a b", "file:///etc/passwd"}) {
    EXPECT_THROW(configure({{"url", url}}), sdk::ConfigError) << url;
  }
}

TEST_F(WebhookRequestTest, RejectsMalformedSecrets) {
  for (const char* secret : {"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_!!!not-base64",
                             "v1,MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}) {
    EXPECT_THROW(configure({{"url", "http://h"}, {"secret", secret}}), sdk::ConfigError) << secret;
  }
  EXPECT_EQ(configure({{"url", "http://h"}, {"secret", std::string(kVectorSecret) + "\n"}})
                .signingKey.size(),
            24U);
}

TEST_F(WebhookRequestTest, RejectsBadHeadersAndTimeouts) {
  for (const char* headers : {"NoColon", ": empty-name", "Bad Name: x", "webhook-id: mine",
                              "Content-Type: text/plain", "WEBHOOK-SIGNATURE: v1,x"}) {
    EXPECT_THROW(configure({{"url", "http://h"}, {"headers", headers}}), sdk::ConfigError)
        << headers;
  }
  for (const char* timeout : {"0", "-5", "ten"}) {
    EXPECT_THROW(configure({{"url", "http://h"}, {"timeout_ms", timeout}}), sdk::ConfigError)
        << timeout;
  }
  EXPECT_THROW(configure({{"url", "http://h"}, {"event_type", ""}}), sdk::ConfigError);
}

}  // namespace
}  // namespace notify::plugin::webhook
