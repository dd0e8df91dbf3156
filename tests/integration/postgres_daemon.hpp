// SPDX-License-Identifier: Apache-2.0
// The fixture of the notifyd-on-PostgreSQL tests: nodes sharing one throw-away database, load
// generators, and what the webhook receiver got.
#pragma once

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
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

// A second webhook provider "limited" with the given rate limit and margin, its channel and a
// template "limited" sending through it.
inline std::string limitedProvider(const std::string& url, const std::string& limit = "10/s",
                                   int64_t marginMs = 200) {
  return R"(
[providers.limited]
plugin = "webhook"
url = ")" +
         url + R"("
secret = "file:webhook.secret"
rate_limits = [")" +
         limit + R"("]
rate_margin_ms = )" +
         std::to_string(marginMs) + R"(

[channels.limited]
providers = ["limited"]

[templates.limited]
vars = ["name"]

[templates.limited.content.limited]
subject = "Hi {{name}}"
body = "Hello {{name}}"
)";
}

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

  // Sends count messages of template "limited", spread over the nodes in turn.
  void sendSpread(int count) {
    for (int i = 0; i < count; ++i) {
      TestClient client(endpointFor(nodes_[static_cast<size_t>(i) % nodes_.size()]->port));
      Object::Ptr reply = client.request(
          sendFrame("limited", R"({"user":"u"})", R"({"name":"n)" + std::to_string(i) + "\"}"));
      ASSERT_TRUE(reply->getValue<bool>("ok")) << reply->get("error").toString();
    }
  }

  // When the receiver got each webhook (steady clock), in order.
  std::vector<int64_t> arrivalTimes() const {
    std::vector<int64_t> arrivals;
    for (const auto& hook : receiver_.received()) {
      arrivals.push_back(hook.receivedAtMs);
    }
    std::sort(arrivals.begin(), arrivals.end());
    return arrivals;
  }

  // The most arrivals within any windowMs.
  static size_t mostWithin(const std::vector<int64_t>& arrivals, int64_t windowMs) {
    size_t most = 0;
    for (size_t first = 0, last = 0; last < arrivals.size(); ++last) {
      while (arrivals[last] - arrivals[first] >= windowMs) {
        ++first;
      }
      most = std::max(most, last - first + 1);
    }
    return most;
  }

  static size_t missing(const std::set<std::string>& acked, const std::map<std::string, int>& got) {
    return static_cast<size_t>(std::count_if(
        acked.begin(), acked.end(), [&](const std::string& id) { return got.count(id) == 0; }));
  }

  std::string database_;
  WebhookReceiver receiver_{kWebhookSecret};
  std::vector<std::unique_ptr<Node>> nodes_;
};

}  // namespace notify::test
