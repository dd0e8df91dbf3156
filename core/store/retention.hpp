// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "core/store/message_store.hpp"

namespace notify::core {

// Removes finished messages older than the retention period, in small batches (one short
// transaction each, with a pause between them) so that neither store bloats nor blocks ingest.
// Runs once a minute on its own thread. Several nodes may run it at once.
class Retention {
 public:
  Retention(MessageStore& store, int64_t keepMs, std::function<int64_t()> clock);
  ~Retention();
  Retention(const Retention&) = delete;
  Retention& operator=(const Retention&) = delete;

  void start();
  void stop();

  // One pass: purges batch after batch until fewer than a batch remain; returns how many.
  Result<size_t> purgeOnce(int64_t nowMs);

 private:
  void run();

  MessageStore& store_;
  int64_t keepMs_;
  std::function<int64_t()> clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace notify::core
