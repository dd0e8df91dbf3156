// SPDX-License-Identifier: Apache-2.0
// Guardrails through a real notifyd: content dedup (also for two identical concurrent requests),
// idempotency conflicts, frequency caps, the kill switch, per-app rules and quotas, recipient
// validation. Each decision is in the reply and in the message's recorded events.
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "support/daemon_process.hpp"
#include "support/test_client.hpp"
#include "support/test_config.hpp"
#include "support/webhook_receiver.hpp"

namespace notify::test {
namespace {

using Poco::JSON::Object;

// Quiet hours from an hour ago to an hour from now (UTC), so "now" is always inside them.
std::string quietNow() {
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count() %
                 1440;
  auto hhmm = [](long m) {
    m = (m + 1440) % 1440;
    char text[48];  // "hh:mm"; sized for any long so the compiler sees no truncation
    std::snprintf(text, sizeof(text), "%02ld:%02ld", m / 60, m % 60);
    return std::string(text);
  };
  return hhmm(minutes - 60) + "-" + hhmm(minutes + 60);
}

const std::string kGuards = R"(
[lanes.marketing]
dedup_window_s = 60

[templates.promo]
lane = "marketing"
vars = ["name"]
[templates.promo.content.hooks]
body = "Sale for {{name}}"

[templates.retired]
enabled = false
vars = ["name"]
[templates.retired.content.hooks]
body = "Old news for {{name}}"

[[frequency_caps]]
name = "marketing-daily"
lane = "marketing"
limit = "2/day"

[templates.digest]
lane = "quiet"
vars = ["name"]
[templates.digest.content.hooks]
body = "Digest for {{name}}"

[apps.limited]
token = "file:test.token"
templates = ["greeting"]
daily_quota = 2
)";

class Guardrails : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = freeLoopbackPort();
    std::string quiet = "\n[lanes.quiet]\nquiet_hours = \"" + quietNow() + "\"\n";
    daemon_ = std::make_unique<DaemonProcess>(
        writeDaemonConfig(dir_, port_, receiver_.url(), kGuards + quiet), endpointFor(port_));
    daemon_->start();
    client_ = std::make_unique<TestClient>(endpointFor(port_));
  }
  void TearDown() override {
    if (HasFailure()) {
      std::cerr << "--- notifyd log ---\n" << daemon_->log();
    }
  }
  Object::Ptr send(const std::string& tpl, const std::string& to, const std::string& vars,
                   const std::string& extra = "") {
    return client_->request(sendFrame(tpl, to, vars, extra));
  }
  static std::string errorCode(const Object::Ptr& reply) {
    return reply->getValue<bool>("ok") ? ""
                                       : reply->getObject("error")->getValue<std::string>("code");
  }

  TempDir dir_;
  WebhookReceiver receiver_{kWebhookSecret};
  int port_ = 0;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(Guardrails, TwoIdenticalConcurrentRequestsSendExactlyOne) {
  std::vector<Object::Ptr> replies(2);
  std::vector<std::thread> callers;
  for (int i = 0; i < 2; ++i) {
    callers.emplace_back([&, i] {
      TestClient own(endpointFor(port_));
      replies[i] = own.request(sendFrame("promo", R"({"user":"u-1"})", R"({"name":"Ann"})"));
    });
  }
  for (auto& t : callers) {
    t.join();
  }
  std::vector<std::string> statuses;
  for (const auto& r : replies) {
    ASSERT_TRUE(r->getValue<bool>("ok")) << r->get("error").toString();
    statuses.push_back(r->getValue<std::string>("status"));
  }
  std::sort(statuses.begin(), statuses.end());
  ASSERT_EQ(statuses, (std::vector<std::string>{"duplicate", "queued"}));
  const Object::Ptr& queued =
      replies[0]->getValue<std::string>("status") == "queued" ? replies[0] : replies[1];
  const Object::Ptr& dup = queued == replies[0] ? replies[1] : replies[0];
  EXPECT_EQ(dup->getValue<std::string>("duplicate_of"),
            queued->getValue<std::string>("message_id"));
  EXPECT_NE(dup->getValue<std::string>("reason").find("same recipient and content"),
            std::string::npos);

  Object::Ptr delivered =
      waitForState(*client_, queued->getValue<std::string>("message_id"), "delivered");
  ASSERT_TRUE(delivered);
  Object::Ptr duplicate =
      waitForState(*client_, dup->getValue<std::string>("message_id"), "duplicate");
  ASSERT_TRUE(duplicate);
  EXPECT_EQ(eventStates(duplicate), (std::vector<std::string>{"accepted", "duplicate"}));
  EXPECT_EQ(receiver_.received().size(), 1u);  // the duplicate is never claimed
}

TEST_F(Guardrails, IdempotencyKeyWithAnotherPayloadIsAConflict) {
  Object::Ptr first =
      send("greeting", R"({"user":"u-2"})", R"({"name":"Bo"})", R"(,"idempotency_key":"k-1")");
  ASSERT_TRUE(first->getValue<bool>("ok"));
  Object::Ptr repeat =
      send("greeting", R"({"user":"u-2"})", R"({"name":"Bo"})", R"(,"idempotency_key":"k-1")");
  EXPECT_EQ(repeat->getValue<std::string>("status"), "duplicate");
  EXPECT_EQ(repeat->getValue<std::string>("message_id"),
            first->getValue<std::string>("message_id"));
  Object::Ptr other =
      send("greeting", R"({"user":"u-2"})", R"({"name":"Cy"})", R"(,"idempotency_key":"k-1")");
  EXPECT_EQ(errorCode(other), "idempotency_conflict");
  EXPECT_EQ(other->getObject("error")->getValue<std::string>("field"), "idempotency_key");
}

TEST_F(Guardrails, FrequencyCapSuppressesWithTheReasonRecorded) {
  for (const char* name : {"A", "B"}) {
    Object::Ptr r = send("promo", R"({"user":"u-3"})", std::string(R"({"name":")") + name + "\"}");
    EXPECT_EQ(r->getValue<std::string>("status"), "queued");
  }
  Object::Ptr third = send("promo", R"({"user":"u-3"})", R"({"name":"C"})");
  ASSERT_EQ(third->getValue<std::string>("status"), "suppressed");
  EXPECT_NE(third->getValue<std::string>("reason").find("frequency cap 'marketing-daily'"),
            std::string::npos);
  Object::Ptr other = send("promo", R"({"user":"u-4"})", R"({"name":"C"})");
  EXPECT_EQ(other->getValue<std::string>("status"), "queued");  // caps are per recipient
  Object::Ptr record =
      waitForState(*client_, third->getValue<std::string>("message_id"), "suppressed");
  ASSERT_TRUE(record);
  EXPECT_EQ(eventStates(record), (std::vector<std::string>{"accepted", "suppressed"}));
}

TEST_F(Guardrails, DisabledTemplateIsSuppressed) {
  Object::Ptr r = send("retired", R"({"user":"u-5"})", R"({"name":"Di"})");
  EXPECT_EQ(r->getValue<std::string>("status"), "suppressed");
  EXPECT_EQ(r->getValue<std::string>("reason"), "template 'retired' is disabled (enabled = false)");
}

TEST_F(Guardrails, AppRulesAndDailyQuotaAreClearErrors) {
  auto frame = [](const std::string& tpl, const std::string& name) {
    return R"({"op":"send","app":"limited","token":"test-token","template":")" + tpl +
           R"(","to":{"user":"u-6"},"vars":{"name":")" + name + "\"}}";
  };
  Object::Ptr promo = client_->request(frame("promo", "x"));
  EXPECT_EQ(errorCode(promo), "template_not_allowed");
  EXPECT_TRUE(client_->request(frame("greeting", "1"))->getValue<bool>("ok"));
  EXPECT_TRUE(client_->request(frame("greeting", "2"))->getValue<bool>("ok"));
  Object::Ptr over = client_->request(frame("greeting", "3"));
  EXPECT_EQ(errorCode(over), "quota_exceeded");
}

TEST_F(Guardrails, QuietHoursDeferToTheirEndInTheRecipientsZone) {
  Object::Ptr r = send("digest", R"({"user":"u-7","tz":"UTC"})", R"({"name":"F"})");
  ASSERT_TRUE(r->getValue<bool>("ok")) << r->get("error").toString();
  EXPECT_EQ(r->getValue<std::string>("status"), "scheduled");
  Object::Ptr record = waitForState(*client_, r->getValue<std::string>("message_id"), "scheduled");
  ASSERT_TRUE(record);
  std::string detail = record->getArray("events")->getObject(1)->getValue<std::string>("detail");
  EXPECT_NE(detail.find("deferred by quiet hours"), std::string::npos) << detail;
  Object::Ptr badZone = send("digest", R"({"user":"u-7","tz":"Nowhere/City"})", R"({"name":"F"})");
  EXPECT_EQ(errorCode(badZone), "invalid_recipient");
}

TEST_F(Guardrails, RecipientsAreValidated) {
  Object::Ptr phone = send("greeting", R"({"phone":"13800000000"})", R"({"name":"E"})");
  EXPECT_EQ(errorCode(phone), "invalid_recipient");
  EXPECT_EQ(phone->getObject("error")->getValue<std::string>("field"), "to.phone");
  Object::Ptr email = send("greeting", R"({"email":"not-an-address"})", R"({"name":"E"})");
  EXPECT_EQ(errorCode(email), "invalid_recipient");
  EXPECT_TRUE(
      send("greeting", R"({"phone":"+8613800000000"})", R"({"name":"E"})")->getValue<bool>("ok"));
}

}  // namespace
}  // namespace notify::test
