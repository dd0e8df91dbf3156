// SPDX-License-Identifier: Apache-2.0
// The webhook plugin through the real daemon against notify-fakeprov's Standard Webhooks
// consumer, which verifies the signature itself: delivery, and the transport faults the
// dispatcher must survive (5xx, dropped connection, slow answer past the timeout).
#include <gtest/gtest.h>

#include "support/fakeprov_daemon_test.hpp"

namespace notify::test {
namespace {

// writeDaemonConfig's provider "hook" uses the webhook plugin with kWebhookSecret, the same
// secret fakeprov's webhook consumer expects by default, and FakeProvDaemonTest points it at
// the fake's /webhook/hook.
class WebhookThroughFakeProv : public FakeProvDaemonTest {
 protected:
  void SetUp() override { startDaemon(""); }

  std::string send(const std::string& name) {
    return FakeProvDaemonTest::send("greeting", R"({"user":"u1"})", R"({"name":")" + name + "\"}");
  }
};

TEST_F(WebhookThroughFakeProv, ProviderVerifiesTheSignatureAndRecordsTheDelivery) {
  std::string id = send("Ann");
  ASSERT_TRUE(fake_.waitForRequests("webhook", 1, 10000));
  auto recorded = fake_.requests("webhook")->getObject(0);
  EXPECT_EQ(recorded->getValue<std::string>("note"), "delivered");
  EXPECT_EQ(recorded->getObject("headers")->getValue<std::string>("webhook-id"), id);
  auto message = waitForState(*client_, id, "delivered");
  EXPECT_EQ(message->getValue<std::string>("state"), "delivered");
}

TEST_F(WebhookThroughFakeProv, ServerErrorIsRetriedWithTheSameWebhookId) {
  fake_.control("faults", R"({"provider":"webhook","kind":"status","status":503})");
  std::string id = send("Bo");
  auto message = waitForState(*client_, id, "delivered");
  EXPECT_EQ(eventStates(message), (std::vector<std::string>{"accepted", "queued", "sending",
                                                            "retrying", "sending", "delivered"}));
}

TEST_F(WebhookThroughFakeProv, DroppedConnectionIsRetried) {
  fake_.control("faults", R"({"provider":"webhook","kind":"drop"})");
  std::string id = send("Cy");
  auto message = waitForState(*client_, id, "delivered");
  EXPECT_EQ(message->getValue<int>("attempts"), 2);
}

TEST_F(WebhookThroughFakeProv, SlowProviderHitsTheSendTimeoutAndIsRetried) {
  // The test config's send_timeout_ms is 2000: a 3 s answer is a timeout.
  fake_.control("faults", R"({"provider":"webhook","kind":"slow","delay_ms":3000})");
  std::string id = send("Di");
  auto message = waitForState(*client_, id, "delivered", 15000);
  ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
  auto events = message->getArray("events");
  std::string retryDetail = events->getObject(3)->getValue<std::string>("detail");
  EXPECT_NE(retryDetail.find("timeout"), std::string::npos) << retryDetail;
}

}  // namespace
}  // namespace notify::test
