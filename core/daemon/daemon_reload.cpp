// SPDX-License-Identifier: Apache-2.0
// Live reload: re-read the configuration and plugins, check everything, then swap the runtime.
#include "core/common/log.hpp"
#include "core/config/config_loader.hpp"
#include "core/daemon/daemon.hpp"

namespace notify::core {
namespace {

bool sameLane(const LaneConfig& a, const LaneConfig& b) {
  return a.workers == b.workers && a.maxInFlight == b.maxInFlight &&
         a.maxAttempts == b.maxAttempts && a.maxAgeMs == b.maxAgeMs &&
         a.backoffBaseMs == b.backoffBaseMs && a.backoffMaxMs == b.backoffMaxMs;
}

// What the running daemon was built with and a reload cannot change; empty when all is equal.
std::string needsRestart(const DaemonConfig& running, const DaemonConfig& next) {
  std::string changed;
  auto note = [&](bool differs, const char* what) {
    if (differs) {
      changed += (changed.empty() ? "" : ", ") + std::string(what);
    }
  };
  const ServerConfig& a = running.server;
  const ServerConfig& b = next.server;
  note(a.listen != b.listen || a.maxFrameBytes != b.maxFrameBytes || a.maxBatch != b.maxBatch ||
           a.maxPending != b.maxPending,
       "[server]");
  note(running.ops.listen != next.ops.listen, "[ops] listen");
  note(running.store.kind != next.store.kind || running.store.path != next.store.path ||
           running.store.synchronousFull != next.store.synchronousFull,
       "[store]");
  bool lanesDiffer = running.lanes.size() != next.lanes.size();
  for (const auto& [name, lane] : running.lanes) {
    auto other = next.lanes.find(name);
    lanesDiffer = lanesDiffer || other == next.lanes.end() || !sameLane(lane, other->second);
  }
  note(lanesDiffer, "[lanes] (names, workers, max_in_flight or retry policy)");
  return changed;
}

std::string summaryOf(const Runtime& runtime) {
  const DaemonConfig& c = *runtime.config;
  std::string plugins;
  for (const auto& [name, library] : runtime.catalog->loaded()) {
    plugins += (plugins.empty() ? "" : ", ") + name;
  }
  return std::to_string(c.templates.size()) + " templates, " + std::to_string(c.routes.size()) +
         " routes, " + std::to_string(c.channels.size()) + " channels, " +
         std::to_string(c.providers.size()) + " providers; plugins: " + plugins;
}

}  // namespace

Result<std::string> Daemon::reload() {
  std::lock_guard lock(reloadMutex_);
  if (!runtime_) {
    return makeError("unavailable", "the daemon is not running");
  }
  try {
    DaemonConfig next = loadConfig(config_->file);
    next.roles = config_->roles;  // may come from --roles; a reload keeps the roles it runs
    next.testClock = config_->testClock;
    std::string fixed = needsRestart(*config_, next);
    if (!fixed.empty()) {
      throw ConfigError(config_->file.string() + ": changes to " + fixed +
                        " need a restart; nothing was reloaded");
    }
    LogLevel level = LogLevel::kInfo;
    parseLogLevel(next.logLevel, level);
    std::shared_ptr<const Runtime> current = runtime_->get();
    std::shared_ptr<const Runtime> runtime =
        buildRuntime(std::make_shared<const DaemonConfig>(std::move(next)), current->guards.get());
    runtime_->set(runtime);
    setLogLevel(level);
    std::string summary = summaryOf(*runtime);
    logInfo("notifyd", "configuration reloaded: " + summary);
    for (auto& dispatcher : dispatchers_) {
      dispatcher->wake();  // a provider may have become available
    }
    return summary;
  } catch (const ConfigError& e) {
    logWarn("notifyd",
            std::string("reload refused; the running configuration stays:\n") + e.what());
    return makeError("bad_config", e.what());
  } catch (const std::exception& e) {
    logWarn("notifyd", std::string("reload failed; the running configuration stays: ") + e.what());
    return makeError("bad_config", e.what());
  }
}

}  // namespace notify::core
