// SPDX-License-Identifier: Apache-2.0
// What several notifyd nodes on one PostgreSQL share beyond messages: the send log read by
// notifyctl, cron runs fired once across nodes, and a provider's "too many requests" pausing
// every node.
#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <regex>

#include "integration/postgres_daemon.hpp"
#include "support/cron_runs.hpp"
#include "support/fakeprov_process.hpp"
#include "support/run_command.hpp"
#include "support/shared_clock.hpp"
#include "support/test_env.hpp"

namespace notify::test {
namespace {

constexpr const char* kPhone = "+8613800000000";

std::string opsTable(int opsPort) {
  return "\n[ops]\nlisten = \"127.0.0.1:" + std::to_string(opsPort) + "\"\n";
}

std::string notifyctl(const std::string& args, int opsPort) {
  return runCommand((buildDir() / "bin" / "notifyctl").string() + " " + args +
                    " --ops http://127.0.0.1:" + std::to_string(opsPort))
      .output;
}

TEST_F(PostgresDaemon, NotifyctlTraceStatsAndAlertsReadThePostgresSendLog) {
  int opsPort = freeLoopbackPort();
  Node& node = startNode(opsTable(opsPort));
  TestClient client(endpointFor(node.port));
  Object::Ptr reply = client.request(
      sendFrame("greeting", std::string(R"({"phone":")") + kPhone + "\"}", R"({"name":"Ann"})"));
  ASSERT_TRUE(reply->getValue<bool>("ok")) << reply->get("error").toString();
  std::string id = reply->getValue<std::string>("message_id");
  ASSERT_TRUE(waitForState(client, id, "delivered"));
  // The alert history as the alert engine writes it (PgStore::recordAlert has its own test).
  PgServer::shared().execute(
      "INSERT INTO alert_history (at_ms, rule, firing, value, detail) VALUES "
      "((extract(epoch from now()) * 1000)::bigint, 'hook_failures', true, 50, "
      "'50% of hook sends failed')",
      database_);

  std::string trace = notifyctl(std::string("trace --to ") + kPhone + " --since 24h", opsPort);
  EXPECT_NE(trace.find(id + "  delivered"), std::string::npos) << trace;
  EXPECT_NE(trace.find("phone=+86138****0000"), std::string::npos) << trace;
  EXPECT_EQ(trace.find(kPhone), std::string::npos) << trace;
  std::string stats =
      std::regex_replace(notifyctl("stats --since 1h", opsPort), std::regex(" +"), " ");
  EXPECT_NE(stats.find("test hooks hook 1 1 0 0 100.0% 0.0% 0\n"), std::string::npos) << stats;
  std::string alerts = notifyctl("alerts --since 1h", opsPort);
  EXPECT_NE(alerts.find("hook_failures  50% of hook sends failed"), std::string::npos) << alerts;
}

// A job firing every minute of a compressed clock on two nodes: each fire time is one run,
// expanded by one node, one message per run.
TEST_F(PostgresDaemon, TwoNodesFireEachCronRunOnce) {
  SharedClock clock("2026-06-01T08:00:30+08:00", 60);
  std::string job = clock.toml() + R"(
[templates.bill]
vars = ["name"]
default_channel = "hooks"

[templates.bill.content.hooks]
body = "Hi {{name}}"

[cron.minutely]
schedule = "* * * * *"
time_zone = "Asia/Shanghai"
app = "test"
template = "bill"

[cron.minutely.audience]
recipient = "user"
rows = [{ user = "u-1", name = "Ann" }]
)";
  Node& first = startNode(job);
  startNode(job);
  clock.sleepUntil(*core::parseRfc3339("2026-06-01T08:06:10+08:00"));
  ASSERT_TRUE(receiver_.waitFor(4, 5000));
  nodes_.back()->process->terminate();  // graceful: a kill could resend a message in flight
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  TestClient client(endpointFor(first.port));
  Object::Ptr reply =
      client.request(R"({"op":"cron_runs","app":"test","token":"test-token","job":"minutely"})");
  ASSERT_TRUE(reply->getValue<bool>("ok"));
  int done = expectEachFireTimeOnce(reply->getArray("runs"),
                                    {"2026-06-01T00:03:00.000Z", "2026-06-01T00:04:00.000Z",
                                     "2026-06-01T00:05:00.000Z", "2026-06-01T00:06:00.000Z"});
  EXPECT_GE(done, 4);
  EXPECT_EQ(receiver_.received().size(), static_cast<size_t>(done));
  EXPECT_EQ(PgServer::shared().execute(
                "SELECT count(*) FROM (SELECT job, planned_ms FROM cron_runs GROUP BY 1, 2 "
                "HAVING count(*) > 1) d",
                database_),
            "0");
}

// Node A sends to an account-wide provider (throttle_pause_ms) and gets "429, retry after
// 5 s". Node B starts after that and A stops: B never saw a 429, yet holds every send to that
// provider (the rest of A's message and its own) until the pause A recorded in the ledger ends.
TEST_F(PostgresDaemon, AThrottleAnswerToOneNodePausesTheProviderOnEveryNode) {
  FakeProvProcess fake;
  fake.control("faults", R"({"provider":"webhook","kind":"status","status":429,"count":1,)"
                         R"("headers":{"Retry-After":"5"}})");
  std::string provider = accountWideProvider(fake.url("webhook") + "/account");
  Node& a = startNode(provider);
  TestClient toA(endpointFor(a.port));
  Object::Ptr first = toA.request(sendFrame("bill", R"({"user":"u"})", R"({"name":"first"})"));
  ASSERT_TRUE(first->getValue<bool>("ok"));
  std::string firstId = first->getValue<std::string>("message_id");
  std::string throttledAt;
  for (int i = 0; i < 100 && throttledAt.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    throttledAt = PgServer::shared().execute(
        "SELECT at_ms FROM events WHERE message_id = '" + firstId + "' AND state = 'rate_limited'",
        database_);
  }
  ASSERT_FALSE(throttledAt.empty()) << "no 429 recorded";
  Node& b = startNode(provider);
  EXPECT_EQ(a.process->terminate(), 0);

  TestClient toB(endpointFor(b.port));
  std::vector<std::string> ids = {firstId};
  for (int i = 0; i < 4; ++i) {
    Object::Ptr reply = toB.request(sendFrame("bill", R"({"user":"u"})", R"({"name":"later"})"));
    ASSERT_TRUE(reply->getValue<bool>("ok"));
    ids.push_back(reply->getValue<std::string>("message_id"));
  }
  for (const std::string& id : ids) {
    Object::Ptr message = waitForState(toB, id, "delivered");
    ASSERT_TRUE(message);
    EXPECT_EQ(message->getValue<std::string>("state"), "delivered");
  }
  Poco::JSON::Array::Ptr requests = fake.requests("webhook");  // the 429 is not recorded
  ASSERT_EQ(requests->size(), ids.size());
  for (size_t i = 0; i < requests->size(); ++i) {
    EXPECT_GE(requests->getObject(static_cast<unsigned>(i))->getValue<int64_t>("at_ms"),
              std::stoll(throttledAt) + 4900)
        << "sent during the provider's pause";
  }
}

// Two nodes on a clock 60 times faster share a "20/min" limit: the ledger's windows run in test
// time, so 40 messages take about one test minute (a real second), not a real minute, and no
// test minute sees more than 20 of them.
TEST_F(PostgresDaemon, TheRateLedgerRunsOnTheTestClock) {
  SharedClock clock("2026-06-01T08:00:00+08:00", 60);
  // A margin of 12 test seconds is 200 real ms: arrival jitter on a loaded machine.
  std::string config = clock.toml() + limitedProvider(receiver_.url(), "20/min", 12000);
  startNode(config);
  startNode(config);
  constexpr int kMessages = 40;
  sendSpread(kMessages);
  ASSERT_TRUE(receiver_.waitFor(kMessages, 20000)) << "the ledger waited in real time";
  std::vector<int64_t> arrivals = arrivalTimes();
  EXPECT_LE(mostWithin(arrivals, 1000), 20u);  // a real second is a test minute
  EXPECT_GE(arrivals.back() - arrivals.front(), 900);
}

}  // namespace
}  // namespace notify::test
