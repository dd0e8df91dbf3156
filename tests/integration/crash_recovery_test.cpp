// SPDX-License-Identifier: Apache-2.0
// kill -9 at random moments under load, many times: every acknowledged message is delivered in
// the end, none vanishes, and duplicates are bounded by what could have been in flight.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <zmq.hpp>

#include "support/daemon_process.hpp"
#include "support/test_client.hpp"
#include "support/test_config.hpp"
#include "support/webhook_receiver.hpp"

namespace notify::test {
namespace {

constexpr int kWorkers = 4;      // writeDaemonConfig's [dispatch] workers
constexpr int kMaxInFlight = 8;  // and max_in_flight

// Sends as fast as acks come back until stopped; keeps every acked id.
void load(const std::string& endpoint, std::atomic<bool>& stop, std::set<std::string>& acked) {
  TestClient client(endpoint);
  int n = 0;
  while (!stop) {
    std::optional<std::string> reply = client.tryRequest(
        sendFrame("greeting", R"({"user":"u)" + std::to_string(n++) + "\"}", R"({"name":"K"})"),
        500);
    if (reply && reply->find("\"ok\":true") != std::string::npos) {
      size_t at = reply->find("\"message_id\":\"");
      acked.insert(reply->substr(at + 14, 36));
    }
  }
}

TEST(CrashRecovery, RepeatedKill9UnderLoadLosesNoAcknowledgedMessage) {
  const int kKills = soakCount("NOTIFY_SOAK_KILLS", 20);  // tools/soak.sh raises it
  TempDir dir;
  WebhookReceiver receiver(kWebhookSecret);
  int port = freeLoopbackPort();
  // A short lease so that messages in flight at a kill are taken again quickly.
  auto config = writeDaemonConfig(dir, port, receiver.url());
  std::string text = readFile(config);
  text.replace(text.find("lease_ms = 5000"), 15, "lease_ms = 2500");
  dir.write("notifyd.toml", text);

  std::mt19937 random(7);
  std::set<std::string> acked;
  for (int kill = 0; kill < kKills; ++kill) {
    DaemonProcess daemon(config, endpointFor(port));
    daemon.start();
    std::atomic<bool> stop{false};
    std::set<std::string> batch;
    std::thread producer(load, endpointFor(port), std::ref(stop), std::ref(batch));
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + random() % 250));
    daemon.kill9();  // mid-load: requests, commits and sends in flight
    stop = true;
    producer.join();
    acked.insert(batch.begin(), batch.end());
  }
  ASSERT_GT(acked.size(), 100u);

  DaemonProcess last(config, endpointFor(port));
  last.start();
  bool allArrived = false;
  std::map<std::string, int> deliveries;
  for (int i = 0; i < 300 && !allArrived; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    deliveries.clear();
    for (const auto& hook : receiver.received()) {
      ++deliveries[hook.id];
    }
    allArrived = std::all_of(acked.begin(), acked.end(),
                             [&](const std::string& id) { return deliveries.count(id) > 0; });
  }
  for (const auto& id : acked) {
    EXPECT_GT(deliveries[id], 0) << "acked message " << id << " was never delivered";
  }
  size_t duplicates = 0;
  for (const auto& [id, count] : deliveries) {
    duplicates += static_cast<size_t>(count - 1);
  }
  // At-least-once: only messages whose outcome was not yet committed at a kill may repeat — sends
  // in flight, plus outcomes waiting for the next group commit (a lane holds at most
  // 2 x workers + max_in_flight claimed messages).
  EXPECT_LE(duplicates, static_cast<size_t>(kKills * (2 * kWorkers + kMaxInFlight)));
  std::cout << acked.size() << " acked over " << kKills << " kills, " << duplicates
            << " duplicate deliveries\n";
}

TEST(CrashRecovery, SigtermUnderLoadStopsCleanlyAndKeepsEveryAck) {
  TempDir dir;
  WebhookReceiver receiver(kWebhookSecret);
  int port = freeLoopbackPort();
  auto config = writeDaemonConfig(dir, port, receiver.url());
  std::set<std::string> acked;
  {
    DaemonProcess daemon(config, endpointFor(port));
    daemon.start();
    std::atomic<bool> stop{false};
    std::thread producer(load, endpointFor(port), std::ref(stop), std::ref(acked));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    auto asked = std::chrono::steady_clock::now();
    EXPECT_EQ(daemon.terminate(), 0) << daemon.log();
    auto took = std::chrono::steady_clock::now() - asked;
    // Sends in flight finish within the send timeout (2 s in the test config).
    EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), 5000);
    stop = true;
    producer.join();
  }
  ASSERT_GT(acked.size(), 10u);
  DaemonProcess again(config, endpointFor(port));
  again.start();
  ASSERT_TRUE(receiver.waitFor(acked.size(), 20000));
  std::set<std::string> delivered;
  for (const auto& hook : receiver.received()) {
    delivered.insert(hook.id);
  }
  for (const auto& id : acked) {
    EXPECT_EQ(delivered.count(id), 1u) << id;
  }
}

TEST(BackPressure, ASaturatedDaemonAnswersBusyQuicklyAndLosesNothingItAcked) {
  TempDir dir;
  WebhookReceiver receiver(kWebhookSecret);
  int port = freeLoopbackPort();
  auto config = writeDaemonConfig(dir, port, receiver.url());
  std::string text = readFile(config);
  std::string listen = "listen = \"" + endpointFor(port) + "\"";
  text.replace(text.find(listen), listen.size(), listen + "\nmax_pending = 4");
  dir.write("notifyd.toml", text);
  DaemonProcess daemon(config, endpointFor(port));
  daemon.start();

  // One pipelined client fires everything at once, then reads every reply.
  zmq::context_t context(1);
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::linger, 0);
  socket.connect(endpointFor(port));
  constexpr int kRequests = 3000;
  for (int i = 0; i < kRequests; ++i) {
    socket.send(zmq::buffer(sendFrame("greeting", R"({"user":"u)" + std::to_string(i) + "\"}",
                                      R"({"name":"B"})")),
                zmq::send_flags::none);
  }
  std::set<std::string> acked;
  int busy = 0;
  socket.set(zmq::sockopt::rcvtimeo, 10000);
  for (int i = 0; i < kRequests; ++i) {
    zmq::message_t reply;
    ASSERT_TRUE(socket.recv(reply)) << "reply " << i << " never came";
    std::string body = reply.to_string();
    if (body.find("\"ok\":true") != std::string::npos) {
      acked.insert(body.substr(body.find("\"message_id\":\"") + 14, 36));
    } else {
      ASSERT_NE(body.find("\"code\":\"busy\""), std::string::npos) << body;
      ++busy;
    }
  }
  EXPECT_GT(busy, 0);
  EXPECT_GT(acked.size(), 0u);
  ASSERT_TRUE(receiver.waitFor(acked.size(), 20000));
  std::set<std::string> delivered;
  for (const auto& hook : receiver.received()) {
    delivered.insert(hook.id);
  }
  EXPECT_EQ(delivered, acked);  // exactly the acked ones: a busy answer stored nothing
}

}  // namespace
}  // namespace notify::test
