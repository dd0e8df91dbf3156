// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include "core/config/daemon_config.hpp"

namespace notify::core {

// Thrown at start-up with every problem found, one per line, each with file:line:col.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads and checks the daemon configuration. Provider tables are checked against their plugins
// later (ProviderSet), because that needs the plugins loaded.
DaemonConfig loadConfig(const std::filesystem::path& file);
DaemonConfig parseConfig(const std::string& text, const std::filesystem::path& file);

}  // namespace notify::core
