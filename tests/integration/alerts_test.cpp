// SPDX-License-Identifier: Apache-2.0
// An alert rule through a real daemon: failures on a channel make it fire, and the alert goes
// out through a real channel plugin (feishu_bot) to notify-fakeprov's Feishu bot; deliveries
// bring the failure rate down and a "resolved" message follows. The history is in the store.
#include <thread>

#include "support/fakeprov_daemon_test.hpp"
#include "support/json_object.hpp"
#include "support/webhook_receiver.hpp"

namespace notify::test {
namespace {

class AlertsThroughFakeProv : public FakeProvDaemonTest {
 protected:
  void SetUp() override {
    dir_.write("bot.token", "test-bot-token\n");
    dir_.write("bot.secret", "test-secret\n");
    opsPort_ = freeLoopbackPort();
    startDaemon(R"(
[ops]
listen = "127.0.0.1:)" + std::to_string(opsPort_) + R"("
alert_interval_ms = 100

[providers.oncall]
plugin = "feishu_bot"
base_url = ")" + fake_.url("feishu") + R"("
token = "file:bot.token"
secret = "file:bot.secret"

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

  // The texts the fake Feishu bot received, in order.
  std::vector<std::string> botTexts() {
    std::vector<std::string> texts;
    for (const auto& request : recordedAt(fake_, "feishu", "/open-apis/bot/v2/hook/test-bot-token")) {
      texts.push_back(parseJson(request->getValue<std::string>("body"))
                          ->getObject("content")
                          ->getValue<std::string>("text"));
    }
    return texts;
  }

  std::vector<std::string> waitForBotTexts(size_t count) {
    fake_.waitForRequests("feishu", count, 10000);
    return botTexts();
  }

  WebhookReceiver receiver_{kWebhookSecret};
  int opsPort_ = 0;
};

TEST_F(AlertsThroughFakeProv, FailureRateFiresThroughTheBotAndResolves) {
  receiver_.respondWith({400});
  std::string failed = send("flaky", R"({"user":"u"})", R"({"name":"A"})");
  ASSERT_EQ(waitForAnyState(failed, {"failed"})->getValue<std::string>("state"), "failed");
  std::vector<std::string> texts = waitForBotTexts(1);
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts[0].rfind("[FIRING] flaky_failing: failure rate 100.0% (1 of 1)", 0), 0u)
      << texts[0];

  for (int i = 0; i < 3; ++i) {
    std::string id = send("flaky", R"({"user":"u"})", R"({"name":"B"})");
    ASSERT_EQ(waitForAnyState(id, {"delivered"})->getValue<std::string>("state"), "delivered");
  }
  texts = waitForBotTexts(2);
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

}  // namespace
}  // namespace notify::test
