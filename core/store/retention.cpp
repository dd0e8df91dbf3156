// SPDX-License-Identifier: Apache-2.0
#include "core/store/retention.hpp"
#include "core/common/thread_name.hpp"

#include "core/common/log.hpp"

namespace notify::core {
namespace {

constexpr size_t kBatch = 1000;
constexpr auto kPassInterval = std::chrono::seconds(60);
constexpr auto kPauseBetweenBatches = std::chrono::milliseconds(20);

}  // namespace

Retention::Retention(MessageStore& store, int64_t keepMs, std::function<int64_t()> clock)
    : store_(store), keepMs_(keepMs), clock_(std::move(clock)) {}

Retention::~Retention() {
  stop();
}

void Retention::start() {
  thread_ = std::thread([this] {
    nameThisThread("retention");
    run();
  });
}

void Retention::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

Result<size_t> Retention::purgeOnce(int64_t nowMs) {
  size_t total = 0;
  for (;;) {
    Result<size_t> purged = store_.purge(nowMs - keepMs_, kBatch);
    if (!purged) {
      return purged.error();
    }
    total += *purged;
    if (*purged < kBatch) {
      return total;
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, kPauseBetweenBatches, [&] { return stopping_; })) {
      return total;
    }
  }
}

void Retention::run() {
  for (;;) {
    Result<size_t> purged = purgeOnce(clock_());
    if (!purged) {
      logWarn("store", "retention: " + purged.error().message);
    } else if (*purged > 0) {
      logInfo("store", "retention removed " + std::to_string(*purged) + " finished messages");
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, kPassInterval, [&] { return stopping_; })) {
      return;
    }
  }
}

}  // namespace notify::core
