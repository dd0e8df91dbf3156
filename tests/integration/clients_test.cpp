// SPDX-License-Identifier: Apache-2.0
// The clients a newcomer uses first: the Python example and notifyctl, against a real notifyd.
#include <gtest/gtest.h>

#include "support/daemon_process.hpp"
#include "support/run_command.hpp"
#include "support/test_config.hpp"
#include "support/webhook_receiver.hpp"

namespace notify::test {
namespace {

class ClientsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = freeLoopbackPort();
    daemon_ = std::make_unique<DaemonProcess>(writeDaemonConfig(dir_, port_, receiver_.url()),
                                              endpointFor(port_));
    daemon_->start();
  }

  std::string notifyctl(const std::string& args) const {
    return (buildDir() / "bin" / "notifyctl").string() + " --endpoint " + endpointFor(port_) +
           " --app test --token test-token " + args;
  }

  TempDir dir_;
  WebhookReceiver receiver_{kWebhookSecret};
  int port_ = 0;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(ClientsTest, PythonExampleSendsAndFollowsAMessageToDelivery) {
  std::string script = (sourceDir() / "examples" / "python" / "send.py").string();
  CommandResult result =
      runCommand("/usr/bin/python3 " + script + " --endpoint " + endpointFor(port_) +
                 " --app test --token test-token --template greeting"
                 " --to user=py-user --var name=Py");
  EXPECT_EQ(result.status, 0) << result.output;
  EXPECT_NE(result.output.find("delivered"), std::string::npos) << result.output;
  ASSERT_TRUE(receiver_.waitFor(1, 5000));
  EXPECT_NE(receiver_.received().front().body.find("Hello Py"), std::string::npos);
}

TEST_F(ClientsTest, NotifyctlSendsAndShowsTheTimeline) {
  CommandResult sent =
      runCommand(notifyctl("send --template greeting --to user=u1 --var name=Ctl"));
  ASSERT_EQ(sent.status, 0) << sent.output;
  // "queued <id>"
  std::string id = sent.output.substr(sent.output.find(' ') + 1, 36);
  ASSERT_TRUE(receiver_.waitFor(1, 5000));
  CommandResult status;
  for (int i = 0; i < 50; ++i) {
    status = runCommand(notifyctl("status " + id));
    if (status.output.find("delivered") != std::string::npos) {
      break;
    }
  }
  EXPECT_EQ(status.status, 0) << status.output;
  for (const char* state : {"accepted", "queued", "sending", "delivered"}) {
    EXPECT_NE(status.output.find(state), std::string::npos) << state << "\n" << status.output;
  }
}

TEST_F(ClientsTest, NotifyctlShowsDaemonErrorsAsTheyAre) {
  CommandResult result = runCommand(notifyctl("send --template greeting --to user=u1"));
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("missing_variable"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("vars.name"), std::string::npos) << result.output;
}

TEST_F(ClientsTest, NotifyctlExplainsTheRouteAndReloadNeedsAnAdmin) {
  CommandResult route =
      runCommand(notifyctl("route --explain --template greeting --to user=u1 --var name=R"));
  EXPECT_EQ(route.status, 0) << route.output;
  EXPECT_NE(route.output.find("rule:      (none matched)"), std::string::npos) << route.output;
  EXPECT_NE(route.output.find("channel:   hooks"), std::string::npos) << route.output;
  EXPECT_NE(route.output.find("providers: hook"), std::string::npos) << route.output;
  EXPECT_NE(route.output.find("no rule matched"), std::string::npos) << route.output;
  CommandResult reload = runCommand(notifyctl("reload"));
  EXPECT_EQ(reload.status, 1) << reload.output;
  EXPECT_NE(reload.output.find("forbidden"), std::string::npos) << reload.output;
}

TEST_F(ClientsTest, NotifyctlPingAndPlugins) {
  CommandResult ping = runCommand(notifyctl("ping"));
  EXPECT_EQ(ping.status, 0) << ping.output;
  CommandResult plugins = runCommand(notifyctl("plugins"));
  EXPECT_EQ(plugins.status, 0) << plugins.output;
  EXPECT_NE(plugins.output.find("webhook"), std::string::npos) << plugins.output;
  EXPECT_NE(plugins.output.find("hook"), std::string::npos) << plugins.output;
}

TEST_F(ClientsTest, NotifyctlListsAndReplaysDeadLetters) {
  receiver_.respondWith({410});  // endpoint gone: a permanent failure
  CommandResult sent = runCommand(notifyctl("send --template greeting --to user=u1 --var name=D"));
  ASSERT_EQ(sent.status, 0) << sent.output;
  std::string id = sent.output.substr(sent.output.find(' ') + 1, 36);
  CommandResult list;
  for (int i = 0; i < 50 && list.output.find(id) == std::string::npos; ++i) {
    list = runCommand(notifyctl("dlq list"));
  }
  EXPECT_EQ(list.status, 0) << list.output;
  EXPECT_NE(list.output.find(id), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("410"), std::string::npos) << list.output;
  CommandResult replay = runCommand(notifyctl("dlq replay --id " + id));
  EXPECT_EQ(replay.status, 0) << replay.output;
  EXPECT_NE(replay.output.find("replayed 1"), std::string::npos) << replay.output;
  EXPECT_TRUE(receiver_.waitFor(2, 5000));
}

TEST_F(ClientsTest, NotifyctlCancelsAScheduledMessageAndRecallsByTag) {
  CommandResult sent = runCommand(notifyctl(
      "send --template greeting --to user=u1 --var name=C --send-at 2099-01-01T09:00:00+08:00"));
  ASSERT_EQ(sent.status, 0) << sent.output;
  EXPECT_EQ(sent.output.rfind("scheduled ", 0), 0u) << sent.output;
  std::string id = sent.output.substr(sent.output.find(' ') + 1, 36);
  CommandResult canceled = runCommand(notifyctl("cancel " + id));
  EXPECT_EQ(canceled.status, 0) << canceled.output;
  EXPECT_EQ(canceled.output, "canceled " + id + " (state canceled)\n");
  CommandResult again = runCommand(notifyctl("cancel " + id));
  EXPECT_EQ(again.output, "too_late " + id + " (state canceled)\n");

  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(runCommand(notifyctl("send --template greeting --to user=u1 --var name=C "
                                   "--tag promo --send-at 2099-01-01T09:00:00Z"))
                  .status,
              0);
  }
  CommandResult recalled = runCommand(notifyctl("cancel --tag promo"));
  EXPECT_EQ(recalled.status, 0) << recalled.output;
  EXPECT_EQ(recalled.output, "canceled 3 scheduled message(s)\n");
  CommandResult usage = runCommand(notifyctl("cancel"));
  EXPECT_EQ(usage.status, 64) << usage.output;
}

TEST(Notifyctl, ReportsAnUnreachableDaemon) {
  int port = freeLoopbackPort();
  CommandResult result = runCommand((buildDir() / "bin" / "notifyctl").string() + " --endpoint " +
                                    endpointFor(port) + " --timeout-ms 300 --app a --token t ping");
  EXPECT_EQ(result.status, 2) << result.output;
}

}  // namespace
}  // namespace notify::test
