// SPDX-License-Identifier: Apache-2.0
// The built channel_webhook.so, loaded and driven through the C ABI against a local endpoint:
// what the receiver gets and what outcome the host is told.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

#include "core/plugin/host_services.hpp"
#include "core/plugin/http_client_pool.hpp"
#include "plugins/webhook/webhook_request.hpp"
#include "unit/plugins/plugin_harness.hpp"
#include "unit/plugins/webhook/recording_http_server.hpp"

namespace notify::test {
namespace {

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr int64_t kNowMs = 1700000000123;

class WebhookChannelTest : public ::testing::Test {
 protected:
  std::unique_ptr<PluginInstance> create(std::map<std::string, std::string> config) {
    return std::make_unique<PluginInstance>(plugin_.descriptor(), services_.api(),
                                            std::move(config));
  }

  LoadedPlugin plugin_{NOTIFY_WEBHOOK_PLUGIN_PATH};
  core::HostServices services_{"hooks", std::make_shared<core::HttpClientPool>(),
                               [] { return kNowMs; }};
  RecordingHttpServer server_;
};

TEST_F(WebhookChannelTest, DescriptorNamesTheLibraryAndAllowsConcurrentSends) {
  const notify_channel_v1& descriptor = plugin_.descriptor();
  EXPECT_STREQ(descriptor.name, "webhook");
  EXPECT_EQ(descriptor.abi_major, static_cast<uint32_t>(NOTIFY_ABI_MAJOR));
  EXPECT_NE(descriptor.flags & NOTIFY_CHANNEL_THREADSAFE_SEND, 0U);
  EXPECT_STREQ(descriptor.params[0].name, "url");
  EXPECT_EQ(descriptor.params[0].required, 1);
  EXPECT_EQ(descriptor.params[1].type, NOTIFY_PARAM_SECRET);
}

TEST_F(WebhookChannelTest, BadUrlOrSecretFailsCreateAsBadConfig) {
  auto badUrl = create({{"url", "ftp://example.com/in"}});
  EXPECT_EQ(badUrl->createStatus(), NOTIFY_BAD_CONFIG);
  EXPECT_NE(badUrl->createError().find("url"), std::string::npos);

  auto badSecret = create({{"url", server_.url("/in")}, {"secret", "not-a-whsec"}});
  EXPECT_EQ(badSecret->createStatus(), NOTIFY_BAD_CONFIG);
  EXPECT_NE(badSecret->createError().find("secret"), std::string::npos);
}

TEST_F(WebhookChannelTest, PostsASignedEnvelopeAndReportsDelivery) {
  auto channel = create({{"url", server_.url("/hooks/in?src=notify")},
                         {"secret", kSecret},
                         {"event_type", "order.shipped"},
                         {"headers", "X-Team: ops"}});
  ASSERT_EQ(channel->createStatus(), NOTIFY_DELIVERED) << channel->createError();
  TestMessage message;
  message.body = "Ihr Paket \"A-1\" ist unterwegs \xE2\x9C\x93";

  const SendResult result = channel->send(message);
  EXPECT_EQ(result.status, NOTIFY_DELIVERED) << result.detail;
  EXPECT_EQ(result.code, "200");

  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1U);
  const auto& seen = requests[0];
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.uri, "/hooks/in?src=notify");
  EXPECT_EQ(seen.headers.at("content-type"), "application/json");
  EXPECT_EQ(seen.headers.at("webhook-id"), message.id);
  EXPECT_EQ(seen.headers.at("webhook-timestamp"), "1700000000");
  EXPECT_EQ(seen.headers.at("x-team"), "ops");
  // The receiver's check: recompute over the bytes it received.
  sdk::Host host(services_.api());
  const std::string key = plugin::webhook::decodeSecret(kSecret, host);
  EXPECT_EQ(seen.headers.at("webhook-signature"),
            plugin::webhook::sign(host, key, message.id, "1700000000", seen.body));

  const auto root = Poco::JSON::Parser().parse(seen.body).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(root->getValue<std::string>("type"), "order.shipped");
  EXPECT_EQ(root->getValue<std::string>("timestamp"), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(root->getObject("data")->getValue<std::string>("body"), message.body);
}

TEST_F(WebhookChannelTest, ReceiverAnswersBecomeOutcomes) {
  auto channel = create({{"url", server_.url("/in")}});
  ASSERT_EQ(channel->createStatus(), NOTIFY_DELIVERED) << channel->createError();
  TestMessage message;

  server_.setReply({503, {{"Retry-After", "3"}}, "overloaded"});
  SendResult result = channel->send(message);
  EXPECT_EQ(result.status, NOTIFY_RETRY);
  EXPECT_EQ(result.retryAfterMs, 3000);
  EXPECT_EQ(result.detail, "HTTP 503: overloaded");

  server_.setReply({429, {{"Retry-After", "20"}}, ""});
  result = channel->send(message);
  EXPECT_EQ(result.status, NOTIFY_RATE_LIMITED);
  EXPECT_EQ(result.retryAfterMs, 20000);

  server_.setReply({410, {}, ""});
  result = channel->send(message);
  EXPECT_EQ(result.status, NOTIFY_REJECTED);
  EXPECT_EQ(result.code, "410");

  server_.setReply({302, {{"Location", "http://127.0.0.1:1/elsewhere"}}, ""});
  EXPECT_EQ(channel->send(message).status, NOTIFY_REJECTED);
  EXPECT_EQ(server_.requests().size(), 4U);  // the redirect was not followed
}

TEST_F(WebhookChannelTest, UnreachableEndpointIsRetried) {
  auto channel = create({{"url", "http://127.0.0.1:1/in"}, {"timeout_ms", "2000"}});
  ASSERT_EQ(channel->createStatus(), NOTIFY_DELIVERED) << channel->createError();
  TestMessage message;
  const SendResult result = channel->send(message);
  EXPECT_EQ(result.status, NOTIFY_RETRY);
  EXPECT_FALSE(result.detail.empty());
}

}  // namespace
}  // namespace notify::test
