// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <toml++/toml.h>

#include "core/config/daemon_config.hpp"
#include "core/config/key_check.hpp"

namespace notify::core {

// Reads [[routes]] and checks every reference (apps, templates, lanes, channels, providers),
// the weights, and that no rule hides behind a catch-all one. Needs everything else read first.
void readRoutes(const toml::table& root, DaemonConfig& config, ConfigErrors& errors);

}  // namespace notify::core
