// SPDX-License-Identifier: Apache-2.0
// Observability through a real daemon: known traffic (a failed, a delivered, a duplicate and a
// rate-limited message), then the exact metric values, the send log over the ops HTTP API and
// notifyctl trace/stats, and the daemon's log checked for recipients in clear.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <map>
#include <regex>
#include <sstream>

#include "support/daemon_process.hpp"
#include "support/ops_http.hpp"
#include "support/test_client.hpp"
#include "support/test_config.hpp"
#include "support/test_env.hpp"
#include "support/webhook_receiver.hpp"

namespace notify::test {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr const char* kPhone = "+8613800000000";

Object::Ptr parse(const std::string& body) {
  return Poco::JSON::Parser().parse(body).extract<Object::Ptr>();
}

std::string runCommand(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  std::array<char, 4096> buffer{};
  size_t n;
  while (pipe != nullptr && (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    output.append(buffer.data(), n);
  }
  if (pipe != nullptr) {
    pclose(pipe);
  }
  return output;
}

class Observability : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = freeLoopbackPort();
    opsPort_ = freeLoopbackPort();
    auto config = writeDaemonConfig(dir_, port_, receiver_.url(), R"(
[ops]
listen = "127.0.0.1:)" + std::to_string(opsPort_) + R"("

[providers.limited]
plugin = "webhook"
url = ")" + receiver_.url() + R"("
secret = "file:webhook.secret"
rate_limits = ["1/1s"]

[channels.limited]
providers = ["limited"]

[apps.capped]
token = "file:test.token"
rate_limits = ["1/min"]

[templates.limited]
vars = ["name"]
owner = "growth-team"
business_line = "retail"
[templates.limited.content.limited]
body = "Hi {{name}}"
)");
    daemon_ = std::make_unique<DaemonProcess>(config, endpointFor(port_));
    daemon_->start();
    client_ = std::make_unique<TestClient>(endpointFor(port_));
  }

  void TearDown() override {
    if (HasFailure() && daemon_) {
      std::cerr << daemon_->log();
    }
  }

  std::string send(const std::string& templateName, const std::string& phone,
                   const std::string& extra = "") {
    auto reply = client_->request(sendFrame(templateName, R"({"phone":")" + phone + "\"}",
                                            R"({"name":"N"})", extra));
    EXPECT_TRUE(reply->getValue<bool>("ok"))
        << (reply->has("error") ? reply->getObject("error")->getValue<std::string>("message") : "");
    return reply->optValue<std::string>("message_id", "");
  }

  // A failed, a delivered (plus a duplicate of it) and two rate-limited-then-delivered
  // messages.
  void runKnownTraffic() {
    receiver_.respondWith({400});
    failed_ = send("greeting", kPhone);
    ASSERT_EQ(waitForState(*client_, failed_, "failed")->getValue<std::string>("state"),
              "failed");
    delivered_ = send("greeting", kPhone, R"(,"idempotency_key":"k1")");
    EXPECT_EQ(send("greeting", kPhone, R"(,"idempotency_key":"k1")"), delivered_);
    limited_ = {send("limited", kPhone), send("limited", kPhone)};
    for (const auto& id : {delivered_, limited_[0], limited_[1]}) {
      ASSERT_EQ(waitForState(*client_, id, "delivered")->getValue<std::string>("state"),
                "delivered");
    }
  }

  TempDir dir_;
  WebhookReceiver receiver_{kWebhookSecret};
  int port_ = 0;
  int opsPort_ = 0;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<TestClient> client_;
  std::string failed_;
  std::string delivered_;
  std::vector<std::string> limited_;
};

TEST_F(Observability, MetricsCountKnownTrafficExactly) {
  runKnownTraffic();
  HttpReply scraped = httpGet(opsPort_, "/metrics");
  ASSERT_EQ(scraped.status, 200);
  const std::string& m = scraped.body;
  auto messages = [&](const std::string& tpl, const std::string& channel,
                      const std::string& provider, const std::string& outcome) {
    return metric(m, messagesSeries("test", tpl, channel, provider, outcome));
  };
  EXPECT_EQ(messages("greeting", "hooks", "", "accepted"), 2) << m;
  EXPECT_EQ(messages("greeting", "hooks", "", "duplicate"), 1);
  EXPECT_EQ(messages("greeting", "hooks", "hook", "failed"), 1);
  EXPECT_EQ(messages("greeting", "hooks", "hook", "delivered"), 1);
  EXPECT_EQ(messages("limited", "limited", "", "accepted"), 2);
  EXPECT_EQ(messages("limited", "limited", "limited", "delivered"), 2);
  EXPECT_EQ(messages("limited", "limited", "limited", "rate_limited"), 1);
  EXPECT_EQ(metric(m, "notify_provider_call_seconds_count{provider=\"hook\",status=\"rejected\"}"),
            1);
  EXPECT_EQ(
      metric(m, "notify_provider_call_seconds_count{provider=\"limited\",status=\"delivered\"}"),
      2);
  EXPECT_EQ(metric(m, "notify_end_to_end_latency_seconds_count{channel=\"hooks\",outcome="
                      "\"failed\"}"),
            1);
  EXPECT_EQ(metric(m, "notify_end_to_end_latency_seconds_count{channel=\"limited\",outcome="
                      "\"delivered\"}"),
            2);
  EXPECT_EQ(metric(m, "notify_ack_latency_seconds_bucket{le=\"+Inf\"}"),
            metric(m, "notify_ack_latency_seconds_count"));
  EXPECT_GE(metric(m, "notify_ack_latency_seconds_count"), 5);  // plus status polls and pings
  EXPECT_EQ(metric(m, "notify_dead_letters"), 1);
  EXPECT_EQ(metric(m, "notify_queue_depth{lane=\"default\"}"), 0);
  EXPECT_EQ(metric(m, "notify_circuit_state{provider=\"hook\"}"), 0);
  EXPECT_GE(metric(m, "notify_rate_limit_utilisation{provider=\"limited\"}"), 0);
  EXPECT_NE(m.find("# TYPE notify_messages_total counter\n"), std::string::npos);
  EXPECT_NE(m.find("# TYPE notify_provider_call_seconds histogram\n"), std::string::npos);
  EXPECT_NE(m.find("# HELP notify_queue_depth "), std::string::npos);

  EXPECT_EQ(httpGet(opsPort_, "/healthz").status, 200);
  EXPECT_EQ(httpGet(opsPort_, "/readyz").status, 200);
  EXPECT_EQ(httpGet(opsPort_, "/nothing").status, 404);
}

// Requests over an app's ingest rate limit are refused (nothing stored) and counted as outcome
// rate_limited with provider "", per template and channel; single sends and batches alike.
TEST_F(Observability, AppRateLimitRefusalsAreCountedPerApp) {
  auto frame = [](const std::string& name) {
    return R"({"op":"send","app":"capped","token":"test-token","template":"greeting",)"
           R"("to":{"phone":"+8613800000001"},"vars":{"name":")" + name + R"("}})";
  };
  EXPECT_TRUE(client_->request(frame("A"))->getValue<bool>("ok"));
  for (const char* name : {"B", "C"}) {
    auto refused = client_->request(frame(name));
    ASSERT_FALSE(refused->getValue<bool>("ok"));
    EXPECT_EQ(refused->getObject("error")->getValue<std::string>("code"), "rate_limited");
  }
  auto batch = client_->request(
      R"({"op":"send_batch","app":"capped","token":"test-token","messages":[)"
      R"({"template":"greeting","to":{"phone":"+8613800000002"},"vars":{"name":"D"}},)"
      R"({"template":"greeting","to":{"phone":"+8613800000003"},"vars":{"name":"E"}}]})");
  ASSERT_TRUE(batch->has("results")) << batch->get("error").toString();

  std::string m = httpGet(opsPort_, "/metrics").body;
  EXPECT_EQ(metric(m, messagesSeries("capped", "greeting", "hooks", "", "accepted")), 1) << m;
  EXPECT_EQ(metric(m, messagesSeries("capped", "greeting", "hooks", "", "rate_limited")), 4);
  EXPECT_EQ(metric(m, messagesSeries("test", "greeting", "hooks", "", "rate_limited")), -1);
}

TEST_F(Observability, SendLogTracesDeliveredFailedAndRateLimitedByRecipient) {
  runKnownTraffic();
  HttpReply listed = httpGet(opsPort_, "/api/messages?to=%2B8613800000000&since=1h");
  ASSERT_EQ(listed.status, 200) << listed.body;
  Array::Ptr messages = parse(listed.body)->getArray("messages");
  ASSERT_EQ(messages->size(), 4u) << listed.body;  // newest first
  EXPECT_EQ(listed.body.find(kPhone), std::string::npos) << "recipient shown in clear";
  std::map<std::string, Object::Ptr> byId;
  for (size_t i = 0; i < messages->size(); ++i) {
    Object::Ptr message = messages->getObject(static_cast<unsigned>(i));
    byId[message->getValue<std::string>("message_id")] = message;
  }
  ASSERT_EQ(byId.count(failed_), 1u);
  EXPECT_EQ(byId[failed_]->getValue<std::string>("state"), "failed");
  EXPECT_EQ(byId[failed_]->getObject("to")->getValue<std::string>("phone"), "+86138****0000");
  Array::Ptr failedEvents = byId[failed_]->getArray("events");
  Object::Ptr last = failedEvents->getObject(failedEvents->size() - 1);
  EXPECT_EQ(last->getValue<std::string>("state"), "failed");
  EXPECT_EQ(last->getValue<std::string>("code"), "400");
  EXPECT_EQ(last->getValue<std::string>("provider"), "hook");
  EXPECT_EQ(byId[delivered_]->getValue<std::string>("state"), "delivered");
  EXPECT_EQ(byId[limited_[0]]->getValue<std::string>("owner"), "growth-team");
  EXPECT_EQ(byId[limited_[0]]->getValue<std::string>("business_line"), "retail");
  bool waited = false;
  for (const auto& id : limited_) {
    std::ostringstream text;
    byId[id]->getArray("events")->stringify(text);
    waited |= text.str().find("\"rate_limited\"") != std::string::npos;
  }
  EXPECT_TRUE(waited);

  HttpReply revealed = httpGet(opsPort_, "/api/messages/" + failed_ + "?reveal=1");
  ASSERT_EQ(revealed.status, 200);
  EXPECT_EQ(parse(revealed.body)->getObject("message")->getObject("to")->getValue<std::string>(
                "phone"),
            kPhone);
  EXPECT_EQ(httpGet(opsPort_, "/api/messages/no-such-id").status, 404);
  EXPECT_EQ(httpGet(opsPort_, "/api/messages?status=bogus").status, 400);

  std::string ctl = (buildDir() / "bin" / "notifyctl").string() + " ";
  std::string ops = " --ops http://127.0.0.1:" + std::to_string(opsPort_);
  std::string trace = runCommand(ctl + "trace --to " + kPhone + " --since 24h" + ops);
  EXPECT_NE(trace.find(failed_ + "  failed"), std::string::npos) << trace;
  EXPECT_NE(trace.find(limited_[1] + "  delivered"), std::string::npos) << trace;
  EXPECT_NE(trace.find("rate_limited"), std::string::npos) << trace;
  EXPECT_NE(trace.find("code=400"), std::string::npos) << trace;
  EXPECT_NE(trace.find("phone=+86138****0000"), std::string::npos) << trace;
  EXPECT_EQ(trace.find(kPhone), std::string::npos) << trace;
  std::string revealedTrace = runCommand(ctl + "trace --to " + kPhone + " --reveal" + ops);
  EXPECT_NE(revealedTrace.find(std::string("phone=") + kPhone), std::string::npos);

  // Whitespace collapsed: app, channel, provider, total, delivered, failed, pending, success, failure,
  // rate-limited.
  std::string stats = std::regex_replace(runCommand(ctl + "stats --since 1h" + ops),
                                         std::regex(" +"), " ");
  EXPECT_NE(stats.find("test hooks hook 2 1 1 0 50.0% 50.0% 0\n"), std::string::npos) << stats;
  EXPECT_NE(stats.find("test limited limited 2 2 0 0 100.0% 0.0% 1\n"), std::string::npos) << stats;
}

TEST_F(Observability, InfoLogHoldsNoRecipientInClear) {
  runKnownTraffic();
  auto email = client_->request(sendFrame("greeting", R"({"email":"ann.lee@example.com"})",
                                          R"({"name":"N"})"));
  ASSERT_TRUE(email->getValue<bool>("ok"));
  waitForState(*client_, email->getValue<std::string>("message_id"), "delivered");
  std::string log = daemon_->log();
  ASSERT_FALSE(log.empty());
  std::smatch found;
  for (const char* sent : {"13800000000", "13900000000", "138-0000-0000", "ann.lee"}) {
    EXPECT_EQ(log.find(sent), std::string::npos) << sent << " in the log";
  }
  EXPECT_FALSE(std::regex_search(log, found, std::regex(R"(\+\d[\d -]{7,}\d)")))
      << "phone number in the log: " << found.str(0);
  EXPECT_FALSE(std::regex_search(log, found, std::regex(R"([\w.+-]+@[\w-]+\.[\w.]+)")))
      << "email address in the log: " << found.str(0);
}

TEST(JsonLogLines, EveryLineIsAJsonObjectWithComponentAndMessage) {
  TempDir dir;
  int port = freeLoopbackPort();
  WebhookReceiver receiver{kWebhookSecret};
  auto config = writeDaemonConfig(dir, port, receiver.url(), "\n[log]\nformat = \"json\"\n");
  DaemonProcess daemon(config, endpointFor(port));
  daemon.start();
  TestClient client(endpointFor(port));
  auto reply = client.request(sendFrame("greeting", R"({"email":"ann.lee@example.com"})",
                                        R"({"name":"N"})"));
  ASSERT_TRUE(reply->getValue<bool>("ok"));
  waitForState(client, reply->getValue<std::string>("message_id"), "delivered");
  ASSERT_EQ(daemon.terminate(), 0);
  std::istringstream lines(daemon.log());
  int parsed = 0;
  bool sawStarted = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) {
      continue;
    }
    Object::Ptr object = parse(line);
    EXPECT_FALSE(object->getValue<std::string>("ts").empty()) << line;
    EXPECT_FALSE(object->getValue<std::string>("level").empty()) << line;
    sawStarted |= object->getValue<std::string>("component") == "notifyd" &&
                  object->getValue<std::string>("msg").rfind("started", 0) == 0;
    ++parsed;
  }
  EXPECT_GE(parsed, 3);
  EXPECT_TRUE(sawStarted) << daemon.log();
  EXPECT_EQ(daemon.log().find("ann.lee"), std::string::npos);
}

}  // namespace
}  // namespace notify::test
