// SPDX-License-Identifier: Apache-2.0
// The built channel_webhook.so, loaded and driven the way notifyd runs it, against a local
// endpoint: what the receiver gets and what outcome the host is told.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/json_object.hpp"
#include "support/webhook_receiver.hpp"
#include "unit/plugins/plugin_support.hpp"
#include "unit/plugins/webhook/recording_http_server.hpp"

namespace notify::test {
namespace {

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr int64_t kNowMs = 1700000000123;

class WebhookChannelTest : public ::testing::Test {
 protected:
  std::unique_ptr<core::ChannelInstance> create(core::KeyValues config) {
    auto created = createInstance(library_, std::move(config), kNowMs);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? std::move(created).value() : nullptr;
  }

  std::shared_ptr<const core::PluginLibrary> library_ = loadPlugin(NOTIFY_WEBHOOK_PLUGIN_PATH);
  RecordingHttpServer server_;
};

TEST_F(WebhookChannelTest, DescriptorNamesTheLibraryAndAllowsConcurrentSends) {
  const core::PluginInfo& info = library_->info();
  EXPECT_EQ(info.name, "webhook");
  EXPECT_NE(info.flags & NOTIFY_CHANNEL_THREADSAFE_SEND, 0U);
  ASSERT_EQ(info.params.size(), 5U);
  EXPECT_EQ(info.params[0].name, "url");
  EXPECT_TRUE(info.params[0].required);
  EXPECT_EQ(info.params[1].type, NOTIFY_PARAM_SECRET);
}

TEST_F(WebhookChannelTest, BadUrlOrSecretFailsCreateAsBadConfig) {
  auto badUrl = createInstance(library_, {{"url", "ftp://example.com/in"}}, kNowMs);
  ASSERT_FALSE(badUrl.ok());
  EXPECT_EQ(badUrl.error().code, "bad_config");
  EXPECT_NE(badUrl.error().message.find("url"), std::string::npos);

  auto badSecret =
      createInstance(library_, {{"url", server_.url("/in")}, {"secret", "not-a-whsec"}}, kNowMs);
  ASSERT_FALSE(badSecret.ok());
  EXPECT_EQ(badSecret.error().code, "bad_config");
  EXPECT_NE(badSecret.error().message.find("secret"), std::string::npos);
}

TEST_F(WebhookChannelTest, PostsASignedEnvelopeAndReportsDelivery) {
  auto channel = create({{"url", server_.url("/hooks/in?src=notify")},
                         {"secret", kSecret},
                         {"event_type", "order.shipped"},
                         {"headers", "X-Team: ops"}});
  ASSERT_NE(channel, nullptr);
  core::OutboundMessage message = sampleMessage();
  message.body = "Ihr Paket \"A-1\" ist unterwegs \xE2\x9C\x93";

  const core::SendOutcome outcome = channel->send(message);
  EXPECT_EQ(outcome.status, NOTIFY_DELIVERED) << outcome.detail;
  EXPECT_EQ(outcome.providerCode, "200");

  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1U);
  const auto& seen = requests[0];
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.uri, "/hooks/in?src=notify");
  EXPECT_EQ(seen.headers.at("content-type"), "application/json");
  EXPECT_EQ(seen.headers.at("webhook-id"), message.id);
  EXPECT_EQ(seen.headers.at("webhook-timestamp"), "1700000000");
  EXPECT_EQ(seen.headers.at("x-team"), "ops");
  // The receiver's check, by code independent of the plugin's, over the bytes it received.
  EXPECT_EQ(seen.headers.at("webhook-signature"),
            standardWebhookSignature(kSecret, message.id, "1700000000", seen.body));

  const auto root = parseJson(seen.body);
  EXPECT_EQ(root->getValue<std::string>("type"), "order.shipped");
  EXPECT_EQ(root->getValue<std::string>("timestamp"), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(root->getObject("data")->getValue<std::string>("body"), message.body);
}

TEST_F(WebhookChannelTest, ReceiverAnswersBecomeOutcomes) {
  auto channel = create({{"url", server_.url("/in")}});
  ASSERT_NE(channel, nullptr);
  const core::OutboundMessage message = sampleMessage();

  server_.setReply({503, {{"Retry-After", "3"}}, "overloaded"});
  core::SendOutcome outcome = channel->send(message);
  EXPECT_EQ(outcome.status, NOTIFY_RETRY);
  EXPECT_EQ(outcome.retryAfterMs, 3000);
  EXPECT_EQ(outcome.detail, "HTTP 503: overloaded");

  server_.setReply({429, {{"Retry-After", "20"}}, ""});
  outcome = channel->send(message);
  EXPECT_EQ(outcome.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(outcome.retryAfterMs, 20000);

  server_.setReply({410, {}, ""});
  outcome = channel->send(message);
  EXPECT_EQ(outcome.status, NOTIFY_REJECTED);
  EXPECT_EQ(outcome.providerCode, "410");

  server_.setReply({302, {{"Location", "http://127.0.0.1:1/elsewhere"}}, ""});
  EXPECT_EQ(channel->send(message).status, NOTIFY_REJECTED);
  EXPECT_EQ(server_.requests().size(), 4U);  // the redirect was not followed
}

TEST_F(WebhookChannelTest, UnreachableEndpointIsRetried) {
  auto channel = create({{"url", "http://127.0.0.1:1/in"}, {"timeout_ms", "2000"}});
  ASSERT_NE(channel, nullptr);
  const core::SendOutcome outcome = channel->send(sampleMessage());
  EXPECT_EQ(outcome.status, NOTIFY_RETRY);
  EXPECT_FALSE(outcome.detail.empty());
}

}  // namespace
}  // namespace notify::test
