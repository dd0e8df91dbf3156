// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

#include "notify/channel.hpp"

namespace notify::plugin::file {

// One JSON line for a message delivered at nowUnixMs, newline included:
// {"message_id","app","template","channel","to":{...},"subject","body","attempt","delivered_at"}
// Newlines inside values are escaped, so a record is always exactly one line.
std::string buildRecord(const sdk::Message& message, int64_t nowUnixMs);

}  // namespace notify::plugin::file
