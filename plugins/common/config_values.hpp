// SPDX-License-Identifier: Apache-2.0
// Configuration values most provider plugins read the same way: an API root that tests and
// private deployments override, secrets that often arrive with a trailing newline from a file,
// and the request timeout. Each throws sdk::ConfigError naming the key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "notify/channel.hpp"

namespace notify::plugin::common {

// An http(s) URL without trailing slashes, so paths can be appended.
std::string baseUrlParam(const sdk::Config& config, std::string_view key,
                         std::string_view fallback);

// The value with trailing whitespace and line breaks removed (secrets read from files often
// end in a newline); "" when absent. With required, an empty value is an error.
std::string trimmedParam(const sdk::Config& config, std::string_view key, bool required);

// A positive millisecond count that fits the ABI's uint32 timeout (default 10000).
uint32_t timeoutParam(const sdk::Config& config, std::string_view key = "timeout_ms");

}  // namespace notify::plugin::common
