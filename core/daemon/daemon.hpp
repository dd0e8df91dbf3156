// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <string>
#include <zmq.hpp>

#include "core/config/daemon_config.hpp"
#include "core/dispatch/dispatcher.hpp"
#include "core/ingress/request_handler.hpp"
#include "core/plugin/http_client_pool.hpp"
#include "core/plugin/plugin_catalog.hpp"
#include "core/plugin/provider_set.hpp"
#include "core/schedule/cron_runner.hpp"
#include "core/store/group_committer.hpp"
#include "core/store/message_store.hpp"
#include "core/store/retention.hpp"
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

  std::string endpoint() const;
  const PluginCatalog& catalog() const { return catalog_; }

  // Checks configuration and plugins without opening the store or binding sockets.
  static void checkConfig(const DaemonConfig& config);

 private:
  std::string pluginsJson() const;

  std::shared_ptr<const DaemonConfig> config_;
  PluginCatalog catalog_;
  std::shared_ptr<HttpClientPool> http_;
  std::shared_ptr<const ProviderSet> providers_;
  std::unique_ptr<MessageStore> store_;
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<Retention> retention_;  // when [store] retention_days is set
  std::unique_ptr<ProviderGuards> guards_;
  std::vector<std::unique_ptr<Dispatcher>> dispatchers_;  // one per lane
  std::unique_ptr<CronRunner> cronRunner_;                // dispatcher role, with cron jobs
  std::unique_ptr<RequestHandler> handler_;
  zmq::context_t zmq_{1};
  std::unique_ptr<ZmqServer> server_;
  bool started_ = false;
};

}  // namespace notify::core
