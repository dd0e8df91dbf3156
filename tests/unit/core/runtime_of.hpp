// SPDX-License-Identifier: Apache-2.0
// A runtime built from a configuration file as the daemon builds it (without a store-backed
// permit ledger), for tests that drive a dispatcher or a reload by hand.
#pragma once

#include <filesystem>
#include <memory>

#include "core/config/config_loader.hpp"
#include "core/daemon/runtime.hpp"
#include "core/http/http_engine.hpp"

namespace notify::test {

inline std::shared_ptr<const core::Runtime> runtimeOf(
    const std::filesystem::path& configFile, const std::shared_ptr<core::HttpEngine>& http) {
  using namespace core;
  auto config = std::make_shared<const DaemonConfig>(loadConfig(configFile));
  auto runtime = std::make_shared<Runtime>();
  auto catalog = std::make_shared<PluginCatalog>(PluginCatalog::scan(config->pluginDir));
  runtime->providers = ProviderSet::build(*config, *catalog, http);
  runtime->catalog = catalog;
  runtime->guards = std::make_shared<ProviderGuards>(*config);
  runtime->preparer = std::make_shared<MessagePreparer>(config);
  runtime->config = config;
  return runtime;
}

}  // namespace notify::test
