// SPDX-License-Identifier: Apache-2.0
// An ok ack means the message is committed: kill -9 the daemon after the acks and before any
// delivery, restart it, and every acked message is delivered exactly once.
#include <gtest/gtest.h>

#include <set>

#include "support/daemon_process.hpp"
#include "support/test_client.hpp"
#include "support/test_config.hpp"
#include "support/webhook_receiver.hpp"

namespace notify::test {
namespace {

TEST(Durability, AckedMessagesSurviveKill9AndAreDeliveredExactlyOnce) {
  TempDir dir;
  WebhookReceiver receiver(kWebhookSecret);
  int port = freeLoopbackPort();
  auto config = writeDaemonConfig(dir, port, receiver.url());
  std::set<std::string> acked;
  {
    // Ingress only: messages are stored and acked, nothing is delivered yet.
    DaemonProcess ingress(config, endpointFor(port), {"--roles", "ingress"});
    ingress.start();
    TestClient client(endpointFor(port));
    for (int i = 0; i < 200; ++i) {
      auto reply = client.request(
          sendFrame("greeting", R"({"user":"u)" + std::to_string(i) + "\"}", R"({"name":"N"})"));
      ASSERT_TRUE(reply->getValue<bool>("ok"));
      acked.insert(reply->getValue<std::string>("message_id"));
    }
    ingress.kill9();
  }
  EXPECT_TRUE(receiver.received().empty());

  DaemonProcess full(config, endpointFor(port));
  full.start();
  ASSERT_TRUE(receiver.waitFor(acked.size(), 30000)) << full.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // any duplicate would show now
  std::multiset<std::string> delivered;
  for (const auto& hook : receiver.received()) {
    delivered.insert(hook.id);
  }
  EXPECT_EQ(delivered.size(), acked.size());
  for (const auto& id : acked) {
    EXPECT_EQ(delivered.count(id), 1u) << id;
  }
}

}  // namespace
}  // namespace notify::test
