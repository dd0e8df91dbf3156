// SPDX-License-Identifier: Apache-2.0
// Scheduled sends and cancel through a real notifyd running on a shifted test clock: a message
// with send_at leaves on time and not before, and cancel stops it while it waits.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <iostream>

#include "core/common/time.hpp"
#include "support/daemon_process.hpp"
#include "support/shared_clock.hpp"
#include "support/test_client.hpp"
#include "support/test_config.hpp"
#include "support/webhook_receiver.hpp"

namespace notify::test {
namespace {

using Poco::JSON::Object;

// The daemon's clock is shifted to 20 s before a US daylight-saving change and runs at real
// speed; the test shares it, so the times the daemon records are checkable against send_at.
class ScheduledSend : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = freeLoopbackPort();
    dir_.write("other.token", "other-token\n");
    auto config = writeDaemonConfig(dir_, port_, receiver_.url(), clock_.toml() + R"(
[apps.other]
token = "file:other.token"
)");
    daemon_ = std::make_unique<DaemonProcess>(config, endpointFor(port_));
    daemon_->start();
    client_ = std::make_unique<TestClient>(endpointFor(port_));
  }

  void TearDown() override {
    if (HasFailure()) {
      std::cerr << daemon_->log();
    }
  }

  static std::string at(int64_t ms) { return core::formatRfc3339Ms(ms); }

  // Sends greeting to user u with the extra fields; returns the reply.
  Object::Ptr send(const std::string& extra) {
    return client_->request(sendFrame("greeting", R"({"user":"u"})", R"({"name":"Ann"})", extra));
  }

  Object::Ptr cancel(const std::string& fields, const std::string& app = "test") {
    return client_->request(R"({"op":"cancel","app":")" + app + R"(","token":")" + app +
                            R"(-token")" + fields + "}");
  }

  // The time of the message's first event in state, or -1.
  static int64_t firstEventAt(const Object::Ptr& message, const std::string& state) {
    auto events = message->getArray("events");
    for (size_t i = 0; events && i < events->size(); ++i) {
      auto event = events->getObject(static_cast<unsigned>(i));
      if (event->getValue<std::string>("state") == state) {
        return core::parseRfc3339(event->getValue<std::string>("at")).value_or(-1);
      }
    }
    return -1;
  }

  SharedClock clock_{"2026-03-08T01:59:40-05:00", 1.0};
  TempDir dir_;
  WebhookReceiver receiver_{kWebhookSecret};
  int port_ = 0;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(ScheduledSend, LeavesOnTimeAndNotBefore) {
  int64_t sendAt = clock_.now() + 2500;
  Object::Ptr reply = send(R"(,"send_at":")" + at(sendAt) + "\"");
  ASSERT_TRUE(reply->getValue<bool>("ok"));
  EXPECT_EQ(reply->getValue<std::string>("status"), "scheduled");
  std::string id = reply->getValue<std::string>("message_id");

  clock_.sleepUntil(sendAt - 300);
  EXPECT_TRUE(receiver_.received().empty()) << "left before its time";
  ASSERT_TRUE(receiver_.waitFor(1, 5000));
  Object::Ptr message = waitForState(*client_, id, "delivered");
  ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
  int64_t left = firstEventAt(message, "sending");
  EXPECT_GE(left, sendAt);
  EXPECT_LT(left, sendAt + 1000);
  EXPECT_EQ(eventStates(message),
            (std::vector<std::string>{"accepted", "scheduled", "sending", "delivered"}));
}

TEST_F(ScheduledSend, BatchElementsEachLeaveAtTheirOwnTime) {
  int64_t t0 = clock_.now();
  auto withSendAt = [](const std::string& when) {
    return R"({"template":"greeting","to":{"user":"u"},"vars":{"name":"B"},"send_at":")" + when +
           "\"}";
  };
  std::string first = at(t0 + 1500);
  std::string second = at(t0 + 3000);
  Object::Ptr reply =
      client_->request(R"({"op":"send_batch","app":"test","token":"test-token","messages":[)" +
                       withSendAt(first) + "," + withSendAt(second) + "," +
                       withSendAt("2000-01-01T00:00:00Z") + "," + withSendAt("soon") + "]}");
  ASSERT_TRUE(reply->getValue<bool>("ok"));
  auto results = reply->getArray("results");
  ASSERT_EQ(results->size(), 4u);
  EXPECT_EQ(results->getObject(0)->getValue<std::string>("status"), "scheduled");
  EXPECT_EQ(results->getObject(1)->getValue<std::string>("status"), "scheduled");
  EXPECT_EQ(results->getObject(2)->getValue<std::string>("status"), "queued");  // past: now
  EXPECT_FALSE(results->getObject(3)->getValue<bool>("ok"));
  EXPECT_EQ(results->getObject(3)->getObject("error")->getValue<std::string>("code"),
            "invalid_send_at");

  const int64_t due[] = {t0 + 1500, t0 + 3000};
  for (int i = 0; i < 2; ++i) {
    std::string id = results->getObject(i)->getValue<std::string>("message_id");
    Object::Ptr message = waitForState(*client_, id, "delivered", 8000);
    ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
    int64_t left = firstEventAt(message, "sending");
    EXPECT_GE(left, due[i]) << i;
    EXPECT_LT(left, due[i] + 1000) << i;
  }
  std::string queued = results->getObject(2)->getValue<std::string>("message_id");
  Object::Ptr now = waitForState(*client_, queued, "delivered");
  EXPECT_LT(firstEventAt(now, "sending"), t0 + 1000);
}

TEST_F(ScheduledSend, CanceledBeforeItsTimeItNeverLeaves) {
  int64_t sendAt = clock_.now() + 2000;
  std::string id = send(R"(,"send_at":")" + at(sendAt) + "\"")->getValue<std::string>("message_id");

  Object::Ptr foreign = cancel(R"(,"message_id":")" + id + "\"", "other");
  ASSERT_FALSE(foreign->getValue<bool>("ok"));
  EXPECT_EQ(foreign->getObject("error")->getValue<std::string>("code"), "not_found");

  Object::Ptr reply = cancel(R"(,"message_id":")" + id + "\"");
  ASSERT_TRUE(reply->getValue<bool>("ok"));
  EXPECT_EQ(reply->getValue<std::string>("status"), "canceled");
  EXPECT_EQ(reply->getValue<std::string>("message_id"), id);

  clock_.sleepUntil(sendAt + 1500);
  EXPECT_TRUE(receiver_.received().empty());
  Object::Ptr message = waitForState(*client_, id, "canceled");
  EXPECT_EQ(eventStates(message), (std::vector<std::string>{"accepted", "scheduled", "canceled"}));
  auto events = message->getArray("events");
  EXPECT_EQ(events->getObject(2)->getValue<std::string>("actor"), "app:test");

  Object::Ptr again = cancel(R"(,"message_id":")" + id + "\"");
  EXPECT_EQ(again->getValue<std::string>("status"), "too_late");
  EXPECT_EQ(again->getValue<std::string>("state"), "canceled");
}

TEST_F(ScheduledSend, CancelAfterItLeftIsTooLateWithItsState) {
  std::string id = send(R"(,"idempotency_key":"order-9")")->getValue<std::string>("message_id");
  ASSERT_EQ(waitForState(*client_, id, "delivered")->getValue<std::string>("state"), "delivered");
  Object::Ptr reply = cancel(R"(,"idempotency_key":"order-9")");
  ASSERT_TRUE(reply->getValue<bool>("ok"));
  EXPECT_EQ(reply->getValue<std::string>("status"), "too_late");
  EXPECT_EQ(reply->getValue<std::string>("state"), "delivered");
  EXPECT_EQ(reply->getValue<std::string>("message_id"), id);
  Object::Ptr missing = cancel(R"(,"idempotency_key":"never-sent")");
  EXPECT_EQ(missing->getObject("error")->getValue<std::string>("field"), "idempotency_key");
}

TEST_F(ScheduledSend, RecallByTagCancelsTheScheduledCampaign) {
  int64_t sendAt = clock_.now() + 2000;
  std::vector<std::string> campaign;
  for (int i = 0; i < 5; ++i) {
    campaign.push_back(send(R"(,"tags":["spring"],"send_at":")" + at(sendAt) + "\"")
                           ->getValue<std::string>("message_id"));
  }
  std::string other = send(R"(,"tags":["other"],"send_at":")" + at(sendAt) + "\"")
                          ->getValue<std::string>("message_id");
  Object::Ptr reply = cancel(R"(,"tag":"spring")");
  ASSERT_TRUE(reply->getValue<bool>("ok"));
  EXPECT_EQ(reply->getValue<int>("canceled"), 5);
  ASSERT_TRUE(receiver_.waitFor(1, 5000));
  clock_.sleepUntil(sendAt + 1000);
  EXPECT_EQ(receiver_.received().size(), 1u);
  EXPECT_EQ(waitForState(*client_, other, "delivered")->getValue<std::string>("state"),
            "delivered");
  for (const auto& id : campaign) {
    EXPECT_EQ(waitForState(*client_, id, "canceled")->getValue<std::string>("state"), "canceled");
  }
}

}  // namespace
}  // namespace notify::test
