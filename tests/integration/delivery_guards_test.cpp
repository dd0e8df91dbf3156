// SPDX-License-Identifier: Apache-2.0
// The core's per-provider protections through a real daemon: rate limits that are never
// exceeded, fail-over along the channel's provider chain, and circuit breakers.
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "support/daemon_process.hpp"
#include "support/fakeprov_process.hpp"
#include "support/test_client.hpp"
#include "support/test_config.hpp"
#include "support/webhook_receiver.hpp"

namespace notify::test {
namespace {

class DeliveryGuards : public ::testing::Test {
 protected:
  void start(const std::string& extra) {
    port_ = freeLoopbackPort();
    auto config = writeDaemonConfig(dir_, port_, receiver_.url(), extra);
    daemon_ = std::make_unique<DaemonProcess>(config, endpointFor(port_));
    daemon_->start();
    client_ = std::make_unique<TestClient>(endpointFor(port_));
  }

  void TearDown() override {
    if (HasFailure() && daemon_) {
      std::cerr << daemon_->log();
    }
  }

  std::string send(const std::string& templateName) {
    auto reply = client_->request(sendFrame(templateName, R"({"user":"u"})", R"({"name":"N"})"));
    EXPECT_TRUE(reply->getValue<bool>("ok"));
    return reply->getValue<std::string>("message_id");
  }

  TempDir dir_;
  WebhookReceiver receiver_{kWebhookSecret};
  int port_ = 0;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(DeliveryGuards, RateLimitIsNeverExceededAndWaitingMessagesAreRateLimited) {
  start(R"(
[providers.limited]
plugin = "webhook"
url = ")" +
        receiver_.url() + R"("
secret = "file:webhook.secret"
rate_limits = ["4/1s"]

[channels.limited]
providers = ["limited"]

[templates.limited]
vars = ["name"]
[templates.limited.content.limited]
body = "Hi {{name}}"
)");
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) {
    ids.push_back(send("limited"));
  }
  ASSERT_TRUE(receiver_.waitFor(12, 15000));
  bool sawRateLimited = false;
  for (const auto& id : ids) {
    auto message = waitForState(*client_, id, "delivered");
    ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
    auto states = eventStates(message);
    sawRateLimited |= std::count(states.begin(), states.end(), "rate_limited") > 0;
    EXPECT_EQ(message->getValue<int>("attempts"), 1);  // waiting for a permit costs no attempt
  }
  EXPECT_TRUE(sawRateLimited);
  std::vector<int64_t> sentAt;
  for (const auto& hook : receiver_.received()) {
    sentAt.push_back(hook.receivedAtMs);
  }
  std::sort(sentAt.begin(), sentAt.end());
  // Grants are exact (unit-tested); arrival times here also carry the scheduling jitter between
  // a grant and the request reaching the receiver, which the limiter's 5 ms margin absorbs on a
  // quiet machine. The tolerance keeps a loaded CI machine from failing on that jitter alone.
  constexpr int64_t kJitterToleranceMs = 40;
  for (size_t i = 4; i < sentAt.size(); ++i) {
    EXPECT_GE(sentAt[i] - sentAt[i - 4], 1000 - kJitterToleranceMs)
        << "5 sends within one second at " << i;
  }
}

TEST_F(DeliveryGuards, FailsOverAlongTheChainAndOpensTheCircuitOfABrokenProvider) {
  int closed = freeLoopbackPort();
  start(R"(
[providers.broken]
plugin = "webhook"
url = "http://127.0.0.1:)" +
        std::to_string(closed) + R"(/down"
secret = "file:webhook.secret"
circuit_failures = 1
circuit_cooldown_ms = 60000

[providers.backup]
plugin = "webhook"
url = ")" +
        receiver_.url() + R"("
secret = "file:webhook.secret"

[channels.chain]
providers = ["broken", "backup"]

[templates.chained]
vars = ["name"]
[templates.chained.content.chain]
body = "Hi {{name}}"
)");
  std::string first = send("chained");
  auto message = waitForState(*client_, first, "delivered");
  ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
  EXPECT_EQ(message->getValue<std::string>("provider"), "backup");
  EXPECT_EQ(message->getValue<int>("attempts"), 2);  // broken, then fail-over to backup

  // The broken provider's circuit is open now: the next message goes to backup at once.
  std::string second = send("chained");
  message = waitForState(*client_, second, "delivered");
  EXPECT_EQ(message->getValue<int>("attempts"), 1);
  EXPECT_EQ(message->getValue<std::string>("provider"), "backup");
}

TEST_F(DeliveryGuards, AMarketingBacklogDoesNotDelayALoginCode) {
  // Marketing goes to a server that accepts connections and never answers: every marketing
  // send holds a worker until its timeout.
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  start(R"(
[lanes.marketing]
workers = 2

[lanes.otp]
workers = 2

[providers.slow]
plugin = "webhook"
url = "http://127.0.0.1:)" +
        std::to_string(silent.address().port()) + R"(/never"
secret = "file:webhook.secret"
send_timeout_ms = 3000

[channels.bulk]
providers = ["slow"]

[templates.campaign]
lane = "marketing"
vars = ["name"]
[templates.campaign.content.bulk]
body = "Sale, {{name}}!"

[templates.login_code]
lane = "otp"
vars = ["name"]
[templates.login_code.content.hooks]
body = "Code {{name}}"
)");
  for (int i = 0; i < 50; ++i) {
    send("campaign");
  }
  auto started = std::chrono::steady_clock::now();
  std::string code = send("login_code");
  auto message = waitForState(*client_, code, "delivered", 5000);
  auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
  EXPECT_EQ(message->getValue<std::string>("lane"), "otp");
  // Far below one marketing timeout (3 s): the otp lane never waited for marketing workers.
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 1500);
}

TEST_F(DeliveryGuards, AnOutageIsWaitedOutAndTheBacklogDrainsAtTheConfiguredRate) {
  FakeProvProcess fake;
  start(R"(
[lanes.patient]
max_attempts = 20

[providers.flaky]
plugin = "webhook"
url = ")" +
        fake.url("webhook") + R"(/hook"
secret = "file:webhook.secret"
rate_limits = ["10/1s"]
circuit_failures = 3
circuit_cooldown_ms = 200

[channels.flaky]
providers = ["flaky"]

[templates.flaky]
lane = "patient"
vars = ["name"]
[templates.flaky.content.flaky]
body = "Hi {{name}}"
)");
  // The provider is down for its next 6 requests.
  fake.control("faults", R"({"provider":"webhook","kind":"status","status":503,"count":6})");
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i) {
    ids.push_back(send("flaky"));
  }
  // Another channel is not held up by the outage.
  std::string other = send("greeting");
  auto otherMessage = waitForState(*client_, other, "delivered", 3000);
  EXPECT_EQ(otherMessage->getValue<std::string>("state"), "delivered")
      << client_
             ->request(R"({"op":"status","app":"test","token":"test-token","message_id":")" +
                       other + "\"}")
             ->get("message")
             .toString();
  for (const auto& id : ids) {
    auto message = waitForState(*client_, id, "delivered", 20000);
    EXPECT_EQ(message->getValue<std::string>("state"), "delivered") << id;
  }
  // After the outage the backlog drains no faster than 10 per second at the provider.
  std::vector<int64_t> arrivals;
  auto recorded = fake.requests("webhook");
  for (size_t i = 0; i < recorded->size(); ++i) {
    arrivals.push_back(recorded->getObject(static_cast<unsigned>(i))->getValue<int64_t>("at_ms"));
  }
  ASSERT_EQ(arrivals.size(), 30u);  // the fake records accepted requests only
  std::sort(arrivals.begin(), arrivals.end());
  constexpr int64_t kJitterToleranceMs = 40;  // see RateLimitIsNeverExceeded…
  for (size_t i = 10; i < arrivals.size(); ++i) {
    EXPECT_GE(arrivals[i] - arrivals[i - 10], 1000 - kJitterToleranceMs) << i;
  }
}

}  // namespace
}  // namespace notify::test
