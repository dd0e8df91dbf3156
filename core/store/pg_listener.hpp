// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace notify::core {

// LISTENs on one channel on its own session and runs the callbacks for every notification.
// When the session is lost it reconnects with backoff and runs the callbacks once after
// reconnecting, since notifications sent meanwhile were missed.
class PgListener {
 public:
  PgListener(std::string conninfo, std::string channel);
  ~PgListener();
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;

  void add(std::function<void()> callback);

 private:
  void run();
  void notifyAll();

  std::string conninfo_;
  std::string channel_;
  std::mutex mutex_;
  std::vector<std::function<void()>> callbacks_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace notify::core
