// SPDX-License-Identifier: Apache-2.0
// An alert rule through a real daemon: failures on a channel make it fire, and the alert goes
// out through a real channel plugin (feishu_bot) to notify-fakeprov's Feishu bot; deliveries
// bring the failure rate down and a "resolved" message follows. The history is in the store.
// The daily quota alert fires near the quota and resolves at midnight (daemon and fake on one
// test clock), and a reload changes the rules the running engine applies.
#include <thread>

#include "core/common/time.hpp"
#include "support/fakeprov_daemon_test.hpp"
#include "support/json_object.hpp"
#include "support/shared_clock.hpp"
#include "support/webhook_receiver.hpp"

namespace notify::test {
namespace {

class AlertsTest : public FakeProvDaemonTest {
 protected:
  // The texts a fake Feishu bot (token test-bot-token) received, in order.
  static std::vector<std::string> botTextsOf(const FakeProvProcess& fake) {
    std::vector<std::string> texts;
    for (const auto& request :
         recordedAt(fake, "feishu", "/open-apis/bot/v2/hook/test-bot-token")) {
      texts.push_back(parseJson(request->getValue<std::string>("body"))
                          ->getObject("content")
                          ->getValue<std::string>("text"));
    }
    return texts;
  }

  static std::vector<std::string> waitForBotTexts(const FakeProvProcess& fake, size_t count) {
    fake.waitForRequests("feishu", count, 10000);
    return botTextsOf(fake);
  }
};

std::string oncallBot(const std::string& baseUrl) {
  return R"(
[providers.oncall]
plugin = "feishu_bot"
base_url = ")" + baseUrl + R"("
token = "file:bot.token"
secret = "file:bot.secret"
)";
}

class AlertsThroughFakeProv : public AlertsTest {
 protected:
  void SetUp() override {
    dir_.write("bot.token", "test-bot-token\n");
    dir_.write("bot.secret", "test-secret\n");
    opsPort_ = freeLoopbackPort();
    startDaemon(R"(
[ops]
listen = "127.0.0.1:)" + std::to_string(opsPort_) + R"("
alert_interval_ms = 100
)" + oncallBot(fake_.url("feishu")) + R"(
[providers.flaky]
plugin = "webhook"
url = ")" + receiver_.url() + R"("
secret = "file:webhook.secret"

[channels.flaky]
providers = ["flaky"]

[templates.flaky]
vars = ["name"]
[templates.flaky.content.flaky]
body = "Hi {{name}}"

[alerts.flaky_failing]
kind = "failure_rate"
channel = "flaky"
threshold = 50
window_ms = 600000
notify = "oncall"
cooldown_ms = 0
)");
  }

  WebhookReceiver receiver_{kWebhookSecret};
  int opsPort_ = 0;
};

TEST_F(AlertsThroughFakeProv, FailureRateFiresThroughTheBotAndResolves) {
  receiver_.respondWith({400});
  std::string failed = send("flaky", R"({"user":"u"})", R"({"name":"A"})");
  ASSERT_EQ(waitForAnyState(failed, {"failed"})->getValue<std::string>("state"), "failed");
  std::vector<std::string> texts = waitForBotTexts(fake_, 1);
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts[0].rfind("[FIRING] flaky_failing: failure rate 100.0% (1 of 1)", 0), 0u)
      << texts[0];

  for (int i = 0; i < 3; ++i) {
    std::string id = send("flaky", R"({"user":"u"})", R"({"name":"B"})");
    ASSERT_EQ(waitForAnyState(id, {"delivered"})->getValue<std::string>("state"), "delivered");
  }
  texts = waitForBotTexts(fake_, 2);
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[1].rfind("[RESOLVED] flaky_failing: failure rate 25.0% (1 of 4)", 0), 0u)
      << texts[1];

  std::string ctl = (buildDir() / "bin" / "notifyctl").string() +
                    " alerts --ops http://127.0.0.1:" + std::to_string(opsPort_);
  std::string history;
  FILE* pipe = popen((ctl + " 2>&1").c_str(), "r");
  char buffer[4096];
  size_t n;
  while (pipe != nullptr && (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    history.append(buffer, n);
  }
  if (pipe != nullptr) {
    pclose(pipe);
  }
  size_t resolved = history.find("resolved  flaky_failing");
  size_t firing = history.find("firing    flaky_failing");
  EXPECT_NE(resolved, std::string::npos) << history;
  EXPECT_NE(firing, std::string::npos) << history;
  EXPECT_LT(resolved, firing) << "newest first: " << history;
}

// App "quota" (daily_quota 4) and rule quota_low (quota_nearly_used) sent through the on-call
// bot; daemon and fake run on one test clock starting at clockStart.
class QuotaAlerts : public AlertsTest {
 protected:
  void start(const std::string& clockStart, double threshold) {
    clock_ = std::make_unique<SharedClock>(clockStart, 1.0);
    clocked_ = std::make_unique<FakeProvProcess>(
        std::filesystem::path(), std::vector<std::string>{"--clock", clock_->spec()});
    dir_.write("bot.token", "test-bot-token\n");
    dir_.write("bot.secret", "test-secret\n");
    port_ = freeLoopbackPort();
    writeConfig(threshold, 4);
    daemon_ = std::make_unique<DaemonProcess>(dir_.path() / "notifyd.toml", endpointFor(port_));
    daemon_->start();
    client_ = std::make_unique<TestClient>(endpointFor(port_));
  }

  void writeConfig(double threshold, int quota) {
    writeDaemonConfig(dir_, port_, clocked_->url("webhook") + "/hook",
                      clock_->toml() + oncallBot(clocked_->url("feishu")) + R"(
[apps.quota]
token = "file:test.token"
daily_quota = )" + std::to_string(quota) + R"(

[apps.ops]
token = "file:test.token"
admin = true

[ops]
alert_interval_ms = 100

[alerts.quota_low]
kind = "quota_nearly_used"
app = "quota"
threshold = )" + std::to_string(threshold) + R"(
notify = "oncall"
cooldown_ms = 0
)");
  }

  // One greeting from app "quota"; true when it was stored.
  bool sendFromQuotaApp(const std::string& name) {
    auto reply = client_->request(
        R"({"op":"send","app":"quota","token":"test-token","template":"greeting",)"
        R"("to":{"user":"u"},"vars":{"name":")" + name + R"("}})");
    return reply->getValue<bool>("ok");
  }

  bool reload() {
    auto reply = client_->request(R"({"op":"reload","app":"ops","token":"test-token"})", 20000);
    return reply->getValue<bool>("ok");
  }

  std::unique_ptr<SharedClock> clock_;
  std::unique_ptr<FakeProvProcess> clocked_;  // the bot, on the daemon's clock
};

TEST_F(QuotaAlerts, FiresNearTheDailyQuotaAndResolvesWhenTheDayRollsOver) {
  // 10 s before midnight UTC (the default zone): the alert must fire well before then.
  start("2026-03-01T23:59:50Z", 75);
  ASSERT_TRUE(sendFromQuotaApp("A"));
  ASSERT_TRUE(sendFromQuotaApp("B"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // five rounds at 50%
  EXPECT_TRUE(botTextsOf(*clocked_).empty());
  ASSERT_TRUE(sendFromQuotaApp("C"));
  std::vector<std::string> texts = waitForBotTexts(*clocked_, 1);
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts[0],
            "[FIRING] quota_low: app quota used 3 of its daily quota of 4 (75.0%) >= 75.0%");
  ASSERT_LT(clock_->now(), *core::parseRfc3339("2026-03-02T00:00:00Z"));

  clock_->sleepUntil(*core::parseRfc3339("2026-03-02T00:00:00Z"));
  texts = waitForBotTexts(*clocked_, 2);
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[1],
            "[RESOLVED] quota_low: app quota used 0 of its daily quota of 4 (0.0%) < 75.0%");
}

TEST_F(QuotaAlerts, AReloadChangesTheRuleAndTheQuotaTheEngineApplies) {
  start("2026-03-01T12:00:00Z", 90);
  for (const char* name : {"A", "B", "C"}) {
    ASSERT_TRUE(sendFromQuotaApp(name));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(botTextsOf(*clocked_).empty()) << "75% is below the first threshold of 90%";

  writeConfig(50, 4);
  ASSERT_TRUE(reload());
  std::vector<std::string> texts = waitForBotTexts(*clocked_, 1);
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts[0],
            "[FIRING] quota_low: app quota used 3 of its daily quota of 4 (75.0%) >= 50.0%");

  writeConfig(50, 100);  // usage falls below the threshold: resolved
  ASSERT_TRUE(reload());
  texts = waitForBotTexts(*clocked_, 2);
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[1],
            "[RESOLVED] quota_low: app quota used 3 of its daily quota of 100 (3.0%) < 50.0%");
}

}  // namespace
}  // namespace notify::test
