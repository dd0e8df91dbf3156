// SPDX-License-Identifier: Apache-2.0
#include "core/store/retention_pruner.hpp"

#include "core/common/log.hpp"
#include "core/common/thread_name.hpp"

namespace notify::core {
namespace {

constexpr int64_t kDayMs = 86400000;
constexpr int64_t kPauseBetweenBatchesMs = 20;

}  // namespace

RetentionPruner::RetentionPruner(RetentionConfig config, MessageStore& store, Clock clock)
    : config_(config), store_(store), clock_(std::move(clock)) {}

RetentionPruner::~RetentionPruner() {
  stop();
}

void RetentionPruner::start() {
  thread_ = std::thread([this] {
    nameThisThread("retention");
    while (sleepFor(config_.intervalMs)) {
      pruneNow();
    }
  });
}

void RetentionPruner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

bool RetentionPruner::sleepFor(int64_t ms) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

size_t RetentionPruner::pruneNow() {
  int64_t now = clock_();
  PruneRequest request;
  request.bodiesBeforeMs = config_.bodiesDays > 0 ? now - config_.bodiesDays * kDayMs : 0;
  request.recordsBeforeMs = config_.recordsDays > 0 ? now - config_.recordsDays * kDayMs : 0;
  request.alertsBeforeMs = config_.alertsDays > 0 ? now - config_.alertsDays * kDayMs : 0;
  request.limit = static_cast<size_t>(config_.batch);
  size_t total = 0;
  for (;;) {
    Result<size_t> pruned = store_.prune(request);
    if (!pruned) {
      logWarn("retention", "pruning stopped: " + pruned.error().message);
      break;
    }
    total += *pruned;
    if (*pruned == 0 || !sleepFor(kPauseBetweenBatchesMs)) {
      break;
    }
  }
  if (total > 0) {
    logInfo("retention", "pruned " + std::to_string(total) + " messages");
  }
  return total;
}

}  // namespace notify::core
