// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <mutex>

#include "core/config/daemon_config.hpp"
#include "core/dispatch/provider_guards.hpp"
#include "core/ingress/message_preparer.hpp"
#include "core/plugin/plugin_catalog.hpp"
#include "core/plugin/provider_set.hpp"

namespace notify::core {

// Everything a configuration reload replaces, as one immutable snapshot. A request or a send
// takes the current snapshot once and keeps it to the end: a reload never changes the rules
// under a message being judged, and an old provider instance (and so its plugin library) lives
// until the last send holding its snapshot has finished.
struct Runtime {
  std::shared_ptr<const DaemonConfig> config;
  std::shared_ptr<const PluginCatalog> catalog;
  std::shared_ptr<const ProviderSet> providers;
  std::shared_ptr<ProviderGuards> guards;  // thread-safe; limiter state carries over reloads
  std::shared_ptr<const MessagePreparer> preparer;
};

// The current snapshot, swapped whole by a reload. Thread-safe.
class RuntimeHolder {
 public:
  explicit RuntimeHolder(std::shared_ptr<const Runtime> initial) : current_(std::move(initial)) {}

  std::shared_ptr<const Runtime> get() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  void set(std::shared_ptr<const Runtime> next) {
    std::shared_ptr<const Runtime> old;
    {
      std::lock_guard lock(mutex_);
      old = std::exchange(current_, std::move(next));
    }
    // old is released here, outside the lock; in-flight work may still hold it.
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Runtime> current_;
};

}  // namespace notify::core
