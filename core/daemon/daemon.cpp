// SPDX-License-Identifier: Apache-2.0
#include "core/daemon/daemon.hpp"

#include <unistd.h>

#include "core/common/json_writer.hpp"
#include "core/common/log.hpp"
#include "core/common/time.hpp"
#include "core/config/config_loader.hpp"
#include "core/dispatch/pg_permit_ledger.hpp"
#include "core/store/store_factory.hpp"
#include "core/ops/ops_api.hpp"
#include "core/version.hpp"

namespace notify::core {
namespace {

std::string nodeName() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

void logCatalog(const PluginCatalog& catalog) {
  for (const auto& [name, library] : catalog.loaded()) {
    logInfo("plugins",
            "loaded " + name + " " + library->info().version + " from " + library->info().path);
  }
  for (const auto& refused : catalog.refused()) {
    logWarn("plugins", "refused " + refused.path + ": " + refused.reason);
  }
}

}  // namespace

Daemon::Daemon(DaemonConfig config)
    : config_(std::make_shared<const DaemonConfig>(std::move(config))),
      http_(std::make_shared<HttpEngine>()) {}

Daemon::~Daemon() {
  stop();
  // The store's change listener calls into the dispatchers: end it before they are destroyed.
  store_.reset();
}

void Daemon::checkConfig(const DaemonConfig& config) {
  PluginCatalog catalog = PluginCatalog::scan(config.pluginDir);
  logCatalog(catalog);
  ProviderSet::build(config, catalog, std::make_shared<HttpEngine>());
}

std::shared_ptr<const Runtime> Daemon::buildRuntime(std::shared_ptr<const DaemonConfig> config,
                                                    const ProviderGuards* previousGuards) const {
  auto runtime = std::make_shared<Runtime>();
  auto catalog = std::make_shared<PluginCatalog>(PluginCatalog::scan(config->pluginDir));
  logCatalog(*catalog);
  runtime->providers = ProviderSet::build(*config, *catalog, http_);
  runtime->catalog = std::move(catalog);
  // With a shared store, rate limits hold for the cluster: permits come from its ledger.
  runtime->guards = std::make_shared<ProviderGuards>(
      *config, config->store.kind == "postgres" ? pgPermitLedgers(config->store.url) : nullptr,
      previousGuards);
  runtime->preparer = std::make_shared<MessagePreparer>(config);
  runtime->config = std::move(config);
  return runtime;
}

void Daemon::start() {
  runtime_ = std::make_unique<RuntimeHolder>(buildRuntime(config_, nullptr));

  std::unique_ptr<MessageStore> store = makeStore(config_->store);
  Result<void> migrated = store->migrate();
  if (!migrated) {
    throw std::runtime_error(migrated.error().message);
  }
  store_ = std::move(store);
  logInfo("store", describeStore(config_->store));

  committer_ = std::make_unique<GroupCommitter>(*store_, config_->server.maxPending, [this] {
    for (auto& dispatcher : dispatchers_) {
      dispatcher->wake();
    }
  });
  if (config_->hasRole("dispatcher")) {
    std::map<std::string, Dispatcher*> byLane;
    for (const auto& [name, lane] : config_->lanes) {
      dispatchers_.push_back(std::make_unique<Dispatcher>(lane, *store_, *committer_, *runtime_,
                                                          nodeName(), [] { return nowUnixMs(); },
                                                          &metrics_));
      byLane[name] = dispatchers_.back().get();
    }
    handOff_ = std::make_unique<LaneHandOff>(nodeName(), std::move(byLane));
    committer_->setHandOff(handOff_.get());
  }
  if (config_->hasRole("dispatcher") && !config_->cronJobs.empty()) {
    if (CronStore* cron = store_->cronStore()) {
      cronRunner_ = std::make_unique<CronRunner>(config_, *cron, *committer_, nodeName(),
                                                 [] { return nowUnixMs(); });
    } else {
      logWarn("cron", "this store keeps no cron state: cron jobs do not run");
    }
  }
  // Another node's commit (a shared store) wakes this node's dispatchers too.
  if (!dispatchers_.empty()) {
    store_->onChange([this] {
      for (auto& dispatcher : dispatchers_) {
        dispatcher->wake();
      }
    });
  }
  committer_->start();
  for (auto& dispatcher : dispatchers_) {
    dispatcher->start();
  }
  if (cronRunner_) {
    cronRunner_->start();
  }
  if (config_->hasRole("ingress")) {
    HandlerContext context{[this] { return pluginsJson(); }, [] { return nowUnixMs(); },
                           kNotifyVersion, [this] { return reload(); }, &metrics_,
                           [this] {
                             if (cronRunner_) {
                               cronRunner_->wake();
                             }
                           }};
    handler_ =
        std::make_unique<RequestHandler>(*runtime_, *store_, *committer_, std::move(context));
    server_ = std::make_unique<ZmqServer>(zmq_, config_->server.listen,
                                          config_->server.maxFrameBytes, *handler_);
    server_->start();
    logInfo("ingress", "listening on " + server_->boundEndpoint());
  }
  startOps();
  started_ = true;
  std::string roles;
  for (const auto& role : config_->roles) {
    roles += (roles.empty() ? "" : ",") + role;
  }
  logInfo("notifyd", std::string("started ") + kNotifyVersion + " roles=" + roles);
}

void Daemon::stop() {
  if (!started_) {
    return;
  }
  started_ = false;
  if (ops_) {
    ops_->stop();
  }
  if (alerts_) {
    alerts_->stop();
  }
  if (pruner_) {
    pruner_->stop();
  }
  if (server_) {
    server_->drain();
  }
  if (cronRunner_) {
    cronRunner_->stop();  // before the committer: its last batch is answered first
  }
  for (auto& dispatcher : dispatchers_) {
    dispatcher->stop();
  }
  committer_->stop();  // writes what is queued, answering those callers
  if (server_) {
    server_->stop();
  }
  logInfo("notifyd", "stopped");
}

std::string Daemon::endpoint() const {
  return server_ ? server_->boundEndpoint() : "";
}

std::string Daemon::pluginsJson() const {
  std::shared_ptr<const Runtime> runtime = runtime_->get();
  const PluginCatalog& catalog = *runtime->catalog;
  JsonWriter w;
  w.beginObject().key("loaded").beginArray();
  for (const auto& [name, library] : catalog.loaded()) {
    const PluginInfo& info = library->info();
    w.beginObject().key("name").value(info.name).key("version").value(info.version);
    w.key("description").value(info.description).key("file").value(info.path);
    w.key("params").beginArray();
    for (const auto& p : info.params) {
      w.beginObject().key("name").value(p.name).key("type").value(paramTypeName(p.type));
      w.key("required").value(p.required);
      if (p.hasDefault) {
        w.key("default").value(p.defaultValue);
      }
      w.optional("help", p.help).endObject();
    }
    w.endArray().endObject();
  }
  w.endArray().key("refused").beginArray();
  for (const auto& refused : catalog.refused()) {
    w.beginObject().key("file").value(refused.path).key("reason").value(refused.reason).endObject();
  }
  w.endArray().key("providers").beginArray();
  for (const auto& [name, instance] : runtime->providers->all()) {
    w.beginObject()
        .key("name")
        .value(name)
        .key("plugin")
        .value(instance->plugin().name)
        .endObject();
  }
  w.endArray().endObject();
  return w.take();
}

}  // namespace notify::core
