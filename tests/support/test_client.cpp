// SPDX-License-Identifier: Apache-2.0
#include "support/test_client.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace notify::test {

TestClient::TestClient(const std::string& endpoint) : endpoint_(endpoint) {
  connect();
}

void TestClient::connect() {
  socket_ = zmq::socket_t(context_, zmq::socket_type::dealer);
  socket_.set(zmq::sockopt::linger, 0);
  socket_.connect(endpoint_);
}

std::optional<std::string> TestClient::tryRequest(const std::string& frame, int timeoutMs) {
  socket_.send(zmq::buffer(frame), zmq::send_flags::none);
  zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
  zmq::poll(&item, 1, std::chrono::milliseconds(timeoutMs));
  if ((item.revents & ZMQ_POLLIN) == 0) {
    connect();  // drop whatever late reply might still arrive for this request
    return std::nullopt;
  }
  zmq::message_t reply;
  (void)socket_.recv(reply);
  return reply.to_string();
}

Poco::JSON::Object::Ptr TestClient::request(const std::string& frame, int timeoutMs) {
  std::optional<std::string> reply = tryRequest(frame, timeoutMs);
  if (!reply) {
    throw std::runtime_error("no reply within " + std::to_string(timeoutMs) + " ms to " + frame);
  }
  Poco::JSON::Parser parser;
  return parser.parse(*reply).extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Object::Ptr waitForState(TestClient& client, const std::string& messageId,
                                     const std::string& state, int timeoutMs) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  Poco::JSON::Object::Ptr message;
  while (std::chrono::steady_clock::now() < deadline) {
    Poco::JSON::Object::Ptr reply = client.request(
        R"({"op":"status","app":"test","token":"test-token","message_id":")" + messageId + "\"}");
    message = reply->getObject("message");
    if (message && message->getValue<std::string>("state") == state) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return message;
}

std::vector<std::string> eventStates(const Poco::JSON::Object::Ptr& message) {
  std::vector<std::string> states;
  Poco::JSON::Array::Ptr events = message->getArray("events");
  for (size_t i = 0; i < events->size(); ++i) {
    states.push_back(events->getObject(static_cast<unsigned>(i))->getValue<std::string>("state"));
  }
  return states;
}

std::string sendFrame(const std::string& templateName, const std::string& toJson,
                      const std::string& varsJson, const std::string& extra) {
  return R"({"op":"send","app":"test","token":"test-token","template":")" + templateName +
         R"(","to":)" + toJson + R"(,"vars":)" + varsJson + extra + "}";
}

}  // namespace notify::test
