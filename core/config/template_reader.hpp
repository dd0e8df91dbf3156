// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <toml++/toml.h>

#include "core/config/daemon_config.hpp"
#include "core/config/key_check.hpp"

namespace notify::core {

// Reads the templates: inline [templates.NAME] tables and, when [templates] dir is set, every
// *.toml file in that directory (each top-level table one template). Checks variable
// declarations, placeholders, channels, providers and lanes; errors carry file:line:col.
// Needs lanes, channels and providers already read.
void readTemplates(const toml::table& root, DaemonConfig& config, ConfigErrors& errors);

}  // namespace notify::core
