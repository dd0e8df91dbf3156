// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace notify::core {

// The process clock in Unix milliseconds: the wall clock, unless a test clock was set
// (core/common/process_clock.hpp).
int64_t nowUnixMs();

// "2026-11-26T08:00:00.123Z".
std::string formatRfc3339Ms(int64_t unixMs);

// Parses RFC 3339 with a mandatory offset ("Z" or "+08:00"), optional fractional seconds.
std::optional<int64_t> parseRfc3339(std::string_view text);

}  // namespace notify::core
