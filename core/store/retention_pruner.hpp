// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "core/config/ops_config.hpp"
#include "core/store/message_store.hpp"

namespace notify::core {

// The one retention mechanism of both stores. Applies [retention] every interval: clears the
// content of finished messages older than bodies_days, deletes finished messages (with their
// events, recipients and guard marks) older than events_days and alert history older than
// alerts_days, one small transaction of `batch` rows at a time with a pause between, so ingest
// and dispatch writes interleave instead of waiting behind one long delete. Several nodes may
// prune one PostgreSQL at once (they take different rows).
class RetentionPruner {
 public:
  using Clock = std::function<int64_t()>;

  RetentionPruner(RetentionConfig config, MessageStore& store, Clock clock);
  ~RetentionPruner();
  RetentionPruner(const RetentionPruner&) = delete;
  RetentionPruner& operator=(const RetentionPruner&) = delete;

  void start();
  void stop();
  // One full pass, in batches; returns how many messages it changed or deleted.
  size_t pruneNow();

 private:
  bool sleepFor(int64_t ms);  // false when stopping

  RetentionConfig config_;
  MessageStore& store_;
  Clock clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace notify::core
