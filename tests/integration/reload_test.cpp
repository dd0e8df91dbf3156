// SPDX-License-Identifier: Apache-2.0
// Live reload of a running notifyd: a broken file is refused and the running configuration keeps
// working; a plugin .so dropped into the plugins directory plus a new provider, channel and
// template become usable without a restart.
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "support/daemon_process.hpp"
#include "support/test_client.hpp"
#include "support/test_config.hpp"
#include "support/test_env.hpp"
#include "support/webhook_receiver.hpp"

namespace notify::test {
namespace {

using Poco::JSON::Object;

const std::string kOps = R"(
[apps.ops]
token = "file:test.token"
admin = true
)";

const std::string kFileChannel = R"(
[providers.outbox]
plugin = "file"
path = "outbox.jsonl"

[channels.files]
providers = ["outbox"]

[templates.note]
vars = ["text"]
[templates.note.content.files]
body = "Note: {{text}}"
)";

std::string readFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class Reload : public ::testing::Test {
 protected:
  // The daemon loads plugins from a directory of the test's own that starts with the webhook
  // plugin only.
  void SetUp() override {
    port_ = freeLoopbackPort();
    std::filesystem::create_directories(dir_.path() / "plugins");
    std::filesystem::copy_file(buildDir() / "plugins" / "channel_webhook.so",
                               dir_.path() / "plugins" / "channel_webhook.so");
    writeConfig("");
    daemon_ = std::make_unique<DaemonProcess>(config_, endpointFor(port_));
    daemon_->start();
    client_ = std::make_unique<TestClient>(endpointFor(port_));
  }
  void TearDown() override {
    if (HasFailure()) {
      std::cerr << "--- notifyd log ---\n" << daemon_->log();
    }
  }
  void writeConfig(const std::string& extra) {
    config_ = writeDaemonConfig(dir_, port_, receiver_.url(), kOps + extra);
    std::string text = readFile(config_);
    std::string from = (buildDir() / "plugins").string();
    text.replace(text.find(from), from.size(), (dir_.path() / "plugins").string());
    dir_.write("notifyd.toml", text);
  }
  Object::Ptr reload(const std::string& app = "ops") {
    return client_->request(R"({"op":"reload","app":")" + app + R"(","token":"test-token"})",
                            20000);
  }
  // A greeting goes through the running configuration to the webhook receiver.
  void expectGreetingDelivered(size_t expectedCount) {
    Object::Ptr r = client_->request(sendFrame("greeting", R"({"user":"u"})", R"({"name":"Ann"})"));
    ASSERT_TRUE(r->getValue<bool>("ok")) << r->get("error").toString();
    EXPECT_TRUE(receiver_.waitFor(expectedCount, 10000));
  }

  // Waits (up to 10 s) until the daemon's log holds text at least twice.
  bool logShowsTwice(const std::string& text) {
    for (int i = 0; i < 200; ++i) {
      std::string log = daemon_->log();
      size_t first = log.find(text);
      if (first != std::string::npos && log.find(text, first + 1) != std::string::npos) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  TempDir dir_;
  WebhookReceiver receiver_{kWebhookSecret};
  int port_ = 0;
  std::filesystem::path config_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(Reload, BrokenFileIsRefusedAndTheRunningConfigurationKeepsWorking) {
  EXPECT_EQ(reload("test")->getObject("error")->getValue<std::string>("code"), "forbidden");
  std::string good = readFile(config_);
  dir_.write("notifyd.toml", good + "\n[templates.broken\nvars = [\n");
  Object::Ptr refused = reload();
  ASSERT_FALSE(refused->getValue<bool>("ok"));
  Object::Ptr error = refused->getObject("error");
  EXPECT_EQ(error->getValue<std::string>("code"), "bad_config");
  EXPECT_NE(error->getValue<std::string>("message").find("notifyd.toml:"), std::string::npos)
      << error->getValue<std::string>("message");
  expectGreetingDelivered(1);

  // A valid file with a reference error is refused just the same, also through SIGHUP.
  dir_.write("notifyd.toml", good +
                                 "\n[templates.bad]\nvars = [\"x\"]\n"
                                 "[templates.bad.content.nowhere]\nbody = \"{{x}}\"\n");
  EXPECT_EQ(reload()->getObject("error")->getValue<std::string>("code"), "bad_config");
  ASSERT_EQ(::kill(daemon_->pid(), SIGHUP), 0);
  EXPECT_TRUE(logShowsTwice("reload refused"));  // once for the op, once for SIGHUP
  expectGreetingDelivered(2);
}

TEST_F(Reload, NewPluginDroppedInAndConfiguredDeliversWithoutARestart) {
  Object::Ptr before = client_->request(sendFrame("note", R"({"user":"u"})", R"({"text":"hi"})"));
  EXPECT_EQ(before->getObject("error")->getValue<std::string>("code"), "unknown_template");

  std::filesystem::copy_file(buildDir() / "plugins" / "channel_file.so",
                             dir_.path() / "plugins" / "channel_file.so");
  writeConfig(kFileChannel);
  Object::Ptr reloaded = reload();
  ASSERT_TRUE(reloaded->getValue<bool>("ok")) << reloaded->get("error").toString();
  EXPECT_NE(reloaded->getValue<std::string>("reloaded").find("file"), std::string::npos);

  Object::Ptr sent = client_->request(sendFrame("note", R"({"user":"u"})", R"({"text":"hi"})"));
  ASSERT_TRUE(sent->getValue<bool>("ok")) << sent->get("error").toString();
  std::string id = sent->getValue<std::string>("message_id");
  Object::Ptr message = waitForState(*client_, id, "delivered");
  ASSERT_TRUE(message);
  EXPECT_EQ(message->getValue<std::string>("provider"), "outbox");
  std::string outbox = readFile(dir_.path() / "outbox.jsonl");
  EXPECT_NE(outbox.find(id), std::string::npos);
  EXPECT_NE(outbox.find("Note: hi"), std::string::npos);
  expectGreetingDelivered(1);  // the webhook provider still works after the swap
}

}  // namespace
}  // namespace notify::test
