// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <toml++/toml.h>

#include <optional>
#include <string>

#include "core/config/daemon_config.hpp"
#include "core/config/key_check.hpp"

namespace notify::core {

// [guards] and [[frequency_caps]]. Needs lanes and channels read first.
void readGuards(const toml::table& root, DaemonConfig& config, ConfigErrors& errors);

// The guard keys of one [lanes.NAME] table: dedup_window_s, quiet_hours, quiet_action.
void readLaneGuards(const toml::table& t, const std::string& path, LaneConfig& lane,
                    ConfigErrors& errors);

// "22:00-08:00" → minutes after midnight; nullopt when malformed.
std::optional<std::pair<int, int>> parseQuietHours(const std::string& text);

}  // namespace notify::core
