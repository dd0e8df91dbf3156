// SPDX-License-Identifier: Apache-2.0
// A routing rule's provider chain reaches the dispatcher: attempt 1 goes to the rule's first
// provider and the retry fails over to the next one, although the channel's own chain differs.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include "support/daemon_process.hpp"
#include "support/test_client.hpp"
#include "support/test_config.hpp"
#include "support/webhook_receiver.hpp"

namespace notify::test {
namespace {

using Poco::JSON::Object;

// "broken" posts to a port nothing listens on: every attempt there is a transient failure.
const std::string kRoutes = R"(
[providers.broken]
plugin = "webhook"
url = "http://127.0.0.1:1/hook"
secret = "file:webhook.secret"

[[routes]]
name = "greeting-failover"
template = ["greeting"]
channel = "hooks"
providers = ["broken", "hook"]
)";

TEST(Routing, RoutedChainFailsOverInItsOwnOrder) {
  TempDir dir;
  WebhookReceiver receiver(kWebhookSecret);
  int port = freeLoopbackPort();
  DaemonProcess daemon(writeDaemonConfig(dir, port, receiver.url(), kRoutes), endpointFor(port));
  daemon.start();
  TestClient client(endpointFor(port));

  Object::Ptr reply =
      client.request(sendFrame("greeting", R"({"user":"u-1"})", R"({"name":"Ann"})"));
  ASSERT_TRUE(reply->getValue<bool>("ok")) << reply->get("error").toString();
  Object::Ptr message =
      waitForState(client, reply->getValue<std::string>("message_id"), "delivered");
  ASSERT_TRUE(message && message->getValue<std::string>("state") == "delivered")
      << daemon.log();
  EXPECT_EQ(message->getValue<std::string>("provider"), "hook");
  EXPECT_EQ(message->getValue<int>("attempts"), 2);
  std::vector<std::string> providers;  // the provider of each attempt's outcome, in order
  std::string queuedDetail;
  auto events = message->getArray("events");
  for (size_t i = 0; i < events->size(); ++i) {
    auto e = events->getObject(static_cast<unsigned>(i));
    std::string state = e->getValue<std::string>("state");
    if (state == "queued") {
      queuedDetail = e->optValue<std::string>("detail", "");
    }
    if (state == "retrying" || state == "delivered") {
      providers.push_back(e->optValue<std::string>("provider", ""));
    }
  }
  EXPECT_EQ(providers, (std::vector<std::string>{"broken", "hook"}));
  EXPECT_NE(queuedDetail.find("rule 'greeting-failover'"), std::string::npos) << queuedDetail;
  EXPECT_EQ(receiver.received().size(), 1u);
}

}  // namespace
}  // namespace notify::test
