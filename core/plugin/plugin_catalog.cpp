// SPDX-License-Identifier: Apache-2.0
#include "core/plugin/plugin_catalog.hpp"

#include <algorithm>

namespace notify::core {

PluginCatalog PluginCatalog::scan(const std::filesystem::path& directory) {
  PluginCatalog catalog;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    std::string file = entry.path().filename().string();
    if (entry.is_regular_file() && file.rfind("channel_", 0) == 0 &&
        entry.path().extension() == ".so") {
      files.push_back(entry.path());
    }
  }
  if (ec) {
    catalog.refused_.push_back(
        {directory.string(), "cannot read plugin directory: " + ec.message()});
    return catalog;
  }
  std::sort(files.begin(), files.end());  // deterministic: the same directory, the same result
  for (const auto& path : files) {
    Result<std::shared_ptr<const PluginLibrary>> library = PluginLibrary::load(path);
    if (!library) {
      catalog.refused_.push_back({path.string(), library.error().message});
      continue;
    }
    const std::string& name = library.value()->info().name;
    if (catalog.loaded_.count(name) != 0) {
      catalog.refused_.push_back({path.string(), "plugin '" + name + "' is already loaded from " +
                                                     catalog.loaded_[name]->info().path});
      continue;
    }
    catalog.loaded_.emplace(name, std::move(library).value());
  }
  return catalog;
}

std::shared_ptr<const PluginLibrary> PluginCatalog::find(const std::string& name) const {
  auto it = loaded_.find(name);
  return it == loaded_.end() ? nullptr : it->second;
}

}  // namespace notify::core
