// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <zmq.hpp>

#include "core/alerts/alert_engine.hpp"
#include "core/config/daemon_config.hpp"
#include "core/daemon/runtime.hpp"
#include "core/dispatch/dispatcher.hpp"
#include "core/dispatch/lane_hand_off.hpp"
#include "core/ingress/request_handler.hpp"
#include "core/metrics/delivery_metrics.hpp"
#include "core/ops/ops_server.hpp"
#include "core/http/http_engine.hpp"
#include "core/plugin/plugin_catalog.hpp"
#include "core/plugin/provider_set.hpp"
#include "core/schedule/cron_runner.hpp"
#include "core/store/group_committer.hpp"
#include "core/store/message_store.hpp"
#include "core/store/retention_pruner.hpp"
#include "core/transport/zmq_server.hpp"

namespace notify::core {

// The composition root: builds every component from the configuration, owns their lifetimes
// and starts and stops them in order. Roles decide which parts run (ingress, dispatcher).
class Daemon {
 public:
  explicit Daemon(DaemonConfig config);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Loads plugins, creates providers, opens the store and starts the roles. Throws ConfigError
  // or std::runtime_error with a precise reason when something cannot start.
  void start();
  // Graceful: stop taking requests, answer those being committed, let in-flight sends finish.
  void stop();

  // Re-reads the configuration file and rescans the plugin directory (SIGHUP, the reload op).
  // Everything is built and checked before anything is swapped: on any error the running
  // configuration stays and the errors are returned (bad_config). What a reload cannot change
  // (roles, server, store, lanes, dispatch workers) must stay equal, or it is refused.
  Result<std::string> reload();

  std::string endpoint() const;

  // Checks configuration and plugins without opening the store or binding sockets.
  static void checkConfig(const DaemonConfig& config);

 private:
  std::string pluginsJson() const;
  // Loads plugins and builds providers, guards and the preparer for config. Throws ConfigError.
  std::shared_ptr<const Runtime> buildRuntime(std::shared_ptr<const DaemonConfig> config,
                                              const ProviderGuards* previousGuards) const;
  // Observability (issue 5): gauges refreshed on scrape, the ops HTTP server.
  void startOps();
  Result<void> readiness() const;

  std::shared_ptr<const DaemonConfig> config_;  // as started; reload keeps what it cannot change
  std::shared_ptr<HttpEngine> http_;
  std::unique_ptr<RuntimeHolder> runtime_;
  std::mutex reloadMutex_;
  std::unique_ptr<MessageStore> store_;
  std::unique_ptr<GroupCommitter> committer_;
  std::vector<std::unique_ptr<Dispatcher>> dispatchers_;  // one per lane
  std::unique_ptr<LaneHandOff> handOff_;                  // new messages straight to them
  std::unique_ptr<CronRunner> cronRunner_;                // dispatcher role, with cron jobs
  std::unique_ptr<RequestHandler> handler_;
  zmq::context_t zmq_{1};
  std::unique_ptr<ZmqServer> server_;
  DeliveryMetrics metrics_;
  std::unique_ptr<OpsServer> ops_;
  std::unique_ptr<AlertEngine> alerts_;
  std::unique_ptr<RetentionPruner> pruner_;
  bool started_ = false;
};

}  // namespace notify::core
