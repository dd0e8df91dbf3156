// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <toml++/toml.h>

#include <string>
#include <vector>

#include "core/config/key_check.hpp"
#include "core/config/secret_resolver.hpp"
#include "core/plugin/channel_instance.hpp"
#include "core/plugin/plugin_library.hpp"

namespace notify::core {

// Checks one provider's TOML table against the parameters its plugin declares, before the
// plugin sees it: unknown keys (naming the valid ones), wrong types, missing required values,
// secret references. Returns the configuration as the text pairs the ABI passes, defaults
// filled in and secrets resolved. Keys in reservedKeys belong to the core and are skipped.
KeyValues validateParams(const toml::table& table, const std::string& path,
                         const std::vector<ParamSpec>& params,
                         const std::vector<std::string>& reservedKeys,
                         const SecretResolver& secrets, ConfigErrors& errors);

}  // namespace notify::core
