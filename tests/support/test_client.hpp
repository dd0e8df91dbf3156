// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
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

// A send request for app "test" with token "test-token", as the test configs declare.
std::string sendFrame(const std::string& templateName, const std::string& toJson,
                      const std::string& varsJson, const std::string& extra = "");

}  // namespace notify::test
