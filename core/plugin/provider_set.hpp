// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/config/daemon_config.hpp"
#include "core/plugin/channel_instance.hpp"
#include "core/plugin/plugin_catalog.hpp"

namespace notify::core {

// The configured providers ([providers.NAME]), each a created plugin instance. Building checks
// every provider table against its plugin's parameters and reports all problems at once
// (ConfigError). Immutable once built; instances are shared with the dispatcher's workers.
class ProviderSet {
 public:
  static std::shared_ptr<const ProviderSet> build(const DaemonConfig& config,
                                                  const PluginCatalog& catalog,
                                                  std::shared_ptr<HttpEngine> http,
                                                  HostServices::Clock clock = {});

  std::shared_ptr<ChannelInstance> find(const std::string& name) const;
  const std::map<std::string, std::shared_ptr<ChannelInstance>>& all() const { return byName_; }

 private:
  std::map<std::string, std::shared_ptr<ChannelInstance>> byName_;
};

}  // namespace notify::core
