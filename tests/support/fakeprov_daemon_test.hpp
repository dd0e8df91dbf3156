// SPDX-License-Identifier: Apache-2.0
// A gtest fixture for per-plugin integration tests: a fresh notify-fakeprov, and a real notifyd
// whose configuration (writeDaemonConfig plus the test's own providers, channels and templates)
// points the plugin under test at it. Header-only; include it from tests/integration/plugins.
#pragma once

#include <Poco/Base64Encoder.h>
#include <Poco/HMACEngine.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/SHA2Engine.h>
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/daemon_process.hpp"
#include "support/fakeprov_process.hpp"
#include "support/test_client.hpp"
#include "support/test_config.hpp"

namespace notify::test {

class FakeProvDaemonTest : public ::testing::Test {
 protected:
  // Writes the daemon configuration with extra TOML appended and starts the daemon.
  void startDaemon(const std::string& extra) {
    port_ = freeLoopbackPort();
    auto config = writeDaemonConfig(dir_, port_, fake_.url("webhook") + "/hook", extra);
    daemon_ = std::make_unique<DaemonProcess>(config, endpointFor(port_));
    daemon_->start();
    client_ = std::make_unique<TestClient>(endpointFor(port_));
  }

  void TearDown() override {
    if (HasFailure() && daemon_) {
      std::cerr << daemon_->log();
    }
  }

  // Sends template with vars to the given recipients (and channel, when not empty); returns
  // the message id.
  std::string send(const std::string& templateName, const std::string& toJson,
                   const std::string& varsJson, const std::string& channel = "") {
    auto reply = client_->request(sendFrame(
        templateName, toJson, varsJson, channel.empty() ? "" : R"(,"channel":")" + channel + "\""));
    EXPECT_TRUE(reply->getValue<bool>("ok")) << "send refused";
    return reply->optValue<std::string>("message_id", "");
  }

  // Polls status until the message is in one of states; returns the last message object seen.
  Poco::JSON::Object::Ptr waitForAnyState(const std::string& id,
                                          const std::set<std::string>& states,
                                          int timeoutMs = 10000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    Poco::JSON::Object::Ptr message;
    while (std::chrono::steady_clock::now() < deadline) {
      message = client_
                    ->request(R"({"op":"status","app":"test","token":"test-token","message_id":")" +
                              id + "\"}")
                    ->getObject("message");
      if (message && states.count(message->getValue<std::string>("state")) > 0) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return message;
  }

  // The message's events in the given state, in order.
  static std::vector<Poco::JSON::Object::Ptr> eventsIn(const Poco::JSON::Object::Ptr& message,
                                                       const std::string& state) {
    std::vector<Poco::JSON::Object::Ptr> out;
    Poco::JSON::Array::Ptr events = message->getArray("events");
    for (size_t i = 0; events && i < events->size(); ++i) {
      Poco::JSON::Object::Ptr event = events->getObject(static_cast<unsigned>(i));
      if (event->optValue<std::string>("state", "") == state) {
        out.push_back(event);
      }
    }
    return out;
  }

  // What fake recorded for provider at path (token fetches and other calls left out), in order.
  static std::vector<Poco::JSON::Object::Ptr> recordedAt(const FakeProvProcess& fake,
                                                         const std::string& provider,
                                                         const std::string& path) {
    std::vector<Poco::JSON::Object::Ptr> out;
    Poco::JSON::Array::Ptr all = fake.requests(provider);
    for (size_t i = 0; i < all->size(); ++i) {
      Poco::JSON::Object::Ptr request = all->getObject(static_cast<unsigned>(i));
      if (request->getValue<std::string>("path") == path) {
        out.push_back(request);
      }
    }
    return out;
  }

  // base64(HMAC-SHA256(key, data)), computed here independently of plugin and fake.
  static std::string hmacSha256Base64(const std::string& key, const std::string& data) {
    struct Sha256 : Poco::SHA2Engine {
      enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
      Sha256() : Poco::SHA2Engine(SHA_256) {}
    };
    Poco::HMACEngine<Sha256> hmac(key);
    hmac.update(data);
    const auto& digest = hmac.digest();
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder.write(reinterpret_cast<const char*>(digest.data()),
                  static_cast<std::streamsize>(digest.size()));
    encoder.close();
    return out.str();
  }

  FakeProvProcess fake_;
  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<TestClient> client_;
};

}  // namespace notify::test
