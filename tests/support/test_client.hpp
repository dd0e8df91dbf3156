// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

namespace notify::test {

// A DEALER client for tests: one request, one reply.
class TestClient {
 public:
  explicit TestClient(const std::string& endpoint);

  // Sends one frame and returns the parsed reply; throws on timeout.
  Poco::JSON::Object::Ptr request(const std::string& frame, int timeoutMs = 10000);
  // Like request but returns nullopt on timeout (reconnecting the socket).
  std::optional<std::string> tryRequest(const std::string& frame, int timeoutMs);

 private:
  void connect();

  std::string endpoint_;
  zmq::context_t context_{1};
  zmq::socket_t socket_;
};

// Polls status (app "test") until the message reaches state or timeoutMs passes; returns the
// last message object seen (check its "state"), or null if status never answered with one.
Poco::JSON::Object::Ptr waitForState(TestClient& client, const std::string& messageId,
                                     const std::string& state, int timeoutMs = 10000);

// The "state" of every event of a status message object, in order.
std::vector<std::string> eventStates(const Poco::JSON::Object::Ptr& message);

// A send request for app "test" with token "test-token", as the test configs declare.
std::string sendFrame(const std::string& templateName, const std::string& toJson,
                      const std::string& varsJson, const std::string& extra = "");

}  // namespace notify::test
