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

#include "integration/postgres_daemon.hpp"

namespace notify::test {
namespace {

using Poco::JSON::Object;

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

TEST_F(PostgresDaemon, ThreeNodesTogetherKeepOneProvidersRateLimit) {
  for (int i = 0; i < 3; ++i) {
    startNode(limitedProvider(receiver_.url()));
  }
  constexpr int kMessages = 45;
  sendSpread(kMessages);
  ASSERT_TRUE(receiver_.waitFor(kMessages, 30000));
  std::vector<int64_t> arrivals = arrivalTimes();
  // No 1-second window of the provider's sees more than 10, whichever node sent them; one node
  // each would have allowed 30.
  EXPECT_LE(mostWithin(arrivals, 1000), 10u);
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
