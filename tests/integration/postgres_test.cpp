// SPDX-License-Identifier: Apache-2.0
// notifyd on PostgreSQL: one node end to end, the server stopped or its sessions killed under
// load, and three nodes sharing one database with one of them killed mid-load.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "support/daemon_process.hpp"
#include "support/pg_server.hpp"
#include "support/test_client.hpp"
#include "support/test_config.hpp"
#include "support/webhook_receiver.hpp"

namespace notify::test {
namespace {

using Poco::JSON::Object;

// One node: its directory, configuration and process.
struct Node {
  TempDir dir;
  int port = 0;
  std::unique_ptr<DaemonProcess> process;
};

// What a load generator saw: the ids that were acked, and the refusals by error code.
struct LoadResult {
  std::mutex mutex;
  std::set<std::string> acked;
  std::map<std::string, int> refused;
};

class PostgresDaemon : public ::testing::Test {
 protected:
  void SetUp() override { database_ = PgServer::shared().createDatabase(); }

  void TearDown() override {
    for (auto& node : nodes_) {
      if (HasFailure() && node->process) {
        std::cerr << "--- notifyd log (port " << node->port << ") ---\n" << node->process->log();
      }
      node->process.reset();
    }
    PgServer::shared().dropDatabase(database_);
  }

  Node& startNode(const std::string& extra = "", std::vector<std::string> args = {}) {
    auto node = std::make_unique<Node>();
    node->port = freeLoopbackPort();
    std::string store =
        "kind = \"postgres\"\nurl = \"" + PgServer::shared().url(database_) + "\"\npool_size = 4";
    auto config = writeDaemonConfig(node->dir, node->port, receiver_.url(), extra, store);
    node->process =
        std::make_unique<DaemonProcess>(config, endpointFor(node->port), std::move(args));
    node->process->start();
    nodes_.push_back(std::move(node));
    return *nodes_.back();
  }

  // Sends until stop is set, one request at a time, recording what was acked and refused.
  static void sendUntil(const std::string& endpoint, const std::atomic<bool>& stop,
                        LoadResult& result) {
    TestClient client(endpoint);
    for (int i = 0; !stop; ++i) {
      std::optional<std::string> reply = client.tryRequest(
          sendFrame("greeting", R"({"user":"u"})", R"({"name":"n)" + std::to_string(i) + "\"}"),
          3000);
      if (!reply) {
        continue;  // no answer: not acked
      }
      Poco::JSON::Parser parser;
      Object::Ptr object = parser.parse(*reply).extract<Object::Ptr>();
      std::lock_guard lock(result.mutex);
      if (object->getValue<bool>("ok")) {
        result.acked.insert(object->getValue<std::string>("message_id"));
      } else {
        ++result.refused[object->getObject("error")->getValue<std::string>("code")];
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }

  // The ids the receiver got, each with how often.
  std::map<std::string, int> deliveries() const {
    std::map<std::string, int> counts;
    for (const auto& hook : receiver_.received()) {
      ++counts[hook.id];
    }
    return counts;
  }

  // Waits until every acked id was delivered at least once.
  bool waitForAll(const std::set<std::string>& acked, int timeoutMs) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
      std::map<std::string, int> got = deliveries();
      if (std::all_of(acked.begin(), acked.end(),
                      [&](const std::string& id) { return got.count(id) > 0; })) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  // Waits until every stored message is delivered.
  bool waitUntilAllDelivered(int timeoutMs) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
      if (PgServer::shared().execute("SELECT count(*) FROM messages WHERE state <> 'delivered'",
                                     database_) == "0") {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }

  static size_t missing(const std::set<std::string>& acked, const std::map<std::string, int>& got) {
    return static_cast<size_t>(std::count_if(
        acked.begin(), acked.end(), [&](const std::string& id) { return got.count(id) == 0; }));
  }

  std::string database_;
  WebhookReceiver receiver_{kWebhookSecret};
  std::vector<std::unique_ptr<Node>> nodes_;
};

TEST_F(PostgresDaemon, DeliversThroughTheWebhookAndRecordsTheLifecycle) {
  Node& node = startNode();
  TestClient client(endpointFor(node.port));
  Object::Ptr reply = client.request(sendFrame("greeting", R"({"user":"u-1"})", R"({"name":"Ann"})",
                                               R"(,"idempotency_key":"k1")"));
  ASSERT_TRUE(reply->getValue<bool>("ok")) << reply->get("error").toString();
  std::string id = reply->getValue<std::string>("message_id");
  Object::Ptr again = client.request(sendFrame("greeting", R"({"user":"u-1"})", R"({"name":"Ann"})",
                                               R"(,"idempotency_key":"k1")"));
  EXPECT_EQ(again->optValue<std::string>("message_id", ""), id);  // the original, not a new one

  ASSERT_TRUE(receiver_.waitFor(1, 10000));
  EXPECT_EQ(receiver_.received().front().id, id);
  EXPECT_TRUE(receiver_.received().front().signatureValid);
  Object::Ptr message = waitForState(client, id, "delivered");
  ASSERT_TRUE(message);
  EXPECT_EQ(eventStates(message),
            (std::vector<std::string>{"accepted", "queued", "sending", "delivered"}));
  EXPECT_EQ(
      PgServer::shared().execute("SELECT state FROM messages WHERE id = '" + id + "'", database_),
      "delivered");
}

TEST_F(PostgresDaemon, ServerStoppedUnderLoadLosesNothingAcked) {
  Node& node = startNode();
  LoadResult load;
  std::atomic<bool> stop{false};
  std::thread sender([&] { sendUntil(endpointFor(node.port), stop, load); });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  PgServer::shared().stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  size_t ackedWhileDown;
  {
    std::lock_guard lock(load.mutex);
    ackedWhileDown = load.acked.size();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  {
    std::lock_guard lock(load.mutex);
    EXPECT_EQ(load.acked.size(), ackedWhileDown) << "acked while PostgreSQL was down";
    EXPECT_GT(load.refused["unavailable"] + load.refused["busy"], 0);
  }
  PgServer::shared().start();
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // reconnect and resume
  stop = true;
  sender.join();
  EXPECT_GT(load.acked.size(), ackedWhileDown) << "did not resume after the restart";
  EXPECT_TRUE(waitForAll(load.acked, 20000));
  EXPECT_EQ(missing(load.acked, deliveries()), 0u);
}

TEST_F(PostgresDaemon, TerminatedBackendsAreReplacedWithoutLoss) {
  Node& node = startNode();
  LoadResult load;
  std::atomic<bool> stop{false};
  std::thread sender([&] { sendUntil(endpointFor(node.port), stop, load); });
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    PgServer::shared().execute(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '" +
        database_ + "' AND pid <> pg_backend_pid()");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  sender.join();
  EXPECT_GT(load.acked.size(), 50u);
  EXPECT_TRUE(waitForAll(load.acked, 20000));
  EXPECT_EQ(missing(load.acked, deliveries()), 0u);
}

TEST_F(PostgresDaemon, ThreeNodesOneKilledMidLoadLoseNothingAcked) {
  for (int i = 0; i < 3; ++i) {
    startNode();
  }
  LoadResult load;
  std::atomic<bool> stop{false};
  std::vector<std::thread> senders;
  for (int c = 0; c < 6; ++c) {
    senders.emplace_back([&, c] { sendUntil(endpointFor(nodes_[c % 3]->port), stop, load); });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  nodes_[0]->process->kill9();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  stop = true;
  for (auto& s : senders) {
    s.join();
  }
  ASSERT_GT(load.acked.size(), 100u);
  // The killed node's leases (lease_ms = 5000) expire and the others send what it held, also
  // what it stored but could not ack any more.
  EXPECT_TRUE(waitForAll(load.acked, 30000));
  EXPECT_TRUE(waitUntilAllDelivered(30000));
  std::map<std::string, int> got = deliveries();
  EXPECT_EQ(missing(load.acked, got), 0u);
  // Only a send in flight at the kill may arrive twice: a message the killed node had claimed
  // (sent, or sent with its outcome not yet committed) that another node took over when the
  // lease expired. Any other duplicate is a bug.
  for (const auto& [id, count] : got) {
    if (count > 1) {
      EXPECT_NE(PgServer::shared().execute("SELECT count(*) FROM events WHERE message_id = '" + id +
                                               "' AND detail LIKE '%reclaimed after the lease of%'",
                                           database_),
                "0")
          << id << " delivered " << count << " times but was never taken from the killed node";
    }
  }
}

// A second webhook provider limited to 10/s, its channel and a template sending through it.
std::string limitedProvider(const std::string& url) {
  return R"(
[providers.limited]
plugin = "webhook"
url = ")" +
         url + R"("
secret = "file:webhook.secret"
rate_limits = ["10/s"]
rate_margin_ms = 200   # arrival jitter on a loaded 2-core machine shared with other builds

[channels.limited]
providers = ["limited"]

[templates.limited]
vars = ["name"]

[templates.limited.content.limited]
subject = "Hi {{name}}"
body = "Hello {{name}}"
)";
}

TEST_F(PostgresDaemon, ThreeNodesTogetherKeepOneProvidersRateLimit) {
  for (int i = 0; i < 3; ++i) {
    startNode(limitedProvider(receiver_.url()));
  }
  constexpr int kMessages = 45;
  for (int i = 0; i < kMessages; ++i) {
    TestClient client(endpointFor(nodes_[static_cast<size_t>(i) % 3]->port));
    Object::Ptr reply = client.request(
        sendFrame("limited", R"({"user":"u"})", R"({"name":"n)" + std::to_string(i) + "\"}"));
    ASSERT_TRUE(reply->getValue<bool>("ok")) << reply->get("error").toString();
  }
  ASSERT_TRUE(receiver_.waitFor(kMessages, 30000));
  std::vector<int64_t> arrivals;
  for (const auto& hook : receiver_.received()) {
    arrivals.push_back(hook.receivedAtMs);
  }
  std::sort(arrivals.begin(), arrivals.end());
  // No 1-second window of the provider's sees more than 10, whichever node sent them; one node
  // each would have allowed 30.
  size_t most = 0;
  for (size_t first = 0, last = 0; last < arrivals.size(); ++last) {
    while (arrivals[last] - arrivals[first] >= 1000) {
      ++first;
    }
    most = std::max(most, last - first + 1);
  }
  EXPECT_LE(most, 10u);
  EXPECT_GE(arrivals.back() - arrivals.front(), 3000);  // 45 at 10/s take over 3 s
}

// Content dedup across nodes: the guard is decided in the database, under a lock per guard key.
TEST_F(PostgresDaemon, TheSameDeduplicatedRequestOnTwoNodesAtOnceIsSentOnce) {
  const std::string dedup = R"(
[templates.sale]
dedup_window_s = 60
vars = ["item"]
[templates.sale.content.hooks]
body = "{{item}} on sale"
)";
  startNode(dedup);
  startNode(dedup);
  constexpr int kRounds = 5;
  std::set<std::string> queued;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<std::unique_ptr<TestClient>> clients;
    for (const auto& node : nodes_) {
      clients.push_back(std::make_unique<TestClient>(endpointFor(node->port)));
    }
    std::vector<Object::Ptr> replies(2);
    std::vector<std::thread> callers;
    for (size_t i = 0; i < 2; ++i) {
      callers.emplace_back([&, i] {
        replies[i] = clients[i]->request(sendFrame(
            "sale", R"({"user":"u-1"})", R"({"item":"i)" + std::to_string(round) + "\"}"));
      });
    }
    for (auto& t : callers) {
      t.join();
    }
    std::map<std::string, Object::Ptr> byStatus;
    for (const auto& r : replies) {
      ASSERT_TRUE(r->getValue<bool>("ok")) << r->get("error").toString();
      byStatus[r->getValue<std::string>("status")] = r;
    }
    ASSERT_EQ(byStatus.size(), 2u) << "round " << round << ": both got the same status";
    ASSERT_TRUE(byStatus.count("queued") && byStatus.count("duplicate")) << "round " << round;
    std::string original = byStatus["queued"]->getValue<std::string>("message_id");
    EXPECT_EQ(byStatus["duplicate"]->getValue<std::string>("duplicate_of"), original);
    queued.insert(original);
  }
  ASSERT_TRUE(waitForAll(queued, 20000));
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // a second send would show now
  std::map<std::string, int> got = deliveries();
  EXPECT_EQ(got.size(), static_cast<size_t>(kRounds));
  for (const auto& [id, count] : got) {
    EXPECT_TRUE(queued.count(id)) << id << " was a duplicate but was delivered";
    EXPECT_EQ(count, 1) << id;
  }
}

TEST_F(PostgresDaemon, AMessageAcceptedOnOneNodeWakesAnotherNodesDispatcher) {
  Node& front = startNode("", {"--roles", "ingress"});
  startNode();  // the only dispatcher, idle until woken (its safety net is 5 s)
  TestClient client(endpointFor(front.port));
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    Object::Ptr reply = client.request(sendFrame("greeting", R"({"user":"u"})", R"({"name":"x"})"));
    ASSERT_TRUE(reply->getValue<bool>("ok"));
    auto acked = std::chrono::steady_clock::now();
    ASSERT_TRUE(receiver_.waitFor(static_cast<size_t>(i) + 1, 10000));
    auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - acked);
    // Woken by NOTIFY at once, not found by the next 5-second look.
    EXPECT_LT(waited.count(), 1500) << "message " << i;
  }
}

}  // namespace
}  // namespace notify::test
