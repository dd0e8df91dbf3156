// SPDX-License-Identifier: Apache-2.0
#include "core/transport/zmq_server.hpp"
#include "core/common/thread_name.hpp"

#include <sstream>

#include "core/common/log.hpp"
#include "core/common/result.hpp"
#include "core/protocol/reply.hpp"

namespace notify::core {
namespace {

constexpr int kHighWaterMark = 200000;
constexpr int kPollMs = 100;  // only bounds how long stop() waits; requests wake poll at once

}  // namespace

ZmqServer::ZmqServer(zmq::context_t& context, std::string endpoint, size_t maxFrameBytes,
                     RequestHandler& handler)
    : context_(context),
      endpoint_(std::move(endpoint)),
      maxFrameBytes_(maxFrameBytes),
      handler_(handler),
      router_(context, zmq::socket_type::router),
      replyPull_(context, zmq::socket_type::pull),
      replyPush_(context, zmq::socket_type::push) {
  std::ostringstream name;
  name << "inproc://notify-replies-" << this;
  replyEndpoint_ = name.str();
}

ZmqServer::~ZmqServer() {
  stop();
}

void ZmqServer::start() {
  router_.set(zmq::sockopt::linger, 0);
  router_.set(zmq::sockopt::sndhwm, kHighWaterMark);
  router_.set(zmq::sockopt::rcvhwm, kHighWaterMark);
  // Frames up to 4x the limit are read and answered with frame_too_large; beyond that the
  // peer is disconnected by ZeroMQ before the frame is buffered whole.
  router_.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(maxFrameBytes_) * 4 + 4096);
  router_.bind(endpoint_);
  bound_ = router_.get(zmq::sockopt::last_endpoint);
  replyPull_.set(zmq::sockopt::rcvhwm, 0);
  replyPull_.bind(replyEndpoint_);
  replyPush_.set(zmq::sockopt::sndhwm, 0);
  replyPush_.set(zmq::sockopt::linger, 0);
  replyPush_.connect(replyEndpoint_);
  thread_ = std::thread([this] {
    nameThisThread("ingress");
    run();
  });
}

void ZmqServer::stop() {
  stopping_ = true;
  if (thread_.joinable()) {
    thread_.join();
  }
}

void ZmqServer::run() {
  ioThread_ = std::this_thread::get_id();
  zmq::pollitem_t items[] = {{router_.handle(), 0, ZMQ_POLLIN, 0},
                             {replyPull_.handle(), 0, ZMQ_POLLIN, 0}};
  std::vector<zmq::message_t> frames;
  while (!stopping_) {
    try {
      items[0].events = draining_ ? 0 : ZMQ_POLLIN;
      zmq::poll(items, 2, std::chrono::milliseconds(kPollMs));
      if ((items[1].revents & ZMQ_POLLIN) != 0) {
        forwardReplies();
      }
      if ((items[0].revents & ZMQ_POLLIN) != 0 && !draining_) {
        // Drain a bounded number of requests so replies are never starved.
        for (int i = 0; i < 256; ++i) {
          frames.clear();
          auto received =
              zmq::recv_multipart(router_, std::back_inserter(frames), zmq::recv_flags::dontwait);
          if (!received) {
            break;
          }
          onRequest(frames);
        }
      }
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) {
        return;
      }
      logError("transport", std::string("zeromq: ") + e.what());
    } catch (const std::exception& e) {
      logError("transport", std::string("request loop: ") + e.what());
    }
  }
  forwardReplies();
}

void ZmqServer::onRequest(std::vector<zmq::message_t>& frames) {
  if (frames.size() < 2) {
    return;  // a ROUTER always prepends the identity; nothing to answer without a payload
  }
  std::vector<std::string> envelope;
  envelope.reserve(frames.size() - 1);
  for (size_t i = 0; i + 1 < frames.size(); ++i) {
    envelope.push_back(frames[i].to_string());
  }
  const zmq::message_t& payload = frames.back();
  std::string_view frame(static_cast<const char*>(payload.data()), payload.size());
  auto reply = [this, envelope](std::string text) { sendReply(envelope, text); };
  try {
    handler_.handle(frame, reply);
  } catch (const std::exception& e) {
    logError("transport", std::string("handler failed: ") + e.what());
    sendReply(envelope,
              encodeError("", makeError("internal", "internal error; nothing was stored")));
  }
}

void ZmqServer::sendReply(const std::vector<std::string>& envelope, const std::string& payload) {
  bool onIoThread = std::this_thread::get_id() == ioThread_;
  std::unique_lock<std::mutex> lock(replyMutex_, std::defer_lock);
  if (!onIoThread) {
    lock.lock();
  }
  zmq::socket_t& socket = onIoThread ? router_ : replyPush_;
  for (const auto& part : envelope) {
    socket.send(zmq::buffer(part), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
  }
  socket.send(zmq::buffer(payload), zmq::send_flags::dontwait);
}

void ZmqServer::forwardReplies() {
  std::vector<zmq::message_t> frames;
  for (;;) {
    frames.clear();
    auto received =
        zmq::recv_multipart(replyPull_, std::back_inserter(frames), zmq::recv_flags::dontwait);
    if (!received) {
      return;
    }
    for (size_t i = 0; i < frames.size(); ++i) {
      auto flags = i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none;
      router_.send(frames[i], flags | zmq::send_flags::dontwait);
    }
  }
}

}  // namespace notify::core
