// SPDX-License-Identifier: Apache-2.0
// The delivery engine against notify-fakeprov's misbehaving providers: a DingTalk robot's
// 20-per-minute window held for a long run on a compressed clock, a poison message, and a
// provider that hangs.
#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "core/common/process_clock.hpp"
#include "core/common/time.hpp"
#include "support/daemon_process.hpp"
#include "support/fakeprov_process.hpp"
#include "support/test_client.hpp"
#include "support/test_config.hpp"

namespace notify::test {
namespace {

using Poco::JSON::Object;

constexpr const char* kDingTemplate = R"(
[channels.dingtalk]
providers = ["ding"]

[templates.alert]
vars = ["name"]

[templates.alert.content.dingtalk]
subject = "Alert"
body = "Disk full on {{name}}"
)";

// The most grants that fall in any window [t, t + windowMs).
int64_t worstWindow(std::vector<int64_t> times, int64_t windowMs) {
  std::sort(times.begin(), times.end());
  int64_t worst = 0;
  size_t start = 0;
  for (size_t end = 0; end < times.size(); ++end) {
    while (times[end] - times[start] >= windowMs) {
      ++start;
    }
    worst = std::max<int64_t>(worst, static_cast<int64_t>(end - start + 1));
  }
  return worst;
}

class DeliveryFaults : public ::testing::Test {
 protected:
  void startFake(const std::vector<std::string>& args = {}) {
    fake_ = std::make_unique<FakeProvProcess>(std::filesystem::path(), args);
  }

  // A daemon (after startFake) whose configuration gets extra appended.
  void startDaemon(const std::string& extra) {
    dir_.write("ding.token", "test-ding-token\n");
    dir_.write("ding.secret", "SECtest0123456789abcdef\n");
    port_ = freeLoopbackPort();
    auto config = writeDaemonConfig(dir_, port_, fake_->url("webhook") + "/hook", extra);
    daemon_ = std::make_unique<DaemonProcess>(config, endpointFor(port_));
    daemon_->start();
    client_ = std::make_unique<TestClient>(endpointFor(port_));
  }

  void TearDown() override {
    if (HasFailure() && daemon_) {
      std::cerr << daemon_->log();
    }
  }

  std::string send(const std::string& templateName, const std::string& to,
                   const std::string& vars) {
    auto reply = client_->request(sendFrame(templateName, to, vars));
    EXPECT_TRUE(reply->getValue<bool>("ok")) << "send refused";
    return reply->optValue<std::string>("message_id", "");
  }

  Object::Ptr status(const std::string& id) {
    return client_
        ->request(R"({"op":"status","app":"test","token":"test-token","message_id":")" + id + "\"}")
        ->getObject("message");
  }

  // Events of the message with the given state.
  static size_t countEvents(const Object::Ptr& message, const std::string& state,
                            const std::string& code = "") {
    size_t n = 0;
    auto events = message->getArray("events");
    for (size_t i = 0; i < events->size(); ++i) {
      auto event = events->getObject(static_cast<unsigned>(i));
      if ((state.empty() || event->optValue<std::string>("state", "") == state) &&
          (code.empty() || event->optValue<std::string>("code", "") == code)) {
        ++n;
      }
    }
    return n;
  }

  TempDir dir_;
  std::unique_ptr<FakeProvProcess> fake_;
  int port_ = 0;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<TestClient> client_;
};

// 300 alerts to one robot that allows 20 a minute and blocks for 10 minutes after the 21st:
// daemon and fake share a clock running 20 times fast, so 15 minutes of windows pass in about
// 45 seconds. Zero penalties, the allowed rate used (within the configured margin), and each
// waiting message woken about once (paced), not at every permit.
TEST_F(DeliveryFaults, ADingTalkRobotsWindowHoldsOverALongRunWithZeroPenalties) {
  const int kMessages = soakCount("NOTIFY_SOAK_DING_MESSAGES", 300);  // tools/soak.sh raises it
  const std::string clock = "scale=20,anchor=" + std::to_string(core::systemUnixMs());
  startFake({"--clock", clock});
  startDaemon(R"(
[node]
test_clock = ")" +
              clock + R"("

[providers.ding]
plugin = "dingtalk_bot"
base_url = ")" +
              fake_->url("dingtalk") + R"("
access_token = "file:ding.token"
secret = "file:ding.secret"
rate_limits = ["20/min"]
# The compressed clock magnifies scheduling jitter 20 times: 1.5 s of robot time is 75 ms here.
rate_margin_ms = 1500
)" + kDingTemplate);

  std::vector<std::string> ids;
  for (int i = 0; i < kMessages; ++i) {
    ids.push_back(
        send("alert", R"({"group":"ops"})", R"({"name":"host-)" + std::to_string(i) + "\"}"));
  }
  // Robot time needed at 20 per window, in real ms at scale 20, with room for a loaded machine.
  const int realMs = ((kMessages + 19) / 20 + 2) * 60300 / 20 * 2;
  ASSERT_TRUE(fake_->waitForRequests("dingtalk", kMessages, realMs))
      << fake_->requests("dingtalk")->size() << " of " << kMessages << " delivered";

  // The fake records only what it accepted: every message, inside the robot's window.
  auto recorded = fake_->requests("dingtalk");
  std::vector<int64_t> at;
  for (size_t i = 0; i < recorded->size(); ++i) {
    at.push_back(recorded->getObject(static_cast<unsigned>(i))->getValue<int64_t>("at_ms"));
  }
  ASSERT_EQ(at.size(), static_cast<size_t>(kMessages));
  EXPECT_LE(worstWindow(at, 60000), 20);
  const int64_t span =
      *std::max_element(at.begin(), at.end()) - *std::min_element(at.begin(), at.end());
  // N at 20 per window need N / 20 - 1 full windows (plus margin) after the first burst.
  const int64_t windows = (kMessages + 19) / 20 - 1;
  EXPECT_LE(span, static_cast<int64_t>(static_cast<double>(windows * 61500) * 1.01)) << span;

  size_t waits = 0;
  for (const std::string& id : ids) {
    auto message = waitForState(*client_, id, "delivered");
    ASSERT_EQ(message->getValue<std::string>("state"), "delivered") << id;
    EXPECT_EQ(countEvents(message, "", "130101"), 0u) << "penalised: " << id;
    waits += countEvents(message, "rate_limited");
  }
  // Paced: about one wait per message beyond the first window, not one per permit.
  EXPECT_LE(waits, static_cast<size_t>(kMessages * 2)) << waits;
  std::cout << kMessages << " messages over " << span / 1000 << " s of robot time (" << windows
            << " windows needed), " << waits << " rate-limit waits, 0 penalties\n";
}

// One message the provider always fails (a poison message) goes to the dead letters after its
// attempts while the rest of its lane is delivered.
TEST_F(DeliveryFaults, APoisonMessageIsDeadLetteredWithoutBlockingItsLane) {
  startFake();
  fake_->control("faults", R"({"provider":"webhook","kind":"status","status":500,"count":0,)"
                           R"("match":"poison-pill"})");
  startDaemon("");
  std::string poison = send("greeting", R"({"user":"u"})", R"({"name":"poison-pill"})");
  std::vector<std::string> healthy;
  for (int i = 0; i < 50; ++i) {
    healthy.push_back(
        send("greeting", R"({"user":"u"})", R"({"name":"n)" + std::to_string(i) + "\"}"));
  }
  for (const std::string& id : healthy) {
    EXPECT_EQ(waitForState(*client_, id, "delivered")->getValue<std::string>("state"), "delivered");
  }
  auto dead = waitForState(*client_, poison, "failed");
  ASSERT_EQ(dead->getValue<std::string>("state"), "failed");
  EXPECT_EQ(dead->getValue<int>("attempts"), 3);  // max_attempts of the test configuration
  EXPECT_EQ(countEvents(dead, "retrying"), 2u);
  auto letters = client_->request(R"({"op":"dlq_list","app":"test","token":"test-token"})");
  auto list = letters->getArray("dead_letters");
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->getObject(0)->getValue<std::string>("message_id"), poison);
}

// A provider that never answers costs each attempt its send timeout, not a worker forever,
// and a lane on another provider keeps its latency meanwhile.
TEST_F(DeliveryFaults, AHangingProviderTimesOutAndOtherLanesKeepTheirLatency) {
  startFake();
  fake_->control("faults", R"({"provider":"webhook","kind":"timeout","delay_ms":20000,)"
                           R"("count":0,"match":"hang"})");
  startDaemon(R"(
[lanes.marketing]
workers = 2
max_attempts = 2

[lanes.otp]
workers = 2

[providers.slow]
plugin = "webhook"
url = ")" + fake_->url("webhook") +
              R"(/slow"
secret = "file:webhook.secret"
send_timeout_ms = 500
circuit_failures = 1000

[channels.slow]
providers = ["slow"]

[templates.promo]
vars = ["name"]
lane = "marketing"
default_channel = "slow"

[templates.promo.content.slow]
body = "{{name}}"

[templates.login]
vars = ["name"]
lane = "otp"

[templates.login.content.hooks]
body = "code {{name}}"
)");
  std::vector<std::string> stuck;
  for (int i = 0; i < 6; ++i) {
    stuck.push_back(send("promo", R"({"user":"u"})", R"({"name":"hang"})"));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // both marketing workers hang
  for (int i = 0; i < 5; ++i) {
    auto sent = std::chrono::steady_clock::now();
    std::string id = send("login", R"({"user":"u"})", R"({"name":"1234"})");
    auto message = waitForState(*client_, id, "delivered");
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - sent)
                    .count();
    ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
    EXPECT_LT(took, 1000) << "an otp message waited behind a hanging provider";
  }
  for (const std::string& id : stuck) {
    auto message = waitForState(*client_, id, "failed", 20000);
    ASSERT_EQ(message->getValue<std::string>("state"), "failed") << id;
    // Each attempt ended at the 500 ms send timeout, not at the fake's 20 s.
    auto events = message->getArray("events");
    int64_t firstSending = 0, failedAt = 0;
    for (size_t i = 0; i < events->size(); ++i) {
      auto event = events->getObject(static_cast<unsigned>(i));
      std::string state = event->getValue<std::string>("state");
      if (state == "sending" && firstSending == 0) {
        firstSending = core::parseRfc3339(event->getValue<std::string>("at")).value();
      }
      if (state == "failed") {
        failedAt = core::parseRfc3339(event->getValue<std::string>("at")).value();
      }
    }
    EXPECT_LT(failedAt - firstSending, 8000) << id;
  }
}

// A provider whose limit covers the whole account (throttle_pause_ms): one "429, retry after
// 2 s" holds every send to it for those 2 s, instead of each queued message drawing its own 429.
TEST_F(DeliveryFaults, AnAccountWideThrottleAnswerPausesTheWholeProvider) {
  startFake();
  fake_->control("faults", R"({"provider":"webhook","kind":"status","status":429,"count":1,)"
                           R"("headers":{"Retry-After":"2"}})");
  startDaemon(accountWideProvider(fake_->url("webhook") + "/account"));
  const std::string first = send("bill", R"({"user":"u"})", R"({"name":"first"})");
  ASSERT_TRUE(fake_->waitForRequests("webhook", 0, 1000));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the 429 has been answered
  std::vector<std::string> later;
  for (int i = 0; i < 5; ++i) {
    later.push_back(send("bill", R"({"user":"u"})", R"({"name":"later"})"));
  }
  for (const std::string& id : later) {
    auto message = waitForState(*client_, id, "delivered");
    ASSERT_EQ(message->getValue<std::string>("state"), "delivered");
    EXPECT_EQ(message->getValue<int>("attempts"), 1) << "no second 429 was drawn";
    EXPECT_EQ(countEvents(message, "rate_limited"), 1u);
  }
  auto throttled = waitForState(*client_, first, "delivered");
  EXPECT_EQ(countEvents(throttled, "rate_limited"), 1u);  // the 429 itself
  // Every delivery came after the pause: the fake saw exactly one 429 and six deliveries.
  EXPECT_EQ(fake_->requests("webhook")->size(), 6u);
}

}  // namespace
}  // namespace notify::test
