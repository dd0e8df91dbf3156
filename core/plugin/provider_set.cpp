// SPDX-License-Identifier: Apache-2.0
#include "core/plugin/provider_set.hpp"

#include "core/config/config_loader.hpp"
#include "core/config/param_validator.hpp"

namespace notify::core {

std::shared_ptr<const ProviderSet> ProviderSet::build(const DaemonConfig& config,
                                                      const PluginCatalog& catalog,
                                                      std::shared_ptr<HttpEngine> http,
                                                      HostServices::Clock clock) {
  auto set = std::make_shared<ProviderSet>();
  ConfigErrors errors;
  SecretResolver secrets(config.baseDir);
  for (const auto& [name, provider] : config.providers) {
    std::string path = "providers." + name;
    std::shared_ptr<const PluginLibrary> library = catalog.find(provider.plugin);
    if (!library) {
      std::string reason = "no plugin '" + provider.plugin + "' in " + config.pluginDir.string();
      for (const auto& refused : catalog.refused()) {
        if (refused.path.find("channel_" + provider.plugin + ".so") != std::string::npos) {
          reason += " (it was refused: " + refused.reason + ")";
        }
      }
      errors.add(provider.table->source(), path + ".plugin", reason);
      continue;
    }
    size_t before = errors.list().size();
    KeyValues params = validateParams(*provider.table, path, library->info().params,
                                      providerReservedKeys(), secrets, errors);
    if (errors.list().size() != before) {
      continue;
    }
    Result<std::unique_ptr<ChannelInstance>> instance =
        ChannelInstance::create(library, name, params, http, clock);
    if (!instance) {
      errors.add(provider.table->source(), path, instance.error().message);
      continue;
    }
    set->byName_.emplace(name, std::shared_ptr<ChannelInstance>(std::move(instance).value()));
  }
  if (!errors.empty()) {
    throw ConfigError(errors.joined());
  }
  return set;
}

std::shared_ptr<ChannelInstance> ProviderSet::find(const std::string& name) const {
  auto it = byName_.find(name);
  return it == byName_.end() ? nullptr : it->second;
}

}  // namespace notify::core
