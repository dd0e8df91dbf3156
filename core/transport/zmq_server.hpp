// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "core/ingress/request_handler.hpp"

namespace notify::core {

// The caller transport: a ROUTER socket, one JSON request per frame, one reply per request.
// One I/O thread owns the ROUTER socket. Replies produced on other threads (after a commit)
// travel over an in-process PUSH/PULL pair to that thread, which writes them out; replies
// produced on the I/O thread itself are written directly.
class ZmqServer {
 public:
  ZmqServer(zmq::context_t& context, std::string endpoint, size_t maxFrameBytes,
            RequestHandler& handler);
  ~ZmqServer();
  ZmqServer(const ZmqServer&) = delete;
  ZmqServer& operator=(const ZmqServer&) = delete;

  // Binds (throws zmq::error_t at start-up if the endpoint is taken) and starts the I/O thread.
  void start();
  // Stops reading requests but keeps writing replies, so commits in flight are answered.
  void drain() { draining_ = true; }
  void stop();
  // The endpoint actually bound, e.g. with the port chosen for "tcp://127.0.0.1:*".
  std::string boundEndpoint() const { return bound_; }

 private:
  using Envelope = std::vector<zmq::message_t>;

  void run();
  void onRequest(std::vector<zmq::message_t>& frames);
  void forwardReplies();
  void sendReply(const std::vector<std::string>& envelope, const std::string& payload);

  zmq::context_t& context_;
  std::string endpoint_;
  std::string bound_;
  std::string replyEndpoint_;
  size_t maxFrameBytes_;
  RequestHandler& handler_;
  zmq::socket_t router_;
  zmq::socket_t replyPull_;
  zmq::socket_t replyPush_;  // shared by producer threads under replyMutex_
  std::mutex replyMutex_;
  std::thread::id ioThread_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace notify::core
