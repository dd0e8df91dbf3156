// SPDX-License-Identifier: Apache-2.0
// A loopback HTTP/1.1 server for the client's tests that answers with exact bytes: chunked and
// close-delimited bodies, delayed answers, connections dropped without notice. One thread
// polls every connection, so hundreds of delayed answers can be pending at once.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace notify::core::test {

class ScriptedHttpServer {
 public:
  struct Answer {
    std::string bytes;    // written as is
    int delayMs = 0;      // after the request arrived
    bool close = false;   // close the connection after writing, saying nothing
    bool silent = false;  // never answer
  };

  // Answers requests in arrival order with script[i], the last one repeated.
  explicit ScriptedHttpServer(std::vector<Answer> script);
  ~ScriptedHttpServer();

  std::string url(const std::string& path = "/") const;
  size_t connectionsAccepted() const { return accepted_.load(); }
  size_t requestsSeen() const { return requests_.load(); }
  // The most requests that were waiting for their answer at the same moment.
  size_t mostPending() const { return mostPending_.load(); }
  std::vector<std::string> requests() const;

  static Answer ok(const std::string& body, int delayMs = 0);

 private:
  struct Client;
  void run();

  std::vector<Answer> script_;
  int listener_ = -1;
  int port_ = 0;
  int stopPipe_[2] = {-1, -1};
  std::atomic<size_t> accepted_{0};
  std::atomic<size_t> requests_{0};
  std::atomic<size_t> mostPending_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> seen_;
  std::thread thread_;
};

}  // namespace notify::core::test
