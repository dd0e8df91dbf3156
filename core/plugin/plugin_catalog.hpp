// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/plugin/plugin_library.hpp"

namespace notify::core {

struct RefusedPlugin {
  std::string path;
  std::string reason;
};

// The channel plugins found in one directory: every channel_*.so is loaded and checked; the
// ones that fail are kept with the reason so operators can see why.
class PluginCatalog {
 public:
  static PluginCatalog scan(const std::filesystem::path& directory);

  std::shared_ptr<const PluginLibrary> find(const std::string& name) const;
  const std::map<std::string, std::shared_ptr<const PluginLibrary>>& loaded() const {
    return loaded_;
  }
  const std::vector<RefusedPlugin>& refused() const { return refused_; }

 private:
  std::map<std::string, std::shared_ptr<const PluginLibrary>> loaded_;
  std::vector<RefusedPlugin> refused_;
};

}  // namespace notify::core
