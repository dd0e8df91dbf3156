#include "tools/client/dealer_client.hpp"

#include <poll.h>

#include "tools/client/replies.hpp"
#include "tools/client/requests.hpp"

namespace notify::client {

DealerClient::DealerClient(zmq::context_t& context, const std::string& endpoint,
                           std::chrono::milliseconds timeout)
    : socket_(context, zmq::socket_type::dealer), timeout_(timeout) {
  // Without linger 0, closing a socket whose requests never reached a daemon blocks forever.
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::sndtimeo, static_cast<int>(timeout.count()));
  socket_.connect(endpoint);
}

bool DealerClient::send(const std::string& frame) {
  return socket_.send(zmq::buffer(frame), zmq::send_flags::none).has_value();
}

// zmq_poll counts whole milliseconds, too coarse for a bench that sends on a schedule and
// measures sub-millisecond latency; ppoll on the socket's notification descriptor is not.
bool DealerClient::waitReadable(std::chrono::steady_clock::duration wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  const int fd = socket_.get(zmq::sockopt::fd);
  for (;;) {
    // The descriptor only says "events may have changed"; ZMQ_EVENTS is the truth.
    if ((socket_.get(zmq::sockopt::events) & ZMQ_POLLIN) != 0) {
      return true;
    }
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) {
      return false;
    }
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    const timespec timeout{static_cast<time_t>(ns / 1000000000),
                           static_cast<long>(ns % 1000000000)};
    pollfd item{fd, POLLIN, 0};
    ::ppoll(&item, 1, &timeout, nullptr);
  }
}

std::optional<std::string> DealerClient::receive(std::chrono::steady_clock::duration wait) {
  if (!waitReadable(wait)) {
    return std::nullopt;
  }
  // The daemon echoes any envelope frames a client sent before the body; the body comes last.
  zmq::message_t frame;
  do {
    if (!socket_.recv(frame, zmq::recv_flags::dontwait)) {
      return std::nullopt;
    }
  } while (frame.more());
  return frame.to_string();
}

CallResult call(DealerClient& client, Poco::JSON::Object::Ptr request, const std::string& reqId) {
  request->set("req_id", reqId);
  if (!client.send(toJson(request))) {
    return {nullptr, "could not queue the request within the timeout"};
  }
  const auto deadline = std::chrono::steady_clock::now() + client.timeout();
  for (;;) {
    const auto frame = client.receive(deadline - std::chrono::steady_clock::now());
    if (!frame) {
      return {nullptr, "no reply within " + std::to_string(client.timeout().count()) +
                           " ms; is notifyd running and listening there?"};
    }
    auto reply = parseReply(*frame);
    if (reply.isNull()) {
      return {nullptr, "the reply is not a JSON object: " + frame->substr(0, 200)};
    }
    // A frame the daemon could not parse gets an error without req_id; it is still ours.
    if (!reply->has("req_id") || textOf(*reply, "req_id") == reqId) {
      return {reply, ""};
    }
  }
}

}  // namespace notify::client
