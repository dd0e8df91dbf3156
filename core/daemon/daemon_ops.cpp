// SPDX-License-Identifier: Apache-2.0
// The daemon's observability wiring: scrape-time gauges, the alert engine, retention pruning,
// the ops HTTP server.
#include "core/common/log.hpp"
#include "core/common/time.hpp"
#include "core/daemon/daemon.hpp"
#include "core/ops/ops_api.hpp"
#include "core/ops/receipt_endpoint.hpp"

namespace notify::core {
namespace {

int circuitValue(CircuitState state) {
  switch (state) {
    case CircuitState::kClosed:
      return 0;
    case CircuitState::kHalfOpen:
      return 1;
    case CircuitState::kOpen:
      return 2;
  }
  return 0;
}

}  // namespace

Result<void> Daemon::readiness() const {
  if (!started_) {
    return makeError("unavailable", "starting or stopping");
  }
  const PluginCatalog& catalog = *runtime_->get()->catalog;
  if (!catalog.refused().empty()) {
    return makeError("unavailable", "plugin refused: " + catalog.refused().front().path + ": " +
                                        catalog.refused().front().reason);
  }
  Result<StoreGauges> gauges = store_->gauges(nowUnixMs());
  if (!gauges) {
    return gauges.error();
  }
  return {};
}

void Daemon::startOps() {
  metrics_.registry().onCollect([this](MetricsRegistry&) {
    int64_t now = nowUnixMs();
    for (const auto& [name, lane] : config_->lanes) {
      metrics_.setQueue(name, 0, 0);  // lanes with nothing waiting show 0, not a stale value
    }
    if (Result<StoreGauges> gauges = store_->gauges(now)) {
      for (const auto& lane : gauges->lanes) {
        metrics_.setQueue(lane.lane, lane.depth,
                          lane.depth > 0 ? static_cast<double>(now - lane.oldestCreatedMs) / 1000
                                         : 0.0);
      }
      metrics_.setDeadLetters(gauges->deadLetters);
    }
    std::shared_ptr<ProviderGuards> guards = runtime_->get()->guards;
    for (const auto& provider : guards->providers()) {
      metrics_.setCircuit(provider, circuitValue(guards->circuit(provider, now)));
      metrics_.setRateLimitUtilisation(provider, guards->utilisation(provider, now));
    }
  });
  const RetentionConfig& retention = config_->ops.retention;
  if (retention.bodiesDays > 0 || retention.recordsDays > 0) {
    pruner_ = std::make_unique<RetentionPruner>(retention, *store_, [] { return nowUnixMs(); });
    pruner_->start();
  }
  // Alerts and receipts read the current runtime on each round and request, so they follow
  // reloads; the engine runs even without rules, since a reload may add some.
  alerts_ = std::make_unique<AlertEngine>(*runtime_, *store_, [] { return nowUnixMs(); });
  alerts_->start();
  if (config_->ops.listen.empty()) {
    return;
  }
  OpsSources sources{*store_, metrics_, [this] { return readiness(); },
                     [] { return nowUnixMs(); }};
  std::map<std::string, OpsHandler> routes = opsRoutes(sources);
  routes["/receipts/"] =
      receiptEndpoint(*runtime_, *store_, &metrics_, [] { return nowUnixMs(); });
  ops_ = std::make_unique<OpsServer>(config_->ops.listen, std::move(routes));
  ops_->start();
  logInfo("ops", "listening on http://" + config_->ops.listen);
}

}  // namespace notify::core
