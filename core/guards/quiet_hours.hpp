// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>

#include "core/common/time_zone.hpp"
#include "core/config/daemon_config.hpp"

namespace notify::core {

// When the quiet window containing atMs ends, in the zone's local time; nullopt when atMs is not
// in quiet hours. Pure. The end is the first instant the clocks show the window's end time (in
// a spring-forward gap: the same distance after the gap).
std::optional<int64_t> quietUntil(const QuietHours& quiet, const TimeZone& zone, int64_t atMs);

// Milliseconds at the start of the local day containing atMs in zone.
int64_t localDayStartMs(const TimeZone& zone, int64_t atMs);

}  // namespace notify::core
