// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

namespace notify::plugin::common {

// Formats Unix milliseconds as RFC 3339 UTC with millisecond precision, e.g.
// "2021-02-26T03:42:10.123Z". Pure: no time zone database, no locale.
std::string formatRfc3339Ms(int64_t unixMs);

}  // namespace notify::plugin::common
