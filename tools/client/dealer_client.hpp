// A DEALER socket speaking docs/protocol.md: one JSON frame out per request, one back per reply,
// replies matched to requests by req_id since a DEALER may get them in any order.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <optional>
#include <string>
#include <zmq.hpp>

namespace notify::client {

class DealerClient {
 public:
  // Connecting never waits for the daemon: ZeroMQ connects in the background, and a dead
  // daemon shows up as a receive that times out.
  DealerClient(zmq::context_t& context, const std::string& endpoint,
               std::chrono::milliseconds timeout);

  // Queues one request frame; false when the socket stayed full for the whole timeout.
  bool send(const std::string& frame);

  // The body of the next reply, waiting at most `wait`; nothing when none arrived in time.
  std::optional<std::string> receive(std::chrono::steady_clock::duration wait);

  std::chrono::milliseconds timeout() const { return timeout_; }

 private:
  bool waitReadable(std::chrono::steady_clock::duration wait);

  zmq::socket_t socket_;
  std::chrono::milliseconds timeout_;
};

// The outcome of one request: the reply, or why there is none.
struct CallResult {
  Poco::JSON::Object::Ptr reply;  // null when the transport failed
  std::string transportError;     // set exactly when reply is null
};

// Sends `request` with `reqId` and waits up to the client's timeout for the reply carrying that
// req_id (or none: the daemon could not read it), skipping replies to earlier requests.
CallResult call(DealerClient& client, Poco::JSON::Object::Ptr request, const std::string& reqId);

}  // namespace notify::client
